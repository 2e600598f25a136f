// name-addr / addr-spec values with header parameters (RFC 3261 20.10, 25.1), as found
// in Contact, From, To, Route and Record-Route, and lists of such values.
#pragma once

#include <string_view>

#include "pushcore/core/status.hpp"
#include "pushcore/sip/uri.hpp"

namespace pushcore::sip {

struct NameAddr {
    NameAddr() noexcept {}  // member by member, as Uri()

    std::string_view display_name;  // as written: token words, or a quoted-string with quotes
    bool display_quoted = false;
    bool bracketed = false;  // the URI was enclosed in <>
    std::string_view uri;    // the URI text, without the brackets
    bool is_sip = false;     // the URI is sip:/sips: and `sip` holds it parsed
    Uri sip;
    std::string_view params;  // header parameters as written, from the first ';'
};

// Parses all of `text` as one name-addr or addr-spec followed by header parameters.
// A URI of another scheme (tel:, urn:, ...) is accepted as an absoluteURI and left
// unparsed (is_sip false). Error offsets are relative to text.
Status parse_name_addr(std::string_view text, NameAddr& out, Error& err) noexcept;

// Splits a header field value at top-level commas (RFC 3261 7.3.1), skipping commas
// inside quoted-strings and <...>. Items are trimmed of LWS.
class ListIterator {
  public:
    explicit ListIterator(std::string_view value) noexcept : value_(value) {}
    // Next item and its offset within value; false at the end.
    bool next(std::string_view& item, size_t& offset) noexcept;

  private:
    std::string_view value_;
    size_t pos_ = 0;
    bool done_ = false;
};

}  // namespace pushcore::sip
