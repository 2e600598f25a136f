// The SIP UA side of SIP push (draft-ietf-sipcore-sip-push-04 section 4, RFC 8599 5):
// registers with the pn-* parameters, learns from the 2xx's Feature-Caps whether the
// proxy will push for its provider, re-registers on every push notification and when
// the PRID changes, and registers without the parameters to stop.
//
// Sans-IO: the host sends what next_output() yields to the registrar, feeds responses
// to receive(), calls on_timeout() at next_deadline(), and reads next_event().
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "pushcore/core/random.hpp"
#include "pushcore/core/status.hpp"
#include "pushcore/sip/message.hpp"
#include "pushcore/sip_push/feature_caps.hpp"
#include "pushcore/sip_push/push_params.hpp"

namespace pushcore::sip_push {

struct UaConfig {
    std::string aor;                // address-of-record, e.g. "sip:alice@example.com"
    std::string registrar;          // Request-URI of REGISTER, e.g. "sip:example.com"
    std::string contact;            // contact URI without pn-*, e.g. "sip:alice@192.0.2.10:5060"
    std::string transport = "UDP";  // Via transport; UDP retransmits (RFC 3261 17.1.2.2)
    std::string sent_by;            // Via sent-by, e.g. "192.0.2.10:5060"
    uint32_t expires = 3600;        // requested registration lifetime, seconds
    uint32_t refresh_margin = 120;  // refresh this many seconds before expiry (capped at half)
    std::string user_agent;         // User-Agent header value; omitted when empty
    Random random = Random::system_default();
};

class PushUa {
  public:
    enum class State : uint8_t { idle, registering, registered, unregistering };

    struct Event {
        enum class Type : uint8_t {
            registered,           // 2xx: expires, push_supported, caps
            registration_failed,  // final non-2xx or no answer: code, reason, caps (555)
            unregistered,         // the Expires: 0 REGISTER succeeded
        };
        Type type = Type::registered;
        uint32_t expires = 0;         // granted lifetime (registered)
        bool push_supported = false;  // the proxy announced our pn-provider (draft 4)
        uint16_t code = 0;            // response code; 408 when nothing answered
        std::string reason;
        PushCaps caps;  // what the response's Feature-Caps said
    };

    // Status::invalid_argument when a URI in the config does not parse or no random
    // source is available.
    static Status create(UaConfig config, std::optional<PushUa>& out, Error& err);

    // Registers, with the push parameters when `push` is set (draft 4: pn-provider,
    // pn-prid and pn-param if the provider needs it).
    Status start(std::optional<PushInfo> push, uint64_t now_ms);
    // A push notification arrived: the UA MUST re-register (draft 4).
    Status on_push_notification(uint64_t now_ms);
    // The PNS changed the PRID: re-register with the new value (draft 4 note).
    Status update_prid(std::string prid, uint64_t now_ms);
    // Stop push: REGISTER without the parameters (draft 4).
    Status stop_push(uint64_t now_ms);
    // Remove the registration (Expires: 0).
    Status unregister(uint64_t now_ms);

    // A response from the registrar. Status::unexpected_message when it does not answer
    // the REGISTER in progress (wrong Call-ID, CSeq or branch, or none in progress).
    Status receive(const sip::Message& response, uint64_t now_ms, Error& err);

    // The next message to send to the registrar; false when there is none.
    bool next_output(std::string& out);
    bool next_event(Event& out);
    uint64_t next_deadline() const noexcept;  // PUSHCORE_NO_DEADLINE when none
    void on_timeout(uint64_t now_ms);

    State state() const noexcept { return state_; }
    const std::optional<PushInfo>& push() const noexcept { return push_; }

  private:
    explicit PushUa(UaConfig config) : config_(std::move(config)) {}

    Status send_register(uint32_t expires, uint64_t now_ms);
    void finish_transaction() noexcept;
    void fail(uint16_t code, std::string reason, PushCaps caps, uint64_t now_ms);
    uint32_t granted_expires(const sip::Message& response) const;

    UaConfig config_;
    State state_ = State::idle;
    std::optional<PushInfo> push_;
    std::string call_id_;
    std::string from_tag_;
    uint32_t cseq_ = 0;
    uint32_t requested_expires_ = 0;

    // The REGISTER in flight (RFC 3261 17.1.2 non-INVITE client transaction).
    bool in_flight_ = false;
    std::string branch_;
    std::string request_;
    uint64_t retransmit_at_ = PUSHCORE_NO_DEADLINE;  // Timer E (UDP only)
    uint64_t retransmit_interval_ = 0;
    uint64_t give_up_at_ = PUSHCORE_NO_DEADLINE;  // Timer F
    bool resend_after_ = false;  // a push or PRID change arrived while a REGISTER was in flight

    uint64_t refresh_at_ = PUSHCORE_NO_DEADLINE;

    std::deque<std::string> outputs_;
    std::deque<Event> events_;
};

}  // namespace pushcore::sip_push
