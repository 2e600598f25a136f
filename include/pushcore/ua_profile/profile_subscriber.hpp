// The subscriber of the ua-profile event package, one instance per profile type
// (draft-ietf-sipping-config-framework-08 sections 7.3-7.8; RFC 3265/6665 for the
// SUBSCRIBE/NOTIFY rules):
//
//   start()        SUBSCRIBE with Event: ua-profile;profile-type=...;vendor=...;model=...;
//                  version=..., Accept: message/external-body and the host's profile types,
//                  Expires 86400 by default (7.4; 0 is a one-time fetch)
//   refresh        a new SUBSCRIBE in the dialog before the granted Expires runs out; a
//                  refresh refused with anything but 481 leaves the subscription valid until
//                  that expiry (RFC 3265 3.1.4.2): "refresh_failed", and a retry halfway
//   stop()         SUBSCRIBE with Expires: 0
//   receive()      responses to those SUBSCRIBEs, and NOTIFY requests: every NOTIFY is
//                  answered (200, or 400/481/489/500 with the reason), its profiles turned
//                  into events: "fetch" for each indirect profile whose Content-ID is new
//                  (7.5), "profile" for each inline one, "no_profile" for an empty body,
//                  and "apply_by" (effective-by, 7.8) or "apply_when_idle"
//   on_fetched()   the host fetched an indirect profile: the SHA-1 hash is checked when the
//                  NOTIFY gave one (RFC 4483), and the profile becomes current; a failed
//                  fetch or a wrong hash leaves the previous good profile current.
//
// Sans-IO: the host sends what next_output() yields (requests to the profile delivery
// server, responses to its NOTIFYs), feeds parsed messages to receive(), calls
// on_timeout() at next_deadline() and reads next_event().
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pushcore/core/random.hpp"
#include "pushcore/core/status.hpp"
#include "pushcore/sip/message.hpp"
#include "pushcore/ua_profile/event_header.hpp"

namespace pushcore::ua_profile {

// SHA-1 (RFC 3174) of `len` bytes into `digest`; returns 0 on success.
using Sha1Fn = int (*)(void* ctx, const uint8_t* data, size_t len, uint8_t digest[20]);

// The injectable hash of content indirection (RFC 4483 "hash" parameter). Without one,
// a hash given in a NOTIFY cannot be verified, and profile_ready says so.
struct HashFn {
    Sha1Fn fn = nullptr;
    void* ctx = nullptr;

    // OpenSSL's SHA-1 where the build has OpenSSL (PUSHCORE_HAVE_OPENSSL); empty otherwise.
    static HashFn system_default() noexcept;
    bool valid() const noexcept { return fn != nullptr; }
};

struct SubscriberConfig {
    ProfileType profile_type = ProfileType::device;
    std::string profile_type_token;  // the token when profile_type is `other`
    Form form = Form::draft08;       // rfc6080: no network-user

    // SUBSCRIBE Request-URI: a device or local-network URI (device_id.hpp builders), or a
    // user's AOR for the user and application types.
    std::string request_uri;
    std::string from;  // From URI; the Request-URI when empty (7.13: "typically the same")
    std::string to;    // To URI; the Request-URI when empty
    std::string contact;
    std::string transport = "UDP";  // Via transport; UDP retransmits (RFC 3261 17.1.2.2)
    std::string sent_by;            // Via sent-by, e.g. "10.1.1.44:5060"

    // 7.2: MUST be in every SUBSCRIBE.
    std::string vendor, model, version;
    // 7.2: the user's AOR, SHOULD for device and local-network (draft08 only).
    std::string network_user;

    // Profile media types the host can use; Accept lists message/external-body first,
    // then these (7.2, 7.5).
    std::vector<std::string> accept;

    uint32_t expires = 86400;       // 7.4; 0 asks for a one-time fetch
    uint32_t refresh_margin = 600;  // refresh this many seconds before expiry (capped at half)
    std::string user_agent;         // User-Agent header value; omitted when empty
    Random random = Random::system_default();
    HashFn hash = HashFn::system_default();
};

// A profile the phone holds: received inline or fetched and verified.
struct Profile {
    std::string content_type;
    std::string content_id;
    std::string url;  // empty for an inline profile
    std::string body;
    std::optional<uint64_t> apply_by;  // absolute ms; none: apply when idle (7.8)
};

class ProfileSubscriber {
  public:
    enum class State : uint8_t {
        idle,           // not started
        subscribing,    // initial SUBSCRIBE in flight
        subscribed,     // 2xx received; refresh timer running (unless Expires 0)
        refreshing,     // refresh SUBSCRIBE in flight
        unsubscribing,  // Expires 0 SUBSCRIBE in flight
        terminated,     // failed, terminated by the notifier or unsubscribed; start() again
    };

