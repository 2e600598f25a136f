#include "pushcore/sip_push/feature_caps.hpp"

#include "pushcore/sip/headers.hpp"
#include "pushcore/sip/name_addr.hpp"
#include "pushcore/text/grammar.hpp"

namespace pushcore::sip_push {

using text::iequals;

namespace {

// Next ';'-separated piece of s from pos, honouring quoted-strings; trimmed of LWS.
bool next_piece(std::string_view s, size_t& pos, std::string_view& piece, size_t& at, Error& err) {
    if (pos > s.size()) return false;
    size_t i = pos;
    while (i < s.size() && s[i] != ';') {
        if (s[i] == '"') {
            size_t len = text::quoted_string_length(s, i, err);
            if (len == 0) return false;
            i += len;
        } else {
            ++i;
        }
    }
    std::string_view raw = s.substr(pos, i - pos);
    piece = text::trim_lws(raw);
    at = pos + static_cast<size_t>(piece.data() - raw.data());
    pos = i + 1;
    return true;
}

void add_provider(PushCaps& caps, std::string_view name) {
    for (const auto& p : caps.pns)
        if (iequals(p, name)) return;
    caps.pns.emplace_back(name);
}

Status parse_indicator(std::string_view name, std::string_view value, bool has_value, size_t at,
                       PushCaps& caps, Error& err) {
    std::string v;
    if (has_value) {
        // RFC 6809: LDQUOT value RDQUOT. Deployed servers also send bare tokens.
        if (!value.empty() && value.front() == '"') {
            Error qerr;
            if (text::quoted_string_length(value, 0, qerr) != value.size())
                return err.fail(Status::syntax, "indicator value must be one quoted-string", at);
            text::append_unquoted(v, value);
        } else if (text::is_token(value)) {
            v = std::string(value);
        } else {
            return err.fail(Status::syntax, "indicator value must be a quoted-string or token", at);
        }
    }
    if (iequals(name, "sip.pns")) {
        if (!has_value) return err.fail(Status::syntax, "+sip.pns needs a value", at);
        // draft 7.2: pns-list = pns *(COMMA pns); RFC 8599: a single pns.
        size_t start = 0;
        while (start <= v.size()) {
            size_t comma = v.find(',', start);
            std::string_view item =
                text::trim_lws(std::string_view(v).substr(start, comma - start));
            if (!text::is_token(item))
                return err.fail(Status::syntax, "+sip.pns value is not a list of tokens", at);
            add_provider(caps, item);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    } else if (iequals(name, "sip.pnsreg")) {
        caps.pnsreg = true;
        if (has_value) {
            uint64_t n = 0;
            if (v.empty() || v.size() > 10)
                return err.fail(Status::syntax, "+sip.pnsreg value must be seconds", at);
            for (char c : v) {
                if (!text::is_digit(c))
                    return err.fail(Status::syntax, "+sip.pnsreg value must be seconds", at);
                n = n * 10 + static_cast<uint64_t>(c - '0');
            }
            caps.pnsreg_seconds = static_cast<uint32_t>(n > 0xffffffffu ? 0xffffffffu : n);
        }
    } else if (iequals(name, "sip.pnspurr")) {
        if (v.empty()) return err.fail(Status::syntax, "+sip.pnspurr needs a value", at);
        caps.pnspurr = std::move(v);
    } else if (iequals(name, "sip.vapid")) {
        if (v.empty()) return err.fail(Status::syntax, "+sip.vapid needs a value", at);
        caps.vapid = std::move(v);
    }
    return Status::ok;
}

}  // namespace

bool PushCaps::supports(std::string_view provider) const noexcept {
    for (const auto& p : pns)
        if (iequals(p, provider)) return true;
    return false;
}

Status parse_feature_caps(std::string_view value, PushCaps& caps, Error& err) {
    sip::ListIterator items(value);
    std::string_view item;
    size_t item_at;
    while (items.next(item, item_at)) {
        size_t pos = 0;
        if (!item.empty() && item[0] == '*') {
            pos = 1 + text::lws_length(item, 1);
            if (pos < item.size() && item[pos] != ';')
                return err.fail(Status::syntax, "';' expected after '*'", item_at + pos);
            ++pos;
        }
        std::string_view piece;
        size_t at;
        while (next_piece(item, pos, piece, at, err)) {
            if (piece.empty()) return err.fail(Status::syntax, "empty feature-cap", item_at + at);
            size_t eq = piece.find('=');
            std::string_view name = text::trim_lws(piece.substr(0, eq));
            if (!name.empty() && name[0] == '+') name.remove_prefix(1);
            std::string_view v = eq == std::string_view::npos
                                     ? std::string_view{}
                                     : text::trim_lws(piece.substr(eq + 1));
            if (parse_indicator(name, v, eq != std::string_view::npos, item_at + at, caps, err) !=
                Status::ok)
                return err.status;
        }
        if (err.status != Status::ok) {
            err.offset += item_at;
            return err.status;
        }
    }
    return Status::ok;
}

Status read_feature_caps(const sip::Message& m, PushCaps& caps, Error& err) {
    for (const auto& h : m.headers) {
        if (h.id != sip::HeaderId::feature_caps) continue;
        if (parse_feature_caps(h.value, caps, err) != Status::ok) {
            err.offset += h.offset;
            return err.status;
        }
    }
    return Status::ok;
}

std::vector<std::string> feature_caps_values(const PushCaps& caps, PnsStyle style) {
    std::vector<std::string> values;
    if (style == PnsStyle::list && !caps.pns.empty()) {
        std::string v = "*;+sip.pns=\"";
        for (size_t i = 0; i < caps.pns.size(); ++i) v.append(i ? "," : "").append(caps.pns[i]);
        values.push_back(v + "\"");
    } else {
        for (const auto& p : caps.pns) values.push_back("*;+sip.pns=\"" + p + "\"");
    }
    if (values.empty()) values.emplace_back("*");
    std::string& first = values.front();
    if (caps.pnsreg) {
        first.append(";+sip.pnsreg");
        if (caps.pnsreg_seconds)
            first.append("=\"").append(std::to_string(*caps.pnsreg_seconds)).append("\"");
    }
    if (caps.pnspurr) {
        first.append(";+sip.pnspurr=");
        text::append_quoted(first, *caps.pnspurr);
    }
    if (caps.vapid) {
        first.append(";+sip.vapid=");
        text::append_quoted(first, *caps.vapid);
    }
    if (values.size() == 1 && values.front() == "*") values.clear();
    return values;
}

void append_555(std::string& out, const sip::Message& request,
                const std::vector<std::string>& providers, PnsStyle style, std::string_view to_tag,
                std::string_view why) {
    sip::begin_response(out, request, 555, to_tag);
    sip::MessageWriter w(out);
    PushCaps caps;
    caps.pns = providers;
    for (const auto& v : feature_caps_values(caps, style)) w.header("Feature-Caps", v);
    if (!why.empty()) {
        std::string warning = "399 pushcore ";
        text::append_quoted(warning, why);
        w.header("Warning", warning);
    }
    w.finish();
}

}  // namespace pushcore::sip_push
