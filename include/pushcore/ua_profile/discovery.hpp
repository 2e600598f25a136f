// Discovery of the ua-profile SUBSCRIBE Request-URIs
// (draft-ietf-sipping-config-framework-08 section 8.1; RFC 6080 section 6.1.1-6.1.3 beyond it).
//
// The order of 8.1: the local-network profile first (8.1.1), then the device profile
// (8.1.2), then the user profile and (draft only) the application profile (8.1.3).
//
//   local-network  <device id>@<local domain>, never cached (8.1.1)
//   device         candidates in order (8.1.2), each tried until one answers:
//                    0. the cached device URI, when the host gives one
//                    1. each DHCP option 120 SIP server (RFC 3361), host[:port], in order
//                    2. the local domain (configured, else DHCP option 15)
//                    3. "sipuaconfig." + the local domain
//                    4. manual entry: the machine asks the host (8.1.2 item 4: MUST)
//   user           the user's AOR: provisioned, else the default user of the device profile
//   application    the same AOR (draft only; RFC 6080 has no application profile type)
//
// Sans-IO: the machine sends nothing. It yields the Request-URI to subscribe to (the
// `subscribe` event, and current()), and the host reports what that attempt came to with
// report(): no response (timeout) or a failure other than 401/407 moves on to the next
// candidate; 401/407 keeps it (authorization is needed, 8.1.2 item 1); a 2xx whose NOTIFY
// carried profile data or URIs caches a device URI (the `persist_device_uri` event, 8.1.2).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pushcore/core/status.hpp"
#include "pushcore/ua_profile/device_id.hpp"

namespace pushcore::ua_profile {

struct DiscoveryConfig {
    DeviceId device;                // canonical (device_id.hpp); Status::invalid_argument if not
    Form form = Form::draft08;      // how URIs are written; rfc6080 also drops "application"
    std::string cached_device_uri;  // persisted by an earlier persist_device_uri; "" if none
    std::vector<std::string> dhcp_sip_servers;  // DHCP option 120, host[:port], in order
    std::string dhcp_domain;                    // DHCP option 15
    std::string configured_domain;              // provisioned local domain; wins over dhcp_domain
    std::string user_aor;  // provisioned AOR (SIM, flash key); wins over the default user
    // Subscribe to the application profile after the user profile. Only with Form::draft08
    // (RFC 6080 section 4.1 defines device, user and local-network only).
    bool application_profile = true;
};

class Discovery {
  public:
    // Which phase of 8.1 the machine is in. One transition function decides them all.
    enum class State : uint8_t {
        idle,               // before start()
        local_network,      // subscribing to the local-network profile
        device,             // subscribing to a device candidate
        device_enrolled,    // a device candidate accepted, no profile data or URIs yet
        manual_entry,       // candidates exhausted: waiting for manual_host()
        awaiting_user_aor,  // device profile in hand, no AOR known: waiting for user_aor()
        user,               // subscribing to the user profile
        application,        // subscribing to the application profile
        done,
    };

    enum class Profile : uint8_t { local_network, device, user, application };

    // Where the Request-URI of an attempt came from.
    enum class Source : uint8_t {
        local_domain,     // local-network URI, or device candidate 2
        cached,           // the cached device URI
        dhcp_sip_server,  // device candidate 1 (option 120)
        sipuaconfig,      // device candidate 3
        manual,           // device candidate 4
        user_aor,         // user and application profiles
    };

    // What a SUBSCRIBE attempt came to, as the host saw it.
    struct Outcome {
        enum class Kind : uint8_t {
            success_with_profile,     // 2xx and a NOTIFY with profile data or URI(s)
            success_without_profile,  // 2xx and a NOTIFY without them (draft 7.6, 8.1.2)
            timeout,                  // no SIP response
            failure,                  // a final failure response: `code` 300-699
        };
        Kind kind = Kind::timeout;
        uint16_t code = 0;

        static Outcome with_profile() noexcept { return {Kind::success_with_profile, 0}; }
        static Outcome without_profile() noexcept { return {Kind::success_without_profile, 0}; }
        static Outcome no_response() noexcept { return {Kind::timeout, 0}; }
        static Outcome failed(uint16_t code) noexcept { return {Kind::failure, code}; }
    };

