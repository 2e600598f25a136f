#include "pushcore/sip_push/push_proxy.hpp"

#include <algorithm>

#include "pushcore/sip/headers.hpp"
#include "pushcore/sip/name_addr.hpp"
#include "pushcore/sip/params.hpp"
#include "pushcore/text/grammar.hpp"

namespace pushcore::sip_push {

using sip::HeaderId;

namespace {

constexpr uint64_t kTransactionLifetimeMs = 64 * 500;  // RFC 3261 Timer F / Timer H
constexpr uint64_t kInviteLifetimeMs = 180000;         // RFC 3261 16.6 Timer C

// "user@host" with the host lower-cased: the key of a binding table entry.
std::string aor_key(const sip::Uri& uri) {
    std::string key;
    if (uri.has_user) text::append_decoded(key, uri.user);
    key.push_back('@');
    for (char c : uri.host) key.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    return key;
}

// The transport address of a SIP URI: the host without IPv6 brackets, port or 5060.
Peer address_of(const sip::Uri& uri, uint64_t flow) {
    Peer p;
    p.flow = flow;
    p.host = std::string(uri.host);
    if (uri.host_kind == sip::HostKind::ipv6) p.host = p.host.substr(1, p.host.size() - 2);
    p.port = uri.has_port ? uri.port : (uri.secure ? 5061 : 5060);
    return p;
}

}  // namespace

Status PushProxy::create(ProxyConfig config, std::optional<PushProxy>& out, Error& err) {
    if (!config.random.valid())
        return err.fail(Status::invalid_argument, "no random source (set one in the config)", 0);
    if (config.via_sent_by.empty())
        return err.fail(Status::invalid_argument, "via_sent_by is required", 0);
    if (!text::is_token(config.via_transport))
        return err.fail(Status::invalid_argument, "via_transport must be a token such as UDP", 0);
    if (config.min_expires > config.max_expires || config.default_expires == 0)
        return err.fail(Status::invalid_argument, "expires limits are inconsistent", 0);
    PushProxy proxy(std::move(config));
    proxy.tag_secret_ = proxy.new_token(8);
    if (proxy.tag_secret_.empty()) return err.fail(Status::internal, "random source failed", 0);
    out.emplace(std::move(proxy));
    return Status::ok;
}

std::string PushProxy::new_token(size_t bytes) {
    std::string t;
    if (!config_.random.append_token(t, bytes)) t.clear();
    return t;
}

void PushProxy::respond(const Peer& to, const sip::Message& request, uint16_t code,
                        const std::vector<std::pair<std::string, std::string>>& headers) {
    if (request.method == "INVITE" && code >= 300) {
        // RFC 3261 17.2.1: the ACK for our own non-2xx final response ends here.
        sip::Via via;
        Error err;
        if (sip::top_via(request, via, err) == Status::ok && !via.branch.empty()) {
            rejected_invites_.emplace_back(via.branch);
            if (rejected_invites_.size() > 1024) rejected_invites_.pop_front();
        }
    }
    Output o;
    o.to = to;
    sip::begin_response(o.bytes, request, code, sip::transaction_tag(tag_secret_, request));
    sip::MessageWriter w(o.bytes);
    for (const auto& [name, value] : headers) w.header(name, value);
    w.finish();
    outputs_.push_back({std::move(o), {}});
}

Status PushProxy::receive(const Peer& from, const sip::Message& m, uint64_t now_ms, Error& err) {
    if (!m.is_request) return on_response(m, now_ms, err);
    return on_request(from, m, now_ms, err);
}

Status PushProxy::on_request(const Peer& from, const sip::Message& m, uint64_t now_ms, Error& err) {
    sip::Via via;
    if (sip::top_via(m, via, err) != Status::ok) return err.status;  // nowhere to answer
    // RFC 3261 8.1.1: the mandatory header fields of a request.
    const HeaderId mandatory[] = {HeaderId::from, HeaderId::to, HeaderId::call_id, HeaderId::cseq};
    for (HeaderId id : mandatory) {
        if (!m.find(id)) {
            respond(from, m, 400);
            return err.fail(Status::missing_header, "request lacks From, To, Call-ID or CSeq", 0);
        }
    }
    sip::CSeq cseq;
    const sip::Header* cseq_h = m.find(HeaderId::cseq);
    if (sip::parse_cseq(cseq_h->value, cseq, err) != Status::ok || cseq.method != m.method) {
        respond(from, m, 400);
        return err.fail(Status::bad_header, "CSeq method differs from the request method",
                        cseq_h->offset);
    }
    std::string branch(via.branch);

    if (m.method == "ACK") {
        auto absorbed = std::find(rejected_invites_.begin(), rejected_invites_.end(), branch);
        if (absorbed != rejected_invites_.end()) return Status::ok;  // ACK to our own 4xx
        auto f = forwarded_.find(branch);
        if (f != forwarded_.end())
            return forward(from, m, f->second.request_uri, f->second.to, now_ms);
    }
    if (m.method == "CANCEL") {
        for (auto it = held_.begin(); it != held_.end(); ++it) {
            if (it->branch != branch || !it->invite) continue;
            // RFC 3261 16.10: 200 to the CANCEL, 487 to the held INVITE.
            respond(from, m, 200);
            Held invite = std::move(*it);
            held_.erase(it);
            reject(invite, 487);
            return Status::ok;
        }
        auto f = forwarded_.find(branch);
        if (f != forwarded_.end())
            return forward(from, m, f->second.request_uri, f->second.to, now_ms);
        respond(from, m, 481);
        return Status::ok;
    }
    if (config_.authorize) {
        std::string challenge;
        uint16_t code = config_.authorize(m, challenge);
        // A challenge with a line break would inject header fields: refuse instead.
        if ((code == 401 || code == 407) && challenge.find_first_of("\r\n") != std::string::npos)
            code = 403;
        if (code != 0) {
            // A challenged request changes nothing: no binding, no release of held
            // requests, so the retried REGISTER forwards them exactly once.
            if (code == 401)
                respond(from, m, 401, {{"WWW-Authenticate", challenge}});
            else if (code == 407)
                respond(from, m, 407, {{"Proxy-Authenticate", challenge}});
            else
                respond(from, m, 403);
            return Status::ok;
        }
    }
    if (m.method == "REGISTER") return on_register(from, m, now_ms, err);

    // A retransmission of a request we hold or forwarded.
    for (const Held& h : held_) {
        if (h.branch == branch) {
            if (h.invite) respond(from, m, 100);
            return Status::ok;
        }
    }
    if (auto f = forwarded_.find(branch); f != forwarded_.end())
        return forward(from, m, f->second.request_uri, f->second.to, now_ms);

    sip::Uri ruri;
    if (sip::parse_uri(m.request_uri, ruri, err) != Status::ok) {
        respond(from, m, 416);
        return err.status;
    }
    // In-dialog requests (To tag) are routed by their Request-URI.
    if (!sip::tag_of(m.find(HeaderId::to)->value).empty())
        return forward(from, m, m.request_uri, address_of(ruri, 0), now_ms);
    if (!ruri.has_user) {
        respond(from, m, m.method == "OPTIONS" ? 200 : 404);
        return Status::ok;
    }

    auto entry = bindings_.find(aor_key(ruri));
    if (entry == bindings_.end() || entry->second.empty()) {
        // draft 5.3: a Request-URI carrying the push parameters (the request was
        // retargeted to a push contact upstream) triggers a push too; the REGISTER of
        // the UA with that provider and PRID releases the request.
        PushParams pp;
        Error ignored;
        if (read_push_params(ruri, pp, ignored) == Status::ok && pp.any() &&
            config_.providers.validate(pp, ignored) == Status::ok) {
            PushInfo push = to_info(pp);
            return hold(from, m, next_binding_id_++, aor_key(ruri), std::string(m.request_uri),
                        push, push, now_ms, err);
        }
        respond(from, m, 404);
        return Status::ok;
    }
    // The most recent binding receives the request (no forking).
    const Binding& b = entry->second.back();
    if (!b.push) return forward(from, m, b.contact, b.target, now_ms);
    // draft 5.3: a new-dialog or standalone request for a binding with push parameters
    // triggers a push request; the REGISTER it causes triggers forwarding.
    return hold(from, m, b.id, entry->first, b.contact, *b.push, std::nullopt, now_ms, err);
}

Status PushProxy::hold(const Peer& from, const sip::Message& m, uint64_t id, const std::string& aor,
                       const std::string& contact, const PushInfo& push,
                       std::optional<PushInfo> waiting_for, uint64_t now_ms, Error& err) {
    if (held_.size() >= config_.max_held_requests) {
        respond(from, m, 503, {{"Retry-After", "5"}});
        return err.fail(Status::limit_held_requests, "held request limit reached", 0);
    }
    bool already_pushed =
        std::any_of(held_.begin(), held_.end(), [id](const Held& h) { return h.binding_id == id; });
    sip::Via via;
    Error ignored;
    sip::top_via(m, via, ignored);
    Held h;
    h.binding_id = id;
    h.aor = aor;
    h.raw = std::string(m.raw);
    h.from = from;
    h.branch = std::string(via.branch);
    h.invite = m.method == "INVITE";
    h.deadline = now_ms + config_.hold_timeout_ms;
    h.waiting_for = std::move(waiting_for);
    held_.push_back(std::move(h));
    if (m.method == "INVITE") respond(from, m, 100);
    // One push wakes the UA for every request waiting on it.
    if (!already_pushed) emit_push(id, aor, contact, push, PushReason::request);
    return Status::ok;
}

void PushProxy::emit_push(uint64_t id, const std::string& aor, const std::string& contact,
                          const PushInfo& push, PushReason reason) {
    // draft 5.3: the SIP request MUST NOT be the push payload; the event carries none.
    Event ev;
    ev.type = Event::Type::push_request;
    ev.binding_id = id;
    ev.aor = aor;
    ev.contact = contact;
    ev.push = push;
    ev.reason = reason;
    events_.push_back(std::move(ev));
}

Status PushProxy::on_register(const Peer& from, const sip::Message& m, uint64_t now_ms,
                              Error& err) {
    sip::NameAddr to;
    const sip::Header* to_h = m.find(HeaderId::to);
    if (sip::parse_name_addr(to_h->value, to, err) != Status::ok || !to.is_sip) {
        respond(from, m, 400);
        if (err.status == Status::ok) err.fail(Status::bad_uri, "To is not a SIP URI", 0);
        err.offset += to_h->offset;
        return err.status;
    }
    const std::string aor = aor_key(to.sip);

    uint32_t header_expires = config_.default_expires;
    if (const sip::Header* e = m.find(HeaderId::expires)) {
        if (sip::parse_delta_seconds(e->value, header_expires, err) != Status::ok) {
            respond(from, m, 400);
            err.offset += e->offset;
            return err.status;
        }
    }

    struct Change {
        std::string contact;
        sip::Uri uri;
        std::optional<PushInfo> push;
        uint32_t expires;
    };
    std::vector<Change> changes;
    bool wildcard = false;
    std::optional<std::string> push_provider;

    for (const auto& h : m.headers) {
        if (h.id != HeaderId::contact) continue;
        sip::ListIterator it(h.value);
        std::string_view item;
        size_t at;
        while (it.next(item, at)) {
            if (item == "*") {
                wildcard = true;
                continue;
            }
            sip::NameAddr na;
            if (sip::parse_name_addr(item, na, err) != Status::ok || !na.is_sip) {
                respond(from, m, 400);
                if (err.status == Status::ok) err.fail(Status::bad_uri, "Contact is not SIP", 0);
                err.offset += h.offset + at;
                return err.status;
            }
            uint32_t expires = header_expires;
            sip::Param p;
            if (sip::find_param(na.params, "expires", p) &&
                sip::parse_delta_seconds(p.value, expires, err) != Status::ok) {
                respond(from, m, 400);
                err.offset += h.offset + at;
                return err.status;
            }
            expires = std::min(expires, config_.max_expires);
            if (expires > 0 && expires < config_.min_expires) {
                // RFC 3261 10.3 step 7.
                respond(from, m, 423, {{"Min-Expires", std::to_string(config_.min_expires)}});
                return Status::ok;
            }
            PushParams pp;
            if (read_push_params(na.sip, pp, err) != Status::ok) {
                respond(from, m, 400);
                err.offset +=
                    h.offset + at + static_cast<size_t>(na.sip.params.data() - item.data());
                return err.status;
            }
            Change c{std::string(na.uri), na.sip, std::nullopt, expires};
            if (pp.any() && expires > 0) {
                if (config_.providers.validate(pp, err) != Status::ok) {
                    // draft 5.3: unsupported provider or missing information -> forward
                    // the REGISTER or answer 555 listing the supported services.
                    if (config_.forward_unsupported_to)
                        return forward(from, m, m.request_uri, *config_.forward_unsupported_to,
                                       now_ms);
                    std::vector<std::string> names;
                    for (const auto& rule : config_.providers.rules()) names.push_back(rule.name);
                    Output o{from, {}};
                    append_555(o.bytes, m, names, config_.pns_style,
                               sip::transaction_tag(tag_secret_, m), err.reason);
                    outputs_.push_back({std::move(o), {}});
                    return Status::ok;
                }
                c.push = to_info(pp);
                push_provider = c.push->provider;
            }
            changes.push_back(std::move(c));
        }
    }
    if (wildcard && (!changes.empty() || header_expires != 0)) {
        respond(from, m, 400);  // RFC 3261 10.3 step 6
        return err.fail(Status::bad_header, "Contact '*' needs Expires: 0 and no other contact", 0);
    }

    std::vector<Binding>& list = bindings_[aor];
    if (wildcard) {
        while (!list.empty()) remove_binding(aor, list.size() - 1, now_ms);
    }
    std::vector<uint64_t> refreshed;
    for (Change& c : changes) {
        // A woken UA may come back from a new address: the same PRID is the same binding.
        auto same = [&c](const Binding& b) {
            if (c.push && b.push && text::iequals(b.push->provider, c.push->provider) &&
                b.push->prid == c.push->prid)
                return true;
            sip::Uri bu;
            Error e;
            return sip::parse_uri(b.contact, bu, e) == Status::ok && sip::same_contact(bu, c.uri);
        };
        auto found = std::find_if(list.begin(), list.end(), same);
        if (c.expires == 0) {
            if (found != list.end())
                remove_binding(aor, static_cast<size_t>(found - list.begin()), now_ms);
            continue;
        }
        if (found == list.end()) {
            if (binding_count_ >= config_.max_bindings) {
                if (list.empty()) bindings_.erase(aor);
                respond(from, m, 503, {{"Retry-After", "60"}});
                return err.fail(Status::limit_bindings, "binding table full", 0);
            }
            ++binding_count_;
            list.push_back(Binding{});
            list.back().id = next_binding_id_++;
            binding_aor_.emplace(list.back().id, aor);
            found = list.end() - 1;
        } else if (found != list.end() - 1) {
            // Keep the most recently registered binding last: it receives requests.
            std::rotate(found, found + 1, list.end());
            found = list.end() - 1;
        }
        Binding& b = *found;
        b.contact = std::move(c.contact);
        b.push = std::move(c.push);
        b.expires_at = now_ms + uint64_t{c.expires} * 1000;
        b.peer = from;
        b.target = address_of(c.uri, from.flow);
        b.reregister_at = PUSHCORE_NO_DEADLINE;
        if (b.push && config_.reregister_pushes) {
            // RFC 8599: push early enough for the refresh to arrive before expiry.
            uint64_t margin = std::min<uint64_t>(config_.reregister_margin_s, c.expires / 2);
            b.reregister_at = b.expires_at - margin * 1000;
        }
        schedule(b);
        refreshed.push_back(b.id);
        Event ev;
        ev.type = Event::Type::binding_updated;
        ev.binding_id = b.id;
        ev.aor = aor;
        ev.contact = b.contact;
        ev.expires = c.expires;
        if (b.push) ev.push = *b.push;
        events_.push_back(std::move(ev));
    }

    std::vector<std::pair<std::string, std::string>> headers;
    for (const Binding& b : list) {
        uint64_t left = b.expires_at > now_ms ? (b.expires_at - now_ms + 999) / 1000 : 0;
        headers.emplace_back("Contact", "<" + b.contact + ">;expires=" + std::to_string(left));
    }
    if (push_provider) {
        // draft 5.3: the 200 MUST carry +sip.pns naming the supported provider.
        PushCaps caps;
        caps.pns.push_back(*push_provider);
        caps.pnsreg = config_.reregister_pushes;
        if (caps.pnsreg) caps.pnsreg_seconds = config_.reregister_margin_s;
        for (auto& v : feature_caps_values(caps, config_.pns_style))
            headers.emplace_back("Feature-Caps", std::move(v));
    }
    respond(from, m, 200, headers);
    if (list.empty()) bindings_.erase(aor);

    // draft 5.3: the REGISTER that the push caused, now successful, releases the requests.
    for (uint64_t id : refreshed) {
        auto entry = bindings_.find(aor);
        if (entry == bindings_.end()) break;
        for (const Binding& b : entry->second) {
            if (b.id != id) continue;
            // Requests held for a Request-URI's parameters now belong to this binding.
            for (Held& h : held_) {
                if (h.waiting_for && b.push &&
                    text::iequals(h.waiting_for->provider, b.push->provider) &&
                    h.waiting_for->prid == b.push->prid) {
                    h.binding_id = b.id;
                    h.waiting_for.reset();
                }
            }
            release_held(b, now_ms);
        }
    }
    return Status::ok;
}

void PushProxy::release_held(const Binding& b, uint64_t now_ms) {
    for (auto it = held_.begin(); it != held_.end();) {
        if (it->binding_id != b.id) {
            ++it;
            continue;
        }
        Held h = std::move(*it);
        it = held_.erase(it);
        sip::Message m;
        Error err;
        if (sip::parse_datagram(h.raw, m, sip::Limits{}, err) == Status::ok)
            forward(h.from, m, b.contact, b.target, now_ms);
    }
}

void PushProxy::reject_held(uint64_t binding_id, uint16_t code, uint64_t now_ms) {
    (void)now_ms;
    for (auto it = held_.begin(); it != held_.end();) {
        if (it->binding_id != binding_id) {
            ++it;
            continue;
        }
        reject(*it, code);
        it = held_.erase(it);
    }
}

void PushProxy::reject(const Peer& to, const sip::Message& request, uint16_t code,
                       uint64_t binding_id, const std::string& aor) {
    respond(to, request, code);
    Event ev;
    ev.type = Event::Type::request_rejected;
    ev.binding_id = binding_id;
    ev.aor = aor;
    ev.code = code;
    events_.push_back(std::move(ev));
}

void PushProxy::reject(const Held& held, uint16_t code) {
    sip::Message m;
    Error err;
    if (sip::parse_datagram(held.raw, m, sip::Limits{}, err) == Status::ok)
        reject(held.from, m, code, held.binding_id, held.aor);
}

void PushProxy::schedule(const Binding& b) {
    binding_timers_.emplace(std::min(b.expires_at, b.reregister_at), b.id);
}

void PushProxy::remove_binding(const std::string& aor, size_t index, uint64_t now_ms) {
    std::vector<Binding>& list = bindings_[aor];
    Binding b = std::move(list[index]);
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(index));
    --binding_count_;
    binding_aor_.erase(b.id);
    reject_held(b.id, 480, now_ms);
    Event ev;
    ev.type = Event::Type::binding_removed;
    ev.binding_id = b.id;
    ev.aor = aor;
    ev.contact = b.contact;
    events_.push_back(std::move(ev));
}

