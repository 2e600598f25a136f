#include "pushcore/ua_profile/discovery.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

using namespace pushcore;
using namespace pushcore::ua_profile;

namespace {

using D = Discovery;
using T = D::Event::Type;
using S = D::State;

constexpr const char* kMac = "MAC:00DF1E004CD0";
constexpr const char* kUuid = "urn:uuid:f81d4fae-7ced-11d0-a765-00a0c91e6bf6";
// The version-1 UUID whose node is kMac (device_id.hpp mac_to_uuid).
constexpr const char* kMacUuidUser = "urn%3auuid%3a00000000-0000-1000-8000-00df1e004cd0";

DiscoveryConfig mac_config() {
    DiscoveryConfig c;
    c.device = DeviceId{DeviceIdKind::mac, kMac};
    return c;
}

// A config with every source filled in: two option 120 servers, option 15 and an AOR.
DiscoveryConfig full_config() {
    DiscoveryConfig c = mac_config();
    c.dhcp_sip_servers = {"proxy1.example.com", "192.0.2.5:5070"};
    c.dhcp_domain = "boston.example.com";
    return c;
}

D make(DiscoveryConfig c) {
    std::optional<D> d;
    Error err;
    REQUIRE(D::create(std::move(c), d, err) == Status::ok);
    return std::move(*d);
}

std::vector<D::Event> drain(D& d) {
    std::vector<D::Event> out;
    D::Event ev;
    while (d.next_event(ev)) out.push_back(ev);
    return out;
}

// Drains the events and requires exactly one, a subscribe to `uri`; returns it.
D::Event expect_subscribe(D& d, const std::string& uri) {
    std::vector<D::Event> evs = drain(d);
    REQUIRE(evs.size() == 1);
    CHECK(evs[0].type == T::subscribe);
    CHECK(evs[0].attempt.uri == uri);
    REQUIRE(d.current().has_value());
    CHECK(d.current()->uri == uri);
    return evs[0];
}

std::vector<T> types(const std::vector<D::Event>& evs) {
    std::vector<T> out;
    for (const D::Event& e : evs) out.push_back(e.type);
    return out;
}

}  // namespace

