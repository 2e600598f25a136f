// SIP and SIPS URIs (RFC 3261 section 19.1, grammar in 25.1).
//
// parse_uri() validates a URI and returns views into the caller's text, escapes
// intact; nothing is allocated. UriSpec is the owned, decoded form used to build a URI:
// write_uri() escapes each component for its place, so its output re-parses to the same
// decoded values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pushcore/core/status.hpp"
#include "pushcore/sip/params.hpp"

namespace pushcore::sip {

enum class HostKind : uint8_t { name, ipv4, ipv6 };

struct Uri {
    // Member by member, not as one block: compilers clear a large block with a slow
    // string instruction (x86 rep stos), which costs more than parsing a short URI.
    Uri() noexcept {}

    bool secure = false;  // sips:
    bool has_user = false;
    bool has_password = false;
    std::string_view user;      // escaped, as written
    std::string_view password;  // escaped, as written
    std::string_view host;      // as written; an IPv6 reference keeps its brackets
    HostKind host_kind = HostKind::name;
    bool has_port = false;
    uint16_t port = 0;
    std::string_view params;   // uri-parameters as written, from the first ';' (or empty)
    std::string_view headers;  // after '?', as written (or empty)
    ParamIndex params_index;   // where parse_uri found each of `params`
};

// Parses all of `text` as a SIP or SIPS URI. Error offsets are relative to text.
Status parse_uri(std::string_view text, Uri& out, Error& err) noexcept;

// A URI parse_uri accepted, without the LWS it admits around ';' and '=' (SEMI, EQUAL of
// RFC 3261 25.1): the form a Request-URI must have, since the Request-Line has no LWS.
std::string compact_uri(std::string_view uri);

// Whether `v` is an IPv6address (RFC 3261 25.1: 1-8 groups of 1-4 hex digits, at most one
// "::", optionally ending in a dotted IPv4 address), without brackets.
bool valid_ipv6(std::string_view v) noexcept;

// Length of the URI's end within a header value where it is not enclosed in <>
// (addr-spec form): RFC 3261 20 says parameters after such a URI belong to the header,
// so the URI stops at the first ';', ',', '?' or whitespace.
size_t bare_uri_length(std::string_view text, size_t pos) noexcept;

// Owned and decoded: what a URI means, independent of how it was escaped.
struct UriSpec {
    bool secure = false;
    std::optional<std::string> user;
    std::optional<std::string> password;
    std::string host;  // IPv6 with brackets
    std::optional<uint16_t> port;
    std::vector<std::pair<std::string, std::optional<std::string>>> params;
    std::vector<std::pair<std::string, std::string>> headers;
};

bool operator==(const UriSpec& a, const UriSpec& b);
inline bool operator!=(const UriSpec& a, const UriSpec& b) {
    return !(a == b);
}

// Decodes a parsed URI: %HH escapes resolved, quoted parameter values unquoted.
UriSpec to_spec(const Uri& uri);

// Appends the canonical text of `spec`: lower-case scheme, every component escaped for
// its position, parameter values escaped and never quoted.
void write_uri(std::string& out, const UriSpec& spec);

// Appends ";name[=value]" with both escaped as uri-parameter characters.
void append_uri_param(std::string& out, std::string_view name,
                      std::optional<std::string_view> value);

// Decoded value of a uri-parameter as Param reports it (unquotes or unescapes).
std::string decode_uri_param_value(std::string_view value, bool quoted);

}  // namespace pushcore::sip
