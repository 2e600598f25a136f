#include "pushcore/ua_profile/content_indirection.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace pushcore;
using namespace pushcore::ua_profile;

namespace {

// The NOTIFY body of draft-ietf-sipping-config-framework-08 section 7.12, with the CRLF
// line endings of a SIP message: the external-body parameters, an empty line, the inner
// headers, and the CRLF that starts the closing delimiter.
const std::string kDraftBody =
    "--boundary42\r\n"
    "Content-Type: message/external-body;\r\n"
    "      access-type=\"URL\";\r\n"
    "      expiration=\"Mon, 24 June 2002 09:00:00 GMT\";\r\n"
    "      URL=\"http://www.example.com/devices/ff00000036c5\";\r\n"
    "      size=1234\r\n"
    "\r\n"
    "Content-Type: application/x-z100-device-profile\r\n"
    "Content-ID: <39EHF78SA@example.com>\r\n"
    "\r\n"
    "--boundary42--\r\n";

const std::string kHash = "0123456789abcdef0123456789ABCDEF01234567";

void check_same(const IndirectProfile& a, const IndirectProfile& b) {
    CHECK(a.url == b.url);
    CHECK(a.content_type == b.content_type);
    CHECK(a.content_id == b.content_id);
    CHECK(a.expiration == b.expiration);
    CHECK(a.size == b.size);
    CHECK(a.hash == b.hash);
}

struct Failure {
    Status status;
    std::string reason;
    size_t offset;
};

Failure fail_of(std::string_view content_type, std::string_view body,
                const BodyLimits& limits = BodyLimits{}) {
    std::vector<BodyPart> parts;
    Error err;
    Status s = parse_notify_body(content_type, body, parts, err, limits);
    REQUIRE(s != Status::ok);
    CHECK(s == err.status);
    return {s, err.reason, err.offset};
}

// A multipart body of one part with the given text (the part's headers and body).
std::string one_part(std::string_view part) {
    return "--b\r\n" + std::string(part) + "\r\n--b--\r\n";
}

const std::string kInner =
    "Content-Type: application/x-z100-device-profile\r\nContent-ID: <a@b>\r\n";

}  // namespace

TEST_CASE("ua_profile content indirection: the draft's section 7.12 example") {
    std::vector<BodyPart> parts;
    Error err;
    BodyForm form = BodyForm::inline_body;
    REQUIRE(parse_notify_body("multipart/mixed; boundary=boundary42", kDraftBody, parts, err,
                              BodyLimits{}, &form) == Status::ok);
    CHECK(form == BodyForm::multipart);
    REQUIRE(parts.size() == 1);
    REQUIRE(parts[0].kind == PartKind::indirect);
    const IndirectProfile& p = parts[0].indirect;
    CHECK(p.access_type == "URL");
    CHECK(p.url == "http://www.example.com/devices/ff00000036c5");
    CHECK(p.expiration == "Mon, 24 June 2002 09:00:00 GMT");
    REQUIRE(p.size.has_value());
    CHECK(*p.size == 1234);
    CHECK(p.hash.empty());
    CHECK(p.content_type == "application/x-z100-device-profile");
    CHECK(p.content_id == "39EHF78SA@example.com");
    CHECK(parts[0].offset == 14);  // just after "--boundary42\r\n"

    // Built from the same fields: the same bytes, and the header value to send with them.
    std::string built;
    REQUIRE(append_multipart(built, "boundary42", parts) == Status::ok);
    CHECK(built == kDraftBody);
    std::string type;
    append_multipart_type(type, "boundary42");
    CHECK(type == "multipart/mixed;boundary=boundary42");
}