TEST_CASE("ua_profile discovery: full candidate order, local-network first, each failure kind") {
    D d = make(full_config());
    CHECK(d.state() == S::idle);
    CHECK_FALSE(d.current().has_value());
    REQUIRE(d.start() == Status::ok);

    // 8.1.1: the local-network profile first, at the local domain.
    D::Event ev = expect_subscribe(d, "sip:MAC%3a00DF1E004CD0@boston.example.com");
    CHECK(ev.attempt.profile == D::Profile::local_network);
    CHECK(ev.attempt.source == D::Source::local_domain);
    CHECK(d.state() == S::local_network);
    CHECK(d.remaining_device_candidates() == 4);

    // Its failure does not stop discovery: the device profile is next.
    REQUIRE(d.report(D::Outcome::failed(404)) == Status::ok);
    std::vector<D::Event> evs = drain(d);
    REQUIRE(evs.size() == 2);
    CHECK(evs[0].type == T::profile_unavailable);
    CHECK(evs[0].code == 404);
    CHECK(evs[0].attempt.profile == D::Profile::local_network);
    CHECK(evs[1].type == T::subscribe);
    CHECK(evs[1].attempt.uri == "sip:MAC%3a00DF1E004CD0@proxy1.example.com");
    CHECK(evs[1].attempt.profile == D::Profile::device);
    CHECK(evs[1].attempt.source == D::Source::dhcp_sip_server);
    CHECK(d.state() == S::device);

    // 8.1.2 item 1: no response -> the next option 120 server.
    REQUIRE(d.report(D::Outcome::no_response()) == Status::ok);
    evs = drain(d);
    REQUIRE(evs.size() == 2);
    CHECK(evs[0].type == T::profile_unavailable);
    CHECK(evs[0].code == 0);
    CHECK(evs[1].attempt.uri == "sip:MAC%3a00DF1E004CD0@192.0.2.5:5070");
    CHECK(evs[1].attempt.source == D::Source::dhcp_sip_server);

    // A failure other than for authorization -> item 2, the local domain.
    REQUIRE(d.report(D::Outcome::failed(503)) == Status::ok);
    evs = drain(d);
    REQUIRE(evs.size() == 2);
    CHECK(evs[1].attempt.uri == "sip:MAC%3a00DF1E004CD0@boston.example.com");
    CHECK(evs[1].attempt.source == D::Source::local_domain);
    CHECK(evs[1].attempt.profile == D::Profile::device);

    // A redirect is a failure too -> item 3, sipuaconfig. + domain.
    REQUIRE(d.report(D::Outcome::failed(302)) == Status::ok);
    evs = drain(d);
    REQUIRE(evs.size() == 2);
    CHECK(evs[1].attempt.uri == "sip:MAC%3a00DF1E004CD0@sipuaconfig.boston.example.com");
    CHECK(evs[1].attempt.source == D::Source::sipuaconfig);
    CHECK(d.remaining_device_candidates() == 0);

    // Accepted with a profile: cached, then the user phase needs an AOR.
    REQUIRE(d.report(D::Outcome::with_profile()) == Status::ok);
    evs = drain(d);
    REQUIRE(evs.size() == 2);
    CHECK(evs[0].type == T::persist_device_uri);
    CHECK(evs[0].text == "sip:MAC%3a00DF1E004CD0@sipuaconfig.boston.example.com");
    CHECK(evs[1].type == T::user_aor_required);
    CHECK(d.state() == S::awaiting_user_aor);
    CHECK_FALSE(d.current().has_value());

    // 8.1.3: the default user's AOR from the device profile.
    REQUIRE(d.user_aor("sip:alice@example.com") == Status::ok);
    ev = expect_subscribe(d, "sip:alice@example.com");
    CHECK(ev.attempt.profile == D::Profile::user);
    CHECK(ev.attempt.source == D::Source::user_aor);
    CHECK(d.state() == S::user);

    REQUIRE(d.report(D::Outcome::with_profile()) == Status::ok);
    ev = expect_subscribe(d, "sip:alice@example.com");
    CHECK(ev.attempt.profile == D::Profile::application);
    CHECK(d.state() == S::application);

    REQUIRE(d.report(D::Outcome::without_profile()) == Status::ok);
    CHECK(types(drain(d)) == std::vector<T>{T::complete});
    CHECK(d.state() == S::done);
    CHECK_FALSE(d.current().has_value());
    CHECK(d.report(D::Outcome::with_profile()) == Status::invalid_state);
}

TEST_CASE("ua_profile discovery: 401 and 407 do not advance, at every phase") {
    DiscoveryConfig c = full_config();
    c.user_aor = "sip:bob@example.com";
    D d = make(c);
    REQUIRE(d.start() == Status::ok);
    drain(d);

    auto challenged = [&](uint16_t code, S state, const std::string& uri) {
        REQUIRE(d.report(D::Outcome::failed(code)) == Status::ok);
        std::vector<D::Event> evs = drain(d);
        REQUIRE(evs.size() == 1);
        CHECK(evs[0].type == T::authorization_required);
        CHECK(evs[0].code == code);
        CHECK(evs[0].attempt.uri == uri);
        CHECK(d.state() == state);
        REQUIRE(d.current().has_value());
        CHECK(d.current()->uri == uri);
    };
    challenged(401, S::local_network, "sip:MAC%3a00DF1E004CD0@boston.example.com");
    challenged(407, S::local_network, "sip:MAC%3a00DF1E004CD0@boston.example.com");
    REQUIRE(d.report(D::Outcome::without_profile()) == Status::ok);  // local-network done
    drain(d);
    challenged(401, S::device, "sip:MAC%3a00DF1E004CD0@proxy1.example.com");
    challenged(407, S::device, "sip:MAC%3a00DF1E004CD0@proxy1.example.com");
    CHECK(d.remaining_device_candidates() == 3);
    // 403 is not "for authorization": it advances.
    REQUIRE(d.report(D::Outcome::failed(403)) == Status::ok);
    std::vector<D::Event> evs = drain(d);
    REQUIRE(evs.size() == 2);
    CHECK(evs[1].attempt.uri == "sip:MAC%3a00DF1E004CD0@192.0.2.5:5070");

    REQUIRE(d.report(D::Outcome::with_profile()) == Status::ok);
    evs = drain(d);
    REQUIRE(evs.size() == 2);  // persist, then the provisioned AOR straight away
    CHECK(evs[0].type == T::persist_device_uri);
    CHECK(evs[1].attempt.uri == "sip:bob@example.com");
    challenged(401, S::user, "sip:bob@example.com");
    REQUIRE(d.report(D::Outcome::failed(480)) == Status::ok);
    evs = drain(d);
    REQUIRE(evs.size() == 2);
    CHECK(evs[0].type == T::profile_unavailable);
    CHECK(evs[0].code == 480);
    CHECK(evs[0].attempt.profile == D::Profile::user);
    CHECK(evs[1].attempt.profile == D::Profile::application);
    challenged(407, S::application, "sip:bob@example.com");
    REQUIRE(d.report(D::Outcome::no_response()) == Status::ok);
    CHECK(types(drain(d)) == std::vector<T>{T::profile_unavailable, T::complete});
}

