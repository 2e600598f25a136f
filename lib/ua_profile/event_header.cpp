#include "pushcore/ua_profile/event_header.hpp"

#include "pushcore/sip/name_addr.hpp"
#include "pushcore/sip/uri.hpp"
#include "pushcore/text/grammar.hpp"

namespace pushcore::ua_profile {

using text::iequals;
using text::lws_at;

namespace {

// The parameters of draft 7.2, and the reasons for their errors (static strings that
// name the parameter, as Error requires).
enum class Known : uint8_t { profile_type, vendor, model, version, network_user, effective_by };

struct KnownParam {
    std::string_view name;
    const char* twice;
    const char* no_value;
    const char* empty;
    const char* bad_quoted;
    const char* bad_value;
};

constexpr KnownParam kKnown[] = {
    {"profile-type", "profile-type: given twice", "profile-type: value expected",
     "profile-type: empty", "profile-type: bad quoted-string", "profile-type: not a token"},
    {"vendor", "vendor: given twice", "vendor: value expected", "vendor: empty",
     "vendor: bad quoted-string", "vendor: not a token or quoted-string"},
    {"model", "model: given twice", "model: value expected", "model: empty",
     "model: bad quoted-string", "model: not a token or quoted-string"},
    {"version", "version: given twice", "version: value expected", "version: empty",
     "version: bad quoted-string", "version: not a token or quoted-string"},
    {"network-user", "network-user: given twice", "network-user: value expected",
     "network-user: empty", "network-user: bad quoted-string",
     "network-user: not a quoted addr-spec"},
    {"effective-by", "effective-by: given twice", "effective-by: value expected",
     "effective-by: empty", "effective-by: not 1*DIGIT", "effective-by: not 1*DIGIT"},
};

const KnownParam* find_known(std::string_view name) noexcept {
    for (const KnownParam& k : kKnown)
        if (iequals(name, k.name)) return &k;
    return nullptr;
}

Known which(const KnownParam* k) noexcept {
    return static_cast<Known>(k - kKnown);
}

bool all_digits(std::string_view s) noexcept {
    for (char c : s)
        if (!text::is_digit(c)) return false;
    return !s.empty();
}

// addr-spec = SIP-URI / SIPS-URI / absoluteURI (RFC 3261 25.1), the whole of `s`.
bool is_addr_spec(std::string_view s) noexcept {
    // No byte of an addr-spec is LWS, a quote, a backslash (so no quoted-pair) or non-ASCII;
    // the URI parsers below would trim or skip some of them.
    for (char c : s) {
        unsigned char u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '"' || c == '\\') return false;
    }
    Error ignored;
    bool sip_scheme = (s.size() >= 4 && iequals(s.substr(0, 4), "sip:")) ||
                      (s.size() >= 5 && iequals(s.substr(0, 5), "sips:"));
    if (sip_scheme) {
        // A quoted addr-spec keeps its uri-parameters: "sip:a@b;user=phone" is one URI.
        sip::Uri uri;
        return sip::parse_uri(s, uri, ignored) == Status::ok;
    }
    sip::NameAddr na;
    return sip::parse_name_addr(s, na, ignored) == Status::ok && !na.bracketed &&
           na.display_name.empty();
}

// One parameter as read from the list: its name, and its value with the quotes removed.
struct Read {
    std::string_view name;
    size_t name_at = 0;
    bool has_value = false;
    bool quoted = false;
    std::string_view value;
    size_t value_at = 0;  // of the value (its opening quote when quoted)
};

// gen-value = token / host / quoted-string (RFC 3261 25.1) at s[i]: the length of an
// unquoted value (a token, or an IPv6 reference "[...]"), 0 when there is none.
size_t unquoted_value_length(std::string_view s, size_t i) noexcept {
    if (i < s.size() && s[i] == '[') {
        size_t close = s.find(']', i);
        if (close == std::string_view::npos || !sip::valid_ipv6(s.substr(i + 1, close - i - 1)))
            return 0;
        return close + 1 - i;
    }
    return text::span(s, i, text::kTokenChar) - i;
}

// Checks the value of a parameter of this package and stores it in `out`.
Status take_known(const KnownParam& k, const Read& r, UaProfileEvent& out, Error& err) noexcept {
    if (!r.has_value) return err.fail(Status::syntax, k.no_value, r.name_at);
    const size_t content_at = r.value_at + (r.quoted ? 1 : 0);
    switch (which(&k)) {
        case Known::profile_type:
            // Profile-type = "profile-type" EQUAL profile-value (draft 7.2); the draft's
            // own example quotes it, so a quoted token is accepted too.
            if (out.has_type) return err.fail(Status::syntax, k.twice, r.name_at);
            if (r.quoted && r.value.empty()) return err.fail(Status::syntax, k.empty, r.value_at);
            if (!text::is_token(r.value)) return err.fail(Status::syntax, k.bad_value, content_at);
            out.has_type = true;
            out.type_token = r.value;
            out.type = profile_type_of(r.value);
            out.type_offset = r.name_at;
            return Status::ok;
        case Known::effective_by: {
            // Effective-By = "effective-by" EQUAL 1*DIGIT (draft 7.2).
            if (out.effective_by) return err.fail(Status::syntax, k.twice, r.name_at);
            if (r.quoted || !all_digits(r.value))
                return err.fail(Status::syntax, k.bad_value, r.value_at);
            uint64_t n = 0;
            for (char c : r.value) {
                n = n * 10 + static_cast<uint64_t>(c - '0');
                if (n > 0xffffffffu)
                    return err.fail(Status::syntax, "effective-by: above 2**32-1", r.value_at);
            }
            out.effective_by = static_cast<uint32_t>(n);
            return Status::ok;
        }
        case Known::network_user:
            // Network-User = "network-user" EQUAL LDQUOTE addr-spec RDQUOTE (draft 7.2).
            if (out.network_user.present) return err.fail(Status::syntax, k.twice, r.name_at);
            if (r.quoted && r.value.empty()) return err.fail(Status::syntax, k.empty, r.value_at);
            if (!r.quoted || !is_addr_spec(r.value))
                return err.fail(Status::syntax, k.bad_value, r.value_at);
            out.network_user.present = true;
            out.network_user.raw = r.value;
            out.network_user.quoted = true;
            out.network_user.offset = r.name_at;
            return Status::ok;
        case Known::vendor:
        case Known::model:
        case Known::version: {
            // Vendor = "vendor" EQUAL quoted-string, and so on (draft 7.2); the text calls
            // them tokens, and phones send tokens, so both are accepted.
            TextValue& v = which(&k) == Known::vendor  ? out.vendor
                           : which(&k) == Known::model ? out.model
                                                       : out.version;
            if (v.present) return err.fail(Status::syntax, k.twice, r.name_at);
            if (r.value.empty()) return err.fail(Status::syntax, k.empty, r.value_at);
            if (!r.quoted && !text::is_token(r.value))
                return err.fail(Status::syntax, k.bad_value, r.value_at);
            v.present = true;
            v.raw = r.value;
            v.quoted = r.quoted;
            v.offset = r.name_at;
            return Status::ok;
        }
    }
    return Status::ok;
}

}  // namespace