Status PushProxy::forward(const Peer& from, const sip::Message& m, std::string_view request_uri,
                          const Peer& to, uint64_t now_ms) {
    // RFC 3261 16.6: decrement Max-Forwards (483 at zero), push our Via.
    uint32_t max_forwards = 70;
    if (const sip::Header* mf = m.find(HeaderId::max_forwards)) {
        Error e;
        if (sip::parse_delta_seconds(mf->value, max_forwards, e) != Status::ok) max_forwards = 70;
        if (max_forwards == 0) {
            if (m.method != "ACK") respond(from, m, 483);
            return Status::ok;
        }
        --max_forwards;
    }
    sip::Via via;
    Error err;
    sip::top_via(m, via, err);
    std::string caller_branch(via.branch);
    auto found = forwarded_.find(caller_branch);
    std::string ours;
    if (found != forwarded_.end()) {
        ours = found->second.branch;  // retransmission, ACK or CANCEL: same branch (16.10)
    } else {
        std::string token = new_token(10);
        if (token.empty()) {  // no branch, no forwarding
            if (m.method != "ACK") respond(from, m, 500);
            return Status::internal;
        }
        ours = "z9hG4bK" + token;
        Forwarded f{from, to, std::string(request_uri), ours,
                    now_ms + (m.method == "INVITE" ? kInviteLifetimeMs : kTransactionLifetimeMs)};
        if (!caller_branch.empty() && m.method != "ACK") {
            forget_timers_.emplace(f.forget_at, caller_branch);
            forwarded_.emplace(caller_branch, std::move(f));
            by_our_branch_.emplace(ours, caller_branch);
        }
    }
    // RFC 3261 18.1.1: the Via names the transport the request goes out on; the target
    // URI's transport parameter says which (absent: the configured default).
    std::string transport = config_.via_transport;
    sip::Uri target;
    sip::Param tp;
    Error ignored;
    if (sip::parse_uri(request_uri, target, ignored) == Status::ok &&
        sip::find_param(target.params, "transport", tp) && text::is_token(tp.value)) {
        transport.clear();
        for (char c : tp.value)
            transport.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
    }
    Output o;
    o.to = to;
    sip::MessageWriter w(o.bytes);
    w.request(m.method, request_uri);
    w.header("Via", "SIP/2.0/" + transport + " " + config_.via_sent_by + ";branch=" + ours);
    bool had_max_forwards = false;
    for (const auto& h : m.headers) {
        if (h.id == HeaderId::content_length) continue;
        if (h.id == HeaderId::max_forwards) {
            if (!had_max_forwards) w.header(h.name, std::to_string(max_forwards));
            had_max_forwards = true;
            continue;
        }
        w.header(h.name, h.value);
    }
    if (!had_max_forwards) w.header("Max-Forwards", std::to_string(max_forwards));
    w.finish(m.body);
    bool tracked = m.method != "ACK" && m.method != "CANCEL" && forwarded_.count(caller_branch);
    outputs_.push_back({std::move(o), tracked ? caller_branch : std::string()});
    return Status::ok;
}

