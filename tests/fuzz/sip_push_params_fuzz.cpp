// Fuzz target: read_push_params over a uri-parameter list (draft 7.3) and the provider
// registry's validation (draft 5.3). What was read must survive append_push_params:
// written escaped, it reads back to the same decoded values.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "checks.hpp"
#include "pushcore/sip/params.hpp"
#include "pushcore/sip_push/push_params.hpp"

using namespace pushcore;
using namespace pushcore::sip_push;

namespace {
bool same(const PushInfo& a, const PushInfo& b) {
    return a.provider == b.provider && a.prid == b.prid && a.param == b.param && a.purr == b.purr &&
           a.enckey == b.enckey && a.enccode == b.enccode;
}

// The list as read_push_params expects it: validated uri-parameters, all of the input.
bool valid_list(std::string_view list) {
    size_t pos = 0;
    Error err;
    return sip::scan_params(list, pos, sip::ParamSyntax::uri, err) == Status::ok &&
           pos == list.size();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view list(reinterpret_cast<const char*>(data), size);
    if (!valid_list(list)) return 0;
    PushParams params;
    Error err;
    if (read_push_params(list, params, err) != Status::ok) {
        if (err.status != Status::push_info_invalid || err.offset > list.size()) abort();
        return 0;
    }
    for (const PushValue* v : {&params.provider, &params.param, &params.prid, &params.purr,
                               &params.enckey, &params.enccode})
        if (v->present && (!fuzz::inside(v->raw, list) || v->raw.empty())) abort();

    Error verr;
    Status checked = ProviderRegistry::with_defaults().validate(params, verr);
    if (checked != Status::ok && (verr.status != checked || verr.offset > list.size())) abort();
    (void)unknown_push_params(list);

    // Only complete information can be written (provider and prid are mandatory there).
    if (!params.provider.present || !params.prid.present) return 0;
    const PushInfo info = to_info(params);
    std::string written;
    append_push_params(written, info);
    if (!valid_list(written)) abort();
    PushParams again;
    Error again_err;
    if (read_push_params(written, again, again_err) != Status::ok) abort();
    if (!same(info, to_info(again))) abort();
    return 0;
}