TEST_CASE("ua_profile discovery: exhaustion asks for manual entry, manual_host resumes") {
    D d = make(full_config());
    REQUIRE(d.start() == Status::ok);
    drain(d);
    REQUIRE(d.report(D::Outcome::no_response()) == Status::ok);  // local-network
    for (int i = 0; i < 4; ++i) {
        drain(d);
        REQUIRE(d.report(D::Outcome::failed(404)) == Status::ok);
    }
    std::vector<D::Event> evs = drain(d);
    REQUIRE(evs.size() == 2);
    CHECK(evs[0].type == T::profile_unavailable);
    CHECK(evs[1].type == T::manual_entry_required);
    CHECK(d.state() == S::manual_entry);
    CHECK_FALSE(d.current().has_value());
    // Nothing to report on while waiting for the user.
    CHECK(d.report(D::Outcome::no_response()) == Status::invalid_state);
    CHECK(d.user_aor("sip:carol@example.com") == Status::ok);  // default user kept for later

    // Not a hostport: rejected with an event, still waiting.
    CHECK(d.manual_host("bad host!") == Status::invalid_argument);
    evs = drain(d);
    REQUIRE(evs.size() == 1);
    CHECK(evs[0].type == T::candidate_rejected);
    CHECK(evs[0].text == "bad host!");
    CHECK(d.state() == S::manual_entry);

    REQUIRE(d.manual_host("config.example.org:5080") == Status::ok);
    D::Event ev = expect_subscribe(d, "sip:MAC%3a00DF1E004CD0@config.example.org:5080");
    CHECK(ev.attempt.source == D::Source::manual);
    CHECK(d.state() == S::device);

    // The manual host fails too: manual entry again (8.1.2 item 4 has nothing after it).
    REQUIRE(d.report(D::Outcome::failed(500)) == Status::ok);
    CHECK(types(drain(d)) == std::vector<T>{T::profile_unavailable, T::manual_entry_required});
    REQUIRE(d.manual_host("config2.example.org") == Status::ok);
    drain(d);
    REQUIRE(d.report(D::Outcome::with_profile()) == Status::ok);
    evs = drain(d);
    REQUIRE(evs.size() == 2);
    CHECK(evs[0].type == T::persist_device_uri);
    CHECK(evs[0].text == "sip:MAC%3a00DF1E004CD0@config2.example.org");
    CHECK(evs[1].attempt.uri == "sip:carol@example.com");  // the AOR given earlier
}

TEST_CASE("ua_profile discovery: no candidate at all goes straight to manual entry") {
    D d = make(mac_config());
    REQUIRE(d.start() == Status::ok);
    CHECK(types(drain(d)) == std::vector<T>{T::manual_entry_required});
    CHECK(d.state() == S::manual_entry);
    CHECK(d.manual_host("") == Status::invalid_argument);
}

