/*
 * pushcore: Sans-IO push protocol cores. The umbrella header of the C ABI.
 * Include this one file; the module headers it pulls in depend on the build's options.
 */
#ifndef PUSHCORE_H
#define PUSHCORE_H

#include "pushcore/core.h"
#if PUSHCORE_WITH_SIP_PUSH
#include "pushcore/sip_push.h"
#endif
#if PUSHCORE_WITH_UA_PROFILE
#include "pushcore/ua_profile.h"
#endif
#if PUSHCORE_WITH_WEB_PUSH
#include "pushcore/web_push.h"
#endif

#endif /* PUSHCORE_H */
