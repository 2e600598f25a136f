#include "pushcore/ua_profile/device_id.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using namespace pushcore;
using namespace pushcore::ua_profile;

namespace {

std::string mac_of(std::string_view in) {
    std::string out = "unchanged";
    Error err;
    REQUIRE_MESSAGE(normalize_mac(in, out, err) == Status::ok, in, " ", err.reason);
    CHECK(err.status == Status::ok);
    return out;
}

// Runs `status_of(err)` and checks that it failed with `status` at `offset` for `reason`.
struct Failure {
    Status status;
    size_t offset;
    std::string_view reason;
};

void check_failure(Status got, const Error& err, const Failure& want) {
    CHECK(got == want.status);
    CHECK(err.status == want.status);
    CHECK(err.offset == want.offset);
    CHECK(std::string_view(err.reason) == want.reason);
}

DeviceId user_ok(std::string_view user, bool want_deployed) {
    DeviceId id;
    Error err;
    bool deployed = !want_deployed;
    REQUIRE_MESSAGE(parse_device_user(user, id, err, &deployed) == Status::ok, user, " ",
                    err.reason);
    CHECK_MESSAGE(deployed == want_deployed, user);
    CHECK(is_canonical(id));
    return id;
}

DeviceId mac_id(std::string_view canonical) {
    return DeviceId{DeviceIdKind::mac, std::string(canonical)};
}
DeviceId uuid_id(std::string_view canonical) {
    return DeviceId{DeviceIdKind::uuid, std::string(canonical)};
}

constexpr std::string_view kDraftUuid = "urn:uuid:f81d4fae-7ced-11d0-a765-00a0c91e6bf6";

}  // namespace

TEST_CASE("ua_profile device id: every accepted MAC form normalizes to MAC: + upper hex") {
    for (std::string_view in : {
             "00DF1E004CD0",          // plain
             "00df1e004cd0",          // plain, lower case
             "00:df:1e:00:4c:d0",     // colon pairs
             "00-DF-1E-00-4C-D0",     // dash pairs
             "00df.1e00.4cd0",        // dotted quads (Cisco style)
             "MAC:00DF1E004CD0",      // the draft's own form
             "mac:00df1e004cd0",      // prefix in lower case
             "Mac:00:DF:1e:00:4C:d0"  // prefix and colon pairs, mixed case
         }) {
        CHECK_MESSAGE(mac_of(in) == "MAC:00DF1E004CD0", in);
    }
    CHECK(mac_of("ff:ff:ff:ff:ff:ff") == "MAC:FFFFFFFFFFFF");
}

TEST_CASE("ua_profile device id: MAC rejections name the reason and the offset") {
    struct Case {
        std::string_view in;
        Failure want;
    };
    const Case cases[] = {
        {"", {Status::syntax, 0, "fewer than 12 hex digits"}},
        {"MAC:", {Status::syntax, 4, "fewer than 12 hex digits"}},
        {"00DF1E004CD", {Status::syntax, 11, "fewer than 12 hex digits"}},
        {"00DF1E004CD0A", {Status::syntax, 12, "more than 12 hex digits"}},
        {"00DF1E004CG0", {Status::syntax, 10, "neither a hex digit nor a MAC separator"}},
        {"00 DF 1E 00 4C D0", {Status::syntax, 2, "neither a hex digit nor a MAC separator"}},
        {"00:DF-1E:00:4C:D0", {Status::syntax, 5, "mixed MAC separators"}},
        {"00:DF:1E:00:4C:D0:", {Status::syntax, 17, "MAC separator out of place"}},
        {":00:DF:1E:00:4C:D0", {Status::syntax, 0, "MAC separator out of place"}},
        {"00DF:1E:00:4C:D0", {Status::syntax, 4, "MAC separator out of place"}},
        {"00:DF:1E004CD0", {Status::syntax, 8, "separator missing between MAC groups"}},
        {"00df.1e004cd0", {Status::syntax, 9, "separator missing between MAC groups"}},
        {"00.df.1e.00.4c.d0", {Status::syntax, 2, "MAC separator out of place"}},
        {"00::DF:1E:00:4C:D0", {Status::syntax, 3, "MAC separator out of place"}},
        {"MAC=00DF1E004CD0", {Status::syntax, 0, "neither a hex digit nor a MAC separator"}},
    };
    for (const Case& c : cases) {
        CAPTURE(c.in);
        std::string out = "unchanged";
        Error err;
        Status st = normalize_mac(c.in, out, err);
        check_failure(st, err, c.want);
        CHECK(out == "unchanged");
    }
}

