// Request fields of Web Push: TTL, Urgency, Topic (RFC 8030 5.2-5.4), Prefer (RFC 7240 2)
// and Link (RFC 8288 3). Each parser walks the value once, left to right, and stops at the
// first byte that breaks its grammar; that byte's offset goes into `err`.
#include "pushcore/web_push/headers.hpp"

#include "pushcore/text/grammar.hpp"

namespace pushcore::web_push {

namespace {

constexpr uint32_t kMaxDelta = 2147483647u;  // 2^31-1 (RFC 9111 1.2.2)

// OWS = *( SP / HTAB ) (RFC 9110 5.6.3). A field value holds no CR or LF (RFC 9110 5.5),
// so, unlike SIP's LWS, no line folding here.
size_t skip_ows(std::string_view s, size_t pos) noexcept {
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t')) ++pos;
    return pos;
}

// The start of the next element of a #list at or after pos, past OWS and the empty
// elements RFC 9110 5.6.1 allows; s.size() when the list is done.
size_t next_element(std::string_view s, size_t pos) noexcept {
    for (pos = skip_ows(s, pos); pos < s.size() && s[pos] == ','; pos = skip_ows(s, pos + 1)) {
    }
    return pos < s.size() ? pos : s.size();
}

// tchar (RFC 9110 5.6.2): RFC 3261's token characters plus # $ & ^ |.
bool is_tchar(char c) noexcept {
    return text::is_token_char(c) || c == '#' || c == '$' || c == '&' || c == '^' || c == '|';
}

size_t token_end(std::string_view s, size_t pos) noexcept {
    while (pos < s.size() && is_tchar(s[pos])) ++pos;
    return pos;
}

// Length of the quoted-string at s[pos] (a DQUOTE), or 0 with `err` set to `reason` and
// the offset of the fault. text::quoted_string_length does the work; on top of it HTTP
// (RFC 9110 5.6.4) admits no line break at all and no control character but HTAB, not
// even as a quoted-pair.
size_t quoted_length(std::string_view s, size_t pos, Error& err, const char* reason) noexcept {
    Error inner;
    size_t len = text::quoted_string_length(s, pos, inner);
    if (len == 0) {
        err.fail(Status::syntax, reason, inner.offset);
        return 0;
    }
    for (size_t i = pos; i < pos + len; ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            err.fail(Status::syntax, reason, i);
            return 0;
        }
    }
    return len;
}

// delta-seconds from a non-empty run of digits, saturated at 2^31-1.
uint32_t delta_value(std::string_view digits) noexcept {
    uint64_t n = 0;
    for (char c : digits) {
        n = n * 10 + static_cast<uint64_t>(c - '0');
        if (n > kMaxDelta) return kMaxDelta;
    }
    return static_cast<uint32_t>(n);
}

bool all_digits(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char c : s)
        if (!text::is_digit(c)) return false;
    return true;
}

// A value after "=": word = token / quoted-string (RFC 7240 2).
struct Word {
    std::string_view raw;  // as written, quotes included
    bool quoted = false;
};

// Reads a word at s[pos] into `w` and returns the offset after it; 0 with `err` set when
// there is none. `pos` is never 0 here (a name and '=' come first), so 0 is free.
size_t read_word(std::string_view s, size_t pos, Word& w, Error& err, const char* missing,
                 const char* bad_quoted) noexcept {
    if (pos < s.size() && s[pos] == '"') {
        size_t len = quoted_length(s, pos, err, bad_quoted);
        if (len == 0) return 0;
        w.raw = s.substr(pos, len);
        w.quoted = true;
        return pos + len;
    }
    size_t end = token_end(s, pos);
    if (end == pos) {
        err.fail(Status::syntax, missing, pos);
        return 0;
    }
    w.raw = s.substr(pos, end - pos);
    w.quoted = false;
    return end;
}

// The value of a word with quoted-pairs resolved.
std::string word_text(const Word& w) {
    if (!w.quoted) return std::string(w.raw);
    std::string out;
    text::append_unquoted(out, w.raw);
    return out;
}

// A parameter: token [ BWS "=" BWS word ] (RFC 7240 2). Returns the offset after it, or
// 0 with `err` set. `name_end` is the end of the token already read at the start.
size_t read_prefer_value(std::string_view s, size_t name_end, bool& has_value, Word& w,
                         Error& err) noexcept {
    has_value = false;
    size_t q = skip_ows(s, name_end);
    if (q >= s.size() || s[q] != '=') return name_end;
    has_value = true;
    return read_word(s, skip_ows(s, q + 1), w, err, "Prefer: expected a value after '='",
                     "Prefer: bad quoted-string");
}

