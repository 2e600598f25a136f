// What the ua-profile shims (grammar and machines) share: text arguments, and the
// PUSHCORE_UA_PROFILE_* codes of the profile types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "pushcore/ua_profile.h"
#include "pushcore/ua_profile/event_header.hpp"

namespace pushcore::capi {

// Text in as pointer + length: valid when it has a pointer or is empty; NULL is "".
inline bool text_ok(const char* p, size_t len) {
    return p || len == 0;
}
inline std::string_view view(const char* p, size_t len) {
    return p ? std::string_view(p, len) : std::string_view();
}

inline int32_t type_code(ua_profile::ProfileType t) {
    switch (t) {
        case ua_profile::ProfileType::device:
            return PUSHCORE_UA_PROFILE_DEVICE;
        case ua_profile::ProfileType::user:
            return PUSHCORE_UA_PROFILE_USER;
        case ua_profile::ProfileType::application:
            return PUSHCORE_UA_PROFILE_APPLICATION;
        case ua_profile::ProfileType::local_network:
            return PUSHCORE_UA_PROFILE_LOCAL_NETWORK;
        case ua_profile::ProfileType::other:
            break;
    }
    return PUSHCORE_UA_PROFILE_OTHER;
}

inline std::optional<ua_profile::ProfileType> type_of_code(int32_t code) {
    switch (code) {
        case PUSHCORE_UA_PROFILE_DEVICE:
            return ua_profile::ProfileType::device;
        case PUSHCORE_UA_PROFILE_USER:
            return ua_profile::ProfileType::user;
        case PUSHCORE_UA_PROFILE_APPLICATION:
            return ua_profile::ProfileType::application;
        case PUSHCORE_UA_PROFILE_LOCAL_NETWORK:
            return ua_profile::ProfileType::local_network;
        case PUSHCORE_UA_PROFILE_OTHER:
            return ua_profile::ProfileType::other;
        default:
            return std::nullopt;
    }
}

}  // namespace pushcore::capi