TEST_CASE("ua_profile discovery: manual_host may replace a discovered host, the rest stay queued") {
    D d = make(full_config());
    REQUIRE(d.start() == Status::ok);
    CHECK(d.manual_host("override.example.net") == Status::invalid_state);  // local-network
    REQUIRE(d.report(D::Outcome::with_profile()) == Status::ok);
    drain(d);
    CHECK(d.state() == S::device);
    REQUIRE(d.manual_host("override.example.net") == Status::ok);
    expect_subscribe(d, "sip:MAC%3a00DF1E004CD0@override.example.net");
    // The first option 120 server was replaced; the second is next.
    REQUIRE(d.report(D::Outcome::no_response()) == Status::ok);
    std::vector<D::Event> evs = drain(d);
    REQUIRE(evs.size() == 2);
    CHECK(evs[1].attempt.uri == "sip:MAC%3a00DF1E004CD0@192.0.2.5:5070");
}

TEST_CASE("ua_profile discovery: the device URI is cached only after a NOTIFY with a profile") {
    D d = make(full_config());
    REQUIRE(d.start() == Status::ok);
    drain(d);
    // The local-network profile arrives: never cached (8.1.1).
    REQUIRE(d.report(D::Outcome::with_profile()) == Status::ok);
    std::vector<D::Event> evs = drain(d);
    REQUIRE(evs.size() == 1);
    CHECK(evs[0].type == T::subscribe);
    CHECK(evs[0].attempt.profile == D::Profile::device);

    // Accepted without a profile (7.6: an unknown device): not cached, stays enrolled.
    REQUIRE(d.report(D::Outcome::without_profile()) == Status::ok);
    CHECK(drain(d).empty());
    CHECK(d.state() == S::device_enrolled);
    REQUIRE(d.current().has_value());
    CHECK(d.current()->uri == "sip:MAC%3a00DF1E004CD0@proxy1.example.com");
    // Another NOTIFY without one changes nothing.
    REQUIRE(d.report(D::Outcome::without_profile()) == Status::ok);
    CHECK(drain(d).empty());
    CHECK(d.state() == S::device_enrolled);

    // The host gives up waiting (the visited-LAN example of 8.1.2): next candidate.
    REQUIRE(d.report(D::Outcome::no_response()) == Status::ok);
    evs = drain(d);
    REQUIRE(evs.size() == 2);
    CHECK(evs[0].type == T::profile_unavailable);
    CHECK(evs[1].attempt.uri == "sip:MAC%3a00DF1E004CD0@192.0.2.5:5070");
    CHECK(d.state() == S::device);

    // Enrolled first, the profile comes in a later NOTIFY: cached then.
    REQUIRE(d.report(D::Outcome::without_profile()) == Status::ok);
    CHECK(drain(d).empty());
    REQUIRE(d.report(D::Outcome::with_profile()) == Status::ok);
    evs = drain(d);
    REQUIRE(evs.size() == 2);
    CHECK(evs[0].type == T::persist_device_uri);
    CHECK(evs[0].text == "sip:MAC%3a00DF1E004CD0@192.0.2.5:5070");
    CHECK(evs[1].type == T::user_aor_required);
}

TEST_CASE("ua_profile discovery: the local-network URI is never cached, whatever happens") {
    // The local domain is also a device candidate; only its device attempt may be cached.
    DiscoveryConfig c = mac_config();
    c.configured_domain = "airport.example.net";
    D d = make(c);
    REQUIRE(d.start() == Status::ok);
    D::Event ev = expect_subscribe(d, "sip:MAC%3a00DF1E004CD0@airport.example.net");
    CHECK(ev.attempt.profile == D::Profile::local_network);
    REQUIRE(d.report(D::Outcome::failed(401)) == Status::ok);
    REQUIRE(d.report(D::Outcome::with_profile()) == Status::ok);
    std::vector<D::Event> evs = drain(d);
    for (const D::Event& e : evs) CHECK(e.type != T::persist_device_uri);
    REQUIRE(evs.size() == 2);
    CHECK(evs[0].type == T::authorization_required);
    CHECK(evs[1].attempt.profile == D::Profile::device);
    CHECK(evs[1].attempt.uri == "sip:MAC%3a00DF1E004CD0@airport.example.net");

    // The same URI as a device profile, with a profile: now it is cached.
    REQUIRE(d.report(D::Outcome::with_profile()) == Status::ok);
    evs = drain(d);
    REQUIRE_FALSE(evs.empty());
    CHECK(evs[0].type == T::persist_device_uri);
    CHECK(evs[0].text == "sip:MAC%3a00DF1E004CD0@airport.example.net");
}

