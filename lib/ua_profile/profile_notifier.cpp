#include "pushcore/ua_profile/profile_notifier.hpp"

#include <algorithm>

#include "pushcore/sip/headers.hpp"
#include "pushcore/sip/name_addr.hpp"
#include "pushcore/sip/params.hpp"
#include "pushcore/sip/uri.hpp"
#include "pushcore/text/grammar.hpp"
#include "pushcore/ua_profile/content_indirection.hpp"
#include "pushcore/ua_profile/device_id.hpp"

namespace pushcore::ua_profile {

using sip::HeaderId;

namespace {

constexpr uint64_t kT1 = 500;  // RFC 3261 17.1.1.1
constexpr uint64_t kT2 = 4000;
constexpr uint64_t kT4 = 5000;  // Timer K: how long a completed NOTIFY absorbs responses

// Whether a request came over UDP, as its top Via says (RFC 3261 18.2.1): the NOTIFYs of
// its subscription go back the same way and are retransmitted (17.1.2.2).
// The transport a request came over, as its top Via names it (upper case; "UDP" when
// unreadable: received() already refused a request without a Via).
std::string via_transport(const sip::Message& m) {
    sip::Via via;
    Error err;
    std::string t = "UDP";
    if (sip::top_via(m, via, err) == Status::ok && !via.transport.empty()) {
        t.assign(via.transport);
        for (char& c : t)
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    }
    return t;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return out;
}

uint64_t fnv(std::string_view a, std::string_view b = {}, std::string_view c = {}) {
    uint64_t h = 1469598103934665603ull;
    for (std::string_view s : {a, b, c}) {
        for (unsigned char ch : s) h = (h ^ ch) * 1099511628211ull;
        h = (h ^ 0xff) * 1099511628211ull;
    }
    return h;
}

std::string hex16(uint64_t h) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(h >> shift) & 15]);
    return out;
}

// Whether an Accept list (RFC 3261 20.1) admits `type`/`subtype`; wildcards count.
bool accepts(std::string_view list, std::string_view type, std::string_view subtype) {
    sip::ListIterator it(list);
    std::string_view item;
    size_t at;
    while (it.next(item, at)) {
        std::string_view range = text::trim_lws(item.substr(0, item.find(';')));
        size_t slash = range.find('/');
        if (slash == std::string_view::npos) continue;
        std::string_view t = text::trim_lws(range.substr(0, slash));
        std::string_view st = text::trim_lws(range.substr(slash + 1));
        if (t == "*" && st == "*") return true;
        if (text::iequals(t, type) && (st == "*" || text::iequals(st, subtype))) return true;
    }
    return false;
}

std::string_view termination_name(ProfileNotifier::Termination t) {
    switch (t) {
        case ProfileNotifier::Termination::deactivated:
            return "deactivated";
        case ProfileNotifier::Termination::probation:
            return "probation";
        case ProfileNotifier::Termination::rejected:
            return "rejected";
        case ProfileNotifier::Termination::giveup:
            return "giveup";
        case ProfileNotifier::Termination::noresource:
            break;
    }
    return "noresource";
}

// A dialog's key: Call-ID, the subscriber's tag and ours (RFC 3261 12: all three).
std::string dialog_key(std::string_view call_id, std::string_view remote_tag,
                       std::string_view local_tag) {
    std::string key(call_id);
    key.append("\n").append(remote_tag).append("\n").append(local_tag);
    return key;
}

// What identifies a request's transaction (RFC 3261 17.2.3: branch and sent-by): its
// first Via header field as written; a retransmission repeats it.
std::string transaction_of(const sip::Message& m) {
    const sip::Header* via = m.find(HeaderId::via);
    return via ? std::string(via->value) : std::string();
}

// "user@host" of a SIP URI: the user unescaped, the host lower-cased; "host" without user.
std::string user_at_host(const sip::Uri& uri) {
    std::string key;
    if (uri.has_user) {
        text::append_decoded(key, uri.user);
        key.push_back('@');
    }
    key += lower(uri.host);
    return key;
}

// RFC 6665 4.2.2: a failed NOTIFY removes the subscription, unless the response asks for a
// retry later (Retry-After) or is a challenge the notifier could answer.
bool notify_failure_ends(const sip::Message& m) {
    if (m.status_code < 300) return false;
    if (m.find("Retry-After")) return false;
    return true;
}

}  // namespace

Status ProfileNotifier::create(Config config, std::optional<ProfileNotifier>& out, Error& err) {
    if (!config.random.valid())
        return err.fail(Status::invalid_argument, "no random source (set one in the config)", 0);
    if (config.via_sent_by.empty())
        return err.fail(Status::invalid_argument, "via_sent_by is required", 0);
    if (config.contact.empty() || config.contact.find_first_of("\r\n") != std::string::npos)
        return err.fail(Status::invalid_argument, "contact must be one header value", 0);
    if (config.min_expires > config.max_expires || config.default_expires == 0 ||
        config.default_expires > config.max_expires)
        return err.fail(Status::invalid_argument, "expires limits are inconsistent", 0);
    if (config.max_subscriptions == 0)
        return err.fail(Status::invalid_argument, "max_subscriptions must be at least 1", 0);
    ProfileNotifier n(std::move(config));
    n.tag_secret_ = n.new_token(8);
    if (n.tag_secret_.empty()) return err.fail(Status::internal, "random source failed", 0);
    out.emplace(std::move(n));
    return Status::ok;
}