std::string_view profile_type_name(ProfileType type) noexcept {
    switch (type) {
        case ProfileType::device:
            return "device";
        case ProfileType::user:
            return "user";
        case ProfileType::application:
            return "application";
        case ProfileType::local_network:
            return "local-network";
        case ProfileType::other:
            break;
    }
    return "";
}

ProfileType profile_type_of(std::string_view token) noexcept {
    for (ProfileType t : {ProfileType::device, ProfileType::user, ProfileType::application,
                          ProfileType::local_network})
        if (iequals(token, profile_type_name(t))) return t;
    return ProfileType::other;
}

std::string TextValue::text() const {
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        if (quoted && raw[i] == '\\' && i + 1 < raw.size()) ++i;
        out += raw[i];
    }
    return out;
}

Status parse_event(std::string_view s, UaProfileEvent& out, Error& err) {
    out.unknown.clear();
    out.has_type = false;
    out.type = ProfileType::other;
    out.type_token = {};
    out.type_offset = 0;
    out.vendor = out.model = out.version = out.network_user = TextValue{};
    out.effective_by.reset();

    // Event = event-type *( SEMI event-param ) (RFC 3265 7.2.1); event-type is
    // event-package *("." event-template), which the token run covers whole.
    size_t i = lws_at(s, 0);
    size_t type_end = text::span(s, i, text::kTokenChar);
    if (type_end == i) return err.fail(Status::syntax, "event-type expected (token)", i);
    // draft 7.1: the package name is "ua-profile".
    if (!iequals(s.substr(i, type_end - i), "ua-profile"))
        return err.fail(Status::not_found, "event package is not ua-profile", i);
    i = type_end;

    for (;;) {
        size_t semi = i + lws_at(s, i);
        if (semi >= s.size()) break;
        if (s[semi] != ';')
            return err.fail(Status::syntax, "';' expected between Event parameters", semi);
        i = semi + 1;
        i += lws_at(s, i);
        Read r;
        r.name_at = i;
        size_t name_end = text::span(s, i, text::kTokenChar);
        if (name_end == i) return err.fail(Status::syntax, "event-param name expected (token)", i);
        r.name = s.substr(i, name_end - i);
        i = name_end;
        const KnownParam* known = find_known(r.name);
        size_t eq = i + lws_at(s, i);
        if (eq < s.size() && s[eq] == '=') {
            i = eq + 1;
            i += lws_at(s, i);
            r.has_value = true;
            r.value_at = i;
            if (i < s.size() && s[i] == '"') {
                size_t len = text::quoted_string_length(s, i, err);
                if (len == 0) {
                    if (known) err.reason = known->bad_quoted;
                    return err.status;
                }
                r.quoted = true;
                r.value = s.substr(i + 1, len - 2);
                i += len;
            } else {
                size_t len = unquoted_value_length(s, i);
                if (len == 0) {
                    if (known) return err.fail(Status::syntax, known->no_value, i);
                    return err.fail(Status::syntax,
                                    "event-param value expected (token, host or quoted-string)", i);
                }
                r.value = s.substr(i, len);
                i += len;
            }
            // The value must end the parameter: "vendor=a@b" is not a token.
            size_t next = i + lws_at(s, i);
            if (next < s.size() && s[next] != ';') {
                if (known) return err.fail(Status::syntax, known->bad_value, r.value_at);
                return err.fail(Status::syntax, "';' expected between Event parameters", next);
            }
        }
        if (known) {
            if (take_known(*known, r, out, err) != Status::ok) return err.status;
            continue;
        }
        sip::Param p;
        p.name = r.name;
        p.value = r.value;
        p.has_value = r.has_value;
        p.quoted = r.quoted;
        out.unknown.push_back(p);
    }
    return Status::ok;
}

