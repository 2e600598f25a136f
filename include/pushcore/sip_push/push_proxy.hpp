// The SIP proxy/registrar side of SIP push (draft-ietf-sipcore-sip-push-04 section 5,
// RFC 8599 6): keeps a binding table per AOR; answers REGISTERs with 200 + Feature-Caps
// or 555; on a new request for a binding with push parameters asks the host to send a
// push (never with the SIP request as payload), holds the request, and forwards it once
// the woken UA's REGISTER has succeeded; rejects it (480) when no REGISTER comes in time
// or the host reports that the push failed; pushes a margin before a binding expires so
// the UA can refresh it.
//
// Sans-IO across connections: the host tags every message with the Peer it came from and
// sends each Output to the Peer it names.
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
#include "pushcore/sip/uri.hpp"
#include "pushcore/sip_push/feature_caps.hpp"
#include "pushcore/sip_push/push_params.hpp"

namespace pushcore::sip_push {

// Where a message came from or goes to. `flow` is the host's handle for a connection
// (0: none); host/port the transport address. Outputs name both when both are known:
// the host uses the flow while it is open, else the address.
struct Peer {
    uint64_t flow = 0;
    std::string host;
    uint16_t port = 0;
};

struct ProxyConfig {
    ProviderRegistry providers = ProviderRegistry::with_defaults();
    std::string via_sent_by = "127.0.0.1:5060";  // our Via sent-by when forwarding
    std::string via_transport = "UDP";
    uint64_t hold_timeout_ms = 30000;       // wait for the woken UA's REGISTER
    bool reregister_pushes = true;          // RFC 8599 periodic re-registration pushes
    uint32_t reregister_margin_s = 120;     // RFC 8599 recommends 120 s before expiry
    PnsStyle pns_style = PnsStyle::single;  // RFC 8599 single values or the draft's list
    // draft 5.3 allows forwarding a REGISTER the proxy cannot serve instead of 555.
    std::optional<Peer> forward_unsupported_to;
    uint32_t min_expires = 60;
    uint32_t max_expires = 86400;
    uint32_t default_expires = 3600;
    size_t max_bindings = 100000;
    size_t max_held_requests = 10000;
    Random random = Random::system_default();
    // Authentication, a synchronous service of the host (RFC 3261 22): called for every
    // request except ACK and CANCEL before the proxy acts on it. Return 0 to accept, or
    // 401/407 with `challenge` set to the WWW-/Proxy-Authenticate value, or 403.
    std::function<uint16_t(const sip::Message& request, std::string& challenge)> authorize;
};

class PushProxy {
  public:
    enum class PushReason : uint8_t { request, reregister };

    struct Event {
        enum class Type : uint8_t {
            push_request,      // send a push: provider, prid, param, purr, aor, reason
            binding_updated,   // added or refreshed: aor, contact, expires
            binding_removed,   // unregistered or expired: aor, contact
            request_rejected,  // a held request was answered `code` (480, 487, ...)
        };
        Type type = Type::push_request;
        uint64_t binding_id = 0;  // pass to push_failed()
        std::string aor;          // "user@host"
        std::string contact;      // the binding's contact URI
        PushInfo push;
        PushReason reason = PushReason::request;
        uint32_t expires = 0;
        uint16_t code = 0;
    };

    struct Output {
        Peer to;
        std::string bytes;
    };

    static Status create(ProxyConfig config, std::optional<PushProxy>& out, Error& err);

    // A message from `from`. Requests are answered or forwarded; responses to forwarded
    // requests are relayed. Returns an error for what it could not handle (it has then
    // answered the sender where SIP allows: 400, 483, ...).
    Status receive(const Peer& from, const sip::Message& m, uint64_t now_ms, Error& err);

    // The host's PNS client could not deliver the push for this binding: reject the
    // requests held for it (draft 5.3: the proxy MUST reject the SIP request).
    Status push_failed(uint64_t binding_id, uint64_t now_ms);

    bool next_output(Output& out);
    // The host could not send the output next_output() gave last (connection gone,
    // address unreachable). A forwarded request is then rejected with 480 (draft 5.3:
    // not able to forward the request to the UA -> MUST reject it); other outputs
    // need nothing. Status::not_found when the last output was not a forwarded request.
    Status output_failed(uint64_t now_ms);
    bool next_event(Event& out);
    // O(1). May lie before anything is due (the old time of a refreshed binding); an
    // on_timeout() then does nothing but forget that time.
    uint64_t next_deadline() const noexcept;
    void on_timeout(uint64_t now_ms);