std::string ProfileNotifier::new_token(size_t bytes) {
    std::string t;
    if (!config_.random.append_token(t, bytes)) t.clear();
    return t;
}

void ProfileNotifier::respond(const Peer& to, const sip::Message& request, uint16_t code,
                              std::string_view tag, std::string_view reason,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              std::string* copy) {
    Queued q;
    q.out.to = to;
    sip::begin_response(q.out.bytes, request, code, tag);
    if (!reason.empty() && reason.find_first_of("\r\n") == std::string_view::npos) {
        // "SIP/2.0 NNN " is 12 bytes: replace the default phrase with one naming the cause.
        size_t eol = q.out.bytes.find("\r\n");
        q.out.bytes.replace(12, eol - 12, reason);
    }
    sip::MessageWriter w(q.out.bytes);
    for (const auto& [name, value] : headers) w.header(name, value);
    w.finish();
    if (copy) *copy = q.out.bytes;
    outputs_.push_back(std::move(q));
}

Status ProfileNotifier::receive(const sip::Message& m, const Peer& from, uint64_t now_ms,
                                Error& err) {
    if (!m.is_request) return on_response(m, now_ms, err);
    sip::Via via;
    if (sip::top_via(m, via, err) != Status::ok) return err.status;  // nowhere to answer
    const std::string tag = sip::transaction_tag(tag_secret_, m);
    const HeaderId mandatory[] = {HeaderId::from, HeaderId::to, HeaderId::call_id, HeaderId::cseq};
    for (HeaderId id : mandatory) {
        if (!m.find(id)) {
            respond(from, m, 400, tag, "Missing From, To, Call-ID or CSeq");
            return err.fail(Status::missing_header, "request lacks From, To, Call-ID or CSeq", 0);
        }
    }
    sip::CSeq cseq;
    const sip::Header* cseq_h = m.find(HeaderId::cseq);
    if (sip::parse_cseq(cseq_h->value, cseq, err) != Status::ok || cseq.method != m.method) {
        respond(from, m, 400, tag, "Bad CSeq");
        return err.fail(Status::bad_header, "CSeq method differs from the request method",
                        cseq_h->offset);
    }
    if (m.method == "ACK") return Status::ok;
    if (m.method != "SUBSCRIBE") {
        respond(from, m, 405, tag, {}, {{"Allow", "SUBSCRIBE"}});
        return err.fail(Status::unexpected_message, "a notifier takes SUBSCRIBE requests only", 0);
    }
    return on_subscribe(m, from, now_ms, err);
}