TEST_CASE("ua_profile device id: UUID URNs canonicalize to lower case") {
    std::string out;
    Error err;
    REQUIRE(parse_uuid_urn(kDraftUuid, out, err) == Status::ok);
    CHECK(out == kDraftUuid);
    REQUIRE(parse_uuid_urn("URN:UUID:F81D4FAE-7CED-11D0-A765-00A0C91E6BF6", out, err) ==
            Status::ok);
    CHECK(out == kDraftUuid);
    REQUIRE(parse_uuid_urn("Urn:Uuid:00000000-0000-0000-0000-000000000000", out, err) ==
            Status::ok);
    CHECK(out == "urn:uuid:00000000-0000-0000-0000-000000000000");
}

TEST_CASE("ua_profile device id: UUID rejections name the reason and the offset") {
    struct Case {
        std::string_view in;
        Failure want;
    };
    const Case cases[] = {
        {"f81d4fae-7ced-11d0-a765-00a0c91e6bf6",
         {Status::syntax, 0, "UUID URN must start with urn:uuid:"}},
        {"urn:uid:f81d4fae-7ced-11d0-a765-00a0c91e6bf6",
         {Status::syntax, 0, "UUID URN must start with urn:uuid:"}},
        {"urn:uuid:", {Status::syntax, 9, "UUID shorter than 8-4-4-4-12"}},
        {"urn:uuid:f81d4fae-7ced-11d0-a765-00a0c91e6bf",
         {Status::syntax, 44, "UUID shorter than 8-4-4-4-12"}},
        {"urn:uuid:f81d4fae-7ced-11d0-a765-00a0c91e6bf6a",
         {Status::syntax, 45, "characters after the UUID"}},
        {"urn:uuid:f81d4fae7ced-11d0-a765-00a0c91e6bf6-",
         {Status::syntax, 17, "'-' expected in UUID"}},
        {"urn:uuid:f81d4fae-7ced-11d0-a765_00a0c91e6bf6",
         {Status::syntax, 32, "'-' expected in UUID"}},
        {"urn:uuid:g81d4fae-7ced-11d0-a765-00a0c91e6bf6",
         {Status::syntax, 9, "hex digit expected in UUID"}},
        {"urn:uuid:{f81d4fae-7ced-11d0-a765-00a0c91e6bf6}",
         {Status::syntax, 9, "hex digit expected in UUID"}},
    };
    for (const Case& c : cases) {
        CAPTURE(c.in);
        std::string out = "unchanged";
        Error err;
        check_failure(parse_uuid_urn(c.in, out, err), err, c.want);
        CHECK(out == "unchanged");
    }
}

TEST_CASE("ua_profile device id: mac_to_uuid gives the version-1 UUID with the MAC as node") {
    std::string out;
    Error err;
    REQUIRE(mac_to_uuid("MAC:00DF1E004CD0", out, err) == Status::ok);
    CHECK(out == "urn:uuid:00000000-0000-1000-8000-00df1e004cd0");
    // Any MAC form normalize_mac accepts.
    REQUIRE(mac_to_uuid("00:0a:95:A0:E1:28", out, err) == Status::ok);
    CHECK(out == "urn:uuid:00000000-0000-1000-8000-000a95a0e128");
    // Version nibble 1 (RFC 4122 4.1.3), variant bits 10 (4.1.1).
    CHECK(out[9 + 14] == '1');
    CHECK(out[9 + 19] == '8');
    // The result is a canonical UUID device ID.
    CHECK(is_canonical(uuid_id(out)));

    out = "unchanged";
    check_failure(mac_to_uuid("00:0a:95:A0:E1", out, err), err,
                  {Status::syntax, 14, "fewer than 12 hex digits"});
    CHECK(out == "unchanged");

    DeviceId mapped;
    REQUIRE(device_id_for(mac_id("MAC:00DF1E004CD0"), Form::rfc6080, mapped, err) == Status::ok);
    CHECK(mapped == uuid_id("urn:uuid:00000000-0000-1000-8000-00df1e004cd0"));
    REQUIRE(device_id_for(mac_id("MAC:00DF1E004CD0"), Form::draft08, mapped, err) == Status::ok);
    CHECK(mapped == mac_id("MAC:00DF1E004CD0"));
    REQUIRE(device_id_for(uuid_id(kDraftUuid), Form::rfc6080, mapped, err) == Status::ok);
    CHECK(mapped == uuid_id(kDraftUuid));
    check_failure(device_id_for(mac_id("MAC:00df1e004cd0"), Form::rfc6080, mapped, err), err,
                  {Status::invalid_argument, 0, "device ID is not in canonical form"});
}