    size_t binding_count() const noexcept { return binding_count_; }
    size_t held_count() const noexcept { return held_.size(); }

  private:
    struct Binding {
        uint64_t id = 0;
        std::string contact;  // contact URI as registered (with its pn-* parameters)
        std::optional<PushInfo> push;
        uint64_t expires_at = 0;
        uint64_t reregister_at = PUSHCORE_NO_DEADLINE;
        Peer peer;    // where the REGISTER came from
        Peer target;  // where requests go: the REGISTER's flow, the contact's address
    };
    struct Held {
        uint64_t binding_id = 0;
        std::string aor;
        std::string raw;  // the request, kept until it is forwarded or rejected
        Peer from;
        std::string branch;  // the caller's top Via branch
        bool invite = false;
        uint64_t deadline = 0;
        // Held for a Request-URI's push parameters, not for a binding of ours: the
        // REGISTER with this provider and PRID releases it.
        std::optional<PushInfo> waiting_for;
    };
    struct Forwarded {
        Peer from;                // where responses go
        Peer to;                  // where retransmissions, ACK and CANCEL for it go
        std::string request_uri;  // as forwarded: they carry it too (RFC 3261 16.10)
        std::string branch;       // our branch for it
        uint64_t forget_at = 0;
    };

    explicit PushProxy(ProxyConfig config) : config_(std::move(config)) {}

    Status on_register(const Peer& from, const sip::Message& m, uint64_t now_ms, Error& err);
    Status on_request(const Peer& from, const sip::Message& m, uint64_t now_ms, Error& err);
    Status on_response(const sip::Message& m, uint64_t now_ms, Error& err);
    Status forward(const Peer& from, const sip::Message& m, std::string_view request_uri,
                   const Peer& to, uint64_t now_ms);
    void respond(const Peer& to, const sip::Message& request, uint16_t code,
                 const std::vector<std::pair<std::string, std::string>>& headers = {});
    void release_held(const Binding& b, uint64_t now_ms);
    void reject_held(uint64_t binding_id, uint16_t code, uint64_t now_ms);
    // Answers a request this proxy will not carry further, and tells the host.
    void reject(const Peer& to, const sip::Message& request, uint16_t code, uint64_t binding_id,
                const std::string& aor);
    void reject(const Held& held, uint16_t code);
    void remove_binding(const std::string& aor, size_t index, uint64_t now_ms);
    void schedule(const Binding& b);
    Status hold(const Peer& from, const sip::Message& m, uint64_t id, const std::string& aor,
                const std::string& contact, const PushInfo& push,
                std::optional<PushInfo> waiting_for, uint64_t now_ms, Error& err);
    void emit_push(uint64_t id, const std::string& aor, const std::string& contact,
                   const PushInfo& push, PushReason reason);
    std::string new_token(size_t bytes);

    ProxyConfig config_;
    std::string tag_secret_;  // keys the To tags of the responses this proxy generates
    uint64_t next_binding_id_ = 1;
    size_t binding_count_ = 0;
    std::map<std::string, std::vector<Binding>> bindings_;   // by AOR "user@host"
    std::unordered_map<uint64_t, std::string> binding_aor_;  // binding id -> AOR
    // Timers, ordered by due time so next_deadline() is O(1). Entries are not removed
    // when a binding or transaction changes: a popped entry that is no longer due is
    // dropped (the Sans-IO contract makes now_ms monotonic).
    std::multimap<uint64_t, uint64_t> binding_timers_;    // due -> binding id
    std::multimap<uint64_t, std::string> forget_timers_;  // due -> caller's branch
    std::deque<Held> held_;  // arrival order, which is deadline order (one hold timeout)
    std::unordered_map<std::string, Forwarded> forwarded_;        // by the caller's branch
    std::unordered_map<std::string, std::string> by_our_branch_;  // our branch -> caller's
    std::deque<std::string> rejected_invites_;  // caller branches whose ACK we absorb
    struct Queued {
        Output out;
        std::string forwarded;  // the caller's branch when `out` is a forwarded request
    };
    std::deque<Queued> outputs_;
    std::string last_forwarded_;  // of the output next_output() gave last
    std::string last_forwarded_bytes_;
    std::deque<Event> events_;
};

}  // namespace pushcore::sip_push