TEST_CASE("ua_profile content indirection: RFC 4483 single external-body, with hash") {
    // The parameters are in the NOTIFY's Content-Type (folded, names in other cases); the
    // body holds the encapsulated headers and an ignored phantom body.
    const std::string type =
        "message/external-body; ACCESS-TYPE=URL;\r\n URL=\"http://www.example.com/"
        "the-indirect-content.au\";\r\n EXPIRATION=\"Sat, 20 Jun 2002 12:00:00 GMT\"; "
        "size=52723; hash=" +
        kHash;
    const std::string body =
        "Content-Type: audio/basic\r\nContent-ID: <4232423424@www.example.com>\r\n\r\n"
        "THIS IS NOT REALLY THE BODY!\r\n";
    std::vector<BodyPart> parts;
    Error err;
    BodyForm form = BodyForm::multipart;
    REQUIRE(parse_notify_body(type, body, parts, err, BodyLimits{}, &form) == Status::ok);
    CHECK(form == BodyForm::external_body);
    REQUIRE(parts.size() == 1);
    const IndirectProfile& p = parts[0].indirect;
    CHECK(p.access_type == "URL");
    CHECK(p.url == "http://www.example.com/the-indirect-content.au");
    CHECK(p.expiration == "Sat, 20 Jun 2002 12:00:00 GMT");
    CHECK(p.size == std::optional<uint64_t>(52723));
    CHECK(p.hash == kHash);
    CHECK(p.content_type == "audio/basic");
    CHECK(p.content_id == "4232423424@www.example.com");

    // Rebuilt as a single external-body and parsed back.
    std::string type2, body2;
    REQUIRE(append_external_body_type(type2, p) == Status::ok);
    REQUIRE(append_external_body(body2, p) == Status::ok);
    CHECK(type2 ==
          "message/external-body;access-type=\"URL\";expiration=\"Sat, 20 Jun 2002 12:00:00 "
          "GMT\";URL=\"http://www.example.com/the-indirect-content.au\";size=52723;hash=" +
              kHash);
    CHECK(body2 == "Content-Type: audio/basic\r\nContent-ID: <4232423424@www.example.com>\r\n\r\n");
    std::vector<BodyPart> again;
    REQUIRE(parse_notify_body(type2, body2, again, err) == Status::ok);
    REQUIRE(again.size() == 1);
    check_same(again[0].indirect, p);

    // A Content-ID among the outer headers only is accepted (inner ones win).
    std::vector<BodyPart> outer;
    const std::string outer_body = one_part(
        "Content-ID: <outer@x>\r\nContent-Type: "
        "message/external-body;access-type=URL;URL=\"h://x\"\r\n\r\nContent-Type: a/b\r\n");
    REQUIRE(parse_notify_body("multipart/mixed;boundary=b", outer_body, outer, err) == Status::ok);
    CHECK(outer[0].indirect.content_id == "outer@x");
}

TEST_CASE("ua_profile content indirection: application/url body of plug-and-play phones") {
    std::vector<BodyPart> parts;
    Error err;
    BodyForm form = BodyForm::multipart;
    const std::string body = "  https://prov.example.com/phones/ff00000036c5.cfg \r\n";
    REQUIRE(parse_notify_body("application/url", body, parts, err, BodyLimits{}, &form) ==
            Status::ok);
    CHECK(form == BodyForm::url);
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].kind == PartKind::indirect);
    CHECK(parts[0].indirect.url == "https://prov.example.com/phones/ff00000036c5.cfg");
    CHECK(parts[0].offset == 2);
    CHECK(parts[0].indirect.content_id.empty());
    CHECK(parts[0].indirect.access_type.empty());
    // Also without a line ending, and with parameters on the type.
    REQUIRE(parse_notify_body("Application/URL;charset=us-ascii", "http://x/y", parts, err) ==
            Status::ok);
    CHECK(parts[0].indirect.url == "http://x/y");

    std::string out;
    REQUIRE(append_url_body(out, "http://x/y") == Status::ok);
    CHECK(out == "http://x/y\r\n");
    CHECK(append_url_body(out, "") == Status::invalid_argument);
    CHECK(append_url_body(out, "http://x/ y") == Status::invalid_argument);
    CHECK(out == "http://x/y\r\n");

    Failure f = fail_of("application/url", " \r\n");
    CHECK(f.status == Status::bad_header);
    CHECK(f.reason == "application/url: empty body");
    CHECK(f.offset == 0);
    f = fail_of("application/url", "http://a/\r\nhttp://b/\r\n");
    CHECK(f.status == Status::syntax);
    CHECK(f.reason == "application/url: more than one line");
    CHECK(f.offset == 9);
    f = fail_of("application/url", "http://a/ b");
    CHECK(f.status == Status::bad_header);
    CHECK(f.reason == "application/url: URL contains whitespace or a control character");
    CHECK(f.offset == 9);
}

