// ua-profile Event header parse and SUBSCRIBE build: pushcore against libosip2 on the same
// bytes (draft-ietf-sipping-config-framework-08 section 7.12, the SUBSCRIBE example).
//
//   event_value/pushcore     parse_event on the Event value alone, read vendor/model/version
//   subscribe_parse/pushcore sip::parse_datagram of the whole 7.12 SUBSCRIBE, find Event,
//                            parse_event, read vendor/model/version
//   subscribe_parse/osip2    osip_message_init, osip_message_parse of the same bytes,
//                            osip_message_header_get_byname("event"), osip_message_free.
//                            libosip2 has no Event parser: it hands back the value as text,
//                            so it does less work than pushcore here.
//   subscribe_build/pushcore append_event from a UaProfileEvent, then the request through
//                            sip::MessageWriter, into a string reused across iterations
//   subscribe_build/osip2    osip_message_init, method, Request-URI (osip_uri_parse),
//                            version, the header setters with the same values,
//                            osip_message_to_str, osip_free, osip_message_free
//   subscribe_to_str/osip2   osip_message_to_str alone of a message filled once (forced to
//                            rebuild each time with osip_message_force_update): serialising
//                            only, without filling the structure
//
// Allocations are counted as in sip_contact_bench.cpp: malloc and friends defined in this
// executable, forwarding to glibc.

#include <benchmark/benchmark.h>
#include <malloc.h>
#include <osipparser2/osip_message.h>
#include <osipparser2/osip_parser.h>
#include <osipparser2/osip_port.h>

#include <cctype>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "pushcore/sip/message.hpp"
#include "pushcore/ua_profile/event_header.hpp"

// --- allocation counting -------------------------------------------------------------------

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* ptr, std::size_t size);
void __libc_free(void* ptr);
void* __libc_memalign(std::size_t alignment, std::size_t size);
void* __libc_valloc(std::size_t size);
void* __libc_pvalloc(std::size_t size);
}

namespace {
thread_local std::size_t t_allocs = 0;
thread_local std::size_t t_frees = 0;
}  // namespace

