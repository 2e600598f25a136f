// Which text of the ua-profile event package a parser checks against or a builder writes:
// the seed draft or the RFC that replaced it.
#pragma once

#include <cstdint>

namespace pushcore::ua_profile {

enum class Form : uint8_t {
    // draft-ietf-sipping-config-framework-08: the four profile types and network-user
    // (7.2); device URIs with MAC:<hex> or a UUID URN as the user part (7.13.1).
    draft08,
    // RFC 6080: no "application" type and no network-user; device identities are UUID
    // URNs, a MAC mapped to one (mac_to_uuid).
    rfc6080,
};

}  // namespace pushcore::ua_profile