TEST_CASE("ua_profile content indirection: inline parts and an inline profile") {
    const std::string body =
        "preamble, ignored\r\n"
        "--b  \t\r\n"  // transport padding
        "Content-Type: application/x-z100-device-profile\r\n"
        "Content-ID: <inline@example.com>\r\n"
        "Content-Transfer-Encoding: binary\r\n"
        "\r\n"
        "<profile>\r\n--bx is not a delimiter\r\n</profile>\r\n"
        "--b\r\n"
        "\r\n"
        "no headers: text/plain by default\r\n"
        "--b\r\n"
        "Content-Type: message/external-body;access-type=\"URL\";URL=\"http://x/p\"\r\n\r\n" +
        kInner + "--b--  \r\nepilogue, ignored\r\n--b\r\n";
    std::vector<BodyPart> parts;
    Error err;
    REQUIRE(parse_notify_body("multipart/mixed;boundary=\"b\"", body, parts, err) == Status::ok);
    REQUIRE(parts.size() == 3);
    REQUIRE(parts[0].kind == PartKind::inline_body);
    CHECK(parts[0].inline_body.content_type == "application/x-z100-device-profile");
    CHECK(parts[0].inline_body.content_id == "inline@example.com");
    CHECK(parts[0].inline_body.body == "<profile>\r\n--bx is not a delimiter\r\n</profile>");
    CHECK(parts[0].offset == body.find("Content-Type"));
    REQUIRE(parts[1].kind == PartKind::inline_body);
    CHECK(parts[1].inline_body.content_type.empty());
    CHECK(parts[1].inline_body.content_id.empty());
    CHECK(parts[1].inline_body.body == "no headers: text/plain by default");
    REQUIRE(parts[2].kind == PartKind::indirect);
    CHECK(parts[2].indirect.url == "http://x/p");
    CHECK(parts[2].indirect.content_id == "a@b");

    // Any other media type is the profile itself, inline.
    BodyForm form = BodyForm::multipart;
    REQUIRE(parse_notify_body(" application/x-z100-device-profile ", "<profile/>", parts, err,
                              BodyLimits{}, &form) == Status::ok);
    CHECK(form == BodyForm::inline_body);
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].inline_body.content_type == "application/x-z100-device-profile");
    CHECK(parts[0].inline_body.body == "<profile/>");
}

TEST_CASE("ua_profile content indirection: LF-only line endings are accepted") {
    // The draft as text files carry it: every line ended by LF alone, folds included.
    std::string lf;
    for (char c : kDraftBody)
        if (c != '\r') lf += c;
    std::vector<BodyPart> parts;
    Error err;
    REQUIRE(parse_notify_body("multipart/mixed; boundary=boundary42", lf, parts, err) ==
            Status::ok);
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].indirect.url == "http://www.example.com/devices/ff00000036c5");
    CHECK(parts[0].indirect.size == std::optional<uint64_t>(1234));
    CHECK(parts[0].indirect.content_id == "39EHF78SA@example.com");
    // Inline bodies lose one line ending before the delimiter, whichever it is.
    REQUIRE(parse_notify_body("multipart/mixed;boundary=b", "--b\n\nx\n\n--b--", parts, err) ==
            Status::ok);
    CHECK(parts[0].inline_body.body == "x\n");
    // A bare CR does not end a line.
    Failure f = fail_of("multipart/mixed;boundary=b", "--b\rx\r\n");
    CHECK(f.reason == "multipart: no opening delimiter");
    // Inside a quoted-string a line break must be CRLF and SP (RFC 3261 LWS).
    f = fail_of("multipart/mixed;boundary=b",
                one_part("Content-Type: message/external-body;access-type=URL;\n URL=\"a\n b\"\n"
                         "\nContent-Type: a/b\nContent-ID: <x>\n"));
    CHECK(f.status == Status::syntax);
    CHECK(f.reason == "line break inside quoted-string");
}

