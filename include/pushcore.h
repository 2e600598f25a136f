/*
 * pushcore: Sans-IO push protocol cores. The umbrella header of the C ABI.
 * Include this one file; the module headers it pulls in depend on the build's options.
 */
#ifndef PUSHCORE_H
#define PUSHCORE_H

#include "pushcore/core.h"

#endif /* PUSHCORE_H */
