#include "pushcore/sip_push/push_params.hpp"

#include <cstring>

#include "pushcore/sip/params.hpp"
#include "pushcore/sip/uri.hpp"
#include "pushcore/text/grammar.hpp"

namespace pushcore::sip_push {

using sip::Param;
using text::iequals;

namespace {

struct Known {
    std::string_view name;
    PushValue PushParams::*field;
};

constexpr Known kKnown[] = {
    {"pn-provider", &PushParams::provider}, {"pn-param", &PushParams::param},
    {"pn-prid", &PushParams::prid},         {"pn-purr", &PushParams::purr},
    {"pn-enckey", &PushParams::enckey},     {"pn-enccode", &PushParams::enccode},
};

bool is_push_name(std::string_view name) noexcept {
    return name.size() > 3 && iequals(name.substr(0, 3), "pn-");
}

// ASCII case-insensitive equality of `name` with `known`, a name of lower-case letters
// and '-' of the same size (7 to 16 bytes): two overlapping loads from each, every byte of
// `name` with bit 0x20 set. A byte that matches '-' that way is '-' or CR, and a walked
// name holds no CR.
bool same_name(std::string_view name, std::string_view known) noexcept {
    size_t n = known.size();
    if (n < 8) {
        uint32_t a0, a1, b0, b1;
        std::memcpy(&a0, name.data(), 4);
        std::memcpy(&a1, name.data() + n - 4, 4);
        std::memcpy(&b0, known.data(), 4);
        std::memcpy(&b1, known.data() + n - 4, 4);
        return ((a0 | 0x20202020u) == b0) & ((a1 | 0x20202020u) == b1);
    }
    uint64_t a0, a1, b0, b1;
    std::memcpy(&a0, name.data(), 8);
    std::memcpy(&a1, name.data() + n - 8, 8);
    std::memcpy(&b0, known.data(), 8);
    std::memcpy(&b1, known.data() + n - 8, 8);
    constexpr uint64_t kCase = 0x2020202020202020u;
    return ((a0 | kCase) == b0) & ((a1 | kCase) == b1);
}

const Known* find_known(std::string_view name) noexcept {
    // Only one or two known names have the length of `name`.
    const Known* k;
    switch (name.size()) {
        case 7:  // pn-prid, pn-purr
            if (same_name(name, kKnown[2].name)) return &kKnown[2];
            k = &kKnown[3];
            break;
        case 8:
            k = &kKnown[1];
            break;
        case 9:
            k = &kKnown[4];
            break;
        case 10:
            k = &kKnown[5];
            break;
        case 11:
            k = &kKnown[0];
            break;
        default:
            return nullptr;
    }
    return same_name(name, k->name) ? k : nullptr;
}

bool matches(ValueFormat format, const std::string& v) {
    switch (format) {
        case ValueFormat::any:
            return !v.empty();
        case ValueFormat::hex:
            if (v.empty()) return false;
            for (char c : v)
                if (!text::is_hex(c)) return false;
            return true;
        case ValueFormat::apns_app_id: {
            size_t dot = v.find('.');
            if (dot == 0 || dot == std::string::npos || dot + 1 == v.size()) return false;
            for (size_t i = 0; i < dot; ++i)
                if (!text::is(v[i], text::kAlphanum)) return false;
            for (size_t i = dot + 1; i < v.size(); ++i)
                if (!text::is(v[i], text::kAlphanum) && v[i] != '.' && v[i] != '-') return false;
            return v.back() != '.';
        }
        case ValueFormat::https_uri:
            return v.size() > 8 && iequals(std::string_view(v).substr(0, 8), "https://") &&
                   v[8] != '/';
    }
    return false;
}

// Reasons are static strings: the parameter and the rule it broke.
const char* prid_problem(ValueFormat format) noexcept {
    switch (format) {
        case ValueFormat::hex:
            return "pn-prid must be hexadecimal (an APNs device token)";
        case ValueFormat::apns_app_id:
            return "pn-prid must be TeamID.BundleID";
        case ValueFormat::https_uri:
            return "pn-prid must be an https: push subscription URI";
        case ValueFormat::any:
            break;
    }
    return "pn-prid must not be empty";
}

const char* param_problem(ValueFormat format) noexcept {
    switch (format) {
        case ValueFormat::hex:
            return "pn-param must be hexadecimal";
        case ValueFormat::apns_app_id:
            return "pn-param must be TeamID.BundleID (an APNs App ID)";
        case ValueFormat::https_uri:
            return "pn-param must be an https: URI";
        case ValueFormat::any:
            break;
    }
    return "pn-param must not be empty";
}

}  // namespace

std::string PushValue::decoded() const {
    return sip::decode_uri_param_value(raw, quoted);
}

namespace {

// Takes one pn-* parameter of `list` into `out`: what both read_push_params do with each.
inline Status take_push_param(std::string_view list, const Param& p, PushParams& out,
                              Error& err) noexcept {
    size_t offset = static_cast<size_t>(p.name.data() - list.data());
    const Known* known = find_known(p.name);
    if (!known) {
        ++out.unknown;
        return Status::ok;
    }
    PushValue& v = out.*(known->field);
    if (v.present) return err.fail(Status::push_info_invalid, "pn-* parameter given twice", offset);
    if (!p.has_value || p.value.empty())
        return err.fail(Status::push_info_invalid, "pn-* parameter without a value", offset);
    v.present = true;
    v.raw = p.value;
    v.quoted = p.quoted;
    v.offset = offset;
    return Status::ok;
}

}  // namespace

Status read_push_params(std::string_view list, PushParams& out, Error& err) noexcept {
    // draft 7.3: pn-* = "pn-..." EQUAL pvalue; the list was validated as uri-parameters.
    out = PushParams{};
    sip::ParamIterator it(list);
    Param p;
    while (it.next(p)) {
        if (!is_push_name(p.name)) continue;
        if (take_push_param(list, p, out, err) != Status::ok) return err.status;
    }
    return Status::ok;
}

Status read_push_params(const sip::Uri& uri, PushParams& out, Error& err) noexcept {
    const sip::ParamIndex& index = uri.params_index;
    if (!index.complete) return read_push_params(uri.params, out, err);
    out = PushParams{};
    for (size_t k = 0; k < index.count; ++k) {
        const sip::ParamIndex::Entry& e = index.entries[k];
        const char* name = uri.params.data() + e.name_begin;
        // is_push_name, inline: (c | 0x20) == 'p' holds for 'p' and 'P' only.
        if (e.name_size <= 3 || (name[0] | 0x20) != 'p' || (name[1] | 0x20) != 'n' ||
            name[2] != '-')
            continue;
        Param p = index.at(uri.params, k);
        if (take_push_param(uri.params, p, out, err) != Status::ok) return err.status;
    }
    return Status::ok;
}

std::vector<std::pair<std::string, std::string>> unknown_push_params(std::string_view list) {
    std::vector<std::pair<std::string, std::string>> out;
    sip::ParamIterator it(list);
    Param p;
    while (it.next(p))
        if (is_push_name(p.name) && !find_known(p.name))
            out.emplace_back(sip::decode_uri_param_value(p.name, false),
                             sip::decode_uri_param_value(p.value, p.quoted));
    return out;
}

PushInfo to_info(const PushParams& p) {
    PushInfo info;
    info.provider = p.provider.decoded();
    info.prid = p.prid.decoded();
    if (p.param.present) info.param = p.param.decoded();
    if (p.purr.present) info.purr = p.purr.decoded();
    if (p.enckey.present) info.enckey = p.enckey.decoded();
    if (p.enccode.present) info.enccode = p.enccode.decoded();
    return info;
}

void append_push_params(std::string& out, const PushInfo& info) {
    auto put = [&out](std::string_view name, const std::optional<std::string>& value) {
        if (value) sip::append_uri_param(out, name, std::string_view(*value));
    };
    sip::append_uri_param(out, "pn-provider", std::string_view(info.provider));
    put("pn-param", info.param);
    sip::append_uri_param(out, "pn-prid", std::string_view(info.prid));
    put("pn-purr", info.purr);
    put("pn-enckey", info.enckey);
    put("pn-enccode", info.enccode);
}

ProviderRegistry ProviderRegistry::with_defaults() {
    ProviderRegistry r;
    // draft section 9: pn-param is the App ID, pn-prid the device token.
    r.rules_.push_back({"apns", Need::required, ValueFormat::apns_app_id, ValueFormat::hex});
    // draft section 10: pn-param is the Sender ID, pn-prid the registration token.
    r.rules_.push_back({"fcm", Need::required, ValueFormat::any, ValueFormat::any});
    // RFC 8599 with RFC 8030: pn-prid is the push subscription URI, no pn-param.
    r.rules_.push_back({"webpush", Need::unused, ValueFormat::any, ValueFormat::https_uri});
    return r;
}

Status ProviderRegistry::add(ProviderRule rule) {
    if (!text::is_token(rule.name)) return Status::invalid_argument;
    if (find(rule.name)) return Status::already_exists;
    rules_.push_back(std::move(rule));
    return Status::ok;
}

const ProviderRule* ProviderRegistry::find(std::string_view provider) const noexcept {
    for (const auto& r : rules_)
        if (iequals(r.name, provider)) return &r;
    return nullptr;
}

Status ProviderRegistry::validate(const PushParams& p, Error& err) const {
    // draft 5.3: an unsupported pn-provider, or missing information for the provider,
    // makes the proxy forward the REGISTER or answer 555.
    if (!p.provider.present) return err.fail(Status::push_info_missing, "pn-provider missing", 0);
    const ProviderRule* rule = find(p.provider.decoded());
    if (!rule)
        return err.fail(Status::push_provider_unsupported, "pn-provider not supported",
                        p.provider.offset);
    if (!p.prid.present) return err.fail(Status::push_info_missing, "pn-prid missing", 0);
    if (!matches(rule->prid_format, p.prid.decoded()))
        return err.fail(Status::push_info_invalid, prid_problem(rule->prid_format), p.prid.offset);
    if (rule->param == Need::required && !p.param.present)
        return err.fail(Status::push_info_missing, "pn-param missing (the provider requires it)",
                        0);
    if (p.param.present && rule->param != Need::unused &&
        !matches(rule->param_format, p.param.decoded()))
        return err.fail(Status::push_info_invalid, param_problem(rule->param_format),
                        p.param.offset);
    return Status::ok;
}

}  // namespace pushcore::sip_push