TEST_CASE("ua_profile content indirection: multiple parts, limits") {
    std::vector<BodyPart> in(3);
    const char* urls[] = {"http://p.example/device", "https://p.example/user",
                          "https://p.example/app"};
    const char* ids[] = {"dev@p", "user@p", "app@p"};
    for (size_t k = 0; k < 3; ++k) {
        in[k].indirect.url = urls[k];
        in[k].indirect.content_type = "application/x-profile";
        in[k].indirect.content_id = ids[k];
        in[k].indirect.size = k * 100;
    }
    std::string body;
    REQUIRE(append_multipart(body, "sep", in) == Status::ok);
    std::vector<BodyPart> parts;
    Error err;
    REQUIRE(parse_notify_body("multipart/mixed;boundary=sep", body, parts, err) == Status::ok);
    REQUIRE(parts.size() == 3);
    for (size_t k = 0; k < 3; ++k) {
        CHECK(parts[k].kind == PartKind::indirect);
        check_same(parts[k].indirect, in[k].indirect);
        CHECK(parts[k].indirect.access_type == "URL");
    }

    BodyLimits two;
    two.max_parts = 2;
    Failure f = fail_of("multipart/mixed;boundary=sep", body, two);
    CHECK(f.status == Status::limit_header_count);
    CHECK(f.reason == "multipart: more parts than max_parts");
    size_t third = body.find("--sep\r\n", body.find("--sep\r\n", 1) + 1) + 7;
    CHECK(f.offset == third);

    BodyLimits small;
    small.max_header_bytes = 40;
    f = fail_of("multipart/mixed;boundary=sep", body, small);
    CHECK(f.status == Status::limit_header_bytes);
    CHECK(f.reason == "part headers longer than max_header_bytes");
    CHECK(f.offset == 7 + 40);
}