// Unquoted link-param value. RFC 8288 3 says token, but RFC 8288 3.3 asks for quotes
// only around ';' and ',' and its parsing algorithm (Appendix B.3) reads up to those, so
// an unquoted URI such as rel=urn:ietf:params:push:receipt is taken too: tchar plus the
// URI characters : / ? @ [ ] = ( ).
bool is_link_value_char(char c) noexcept {
    return is_tchar(c) || c == ':' || c == '/' || c == '?' || c == '@' || c == '[' || c == ']' ||
           c == '=' || c == '(' || c == ')';
}

// Bytes RFC 3986 never admits in a URI-Reference that could be mistaken for the field's
// own delimiters or break the line: controls, SP, DEL, DQUOTE. '<' is reported apart.
bool bad_uri_byte(char c) noexcept {
    unsigned char u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f || c == '"';
}

// True when the rel value (a space-separated list of relation types, RFC 8288 3.3) holds
// `rel`, compared case-insensitively.
bool rel_list_has(const Word& value, std::string_view rel) {
    std::string list = word_text(value);
    std::string_view v(list);
    size_t i = 0;
    while (i < v.size()) {
        i = skip_ows(v, i);
        size_t b = i;
        while (i < v.size() && v[i] != ' ' && v[i] != '\t') ++i;
        if (i > b && text::iequals(v.substr(b, i - b), rel)) return true;
    }
    return false;
}

}  // namespace

Status parse_ttl(std::string_view value, uint32_t& seconds, Error& err) {
    // RFC 8030 5.2: TTL = 1*DIGIT; OWS around the value is not part of it (RFC 9110 5.5).
    size_t b = skip_ows(value, 0);
    size_t e = b;
    while (e < value.size() && text::is_digit(value[e])) ++e;
    if (e == b) return err.fail(Status::syntax, "TTL: not 1*DIGIT", b);
    size_t t = skip_ows(value, e);
    if (t != value.size()) return err.fail(Status::syntax, "TTL: not 1*DIGIT", t);
    seconds = delta_value(value.substr(b, e - b));
    return Status::ok;
}

Status parse_urgency(std::string_view value, Urgency& urgency, Error& err) {
    // RFC 8030 5.3: one of four tokens. A service receiving several field lines sees them
    // joined with ", ", which names no single urgency.
    size_t b = skip_ows(value, 0);
    size_t e = value.size();
    while (e > b && (value[e - 1] == ' ' || value[e - 1] == '\t')) --e;
    std::string_view word = value.substr(b, e - b);
    size_t comma = word.find(',');
    if (comma != std::string_view::npos)
        return err.fail(Status::syntax, "Urgency: a list is not one urgency", b + comma);
    static constexpr struct {
        std::string_view name;
        Urgency value;
    } kNames[] = {{"very-low", Urgency::very_low},
                  {"low", Urgency::low},
                  {"normal", Urgency::normal},
                  {"high", Urgency::high}};
    for (const auto& n : kNames) {
        if (text::iequals(word, n.name)) {
            urgency = n.value;
            return Status::ok;
        }
    }
    return err.fail(Status::syntax, "Urgency: not very-low, low, normal or high", b);
}

const char* urgency_name(Urgency u) noexcept {
    switch (u) {
        case Urgency::very_low:
            return "very-low";
        case Urgency::low:
            return "low";
        case Urgency::normal:
            return "normal";
        case Urgency::high:
            return "high";
    }
    return "unknown";
}

Status check_topic(std::string_view value, Error& err) {
    // RFC 8030 5.4: "no more than 32 characters from the URL and filename-safe Base 64
    // alphabet" (RFC 4648 5). Padding is not in that alphabet. The value is used as is, so
    // whitespace around it is refused too rather than silently trimmed.
    if (value.empty()) return err.fail(Status::syntax, "Topic: empty", 0);
    for (size_t i = 0; i < value.size(); ++i) {
        if (i == 32) return err.fail(Status::syntax, "Topic: longer than 32 characters", i);
        char c = value[i];
        if (text::is(c, text::kAlphanum) || c == '-' || c == '_') continue;
        if (c == '=') return err.fail(Status::syntax, "Topic: padding '=' not allowed", i);
        return err.fail(Status::syntax, "Topic: not base64url (RFC 4648 5)", i);
    }
    return Status::ok;
}