    // RFC 3265 3.2.4 substate of the last NOTIFY.
    enum class SubState : uint8_t { none, pending, active, terminated };

    // What on_fetched found about the hash of an indirect profile.
    enum class HashCheck : uint8_t {
        not_given,     // the NOTIFY gave no hash
        verified,      // SHA-1 matched
        unverifiable,  // a hash was given but no hash function is configured
        mismatch,      // SHA-1 differed (fetch_failed)
    };

    struct Event {
        enum class Type : uint8_t {
            subscribed,       // 2xx: code, expires (granted)
            auth_required,    // 401/407: code, reason, challenge; no retry by itself
            failed,           // other final failure or no answer (408): code, reason
            unsubscribed,     // the Expires 0 SUBSCRIBE was answered (code)
            terminated,       // NOTIFY with Subscription-State terminated: reason, retry_after
            fetch,            // fetch url (content_type, content_id, hash, size, apply_by)
            profile,          // inline profile: content_type, content_id, body, apply_by
            no_profile,       // NOTIFY without a body (7.7: unknown device or user); not
                              // for the body-less terminated NOTIFY of an unsubscribe
            apply_by,         // new profiles must be effective by `apply_by` (effective-by)
            apply_when_idle,  // new profiles: apply when non-obtrusive (7.8 default)
            profile_ready,    // a fetched profile verified and current: content_id, hash_check
            fetch_failed,     // fetch failed, wrong hash, or superseded by a profile
                              // announced later: content_id, reason, hash_check; the
                              // previous profile stays current
            apply_due,        // an effective-by deadline was reached: apply now (7.8 MUST)
            refresh_failed,   // a refresh failed (not 481): code, reason, challenge; the
                              // subscription lives `expires` more seconds (RFC 3265 3.1.4.2)
        };
        Type type = Type::subscribed;
        uint16_t code = 0;  // response code; 408 when nothing answered
        std::string reason;
        std::string challenge;                // WWW-/Proxy-Authenticate value (auth_required)
        uint32_t expires = 0;                 // granted (subscribed); left (refresh_failed)
        std::optional<uint32_t> retry_after;  // terminated
        std::string url, content_type, content_id, hash, body;
        std::optional<uint64_t> size;
        std::optional<uint64_t> apply_by;  // absolute ms; none: apply when idle
        HashCheck hash_check = HashCheck::not_given;
    };

    // Status::invalid_argument (err.reason naming the field) when a URI does not parse,
    // vendor/model/version is missing (7.2), network-user is given where it has no
    // meaning, an Accept entry is not a media type, or no random source is available.
    static Status create(SubscriberConfig config, std::optional<ProfileSubscriber>& out,
                         Error& err);

    // Sends the initial SUBSCRIBE (a new dialog). From idle or terminated.
    Status start(uint64_t now_ms);
    // Unsubscribes (Expires 0). While a SUBSCRIBE is in flight, after it is answered.
    Status stop(uint64_t now_ms);

    // A response to a SUBSCRIBE, or a NOTIFY request (answered through next_output()).
    //   responses: Status::unexpected_message when it answers no SUBSCRIBE in flight.
    //   requests: Status::ok when the NOTIFY was accepted (200); otherwise the status of
    //     the reason it was refused, with err.reason; the refusal is in next_output().
    Status receive(const sip::Message& message, uint64_t now_ms, Error& err);

    // The host fetched the indirect profile announced with `content_id` (a fetch event).
    // Status::not_found when no fetch of that Content-ID is outstanding.
    Status on_fetched(std::string_view content_id, std::string_view bytes, uint64_t now_ms);
    Status on_fetch_failed(std::string_view content_id, uint64_t now_ms);
    // The host made the current profiles effective: cancels the apply_due deadline.
    void applied() noexcept { apply_at_ = PUSHCORE_NO_DEADLINE; }

