// Fuzz target: parse_uri (RFC 3261 19.1). An accepted URI must mean the same after a
// trip through its decoded form: write_uri(to_spec(u)) re-parses to an equal UriSpec,
// and writing that again gives the same text (the written form is canonical).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "checks.hpp"
#include "pushcore/sip/uri.hpp"

using namespace pushcore;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    sip::Uri uri;
    Error err;
    if (sip::parse_uri(text, uri, err) != Status::ok) {
        if (err.status == Status::ok || err.offset > text.size()) abort();
        return 0;
    }
    if (!fuzz::folds_only(text)) abort();

    const sip::UriSpec spec = sip::to_spec(uri);
    std::string written;
    sip::write_uri(written, spec);

    sip::Uri again;
    Error again_err;
    if (sip::parse_uri(written, again, again_err) != Status::ok) abort();
    const sip::UriSpec again_spec = sip::to_spec(again);
    if (again_spec != spec) abort();

    std::string rewritten;
    sip::write_uri(rewritten, again_spec);
    if (rewritten != written) abort();
    return 0;
}
