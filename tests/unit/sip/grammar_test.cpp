#include "pushcore/text/grammar.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace pushcore;
using namespace pushcore::text;

TEST_CASE("token and case-insensitive comparison") {
    CHECK(is_token("pn-provider"));
    CHECK(is_token("a.b!%*_+`'~"));
    CHECK_FALSE(is_token(""));
    CHECK_FALSE(is_token("a b"));
    CHECK_FALSE(is_token("a;b"));
    CHECK(iequals("Content-Length", "content-LENGTH"));
    CHECK_FALSE(iequals("abc", "abd"));
    CHECK_FALSE(iequals("abc", "ab"));
}

TEST_CASE("LWS: folding counts only when the next line starts with WSP") {
    CHECK(lws_length("  x", 0) == 2);
    CHECK(lws_length(" \r\n\tx", 0) == 4);
    CHECK(lws_length("\r\nx", 0) == 0);
    CHECK(lws_length(" \r\nx", 0) == 1);
    // Found by the fuzz targets' line-break check: a bare LF (or CR) before WSP was taken
    // for a fold, so "sip:h;\n a" and "\"a\n b\"" were accepted.
    CHECK(lws_length("\n x", 0) == 0);
    CHECK(lws_length(" \n x", 0) == 1);
    CHECK(lws_length("\r x", 0) == 0);
    CHECK(trim_lws(" \r\n a b \t") == "a b");
}

TEST_CASE("quoted-string: length, escapes, errors") {
    Error err;
    CHECK(quoted_string_length(R"("abc" rest)", 0, err) == 5);
    CHECK(quoted_string_length(R"("a\"b")", 0, err) == 6);
    CHECK(quoted_string_length("\"a\r\n b\"", 0, err) == 7);

    Error e1;
    CHECK(quoted_string_length("\"abc", 0, e1) == 0);
    CHECK(e1.status == Status::syntax);
    Error e2;
    CHECK(quoted_string_length("\"a\\\r\"", 0, e2) == 0);
    CHECK(e2.status == Status::bad_escape);
    CHECK(e2.offset == 2);
    Error e3;
    CHECK(quoted_string_length("\"a\r\nb\"", 0, e3) == 0);
    CHECK(e3.status == Status::syntax);
    Error e4;
    CHECK(quoted_string_length("\"a\x01\"", 0, e4) == 0);
    CHECK(e4.status == Status::syntax);
    Error e5;
    CHECK(quoted_string_length("\"a\n b\"", 0, e5) == 0);
    CHECK(e5.status == Status::syntax);

    std::string out;
    append_unquoted(out, R"("a\"b\\c")");
    CHECK(out == R"(a"b\c)");
    std::string q;
    append_quoted(q, R"(a"b\c)");
    CHECK(q == R"("a\"b\\c")");
    std::string ctl;
    append_quoted(ctl, std::string("a\x1e\tb\x7f", 5));
    CHECK(ctl == std::string("\"a\\\x1e\tb\\\x7f\"", 9));
    Error round;
    CHECK(quoted_string_length(ctl, 0, round) == ctl.size());
}

TEST_CASE("%HH escapes: check, decode, encode") {
    Error err;
    CHECK(check_escapes("a%20b%3A", err) == Status::ok);
    Error e1;
    CHECK(check_escapes("ab%2", e1) == Status::bad_escape);
    CHECK(e1.offset == 2);
    Error e2;
    CHECK(check_escapes("%zz", e2) == Status::bad_escape);
    Error e3;
    CHECK(check_escapes("x%", e3) == Status::bad_escape);
    CHECK(e3.offset == 1);

    CHECK(decoded_length("a%20b") == 3);
    char buf[8];
    CHECK(pct_decode("a%20b", buf, sizeof buf) == 3);
    CHECK(std::string(buf, 3) == "a b");
    CHECK(pct_decode("abcdef", buf, 3) == static_cast<std::ptrdiff_t>(Status::buffer_too_small));

    std::string enc;
    append_escaped(enc, "a b;c=d%", kParamUnreserved);
    CHECK(enc == "a%20b%3Bc%3Dd%25");
    std::string dec;
    append_decoded(dec, enc);
    CHECK(dec == "a b;c=d%");
}