    bool next_output(std::string& out);
    bool next_event(Event& out);
    uint64_t next_deadline() const noexcept;  // PUSHCORE_NO_DEADLINE when none
    void on_timeout(uint64_t now_ms);

    State state() const noexcept { return state_; }
    SubState sub_state() const noexcept { return sub_state_; }
    // The most recently received good profile (nullptr before the first one), and the
    // good profile for one media type; a failed fetch never replaces them.
    const Profile* current_profile() const noexcept;
    const Profile* current_profile(std::string_view content_type) const noexcept;
    const std::vector<Profile>& profiles() const noexcept { return profiles_; }
    // Content-IDs announced in fetch events and not yet reported by the host.
    size_t pending_fetches() const noexcept { return pending_.size(); }

  private:
    explicit ProfileSubscriber(SubscriberConfig config) : config_(std::move(config)) {}

    // Everything that changes state_ is an Input given to transition().
    enum class Input : uint8_t {
        start,
        stop,
        refresh_due,
        answered_ok,      // 2xx to the SUBSCRIBE in flight
        answered_retry,   // 423 with a usable Min-Expires
        answered_failed,  // another final response, or Timer F (408)
        ended,            // a NOTIFY said terminated, or the subscription ran out
    };
    struct Outcome {  // what came with an Input
        uint16_t code = 0;
        std::string reason;
        std::string challenge;
        uint32_t seconds = 0;  // granted Expires (ok), Min-Expires (retry)
        std::optional<uint32_t> retry_after;
    };
    Status transition(Input input, Outcome outcome, uint64_t now_ms);

    struct Pending {
        std::string content_id, content_type, url, hash;
        std::optional<uint64_t> apply_by;
        uint64_t seq = 0;
    };

    Status send_subscribe(uint32_t expires, uint64_t now_ms);
    void finish_transaction() noexcept;
    void schedule_refresh(uint32_t granted, uint64_t now_ms);
    Status receive_response(const sip::Message& r, uint64_t now_ms, Error& err);
    Status receive_notify(const sip::Message& r, uint64_t now_ms, Error& err);
    Status refuse(const sip::Message& request, uint16_t code, Status status, const char* why,
                  Error& err);
    void answer(const sip::Message& request, uint16_t code);
    bool known_content_id(std::string_view id) const noexcept;
    // False when a profile of the same type announced later is current already.
    bool keep(Profile profile, uint64_t seq);
    void push(Event ev) { events_.push_back(std::move(ev)); }

    SubscriberConfig config_;
    std::string event_value_;   // the Event header value, built once
    std::string accept_value_;  // the Accept header value
    State state_ = State::idle;
    SubState sub_state_ = SubState::none;
    bool stop_pending_ = false;

    // The dialog (RFC 3261 12): Call-ID and local tag, the notifier's tag once known.
    std::string call_id_;
    std::string local_tag_;
    std::string remote_tag_;
    std::string remote_target_;           // Contact of the 2xx or NOTIFY
    std::vector<std::string> route_set_;  // Record-Route of the 2xx, reversed
    uint32_t cseq_ = 0;
    bool remote_cseq_known_ = false;
    uint32_t remote_cseq_ = 0;
    std::string last_notify_branch_;
    std::string last_answer_;  // resent for a retransmitted NOTIFY
    uint32_t requested_expires_ = 0;

    // The SUBSCRIBE in flight (RFC 3261 17.1.2 non-INVITE client transaction).
    bool in_flight_ = false;
    std::string branch_;
    std::string request_;
    uint64_t retransmit_at_ = PUSHCORE_NO_DEADLINE;  // Timer E (UDP only)
    uint64_t retransmit_interval_ = 0;
    uint64_t give_up_at_ = PUSHCORE_NO_DEADLINE;  // Timer F
    uint64_t refresh_at_ = PUSHCORE_NO_DEADLINE;
    uint64_t expires_at_ = PUSHCORE_NO_DEADLINE;  // the last known end of the subscription
    uint64_t apply_at_ = PUSHCORE_NO_DEADLINE;    // earliest effective-by not yet applied

    std::vector<Pending> pending_;
    std::vector<Profile> profiles_;  // one per content type, the last good one
    std::vector<uint64_t> profile_seq_;
    size_t latest_ = 0;  // index in profiles_ of the most recent
    uint64_t seq_ = 0;

    std::deque<std::string> outputs_;
    std::deque<Event> events_;
};

}  // namespace pushcore::ua_profile
