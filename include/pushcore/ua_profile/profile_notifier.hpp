// The notifier of the ua-profile event package: a profile delivery server
// (draft-ietf-sipping-config-framework-08 sections 7.4-7.7, 8.2, 10.4; RFC 3265/6665
// notifier rules).
//
// It answers SUBSCRIBE requests for "ua-profile" (489 for other packages, 400 naming the
// parameter for a bad Event header), accepts subscriptions from unknown devices unless
// configured not to (7.6, 8.2), and ALWAYS sends a NOTIFY upon accepting (7.7): content
// indirection (multipart/mixed of message/external-body, with Content-ID, Content-Type and
// hash) when the Accept header lists message/external-body (7.5), a plain URL
// (application/url) when it lists application/url (the plug-and-play variant deployed
// phones use), else the profile inline; a subscriber the host has no profile for gets a
// NOTIFY without body (7.7 allows it). Expires 0 is a one-time fetch: one NOTIFY with
// Subscription-State terminated (7.4). profile_changed() notifies every subscriber of a
// profile, with effective-by when given (7.7). Subscriptions expire with a terminated
// NOTIFY (reason=timeout); refreshes extend them; a 481 (and the other RFC 6665 4.2.2
// codes, or no answer) to a NOTIFY removes the subscription. A subscription whose SUBSCRIBE
// came over UDP (its top Via) has its NOTIFY retransmitted (RFC 3261 17.1.2.2 Timer E: T1 =
// 500 ms, doubling up to T2 = 4 s; every T2 after a provisional response) until a final
// response or Timer F (notify_timeout_ms).
//
// The enrollment lists of 10.4 (devices expected to enroll in a time window, enrolled
// devices) are kept here and queryable by the host.
//
// Sans-IO: no sockets, no clock. The host passes every message with the Peer it came from
// and sends each Output to the Peer it names (a NOTIFY goes where its SUBSCRIBE came from,
// on the same connection when there is one: 7.7 asks for the same TLS connection).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pushcore/core/random.hpp"
#include "pushcore/core/status.hpp"
#include "pushcore/sip/message.hpp"
#include "pushcore/ua_profile/event_header.hpp"

namespace pushcore::ua_profile {

class ProfileNotifier {
  public:
    // Where a message came from or goes to: `flow` is the host's connection handle (0:
    // none), host/port the transport address.
    struct Peer {
        uint64_t flow = 0;
        std::string host;
        uint16_t port = 0;
    };

    // What the host is asked for: the profile of `type` for `identity`.
    struct ProfileQuery {
        ProfileType type = ProfileType::device;
        std::string_view type_token;  // as the subscriber wrote it (the name for `other`)
        // device, local-network: the canonical device identifier (MAC:00DF1E004CD0 or
        // urn:uuid:...); user, application and other types: "user@host" of the
        // Request-URI (user unescaped, host lower-cased).
        std::string_view identity;
        std::string_view vendor, model, version;  // from the subscription's Event header
    };

    // The host's answer. A profile given by reference has `url`; one given inline has
    // `body`; both may be set, and the subscriber's Accept header chooses.
    struct Profile {
        std::string content_type;  // the profile's media type (inline or indirect)
        std::string url;           // http:/https: URL of the profile ("" none)
        std::string content_id;    // "" -> derived from url, hash and size (7.5: MUST)
        std::optional<uint64_t> size;
        std::string hash;        // SHA-1 of the content, 40 hex digits, or ""
        std::string expiration;  // HTTP-date text for the external-body, or ""
        std::string body;        // the profile inline ("" none)
    };

    struct Config {
        Form form = Form::draft08;
        std::string contact = "<sip:profiles@127.0.0.1:5060>";  // Contact of 200 and NOTIFY
        // Via sent-by of NOTIFYs; their transport is the one the SUBSCRIBE came over.
        std::string via_sent_by = "127.0.0.1:5060";
        bool accept_unknown = true;  // 7.6 RECOMMENDS accepting unknown users and devices
        // RFC 6080 dropped profile-type=application; deployed phones still send it.
        bool accept_application = true;
        // The draft's own 7.12 SUBSCRIBE carries a To tag; a server that restarted has
        // lost its dialogs too. When true, an initial SUBSCRIBE with a To tag that names
        // no dialog starts a subscription under that tag instead of 481.
        bool accept_unknown_dialog = true;
        size_t max_subscriptions = 10000;
        size_t max_expected_devices = 100000;
        uint32_t default_expires = 86400;       // 7.4 recommends one day
        uint32_t min_expires = 60;              // shorter (not 0) -> 423 with Min-Expires
        uint32_t max_expires = 7 * 86400;       // longer is shortened
        uint64_t notify_timeout_ms = 64 * 500;  // RFC 3261 Timer F: no answer to a NOTIFY
        Random random = Random::system_default();
        // Synchronous services of the host. `lookup` returns true and fills `out` when it
        // has the profile (a known user or device); it is asked at every NOTIFY.
        std::function<bool(const ProfileQuery& query, Profile& out)> lookup;
        // 7.6: a device SUBSCRIBE with network-user asks to make that AOR the device's
        // default user. The host decides (true: done); unset -> refused. Either way an
        // Event::Type::default_user reports the request and the decision.
        std::function<bool(std::string_view device, std::string_view network_user)>
            network_user_policy;
    };