Status ProfileNotifier::on_subscribe(const sip::Message& m, const Peer& from, uint64_t now_ms,
                                     Error& err) {
    const std::string tag = sip::transaction_tag(tag_secret_, m);
    sip::CSeq cseq;
    sip::parse_cseq(m.find(HeaderId::cseq)->value, cseq, err);
    const std::string call_id(m.find(HeaderId::call_id)->value);
    const std::string_view to_value = m.find(HeaderId::to)->value;
    const std::string_view from_value = m.find(HeaderId::from)->value;
    const std::string_view to_tag = sip::tag_of(to_value);
    const std::string remote_tag(sip::tag_of(from_value));

    // An existing dialog: a refresh, an unsubscribe or a retransmission. Without a To tag:
    // the initial SUBSCRIBE again, or a phone that refreshes by resending it (deployed),
    // taken as the dialog's with that Call-ID and From tag.
    auto dialog = dialogs_.end();
    if (!to_tag.empty()) {
        dialog = dialogs_.find(dialog_key(call_id, remote_tag, to_tag));
    } else {
        const std::string prefix = dialog_key(call_id, remote_tag, {});
        dialog = dialogs_.lower_bound(prefix);
        if (dialog != dialogs_.end() && dialog->first.compare(0, prefix.size(), prefix) != 0)
            dialog = dialogs_.end();
    }
    if (dialog != dialogs_.end())
        return on_refresh(subs_.at(dialog->second), m, from, cseq.number, now_ms, err);
    // A To tag of no dialog: 481 (RFC 6665 4.2.1.2), unless configured to take the draft's
    // 7.12 SUBSCRIBE, which has one. A request sent to our own Contact is in a dialog we
    // lost, never such an initial SUBSCRIBE.
    if (!to_tag.empty() && (!config_.accept_unknown_dialog || sent_to_contact(m))) {
        respond(from, m, 481, tag);
        return err.fail(Status::unexpected_message, "SUBSCRIBE for no known dialog", 0);
    }

    // The Event header (RFC 3265 7.2.1; draft 7.2).
    const sip::Header* ev_h = m.find(HeaderId::event);
    if (!ev_h) {
        respond(from, m, 400, tag, "Missing Event header");
        return err.fail(Status::missing_header, "SUBSCRIBE without Event", 0);
    }
    UaProfileEvent ev;
    Status st = parse_event(ev_h->value, ev, err);
    if (st == Status::not_found) {
        // RFC 3265 3.1.6.1 / RFC 6665 4.2.1.1: 489 with the packages we know.
        respond(from, m, 489, tag, {}, {{"Allow-Events", "ua-profile"}});
        return err.fail(Status::not_found, "not the ua-profile event package", ev_h->offset);
    }
    std::vector<std::string_view> ignored;
    if (st == Status::ok) st = check_for(Method::subscribe, ev, config_.form, err, &ignored);
    if (st != Status::ok) {
        respond(from, m, 400, tag, err.reason);  // names the parameter: "vendor: ..."
        err.offset += ev_h->offset;
        return err.status;
    }
    bool application_ignored =
        std::find(ignored.begin(), ignored.end(), "profile-type=application") != ignored.end();
    if (application_ignored && !config_.accept_application) {
        respond(from, m, 400, tag, "profile-type=application: not defined by RFC 6080");
        return err.fail(Status::bad_header, "profile-type=application: not accepted",
                        ev_h->offset + ev.type_offset);
    }
    bool network_user_ignored =
        std::find(ignored.begin(), ignored.end(), "network-user") != ignored.end();

    // Expires (RFC 3265 3.1.1; draft 7.4): absent -> the default, 0 -> a one-time fetch.
    uint32_t expires = config_.default_expires;
    if (const sip::Header* e = m.find(HeaderId::expires)) {
        if (sip::parse_delta_seconds(e->value, expires, err) != Status::ok) {
            respond(from, m, 400, tag, "Bad Expires");
            err.offset += e->offset;
            return err.status;
        }
    }
    if (expires > 0 && expires < config_.min_expires) {
        respond(from, m, 423, tag, {}, {{"Min-Expires", std::to_string(config_.min_expires)}});
        return err.fail(Status::invalid_argument, "Expires below min_expires", 0);
    }
    expires = std::min(expires, config_.max_expires);

    // Contact: where the NOTIFYs go (RFC 3265 3.1.1: mandatory in SUBSCRIBE).
    const sip::Header* contact_h = m.find(HeaderId::contact);
    sip::NameAddr contact;
    std::string_view first;
    size_t first_at = 0;
    sip::ListIterator contacts(contact_h ? contact_h->value : std::string_view());
    if (!contact_h || !contacts.next(first, first_at) ||
        sip::parse_name_addr(first, contact, err) != Status::ok) {
        respond(from, m, 400, tag, "Missing or bad Contact");
        if (err.status == Status::ok)
            err.fail(Status::missing_header, "SUBSCRIBE lacks Contact", 0);
        return err.status;
    }

    // The identity the profile is for (draft 7.13): the device identifier in the user part
    // for device and local-network profiles (deployed spellings too), user@host otherwise.
    std::string identity;
    if (ev.type == ProfileType::device || ev.type == ProfileType::local_network) {
        DeviceId id;
        if (parse_device_request_uri(m.request_uri, id, err) != Status::ok) {
            respond(from, m, 404, tag, "Not a device identifier");
            return err.status;
        }
        identity = id.canonical;
    } else {
        sip::Uri ruri;
        if (sip::parse_uri(m.request_uri, ruri, err) != Status::ok) {
            respond(from, m, 416, tag);
            return err.status;
        }
        identity = user_at_host(ruri);
    }

    if (ev.type == ProfileType::device) check_enrollment(identity, now_ms);

    Profile profile;
    ProfileQuery query;
    query.type = ev.type;
    query.type_token = ev.type_token;
    query.identity = identity;
    const std::string vendor = ev.vendor.text(), model = ev.model.text(),
                      version = ev.version.text();
    query.vendor = vendor;
    query.model = model;
    query.version = version;
    bool known = config_.lookup && config_.lookup(query, profile);
    if (!known && !config_.accept_unknown) {
        respond(from, m, 404, tag, "Unknown user or device");
        return Status::ok;  // a policy decision, not an error
    }
    if (subs_.size() >= config_.max_subscriptions) {
        respond(from, m, 503, tag, {}, {{"Retry-After", "60"}});
        return err.fail(Status::limit_subscriptions, "subscription limit reached", 0);
    }

    Subscription s;
    s.id = next_id_++;
    s.type = ev.type;
    s.type_token = std::string(ev.type_token);
    s.identity = identity;
    s.vendor = vendor;
    s.model = model;
    s.version = version;
    if (ev.network_user.present && !network_user_ignored &&
        (ev.type == ProfileType::device || ev.type == ProfileType::local_network))
        s.network_user = ev.network_user.text();
    for (const sip::Param& p : ev.unknown)
        if (text::iequals(p.name, "id")) {
            s.event_id = std::string(p.value);
            s.event_id_quoted = p.quoted;
        }
    for (const auto& h : m.headers) {
        if (h.id != HeaderId::accept) continue;
        if (s.accept_given) s.accept.push_back(',');
        s.accept.append(h.value);
        s.accept_given = true;
    }
    s.call_id = call_id;
    s.local_tag = to_tag.empty() ? tag : std::string(to_tag);
    s.remote_tag = remote_tag;
    s.local_uri = std::string(to_value);
    if (to_tag.empty()) s.local_uri += ";tag=" + s.local_tag;
    s.remote_uri = std::string(from_value);
    s.remote_target = sip::compact_uri(contact.uri);
    for (const auto& h : m.headers) {
        if (h.id != HeaderId::record_route) continue;
        sip::ListIterator it(h.value);
        std::string_view item;
        size_t at;
        while (it.next(item, at)) s.route_set.emplace_back(item);
    }
    s.remote_cseq = cseq.number;
    s.peer = from;
    s.transport = via_transport(m);
    s.unreliable = s.transport == "UDP";
    s.expires_at = now_ms + uint64_t{expires} * 1000;

    const uint64_t id = s.id;
    s.last_transaction = transaction_of(m);
    dialogs_[dialog_key(call_id, remote_tag, s.local_tag)] = id;
    Subscription& sub = subs_.emplace(id, std::move(s)).first->second;
    respond(from, m, 200, sub.local_tag, {},
            {{"Expires", std::to_string(expires)}, {"Contact", config_.contact}},
            &sub.last_response);
    if (expires > 0) timers_.emplace(sub.expires_at, id);

    Event e;
    e.type = Event::Type::subscribed;
    e.subscription = id;
    e.profile_type = sub.type;
    e.identity = sub.identity;
    e.vendor = sub.vendor;
    e.model = sub.model;
    e.version = sub.version;
    e.network_user = sub.network_user;
    e.expires = expires;
    e.known = known;
    events_.push_back(std::move(e));

    if (!sub.network_user.empty()) {
        // draft 7.6: the host decides whether the AOR becomes the device's default user.
        Event d;
        d.type = Event::Type::default_user;
        d.subscription = id;
        d.profile_type = sub.type;
        d.identity = sub.identity;
        d.network_user = sub.network_user;
        d.accepted = config_.network_user_policy &&
                     config_.network_user_policy(sub.identity, sub.network_user);
        events_.push_back(std::move(d));
    }

    // draft 7.7 / RFC 3265 3.1.6.2: always a NOTIFY upon accepting; Expires 0 makes it
    // the only one, with the profile and Subscription-State terminated (7.4).
    if (expires == 0) {
        sub.final_with_body = true;
        decide(sub, Input::end, now_ms, std::nullopt, EndReason::unsubscribed);
    } else {
        decide(sub, Input::notify, now_ms);
    }
    return Status::ok;
}