Status check_for(Method method, const UaProfileEvent& ev, Form form, Error& err,
                 std::vector<std::string_view>* ignored) {
    if (ignored) ignored->clear();
    auto ignore = [ignored](std::string_view name) {
        if (ignored) ignored->push_back(name);
    };
    const bool rfc6080 = form == Form::rfc6080;
    if (method == Method::subscribe) {
        // draft 7.2: "These parameters MUST be provided in the SUBSCRIBE request for all
        // profile types" (vendor, model, version); a separate SUBSCRIBE per profile type.
        if (!ev.has_type)
            return err.fail(Status::missing_header, "profile-type: required in SUBSCRIBE", 0);
        if (!ev.vendor.present)
            return err.fail(Status::missing_header, "vendor: required in SUBSCRIBE", 0);
        if (!ev.model.present)
            return err.fail(Status::missing_header, "model: required in SUBSCRIBE", 0);
        if (!ev.version.present)
            return err.fail(Status::missing_header, "version: required in SUBSCRIBE", 0);
        if (rfc6080 && ev.type == ProfileType::application) ignore("profile-type=application");
        // draft 7.2: network-user "has no defined meaning and is ignored" unless the type
        // is device or local-network; RFC 6080 does not define it.
        if (ev.network_user.present &&
            (rfc6080 || (ev.type != ProfileType::device && ev.type != ProfileType::local_network)))
            ignore("network-user");
        // draft 7.2: "The effective-by parameter is ignored if it appears in a SUBSCRIBE".
        if (ev.effective_by) ignore("effective-by");
        return Status::ok;
    }
    // draft 7.2: the SUBSCRIBE parameters "are ignored if they appear in NOTIFY requests".
    if (ev.has_type) ignore("profile-type");
    if (ev.vendor.present) ignore("vendor");
    if (ev.model.present) ignore("model");
    if (ev.version.present) ignore("version");
    if (ev.network_user.present && rfc6080) ignore("network-user");
    return Status::ok;
}

void append_event(std::string& out, const UaProfileEvent& ev) {
    out += "ua-profile";
    if (ev.has_type) {
        std::string_view token = profile_type_name(ev.type);
        if (!ev.type_token.empty() && profile_type_of(ev.type_token) == ev.type &&
            text::is_token(ev.type_token))
            token = ev.type_token;
        if (!token.empty()) out.append(";profile-type=").append(token);
    }
    auto put = [&out](std::string_view name, const TextValue& v) {
        if (!v.present) return;
        out.append(";").append(name).append("=");
        if (v.quoted)
            out.append("\"").append(v.raw).append("\"");
        else
            text::append_quoted(out, v.raw);
    };
    put("vendor", ev.vendor);
    put("model", ev.model);
    put("version", ev.version);
    put("network-user", ev.network_user);
    if (ev.effective_by) out.append(";effective-by=").append(std::to_string(*ev.effective_by));
    for (const sip::Param& p : ev.unknown) {
        out.append(";").append(p.name);
        if (!p.has_value) continue;
        out.append("=");
        if (p.quoted)
            out.append("\"").append(p.value).append("\"");
        else
            out.append(p.value);
    }
}

}  // namespace pushcore::ua_profile
