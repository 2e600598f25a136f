// Fuzz target: the header value parsers the machines rely on: Via (RFC 3261 20.42),
// CSeq (20.16), delta-seconds, and the tag of a From/To value.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "checks.hpp"
#include "pushcore/sip/headers.hpp"
#include "pushcore/text/grammar.hpp"

using namespace pushcore;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);

    sip::Via via;
    Error err;
    if (sip::parse_via(text, via, err) == Status::ok) {
        if (!fuzz::inside(via.transport, text) || !fuzz::inside(via.host, text) ||
            !fuzz::inside(via.params, text) || !fuzz::inside(via.branch, text))
            abort();
        if (via.host.empty() || !text::is_token(via.transport)) abort();
    } else if (err.status == Status::ok || err.offset > text.size()) {
        abort();
    }

    sip::CSeq cseq;
    Error cerr;
    if (sip::parse_cseq(text, cseq, cerr) == Status::ok) {
        if (!text::is_token(cseq.method) || cseq.number >= (1u << 31)) abort();
    } else if (cerr.status != Status::bad_header || cerr.offset > text.size()) {
        abort();
    }

    uint32_t seconds = 0;
    Error derr;
    if (sip::parse_delta_seconds(text, seconds, derr) != Status::ok &&
        (derr.status != Status::bad_header || derr.offset > text.size()))
        abort();

    if (!fuzz::inside(sip::tag_of(text), text)) abort();
    return 0;
}
