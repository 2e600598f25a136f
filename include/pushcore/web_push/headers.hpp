// Request fields of Web Push (RFC 8030 section 5) and RFC 7240 Prefer, parsed from the
// field values as they arrived (several lines of one field are passed one by one or
// joined with ", "). Every parser reports a precise reason and offset in `err` and maps
// to a 400 at the service.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pushcore/core/status.hpp"

namespace pushcore::web_push {

// TTL = 1*DIGIT (RFC 8030 5.2), delta-seconds. Values above 2^31-1 saturate there (RFC
// 9111 1.2.2). OWS (SP, HTAB) around the digits is allowed. Empty, signs, spaces inside,
// or a list -> Status::syntax ("TTL: not 1*DIGIT", offset of the first offending byte);
// `seconds` is then left as it was.
Status parse_ttl(std::string_view value, uint32_t& seconds, Error& err);

enum class Urgency : uint8_t { very_low = 0, low = 1, normal = 2, high = 3 };
// Urgency = "very-low" / "low" / "normal" / "high" (RFC 8030 5.3), case-insensitive,
// surrounding whitespace allowed. A list ("low, high") is invalid -> Status::syntax.
Status parse_urgency(std::string_view value, Urgency& urgency, Error& err);
const char* urgency_name(Urgency u) noexcept;

// Topic (RFC 8030 5.4): at most 32 characters of the URL- and filename-safe base64
// alphabet (RFC 4648 section 5). Empty, longer, or another character (padding '=',
// whitespace: the value is taken as is, never trimmed) -> Status::syntax at that byte.
Status check_topic(std::string_view value, Error& err);

// Prefer (RFC 7240 section 2): the preferences this service acts on.
struct Preferences {
    bool respond_async = false;  // "respond-async" (RFC 8030 5.1, receipts)
    bool has_wait = false;       // "wait=N" (RFC 7240 4.3; the seed's "wait=0", section 6)
    uint32_t wait_seconds = 0;
};
// Parses a comma-separated list of preferences with optional parameters after ';'.
// Unknown preferences are ignored (RFC 7240 2); a malformed list, or one with no
// preference at all (1#, empty elements do not count), is Status::syntax and leaves
// `prefs` as it was. Only the first instance of a preference counts (RFC 7240 2), even
// when it is not understood: respond-async is taken without a value (or with ""), wait
// with delta-seconds as a token or a quoted-string; other values are ignored.
Status parse_prefer(std::string_view value, Preferences& prefs, Error& err);

// Link (RFC 8288): the target of the first link-value whose rel list holds `rel`
// (compared case-insensitively, rel may be a quoted list). `target` gets the URI-Reference
// between < and >. Status::not_found (offset value.size()) when no link has that rel;
// Status::syntax when any part of the field is malformed. `target` is set only on success.
// Only the first rel of a link-value counts (RFC 8288 3.3). An unquoted link-param value
// may also hold the URI characters : / ? @ [ ] = ( ) (RFC 8288 3.3 asks for quotes only
// around ';' and ','), so rel=urn:ietf:params:push:receipt is read too.
Status find_link(std::string_view value, std::string_view rel, std::string& target, Error& err);

}  // namespace pushcore::web_push