Status PushProxy::on_response(const sip::Message& m, uint64_t now_ms, Error& err) {
    sip::Via via;
    if (sip::top_via(m, via, err) != Status::ok) return err.status;
    auto ours = by_our_branch_.find(std::string(via.branch));
    if (ours == by_our_branch_.end())
        return err.fail(Status::unexpected_message, "response to no forwarded request", 0);
    auto f = forwarded_.find(ours->second);
    if (f == forwarded_.end())
        return err.fail(Status::unexpected_message, "response to no forwarded request", 0);
    // RFC 3261 16.7 step 3: remove our Via (the first via-parm) and relay.
    Output o;
    o.to = f->second.from;
    sip::MessageWriter w(o.bytes);
    w.response(m.status_code, m.reason);
    bool removed = false;
    for (const auto& h : m.headers) {
        if (h.id == HeaderId::content_length) continue;
        if (h.id == HeaderId::via && !removed) {
            removed = true;
            sip::ListIterator it(h.value);
            std::string_view item;
            size_t at;
            it.next(item, at);  // ours
            std::string rest;
            while (it.next(item, at)) rest.append(rest.empty() ? "" : ", ").append(item);
            if (!rest.empty()) w.header(h.name, rest);
            continue;
        }
        w.header(h.name, h.value);
    }
    w.finish(m.body);
    outputs_.push_back({std::move(o), {}});
    if (m.status_code >= 200 && f->second.forget_at > now_ms + kTransactionLifetimeMs) {
        f->second.forget_at = now_ms + kTransactionLifetimeMs;
        forget_timers_.emplace(f->second.forget_at, f->first);
    }
    return Status::ok;
}

