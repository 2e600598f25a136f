// Values of the header fields a SIP state machine needs (RFC 3261 section 20), and the
// response construction of RFC 3261 8.2.6.2.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pushcore/core/status.hpp"
#include "pushcore/sip/message.hpp"
#include "pushcore/sip/uri.hpp"

namespace pushcore::sip {

// CSeq = 1*DIGIT LWS Method (RFC 3261 20.16); the number is below 2**31.
struct CSeq {
    uint32_t number = 0;
    std::string_view method;
};
Status parse_cseq(std::string_view value, CSeq& out, Error& err) noexcept;

// One via-parm (RFC 3261 20.42): SIP/2.0/transport sent-by *(;param).
struct Via {
    std::string_view transport;  // UDP, TCP, TLS, ...
    std::string_view host;       // IPv6 with brackets
    uint16_t port = 0;           // 0 when absent
    std::string_view params;     // from the first ';'
    std::string_view branch;     // value of branch=, empty if none
};
Status parse_via(std::string_view via_parm, Via& out, Error& err) noexcept;
// The first via-parm of the message's first Via header field.
Status top_via(const Message& m, Via& out, Error& err) noexcept;

// A To tag for a response to `request` (RFC 3261 19.3): unique per transaction and the
// same for its retransmissions, so it is derived (FNV-1a, 16 hex digits) from a secret of
// the caller's, the Call-ID and the top Via branch.
std::string transaction_tag(std::string_view secret, const Message& request);

// delta-seconds (Expires, Min-Expires, the expires contact parameter): digits; values
// above 2**32-1 saturate, as RFC 3261 10.2.1 tells registrars to treat large values.
Status parse_delta_seconds(std::string_view value, uint32_t& out, Error& err) noexcept;

// Whether two contact URIs name the same binding: same user, host (case-insensitive)
// and port. RFC 3261 19.1.4 compares more, but parameters such as pn-* change between
// registrations of one binding.
bool same_contact(const Uri& a, const Uri& b) noexcept;

// The tag parameter of a From or To value ("" when absent or unparseable).
std::string_view tag_of(std::string_view name_addr_value) noexcept;

// Appends the start of a response to `request` (RFC 3261 8.2.6.2): status line, the
// Via fields in order, From, To (with `to_tag` added when it has none and the code is
// above 100), Call-ID and CSeq. Append further headers with MessageWriter and finish.
void begin_response(std::string& out, const Message& request, uint16_t code,
                    std::string_view to_tag);

}  // namespace pushcore::sip
