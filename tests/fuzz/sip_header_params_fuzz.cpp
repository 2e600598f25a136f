// Fuzz target: scan_params (RFC 3261 19.1.1 uri-parameters and 25.1 generic-params) in
// both syntaxes. ParamIterator must then walk what was accepted the way scan_params
// read it: every name and unquoted value is made of the characters its syntax allows.
// find_param must agree with that walk.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "checks.hpp"
#include "pushcore/sip/params.hpp"
#include "pushcore/sip/uri.hpp"
#include "pushcore/text/grammar.hpp"

using namespace pushcore;

namespace {

// 1*(paramchar / %HH): the uri syntax's pname and unquoted pvalue.
bool is_paramchars(std::string_view s) {
    Error ignored;
    if (s.empty() || text::check_escapes(s, ignored) != Status::ok) return false;
    for (char c : s)
        if (c != '%' && !text::is(c, text::kAlphanum | text::kMark | text::kParamUnreserved))
            return false;
    return true;
}

// token / host: the header syntax's unquoted gen-value. A host that is not a token is an
// IPv6 reference, which the URI parser must accept as a host too, or (via-received) a
// bare IPv6address.
bool is_gen_value(std::string_view s) {
    if (s.find(':') != std::string_view::npos && s.front() != '[') return sip::valid_ipv6(s);
    if (!s.empty() && s.front() == '[') {
        sip::Uri uri;
        Error ignored;
        return sip::parse_uri("sip:" + std::string(s), uri, ignored) == Status::ok && uri.host == s;
    }
    return text::is_token(s);
}

void scan(std::string_view list_text, sip::ParamSyntax syntax) {
    const bool uri = syntax == sip::ParamSyntax::uri;
    size_t pos = 0;
    Error err;
    if (sip::scan_params(list_text, pos, syntax, err) != Status::ok) {
        if (err.status == Status::ok || err.offset > list_text.size()) abort();
        return;
    }
    if (pos > list_text.size()) abort();
    std::string_view list = list_text.substr(0, pos);
    if (!fuzz::folds_only(list)) abort();

    std::vector<sip::Param> params;
    sip::ParamIterator it(list);
    sip::Param p;
    while (it.next(p)) {
        if (!(uri ? is_paramchars(p.name) : text::is_token(p.name))) abort();
        if (p.has_value && !p.quoted && !(uri ? is_paramchars(p.value) : is_gen_value(p.value)))
            abort();
        if (uri && p.has_value) sip::decode_uri_param_value(p.value, p.quoted);
        params.push_back(p);
    }
    // find_param returns the first parameter of that name, exactly as the walk saw it
    // (checked for the first 64 names, to keep long lists fast).
    for (size_t n = 0; n < params.size() && n < 64; ++n) {
        const sip::Param& q = params[n];
        const sip::Param* first = &q;
        for (const sip::Param& r : params) {
            if (text::iequals(r.name, q.name)) {
                first = &r;
                break;
            }
        }
        sip::Param found;
        if (!sip::find_param(list, q.name, found) || found.name != first->name ||
            found.value != first->value || found.has_value != first->has_value ||
            found.quoted != first->quoted)
            abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view list_text(reinterpret_cast<const char*>(data), size);
    scan(list_text, sip::ParamSyntax::header);
    scan(list_text, sip::ParamSyntax::uri);
    return 0;
}