TEST_CASE("ua_profile content indirection: every error names its rule and offset") {
    const std::string mp = "multipart/mixed;boundary=b";
    const std::string ext = "Content-Type: message/external-body;";
    struct Case {
        std::string type, body;
        Status status;
        const char* reason;
        size_t offset;
    };
    std::vector<Case> cases;
    auto add = [&](std::string type, std::string body, Status s, const char* reason, size_t off) {
        cases.push_back({std::move(type), std::move(body), s, reason, off});
    };
    // The Content-Type value (offsets into it).
    add("multipart/mixed", "", Status::bad_header, "multipart: no boundary parameter", 0);
    add("multipart/mixed; charset=x", "", Status::bad_header, "multipart: no boundary parameter",
        0);
    add("multipart/mixed;boundary=\"\"", "", Status::bad_header,
        "multipart: boundary not 1..70 bchars (RFC 2046 5.1.1)", 26);
    add("multipart/mixed;boundary=" + std::string(71, 'x'), "", Status::bad_header,
        "multipart: boundary not 1..70 bchars (RFC 2046 5.1.1)", 25);
    add("multipart/mixed;boundary=a;boundary=b", "", Status::bad_header,
        "multipart: boundary given twice", 27);
    add("multipart/alternative;boundary=b", "", Status::bad_header,
        "multipart: subtype other than mixed", 10);
    add("text", "", Status::syntax, "Content-Type: '/' expected after type", 4);
    add("/plain", "", Status::syntax, "Content-Type: type expected", 0);
    add("text/", "", Status::syntax, "Content-Type: subtype expected", 5);
    add("text/plain x", "", Status::syntax, "Content-Type: ';' expected before a parameter", 11);
    add("text/plain;=x", "", Status::syntax, "Content-Type: parameter name expected", 11);
    add("text/plain;a", "", Status::syntax, "Content-Type: '=' expected after parameter name", 12);
    add("text/plain;a=", "", Status::syntax,
        "Content-Type: parameter value expected (token or quoted-string)", 13);
    add("text/plain;a=\"x", "", Status::syntax, "unterminated quoted-string", 13);
    add("message/external-body;URL=\"http://x/\"", kInner, Status::bad_header,
        "external-body: access-type missing", 0);
    add("message/external-body;access-type=\"URL\"", kInner, Status::bad_header,
        "external-body: URL missing", 0);
    // The multipart framing (offsets into the body).
    add(mp, "hello\r\n", Status::syntax, "multipart: no opening delimiter", 0);
    add(mp, "--b--\r\n", Status::syntax, "multipart: no parts (closing delimiter first)", 0);
    add(mp, "x\r\n--b--\r\n", Status::syntax, "multipart: no parts (closing delimiter first)", 3);
    add(mp, "--b\r\n\r\nbody\r\n", Status::syntax, "multipart: no closing delimiter", 13);
    add(mp, "--b\r\n\r\nbody\r\n--b\r\n", Status::syntax, "multipart: no closing delimiter", 18);
    // Part headers.
    add(mp, one_part("no colon here"), Status::syntax, "part header: no ':' in header line", 5);
    add(mp, one_part(" folded: first"), Status::syntax,
        "part header: continuation line before any header", 5);
    add(mp, one_part(": empty"), Status::syntax, "part header: empty field name", 5);
    add(mp, one_part("Bad Name: x"), Status::syntax, "part header: bad field name", 8);
    add(mp, one_part("Content-Type: a/b\r\ncontent-type: c/d\r\n"), Status::syntax,
        "part header: Content-Type given twice", 24);
    add(mp, one_part("Content-ID: <a>\r\nContent-ID: <b>\r\n"), Status::syntax,
        "part header: Content-ID given twice", 22);
    add(mp, one_part("Content-ID: 39EHF\r\n"), Status::bad_header, "Content-ID: not <id>", 17);
    add(mp, one_part("Content-ID: <>\r\n"), Status::bad_header, "Content-ID: not <id>", 17);
    add(mp, one_part("Content-ID: <a b>\r\n"), Status::bad_header, "Content-ID: not <id>", 17);
    add(mp, one_part("Content-Type:\r\n"), Status::syntax, "Content-Type: type expected", 18);
    // External-body parameters and the encapsulated headers.
    const std::string url = "access-type=\"URL\";URL=\"http://x/\"";
    add(mp, one_part(ext + url + "\r\n\r\nContent-ID: <a@b>\r\n"), Status::bad_header,
        "external-body: inner Content-Type missing (section 7.5 MUST)",
        5 + ext.size() + url.size() + 4);
    add(mp, one_part(ext + url + "\r\n\r\nContent-Type: a/b\r\n"), Status::bad_header,
        "Content-ID missing (section 7.5 MUST)", 5 + ext.size() + url.size() + 4);
    add(mp, one_part(ext + url + "\r\n\r\n"), Status::bad_header,
        "external-body: inner Content-Type missing (section 7.5 MUST)",
        5 + ext.size() + url.size() + 4);
    add(mp, one_part(ext + "URL=\"http://x/\"\r\n\r\n" + kInner), Status::bad_header,
        "external-body: access-type missing", 19);
    add(mp, one_part(ext + "access-type=local-file;URL=\"http://x/\"\r\n\r\n" + kInner),
        Status::bad_header, "external-body: access-type not URL", 5 + ext.size());
    add(mp, one_part(ext + "access-type=URL\r\n\r\n" + kInner), Status::bad_header,
        "external-body: URL missing", 19);
    add(mp, one_part(ext + "access-type=URL;URL=\"\"\r\n\r\n" + kInner), Status::bad_header,
        "external-body: URL empty", 5 + ext.size() + 16);
    add(mp, one_part(ext + "access-type=URL;URL=\"http://x/ y\"\r\n\r\n" + kInner),
        Status::bad_header, "external-body: URL contains whitespace or a control character",
        5 + ext.size() + 21);
    add(mp, one_part(ext + "access-type=URL;URL=\"http://x/\\y\"\r\n\r\n" + kInner),
        Status::bad_header, "external-body: quoted-pair in a parameter value", 5 + ext.size() + 30);
    add(mp, one_part(ext + "access-type=URL;URL=\"a\r\n b\"\r\n\r\n" + kInner), Status::bad_header,
        "external-body: line break in a parameter value", 5 + ext.size() + 22);
    add(mp, one_part(ext + "access-type=URL;URL=a;url=b\r\n\r\n" + kInner), Status::bad_header,
        "external-body: URL given twice", 5 + ext.size() + 22);
    add(mp, one_part(ext + url + ";size=12a\r\n\r\n" + kInner), Status::bad_header,
        "size: not digits", 5 + ext.size() + url.size() + 6);
    add(mp, one_part(ext + url + ";size=\"\"\r\n\r\n" + kInner), Status::bad_header,
        "size: not digits", 5 + ext.size() + url.size() + 1);
    add(mp, one_part(ext + url + ";size=99999999999999999999\r\n\r\n" + kInner), Status::bad_header,
        "size: too large", 5 + ext.size() + url.size() + 6);
    add(mp, one_part(ext + url + ";size=1;SIZE=2\r\n\r\n" + kInner), Status::bad_header,
        "external-body: size given twice", 5 + ext.size() + url.size() + 8);
    add(mp, one_part(ext + url + ";hash=abc\r\n\r\n" + kInner), Status::bad_header,
        "hash: not 40 hex digits", 5 + ext.size() + url.size() + 1);
    add(mp, one_part(ext + url + ";hash=" + kHash.substr(0, 39) + "g\r\n\r\n" + kInner),
        Status::bad_header, "hash: not 40 hex digits", 5 + ext.size() + url.size() + 1);
    add(mp, one_part(ext + url + ";expiration=\"a\\\"b\"\r\n\r\n" + kInner), Status::bad_header,
        "external-body: quoted-pair in a parameter value", 5 + ext.size() + url.size() + 14);
    add(mp, one_part(ext + url + ";size\r\n\r\n" + kInner), Status::syntax,
        "Content-Type: '=' expected after parameter name", 5 + ext.size() + url.size() + 5);
    add(mp, one_part(ext + url + "\r\n\r\nContent-Type: a/b\r\nContent-ID: x\r\n"),
        Status::bad_header, "Content-ID: not <id>", 5 + ext.size() + url.size() + 4 + 31);
    add(mp, one_part(ext + url + "\r\n\r\nContent-Type: a\r\nContent-ID: <x>\r\n"), Status::syntax,
        "Content-Type: '/' expected after type", 5 + ext.size() + url.size() + 4 + 15);

    for (const Case& c : cases) {
        CAPTURE(c.type);
        CAPTURE(c.body);
        Failure f = fail_of(c.type, c.body);
        CHECK(f.status == c.status);
        CHECK(f.reason == c.reason);
        CHECK(f.offset == c.offset);
    }
}