Status ProfileNotifier::on_refresh(Subscription& s, const sip::Message& m, const Peer& from,
                                   uint32_t cseq, uint64_t now_ms, Error& err) {
    std::string transaction = transaction_of(m);
    if (cseq == s.remote_cseq && transaction == s.last_transaction) {
        // A retransmission (RFC 3261 17.2.2): the same answer, nothing else.
        outputs_.push_back({Output{from, s.last_response}, 0, {}});
        return Status::ok;
    }
    const std::string tag = s.local_tag;
    if (cseq <= s.remote_cseq) {  // a new transaction must have a higher CSeq (12.2.1.1)
        respond(from, m, 500, tag, "CSeq out of order");  // RFC 3261 12.2.2
        return err.fail(Status::unexpected_message, "CSeq lower than the dialog's", 0);
    }
    // Every answer from here on is kept for the request's retransmissions.
    s.remote_cseq = cseq;
    s.last_transaction = std::move(transaction);
    if (s.state == State::terminating) {
        respond(from, m, 481, tag, "Subscription terminated", {}, &s.last_response);
        return Status::ok;
    }
    const sip::Header* ev_h = m.find(HeaderId::event);
    UaProfileEvent ev;
    if (!ev_h || parse_event(ev_h->value, ev, err) == Status::not_found) {
        respond(from, m, 489, tag, {}, {{"Allow-Events", "ua-profile"}}, &s.last_response);
        return err.fail(Status::not_found, "refresh is not for the ua-profile package", 0);
    }
    uint32_t expires = config_.default_expires;
    if (const sip::Header* e = m.find(HeaderId::expires)) {
        if (sip::parse_delta_seconds(e->value, expires, err) != Status::ok) {
            respond(from, m, 400, tag, "Bad Expires", {}, &s.last_response);
            err.offset += e->offset;
            return err.status;
        }
    }
    if (expires > 0 && expires < config_.min_expires) {
        respond(from, m, 423, tag, {}, {{"Min-Expires", std::to_string(config_.min_expires)}},
                &s.last_response);
        return err.fail(Status::invalid_argument, "Expires below min_expires", 0);
    }
    expires = std::min(expires, config_.max_expires);
    s.peer = from;
    // For the next NOTIFY (RFC 3261 18.1.1: our Via names the transport we send over); one
    // outstanding keeps its own.
    s.transport = via_transport(m);
    s.unreliable = s.transport == "UDP";
    if (const sip::Header* c = m.find(HeaderId::contact)) {
        // RFC 3261 12.2.2: a target refresh request updates the remote target.
        sip::ListIterator it(c->value);
        std::string_view item;
        size_t at;
        sip::NameAddr na;
        Error ignored;
        if (it.next(item, at) && sip::parse_name_addr(item, na, ignored) == Status::ok)
            s.remote_target = sip::compact_uri(na.uri);
    }
    respond(from, m, 200, tag, {},
            {{"Expires", std::to_string(expires)}, {"Contact", config_.contact}}, &s.last_response);
    if (expires == 0) {
        decide(s, Input::end, now_ms, std::nullopt, EndReason::unsubscribed);
        return Status::ok;
    }
    s.expires_at = now_ms + uint64_t{expires} * 1000;
    timers_.emplace(s.expires_at, s.id);
    Event e;
    e.type = Event::Type::refreshed;
    e.subscription = s.id;
    e.profile_type = s.type;
    e.identity = s.identity;
    e.expires = expires;
    events_.push_back(std::move(e));
    // RFC 6665 4.2.2: a NOTIFY upon refreshing too.
    decide(s, Input::notify, now_ms);
    return Status::ok;
}