TEST_CASE("ua_profile device id: parse_device_id and is_canonical") {
    DeviceId id;
    Error err;
    REQUIRE(parse_device_id("00-df-1e-00-4c-d0", id, err) == Status::ok);
    CHECK(id == mac_id("MAC:00DF1E004CD0"));
    REQUIRE(parse_device_id("URN:uuid:F81D4FAE-7CED-11D0-A765-00A0C91E6BF6", id, err) ==
            Status::ok);
    CHECK(id == uuid_id(kDraftUuid));
    check_failure(parse_device_id("urn:uuid:x", id, err), err,
                  {Status::syntax, 9, "hex digit expected in UUID"});
    check_failure(parse_device_id("alice", id, err), err,
                  {Status::syntax, 1, "neither a hex digit nor a MAC separator"});

    CHECK(is_canonical(mac_id("MAC:00DF1E004CD0")));
    CHECK_FALSE(is_canonical(mac_id("MAC:00df1e004cd0")));
    CHECK_FALSE(is_canonical(mac_id("mac:00DF1E004CD0")));
    CHECK_FALSE(is_canonical(mac_id("MAC:00DF1E004CD")));
    CHECK_FALSE(is_canonical(mac_id(kDraftUuid)));
    CHECK(is_canonical(uuid_id(kDraftUuid)));
    CHECK_FALSE(is_canonical(uuid_id("urn:uuid:F81D4FAE-7CED-11D0-A765-00A0C91E6BF6")));
    CHECK_FALSE(is_canonical(uuid_id("urn:uuid:f81d4fae-7ced-11d0-a765+00a0c91e6bf6")));
    CHECK_FALSE(is_canonical(uuid_id("MAC:00DF1E004CD0")));
}

TEST_CASE("ua_profile device id: the draft's escaped user parts") {
    // draft 7.13.1 and 7.13.3 examples.
    CHECK(user_ok("MAC%3a00DF1E004CD0", false) == mac_id("MAC:00DF1E004CD0"));
    CHECK(user_ok("MAC%3A00DF1E004CD0", false) == mac_id("MAC:00DF1E004CD0"));
    CHECK(user_ok("urn%3auuid%3af81d4fae-7ced-11d0-a765-00a0c91e6bf6", false) ==
          uuid_id(kDraftUuid));
    CHECK(user_ok("urn%3Auuid%3AF81D4FAE-7CED-11D0-A765-00A0C91E6BF6", false) ==
          uuid_id(kDraftUuid));
    CHECK(user_ok("URN%3aUUID%3af81d4fae-7ced-11d0-a765-00a0c91e6bf6", false) ==
          uuid_id(kDraftUuid));
    // Escaping an unreserved character does not change what the user part means.
    CHECK(user_ok("%4DAC%3a00DF1E004CD%30", false) == mac_id("MAC:00DF1E004CD0"));
}

TEST_CASE("ua_profile device id: deployed user-part variants are accepted and reported") {
    CHECK(user_ok("MAC:00DF1E004CD0", true) == mac_id("MAC:00DF1E004CD0"));
    CHECK(user_ok("MAC=00DF1E004CD0", true) == mac_id("MAC:00DF1E004CD0"));
    CHECK(user_ok("MAC%3D00DF1E004CD0", true) == mac_id("MAC:00DF1E004CD0"));
    CHECK(user_ok("MAC%3a00df1e004cd0", true) == mac_id("MAC:00DF1E004CD0"));
    CHECK(user_ok("mac%3a00DF1E004CD0", true) == mac_id("MAC:00DF1E004CD0"));
    CHECK(user_ok("mac=00df1e004cd0", true) == mac_id("MAC:00DF1E004CD0"));
    CHECK(user_ok("urn:uuid:f81d4fae-7ced-11d0-a765-00a0c91e6bf6", true) == uuid_id(kDraftUuid));
    CHECK(user_ok("urn%3auuid:f81d4fae-7ced-11d0-a765-00a0c91e6bf6", true) == uuid_id(kDraftUuid));

    // Without the out-parameter the variant is still accepted.
    DeviceId id;
    Error err;
    CHECK(parse_device_user("MAC=00DF1E004CD0", id, err) == Status::ok);
    CHECK(id == mac_id("MAC:00DF1E004CD0"));
}

