// Device identifiers of the ua-profile framework and the SUBSCRIBE Request-URIs built
// from them.
//
// draft-ietf-sipping-config-framework-08:
//   7.13.1  the device URI's user part is "MAC:" + 12 upper-case hex digits
//           (mac-ident = "MAC" ":" 12UHEX) or a UUID URN (RFC 4122), escaped because ':'
//           is not allowed unescaped in a user part: sip:MAC%3a00DF1E004CD0@host,
//           sip:urn%3auuid%3af81d4fae-7ced-11d0-a765-00a0c91e6bf6@host.
//   7.13.3  the local-network URI has the same user part and the local domain as host
//   8.1.1   (example: sip:MAC%3a00DF1E004CD0@airport.example.net).
// RFC 6080 (the published framework; 5.1.1 forms the enrollment Request-URI) makes the
// device identifier a UUID URN: a device with a MAC address maps it to a version-1 UUID
// whose node is the MAC (mac_to_uuid below; see the comment there for what was checked).
//
// Deployed phones write the user part in other ways too: "MAC:..." with the colon
// unescaped (in a full URI it then parses as user "MAC" and password "<hex>"), "MAC=...",
// lower-case hex. parse_device_user() accepts them and reports that it did.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pushcore/core/status.hpp"
#include "pushcore/sip/uri.hpp"
#include "pushcore/ua_profile/form.hpp"

namespace pushcore::ua_profile {

enum class DeviceIdKind : uint8_t { mac, uuid };

struct DeviceId {
    DeviceIdKind kind = DeviceIdKind::mac;
    // "MAC:00DF1E004CD0" (upper-case hex) or "urn:uuid:f81d4fae-7ced-11d0-a765-00a0c91e6bf6"
    // (lower-case, RFC 4122 section 3: UUIDs are written in lower case).
    std::string canonical;
};

inline bool operator==(const DeviceId& a, const DeviceId& b) {
    return a.kind == b.kind && a.canonical == b.canonical;
}
inline bool operator!=(const DeviceId& a, const DeviceId& b) {
    return !(a == b);
}

// Reads a MAC address written as 12 hex digits, plain or grouped in one of the usual
// ways (aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff), optionally after a
// "MAC:" prefix (any case). Sets `out` to "MAC:" + 12 upper-case hex digits. Anything
// else is Status::syntax with the reason and the offset in `in` (a byte that is neither
// hex nor a separator, separators of two kinds, a separator out of place, too few or too
// many digits).
Status normalize_mac(std::string_view in, std::string& out, Error& err);

// Reads "urn:uuid:" (any case) + 8-4-4-4-12 hex digits (RFC 4122 section 3) and sets
// `out` to its canonical lower-case form. Status::syntax with reason and offset otherwise.
Status parse_uuid_urn(std::string_view in, std::string& out, Error& err);

// Maps a MAC address (any form normalize_mac accepts) to the version-1 UUID URN whose
// node is the MAC: urn:uuid:00000000-0000-1000-8000-<mac in lower-case hex>.
Status mac_to_uuid(std::string_view mac, std::string& out, Error& err);

// Reads an unescaped device identifier: a MAC address in any form normalize_mac accepts,
// or a UUID URN. For configuration input and tests; URIs go through parse_device_user.
Status parse_device_id(std::string_view text, DeviceId& out, Error& err);

// True when `id.canonical` is exactly the canonical form for `id.kind`.
bool is_canonical(const DeviceId& id) noexcept;

// The identifier as Form `form` wants it: unchanged for draft08 and for UUIDs, a MAC
// mapped to its UUID for rfc6080. `id` must be canonical (Status::invalid_argument).
Status device_id_for(const DeviceId& id, Form form, DeviceId& out, Error& err);

// Reads the user part of a device (or local-network) SUBSCRIBE Request-URI, still
// escaped as it appears in the URI (sip::Uri::user):
//   draft 7.13.1 forms:  MAC%3a00DF1E004CD0, urn%3auuid%3a<uuid> (%3A too; hex of the UUID
//                        in any case, RFC 4122 section 3)
//   deployed variants:   MAC:00DF1E004CD0, MAC=00DF1E004CD0, lower-case MAC hex or a
//                        lower-case "mac" prefix, urn:uuid:<uuid> with unescaped colons
// On success `out` holds the canonical identifier and *deployed_variant (when given) says
// whether the user part used a deployed variant rather than the draft's form. Errors:
// Status::bad_escape for a '%' not followed by two hex digits, Status::syntax otherwise,
// offsets relative to `user`.
Status parse_device_user(std::string_view user, DeviceId& out, Error& err,
                         bool* deployed_variant = nullptr);

// Appends the escaped user part for `id` (canonical): MAC%3a00DF1E004CD0,
// urn%3auuid%3af81d4fae-7ced-11d0-a765-00a0c91e6bf6 (draft 7.13.1 writes "%3a").
void append_device_user(std::string& out, const DeviceId& id);

// Sets `out` to the device SUBSCRIBE Request-URI "sip:<device user>@<host>" (draft
// 7.13.1); `host` is a hostport (name, IPv4 or [IPv6], optional port). With Form::rfc6080
// a MAC identifier is written as its UUID. Status::invalid_argument when `id` is not
// canonical or `host` is not a hostport.
Status build_device_uri(const DeviceId& id, std::string_view host, std::string& out, Error& err,
                        Form form = Form::draft08);

// Sets `out` to the local-network profile SUBSCRIBE Request-URI: the device user part at
// the local network domain (draft 7.13.3 and 8.1.1). With Form::rfc6080 the host is
// "_sipuaconfig." + the domain and a MAC is written as its UUID. Errors as
// build_device_uri.
Status build_local_network_uri(const DeviceId& id, std::string_view local_domain, Form form,
                               std::string& out, Error& err);

// Parses a whole Request-URI with sip::parse_uri and reads the device identifier from its
// user part (parse_device_user). Also accepts the deployed forms that are not one user
// part in RFC 3261 terms: sip:MAC:00DF1E004CD0@host (user "MAC", password the hex digits)
// and sip:urn:uuid:<uuid>@host (which parse_uri rejects as written: it is read as if its
// two colons were escaped). `host`, when given, receives the URI's host as written (a view
// into `text`). Errors: parse_uri's, Status::syntax for a URI without a user part, or
// parse_device_user's, with offsets relative to `text`.
Status parse_device_request_uri(std::string_view text, DeviceId& out, Error& err,
                                bool* deployed_variant = nullptr, std::string_view* host = nullptr);

}  // namespace pushcore::ua_profile