TEST_CASE("ua_profile discovery: a cached device URI is tried first, and not persisted again") {
    DiscoveryConfig c = full_config();
    c.cached_device_uri = "sip:MAC%3a00DF1E004CD0@home.example.com";
    D d = make(c);
    REQUIRE(d.start() == Status::ok);
    drain(d);
    CHECK(d.remaining_device_candidates() == 5);
    REQUIRE(d.report(D::Outcome::no_response()) == Status::ok);  // local-network
    std::vector<D::Event> evs = drain(d);
    REQUIRE(evs.size() == 2);
    CHECK(evs[1].attempt.uri == "sip:MAC%3a00DF1E004CD0@home.example.com");
    CHECK(evs[1].attempt.source == D::Source::cached);
    REQUIRE(d.report(D::Outcome::with_profile()) == Status::ok);
    CHECK(types(drain(d)) == std::vector<T>{T::user_aor_required});  // no persist: stored

    // When the cached one fails, discovery runs and a new URI is persisted.
    D d2 = make(c);
    REQUIRE(d2.start() == Status::ok);
    REQUIRE(d2.report(D::Outcome::no_response()) == Status::ok);
    REQUIRE(d2.report(D::Outcome::failed(404)) == Status::ok);
    drain(d2);
    REQUIRE(d2.current().has_value());
    CHECK(d2.current()->uri == "sip:MAC%3a00DF1E004CD0@proxy1.example.com");
    REQUIRE(d2.report(D::Outcome::with_profile()) == Status::ok);
    evs = drain(d2);
    REQUIRE_FALSE(evs.empty());
    CHECK(evs[0].type == T::persist_device_uri);
    CHECK(evs[0].text == "sip:MAC%3a00DF1E004CD0@proxy1.example.com");
}

TEST_CASE("ua_profile discovery: a cached URI that is also discovered is tried once") {
    DiscoveryConfig c = full_config();
    c.cached_device_uri = "sip:MAC%3a00DF1E004CD0@boston.example.com";
    c.dhcp_sip_servers = {"boston.example.com"};  // the same again
    D d = make(c);
    REQUIRE(d.start() == Status::ok);
    CHECK(d.remaining_device_candidates() == 2);  // cached, sipuaconfig
}

TEST_CASE("ua_profile discovery: a broken cached URI is rejected and discovery runs") {
    DiscoveryConfig c = full_config();
    c.cached_device_uri = "not a uri";
    c.dhcp_domain.clear();
    D d = make(c);
    REQUIRE(d.start() == Status::ok);
    std::vector<D::Event> evs = drain(d);
    REQUIRE(evs.size() == 2);
    CHECK(evs[0].type == T::candidate_rejected);
    CHECK(evs[0].text == "not a uri");
    CHECK(evs[1].attempt.uri == "sip:MAC%3a00DF1E004CD0@proxy1.example.com");
}

TEST_CASE("ua_profile discovery: both forms write the device user part their way") {
    SUBCASE("draft08, MAC") {
        DiscoveryConfig c = full_config();
        D d = make(c);
        REQUIRE(d.start() == Status::ok);
        expect_subscribe(d, "sip:MAC%3a00DF1E004CD0@boston.example.com");
    }
    SUBCASE("rfc6080, MAC mapped to its UUID; no application profile") {
        DiscoveryConfig c = full_config();
        c.form = Form::rfc6080;
        c.user_aor = "sip:alice@example.com";
        D d = make(c);
        REQUIRE(d.start() == Status::ok);
        // The local-network profile at "_sipuaconfig." + the domain (RFC 6080).
        expect_subscribe(d,
                         std::string("sip:") + kMacUuidUser + "@_sipuaconfig.boston.example.com");
        REQUIRE(d.report(D::Outcome::no_response()) == Status::ok);
        std::vector<D::Event> evs = drain(d);
        REQUIRE(evs.size() == 2);
        CHECK(evs[1].attempt.uri == std::string("sip:") + kMacUuidUser + "@proxy1.example.com");
        REQUIRE(d.report(D::Outcome::with_profile()) == Status::ok);
        evs = drain(d);
        REQUIRE(evs.size() == 2);
        CHECK(evs[0].text == std::string("sip:") + kMacUuidUser + "@proxy1.example.com");
        CHECK(evs[1].attempt.profile == D::Profile::user);
        REQUIRE(d.report(D::Outcome::with_profile()) == Status::ok);
        CHECK(types(drain(d)) == std::vector<T>{T::complete});  // RFC 6080: no application
    }
    SUBCASE("draft08, UUID") {
        DiscoveryConfig c = full_config();
        c.device = DeviceId{DeviceIdKind::uuid, kUuid};
        D d = make(c);
        REQUIRE(d.start() == Status::ok);
        expect_subscribe(
            d, "sip:urn%3auuid%3af81d4fae-7ced-11d0-a765-00a0c91e6bf6@boston.example.com");
    }
    SUBCASE("draft08 without the application profile") {
        DiscoveryConfig c = full_config();
        c.application_profile = false;
        c.user_aor = "sip:alice@example.com";
        c.dhcp_sip_servers.clear();
        D d = make(c);
        REQUIRE(d.start() == Status::ok);
        REQUIRE(d.report(D::Outcome::no_response()) == Status::ok);
        REQUIRE(d.report(D::Outcome::with_profile()) == Status::ok);
        REQUIRE(d.report(D::Outcome::with_profile()) == Status::ok);
        CHECK(d.state() == S::done);
    }
}

