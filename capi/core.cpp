// C ABI shims for the shared core: version and status strings.
#include "pushcore/core.h"

#include "pushcore/core/status.hpp"

extern "C" {

PUSHCORE_API uint32_t pushcore_version(void) {
    return PUSHCORE_VERSION_NUM;
}

PUSHCORE_API const char* pushcore_version_string(void) {
    return PUSHCORE_VERSION_STRING;
}

PUSHCORE_API const char* pushcore_strerror(int status) {
    return pushcore::status_message(static_cast<pushcore::Status>(status));
}

PUSHCORE_API const char* pushcore_status_name(int status) {
    return pushcore::status_name(static_cast<pushcore::Status>(status));
}

}  // extern "C"