Status PushProxy::push_failed(uint64_t binding_id, uint64_t now_ms) {
    bool any = std::any_of(held_.begin(), held_.end(),
                           [&](const Held& h) { return h.binding_id == binding_id; });
    if (!any) return Status::not_found;
    // draft 5.3: not able to contact the push provider -> MUST reject the request.
    reject_held(binding_id, 480, now_ms);
    return Status::ok;
}

bool PushProxy::next_output(Output& out) {
    last_forwarded_.clear();
    if (outputs_.empty()) return false;
    Queued& q = outputs_.front();
    if (!q.forwarded.empty()) {
        last_forwarded_ = std::move(q.forwarded);
        last_forwarded_bytes_ = q.out.bytes;  // kept to answer the caller if sending fails
    }
    out = std::move(q.out);
    outputs_.pop_front();
    return true;
}

Status PushProxy::output_failed(uint64_t now_ms) {
    (void)now_ms;
    std::string branch = std::move(last_forwarded_);
    last_forwarded_.clear();
    auto f = branch.empty() ? forwarded_.end() : forwarded_.find(branch);
    if (f == forwarded_.end()) return Status::not_found;
    sip::Message m;
    Error err;
    if (sip::parse_datagram(last_forwarded_bytes_, m, sip::Limits{}, err) != Status::ok)
        return Status::internal;
    // Answer as the caller sent it: without the Via this proxy added on top.
    if (!m.headers.empty() && m.headers.front().id == HeaderId::via)
        m.headers.erase(m.headers.begin());
    Peer caller = f->second.from;
    by_our_branch_.erase(f->second.branch);
    forwarded_.erase(f);
    reject(caller, m, 480, 0, {});
    return Status::ok;
}