Status ProfileNotifier::on_response(const sip::Message& m, uint64_t now_ms, Error& err) {
    sip::Via via;
    if (sip::top_via(m, via, err) != Status::ok) return err.status;
    auto b = branches_.find(std::string(via.branch));
    if (b == branches_.end()) {
        forget_completed(now_ms);
        // RFC 3261 17.1.2.2 Completed: a retransmitted final response (the subscriber
        // answered each copy of a retransmitted NOTIFY) is absorbed.
        for (const auto& c : completed_)
            if (c.second == via.branch) return Status::ok;
        return err.fail(Status::unexpected_message, "response to no outstanding NOTIFY", 0);
    }
    auto found = subs_.find(b->second);
    if (m.status_code < 200) {
        // Provisional: keep waiting. RFC 3261 17.1.2.2 Proceeding: retransmit every T2.
        if (found != subs_.end() && found->second.retransmit_at != PUSHCORE_NO_DEADLINE) {
            found->second.retransmit_interval = kT2;
            found->second.retransmit_at = now_ms + kT2;
            timers_.emplace(found->second.retransmit_at, found->first);
        }
        return Status::ok;
    }
    forget_completed(now_ms);
    completed_.emplace_back(now_ms + kT4, std::move(b->first));
    branches_.erase(b);
    if (found == subs_.end()) return Status::ok;
    Subscription& s = found->second;
    s.notify_branch.clear();
    stop_retransmitting(s);  // a final response completes the transaction
    if (notify_failure_ends(m))
        decide(s, Input::notify_fail, now_ms, std::nullopt, EndReason::notify_failed,
               m.status_code);
    else
        decide(s, Input::notify_ok, now_ms);
    return Status::ok;
}

void ProfileNotifier::decide(Subscription& s, Input input, uint64_t now_ms,
                             std::optional<uint32_t> effective_by, EndReason reason,
                             uint16_t code) {
    switch (s.state) {
        case State::active:
            switch (input) {
                case Input::notify:
                    send_notify(s, false, effective_by, now_ms);
                    s.state = State::notifying;
                    return;
                case Input::end:
                    s.end_reason = reason;
                    send_notify(s, true, std::nullopt, now_ms);
                    s.state = State::terminating;
                    return;
                case Input::notify_ok:
                    return;  // nothing outstanding
                case Input::notify_fail:
                    remove(s.id, reason, code);
                    return;
            }
            return;
        case State::notifying:
            switch (input) {
                case Input::notify:
                    // RFC 6665 4.2.2: no new NOTIFY before the last one is answered; the
                    // current state goes out then (the earliest effective-by wins).
                    s.pending_notify = true;
                    if (effective_by &&
                        (!s.pending_effective_by || *effective_by < *s.pending_effective_by))
                        s.pending_effective_by = effective_by;
                    return;
                case Input::end:
                    s.pending_end = reason;
                    return;
                case Input::notify_ok:
                    if (s.pending_end) {
                        s.end_reason = *s.pending_end;
                        s.pending_end.reset();
                        send_notify(s, true, std::nullopt, now_ms);
                        s.state = State::terminating;
                    } else if (s.pending_notify) {
                        std::optional<uint32_t> eff = s.pending_effective_by;
                        s.pending_notify = false;
                        s.pending_effective_by.reset();
                        send_notify(s, false, eff, now_ms);
                    } else {
                        s.state = State::active;
                    }
                    return;
                case Input::notify_fail:
                    remove(s.id, reason, code);
                    return;
            }
            return;
        case State::terminating:
            switch (input) {
                case Input::notify:
                case Input::end:
                    return;  // already ending
                case Input::notify_ok:
                    remove(s.id, s.end_reason, 0);
                    return;
                case Input::notify_fail:
                    remove(s.id, s.end_reason, code);
                    return;
            }
            return;
    }
}

