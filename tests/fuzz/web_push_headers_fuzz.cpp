// Fuzz target: the Web Push request fields (RFC 8030 5.2-5.4), Prefer (RFC 7240) and Link
// (RFC 8288). The first byte picks the parser, the rest is the field value. What a parser
// accepts must hold its grammar's promises; a list parser must read a list twice over the
// same way (the first instance wins); every failure names a byte inside the input.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pushcore/text/grammar.hpp"
#include "pushcore/web_push/headers.hpp"

using namespace pushcore;
using namespace pushcore::web_push;

namespace {

constexpr uint32_t kMax = 2147483647u;
constexpr std::string_view kReceipt = "urn:ietf:params:push:receipt";

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

void check_failure(const Error& err, Status expected, std::string_view value) {
    if (err.status != expected || err.reason == nullptr || err.reason[0] == '\0' ||
        err.offset > value.size())
        abort();
}

void ttl(std::string_view value) {
    uint32_t seconds = 0;
    Error err;
    if (parse_ttl(value, seconds, err) != Status::ok)
        return check_failure(err, Status::syntax, value);
    std::string_view digits = trim_ows(value);
    if (digits.empty()) abort();
    uint64_t expect = 0;
    for (char c : digits) {
        if (!text::is_digit(c)) abort();
        expect = expect * 10 + static_cast<uint64_t>(c - '0');
        if (expect > kMax) expect = kMax;
    }
    if (seconds > kMax || seconds != expect) abort();
}

void urgency(std::string_view value) {
    Urgency u = Urgency::normal;
    Error err;
    if (parse_urgency(value, u, err) != Status::ok)
        return check_failure(err, Status::syntax, value);
    if (!text::iequals(trim_ows(value), urgency_name(u))) abort();
}

void topic(std::string_view value) {
    Error err;
    if (check_topic(value, err) != Status::ok) {
        check_failure(err, Status::syntax, value);
        if (!value.empty() && err.offset >= value.size()) abort();  // it names the bad byte
        return;
    }
    if (value.empty() || value.size() > 32) abort();
    for (char c : value)
        if (!text::is(c, text::kAlphanum) && c != '-' && c != '_') abort();
}

bool same(const Preferences& a, const Preferences& b) {
    return a.respond_async == b.respond_async && a.has_wait == b.has_wait &&
           a.wait_seconds == b.wait_seconds;
}

void prefer(std::string_view value) {
    Preferences p;
    Error err;
    if (parse_prefer(value, p, err) != Status::ok) return check_failure(err, Status::syntax, value);
    if (p.wait_seconds > kMax || (!p.has_wait && p.wait_seconds != 0)) abort();
    // RFC 7240 2: a repeated preference is ignored, so the list twice reads as once; empty
    // elements around it change nothing (RFC 9110 5.6.1).
    for (const std::string& twice :
         {std::string(value) + "," + std::string(value), ", " + std::string(value) + " ,"}) {
        Preferences q;
        Error qerr;
        if (parse_prefer(twice, q, qerr) != Status::ok || !same(p, q)) abort();
    }
}

void link(std::string_view value) {
    std::string target;
    Error err;
    Status s = find_link(value, kReceipt, target, err);
    if (s == Status::not_found) {
        if (err.offset != value.size()) abort();
    } else if (s != Status::ok) {
        return check_failure(err, Status::syntax, value);
    } else {
        // The target is the bytes between a '<' and a '>' of the value.
        if (target.find_first_of("<> \t\r\n\"") != std::string::npos) abort();
        if (value.find("<" + target + ">") == std::string_view::npos) abort();
    }
    // The field twice has the same first match; the relation type's case does not matter.
    std::string twice = std::string(value) + ", " + std::string(value);
    std::string again;
    Error aerr;
    if (find_link(twice, kReceipt, again, aerr) != s) abort();
    if (s == Status::ok && again != target) abort();
    std::string upper;
    Error uerr;
    if (find_link(value, "URN:IETF:PARAMS:PUSH:RECEIPT", upper, uerr) != s) abort();
    if (s == Status::ok && upper != target) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    std::string_view value(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 5) {
        case 0:
            ttl(value);
            break;
        case 1:
            urgency(value);
            break;
        case 2:
            topic(value);
            break;
        case 3:
            prefer(value);
            break;
        default:
            link(value);
            break;
    }
    return 0;
}
