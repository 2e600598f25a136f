// Fuzz target: HTTP/1.1 request framing (RFC 9112) with small limits. The input is fed
// in two chunks split at the first byte's value, taking every complete request and feeding
// the rest again, and then whole in one call. Both runs must give the same requests and the
// same error; every request must respect the limits and hold only what the grammar allows.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "pushcore/http/http1.hpp"

using namespace pushcore;
using namespace pushcore::http;

namespace {

bool clean_value(std::string_view v) {
    for (char c : v) {
        auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
    }
    return v.empty() ||
           (v.front() != ' ' && v.front() != '\t' && v.back() != ' ' && v.back() != '\t');
}

void check_request(const Request& r, const Http1Limits& limits) {
    if (r.body.size() > limits.max_body_bytes) abort();
    if (r.headers.size() > limits.max_header_count) abort();
    if (r.method.empty() || r.path.empty() || !r.scheme.empty()) abort();
    if (r.path[0] != '/' && r.path != "*") abort();
    if (r.path.find_first_of(" \r\n") != std::string::npos) abort();
    if (!clean_value(r.authority)) abort();
    for (const Header& h : r.headers) {
        if (h.name.empty() || !clean_value(h.value)) abort();
        for (char c : h.name)
            if ((c >= 'A' && c <= 'Z') || c == ':' || c == ' ' || c == '\t') abort();
        if (h.name == "host" || h.name == "content-length" || h.name == "transfer-encoding" ||
            h.name == "connection")
            abort();
    }
}

struct Run {
    std::vector<Request> requests;
    std::vector<bool> close;
    bool failed = false;
    Error error;
    int http_status = 0;
    size_t offset = 0;
};

void drive(Http1Parser& p, std::string_view piece, Run& run, const Http1Limits& limits) {
    while (!piece.empty()) {
        const size_t before = p.offset();
        const size_t used = p.feed(reinterpret_cast<const uint8_t*>(piece.data()), piece.size());
        if (used > piece.size() || p.offset() != before + used) abort();
        piece.remove_prefix(used);
        if (p.failed()) {
            const int s = p.http_status();
            if (s != 400 && s != 413 && s != 431 && s != 501 && s != 505) abort();
            if (p.error().status == Status::ok || p.error().reason == nullptr ||
                *p.error().reason == '\0' || p.error().offset > p.offset())
                abort();
            if (p.feed(reinterpret_cast<const uint8_t*>(piece.data()), piece.size()) != 0 ||
                p.take().stream_id != 0 || !p.failed())
                abort();
            return;
        }
        if (!p.done()) {
            // Fewer bytes than offered only at a request's end or on an error.
            if (!piece.empty()) abort();
            if (p.take().stream_id != 0) abort();  // nothing without done()
            return;
        }
        run.close.push_back(p.close_after());
        if (p.expects_continue()) abort();  // the body is complete
        Request r = p.take();
        if (r.stream_id != static_cast<int32_t>(run.requests.size()) + 1) abort();
        check_request(r, limits);
        run.requests.push_back(std::move(r));
    }
}

void finish(const Http1Parser& p, Run& run) {
    run.failed = p.failed();
    run.error = p.error();
    run.http_status = p.http_status();
    run.offset = p.offset();
}

bool same(const Request& a, const Request& b) {
    if (a.stream_id != b.stream_id || a.method != b.method || a.path != b.path ||
        a.authority != b.authority || a.body != b.body || a.headers.size() != b.headers.size())
        return false;
    for (size_t i = 0; i < a.headers.size(); ++i)
        if (a.headers[i].name != b.headers[i].name || a.headers[i].value != b.headers[i].value)
            return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    Http1Limits limits;
    limits.max_header_bytes = 512;
    limits.max_header_count = 12;
    limits.max_body_bytes = 256;

    const size_t split = size ? std::min<size_t>(data[0], size) : 0;
    Http1Parser split_parser(limits);
    Run split_run;
    drive(split_parser, input.substr(0, split), split_run, limits);
    if (!split_parser.failed()) drive(split_parser, input.substr(split), split_run, limits);
    finish(split_parser, split_run);

    Http1Parser whole_parser(limits);
    Run whole_run;
    drive(whole_parser, input, whole_run, limits);
    finish(whole_parser, whole_run);

    // Where the input is cut must not matter.
    if (split_run.requests.size() != whole_run.requests.size() ||
        split_run.close != whole_run.close || split_run.failed != whole_run.failed)
        abort();
    for (size_t i = 0; i < split_run.requests.size(); ++i)
        if (!same(split_run.requests[i], whole_run.requests[i])) abort();
    if (split_run.failed && (split_run.error.status != whole_run.error.status ||
                             split_run.error.offset != whole_run.error.offset ||
                             std::string_view(split_run.error.reason) != whole_run.error.reason ||
                             split_run.http_status != whole_run.http_status))
        abort();
    // Without an error every byte is used (how many a failing call used may differ).
    if (!whole_run.failed && (whole_run.offset != size || split_run.offset != size)) abort();
    return 0;
}
