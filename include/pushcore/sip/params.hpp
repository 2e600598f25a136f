// Semicolon-separated parameter lists: uri-parameters (RFC 3261 19.1.1) and
// generic-params of header fields (RFC 3261 25.1). Lists are validated when the URI or
// header is parsed; afterwards ParamIterator walks them without allocating.
#pragma once

#include <cstdint>
#include <string_view>

#include "pushcore/core/status.hpp"

namespace pushcore::sip {

enum class ParamSyntax : uint8_t {
    // pname ["=" pvalue], paramchar = unreserved / param-unreserved / escaped. Also
    // accepts a quoted-string pvalue (the SIP push draft quotes pn-prid in its own
    // example) and LWS around ';' (its example folds the Contact across lines).
    uri,
    // token ["=" (token / host / quoted-string)] with LWS around ';' and '='.
    header,
};

struct Param {
    std::string_view name;   // as written; compare with text::iequals
    std::string_view value;  // as written: %HH escapes kept; quotes removed, quoted-pairs kept
    bool has_value = false;
    bool quoted = false;  // value was a quoted-string
};

// Where scan_params found the parameters of a list, so that a reader need not walk the
// list again: each entry gives what ParamIterator would give for that parameter. Offsets
// are relative to the list (the text from scan_params' starting pos to where it stopped).
struct ParamIndex {
    static constexpr size_t kCapacity = 8;
    struct Entry {
        uint16_t name_begin, name_size;
        uint16_t value_begin, value_size;  // a quoted value without its quotes
        bool has_value, quoted;
    };
    // True when every parameter is recorded: at most kCapacity of them, in a list
    // shorter than 64 KiB. Otherwise walk the list.
    bool complete = false;
    uint8_t count = 0;
    Entry entries[kCapacity] = {};

    // Parameter k (< count) of `list`.
    Param at(std::string_view list, size_t k) const noexcept {
        const Entry& e = entries[k];
        Param p;
        p.name = list.substr(e.name_begin, e.name_size);
        if (e.has_value) p.value = list.substr(e.value_begin, e.value_size);
        p.has_value = e.has_value;
        p.quoted = e.quoted;
        return p;
    }
};

// Validates the parameter list starting at text[pos] (which must be ';' or the end of
// the list) and advances pos past it. The list ends at the first character that cannot
// continue it: '?', '>', ',' or end of text. Offsets in err are relative to text. When
// `index` is given, it records the parameters of the list it accepted.
Status scan_params(std::string_view text, size_t& pos, ParamSyntax syntax, Error& err,
                   ParamIndex* index = nullptr) noexcept;

// Walks a list that scan_params accepted.
class ParamIterator {
  public:
    explicit ParamIterator(std::string_view list) noexcept : list_(list) {}
    // Fills `out` with the next parameter; false at the end.
    bool next(Param& out) noexcept;

  private:
    std::string_view list_;
    size_t pos_ = 0;
};

// Finds the first parameter named `name` (case-insensitive, RFC 3261 19.1.4).
bool find_param(std::string_view list, std::string_view name, Param& out) noexcept;

}  // namespace pushcore::sip
