// The SIP push feature-capability indicators carried in Feature-Caps header fields
// (RFC 6809): +sip.pns (draft 7.2 as a quoted comma list; RFC 8599 one value each),
// and RFC 8599's +sip.pnsreg, +sip.pnspurr and +sip.vapid.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pushcore/core/status.hpp"
#include "pushcore/sip/message.hpp"

namespace pushcore::sip_push {

struct PushCaps {
    std::vector<std::string> pns;            // providers, in order, without duplicates
    bool pnsreg = false;                     // +sip.pnsreg present
    std::optional<uint32_t> pnsreg_seconds;  // its value, when it has one
    std::optional<std::string> pnspurr;      // +sip.pnspurr: the PURR for this registration
    std::optional<std::string> vapid;        // +sip.vapid: the VAPID public key

    bool supports(std::string_view provider) const noexcept;
};

// Adds what one Feature-Caps header field value says to `caps`. Accepts fc-values with
// or without the leading "*;" (deployed servers omit it); ignores other indicators.
// Errors name the indicator; offsets are relative to `value`.
Status parse_feature_caps(std::string_view value, PushCaps& caps, Error& err);

// parse_feature_caps over every Feature-Caps header field of `m`; offsets are from the
// start of the message.
Status read_feature_caps(const sip::Message& m, PushCaps& caps, Error& err);

enum class PnsStyle : uint8_t {
    single,  // RFC 8599: one +sip.pns value per Feature-Caps header field
    list,    // draft-04 7.2: one +sip.pns="a,b" list
};

// The Feature-Caps header field values that announce `caps`.
std::vector<std::string> feature_caps_values(const PushCaps& caps, PnsStyle style);

// Appends a 555 (Push Notification Service Not Supported, draft 7.1) response to a
// REGISTER, with Feature-Caps listing `providers` (draft 5.3 SHOULD) and, when `why` is
// not empty, a Warning naming what was wrong with the request's parameters.
void append_555(std::string& out, const sip::Message& request,
                const std::vector<std::string>& providers, PnsStyle style, std::string_view to_tag,
                std::string_view why);

}  // namespace pushcore::sip_push