TEST_CASE("ua_profile device id: user-part rejections name the reason and the offset") {
    struct Case {
        std::string_view in;
        Failure want;
    };
    const Case cases[] = {
        {"", {Status::syntax, 0, "device ID must be MAC:<12 hex> or urn:uuid:<UUID>"}},
        {"alice", {Status::syntax, 0, "device ID must be MAC:<12 hex> or urn:uuid:<UUID>"}},
        {"00DF1E004CD0", {Status::syntax, 0, "device ID must be MAC:<12 hex> or urn:uuid:<UUID>"}},
        {"MAC", {Status::syntax, 3, "':' (%3a) expected after MAC"}},
        {"MAC-00DF1E004CD0", {Status::syntax, 3, "':' (%3a) expected after MAC"}},
        {"MAC%3a", {Status::syntax, 6, "fewer than 12 hex digits after MAC:"}},
        {"MAC%3a00DF1E004CD", {Status::syntax, 17, "fewer than 12 hex digits after MAC:"}},
        {"MAC%3a00DF1E004CD00", {Status::syntax, 18, "more than 12 hex digits after MAC:"}},
        {"MAC%3a00:DF:1E:00:4C:D0",
         {Status::syntax, 8, "hex digit expected after MAC: (no separators)"}},
        {"MAC%3a00DF1E004CDX",
         {Status::syntax, 17, "hex digit expected after MAC: (no separators)"}},
        {"MAC%3a00DF1E004C%2D0",
         {Status::syntax, 16, "hex digit expected after MAC: (no separators)"}},
        {"MAC%3g00DF1E004CD0", {Status::bad_escape, 3, "'%' not followed by two hex digits"}},
        {"MAC%3a00DF1E004CD0%", {Status::bad_escape, 18, "'%' not followed by two hex digits"}},
        {"urn%3auuid%3af81d4fae-7ced-11d0-a765-00a0c91e6bf",
         {Status::syntax, 48, "UUID shorter than 8-4-4-4-12"}},
        {"urn%3auuid%3af81d4fae-7ced-11d0-a765-00a0c91e6bfz",
         {Status::syntax, 48, "hex digit expected in UUID"}},
        {"urn%3auuid%3af81d4fae%2D7ced-11d0-a765-00a0c91e6bf6x",
         {Status::syntax, 51, "characters after the UUID"}},
        {"urn%3auuid%3af81d4fae_7ced-11d0-a765-00a0c91e6bf6",
         {Status::syntax, 21, "'-' expected in UUID"}},
        {"urn%3aietf%3aparams%3ax", {Status::syntax, 0, "only urn:uuid: device IDs are defined"}},
        {"urn%3auuid%3af81d4fae-7ced-11d0-a765-00a0c91e6bf6f81d4fae-7ced-11d0-a765-00a0",
         {Status::syntax, 68, "user part too long for a device ID"}},
    };
    for (const Case& c : cases) {
        CAPTURE(c.in);
        DeviceId id = mac_id("MAC:111111111111");
        Error err;
        bool deployed = true;
        check_failure(parse_device_user(c.in, id, err, &deployed), err, c.want);
        CHECK(id == mac_id("MAC:111111111111"));  // untouched on failure
        CHECK(deployed);                          // untouched on failure
    }
}

TEST_CASE("ua_profile device id: append_device_user writes the draft's escaped form") {
    std::string out = "sip:";
    append_device_user(out, mac_id("MAC:00DF1E004CD0"));
    CHECK(out == "sip:MAC%3a00DF1E004CD0");
    out.clear();
    append_device_user(out, uuid_id(kDraftUuid));
    CHECK(out == "urn%3auuid%3af81d4fae-7ced-11d0-a765-00a0c91e6bf6");
    // A non-canonical identifier still yields a valid (escaped) user part.
    out.clear();
    append_device_user(out, mac_id("MAC:00 DF@"));
    CHECK(out == "MAC%3a00%20DF%40");
}