    // One state per subscription; decide() is the only place that changes it.
    enum class State : uint8_t {
        active,       // no NOTIFY outstanding
        notifying,    // a NOTIFY awaits its final response (RFC 6665 4.2.2: one at a time)
        terminating,  // the terminated NOTIFY is out; removed on its answer
    };

    enum class EndReason : uint8_t {
        unsubscribed,   // Expires 0 (a one-time fetch, or a refresh with Expires 0)
        timeout,        // the subscription expired
        notify_failed,  // the NOTIFY was answered 481 (or 408, 404, ...): `code`
        no_response,    // no answer to a NOTIFY within notify_timeout_ms, or output_failed
        by_host,        // terminate()
    };

    // Why the host ends a subscription: the Subscription-State reason of its last NOTIFY
    // (RFC 6665 4.1.3; "timeout" and "invariant" are the notifier's own).
    enum class Termination : uint8_t {
        deactivated,  // the subscriber should subscribe again at once
        probation,    // ... again later (retry_after)
        rejected,     // no longer allowed: do not subscribe again
        giveup,       // could not authorize in time; may retry (retry_after)
        noresource,   // the profile no longer exists: do not subscribe again
    };

    enum class Refusal : uint8_t { too_early, too_late };

    struct Event {
        enum class Type : uint8_t {
            subscribed,          // new subscription: id, type, identity, expires, known
            refreshed,           // id, expires
            terminated,          // removed: id, end reason, code
            enrolled,            // identity: an expected device subscribed in its window
            enrollment_refused,  // identity, refusal: an expected device outside its window
            default_user,        // identity, network_user, accepted (7.6)
        };
        Type type = Type::subscribed;
        uint64_t subscription = 0;
        ProfileType profile_type = ProfileType::device;
        std::string identity;
        std::string vendor, model, version;
        std::string network_user;
        uint32_t expires = 0;
        bool known = false;     // the host had a profile at the first NOTIFY
        bool accepted = false;  // default_user
        EndReason reason = EndReason::timeout;
        uint16_t code = 0;
        Refusal refusal = Refusal::too_early;
    };

    struct Output {
        Peer to;
        std::string bytes;
    };

    // An entry of the 10.4 list of devices expected to enroll; times are in the now_ms
    // clock the host passes to receive().
    struct ExpectedDevice {
        std::string device;  // canonical identifier
        uint64_t not_before_ms = 0;
        uint64_t not_after_ms = 0;
    };

    static Status create(Config config, std::optional<ProfileNotifier>& out, Error& err);

    // A SUBSCRIBE (or any other request: 405), or a response to one of our NOTIFYs.
    // Requests are answered even when an error is returned (400, 423, 489, 503, ...).
    Status receive(const sip::Message& m, const Peer& from, uint64_t now_ms, Error& err);

    // The profile of `type` for `identity` changed (device identities in any form
    // parse_device_id reads): a NOTIFY to every subscriber of it, with
    // "Event: ua-profile;effective-by=N" when given. Returns how many were notified (or
    // will be, once their outstanding NOTIFY is answered).
    size_t profile_changed(ProfileType type, std::string_view identity,
                           std::optional<uint32_t> effective_by, uint64_t now_ms);

    // Ends a subscription from the host's side (a device taken out of service, a
    // shutdown): the terminated NOTIFY with `why` and, when given, retry-after; the
    // terminated event (EndReason::by_host) follows its answer. Status::not_found for no
    // such subscription, invalid_state when it is already ending.
    Status terminate(uint64_t subscription, Termination why, std::optional<uint32_t> retry_after,
                     uint64_t now_ms);

    bool next_output(Output& out);
    // The host could not send the output next_output() gave last: a NOTIFY that cannot
    // be delivered ends its subscription (EndReason::no_response). Status::not_found when
    // the last output was not a NOTIFY of a live subscription.
    Status output_failed(uint64_t now_ms);
    bool next_event(Event& out);
    // O(1); may lie early (a refreshed subscription's old time): on_timeout() then does
    // nothing.
    uint64_t next_deadline() const noexcept;
    void on_timeout(uint64_t now_ms);

    // 10.4 enrollment lists. add_expected replaces the window of a device already listed;
    // Status::syntax for an identifier parse_device_id rejects, invalid_argument for
    // not_before > not_after, limit_store when max_expected_devices are listed.
    Status add_expected(std::string_view device, uint64_t not_before_ms, uint64_t not_after_ms,
                        Error& err);
    bool remove_expected(std::string_view device);
    bool is_expected(std::string_view device) const;
    bool is_enrolled(std::string_view device) const;
    // Removes an enrolled device (so that it may enroll again once expected).
    bool remove_enrolled(std::string_view device);
    std::vector<ExpectedDevice> expected_devices() const;
    std::vector<std::string> enrolled_devices() const;