extern "C" {
void* malloc(std::size_t size) noexcept {
    ++t_allocs;
    return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size) noexcept {
    ++t_allocs;
    return __libc_calloc(count, size);
}
void* realloc(void* ptr, std::size_t size) noexcept {
    ++t_allocs;
    return __libc_realloc(ptr, size);
}
void free(void* ptr) noexcept {
    if (ptr) ++t_frees;
    __libc_free(ptr);
}
void* memalign(std::size_t alignment, std::size_t size) noexcept {
    ++t_allocs;
    return __libc_memalign(alignment, size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size) noexcept {
    ++t_allocs;
    return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t size) noexcept {
    if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    ++t_allocs;
    void* p = __libc_memalign(alignment, size);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}
void* valloc(std::size_t size) noexcept {
    ++t_allocs;
    return __libc_valloc(size);
}
void* pvalloc(std::size_t size) noexcept {
    ++t_allocs;
    return __libc_pvalloc(size);
}
}

namespace {

namespace sip = pushcore::sip;
namespace up = pushcore::ua_profile;

// --- the draft's text ----------------------------------------------------------------------

// Section 7.12, the Event header field value with its fold as printed.
constexpr std::string_view kEventValue =
    "ua-profile;profile-type=device;vendor=\"vendor.example.com\";\r\n"
    "      model=\"Z100\";version=\"1.2.3\"";

// Section 7.12, the SUBSCRIBE as printed (CRLF line ends, both folds kept).
constexpr std::string_view kSubscribe =
    "SUBSCRIBE sip:MAC%3aFF00000036C5@acme.example.com SIP/2.0\r\n"
    "Event: ua-profile;profile-type=device;vendor=\"vendor.example.com\";\r\n"
    "      model=\"Z100\";version=\"1.2.3\"\r\n"
    "From: sip:MAC%3aFF00000036C5@acme.example.com;tag=1234\r\n"
    "To: sip:MAC%3aFF00000036C5@acme.example.com;tag=abcd\r\n"
    "Call-ID: 3573853342923422@10.1.1.44\r\n"
    "CSeq: 2131 SUBSCRIBE\r\n"
    "Contact: sip:MAC%3aFF00000036C5@10.1.1.44\r\n"
    "Via: SIP/2.0/TCP 10.1.1.41;\r\n"
    "      branch=z9hG4bK6d6d35b6e2a203104d97211a3d18f57a\r\n"
    "Accept: message/external-body, application/x-z100-device-profile\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

// The values the build writes (the same request, on one line per header).
constexpr const char* kRequestUri = "sip:MAC%3aFF00000036C5@acme.example.com";
constexpr const char* kFrom = "sip:MAC%3aFF00000036C5@acme.example.com;tag=1234";
constexpr const char* kTo = "sip:MAC%3aFF00000036C5@acme.example.com;tag=abcd";
constexpr const char* kCallId = "3573853342923422@10.1.1.44";
constexpr const char* kCseq = "2131 SUBSCRIBE";
constexpr const char* kContact = "sip:MAC%3aFF00000036C5@10.1.1.44";
constexpr const char* kVia = "SIP/2.0/TCP 10.1.1.41;branch=z9hG4bK6d6d35b6e2a203104d97211a3d18f57a";
constexpr const char* kAccept = "message/external-body, application/x-z100-device-profile";
constexpr const char* kEventOneLine =
    "ua-profile;profile-type=device;vendor=\"vendor.example.com\";model=\"Z100\";"
    "version=\"1.2.3\"";

class AllocTally {
  public:
    void begin() noexcept { start_ = t_allocs; }
    void end() noexcept { total_ += t_allocs - start_; }
    void report(benchmark::State& state) const {
        state.counters["allocs_per_op"] =
            static_cast<double>(total_) / static_cast<double>(state.iterations());
    }

  private:
    std::size_t start_ = 0;
    std::size_t total_ = 0;
};

// --- parse ---------------------------------------------------------------------------------

// State a receiving loop keeps from one message to the next: the Message reserves its
// header table once, the event's unknown-parameter vector is cleared, not freed.
struct PushcoreParser {
    sip::Message msg;
    up::UaProfileEvent event;
};

bool device_fields_ok(const up::UaProfileEvent& ev) {
    return ev.has_type && ev.type == up::ProfileType::device && ev.vendor.present &&
           ev.model.present && ev.version.present;
}

bool parse_value_pushcore(PushcoreParser& p, std::string* vendor) {
    pushcore::Error err;
    bool ok = up::parse_event(kEventValue, p.event, err) == pushcore::Status::ok &&
              device_fields_ok(p.event);
    benchmark::DoNotOptimize(p.event);
    if (vendor && ok) *vendor = p.event.vendor.text();
    return ok;
}

bool parse_message_pushcore(PushcoreParser& p, std::string* vendor) {
    pushcore::Error err;
    if (sip::parse_datagram(kSubscribe, p.msg, sip::Limits{}, err) != pushcore::Status::ok) {
        return false;
    }
    const sip::Header* h = p.msg.find(sip::HeaderId::event);
    bool ok = h && up::parse_event(h->value, p.event, err) == pushcore::Status::ok &&
              device_fields_ok(p.event);
    benchmark::DoNotOptimize(p.event);
    if (vendor && ok) *vendor = p.event.vendor.text();
    return ok;
}

// osip: the Event value as text (libosip2 keeps unknown headers as name/value strings).
bool parse_message_osip(std::string* event_value) {
    osip_message_t* msg = nullptr;
    if (osip_message_init(&msg) != OSIP_SUCCESS) return false;
    osip_header_t* ev = nullptr;
    bool ok = osip_message_parse(msg, kSubscribe.data(), kSubscribe.size()) == OSIP_SUCCESS &&
              osip_message_header_get_byname(msg, "event", 0, &ev) >= 0 && ev && ev->hvalue;
    benchmark::DoNotOptimize(ev);
    if (event_value && ok) *event_value = ev->hvalue;
    osip_message_free(msg);
    return ok;
}

// --- build ---------------------------------------------------------------------------------

struct PushcoreBuilder {
    std::string out;    // the request; capacity kept across iterations, as a sender would
    std::string event;  // the Event value
    up::UaProfileEvent ev;

    PushcoreBuilder() {
        ev.has_type = true;
        ev.type = up::ProfileType::device;
        ev.vendor = up::TextValue::of("vendor.example.com");
        ev.model = up::TextValue::of("Z100");
        ev.version = up::TextValue::of("1.2.3");
    }
};

void build_pushcore(PushcoreBuilder& b) {
    b.event.clear();
    up::append_event(b.event, b.ev);
    b.out.clear();
    sip::MessageWriter w(b.out);
    w.request("SUBSCRIBE", kRequestUri)
        .header("Event", b.event)
        .header("From", kFrom)
        .header("To", kTo)
        .header("Call-ID", kCallId)
        .header("CSeq", kCseq)
        .header("Contact", kContact)
        .header("Via", kVia)
        .header("Accept", kAccept)
        .finish();
    benchmark::DoNotOptimize(b.out.data());
}

// Fills an osip_message_t with the same request; nullptr on failure.
osip_message_t* fill_osip() {
    osip_message_t* msg = nullptr;
    if (osip_message_init(&msg) != OSIP_SUCCESS) return nullptr;
    osip_uri_t* uri = nullptr;
    bool ok = osip_uri_init(&uri) == OSIP_SUCCESS;
    if (ok) {
        ok = osip_uri_parse(uri, kRequestUri) == OSIP_SUCCESS;
        osip_message_set_uri(msg, uri);  // owned by msg from here on
    }
    osip_message_set_method(msg, osip_strdup("SUBSCRIBE"));
    osip_message_set_version(msg, osip_strdup("SIP/2.0"));
    ok = ok && osip_message_set_header(msg, "Event", kEventOneLine) == OSIP_SUCCESS &&
         osip_message_set_from(msg, kFrom) == OSIP_SUCCESS &&
         osip_message_set_to(msg, kTo) == OSIP_SUCCESS &&
         osip_message_set_call_id(msg, kCallId) == OSIP_SUCCESS &&
         osip_message_set_cseq(msg, kCseq) == OSIP_SUCCESS &&
         osip_message_set_contact(msg, kContact) == OSIP_SUCCESS &&
         osip_message_set_via(msg, kVia) == OSIP_SUCCESS &&
         osip_message_set_accept(msg, kAccept) == OSIP_SUCCESS &&
         osip_message_set_content_length(msg, "0") == OSIP_SUCCESS;
    if (!ok) {
        osip_message_free(msg);
        return nullptr;
    }
    return msg;
}

bool build_osip(std::string* text) {
    osip_message_t* msg = fill_osip();
    if (!msg) return false;
    char* dest = nullptr;
    size_t len = 0;
    bool ok = osip_message_to_str(msg, &dest, &len) == OSIP_SUCCESS && dest;
    benchmark::DoNotOptimize(dest);
    if (text && ok) text->assign(dest, len);
    osip_free(dest);
    osip_message_free(msg);
    return ok;
}

bool to_str_osip(osip_message_t* msg, std::string* text) {
    osip_message_force_update(msg);
    char* dest = nullptr;
    size_t len = 0;
    bool ok = osip_message_to_str(msg, &dest, &len) == OSIP_SUCCESS && dest;
    benchmark::DoNotOptimize(dest);
    if (text && ok) text->assign(dest, len);
    osip_free(dest);
    return ok;
}

// --- benchmarks ----------------------------------------------------------------------------

template <typename Op>
void measure(benchmark::State& state, Op op) {
    AllocTally tally;
    bool all_ok = true;
    for (auto _ : state) {
        tally.begin();
        bool ok = op();
        tally.end();
        all_ok = all_ok && ok;
    }
    if (!all_ok) state.SkipWithError("operation failed");
    tally.report(state);
}

void bm_value_pushcore(benchmark::State& state) {
    PushcoreParser p;
    measure(state, [&] { return parse_value_pushcore(p, nullptr); });
}
void bm_parse_pushcore(benchmark::State& state) {
    PushcoreParser p;
    measure(state, [&] { return parse_message_pushcore(p, nullptr); });
}
void bm_parse_osip(benchmark::State& state) {
    measure(state, [] { return parse_message_osip(nullptr); });
}
void bm_build_pushcore(benchmark::State& state) {
    PushcoreBuilder b;
    measure(state, [&] {
        build_pushcore(b);
        return !b.out.empty();
    });
}
void bm_build_osip(benchmark::State& state) {
    measure(state, [] { return build_osip(nullptr); });
}
void bm_to_str_osip(benchmark::State& state) {
    osip_message_t* msg = fill_osip();
    if (!msg) {
        state.SkipWithError("fill failed");
        return;
    }
    measure(state, [&] { return to_str_osip(msg, nullptr); });
    osip_message_free(msg);
}

// --- sanity, before any timing -------------------------------------------------------------

// libosip2 writes escapes in upper case (%3A); RFC 3261 19.1.4 compares them without case.
bool same_escaped(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

// Reads a built request back with pushcore and checks the Event fields and the headers.
bool reads_back(const std::string& text, const char* who) {
    sip::Message msg;
    pushcore::Error err;
    up::UaProfileEvent ev;
    if (sip::parse_datagram(text, msg, sip::Limits{}, err) != pushcore::Status::ok) {
        std::printf("sanity: %s build does not parse: %s at %zu\n", who, err.reason, err.offset);
        return false;
    }
    const sip::Header* h = msg.find(sip::HeaderId::event);
    bool ok = msg.is_request && msg.method == "SUBSCRIBE" &&
              same_escaped(msg.request_uri, kRequestUri) && h &&
              up::parse_event(h->value, ev, err) == pushcore::Status::ok && device_fields_ok(ev) &&
              ev.vendor.text() == "vendor.example.com" && ev.model.text() == "Z100" &&
              ev.version.text() == "1.2.3";
    for (sip::HeaderId id : {sip::HeaderId::from, sip::HeaderId::to, sip::HeaderId::call_id,
                             sip::HeaderId::cseq, sip::HeaderId::contact, sip::HeaderId::via,
                             sip::HeaderId::accept, sip::HeaderId::content_length}) {
        if (msg.count(id) != 1) ok = false;
    }
    if (!ok) std::printf("sanity: %s build reads back wrong:\n%s\n", who, text.c_str());
    return ok;
}

bool sanity_check() {
    bool good = true;
    {
        std::size_t before = t_allocs;
        auto* probe = new std::string(64, 'x');
        benchmark::DoNotOptimize(probe);
        delete probe;
        if (t_allocs - before < 2) {
            std::printf("sanity: allocation counter missed operator new\n");
            good = false;
        }
    }
    auto report = [&](const char* name, bool ok, std::size_t a0, std::size_t f0) {
        std::size_t allocs = t_allocs - a0, frees = t_frees - f0;
        std::printf("sanity %-26s %s  allocs=%zu frees=%zu\n", name, ok ? "ok" : "FAILED", allocs,
                    frees);
        if (!ok) good = false;
        return allocs;
    };

    PushcoreParser p;
    std::string vendor;
    bool ok = parse_value_pushcore(p, &vendor) && vendor == "vendor.example.com";
    std::size_t a0 = t_allocs, f0 = t_frees;
    ok = parse_value_pushcore(p, nullptr) && ok;
    report("event_value/pushcore", ok, a0, f0);

    vendor.clear();
    ok = parse_message_pushcore(p, &vendor) && vendor == "vendor.example.com";
    a0 = t_allocs, f0 = t_frees;
    ok = parse_message_pushcore(p, nullptr) && ok;
    report("subscribe_parse/pushcore", ok, a0, f0);

    std::string osip_event;
    ok = parse_message_osip(&osip_event);
    // What libosip2 hands back must read as the same event.
    up::UaProfileEvent from_osip;
    pushcore::Error err;
    ok = ok && up::parse_event(osip_event, from_osip, err) == pushcore::Status::ok &&
         device_fields_ok(from_osip) && from_osip.vendor.text() == "vendor.example.com";
    if (!ok) std::printf("sanity: osip Event value: [%s]\n", osip_event.c_str());
    a0 = t_allocs, f0 = t_frees;
    ok = parse_message_osip(nullptr) && ok;
    if (report("subscribe_parse/osip2", ok, a0, f0) == 0) {
        std::printf("sanity: allocation counter saw nothing from libosip2\n");
        good = false;
    }

    PushcoreBuilder b;
    build_pushcore(b);
    ok = reads_back(b.out, "pushcore");
    a0 = t_allocs, f0 = t_frees;
    build_pushcore(b);
    report("subscribe_build/pushcore", ok, a0, f0);

    std::string text;
    ok = build_osip(&text) && reads_back(text, "osip2");
    a0 = t_allocs, f0 = t_frees;
    ok = build_osip(nullptr) && ok;
    report("subscribe_build/osip2", ok, a0, f0);

    osip_message_t* msg = fill_osip();
    text.clear();
    ok = msg && to_str_osip(msg, &text) && reads_back(text, "osip2 to_str");
    a0 = t_allocs, f0 = t_frees;
    ok = msg && to_str_osip(msg, nullptr) && ok;
    report("subscribe_to_str/osip2", ok, a0, f0);
    if (msg) osip_message_free(msg);

    std::printf("sanity: pushcore builds %zu bytes, libosip2 %zu\n", b.out.size(), text.size());
    return good;
}

}  // namespace

int main(int argc, char** argv) {
    if (parser_init() != OSIP_SUCCESS) return 1;  // libosip2's header table
    if (!sanity_check()) return 1;
    benchmark::RegisterBenchmark("ua_profile/event_value/pushcore", bm_value_pushcore);
    benchmark::RegisterBenchmark("ua_profile/subscribe_parse/pushcore", bm_parse_pushcore);
    benchmark::RegisterBenchmark("ua_profile/subscribe_parse/osip2", bm_parse_osip);
    benchmark::RegisterBenchmark("ua_profile/subscribe_build/pushcore", bm_build_pushcore);
    benchmark::RegisterBenchmark("ua_profile/subscribe_build/osip2", bm_build_osip);
    benchmark::RegisterBenchmark("ua_profile/subscribe_to_str/osip2", bm_to_str_osip);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
