// Fuzz target: parse_event over an Event header field value (draft-ietf-sipping-config-
// framework-08 7.1-7.2). What it accepts lies inside the input, survives append_event
// (written and parsed again, the fields are the same, and a second build is a fixed
// point), and check_for runs over it for both methods and both forms.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "checks.hpp"
#include "pushcore/text/grammar.hpp"
#include "pushcore/ua_profile/event_header.hpp"

using namespace pushcore;
using namespace pushcore::ua_profile;

namespace {

bool same_text(const TextValue& a, const TextValue& b) {
    return a.present == b.present && (!a.present || a.text() == b.text());
}

bool same(const UaProfileEvent& a, const UaProfileEvent& b) {
    if (a.has_type != b.has_type || a.type != b.type || a.type_token != b.type_token ||
        !same_text(a.vendor, b.vendor) || !same_text(a.model, b.model) ||
        !same_text(a.version, b.version) || !same_text(a.network_user, b.network_user) ||
        a.effective_by != b.effective_by || a.unknown.size() != b.unknown.size())
        return false;
    for (size_t k = 0; k < a.unknown.size(); ++k) {
        const sip::Param& p = a.unknown[k];
        const sip::Param& q = b.unknown[k];
        if (p.name != q.name || p.value != q.value || p.has_value != q.has_value ||
            p.quoted != q.quoted)
            return false;
    }
    return true;
}

bool views_inside(const UaProfileEvent& ev, std::string_view input) {
    if (!fuzz::inside(ev.type_token, input)) return false;
    for (const TextValue* v : {&ev.vendor, &ev.model, &ev.version, &ev.network_user}) {
        if (!v->present) continue;
        if (!fuzz::inside(v->raw, input) || v->offset >= input.size()) return false;
        if (!v->quoted && v == &ev.network_user) return false;
    }
    for (const sip::Param& p : ev.unknown)
        if (p.name.empty() || !fuzz::inside(p.name, input) || !fuzz::inside(p.value, input))
            return false;
    return true;
}

void check_all(const UaProfileEvent& ev) {
    for (Method m : {Method::subscribe, Method::notify}) {
        for (Form f : {Form::draft08, Form::rfc6080}) {
            Error err;
            std::vector<std::string_view> ignored;
            Status s = check_for(m, ev, f, err, &ignored);
            if (s != Status::ok && (s != Status::missing_header || m != Method::subscribe ||
                                    err.status != s || !ignored.empty()))
                abort();
            if (ignored.size() > 6) abort();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    UaProfileEvent ev;
    Error err;
    Status s = parse_event(input, ev, err);
    if (s != Status::ok) {
        if (err.status != s || err.offset > input.size() || err.reason == nullptr ||
            *err.reason == '\0')
            abort();
        return 0;
    }
    if (!views_inside(ev, input)) abort();
    if (ev.has_type && (ev.type_token.empty() || !text::is_token(ev.type_token) ||
                        profile_type_of(ev.type_token) != ev.type))
        abort();
    check_all(ev);

    std::string written;
    append_event(written, ev);
    if (!fuzz::folds_only(written) && fuzz::folds_only(input)) abort();
    UaProfileEvent again;
    Error again_err;
    if (parse_event(written, again, again_err) != Status::ok) abort();
    if (!same(ev, again)) abort();
    std::string rewritten;
    append_event(rewritten, again);
    if (rewritten != written) abort();
    return 0;
}