    size_t subscription_count() const noexcept { return subs_.size(); }
    std::optional<State> state_of(uint64_t subscription) const;

  private:
    enum class Input : uint8_t {
        notify,       // send the current state (accepted, refreshed, profile changed)
        end,          // terminate: send the terminated NOTIFY
        notify_ok,    // 2xx (or a failure RFC 6665 does not end the subscription on)
        notify_fail,  // the subscription must go
    };

    struct Subscription {
        uint64_t id = 0;
        State state = State::active;
        ProfileType type = ProfileType::device;
        std::string type_token;
        std::string identity;
        std::string vendor, model, version;
        std::string network_user;  // echoed in every NOTIFY (7.2)
        std::string event_id;      // the Event "id" parameter, echoed (RFC 3265 7.2.1)
        bool event_id_quoted = false;
        std::string accept;         // the SUBSCRIBE's Accept values, joined by ','
        bool accept_given = false;  // an Accept header was present
        // Dialog (RFC 3261 12.1.1, notifier side).
        std::string call_id, local_tag, remote_tag;
        std::string local_uri;   // the SUBSCRIBE's To value without tag: our From
        std::string remote_uri;  // the SUBSCRIBE's From value (with its tag): our To
        std::string remote_target;
        std::vector<std::string> route_set;
        uint32_t remote_cseq = 0;
        uint32_t local_cseq = 0;
        std::string last_response;     // for retransmitted SUBSCRIBEs: the answer to the
        std::string last_transaction;  // last one, whose first Via header field this is
        Peer peer;
        uint64_t expires_at = 0;
        // The outstanding NOTIFY and what is due once it is answered.
        std::string notify_branch;
        uint64_t notify_deadline = 0;
        // RFC 3261 17.1.2.2 Timer E, when the subscription's transport is UDP: the NOTIFY
        // as sent, and when it goes again.
        std::string transport = "UDP";  // the SUBSCRIBE's Via transport, upper case
        bool unreliable = false;
        Output notify_copy;
        uint64_t retransmit_at = UINT64_MAX;  // PUSHCORE_NO_DEADLINE: none
        uint64_t retransmit_interval = 0;
        bool pending_notify = false;
        std::optional<uint32_t> pending_effective_by;
        std::optional<EndReason> pending_end;
        EndReason end_reason = EndReason::timeout;
        Termination termination = Termination::deactivated;  // with EndReason::by_host
        std::optional<uint32_t> retry_after;
        bool final_with_body = false;  // a one-time fetch carries the profile
    };

    explicit ProfileNotifier(Config config) : config_(std::move(config)) {}

    Status on_subscribe(const sip::Message& m, const Peer& from, uint64_t now_ms, Error& err);
    Status on_refresh(Subscription& s, const sip::Message& m, const Peer& from, uint32_t cseq,
                      uint64_t now_ms, Error& err);
    Status on_response(const sip::Message& m, uint64_t now_ms, Error& err);
    // The transition function: every state change happens here.
    void decide(Subscription& s, Input input, uint64_t now_ms,
                std::optional<uint32_t> effective_by = std::nullopt,
                EndReason reason = EndReason::timeout, uint16_t code = 0);
    void send_notify(Subscription& s, bool terminated, std::optional<uint32_t> effective_by,
                     uint64_t now_ms);
    // The outstanding NOTIFY's client transaction ended: no more retransmissions.
    static void stop_retransmitting(Subscription& s);
    void remove(uint64_t id, EndReason reason, uint16_t code);
    void respond(const Peer& to, const sip::Message& request, uint16_t code, std::string_view tag,
                 std::string_view reason = {},
                 const std::vector<std::pair<std::string, std::string>>& headers = {},
                 std::string* copy = nullptr);
    void check_enrollment(const std::string& device, uint64_t now_ms);
    void forget_completed(uint64_t now_ms);
    // The Request-URI is our Contact's URI: the request is in a dialog of ours.
    bool sent_to_contact(const sip::Message& m) const;
    std::string new_token(size_t bytes);

    Config config_;
    std::string tag_secret_;
    uint64_t next_id_ = 1;
    std::unordered_map<uint64_t, Subscription> subs_;
    // Call-ID "\n" remote tag "\n" local tag -> id; ordered, for the lookup without To tag.
    std::map<std::string, uint64_t> dialogs_;
    std::unordered_map<std::string, uint64_t> branches_;  // outstanding NOTIFY branch -> id
    // NOTIFY transactions answered in the last T4 (Timer K), oldest first: until, branch.
    std::deque<std::pair<uint64_t, std::string>> completed_;
    std::multimap<uint64_t, uint64_t> timers_;  // due -> id (checked when popped)
    std::map<std::string, ExpectedDevice> expected_;
    std::map<std::string, uint64_t> enrolled_;  // device -> when it enrolled
    struct Queued {
        Output out;
        uint64_t notify_of = 0;  // the subscription whose NOTIFY this is (0: a response)
        std::string branch;
    };
    std::deque<Queued> outputs_;
    uint64_t last_notify_of_ = 0;
    std::string last_branch_;
    std::deque<Event> events_;
};

}  // namespace pushcore::ua_profile