void ProfileNotifier::send_notify(Subscription& s, bool terminated,
                                  std::optional<uint32_t> effective_by, uint64_t now_ms) {
    std::string content_type, body;
    bool mime_version = false;
    if (!terminated || s.final_with_body) {
        Profile p;
        ProfileQuery q;
        q.type = s.type;
        q.type_token = s.type_token;
        q.identity = s.identity;
        q.vendor = s.vendor;
        q.model = s.model;
        q.version = s.version;
        if (config_.lookup && config_.lookup(q, p)) {
            // draft 7.5: content indirection when Accept lists message/external-body (no
            // Accept: the package's preferred form); application/url for plug-and-play
            // phones; else the profile inline (7.7).
            bool ext_ok = !s.accept_given || accepts(s.accept, "message", "external-body");
            bool url_ok = s.accept_given && accepts(s.accept, "application", "url");
            if (!p.url.empty() && ext_ok) {
                BodyPart part;
                part.kind = PartKind::indirect;
                part.indirect.url = p.url;
                if (p.content_type.empty()) p.content_type = "application/octet-stream";
                part.indirect.content_type = p.content_type;
                // 7.5: Content-ID MUST be present; derived from what identifies the content.
                std::string cid =
                    p.content_id.empty()
                        ? hex16(fnv(p.url, p.hash, p.size ? std::to_string(*p.size) : "")) +
                              "@pushcore"
                        : p.content_id;
                part.indirect.content_id = cid;
                part.indirect.size = p.size;
                part.indirect.hash = p.hash;
                part.indirect.expiration = p.expiration;
                part.indirect.access_type = "URL";
                std::string boundary = choose_boundary(cid, &part, 1);
                if (append_multipart(body, boundary, &part, 1) == Status::ok) {
                    append_multipart_type(content_type, boundary);
                    mime_version = true;
                } else {
                    body.clear();
                }
            } else if (!p.url.empty() && url_ok) {
                if (append_url_body(body, p.url) == Status::ok)
                    content_type = "application/url";
                else
                    body.clear();
            } else if (!p.body.empty()) {
                // RFC 3265 3.1.2 (RFC 6665 4.1.2.1): a body only of a type Accept allows.
                // A type that is not a media type is never written (no header injection).
                std::string_view type = p.content_type;
                if (type.empty()) type = "application/octet-stream";
                MediaType mt;
                Error ignored;
                if (parse_media_type(type, mt, ignored) == Status::ok &&
                    (!s.accept_given || accepts(s.accept, mt.type, mt.subtype))) {
                    body = p.body;
                    content_type.assign(type);
                }
            }
        }
        // Unknown (no profile), or nothing the subscriber accepts: no body (7.7 allows).
    }

    std::string branch = new_token(10);
    branch = "z9hG4bK" +
             (branch.empty()
                  ? hex16(fnv(tag_secret_, std::to_string(s.id), std::to_string(s.local_cseq + 1)))
                  : branch);
    ++s.local_cseq;
    UaProfileEvent ev;
    ev.effective_by = effective_by;
    if (!s.network_user.empty()) ev.network_user = TextValue::of(s.network_user);
    if (!s.event_id.empty()) {
        sip::Param id;
        id.name = "id";
        id.value = s.event_id;
        id.quoted = s.event_id_quoted;
        id.has_value = true;
        ev.unknown.push_back(id);
    }
    std::string event_value;
    append_event(event_value, ev);
    std::string state;
    if (terminated) {
        // RFC 6665 4.1.3: "timeout" for an unsubscribe or expiry; the host's reason else.
        state = "terminated;reason=";
        state += s.end_reason == EndReason::by_host ? termination_name(s.termination)
                                                    : std::string_view("timeout");
        if (s.end_reason == EndReason::by_host && s.retry_after)
            state += ";retry-after=" + std::to_string(*s.retry_after);
    } else {
        uint64_t left = s.expires_at > now_ms ? (s.expires_at - now_ms + 999) / 1000 : 0;
        state = "active;expires=" + std::to_string(left);
    }

    Queued q;
    q.out.to = s.peer;
    q.notify_of = s.id;
    q.branch = branch;
    sip::MessageWriter w(q.out.bytes);
    w.request("NOTIFY", s.remote_target);
    w.header("Via", "SIP/2.0/" + s.transport + " " + config_.via_sent_by + ";branch=" + branch);
    w.header("Max-Forwards", "70");
    w.header("From", s.local_uri);
    w.header("To", s.remote_uri);
    w.header("Call-ID", s.call_id);
    w.header("CSeq", std::to_string(s.local_cseq) + " NOTIFY");
    for (const std::string& r : s.route_set) w.header("Route", r);
    w.header("Contact", config_.contact);
    w.header("Event", event_value);
    w.header("Subscription-State", state);
    if (mime_version) w.header("MIME-Version", "1.0");
    if (!content_type.empty()) w.header("Content-Type", content_type);
    w.finish(body);
    outputs_.push_back(std::move(q));

    s.notify_branch = branch;
    s.notify_deadline = now_ms + config_.notify_timeout_ms;
    branches_[branch] = s.id;
    timers_.emplace(s.notify_deadline, s.id);
    if (s.unreliable) {
        // RFC 3261 17.1.2.2: over an unreliable transport Timer E starts at T1.
        s.notify_copy = outputs_.back().out;
        s.retransmit_interval = kT1;
        s.retransmit_at = now_ms + kT1;
        timers_.emplace(s.retransmit_at, s.id);
    } else {
        stop_retransmitting(s);
    }
}

