// Fuzz target: SIP message framing (RFC 3261 7, 18.3) with small limits, as a datagram
// and as a stream cut in two at a point chosen by the first input byte. Every view of a
// parsed message must lie inside the bytes it was parsed from, a stream must hand back
// its messages in order as they were sent, and when the input does not start with a
// keep-alive, the stream's first message is what the datagram parser sees.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "checks.hpp"
#include "pushcore/sip/message.hpp"

using namespace pushcore;

namespace {

using fuzz::folds_only;
using fuzz::inside;

void check_message(const sip::Message& m, const sip::Limits& limits) {
    if (m.headers.size() > limits.max_headers || m.body.size() > limits.max_body_bytes) abort();
    if (m.raw.size() - m.body.size() > limits.max_header_bytes) abort();
    if (m.body.data() + m.body.size() != m.raw.data() + m.raw.size()) abort();
    for (const sip::Header& h : m.headers) {
        if (!inside(h.name, m.raw) || !inside(h.value, m.raw) || h.offset > m.raw.size()) abort();
        if (!h.value.empty() && h.value.data() != m.raw.data() + h.offset) abort();
        if (!folds_only(h.value)) abort();
    }
    if (!inside(m.method, m.raw) || !inside(m.request_uri, m.raw) || !inside(m.reason, m.raw))
        abort();
    if (m.request_uri.find_first_of("\r\n") != std::string_view::npos ||
        m.reason.find_first_of("\r\n") != std::string_view::npos)
        abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    sip::Limits limits;
    limits.max_header_bytes = 1024;
    limits.max_headers = 16;
    limits.max_body_bytes = 512;

    sip::Message dgram(limits.max_headers);
    Error err;
    const bool dgram_ok = sip::parse_datagram(input, dgram, limits, err) == Status::ok;
    if (dgram_ok) {
        if (dgram.raw.data() != input.data() || dgram.raw.size() > input.size()) abort();
        check_message(dgram, limits);
    } else if (err.status == Status::ok) {
        abort();
    }

    sip::StreamReader reader(limits);
    const size_t split = size * (size ? data[0] : 0) / 255;
    const bool clean_start = size > 0 && data[0] != '\r' && data[0] != '\n';
    size_t sent = 0;  // where the next message must start in the input
    size_t messages = 0;
    auto drain = [&]() {
        sip::Message m(limits.max_headers);
        Error e;
        int r;
        while ((r = reader.next(m, e)) == 1) {
            check_message(m, limits);
            while (sent < size && (input[sent] == '\r' || input[sent] == '\n')) ++sent;
            if (input.substr(sent, m.raw.size()) != m.raw) abort();
            if (messages == 0 && clean_start && (!dgram_ok || dgram.raw != m.raw)) abort();
            sent += m.raw.size();
            ++messages;
        }
        if (r < 0) {
            // A broken stream stays broken, with the same error.
            Error again;
            if (e.status == Status::ok || r != static_cast<int>(e.status) ||
                reader.next(m, again) != r || again.status != e.status)
                abort();
        }
    };
    reader.receive(input.substr(0, split));
    drain();
    reader.receive(input.substr(split));
    drain();
    Error eos;
    reader.end_of_stream(eos);

    // A datagram that declares its length frames the same first message on a stream.
    if (clean_start && dgram_ok && dgram.find(sip::HeaderId::content_length) && messages == 0)
        abort();
    return 0;
}
