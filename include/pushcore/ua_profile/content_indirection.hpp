// NOTIFY bodies of the ua-profile event package (draft-ietf-sipping-config-framework-08
// section 7.5, example in 7.12): content indirection (RFC 4483 over RFC 2017 / RFC 2046
// 5.2.3), i.e. message/external-body parts with access-type="URL", usually inside a
// multipart/mixed body (RFC 2046 5.1); the plain application/url body deployed
// plug-and-play phones receive; and profiles sent inline.
//
// Parsing never copies: every view points into the Content-Type value or the body given
// to parse_notify_body. It allocates nothing but the parts vector.
//
// Line endings: RFC 2046 uses CRLF. The parser also accepts a bare LF wherever a line
// ends (delimiter lines, part header lines, the empty line after headers, folds between
// parameters), because profile servers written against text copies of the draft send
// them; a line break inside a quoted-string must still be CRLF followed by SP or HTAB
// (RFC 3261 LWS). The builder always writes CRLF.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pushcore/core/status.hpp"

namespace pushcore::ua_profile {

// One profile given by reference (a message/external-body part, or an application/url body).
struct IndirectProfile {
    std::string_view url;           // URL parameter, without quotes (RFC 2017)
    std::string_view content_type;  // the profile's media type: the inner Content-Type value
    std::string_view content_id;    // the inner Content-ID, between '<' and '>'
    std::string_view expiration;    // expiration parameter (HTTP-date text), "" when absent
    std::optional<uint64_t> size;   // size parameter, in bytes
    std::string_view hash;          // hash parameter: SHA-1 of the content, 40 hex digits, or ""
    std::string_view access_type;   // as written ("URL", any case); "" for application/url
};

// A part carried in the body itself.
struct InlineBody {
    std::string_view content_type;  // "" when the part has none (RFC 2046 5.1: text/plain)
    std::string_view content_id;    // between '<' and '>', "" when absent
    std::string_view body;
};

enum class PartKind : uint8_t { indirect, inline_body };

struct BodyPart {
    PartKind kind = PartKind::indirect;
    IndirectProfile indirect;  // kind == indirect
    InlineBody inline_body;    // kind == inline_body
    size_t offset = 0;         // where the part starts in the body (its first header line)
};

enum class BodyForm : uint8_t {
    multipart,      // multipart/mixed
    external_body,  // one message/external-body body (its parameters in the Content-Type)
    url,            // application/url: one URL line
    inline_body,    // any other media type: the profile itself, one inline part
};

struct BodyLimits {
    size_t max_parts = 16;           // body parts of a multipart body
    size_t max_header_bytes = 4096;  // per header block of a part (outer and inner headers)
};

// Parses a NOTIFY body given its Content-Type header value. On success `parts` holds the
// parts in order and `form` (when given) says which form the body had.
//
// Errors: Status::syntax for broken framing and grammar (multipart delimiters, header
// lines, media type and parameter syntax), Status::bad_header for a header or parameter
// that is missing or has a bad value, Status::limit_header_bytes / limit_header_count for
// the limits (more parts than max_parts is limit_header_count). err.reason names the rule,
// err.offset is the byte offset into `body` -- except for errors in the Content-Type value
// itself (the top-level media type, the boundary, a single external-body's parameters),
// whose offset is into `content_type`.
Status parse_notify_body(std::string_view content_type, std::string_view body,
                         std::vector<BodyPart>& parts, Error& err,
                         const BodyLimits& limits = BodyLimits{}, BodyForm* form = nullptr);

// --- building ------------------------------------------------------------------------
// Every builder checks what it writes first and returns Status::invalid_argument (and
// appends nothing) when a field could not be read back as given: a URL with whitespace, a
// quote, a backslash or a control character; a content type that is not a media type;
// a content id with '<', '>', space or controls; a hash that is not 40 hex digits; an
// access_type other than URL (empty means URL). What parse_notify_body returns always
// builds, and parses back to the same fields.

// The Content-Type header value of a multipart body: "multipart/mixed;boundary=<b>".
void append_multipart_type(std::string& out, std::string_view boundary);

// A multipart/mixed body in the layout of the draft's section 7.12: for each indirect part
//   --<b>CRLF
//   Content-Type: message/external-body;CRLF
//         access-type="URL";CRLF
//         expiration="...";CRLF        (when given)
//         URL="...";CRLF
//         size=N;CRLF                  (when given)
//         hash=<40 hex>CRLF            (when given)
//   CRLF
//   Content-Type: <profile type>CRLF
//   Content-ID: <<id>>CRLF
//   CRLF
// and for an inline part its Content-Type and Content-ID lines (when given), CRLF, the
// body, CRLF; then --<b>--CRLF. The boundary must be 1..70 RFC 2046 bchars, not end in a
// space, and occur in no field of any part (choose_boundary finds one).
Status append_multipart(std::string& out, std::string_view boundary, const BodyPart* parts,
                        size_t count);
inline Status append_multipart(std::string& out, std::string_view boundary,
                               const std::vector<BodyPart>& parts) {
    return append_multipart(out, boundary, parts.data(), parts.size());
}

// One message/external-body body (RFC 4483 without multipart): its Content-Type header
// value, "message/external-body;access-type="URL";...", and the body, the inner Content-Type
// and Content-ID lines and the empty line.
Status append_external_body_type(std::string& out, const IndirectProfile& p);
Status append_external_body(std::string& out, const IndirectProfile& p);

// An application/url body: the URL and CRLF.
Status append_url_body(std::string& out, std::string_view url);

// A boundary, made from `seed` alone, that occurs in no field of any part: "pc-" and 16
// hex digits of a hash of the seed and a counter, the first candidate that fits.
std::string choose_boundary(std::string_view seed, const BodyPart* parts, size_t count);
inline std::string choose_boundary(std::string_view seed, const std::vector<BodyPart>& parts) {
    return choose_boundary(seed, parts.data(), parts.size());
}

// Pieces of the parser, exposed for tests and for other parsers of MIME headers.

// True when `id` can be a Content-ID between '<' and '>': non-empty, printable ASCII
// without '<', '>' and space.
bool valid_content_id(std::string_view id) noexcept;

// A media type (RFC 2045 5.1) without surrounding whitespace: type "/" subtype and
// parameters; `params` starts at the first ';' (or is empty). Offsets are into `value`.
struct MediaType {
    std::string_view type, subtype, params;
};
Status parse_media_type(std::string_view value, MediaType& out, Error& err) noexcept;

}  // namespace pushcore::ua_profile
