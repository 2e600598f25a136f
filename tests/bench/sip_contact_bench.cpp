// Parse time and heap allocations per Contact header value: pushcore against libosip2
// and sofia-sip on the same bytes. Each iteration parses the value and reads the
// pn-provider, pn-param and pn-prid uri-parameters (draft-ietf-sipcore-sip-push-04
// section 4), then releases whatever the parser allocated: that release is part of a
// peer's parse cost, as it is in a real registrar.
//
// Allocations are counted by defining malloc and friends in this executable: the
// dynamic linker binds every caller to them (libstdc++'s operator new, libosip2,
// sofia-sip, glibc's own strdup), and they forward to glibc's __libc_* entry points.

#include <benchmark/benchmark.h>
#include <malloc.h>
#include <osipparser2/osip_parser.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pushcore/sip/name_addr.hpp"
#include "pushcore/sip_push/push_params.hpp"

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
// Initial-exec TLS of the executable itself: reading or bumping it never allocates.
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
    ++t_allocs;  // a resize is a trip to the allocator too
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

// Sums the allocations made inside the measured region of each iteration.
class AllocTally {
  public:
    void begin() noexcept { start_ = t_allocs; }
    void end() noexcept { total_ += t_allocs - start_; }
    void report(benchmark::State& state) const {
        state.counters["allocs_per_parse"] =
            static_cast<double>(total_) / static_cast<double>(state.iterations());
    }

  private:
    std::size_t start_ = 0;
    std::size_t total_ = 0;
};

// --- inputs --------------------------------------------------------------------------------

struct Input {
    const char* id;
    const char* label;
    std::string value;
    // Expected values once quotes are removed (pushcore removes them; the peers keep them).
    const char* pn_provider;
    const char* pn_param;
    const char* pn_prid;
};

const Input kInputs[] = {
    {"draft_fig1", "draft-04 Figure 1, quoted pn-prid",
     "<sip:alice@alicemobile.example.com;pn-provider=acme;pn-param=acme-param;"
     "pn-prid=\"ZTY4ZDJlMzODE1NmUgKi0K\">",
     "acme", "acme-param", "ZTY4ZDJlMzODE1NmUgKi0K"},
    {"eight_params", "display name, IPv6, 8 uri-params, 3 header params",
     "\"Alice\" <sip:alice@[2001:db8::10]:5061;transport=tls;ob;pn-provider=apns;"
     "pn-param=DEF123GHIJ.com.example.voip;"
     "pn-prid=00fc13adff785122b4ad28809a3420982341241421348097878e577c991de8f0;"
     "pn-purr=a7f1c;app-id=7;lr>;expires=3600;"
     "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\";reg-id=1",
     "apns", "DEF123GHIJ.com.example.voip",
     "00fc13adff785122b4ad28809a3420982341241421348097878e577c991de8f0"},
};

// osip_uri_param_get_byname takes a non-const name.
char kOsipProvider[] = "pn-provider";
char kOsipParam[] = "pn-param";
char kOsipPrid[] = "pn-prid";

// A value big enough for any uri-parameter in the inputs; url_param copies into it.
constexpr std::size_t kSofiaValueCap = 256;

// --- one parse per library, as measured ----------------------------------------------------

struct Found {
    std::string provider, param, prid;
};

std::string unquote(std::string v) {
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') return v.substr(1, v.size() - 2);
    return v;
}

bool parse_pushcore(const Input& in, Found* found) {
    // The module's own way of reading the pn-* values out of a Contact: read_push_params
    // fills every pn-* field at once, from where parse_name_addr recorded the
    // uri-parameters (Uri::params_index), without walking the list again.
    namespace sip = pushcore::sip;
    namespace sip_push = pushcore::sip_push;
    sip::NameAddr na;
    pushcore::Error err;
    sip_push::PushParams push;
    bool ok = sip::parse_name_addr(in.value, na, err) == pushcore::Status::ok && na.is_sip &&
              sip_push::read_push_params(na.sip, push, err) == pushcore::Status::ok &&
              push.provider.present && push.param.present && push.prid.present;
    benchmark::DoNotOptimize(push);
    if (found && ok) {
        found->provider = std::string(push.provider.raw);
        found->param = std::string(push.param.raw);
        found->prid = std::string(push.prid.raw);
    }
    return ok;
}

