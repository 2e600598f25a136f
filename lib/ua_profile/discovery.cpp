#include "pushcore/ua_profile/discovery.hpp"

#include <utility>

#include "pushcore/sip/uri.hpp"

namespace pushcore::ua_profile {

namespace {

bool is_authorization(uint16_t code) noexcept {
    return code == 401 || code == 407;
}

}  // namespace

Status Discovery::create(DiscoveryConfig config, std::optional<Discovery>& out, Error& err) {
    if (!is_canonical(config.device)) {
        return err.fail(Status::invalid_argument, "device: not a canonical device id", 0);
    }
    if (!config.user_aor.empty()) {
        sip::Uri uri;
        if (sip::parse_uri(config.user_aor, uri, err) != Status::ok)
            return err.fail(Status::invalid_argument, "user_aor: not a SIP or SIPS URI",
                            err.offset);
    }
    // RFC 6080 section 4.1 defines no application profile type.
    if (config.form == Form::rfc6080) config.application_profile = false;
    out.emplace(Discovery(std::move(config)));
    out->aor_ = out->config_.user_aor;
    return Status::ok;
}

Status Discovery::start() {
    Input in;
    in.kind = Input::Kind::start;
    return step(in);
}

Status Discovery::report(Outcome outcome) {
    if (outcome.kind == Outcome::Kind::failure && (outcome.code < 300 || outcome.code > 699)) {
        return Status::invalid_argument;
    }
    Input in;
    in.kind = Input::Kind::outcome;
    in.outcome = outcome;
    return step(in);
}

Status Discovery::manual_host(std::string_view host) {
    Input in;
    in.kind = Input::Kind::manual_host;
    in.text = host;
    return step(in);
}

Status Discovery::user_aor(std::string_view aor) {
    sip::Uri uri;
    Error err;
    if (sip::parse_uri(aor, uri, err) != Status::ok) return Status::invalid_argument;
    Input in;
    in.kind = Input::Kind::user_aor;
    in.text = aor;
    return step(in);
}

bool Discovery::next_event(Event& out) {
    if (events_.empty()) return false;
    out = std::move(events_.front());
    events_.pop_front();
    return true;
}

std::optional<Discovery::Attempt> Discovery::current() const {
    switch (state_) {
        case State::local_network:
        case State::device:
        case State::device_enrolled:
        case State::user:
        case State::application:
            return attempt_;
        case State::idle:
        case State::manual_entry:
        case State::awaiting_user_aor:
        case State::done:
            break;
    }
    return std::nullopt;
}

// The transition function. Every input of every state is decided here.
Status Discovery::step(const Input& in) {
    using K = Input::Kind;
    using O = Outcome::Kind;

    switch (in.kind) {
        case K::start: {
            if (state_ != State::idle) return Status::invalid_state;
            build_device_candidates();
            // 8.1: "The local network profile should be discovered first" (8.1.1: the local
            // domain, configured or DHCP option 15). Without a usable domain, device is next.
            std::string uri;
            Error err;
            std::string_view domain = local_domain();
            if (!domain.empty()) {
                if (build_local_network_uri(config_.device, domain, config_.form, uri, err) ==
                    Status::ok) {
                    begin(State::local_network, Profile::local_network, Source::local_domain,
                          std::move(uri));
                    return Status::ok;
                }
            }
            try_next_device_candidate();
            return Status::ok;
        }

        case K::outcome: {
            const Outcome& o = in.outcome;
            switch (state_) {
                case State::idle:
                case State::manual_entry:
                case State::awaiting_user_aor:
                case State::done:
                    return Status::invalid_state;
                case State::local_network:
                case State::device:
                case State::device_enrolled:
                case State::user:
                case State::application:
                    break;
            }
            // 8.1.2 items 1-3: a failure "for authorization" does not move discovery on: the
            // host retries the same URI with credentials.
            if (o.kind == O::failure && is_authorization(o.code)) {
                Event ev;
                ev.type = Event::Type::authorization_required;
                ev.attempt = attempt_;
                ev.code = o.code;
                events_.push_back(std::move(ev));
                return Status::ok;
            }
            const bool succeeded =
                o.kind == O::success_with_profile || o.kind == O::success_without_profile;
            if (!succeeded) {
                Event ev;
                ev.type = Event::Type::profile_unavailable;
                ev.attempt = attempt_;
                ev.code = o.kind == O::failure ? o.code : 0;
                events_.push_back(std::move(ev));
            }
            switch (state_) {
                case State::local_network:
                    // 8.1.1: the local-network URI "SHOULD not be remembered": never persisted,
                    // whatever the outcome. The device profile is next either way.
                    try_next_device_candidate();
                    return Status::ok;
                case State::device:
                case State::device_enrolled:
                    if (o.kind == O::success_with_profile) {
                        // 8.1.2: cache the device URI only once a NOTIFY carried profile data or
                        // URI(s); the cached one given at start is already stored.
                        if (attempt_.uri != config_.cached_device_uri) {
                            Event ev;
                            ev.type = Event::Type::persist_device_uri;
                            ev.text = attempt_.uri;
                            events_.push_back(std::move(ev));
                        }
                        begin_user_profiles();
                    } else if (o.kind == O::success_without_profile) {
                        // 8.1.2, 7.6: a server may accept unknown devices and send no profile;
                        // until it sends one it "has not agreed to provide profiles".
                        state_ = State::device_enrolled;
                    } else {
                        // 8.1.2 items 1-3: no response, or a failure other than for authorization.
                        try_next_device_candidate();
                    }
                    return Status::ok;
                case State::user:
                    if (config_.application_profile) {
                        begin(State::application, Profile::application, Source::user_aor, aor_);
                    } else {
                        state_ = State::done;
                        push(Event::Type::complete);
                    }
                    return Status::ok;
                case State::application:
                    state_ = State::done;
                    push(Event::Type::complete);
                    return Status::ok;
                case State::idle:
                case State::manual_entry:
                case State::awaiting_user_aor:
                case State::done:
                    break;
            }
            return Status::internal;
        }

        case K::manual_host: {
            switch (state_) {
                case State::manual_entry:
                case State::device:
                case State::device_enrolled:
                    break;
                case State::idle:
                case State::local_network:
                case State::awaiting_user_aor:
                case State::user:
                case State::application:
                case State::done:
                    return Status::invalid_state;
            }
            std::string uri;
            Error err;
            if (build_device_uri(config_.device, in.text, uri, err, config_.form) != Status::ok) {
                Event ev;
                ev.type = Event::Type::candidate_rejected;
                ev.text = std::string(in.text);
                ev.reason = "manual host: not a hostport";
                events_.push_back(std::move(ev));
                return Status::invalid_argument;
            }
            // 8.1.2 item 4: the user-entered host; any discovered candidates not tried yet
            // stay queued behind it.
            begin(State::device, Profile::device, Source::manual, std::move(uri));
            return Status::ok;
        }

        case K::user_aor: {
            switch (state_) {
                case State::idle:
                case State::local_network:
                case State::device:
                case State::device_enrolled:
                case State::manual_entry:
                    // 8.1.3: the default user's AOR is used when no AOR was provisioned.
                    if (config_.user_aor.empty()) aor_ = std::string(in.text);
                    return Status::ok;
                case State::awaiting_user_aor:
                    aor_ = std::string(in.text);
                    begin_user_profiles();
                    return Status::ok;
                case State::user:
                case State::application:
                case State::done:
                    // 8.1.3: the AOR is kept "until explicitly reset or updated by the user or
                    // profile": a different one starts the user phase again.
                    if (in.text != aor_) {
                        aor_ = std::string(in.text);
                        begin_user_profiles();
                    }
                    return Status::ok;
            }
            return Status::internal;
        }
    }
    return Status::internal;
}

std::string_view Discovery::local_domain() const noexcept {
    // 8.1.1, 8.1.2 item 2: "either configured or discovered via DHCP option 15"; a
    // configured domain is the administrator's choice, so it wins.
    if (!config_.configured_domain.empty()) return config_.configured_domain;
    return config_.dhcp_domain;
}

void Discovery::build_device_candidates() {
    candidates_.clear();
    next_ = 0;
    std::string uri;
    Error err;
    auto reject = [this](std::string_view text, const char* why) {
        Event ev;
        ev.type = Event::Type::candidate_rejected;
        ev.text = std::string(text);
        ev.reason = why;
        events_.push_back(std::move(ev));
    };

    // A cached device URI avoids discovery altogether (8.1.2, last paragraphs).
    if (!config_.cached_device_uri.empty()) {
        DeviceId id;
        if (parse_device_request_uri(config_.cached_device_uri, id, err) == Status::ok) {
            add_candidate(Source::cached, config_.cached_device_uri);
        } else {
            reject(config_.cached_device_uri, "cached device URI: not a device URI");
        }
    }
    // 8.1.2 item 1: the outbound proxy of DHCP option 120 (RFC 3361), each in order.
    for (const std::string& server : config_.dhcp_sip_servers) {
        if (build_device_uri(config_.device, server, uri, err, config_.form) == Status::ok) {
            add_candidate(Source::dhcp_sip_server, std::move(uri));
        } else {
            reject(server, "DHCP option 120: not a hostport");
        }
    }
    std::string_view domain = local_domain();
    if (domain.empty()) return;
    // 8.1.2 item 2: the local IP network domain.
    if (build_device_uri(config_.device, domain, uri, err, config_.form) != Status::ok) {
        reject(domain, "local domain: not a hostport");
        return;
    }
    add_candidate(Source::local_domain, std::move(uri));
    // 8.1.2 item 3: "sipuaconfig" + the local domain.
    std::string host = "sipuaconfig.";
    host.append(domain);
    if (build_device_uri(config_.device, host, uri, err, config_.form) == Status::ok) {
        add_candidate(Source::sipuaconfig, std::move(uri));
    } else {
        reject(host, "sipuaconfig host: not a hostport");
    }
}

void Discovery::add_candidate(Source source, std::string uri) {
    // The same URI twice (the cached one is also discovered, option 120 names the local
    // domain) would only repeat a failed attempt.
    for (const Attempt& a : candidates_) {
        if (a.uri == uri) return;
    }
    Attempt a;
    a.profile = Profile::device;
    a.source = source;
    a.uri = std::move(uri);
    candidates_.push_back(std::move(a));
}

void Discovery::try_next_device_candidate() {
    if (next_ < candidates_.size()) {
        const Attempt& a = candidates_[next_++];
        begin(State::device, Profile::device, a.source, a.uri);
        return;
    }
    // 8.1.2 item 4: "If all other discovery techniques fail, a manual means for the user
    // to enter the host and port ... MUST be provided by the user agent."
    state_ = State::manual_entry;
    push(Event::Type::manual_entry_required);
}

void Discovery::begin_user_profiles() {
    // 8.1.3: the provisioned AOR, else the device profile's default user, else prompt.
    if (aor_.empty()) {
        state_ = State::awaiting_user_aor;
        push(Event::Type::user_aor_required);
        return;
    }
    begin(State::user, Profile::user, Source::user_aor, aor_);
}

void Discovery::begin(State state, Profile profile, Source source, std::string uri) {
    state_ = state;
    attempt_.profile = profile;
    attempt_.source = source;
    attempt_.uri = std::move(uri);
    Event ev;
    ev.type = Event::Type::subscribe;
    ev.attempt = attempt_;
    events_.push_back(std::move(ev));
}

void Discovery::push(Event::Type type) {
    Event ev;
    ev.type = type;
    events_.push_back(std::move(ev));
}

}  // namespace pushcore::ua_profile