TEST_CASE("ua_profile content indirection: round trips and what the builder refuses") {
    std::vector<BodyPart> in(3);
    in[0].indirect.url = "https://prov.example.com/devices/ff00000036c5?x=1&y=2";
    in[0].indirect.content_type = "application/x-z100-device-profile; charset=\"utf-8\"";
    in[0].indirect.content_id = "39EHF78SA@example.com";
    in[0].indirect.expiration = "Mon, 24 June 2002 09:00:00 GMT";
    in[0].indirect.size = UINT64_MAX;
    in[0].indirect.hash = kHash;
    in[0].indirect.access_type = "url";
    in[1].kind = PartKind::inline_body;
    in[1].inline_body.content_type = "text/plain";
    in[1].inline_body.content_id = "note@x";
    in[1].inline_body.body = "line one\r\n\r\nline three, then an empty line\r\n";
    in[2].kind = PartKind::inline_body;
    in[2].inline_body.body = "";

    const std::string boundary = choose_boundary("NOTIFY 321", in);
    CHECK(boundary == choose_boundary("NOTIFY 321", in));  // deterministic
    CHECK(boundary != choose_boundary("NOTIFY 322", in));
    CHECK(boundary.size() == 19);
    CHECK(boundary.rfind("pc-", 0) == 0);

    std::string body, type;
    REQUIRE(append_multipart(body, boundary, in) == Status::ok);
    append_multipart_type(type, boundary);
    std::vector<BodyPart> out;
    Error err;
    REQUIRE(parse_notify_body(type, body, out, err) == Status::ok);
    REQUIRE(out.size() == 3);
    REQUIRE(out[0].kind == PartKind::indirect);
    check_same(out[0].indirect, in[0].indirect);
    CHECK(out[0].indirect.access_type == "url");
    REQUIRE(out[1].kind == PartKind::inline_body);
    CHECK(out[1].inline_body.content_type == "text/plain");
    CHECK(out[1].inline_body.content_id == "note@x");
    CHECK(out[1].inline_body.body == in[1].inline_body.body);
    REQUIRE(out[2].kind == PartKind::inline_body);
    CHECK(out[2].inline_body.content_type.empty());
    CHECK(out[2].inline_body.body.empty());

    // A boundary that occurs in a part is never chosen, and is refused.
    BodyPart clash;
    clash.kind = PartKind::inline_body;
    const std::string first = choose_boundary("s", nullptr, 0);
    const std::string text = "before\r\n--" + first + "\r\nafter";
    clash.inline_body.body = text;
    const std::string other = choose_boundary("s", &clash, 1);
    CHECK(other != first);
    std::string b2;
    CHECK(append_multipart(b2, first, &clash, 1) == Status::invalid_argument);
    CHECK(b2.empty());
    REQUIRE(append_multipart(b2, other, &clash, 1) == Status::ok);
    std::string t2;
    append_multipart_type(t2, other);
    REQUIRE(parse_notify_body(t2, b2, out, err) == Status::ok);
    CHECK(out[0].inline_body.body == text);

    // A boundary with bchars outside token is quoted in the header value.
    std::string quoted_type;
    append_multipart_type(quoted_type, "a b:c");
    CHECK(quoted_type == "multipart/mixed;boundary=\"a b:c\"");
    std::string b3;
    REQUIRE(append_multipart(b3, "a b:c", in) == Status::ok);
    REQUIRE(parse_notify_body(quoted_type, b3, out, err) == Status::ok);
    CHECK(out.size() == 3);

    // Refusals: nothing is appended.
    auto refuses = [&](const BodyPart& p, std::string_view b = "sep") {
        std::string s;
        bool refused = append_multipart(s, b, &p, 1) == Status::invalid_argument;
        return refused && s.empty();
    };
    BodyPart good = in[0];
    CHECK_FALSE(refuses(good));
    BodyPart bad = good;
    bad.indirect.url = "http://x/ y";
    CHECK(refuses(bad));
    bad = good;
    bad.indirect.url = "http://x/\"";
    CHECK(refuses(bad));
    bad = good;
    bad.indirect.url = "";
    CHECK(refuses(bad));
    bad = good;
    bad.indirect.content_id = "a>b";
    CHECK(refuses(bad));
    bad = good;
    bad.indirect.content_id = "";
    CHECK(refuses(bad));
    bad = good;
    bad.indirect.content_type = "application";
    CHECK(refuses(bad));
    bad = good;
    bad.indirect.content_type = "";
    CHECK(refuses(bad));
    bad = good;
    const std::string short_hash = kHash.substr(1);
    bad.indirect.hash = short_hash;
    CHECK(refuses(bad));
    bad = good;
    bad.indirect.access_type = "local-file";
    CHECK(refuses(bad));
    bad = good;
    bad.indirect.expiration = "Mon\r\n";
    CHECK(refuses(bad));
    BodyPart inl = in[1];
    CHECK_FALSE(refuses(inl));
    inl.inline_body.content_type = "Message/External-Body;access-type=URL";
    CHECK(refuses(inl));
    CHECK(refuses(good, ""));
    CHECK(refuses(good, std::string(71, 'x')));
    CHECK(refuses(good, "ends in space "));
    CHECK(refuses(good, "bad\"char"));
    CHECK(refuses(good, "prov"));  // occurs in the URL
    std::string none;
    CHECK(append_multipart(none, "sep", nullptr, 0) == Status::invalid_argument);
    std::string single;
    CHECK(append_external_body(single, bad.indirect) == Status::invalid_argument);
    CHECK(append_external_body_type(single, bad.indirect) == Status::invalid_argument);
    CHECK(single.empty());
}

TEST_CASE("ua_profile content indirection: media types and content ids on their own") {
    MediaType mt;
    Error err;
    REQUIRE(parse_media_type("Message/External-Body; access-type=\"URL\"", mt, err) == Status::ok);
    CHECK(mt.type == "Message");
    CHECK(mt.subtype == "External-Body");
    CHECK(mt.params == "; access-type=\"URL\"");
    REQUIRE(parse_media_type("a/b;", mt, err) == Status::ok);  // a trailing ';' is tolerated
    CHECK(parse_media_type("a/b ", mt, err) == Status::syntax);
    CHECK(err.reason == std::string("Content-Type: trailing whitespace"));
    CHECK(err.offset == 3);
    CHECK(parse_media_type("a/b; x=\"y", mt, err) == Status::syntax);
    CHECK(err.offset == 7);
    CHECK(valid_content_id("39EHF78SA@example.com"));
    CHECK_FALSE(valid_content_id(""));
    CHECK_FALSE(valid_content_id("a b"));
    CHECK_FALSE(valid_content_id("<a>"));
}