TEST_CASE("ua_profile discovery: missing inputs are skipped") {
    SUBCASE("no option 120: the device profile starts at the domain") {
        DiscoveryConfig c = full_config();
        c.dhcp_sip_servers.clear();
        D d = make(c);
        REQUIRE(d.start() == Status::ok);
        drain(d);
        CHECK(d.remaining_device_candidates() == 2);
        REQUIRE(d.report(D::Outcome::no_response()) == Status::ok);
        std::vector<D::Event> evs = drain(d);
        REQUIRE(evs.size() == 2);
        CHECK(evs[1].attempt.uri == "sip:MAC%3a00DF1E004CD0@boston.example.com");
        CHECK(evs[1].attempt.source == D::Source::local_domain);
        CHECK(evs[1].attempt.profile == D::Profile::device);
    }
    SUBCASE("no domain: no local-network profile, only option 120, then manual") {
        DiscoveryConfig c = full_config();
        c.dhcp_domain.clear();
        D d = make(c);
        REQUIRE(d.start() == Status::ok);
        D::Event ev = expect_subscribe(d, "sip:MAC%3a00DF1E004CD0@proxy1.example.com");
        CHECK(ev.attempt.profile == D::Profile::device);
        CHECK(d.state() == S::device);
        REQUIRE(d.report(D::Outcome::failed(404)) == Status::ok);
        REQUIRE(d.report(D::Outcome::failed(404)) == Status::ok);
        std::vector<D::Event> evs = drain(d);
        REQUIRE_FALSE(evs.empty());
        CHECK(evs.back().type == T::manual_entry_required);
    }
    SUBCASE("a configured domain wins over option 15") {
        DiscoveryConfig c = full_config();
        c.configured_domain = "static.example.org";
        c.dhcp_sip_servers.clear();
        D d = make(c);
        REQUIRE(d.start() == Status::ok);
        expect_subscribe(d, "sip:MAC%3a00DF1E004CD0@static.example.org");
        REQUIRE(d.report(D::Outcome::no_response()) == Status::ok);
        REQUIRE(d.report(D::Outcome::no_response()) == Status::ok);
        std::vector<D::Event> evs = drain(d);
        REQUIRE(evs.size() == 4);
        CHECK(evs[3].attempt.uri == "sip:MAC%3a00DF1E004CD0@sipuaconfig.static.example.org");
    }
    SUBCASE("an unusable option 120 entry is reported and skipped") {
        DiscoveryConfig c = full_config();
        c.dhcp_sip_servers = {"bad host", "proxy2.example.com"};
        c.dhcp_domain.clear();
        D d = make(c);
        REQUIRE(d.start() == Status::ok);
        std::vector<D::Event> evs = drain(d);
        REQUIRE(evs.size() == 2);
        CHECK(evs[0].type == T::candidate_rejected);
        CHECK(evs[0].text == "bad host");
        CHECK(std::string(evs[0].reason) == "DHCP option 120: not a hostport");
        CHECK(evs[1].attempt.uri == "sip:MAC%3a00DF1E004CD0@proxy2.example.com");
    }
    SUBCASE("an IPv4 domain has no sipuaconfig. name") {
        DiscoveryConfig c = mac_config();
        c.dhcp_domain = "10.0.0.1";
        D d = make(c);
        REQUIRE(d.start() == Status::ok);
        std::vector<D::Event> evs = drain(d);
        REQUIRE(evs.size() == 2);
        CHECK(evs[0].type == T::candidate_rejected);
        CHECK(evs[0].text == "sipuaconfig.10.0.0.1");
        CHECK(evs[1].attempt.profile == D::Profile::local_network);
        CHECK(d.remaining_device_candidates() == 1);
    }
}

