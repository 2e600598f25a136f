// Fuzz target: parse_feature_caps (draft 7.2, RFC 8599, RFC 6809). Accepted values
// must mean the same after feature_caps_values() writes them, in both +sip.pns styles.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "checks.hpp"
#include "pushcore/sip_push/feature_caps.hpp"

using namespace pushcore;
using namespace pushcore::sip_push;

namespace {
bool same(const PushCaps& a, const PushCaps& b) {
    return a.pns == b.pns && a.pnsreg == b.pnsreg && a.pnsreg_seconds == b.pnsreg_seconds &&
           a.pnspurr == b.pnspurr && a.vapid == b.vapid;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    PushCaps caps;
    Error err;
    if (parse_feature_caps(text, caps, err) != Status::ok) {
        if (err.status == Status::ok || err.offset > text.size()) abort();
        return 0;
    }
    for (const auto& p : caps.pns)
        if (p.empty()) abort();
    for (PnsStyle style : {PnsStyle::single, PnsStyle::list}) {
        PushCaps again;
        for (const auto& value : feature_caps_values(caps, style)) {
            Error e;
            if (parse_feature_caps(value, again, e) != Status::ok) abort();
        }
        if (!same(caps, again)) abort();
    }
    return 0;
}