TEST_CASE("ua_profile device id: device and local-network URIs, draft and RFC 6080 forms") {
    std::string uri;
    Error err;
    // draft 7.13.1 examples.
    REQUIRE(build_device_uri(mac_id("MAC:00DF1E004CD0"), "sipuaconfig.example.com", uri, err) ==
            Status::ok);
    CHECK(uri == "sip:MAC%3a00DF1E004CD0@sipuaconfig.example.com");
    REQUIRE(build_device_uri(uuid_id(kDraftUuid), "example.com", uri, err) == Status::ok);
    CHECK(uri == "sip:urn%3auuid%3af81d4fae-7ced-11d0-a765-00a0c91e6bf6@example.com");
    // RFC 6080: a MAC is written as its UUID.
    REQUIRE(build_device_uri(mac_id("MAC:00DF1E004CD0"), "example.com", uri, err, Form::rfc6080) ==
            Status::ok);
    CHECK(uri == "sip:urn%3auuid%3a00000000-0000-1000-8000-00df1e004cd0@example.com");
    // hostport forms.
    REQUIRE(build_device_uri(mac_id("MAC:00DF1E004CD0"), "192.0.2.1:5070", uri, err) == Status::ok);
    CHECK(uri == "sip:MAC%3a00DF1E004CD0@192.0.2.1:5070");
    REQUIRE(build_device_uri(mac_id("MAC:00DF1E004CD0"), "[2001:db8::1]", uri, err) == Status::ok);
    CHECK(uri == "sip:MAC%3a00DF1E004CD0@[2001:db8::1]");

    // draft 7.13.3 and 8.1.1 examples.
    REQUIRE(build_local_network_uri(mac_id("MAC:00DF1E004CD0"), "example.com", Form::draft08, uri,
                                    err) == Status::ok);
    CHECK(uri == "sip:MAC%3a00DF1E004CD0@example.com");
    REQUIRE(build_local_network_uri(mac_id("MAC:00DF1E004CD0"), "airport.example.net",
                                    Form::draft08, uri, err) == Status::ok);
    CHECK(uri == "sip:MAC%3a00DF1E004CD0@airport.example.net");
    REQUIRE(build_local_network_uri(mac_id("MAC:00DF1E004CD0"), "airport.example.net",
                                    Form::rfc6080, uri, err) == Status::ok);
    // RFC 6080: the local network's configuration service under "_sipuaconfig.".
    CHECK(uri ==
          "sip:urn%3auuid%3a00000000-0000-1000-8000-00df1e004cd0@_sipuaconfig.airport.example.net");
    // The device URI keeps the host it is given.
    REQUIRE(build_device_uri(mac_id("MAC:00DF1E004CD0"), "airport.example.net", uri, err,
                             Form::rfc6080) == Status::ok);
    CHECK(uri == "sip:urn%3auuid%3a00000000-0000-1000-8000-00df1e004cd0@airport.example.net");
}

TEST_CASE("ua_profile device id: URI building rejects bad hosts and non-canonical IDs") {
    struct Case {
        std::string_view host;
        size_t offset;
    };
    const Case cases[] = {
        {"", 0},
        {"example.com;transport=tcp", 0},
        {"example.com?x=y", 0},
        {"a@b", 1},
        {"exa mple.com", 3},
        {"example.com:99999", 12},
        {"[2001:db8", 0},
    };
    for (const Case& c : cases) {
        CAPTURE(c.host);
        std::string uri = "unchanged";
        Error err;
        check_failure(build_device_uri(mac_id("MAC:00DF1E004CD0"), c.host, uri, err), err,
                      {Status::invalid_argument, c.offset, "host is not a valid hostport"});
        CHECK(uri == "unchanged");
    }
    std::string uri = "unchanged";
    Error err;
    check_failure(build_device_uri(mac_id("MAC:00DF1E004CD"), "example.com", uri, err), err,
                  {Status::invalid_argument, 0, "device ID is not in canonical form"});
    check_failure(build_local_network_uri(DeviceId{DeviceIdKind::uuid, "MAC:00DF1E004CD0"},
                                          "example.com", Form::draft08, uri, err),
                  err, {Status::invalid_argument, 0, "device ID is not in canonical form"});
    CHECK(uri == "unchanged");
}