void ProfileNotifier::stop_retransmitting(Subscription& s) {
    s.notify_copy = Output{};
    s.retransmit_at = PUSHCORE_NO_DEADLINE;
    s.retransmit_interval = 0;
}

void ProfileNotifier::remove(uint64_t id, EndReason reason, uint16_t code) {
    auto it = subs_.find(id);
    if (it == subs_.end()) return;
    Subscription& s = it->second;
    if (!s.notify_branch.empty()) branches_.erase(s.notify_branch);
    auto d = dialogs_.find(dialog_key(s.call_id, s.remote_tag, s.local_tag));
    if (d != dialogs_.end() && d->second == id) dialogs_.erase(d);
    Event e;
    e.type = Event::Type::terminated;
    e.subscription = id;
    e.profile_type = s.type;
    e.identity = s.identity;
    e.reason = reason;
    e.code = code;
    events_.push_back(std::move(e));
    subs_.erase(it);
}

Status ProfileNotifier::terminate(uint64_t subscription, Termination why,
                                  std::optional<uint32_t> retry_after, uint64_t now_ms) {
    auto it = subs_.find(subscription);
    if (it == subs_.end()) return Status::not_found;
    Subscription& s = it->second;
    if (s.state == State::terminating || s.pending_end) return Status::invalid_state;
    s.termination = why;
    s.retry_after = retry_after;
    decide(s, Input::end, now_ms, std::nullopt, EndReason::by_host);
    return Status::ok;
}

size_t ProfileNotifier::profile_changed(ProfileType type, std::string_view identity,
                                        std::optional<uint32_t> effective_by, uint64_t now_ms) {
    std::string key(identity);
    if (type == ProfileType::device || type == ProfileType::local_network) {
        DeviceId id;
        Error ignored;
        if (parse_device_id(identity, id, ignored) == Status::ok) key = id.canonical;
    } else {
        size_t at = key.rfind('@');
        key = key.substr(0, at == std::string::npos ? 0 : at + 1) +
              lower(at == std::string::npos ? key : key.substr(at + 1));
    }
    std::vector<uint64_t> ids;
    for (const auto& [id, s] : subs_)
        if (s.type == type && s.identity == key && s.state != State::terminating) ids.push_back(id);
    std::sort(ids.begin(), ids.end());  // subscription order: deterministic output
    for (uint64_t id : ids) decide(subs_.at(id), Input::notify, now_ms, effective_by);
    return ids.size();
}

bool ProfileNotifier::next_output(Output& out) {
    if (outputs_.empty()) return false;
    Queued& q = outputs_.front();
    out = std::move(q.out);
    last_notify_of_ = q.notify_of;
    last_branch_ = std::move(q.branch);
    outputs_.pop_front();
    return true;
}

Status ProfileNotifier::output_failed(uint64_t now_ms) {
    if (last_notify_of_ == 0) return Status::not_found;
    auto it = subs_.find(last_notify_of_);
    last_notify_of_ = 0;
    if (it == subs_.end() || it->second.notify_branch != last_branch_) return Status::not_found;
    Subscription& s = it->second;
    branches_.erase(s.notify_branch);
    s.notify_branch.clear();
    stop_retransmitting(s);
    decide(s, Input::notify_fail, now_ms, std::nullopt, EndReason::no_response);
    return Status::ok;
}

bool ProfileNotifier::next_event(Event& out) {
    if (events_.empty()) return false;
    out = std::move(events_.front());
    events_.pop_front();
    return true;
}

bool ProfileNotifier::sent_to_contact(const sip::Message& m) const {
    sip::NameAddr contact;
    Error err;
    if (sip::parse_name_addr(config_.contact, contact, err) != Status::ok) return false;
    return text::iequals(sip::compact_uri(contact.uri), sip::compact_uri(m.request_uri));
}

