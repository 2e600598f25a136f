#include "pushcore/core/base64url.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace pushcore;

namespace {
std::string enc(std::string_view s) {
    std::string out;
    base64url_encode(reinterpret_cast<const uint8_t*>(s.data()), s.size(), out);
    return out;
}
std::ptrdiff_t dec(std::string_view s, std::string& out) {
    uint8_t buf[64];
    std::ptrdiff_t n = base64url_decode(s, buf, sizeof buf);
    if (n >= 0) out.assign(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
    return n;
}
}  // namespace

TEST_CASE("base64url: RFC 4648 test vectors without padding, URL-safe alphabet") {
    CHECK(enc("") == "");
    CHECK(enc("f") == "Zg");
    CHECK(enc("fo") == "Zm8");
    CHECK(enc("foo") == "Zm9v");
    CHECK(enc("foob") == "Zm9vYg");
    CHECK(enc("fooba") == "Zm9vYmE");
    CHECK(enc("foobar") == "Zm9vYmFy");
    CHECK(enc("\xfb\xff") == "-_8");
    std::string out;
    CHECK(dec("Zm9vYmE", out) == 5);
    CHECK(out == "fooba");
    CHECK(dec("-_8", out) == 2);
    CHECK(out == "\xfb\xff");
}

TEST_CASE("base64url: decoding rejects what is not canonical unpadded base64url") {
    std::string out;
    CHECK(dec("Zm9v=", out) == -1);  // padding
    CHECK(dec("Zm+v", out) == -1);   // the standard alphabet
    CHECK(dec("Zm9vY", out) == -1);  // 4n+1 characters
    CHECK(dec("Zh", out) == -1);     // non-zero trailing bits
    uint8_t small[2];
    CHECK(base64url_decode("Zm9v", small, sizeof small) == -1);  // does not fit
}