Status parse_prefer(std::string_view value, Preferences& prefs, Error& err) {
    // RFC 7240 2:
    //   Prefer     = 1#preference
    //   preference = token [ BWS "=" BWS word ] *( OWS ";" [ OWS parameter ] )
    //   parameter  = token [ BWS "=" BWS word ]
    // and RFC 9110 5.6.1: empty list elements are accepted and do not count.
    Preferences out;
    bool seen_async = false;
    bool seen_wait = false;
    size_t count = 0;
    size_t pos = 0;
    while ((pos = next_element(value, pos)) < value.size()) {
        size_t name_begin = pos;
        size_t name_end = token_end(value, pos);
        if (name_end == name_begin)
            return err.fail(Status::syntax, "Prefer: expected a preference token", pos);
        std::string_view name = value.substr(name_begin, name_end - name_begin);
        bool has_value = false;
        Word word;
        pos = read_prefer_value(value, name_end, has_value, word, err);
        if (pos == 0) return err.status;

        for (;;) {
            size_t q = skip_ows(value, pos);
            if (q >= value.size() || value[q] != ';') break;
            pos = skip_ows(value, q + 1);
            size_t param_end = token_end(value, pos);
            if (param_end == pos) continue;  // the parameter after ';' is optional
            bool param_has_value = false;
            Word param;
            pos = read_prefer_value(value, param_end, param_has_value, param, err);
            if (pos == 0) return err.status;
        }
        pos = skip_ows(value, pos);
        if (pos < value.size() && value[pos] != ',')
            return err.fail(Status::syntax, "Prefer: expected ',' or ';'", pos);
        ++count;

        // RFC 7240 2: only the first instance of a preference is considered; one the
        // server does not understand (or cannot comply with) is ignored. An empty value is
        // the same as no value.
        bool empty = !has_value || word.raw.empty() || word.raw == "\"\"";
        if (text::iequals(name, "respond-async")) {
            // RFC 7240 4.1: respond-async takes no value.
            if (!seen_async && empty) out.respond_async = true;
            seen_async = true;
        } else if (text::iequals(name, "wait")) {
            // RFC 7240 4.3: wait = "wait" BWS "=" BWS delta-seconds
            if (!seen_wait && has_value) {
                std::string seconds = word_text(word);
                if (all_digits(seconds)) {
                    out.has_wait = true;
                    out.wait_seconds = delta_value(seconds);
                }
            }
            seen_wait = true;
        }
    }
    if (count == 0) return err.fail(Status::syntax, "Prefer: no preference", pos);
    prefs = out;
    return Status::ok;
}

Status find_link(std::string_view value, std::string_view rel, std::string& target, Error& err) {
    // RFC 8288 3:
    //   Link       = #link-value
    //   link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param )
    //   link-param = token BWS [ "=" BWS ( token / quoted-string ) ]
    // The whole field is checked, so a malformed field fails whether or not an earlier
    // link-value matched.
    bool found = false;
    std::string_view match;
    size_t pos = 0;
    while ((pos = next_element(value, pos)) < value.size()) {
        if (value[pos] != '<') return err.fail(Status::syntax, "Link: expected '<'", pos);
        size_t open = pos;
        size_t i = open + 1;
        for (; i < value.size() && value[i] != '>'; ++i) {
            if (value[i] == '<')
                return err.fail(Status::syntax, "Link: '<' inside URI-Reference", i);
            if (bad_uri_byte(value[i]))
                return err.fail(Status::syntax, "Link: bad character in URI-Reference", i);
        }
        if (i >= value.size())
            return err.fail(Status::syntax, "Link: URI-Reference without '>'", open);
        std::string_view uri = value.substr(open + 1, i - open - 1);
        pos = i + 1;

        bool rel_seen = false;
        bool rel_matches = false;
        for (;;) {
            size_t q = skip_ows(value, pos);
            if (q >= value.size() || value[q] != ';') break;
            pos = skip_ows(value, q + 1);
            size_t name_end = token_end(value, pos);
            if (name_end == pos)
                return err.fail(Status::syntax, "Link: expected a link-param name", pos);
            std::string_view name = value.substr(pos, name_end - pos);
            pos = name_end;
            // RFC 8288 3.3: rel MUST NOT appear more than once in a link-value; parsers
            // MUST ignore the occurrences after the first.
            bool first_rel = !rel_seen && text::iequals(name, "rel");
            if (first_rel) rel_seen = true;
            size_t eq = skip_ows(value, pos);
            if (eq >= value.size() || value[eq] != '=') continue;  // a link-param without value
            pos = skip_ows(value, eq + 1);
            Word w;
            if (pos < value.size() && value[pos] == '"') {
                size_t len = quoted_length(value, pos, err, "Link: bad quoted-string");
                if (len == 0) return err.status;
                w.raw = value.substr(pos, len);
                w.quoted = true;
                pos += len;
            } else {
                size_t end = pos;
                while (end < value.size() && is_link_value_char(value[end])) ++end;
                if (end == pos)
                    return err.fail(Status::syntax, "Link: expected a link-param value", pos);
                w.raw = value.substr(pos, end - pos);
                pos = end;
            }
            if (first_rel) rel_matches = rel_list_has(w, rel);
        }
        pos = skip_ows(value, pos);
        if (pos < value.size() && value[pos] != ',')
            return err.fail(Status::syntax, "Link: expected ';' or ','", pos);
        if (rel_matches && !found) {
            found = true;
            match = uri;
        }
    }
    if (!found)
        return err.fail(Status::not_found, "Link: no link-value with that rel", value.size());
    target.assign(match.data(), match.size());
    return Status::ok;
}

}  // namespace pushcore::web_push