bool parse_osip(const Input& in, Found* found) {
    osip_contact_t* contact = nullptr;
    if (osip_contact_init(&contact) != OSIP_SUCCESS) return false;
    osip_uri_param_t* provider = nullptr;
    osip_uri_param_t* param = nullptr;
    osip_uri_param_t* prid = nullptr;
    bool ok = osip_contact_parse(contact, in.value.c_str()) == OSIP_SUCCESS && contact->url &&
              osip_uri_uparam_get_byname(contact->url, kOsipProvider, &provider) == OSIP_SUCCESS &&
              osip_uri_uparam_get_byname(contact->url, kOsipParam, &param) == OSIP_SUCCESS &&
              osip_uri_uparam_get_byname(contact->url, kOsipPrid, &prid) == OSIP_SUCCESS &&
              provider->gvalue && param->gvalue && prid->gvalue;
    benchmark::DoNotOptimize(provider);
    benchmark::DoNotOptimize(param);
    benchmark::DoNotOptimize(prid);
    if (found && ok) {
        found->provider = unquote(provider->gvalue);
        found->param = unquote(param->gvalue);
        found->prid = unquote(prid->gvalue);
    }
    osip_contact_free(contact);
    return ok;
}

bool parse_sofia(const Input& in, Found* found) {
    su_home_t home[1] = {SU_HOME_INIT(home)};
    if (su_home_init(home) != 0) return false;
    char provider[kSofiaValueCap], param[kSofiaValueCap], prid[kSofiaValueCap];
    sip_contact_t* contact = sip_contact_make(home, in.value.c_str());
    // url_param returns the value's length plus one, 0 when the parameter is absent.
    bool ok = contact && contact->m_url->url_params &&
              url_param(contact->m_url->url_params, "pn-provider", provider, kSofiaValueCap) &&
              url_param(contact->m_url->url_params, "pn-param", param, kSofiaValueCap) &&
              url_param(contact->m_url->url_params, "pn-prid", prid, kSofiaValueCap);
    benchmark::DoNotOptimize(provider);
    benchmark::DoNotOptimize(param);
    benchmark::DoNotOptimize(prid);
    if (found && ok) {
        found->provider = unquote(provider);
        found->param = unquote(param);
        found->prid = unquote(prid);
    }
    su_home_deinit(home);
    return ok;
}

using ParseFn = bool (*)(const Input&, Found*);

// The parse function is a template argument so the measured loop calls it directly.
template <ParseFn Parse>
void run_benchmark(benchmark::State& state, const Input* in) {
    AllocTally tally;
    bool all_ok = true;
    for (auto _ : state) {
        tally.begin();
        bool ok = Parse(*in, nullptr);
        tally.end();
        all_ok = all_ok && ok;
    }
    if (!all_ok) state.SkipWithError("parse failed");
    tally.report(state);
    state.SetLabel(in->label);
}

struct Parser {
    const char* name;
    ParseFn parse;
    void (*bench)(benchmark::State&, const Input*);
};

const Parser kParsers[] = {
    {"pushcore", parse_pushcore, run_benchmark<parse_pushcore>},
    {"osip2", parse_osip, run_benchmark<parse_osip>},
    {"sofia", parse_sofia, run_benchmark<parse_sofia>},
};

// Before any timing: every parser must find the expected values in every input, and the
// allocation counter must see the peers allocate (so a 0 for pushcore means something).
bool sanity_check() {
    bool good = true;
    {
        // pushcore is C++: the counter must see operator new (libstdc++ calls malloc).
        std::size_t before = t_allocs;
        auto* probe = new std::string(64, 'x');
        benchmark::DoNotOptimize(probe);
        delete probe;
        if (t_allocs - before < 2) {
            std::printf("sanity: allocation counter missed operator new\n");
            good = false;
        }
    }
    for (const Input& in : kInputs) {
        for (const Parser& p : kParsers) {
            // Values first (copying them out allocates), then one counted parse as measured.
            Found f;
            bool ok = p.parse(in, &f);
            bool values =
                f.provider == in.pn_provider && f.param == in.pn_param && f.prid == in.pn_prid;
            std::size_t allocs_before = t_allocs, frees_before = t_frees;
            ok = p.parse(in, nullptr) && ok;
            std::size_t allocs = t_allocs - allocs_before, frees = t_frees - frees_before;
            std::printf("sanity %-13s %-9s %s  allocs=%zu frees=%zu\n", in.id, p.name,
                        ok && values ? "values ok" : "WRONG VALUES", allocs, frees);
            if (!ok || !values) good = false;
            if (std::string_view(p.name) != "pushcore" && allocs == 0) {
                std::printf("sanity: allocation counter saw nothing from %s\n", p.name);
                good = false;
            }
            if (allocs != frees) std::printf("sanity: %s leaks on %s?\n", p.name, in.id);
        }
    }
    return good;
}

}  // namespace

int main(int argc, char** argv) {
    if (!sanity_check()) return 1;
    for (const Input& in : kInputs) {
        for (const Parser& p : kParsers) {
            std::string name = std::string("contact/") + in.id + "/" + p.name;
            benchmark::RegisterBenchmark(name.c_str(), p.bench, &in);
        }
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