bool PushProxy::next_event(Event& out) {
    if (events_.empty()) return false;
    out = std::move(events_.front());
    events_.pop_front();
    return true;
}

uint64_t PushProxy::next_deadline() const noexcept {
    uint64_t d = held_.empty() ? PUSHCORE_NO_DEADLINE : held_.front().deadline;
    if (!binding_timers_.empty()) d = std::min(d, binding_timers_.begin()->first);
    if (!forget_timers_.empty()) d = std::min(d, forget_timers_.begin()->first);
    return d;
}

void PushProxy::on_timeout(uint64_t now_ms) {
    // Held requests whose REGISTER did not come in time (draft 5.3: reject).
    while (!held_.empty() && held_.front().deadline <= now_ms)
        reject_held(held_.front().binding_id, 480, now_ms);

    while (!binding_timers_.empty() && binding_timers_.begin()->first <= now_ms) {
        uint64_t id = binding_timers_.begin()->second;
        binding_timers_.erase(binding_timers_.begin());
        auto aor = binding_aor_.find(id);
        if (aor == binding_aor_.end()) continue;  // removed meanwhile
        const std::string key = aor->second;
        std::vector<Binding>& list = bindings_[key];
        auto b =
            std::find_if(list.begin(), list.end(), [id](const Binding& x) { return x.id == id; });
        if (b == list.end()) continue;
        if (b->expires_at <= now_ms) {
            remove_binding(key, static_cast<size_t>(b - list.begin()), now_ms);  // never push
            if (list.empty()) bindings_.erase(key);
        } else if (b->reregister_at <= now_ms) {
            // draft 5.2: trigger the periodic re-registration early enough; once per
            // registration.
            b->reregister_at = PUSHCORE_NO_DEADLINE;
            emit_push(b->id, key, b->contact, *b->push, PushReason::reregister);
            schedule(*b);
        }
        // Otherwise the entry is stale (the binding was refreshed): drop it.
    }

    while (!forget_timers_.empty() && forget_timers_.begin()->first <= now_ms) {
        auto f = forwarded_.find(forget_timers_.begin()->second);
        forget_timers_.erase(forget_timers_.begin());
        if (f == forwarded_.end() || f->second.forget_at > now_ms) continue;
        by_our_branch_.erase(f->second.branch);
        forwarded_.erase(f);
    }
}

}  // namespace pushcore::sip_push
