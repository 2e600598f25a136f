#include "pushcore/ua_profile/profile_subscriber.hpp"

#include <algorithm>

#include "pushcore/sip/headers.hpp"
#include "pushcore/sip/name_addr.hpp"
#include "pushcore/sip/params.hpp"
#include "pushcore/sip/uri.hpp"
#include "pushcore/text/grammar.hpp"
#include "pushcore/ua_profile/content_indirection.hpp"

#if defined(PUSHCORE_HAVE_OPENSSL)
#include <openssl/evp.h>
#endif

namespace pushcore::ua_profile {

namespace {
constexpr uint64_t kT1 = 500;  // RFC 3261 17.1.1.1
constexpr uint64_t kT2 = 4000;
constexpr uint64_t kTimerF = 64 * kT1;
constexpr size_t kMaxPending = 32;

#if defined(PUSHCORE_HAVE_OPENSSL)
int openssl_sha1(void*, const uint8_t* data, size_t len, uint8_t digest[20]) {
    unsigned int n = 0;
    return EVP_Digest(data, len, digest, &n, EVP_sha1(), nullptr) == 1 && n == 20 ? 0 : -1;
}
#endif

// Compares a hex digest with the parameter text, ignoring case (RFC 4483 gives none).
bool same_hex(const uint8_t digest[20], std::string_view hex) {
    static constexpr char kHex[] = "0123456789abcdef";
    if (hex.size() != 40) return false;
    for (size_t i = 0; i < 20; ++i) {
        char hi = kHex[digest[i] >> 4], lo = kHex[digest[i] & 15];
        char a = static_cast<char>(hex[2 * i] | 0x20), b = static_cast<char>(hex[2 * i + 1] | 0x20);
        if (a != hi || b != lo) return false;
    }
    return true;
}

// The URI of a name-addr value ("" when it does not parse).
std::string uri_of(std::string_view value) {
    sip::NameAddr na;
    Error err;
    if (sip::parse_name_addr(value, na, err) != Status::ok) return {};
    return sip::compact_uri(na.uri);  // it becomes a Request-URI
}

bool parse_sip_uri(const std::string& text, const char* why, Error& err) {
    sip::Uri uri;
    if (sip::parse_uri(text, uri, err) == Status::ok) return true;
    err.fail(Status::invalid_argument, why, err.offset);
    return false;
}

// Subscription-State = substate-value *( SEMI subexp-params ) (RFC 3265 7.2.4).
struct SubscriptionState {
    std::string_view value;
    std::optional<uint32_t> expires, retry_after;
    std::string_view reason;
};

Status parse_subscription_state(std::string_view v, SubscriptionState& out, Error& err) {
    v = text::trim_lws(v);
    size_t end = 0;
    while (end < v.size() && text::is_token_char(v[end])) ++end;
    if (end == 0) return err.fail(Status::bad_header, "Subscription-State: no substate", 0);
    out.value = v.substr(0, end);
    size_t pos = end + text::lws_length(v, end);
    std::string_view list = v.substr(pos);
    size_t at = 0;
    if (sip::scan_params(list, at, sip::ParamSyntax::header, err) != Status::ok ||
        at != list.size())
        return err.fail(Status::bad_header, "Subscription-State: bad parameters", pos + at);
    sip::ParamIterator it(list);
    sip::Param p;
    while (it.next(p)) {
        uint32_t n = 0;
        Error e;
        if (text::iequals(p.name, "expires") &&
            sip::parse_delta_seconds(p.value, n, e) == Status::ok)
            out.expires = n;
        else if (text::iequals(p.name, "retry-after") &&
                 sip::parse_delta_seconds(p.value, n, e) == Status::ok)
            out.retry_after = n;
        else if (text::iequals(p.name, "reason"))
            out.reason = p.value;
    }
    return Status::ok;
}
}  // namespace

HashFn HashFn::system_default() noexcept {
#if defined(PUSHCORE_HAVE_OPENSSL)
    return HashFn{openssl_sha1, nullptr};
#else
    return HashFn{};
#endif
}

Status ProfileSubscriber::create(SubscriberConfig config, std::optional<ProfileSubscriber>& out,
                                 Error& err) {
    if (config.from.empty()) config.from = config.request_uri;
    if (config.to.empty()) config.to = config.request_uri;
    if (!parse_sip_uri(config.request_uri, "request_uri is not a SIP URI", err) ||
        !parse_sip_uri(config.from, "from is not a SIP URI", err) ||
        !parse_sip_uri(config.to, "to is not a SIP URI", err) ||
        !parse_sip_uri(config.contact, "contact is not a SIP URI", err))
        return err.status;
    if (config.sent_by.empty()) return err.fail(Status::invalid_argument, "sent_by is required", 0);
    if (!text::is_token(config.transport))
        return err.fail(Status::invalid_argument, "transport must be a token such as UDP", 0);
    if (!config.random.valid())
        return err.fail(Status::invalid_argument, "no random source (set one in the config)", 0);
    if (config.profile_type == ProfileType::other && !text::is_token(config.profile_type_token))
        return err.fail(Status::invalid_argument, "profile_type_token must be a token", 0);
    if (!config.network_user.empty()) {
        // 7.2: meaningful for device and local-network only; RFC 6080 dropped it.
        if (config.form == Form::rfc6080)
            return err.fail(Status::invalid_argument, "network-user: not defined in RFC 6080", 0);
        if (config.profile_type != ProfileType::device &&
            config.profile_type != ProfileType::local_network)
            return err.fail(Status::invalid_argument,
                            "network-user: only for device and local-network profiles", 0);
    }
    for (const std::string& type : config.accept) {
        MediaType mt;
        if (parse_media_type(type, mt, err) != Status::ok || !mt.params.empty())
            return err.fail(Status::invalid_argument, "accept: not a media type", 0);
    }

    ProfileSubscriber s(std::move(config));
    // The Event value, built once and checked against the SUBSCRIBE table of 7.2.
    UaProfileEvent ev;
    ev.has_type = true;
    ev.type = s.config_.profile_type;
    ev.type_token = s.config_.profile_type_token;
    ev.vendor = TextValue::of(s.config_.vendor);
    ev.model = TextValue::of(s.config_.model);
    ev.version = TextValue::of(s.config_.version);
    if (!s.config_.network_user.empty()) ev.network_user = TextValue::of(s.config_.network_user);
    if (s.config_.vendor.empty())
        return err.fail(Status::invalid_argument, "vendor: required in SUBSCRIBE (7.2)", 0);
    if (s.config_.model.empty())
        return err.fail(Status::invalid_argument, "model: required in SUBSCRIBE (7.2)", 0);
    if (s.config_.version.empty())
        return err.fail(Status::invalid_argument, "version: required in SUBSCRIBE (7.2)", 0);
    append_event(s.event_value_, ev);
    UaProfileEvent back;
    if (parse_event(s.event_value_, back, err) != Status::ok ||
        check_for(Method::subscribe, back, s.config_.form, err) != Status::ok)
        return err.fail(Status::invalid_argument, err.reason, err.offset);

    // 7.5: message/external-body says content indirection is understood; then the
    // profile types (7.2: the Accept MUST list them all).
    s.accept_value_ = "message/external-body";
    for (const std::string& type : s.config_.accept)
        if (!text::iequals(type, "message/external-body")) s.accept_value_ += ", " + type;

    if (!s.config_.random.append_token(s.call_id_, 16))
        return err.fail(Status::internal, "random source failed", 0);
    out.emplace(std::move(s));
    return Status::ok;
}

// --- the one place where state changes ---------------------------------------------------

Status ProfileSubscriber::transition(Input input, Outcome o, uint64_t now_ms) {
    auto fail_event = [&](State next) {
        Event ev;
        ev.type =
            (o.code == 401 || o.code == 407) ? Event::Type::auth_required : Event::Type::failed;
        ev.code = o.code;
        ev.reason = std::move(o.reason);
        ev.challenge = std::move(o.challenge);
        push(std::move(ev));
        state_ = next;
        refresh_at_ = expires_at_ = PUSHCORE_NO_DEADLINE;
        stop_pending_ = false;
    };
    switch (input) {
        case Input::start:
            if (state_ != State::idle && state_ != State::terminated) return Status::invalid_state;
            // A new dialog: new Call-ID (after the first), tag, no remote state.
            if (state_ == State::terminated) {
                call_id_.clear();
                if (!config_.random.append_token(call_id_, 16)) return Status::internal;
            }
            local_tag_.clear();
            if (!config_.random.append_token(local_tag_, 8)) return Status::internal;
            remote_tag_.clear();
            remote_target_.clear();
            route_set_.clear();
            remote_cseq_known_ = false;
            last_notify_branch_.clear();
            sub_state_ = SubState::none;
            stop_pending_ = false;
            state_ = State::subscribing;
            return send_subscribe(config_.expires, now_ms);

        case Input::stop:
            switch (state_) {
                case State::subscribing:
                case State::refreshing:
                    stop_pending_ = true;  // sent once the SUBSCRIBE in flight is answered
                    return Status::ok;
                case State::subscribed:
                    state_ = State::unsubscribing;
                    return send_subscribe(0, now_ms);
                default:
                    return Status::invalid_state;
            }

        case Input::refresh_due:
            if (state_ != State::subscribed || in_flight_) return Status::ok;
            state_ = State::refreshing;
            return send_subscribe(config_.expires, now_ms);

        case Input::answered_ok:
            switch (state_) {
                case State::subscribing:
                case State::refreshing: {
                    Event ev;
                    ev.type = Event::Type::subscribed;
                    ev.code = o.code;
                    ev.expires = o.seconds;
                    push(std::move(ev));
                    if (stop_pending_) {
                        stop_pending_ = false;
                        state_ = State::unsubscribing;
                        return send_subscribe(0, now_ms);
                    }
                    state_ = State::subscribed;
                    schedule_refresh(o.seconds, now_ms);
                    return Status::ok;
                }
                case State::unsubscribing: {
                    Event ev;
                    ev.type = Event::Type::unsubscribed;
                    ev.code = o.code;
                    push(std::move(ev));
                    state_ = State::terminated;
                    return Status::ok;
                }
                default:  // terminated by a NOTIFY before the 2xx came: nothing changes
                    return Status::ok;
            }

        case Input::answered_retry:
            // RFC 3265 3.1.6.1 / RFC 3261 10.2.8: 423 -> again with at least Min-Expires.
            if (state_ != State::subscribing && state_ != State::refreshing) return Status::ok;
            config_.expires = o.seconds;
            return send_subscribe(o.seconds, now_ms);

        case Input::answered_failed:
            switch (state_) {
                case State::refreshing:
                    if (o.code != 481 && now_ms < expires_at_) {
                        // RFC 3265 3.1.4.2 (RFC 6665 4.1.2.2): a refresh refused with
                        // anything but 481 leaves the subscription valid until its last
                        // known expiry.
                        Event ev;
                        ev.type = Event::Type::refresh_failed;
                        ev.code = o.code;
                        ev.reason = std::move(o.reason);
                        ev.challenge = std::move(o.challenge);
                        ev.expires = static_cast<uint32_t>((expires_at_ - now_ms) / 1000);
                        push(std::move(ev));
                        state_ = State::subscribed;
                        if (stop_pending_) {
                            stop_pending_ = false;
                            state_ = State::unsubscribing;
                            return send_subscribe(0, now_ms);
                        }
                        // Again halfway to the expiry, while a transaction still fits.
                        uint64_t left = expires_at_ - now_ms;
                        if (left / 2 > kTimerF) refresh_at_ = now_ms + left / 2;
                        return Status::ok;
                    }
                    [[fallthrough]];  // 481: the subscription is gone
                case State::subscribing:
                case State::unsubscribing:
                    fail_event(State::terminated);
                    sub_state_ = SubState::none;
                    return Status::ok;
                default:
                    return Status::ok;
            }

        case Input::ended: {
            if (state_ == State::idle || state_ == State::terminated) return Status::ok;
            Event ev;
            ev.type = Event::Type::terminated;
            ev.reason = std::move(o.reason);
            ev.retry_after = o.retry_after;
            push(std::move(ev));
            // A SUBSCRIBE still in flight (one-time fetch, unsubscribe) is left to finish;
            // its answer changes nothing now.
            state_ = State::terminated;
            refresh_at_ = expires_at_ = PUSHCORE_NO_DEADLINE;
            stop_pending_ = false;
            return Status::ok;
        }
    }
    return Status::internal;
}

// --- requests -------------------------------------------------------------------------------

Status ProfileSubscriber::start(uint64_t now_ms) {
    return transition(Input::start, Outcome{}, now_ms);
}

Status ProfileSubscriber::stop(uint64_t now_ms) {
    return transition(Input::stop, Outcome{}, now_ms);
}

Status ProfileSubscriber::send_subscribe(uint32_t expires, uint64_t now_ms) {
    branch_ = "z9hG4bK";  // RFC 3261 8.1.1.7 magic cookie
    if (!config_.random.append_token(branch_, 12)) return Status::internal;
    requested_expires_ = expires;
    bool in_dialog = !remote_tag_.empty();
    // RFC 3261 12.2.1.1: in the dialog, the remote target and the route set.
    const std::string& target =
        in_dialog && !remote_target_.empty() ? remote_target_ : config_.request_uri;
    std::string to = "<" + config_.to + ">";
    if (in_dialog) to += ";tag=" + remote_tag_;

    request_.clear();
    sip::MessageWriter w(request_);
    w.request("SUBSCRIBE", target)
        .header("Via", "SIP/2.0/" + config_.transport + " " + config_.sent_by +
                           ";branch=" + branch_ + ";rport")
        .header("Max-Forwards", "70");
    if (in_dialog)
        for (const std::string& route : route_set_) w.header("Route", route);
    w.header("From", "<" + config_.from + ">;tag=" + local_tag_)
        .header("To", to)
        .header("Call-ID", call_id_)
        .header("CSeq", std::to_string(++cseq_) + " SUBSCRIBE")
        .header("Contact", "<" + config_.contact + ">")
        .header("Event", event_value_)  // 7.2
        .header("Accept", accept_value_)
        .header("Expires", std::to_string(expires));  // 7.4
    if (!config_.user_agent.empty()) w.header("User-Agent", config_.user_agent);
    w.finish();  // 7.3: no body
    outputs_.push_back(request_);

    in_flight_ = true;
    bool unreliable = text::iequals(config_.transport, "UDP");
    retransmit_interval_ = kT1;
    retransmit_at_ = unreliable ? now_ms + kT1 : PUSHCORE_NO_DEADLINE;
    give_up_at_ = now_ms + kTimerF;
    refresh_at_ = PUSHCORE_NO_DEADLINE;
    return Status::ok;
}

void ProfileSubscriber::finish_transaction() noexcept {
    in_flight_ = false;
    retransmit_at_ = give_up_at_ = PUSHCORE_NO_DEADLINE;
}

void ProfileSubscriber::schedule_refresh(uint32_t granted, uint64_t now_ms) {
    refresh_at_ = expires_at_ = PUSHCORE_NO_DEADLINE;
    if (granted == 0 || requested_expires_ == 0) return;  // 7.4 one-time fetch: no refresh
    expires_at_ = now_ms + static_cast<uint64_t>(granted) * 1000;
    uint64_t margin = std::min<uint64_t>(config_.refresh_margin, granted / 2);
    refresh_at_ = now_ms + (static_cast<uint64_t>(granted) - margin) * 1000;
}

// --- input ----------------------------------------------------------------------------------

Status ProfileSubscriber::receive(const sip::Message& m, uint64_t now_ms, Error& err) {
    if (!m.is_request) return receive_response(m, now_ms, err);
    return receive_notify(m, now_ms, err);
}

Status ProfileSubscriber::receive_response(const sip::Message& r, uint64_t now_ms, Error& err) {
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
    if (!in_flight_ || via.branch != branch_ || cseq.method != "SUBSCRIBE" ||
        cseq.number != cseq_ || call_id->value != call_id_)
        return err.fail(Status::unexpected_message, "response to no SUBSCRIBE in progress", 0);
    if (r.status_code < 200) {
        // RFC 3261 17.1.2.2 Proceeding: UDP retransmissions continue, every T2.
        retransmit_interval_ = kT2;
        if (retransmit_at_ != PUSHCORE_NO_DEADLINE) retransmit_at_ = now_ms + kT2;
        return Status::ok;
    }
    finish_transaction();

    Outcome o;
    o.code = r.status_code;
    o.reason = std::string(r.reason);
    if (r.status_code >= 300) {
        if (r.status_code == 423 && state_ != State::unsubscribing) {
            uint32_t min = 0;
            Error e;
            const sip::Header* h = r.find(sip::HeaderId::min_expires);
            if (h && sip::parse_delta_seconds(h->value, min, e) == Status::ok &&
                min > requested_expires_) {
                o.seconds = min;
                return transition(Input::answered_retry, std::move(o), now_ms);
            }
        }
        const sip::Header* challenge =
            r.find(r.status_code == 407 ? sip::HeaderId::proxy_authenticate
                                        : sip::HeaderId::www_authenticate);
        if (challenge) o.challenge = std::string(challenge->value);
        return transition(Input::answered_failed, std::move(o), now_ms);
    }

    // 2xx: the dialog (RFC 3261 12.1.2), unless a NOTIFY made it first (7.9: one dialog).
    if (remote_tag_.empty()) {
        if (const sip::Header* to = r.find(sip::HeaderId::to)) remote_tag_ = sip::tag_of(to->value);
        if (const sip::Header* c = r.find(sip::HeaderId::contact))
            remote_target_ = uri_of(c->value);
        route_set_.clear();
        for (const sip::Header& h : r.headers)
            if (h.id == sip::HeaderId::record_route) {
                sip::ListIterator it(h.value);
                std::string_view item;
                size_t at;
                while (it.next(item, at)) route_set_.emplace_back(item);
            }
        std::reverse(route_set_.begin(), route_set_.end());
    }
    // RFC 3265 3.1.1: the 2xx's Expires is the duration granted.
    uint32_t granted = requested_expires_;
    Error e;
    if (const sip::Header* h = r.find(sip::HeaderId::expires))
        if (sip::parse_delta_seconds(h->value, granted, e) != Status::ok)
            granted = requested_expires_;
    o.seconds = granted;
    return transition(Input::answered_ok, std::move(o), now_ms);
}

void ProfileSubscriber::answer(const sip::Message& request, uint16_t code) {
    std::string out;
    sip::begin_response(out, request, code,
                        local_tag_.empty() ? std::string_view("x") : local_tag_);
    sip::MessageWriter w(out);
    if (code == 200) w.header("Contact", "<" + config_.contact + ">");
    if (code == 489) w.header("Allow-Events", "ua-profile");  // RFC 3265 7.2.2
    if (code == 405) w.header("Allow", "NOTIFY");
    w.finish();
    outputs_.push_back(std::move(out));
}

Status ProfileSubscriber::refuse(const sip::Message& request, uint16_t code, Status status,
                                 const char* why, Error& err) {
    answer(request, code);
    return err.fail(status, why, 0);
}

Status ProfileSubscriber::receive_notify(const sip::Message& n, uint64_t now_ms, Error& err) {
    if (n.method != "NOTIFY")
        return refuse(n, 405, Status::unexpected_message, "the subscriber accepts NOTIFY only",
                      err);
    const sip::Header* call_id = n.find(sip::HeaderId::call_id);
    const sip::Header* from = n.find(sip::HeaderId::from);
    const sip::Header* to = n.find(sip::HeaderId::to);
    const sip::Header* cseq_h = n.find(sip::HeaderId::cseq);
    sip::CSeq cseq;
    sip::Via via;
    if (!call_id || !from || !to || !cseq_h)
        return refuse(n, 400, Status::missing_header, "NOTIFY without Call-ID, From, To or CSeq",
                      err);
    Error e;
    if (sip::parse_cseq(cseq_h->value, cseq, e) != Status::ok || cseq.method != "NOTIFY")
        return refuse(n, 400, Status::bad_header, "NOTIFY: bad CSeq", err);
    if (sip::top_via(n, via, e) != Status::ok)
        return refuse(n, 400, Status::bad_header, "NOTIFY: bad Via", err);

    // RFC 3265 3.2.4 / RFC 3261 12.2.2: the dialog by Call-ID, our tag in To, the
    // notifier's tag in From (learnt from the first NOTIFY or the 2xx; 7.9 one dialog).
    std::string_view their_tag = sip::tag_of(from->value);
    bool live = state_ != State::idle && !(state_ == State::terminated && remote_tag_.empty());
    if (!live || call_id->value != call_id_ || sip::tag_of(to->value) != local_tag_ ||
        their_tag.empty() || (!remote_tag_.empty() && their_tag != remote_tag_))
        return refuse(n, 481, Status::unexpected_message, "NOTIFY matches no subscription", err);

    // A retransmission (RFC 3261 17.2.2): the same answer again, nothing processed twice.
    if (remote_cseq_known_ && cseq.number == remote_cseq_ && via.branch == last_notify_branch_ &&
        !last_answer_.empty()) {
        outputs_.push_back(last_answer_);
        return Status::ok;
    }
    // RFC 3261 12.2.2: a CSeq lower than the last one is out of order.
    if (remote_cseq_known_ && cseq.number <= remote_cseq_)
        return refuse(n, 500, Status::unexpected_message, "NOTIFY: CSeq out of order", err);

    // RFC 3265 7.2.1 / 3.2.4: the Event must be this package, else 489.
    const sip::Header* event_h = n.find(sip::HeaderId::event);
    UaProfileEvent event;
    if (!event_h) return refuse(n, 489, Status::missing_header, "NOTIFY without Event", err);
    Status st = parse_event(event_h->value, event, e);
    if (st == Status::not_found)
        return refuse(n, 489, Status::not_found, "NOTIFY: Event is not ua-profile", err);
    if (st != Status::ok) return refuse(n, 400, st, "NOTIFY: bad Event header", err);

    const sip::Header* ss_h = n.find(sip::HeaderId::subscription_state);
    SubscriptionState ss;
    // RFC 3265 7.2 requires Subscription-State in a NOTIFY, but the draft's own example
    // (7.12) has none, and servers written from it send none: read as "active".
    ss.value = "active";
    if (ss_h && parse_subscription_state(ss_h->value, ss, e) != Status::ok)
        return refuse(n, 400, Status::bad_header, "NOTIFY: bad Subscription-State", err);

    bool terminating = text::iequals(ss.value, "terminated");
    // After the subscription ended only its final NOTIFY is still welcome.
    if (state_ == State::terminated && !terminating)
        return refuse(n, 481, Status::unexpected_message, "NOTIFY for an ended subscription", err);

    // The body is read before anything is kept, so a broken one changes nothing.
    const sip::Header* ct = n.find(sip::HeaderId::content_type);
    std::vector<BodyPart> parts;
    if (!n.body.empty()) {
        if (!ct)
            return refuse(n, 400, Status::missing_header, "NOTIFY body without Content-Type", err);
        Error body_err;
        if (parse_notify_body(ct->value, n.body, parts, body_err) != Status::ok) {
            answer(n, 400);
            return err.fail(body_err.status, body_err.reason, body_err.offset);
        }
    }

    // Accepted: the dialog, then the answer (the subscriber answers every NOTIFY).
    if (remote_tag_.empty()) remote_tag_ = std::string(their_tag);
    if (const sip::Header* c = n.find(sip::HeaderId::contact)) {
        std::string target = uri_of(c->value);
        if (!target.empty()) remote_target_ = std::move(target);
    }
    remote_cseq_known_ = true;
    remote_cseq_ = cseq.number;
    last_notify_branch_ = std::string(via.branch);
    answer(n, 200);
    last_answer_ = outputs_.back();  // for a retransmission of this NOTIFY

    // 7.8: effective-by seconds after now, else when it is non-obtrusive.
    std::optional<uint64_t> apply_by;
    if (event.effective_by) apply_by = now_ms + static_cast<uint64_t>(*event.effective_by) * 1000;

    bool something_new = false;
    // 7.7: no body, no profile for us. A terminated NOTIFY carries none anyway (unsubscribe,
    // expiry), except as the answer to a one-time fetch.
    if (n.body.empty() && (!terminating || config_.expires == 0)) {
        Event ev;
        ev.type = Event::Type::no_profile;
        push(std::move(ev));
    }
    for (const BodyPart& part : parts) {
        if (part.kind == PartKind::inline_body) {
            const InlineBody& b = part.inline_body;
            // 7.5: a Content-ID the phone holds already is not applied again.
            if (!b.content_id.empty() && known_content_id(b.content_id)) continue;
            Profile p;
            p.content_type = std::string(b.content_type);
            p.content_id = std::string(b.content_id);
            p.body = std::string(b.body);
            p.apply_by = apply_by;
            Event ev;
            ev.type = Event::Type::profile;
            ev.content_type = p.content_type;
            ev.content_id = p.content_id;
            ev.body = p.body;
            ev.apply_by = apply_by;
            push(std::move(ev));
            keep(std::move(p), ++seq_);
            something_new = true;
            continue;
        }
        const IndirectProfile& ip = part.indirect;
        // 7.5: the Content-ID tells whether the phone has this content already. Without
        // one (a plain application/url body), the URL stands for it.
        std::string_view id = ip.content_id.empty() ? ip.url : ip.content_id;
        if (known_content_id(id) || pending_.size() >= kMaxPending) continue;
        Pending pf;
        pf.content_id = std::string(id);
        pf.content_type = std::string(ip.content_type);
        pf.url = std::string(ip.url);
        pf.hash = std::string(ip.hash);
        pf.apply_by = apply_by;
        pf.seq = ++seq_;
        Event ev;
        ev.type = Event::Type::fetch;
        ev.url = pf.url;
        ev.content_type = pf.content_type;
        ev.content_id = pf.content_id;
        ev.hash = pf.hash;
        ev.size = ip.size;
        ev.apply_by = apply_by;
        push(std::move(ev));
        pending_.push_back(std::move(pf));
        something_new = true;
    }
    if (something_new) {
        Event ev;
        ev.type = apply_by ? Event::Type::apply_by : Event::Type::apply_when_idle;
        ev.apply_by = apply_by;
        push(std::move(ev));
        if (apply_by) apply_at_ = std::min(apply_at_, *apply_by);
    }

    // RFC 3265 3.2.4: the substate. An unknown value changes nothing.
    if (terminating) {
        sub_state_ = SubState::terminated;
        Outcome o;
        o.reason = std::string(ss.reason);
        o.retry_after = ss.retry_after;
        return transition(Input::ended, std::move(o), now_ms);
    }
    if (text::iequals(ss.value, "active")) sub_state_ = SubState::active;
    if (text::iequals(ss.value, "pending")) sub_state_ = SubState::pending;
    // RFC 3265 3.2.4: an expires parameter shortens (or tells) the remaining duration.
    if (ss.expires && state_ == State::subscribed && !in_flight_ && requested_expires_ != 0)
        schedule_refresh(*ss.expires, now_ms);
    return Status::ok;
}

// --- profiles -------------------------------------------------------------------------------

bool ProfileSubscriber::known_content_id(std::string_view id) const noexcept {
    for (const Pending& p : pending_)
        if (p.content_id == id) return true;
    for (const Profile& p : profiles_)
        if (p.content_id == id) return true;
    return false;
}

bool ProfileSubscriber::keep(Profile profile, uint64_t seq) {
    // One slot per media type: a newer good profile replaces it, an older one does not.
    for (size_t i = 0; i < profiles_.size(); ++i) {
        if (!text::iequals(profiles_[i].content_type, profile.content_type)) continue;
        if (profile_seq_[i] > seq) return false;
        profiles_[i] = std::move(profile);
        profile_seq_[i] = seq;
        latest_ = i;
        return true;
    }
    profiles_.push_back(std::move(profile));
    profile_seq_.push_back(seq);
    latest_ = profiles_.size() - 1;
    return true;
}

const Profile* ProfileSubscriber::current_profile() const noexcept {
    return profiles_.empty() ? nullptr : &profiles_[latest_];
}

const Profile* ProfileSubscriber::current_profile(std::string_view content_type) const noexcept {
    for (const Profile& p : profiles_)
        if (text::iequals(p.content_type, content_type)) return &p;
    return nullptr;
}

Status ProfileSubscriber::on_fetched(std::string_view content_id, std::string_view bytes,
                                     uint64_t now_ms) {
    (void)now_ms;
    auto it = std::find_if(pending_.begin(), pending_.end(),
                           [&](const Pending& p) { return p.content_id == content_id; });
    if (it == pending_.end()) return Status::not_found;
    Pending pf = std::move(*it);
    pending_.erase(it);

    Event ev;
    ev.content_id = pf.content_id;
    ev.content_type = pf.content_type;
    ev.url = pf.url;
    ev.hash = pf.hash;
    ev.apply_by = pf.apply_by;
    if (!pf.hash.empty()) {
        // RFC 4483: the hash is the SHA-1 of the content.
        if (!config_.hash.valid()) {
            ev.hash_check = HashCheck::unverifiable;
        } else {
            uint8_t digest[20];
            if (config_.hash.fn(config_.hash.ctx, reinterpret_cast<const uint8_t*>(bytes.data()),
                                bytes.size(), digest) != 0)
                return Status::internal;
            ev.hash_check = same_hex(digest, pf.hash) ? HashCheck::verified : HashCheck::mismatch;
        }
    }
    if (ev.hash_check == HashCheck::mismatch) {
        ev.type = Event::Type::fetch_failed;
        ev.reason = "hash mismatch";
        push(std::move(ev));
        return Status::ok;
    }
    Profile p;
    p.content_type = pf.content_type;
    p.content_id = pf.content_id;
    p.url = pf.url;
    p.body = std::string(bytes);
    p.apply_by = pf.apply_by;
    if (keep(std::move(p), pf.seq)) {
        ev.type = Event::Type::profile_ready;
    } else {
        // Announced before the profile now current (fetches may finish out of order).
        ev.type = Event::Type::fetch_failed;
        ev.reason = "superseded by a newer profile";
    }
    push(std::move(ev));
    return Status::ok;
}

Status ProfileSubscriber::on_fetch_failed(std::string_view content_id, uint64_t now_ms) {
    (void)now_ms;
    auto it = std::find_if(pending_.begin(), pending_.end(),
                           [&](const Pending& p) { return p.content_id == content_id; });
    if (it == pending_.end()) return Status::not_found;
    Event ev;
    ev.type = Event::Type::fetch_failed;
    ev.reason = "fetch failed";
    ev.content_id = it->content_id;
    ev.content_type = it->content_type;
    ev.url = it->url;
    ev.hash = it->hash;
    pending_.erase(it);
    push(std::move(ev));
    return Status::ok;
}

// --- output and time ------------------------------------------------------------------------

bool ProfileSubscriber::next_output(std::string& out) {
    if (outputs_.empty()) return false;
    out = std::move(outputs_.front());
    outputs_.pop_front();
    return true;
}

bool ProfileSubscriber::next_event(Event& out) {
    if (events_.empty()) return false;
    out = std::move(events_.front());
    events_.pop_front();
    return true;
}

uint64_t ProfileSubscriber::next_deadline() const noexcept {
    uint64_t expiry = state_ == State::subscribed ? expires_at_ : PUSHCORE_NO_DEADLINE;
    return std::min({retransmit_at_, give_up_at_, refresh_at_, apply_at_, expiry});
}

void ProfileSubscriber::on_timeout(uint64_t now_ms) {
    if (now_ms >= apply_at_) {
        // 7.8: the UA MUST attempt to make the profiles effective by now.
        apply_at_ = PUSHCORE_NO_DEADLINE;
        Event ev;
        ev.type = Event::Type::apply_due;
        ev.apply_by = now_ms;
        push(std::move(ev));
    }
    if (in_flight_ && now_ms >= give_up_at_) {
        // RFC 3261 17.1.2.2 Timer F (Timer B's counterpart): reported as 408.
        finish_transaction();
        Outcome o;
        o.code = 408;
        o.reason = "no response";
        transition(Input::answered_failed, std::move(o), now_ms);
        return;
    }
    if (in_flight_ && now_ms >= retransmit_at_) {
        outputs_.push_back(request_);  // Timer E: same request, same branch
        retransmit_interval_ = std::min(retransmit_interval_ * 2, kT2);
        retransmit_at_ = now_ms + retransmit_interval_;
    }
    if (state_ == State::subscribed && now_ms >= expires_at_) {
        // Every refresh failed: the subscription ran out (RFC 6665 reason "timeout").
        Outcome o;
        o.reason = "timeout";
        transition(Input::ended, std::move(o), now_ms);
        return;
    }
    if (!in_flight_ && now_ms >= refresh_at_) {
        refresh_at_ = PUSHCORE_NO_DEADLINE;
        transition(Input::refresh_due, Outcome{}, now_ms);
    }
}

}  // namespace pushcore::ua_profile