TEST_CASE("ua_profile discovery: AOR precedence and updates (8.1.3)") {
    SUBCASE("a provisioned AOR wins over the default user") {
        DiscoveryConfig c = full_config();
        c.user_aor = "sip:provisioned@example.com";
        D d = make(c);
        REQUIRE(d.start() == Status::ok);
        REQUIRE(d.report(D::Outcome::no_response()) == Status::ok);
        REQUIRE(d.user_aor("sip:default@example.com") == Status::ok);
        REQUIRE(d.report(D::Outcome::with_profile()) == Status::ok);
        std::vector<D::Event> evs = drain(d);
        REQUIRE_FALSE(evs.empty());
        CHECK(evs.back().attempt.uri == "sip:provisioned@example.com");
    }
    SUBCASE("a new AOR after completion starts the user phase again") {
        DiscoveryConfig c = mac_config();
        c.dhcp_sip_servers = {"proxy.example.com"};
        c.user_aor = "sip:alice@example.com";
        D d = make(c);
        REQUIRE(d.start() == Status::ok);
        REQUIRE(d.report(D::Outcome::with_profile()) == Status::ok);
        REQUIRE(d.report(D::Outcome::with_profile()) == Status::ok);
        REQUIRE(d.report(D::Outcome::with_profile()) == Status::ok);
        CHECK(d.state() == S::done);
        drain(d);
        REQUIRE(d.user_aor("sip:alice@example.com") == Status::ok);  // the same: nothing
        CHECK(drain(d).empty());
        REQUIRE(d.user_aor("sip:bob@example.com") == Status::ok);
        D::Event ev = expect_subscribe(d, "sip:bob@example.com");
        CHECK(ev.attempt.profile == D::Profile::user);
    }
    SUBCASE("not a SIP URI") {
        D d = make(full_config());
        CHECK(d.user_aor("alice") == Status::invalid_argument);
        CHECK(d.user_aor("mailto:alice@example.com") == Status::invalid_argument);
    }
}

TEST_CASE("ua_profile discovery: misuse is refused") {
    std::optional<D> none;
    Error err;
    DiscoveryConfig bad = mac_config();
    bad.device.canonical = "MAC:00df1e004cd0";  // lower case: not canonical
    CHECK(D::create(bad, none, err) == Status::invalid_argument);
    CHECK(err.status == Status::invalid_argument);
    CHECK_FALSE(none.has_value());
    for (const char* aor : {"sip:", "alice@example.com", "mailto:alice@example.com"}) {
        CAPTURE(aor);
        DiscoveryConfig c = mac_config();
        c.user_aor = aor;
        CHECK(D::create(c, none, err) == Status::invalid_argument);
        CHECK(std::string(err.reason) == "user_aor: not a SIP or SIPS URI");
    }

    D d = make(full_config());
    CHECK(d.report(D::Outcome::no_response()) == Status::invalid_state);  // not started
    CHECK(d.manual_host("example.com") == Status::invalid_state);
    REQUIRE(d.start() == Status::ok);
    CHECK(d.start() == Status::invalid_state);
    CHECK(d.report(D::Outcome::failed(200)) == Status::invalid_argument);
    CHECK(d.report(D::Outcome::failed(700)) == Status::invalid_argument);
    CHECK(d.report(D::Outcome::failed(299)) == Status::invalid_argument);
    CHECK(d.state() == S::local_network);  // unchanged by the refusals
    CHECK(d.report(D::Outcome::failed(300)) == Status::ok);
    CHECK(d.state() == S::device);
}