TEST_CASE("ua_profile device id: full Request-URIs through the SIP URI parser") {
    struct Case {
        std::string_view uri;
        DeviceId want;
        bool deployed;
        std::string_view host;
    };
    const Case cases[] = {
        {"sip:MAC%3a00DF1E004CD0@sipuaconfig.example.com", mac_id("MAC:00DF1E004CD0"), false,
         "sipuaconfig.example.com"},
        {"sip:urn%3auuid%3af81d4fae-7ced-11d0-a765-00a0c91e6bf6@example.com", uuid_id(kDraftUuid),
         false, "example.com"},
        {"SIPS:MAC%3A00DF1E004CD0@[2001:db8::1]:5061;transport=tls", mac_id("MAC:00DF1E004CD0"),
         false, "[2001:db8::1]"},
        // Deployed: the colon unescaped (user "MAC", password the digits), '=', lower case.
        {"sip:MAC:00DF1E004CD0@192.0.2.7", mac_id("MAC:00DF1E004CD0"), true, "192.0.2.7"},
        {"sip:MAC=00df1e004cd0@pds.example.net:5060", mac_id("MAC:00DF1E004CD0"), true,
         "pds.example.net"},
        {"sip:urn:uuid:f81d4fae-7ced-11d0-a765-00a0c91e6bf6@example.com", uuid_id(kDraftUuid), true,
         "example.com"},
        {"sips:urn:uuid:F81D4FAE-7CED-11D0-A765-00A0C91E6BF6@example.com;lr", uuid_id(kDraftUuid),
         true, "example.com"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.uri);
        DeviceId id;
        Error err;
        bool deployed = !c.deployed;
        std::string_view host;
        REQUIRE(parse_device_request_uri(c.uri, id, err, &deployed, &host) == Status::ok);
        CHECK(id == c.want);
        CHECK(deployed == c.deployed);
        CHECK(host == c.host);
        CHECK(host.data() >= c.uri.data());
        CHECK(host.data() + host.size() <= c.uri.data() + c.uri.size());
    }
}

TEST_CASE("ua_profile device id: Request-URI rejections keep offsets into the input") {
    struct Case {
        std::string_view uri;
        Failure want;
    };
    const Case cases[] = {
        {"http://example.com", {Status::bad_uri, 0, "scheme is not sip: or sips:"}},
        {"sip:example.com", {Status::syntax, 4, "Request-URI has no user part (device ID)"}},
        {"sip:alice@example.com",
         {Status::syntax, 4, "device ID must be MAC:<12 hex> or urn:uuid:<UUID>"}},
        {"sip:alice:secret@example.com",
         {Status::syntax, 4, "device ID must be MAC:<12 hex> or urn:uuid:<UUID>"}},
        {"sip:MAC%3a00DF1E004CDX@example.com",
         {Status::syntax, 21, "hex digit expected after MAC: (no separators)"}},
        {"sip:MAC:00DF1E004CD@example.com",
         {Status::syntax, 19, "fewer than 12 hex digits after MAC:"}},
        // Offsets behind the rewritten colons of urn:uuid: point into the input as given.
        {"sip:urn:uuid:f81d4fae-7ced-11d0-a765-00a0c91e6bfX@example.com",
         {Status::syntax, 48, "hex digit expected in UUID"}},
        {"sip:urn:uuid:f81d4fae-7ced-11d0-a765-00a0c91e6bf6@exa mple.com",
         {Status::bad_uri, 53, ""}},
    };
    for (const Case& c : cases) {
        CAPTURE(c.uri);
        DeviceId id = mac_id("MAC:111111111111");
        Error err;
        Status st = parse_device_request_uri(c.uri, id, err);
        CHECK(st == c.want.status);
        CHECK(err.offset == c.want.offset);
        if (!c.want.reason.empty()) CHECK(std::string_view(err.reason) == c.want.reason);
        CHECK(id == mac_id("MAC:111111111111"));
    }
}

TEST_CASE("ua_profile device id: round trips through user part and URI") {
    const std::string_view texts[] = {"MAC:00DF1E004CD0", "ab:cd:ef:01:23:45", kDraftUuid,
                                      "urn:uuid:00000000-0000-1000-8000-00df1e004cd0"};
    for (std::string_view text : texts) {
        CAPTURE(text);
        DeviceId id;
        Error err;
        REQUIRE(parse_device_id(text, id, err) == Status::ok);

        std::string user;
        append_device_user(user, id);
        CHECK(user_ok(user, false) == id);

        for (Form form : {Form::draft08, Form::rfc6080}) {
            std::string uri;
            REQUIRE(build_device_uri(id, "pds.example.com", uri, err, form) == Status::ok);
            DeviceId back;
            bool deployed = true;
            std::string_view host;
            REQUIRE(parse_device_request_uri(uri, back, err, &deployed, &host) == Status::ok);
            DeviceId expected;
            REQUIRE(device_id_for(id, form, expected, err) == Status::ok);
            CHECK(back == expected);
            CHECK_FALSE(deployed);
            CHECK(host == "pds.example.com");
        }
    }
}
