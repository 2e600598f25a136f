#include "pushcore/sip_push/push_ua.hpp"

#include <algorithm>

#include "pushcore/sip/headers.hpp"
#include "pushcore/sip/name_addr.hpp"
#include "pushcore/sip/params.hpp"
#include "pushcore/sip/uri.hpp"
#include "pushcore/text/grammar.hpp"

namespace pushcore::sip_push {

namespace {
constexpr uint64_t kT1 = 500;  // RFC 3261 17.1.1.1
constexpr uint64_t kT2 = 4000;
constexpr uint64_t kTimerF = 64 * kT1;
}  // namespace

Status PushUa::create(UaConfig config, std::optional<PushUa>& out, Error& err) {
    sip::Uri uri;
    if (sip::parse_uri(config.aor, uri, err) != Status::ok)
        return err.fail(Status::invalid_argument, "aor is not a SIP URI", err.offset);
    if (sip::parse_uri(config.registrar, uri, err) != Status::ok)
        return err.fail(Status::invalid_argument, "registrar is not a SIP URI", err.offset);
    if (sip::parse_uri(config.contact, uri, err) != Status::ok)
        return err.fail(Status::invalid_argument, "contact is not a SIP URI", err.offset);
    if (config.sent_by.empty()) return err.fail(Status::invalid_argument, "sent_by is required", 0);
    if (!text::is_token(config.transport))
        return err.fail(Status::invalid_argument, "transport must be a token such as UDP", 0);
    if (!config.random.valid())
        return err.fail(Status::invalid_argument, "no random source (set one in the config)", 0);
    PushUa ua(std::move(config));
    // RFC 3261 10.2: one Call-ID for all registrations of this UA to this registrar.
    if (!ua.config_.random.append_token(ua.call_id_, 16) ||
        !ua.config_.random.append_token(ua.from_tag_, 8))
        return err.fail(Status::internal, "random source failed", 0);
    out.emplace(std::move(ua));
    return Status::ok;
}

Status PushUa::send_register(uint32_t expires, uint64_t now_ms) {
    branch_ = "z9hG4bK";  // RFC 3261 8.1.1.7 magic cookie
    if (!config_.random.append_token(branch_, 12)) return Status::internal;
    requested_expires_ = expires;
    std::string contact = "<" + config_.contact;
    // draft 4: the UA MUST register with pn-provider, pn-prid and (if the provider needs
    // it) pn-param in the Contact URI, and MUST keep them in every re-registration
    // while it wants pushes.
    if (push_) append_push_params(contact, *push_);
    contact += ">";

    request_.clear();
    sip::MessageWriter w(request_);
    w.request("REGISTER", config_.registrar)
        .header("Via", "SIP/2.0/" + config_.transport + " " + config_.sent_by +
                           ";branch=" + branch_ + ";rport")
        .header("Max-Forwards", "70")
        .header("From", "<" + config_.aor + ">;tag=" + from_tag_)
        .header("To", "<" + config_.aor + ">")
        .header("Call-ID", call_id_)
        .header("CSeq", std::to_string(++cseq_) + " REGISTER")
        .header("Contact", contact)
        .header("Expires", std::to_string(expires));
    if (!config_.user_agent.empty()) w.header("User-Agent", config_.user_agent);
    w.finish();
    outputs_.push_back(request_);

    in_flight_ = true;
    resend_after_ = false;
    bool unreliable = text::iequals(config_.transport, "UDP");
    retransmit_interval_ = kT1;
    retransmit_at_ = unreliable ? now_ms + kT1 : PUSHCORE_NO_DEADLINE;
    give_up_at_ = now_ms + kTimerF;
    refresh_at_ = PUSHCORE_NO_DEADLINE;
    return Status::ok;
}

void PushUa::finish_transaction() noexcept {
    in_flight_ = false;
    retransmit_at_ = give_up_at_ = PUSHCORE_NO_DEADLINE;
}

Status PushUa::start(std::optional<PushInfo> push, uint64_t now_ms) {
    if (state_ != State::idle) return Status::invalid_state;
    push_ = std::move(push);
    state_ = State::registering;
    return send_register(config_.expires, now_ms);
}

Status PushUa::on_push_notification(uint64_t now_ms) {
    if (state_ != State::registered && state_ != State::registering) return Status::invalid_state;
    // draft 4: a push notification MUST be answered by a re-registration. One already
    // in flight serves, unless it started before the PRID changed.
    if (in_flight_) return Status::ok;
    state_ = State::registering;
    return send_register(config_.expires, now_ms);
}

Status PushUa::update_prid(std::string prid, uint64_t now_ms) {
    if (!push_) return Status::invalid_state;
    if (prid.empty()) return Status::invalid_argument;
    push_->prid = std::move(prid);
    if (state_ == State::idle || state_ == State::unregistering) return Status::ok;
    if (in_flight_) {
        resend_after_ = true;  // the REGISTER in flight carries the old PRID
        return Status::ok;
    }
    state_ = State::registering;
    return send_register(config_.expires, now_ms);
}

Status PushUa::stop_push(uint64_t now_ms) {
    // draft 4: to stop push the UA MUST send a REGISTER without the pn-* parameters.
    if (!push_) return Status::invalid_state;
    push_.reset();
    if (state_ == State::idle || state_ == State::unregistering) return Status::ok;
    if (in_flight_) {
        resend_after_ = true;
        return Status::ok;
    }
    state_ = State::registering;
    return send_register(config_.expires, now_ms);
}

Status PushUa::unregister(uint64_t now_ms) {
    if (state_ == State::idle || state_ == State::unregistering) return Status::invalid_state;
    state_ = State::unregistering;
    return send_register(0, now_ms);
}

uint32_t PushUa::granted_expires(const sip::Message& response) const {
    // RFC 3261 10.2.4: the expires parameter of our Contact, else the Expires header.
    sip::Uri mine;
    Error err;
    sip::parse_uri(config_.contact, mine, err);
    for (const auto& h : response.headers) {
        if (h.id != sip::HeaderId::contact) continue;
        sip::ListIterator it(h.value);
        std::string_view item;
        size_t at;
        while (it.next(item, at)) {
            sip::NameAddr na;
            sip::Param p;
            uint32_t v;
            if (sip::parse_name_addr(item, na, err) == Status::ok && na.is_sip &&
                sip::same_contact(na.sip, mine) && sip::find_param(na.params, "expires", p) &&
                sip::parse_delta_seconds(p.value, v, err) == Status::ok)
                return v;
        }
    }
    uint32_t v;
    if (const sip::Header* e = response.find(sip::HeaderId::expires))
        if (sip::parse_delta_seconds(e->value, v, err) == Status::ok) return v;
    return requested_expires_;
}

void PushUa::fail(uint16_t code, std::string reason, PushCaps caps, uint64_t now_ms) {
    (void)now_ms;
    Event ev;
    ev.type = Event::Type::registration_failed;
    ev.code = code;
    ev.reason = std::move(reason);
    ev.caps = std::move(caps);
    events_.push_back(std::move(ev));
    state_ = State::idle;
    refresh_at_ = PUSHCORE_NO_DEADLINE;
}

Status PushUa::receive(const sip::Message& r, uint64_t now_ms, Error& err) {
    if (r.is_request)
        return err.fail(Status::unexpected_message, "the UA expects responses only", 0);
    sip::Via via;
    sip::CSeq cseq;
    const sip::Header* call_id = r.find(sip::HeaderId::call_id);
    const sip::Header* cseq_h = r.find(sip::HeaderId::cseq);
    if (!call_id || !cseq_h)
        return err.fail(Status::missing_header, "response without Call-ID or CSeq", 0);
    if (sip::top_via(r, via, err) != Status::ok) return err.status;
    if (sip::parse_cseq(cseq_h->value, cseq, err) != Status::ok) {
        err.offset += cseq_h->offset;
        return err.status;
    }
    // RFC 3261 17.1.3: the response matches the transaction by branch and CSeq method.
    if (!in_flight_ || via.branch != branch_ || cseq.method != "REGISTER" || cseq.number != cseq_ ||
        call_id->value != call_id_)
        return err.fail(Status::unexpected_message, "response to no REGISTER in progress", 0);
    if (r.status_code < 200) {
        // RFC 3261 17.1.2.2 Proceeding: UDP retransmissions continue, every T2.
        retransmit_interval_ = kT2;
        if (retransmit_at_ != PUSHCORE_NO_DEADLINE) retransmit_at_ = now_ms + kT2;
        return Status::ok;
    }
    finish_transaction();

    PushCaps caps;
    Error caps_err;
    read_feature_caps(r, caps, caps_err);  // a malformed Feature-Caps reads as no support

    if (r.status_code == 423) {
        // RFC 3261 10.2.8: retry with at least Min-Expires.
        uint32_t min = 0;
        const sip::Header* h = r.find(sip::HeaderId::min_expires);
        if (h && sip::parse_delta_seconds(h->value, min, err) == Status::ok &&
            min > requested_expires_ && state_ != State::unregistering) {
            config_.expires = min;
            return send_register(min, now_ms);
        }
    }
    if (r.status_code >= 300) {
        bool was_unregistering = state_ == State::unregistering;
        fail(r.status_code, std::string(r.reason), std::move(caps), now_ms);
        if (was_unregistering) state_ = State::registered;
        return Status::ok;
    }

    if (state_ == State::unregistering) {
        state_ = State::idle;
        Event ev;
        ev.type = Event::Type::unregistered;
        ev.code = r.status_code;
        events_.push_back(std::move(ev));
        return Status::ok;
    }
    uint32_t granted = granted_expires(r);
    Event ev;
    ev.type = Event::Type::registered;
    ev.code = r.status_code;
    ev.expires = granted;
    // draft 4: without '+sip.pns' naming our provider, the UA cannot assume pushes.
    ev.push_supported = push_ && caps.supports(push_->provider);
    // RFC 8599: with +sip.pnsreg the proxy pushes for binding refreshes; without it the
    // UA keeps its own refresh timer.
    bool proxy_refreshes = ev.push_supported && caps.pnsreg;
    ev.caps = std::move(caps);
    events_.push_back(std::move(ev));
    state_ = State::registered;
    if (resend_after_) return send_register(config_.expires, now_ms);
    if (!proxy_refreshes && granted > 0) {
        uint64_t margin = std::min<uint64_t>(config_.refresh_margin, granted / 2);
        refresh_at_ = now_ms + (static_cast<uint64_t>(granted) - margin) * 1000;
    }
    return Status::ok;
}

bool PushUa::next_output(std::string& out) {
    if (outputs_.empty()) return false;
    out = std::move(outputs_.front());
    outputs_.pop_front();
    return true;
}

bool PushUa::next_event(Event& out) {
    if (events_.empty()) return false;
    out = std::move(events_.front());
    events_.pop_front();
    return true;
}

uint64_t PushUa::next_deadline() const noexcept {
    return std::min({retransmit_at_, give_up_at_, refresh_at_});
}

void PushUa::on_timeout(uint64_t now_ms) {
    if (in_flight_ && now_ms >= give_up_at_) {
        // RFC 3261 17.1.2.2 Timer F: the transaction failed; report it as 408.
        finish_transaction();
        bool was_registered = state_ == State::unregistering;
        fail(408, "no response", PushCaps{}, now_ms);
        if (was_registered) state_ = State::registered;
        return;
    }
    if (in_flight_ && now_ms >= retransmit_at_) {
        outputs_.push_back(request_);  // Timer E: same request, same branch
        retransmit_interval_ = std::min(retransmit_interval_ * 2, kT2);
        retransmit_at_ = now_ms + retransmit_interval_;
    }
    if (!in_flight_ && state_ == State::registered && now_ms >= refresh_at_) {
        state_ = State::registering;
        send_register(config_.expires, now_ms);
    }
}

}  // namespace pushcore::sip_push
