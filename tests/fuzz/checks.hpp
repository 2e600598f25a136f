// Properties every fuzz target checks on what a parser accepted.
#pragma once

#include <cstdint>
#include <string_view>

namespace pushcore::fuzz {

// `part` is a view into `whole` (or empty).
inline bool inside(std::string_view part, std::string_view whole) {
    if (part.empty()) return true;
    auto p = reinterpret_cast<uintptr_t>(part.data());
    auto w = reinterpret_cast<uintptr_t>(whole.data());
    return p >= w && p + part.size() <= w + whole.size();
}

// CR and LF appear only as CRLF followed by SP or HTAB, i.e. as a fold inside LWS
// (RFC 3261 7.3.1, 25.1): no rule of the grammar admits a bare CR or LF, not even a
// quoted-pair, and another parser might take one for the end of the line.
inline bool folds_only(std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r' &&
            !(i + 2 < s.size() && s[i + 1] == '\n' && (s[i + 2] == ' ' || s[i + 2] == '\t')))
            return false;
        if (s[i] == '\n' && !(i > 0 && s[i - 1] == '\r')) return false;
    }
    return true;
}

}  // namespace pushcore::fuzz