    struct Attempt {
        Profile profile = Profile::device;
        Source source = Source::local_domain;
        std::string uri;  // the SUBSCRIBE Request-URI
    };

    struct Event {
        enum class Type : uint8_t {
            subscribe,               // attempt: SUBSCRIBE to attempt.uri for attempt.profile
            authorization_required,  // attempt got `code` 401/407: retry it with credentials
            profile_unavailable,     // attempt ended without a profile (timeout or `code`)
            candidate_rejected,      // a host from config or manual_host() is not a hostport:
                                     // `text` holds it, `reason` why; it is skipped
            persist_device_uri,      // store `text` persistently (8.1.2); give it back as
                                     // cached_device_uri on the next start
            manual_entry_required,   // every device candidate failed: call manual_host()
            user_aor_required,       // no AOR for the user profile: call user_aor()
            complete,                // every profile has been subscribed to or given up on
        };
        Type type = Type::subscribe;
        Attempt attempt;          // subscribe, authorization_required, profile_unavailable
        uint16_t code = 0;        // authorization_required, profile_unavailable (0: timeout)
        std::string text;         // candidate_rejected, persist_device_uri
        const char* reason = "";  // candidate_rejected
    };

    // Status::invalid_argument when config.device is not canonical.
    static Status create(DiscoveryConfig config, std::optional<Discovery>& out, Error& err);

    // Starts with the local-network profile (skipped when no local domain is known) and
    // queues the first `subscribe`. Status::invalid_state when already started.
    Status start();

    // The outcome of the current attempt. Status::invalid_state when no attempt is in
    // progress (before start, in manual_entry, awaiting_user_aor or done);
    // Status::invalid_argument for a failure code outside 300-699. In device_enrolled
    // (the device candidate accepted the SUBSCRIBE but sent no profile yet) a later NOTIFY
    // with a profile is reported as with_profile; without_profile changes nothing; a
    // timeout or failure (the host gave up waiting, or the subscription ended) moves on
    // to the next candidate, as an unanswered SUBSCRIBE would.
    Status report(Outcome outcome);

    // A host:port the user entered (8.1.2 item 4). Accepted in manual_entry, and in device
    // and device_enrolled to replace the discovered host (8.1.2: the user may skip
    // discovery or reject the discovered host). Status::invalid_argument (and a
    // candidate_rejected event) when it is not a hostport; Status::invalid_state elsewhere.
    Status manual_host(std::string_view host);

    // The AOR for the user (and application) profile: the default user from the device
    // profile, or one the user entered (8.1.3). Before the user phase it is the default
    // user, used only when config.user_aor is empty (8.1.3: a provisioned AOR wins); in
    // awaiting_user_aor it starts the user phase; in user, application or done a
    // different AOR is an update (8.1.3: "until explicitly reset or updated by the user or
    // profile") and the user phase starts again with it. Status::invalid_argument when
    // `aor` is not a SIP or SIPS URI.
    Status user_aor(std::string_view aor);

    bool next_event(Event& out);

    State state() const noexcept { return state_; }
    // The attempt in progress; nullopt in idle, manual_entry, awaiting_user_aor, done.
    std::optional<Attempt> current() const;
    // The device candidates still to try after the current one (for diagnostics).
    size_t remaining_device_candidates() const noexcept { return candidates_.size() - next_; }

  private:
    struct Input {
        enum class Kind : uint8_t { start, outcome, manual_host, user_aor };
        Kind kind = Kind::start;
        Outcome outcome;
        std::string_view text;
    };

    explicit Discovery(DiscoveryConfig config) : config_(std::move(config)) {}

    // The one transition function: every public input goes through here.
    Status step(const Input& in);

    std::string_view local_domain() const noexcept;
    void build_device_candidates();
    void add_candidate(Source source, std::string uri);
    void try_next_device_candidate();
    void begin_user_profiles();
    void begin(State state, Profile profile, Source source, std::string uri);
    void push(Event::Type type);

    DiscoveryConfig config_;
    State state_ = State::idle;
    Attempt attempt_;  // meaningful in local_network, device, device_enrolled, user, application
    std::vector<Attempt> candidates_;  // device candidates in 8.1.2 order
    size_t next_ = 0;                  // the next candidate to try
    std::string aor_;                  // the AOR for user/application
    std::deque<Event> events_;
};

}  // namespace pushcore::ua_profile
