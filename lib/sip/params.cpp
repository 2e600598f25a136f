#include "pushcore/sip/params.hpp"

#include <algorithm>

#include "pushcore/text/grammar.hpp"

namespace pushcore::sip {

using text::is;
using text::lws_length;

namespace {

constexpr uint16_t kParamChar = text::kAlphanum | text::kMark | text::kParamUnreserved;

// Length of the run of paramchar (with valid %HH escapes) at text[pos].
size_t paramchar_run(std::string_view s, size_t pos, Error& err) noexcept {
    size_t i = pos;
    while (i < s.size()) {
        if (s[i] == '%') {
            if (i + 2 >= s.size() || !text::is_hex(s[i + 1]) || !text::is_hex(s[i + 2])) {
                err.fail(Status::bad_escape, "'%' not followed by two hex digits", i);
                return 0;
            }
            i += 3;
        } else if (is(s[i], kParamChar)) {
            ++i;
        } else {
            break;
        }
    }
    return i - pos;
}

size_t token_run(std::string_view s, size_t pos) noexcept {
    size_t i = pos;
    while (i < s.size() && text::is_token_char(s[i])) ++i;
    return i - pos;
}

// gen-value's host alternative adds IPv6 references and ':'-free names to token.
size_t host_value_run(std::string_view s, size_t pos) noexcept {
    if (pos < s.size() && s[pos] == '[') {
        size_t i = pos + 1;
        while (i < s.size() && (text::is_hex(s[i]) || s[i] == ':' || s[i] == '.')) ++i;
        return (i < s.size() && s[i] == ']') ? i + 1 - pos : 0;
    }
    return token_run(s, pos);
}

}  // namespace

Status scan_params(std::string_view s, size_t& pos, ParamSyntax syntax, Error& err) noexcept {
    const bool uri = syntax == ParamSyntax::uri;
    size_t i = pos;
    for (;;) {
        size_t before_semi = i + lws_length(s, i);
        if (before_semi >= s.size() || s[before_semi] != ';') break;
        i = before_semi + 1;
        i += lws_length(s, i);
        size_t name_len = uri ? paramchar_run(s, i, err) : token_run(s, i);
        if (err.status != Status::ok) return err.status;
        if (name_len == 0)
            return err.fail(Status::syntax, uri ? "uri-parameter name expected"
                                                : "generic-param name expected (token)",
                            i);
        i += name_len;
        size_t eq = i + lws_length(s, i);
        if (eq >= s.size() || s[eq] != '=') continue;
        if (uri && eq != i) return err.fail(Status::syntax, "space before '=' in uri-parameter", i);
        i = eq + 1;
        i += uri ? 0 : lws_length(s, i);
        size_t value_len = 0;
        if (i < s.size() && s[i] == '"') {
            value_len = text::quoted_string_length(s, i, err);
            if (value_len == 0) return err.status;
            // pvalue is 1*paramchar: the quoted leniency must not admit an empty value.
            if (uri && value_len == 2)
                return err.fail(Status::syntax, "empty quoted uri-parameter value", i);
        } else {
            value_len = uri ? paramchar_run(s, i, err) : host_value_run(s, i);
            if (err.status != Status::ok) return err.status;
            if (value_len == 0)
                return err.fail(Status::syntax,
                                uri ? "uri-parameter value expected after '='"
                                    : "generic-param value expected (token, host or quoted-string)",
                                i);
        }
        i += value_len;
    }
    pos = i;
    return Status::ok;
}

bool ParamIterator::next(Param& out) noexcept {
    // The list was validated, so only ';', '=', quotes and LWS need attention here.
    while (pos_ < list_.size() && list_[pos_] != ';') ++pos_;
    if (pos_ >= list_.size()) return false;
    ++pos_;
    pos_ += lws_length(list_, pos_);
    size_t name_begin = pos_;
    while (pos_ < list_.size() && list_[pos_] != '=' && list_[pos_] != ';' &&
           !is(list_[pos_], text::kWsp) && list_[pos_] != '\r' && list_[pos_] != '\n')
        ++pos_;
    out = Param{};
    out.name = list_.substr(name_begin, pos_ - name_begin);
    size_t eq = pos_ + lws_length(list_, pos_);
    if (eq >= list_.size() || list_[eq] != '=') return true;
    pos_ = eq + 1;
    pos_ += lws_length(list_, pos_);
    out.has_value = true;
    if (pos_ < list_.size() && list_[pos_] == '"') {
        Error ignored;
        size_t len = text::quoted_string_length(list_, pos_, ignored);
        if (len < 2) len = list_.size() - pos_ + 1;  // unvalidated list: take the rest
        out.quoted = true;
        out.value = list_.substr(pos_ + 1, len - 2);
        pos_ = std::min(pos_ + len, list_.size());
    } else {
        size_t value_begin = pos_;
        while (pos_ < list_.size() && list_[pos_] != ';' && !is(list_[pos_], text::kWsp) &&
               list_[pos_] != '\r' && list_[pos_] != '\n')
            ++pos_;
        out.value = list_.substr(value_begin, pos_ - value_begin);
    }
    return true;
}

bool find_param(std::string_view list, std::string_view name, Param& out) noexcept {
    ParamIterator it(list);
    Param p;
    while (it.next(p)) {
        if (text::iequals(p.name, name)) {
            out = p;
            return true;
        }
    }
    return false;
}

}  // namespace pushcore::sip