void ProfileNotifier::forget_completed(uint64_t now_ms) {
    while (!completed_.empty() && completed_.front().first <= now_ms) completed_.pop_front();
}

uint64_t ProfileNotifier::next_deadline() const noexcept {
    return timers_.empty() ? PUSHCORE_NO_DEADLINE : timers_.begin()->first;
}

void ProfileNotifier::on_timeout(uint64_t now_ms) {
    while (!timers_.empty() && timers_.begin()->first <= now_ms) {
        uint64_t id = timers_.begin()->second;
        timers_.erase(timers_.begin());
        auto it = subs_.find(id);
        if (it == subs_.end()) continue;
        Subscription& s = it->second;
        if (!s.notify_branch.empty() && s.notify_deadline <= now_ms) {
            // RFC 6665 4.2.2: a NOTIFY that times out (Timer F) ends the subscription.
            branches_.erase(s.notify_branch);
            s.notify_branch.clear();
            stop_retransmitting(s);
            decide(s, Input::notify_fail, now_ms, std::nullopt, EndReason::no_response);
            continue;
        }
        if (!s.notify_branch.empty() && s.retransmit_at <= now_ms) {
            // RFC 3261 17.1.2.2 Timer E: the same NOTIFY (same branch) again, the interval
            // doubled up to T2.
            outputs_.push_back({s.notify_copy, s.id, s.notify_branch});
            s.retransmit_interval = std::min(s.retransmit_interval * 2, kT2);
            s.retransmit_at = now_ms + s.retransmit_interval;
            timers_.emplace(s.retransmit_at, s.id);
        }
        if (s.state != State::terminating && !s.pending_end && s.expires_at <= now_ms)
            decide(s, Input::end, now_ms, std::nullopt, EndReason::timeout);
    }
}

void ProfileNotifier::check_enrollment(const std::string& device, uint64_t now_ms) {
    // draft 10.4: a device expected to enroll, subscribing within its window, is enrolled.
    if (enrolled_.count(device)) return;
    auto it = expected_.find(device);
    if (it == expected_.end()) return;
    Event e;
    e.profile_type = ProfileType::device;
    e.identity = device;
    if (now_ms < it->second.not_before_ms || now_ms > it->second.not_after_ms) {
        e.type = Event::Type::enrollment_refused;
        e.refusal = now_ms < it->second.not_before_ms ? Refusal::too_early : Refusal::too_late;
    } else {
        e.type = Event::Type::enrolled;
        enrolled_.emplace(device, now_ms);
        expected_.erase(it);
    }
    events_.push_back(std::move(e));
}

namespace {

bool canonical_device(std::string_view text, std::string& out, Error& err) {
    DeviceId id;
    if (parse_device_id(text, id, err) != Status::ok) return false;
    out = id.canonical;
    return true;
}

}  // namespace

Status ProfileNotifier::add_expected(std::string_view device, uint64_t not_before_ms,
                                     uint64_t not_after_ms, Error& err) {
    std::string key;
    if (!canonical_device(device, key, err)) return err.status;
    if (not_before_ms > not_after_ms)
        return err.fail(Status::invalid_argument, "not_before is after not_after", 0);
    if (!expected_.count(key) && expected_.size() >= config_.max_expected_devices)
        return err.fail(Status::limit_store, "expected device list is full", 0);
    expected_[key] = ExpectedDevice{key, not_before_ms, not_after_ms};
    return Status::ok;
}

bool ProfileNotifier::remove_expected(std::string_view device) {
    std::string key;
    Error err;
    return canonical_device(device, key, err) && expected_.erase(key) > 0;
}

bool ProfileNotifier::is_expected(std::string_view device) const {
    std::string key;
    Error err;
    return canonical_device(device, key, err) && expected_.count(key) > 0;
}

bool ProfileNotifier::is_enrolled(std::string_view device) const {
    std::string key;
    Error err;
    return canonical_device(device, key, err) && enrolled_.count(key) > 0;
}

bool ProfileNotifier::remove_enrolled(std::string_view device) {
    std::string key;
    Error err;
    return canonical_device(device, key, err) && enrolled_.erase(key) > 0;
}

std::vector<ProfileNotifier::ExpectedDevice> ProfileNotifier::expected_devices() const {
    std::vector<ExpectedDevice> out;
    for (const auto& [key, d] : expected_) out.push_back(d);
    return out;
}

std::vector<std::string> ProfileNotifier::enrolled_devices() const {
    std::vector<std::string> out;
    for (const auto& [key, when] : enrolled_) out.push_back(key);
    return out;
}

std::optional<ProfileNotifier::State> ProfileNotifier::state_of(uint64_t subscription) const {
    auto it = subs_.find(subscription);
    if (it == subs_.end()) return std::nullopt;
    return it->second.state;
}

}  // namespace pushcore::ua_profile
