// Fuzz target: parse_name_addr (RFC 3261 20.10, 25.1) on the whole input and on every
// item ListIterator splits it into, as a Contact header value holding a list would be.
// Every view a parser returns must lie inside its input; an accepted value holds CR and
// LF only as folds.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "checks.hpp"
#include "pushcore/sip/name_addr.hpp"
#include "pushcore/sip/params.hpp"

using namespace pushcore;

namespace {

using fuzz::inside;

void check_params(std::string_view list, std::string_view text) {
    if (!inside(list, text)) abort();
    sip::ParamIterator it(list);
    sip::Param p;
    while (it.next(p))
        if (p.name.empty() || !inside(p.name, list) || !inside(p.value, list)) abort();
}

void parse_one(std::string_view text) {
    sip::NameAddr na;
    Error err;
    if (sip::parse_name_addr(text, na, err) != Status::ok) {
        if (err.status == Status::ok || err.offset > text.size()) abort();
        return;
    }
    if (!fuzz::folds_only(text)) abort();
    if (!inside(na.display_name, text) || !inside(na.uri, text) || na.uri.empty()) abort();
    check_params(na.params, text);
    if (na.is_sip) check_params(na.sip.params, na.uri);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    parse_one(text);

    sip::ListIterator list(text);
    std::string_view item;
    size_t offset = 0;
    while (list.next(item, offset)) {
        if (offset > text.size() || !inside(item, text)) abort();
        if (!item.empty() && item.data() != text.data() + offset) abort();
        parse_one(item);
    }
    return 0;
}
