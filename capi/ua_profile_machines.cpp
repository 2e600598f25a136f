// C ABI shims for the ua-profile machines: validate arguments, convert, call lib/, map
// errors. No logic.
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "event.hpp"
#include "pushcore/core/status.hpp"
#include "pushcore/sip/message.hpp"
#include "pushcore/ua_profile.h"
#include "pushcore/ua_profile/content_indirection.hpp"
#include "pushcore/ua_profile/discovery.hpp"
#include "pushcore/ua_profile/profile_notifier.hpp"
#include "pushcore/ua_profile/profile_subscriber.hpp"
#include "shim.hpp"
#include "ua_profile_codes.hpp"

using namespace pushcore;
using namespace pushcore::ua_profile;
using capi::guard;
using capi::last_error;
using capi::run;
using capi::status;
using capi::text_ok;
using capi::type_code;
using capi::type_of_code;
using capi::view;

struct pushcore_ua_profile_answer {
    const ProfileNotifier::ProfileQuery* query = nullptr;
    ProfileNotifier::Profile* profile = nullptr;
};

struct pushcore_ua_notifier_config {
    ProfileNotifier::Config config;
    mutable Error err;
};

struct pushcore_ua_notifier {
    std::optional<ProfileNotifier> notifier;
    ProfileNotifier::Output output;
    pushcore_event event;
    Error err;
};

struct pushcore_ua_subscriber_config {
    SubscriberConfig config;
    mutable Error err;
};

struct pushcore_ua_subscriber {
    std::optional<ProfileSubscriber> subscriber;
    std::string output;
    pushcore_event event;
    Error err;
};

struct pushcore_ua_discovery_config {
    DiscoveryConfig config;
    bool has_device = false;
    mutable Error err;
};

struct pushcore_ua_discovery {
    std::optional<Discovery> discovery;
    std::string uri;  // the current attempt's, for pushcore_ua_discovery_current
    pushcore_event event;
    Error err;
};

namespace {

bool has_ctl(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) return true;
    return false;
}

int refuse(Error& err, const char* why) {
    err.fail(Status::invalid_argument, why, 0);
    return PUSHCORE_E_INVALID_ARGUMENT;
}

int32_t end_code(ProfileNotifier::EndReason r) {
    switch (r) {
        case ProfileNotifier::EndReason::unsubscribed:
            return PUSHCORE_UA_END_UNSUBSCRIBED;
        case ProfileNotifier::EndReason::timeout:
            return PUSHCORE_UA_END_TIMEOUT;
        case ProfileNotifier::EndReason::notify_failed:
            return PUSHCORE_UA_END_NOTIFY_FAILED;
        case ProfileNotifier::EndReason::by_host:
            return PUSHCORE_UA_END_BY_HOST;
        case ProfileNotifier::EndReason::no_response:
            break;
    }
    return PUSHCORE_UA_END_NO_RESPONSE;
}

Status parse_message(const uint8_t* data, size_t len, sip::Message& m, Error& err) {
    if (!data && len) return err.fail(Status::invalid_argument, "data is NULL", 0);
    std::string_view bytes(reinterpret_cast<const char*>(data), len);
    return sip::parse_datagram(bytes, m, sip::Limits{}, err);
}

int32_t hash_code(ProfileSubscriber::HashCheck h) {
    switch (h) {
        case ProfileSubscriber::HashCheck::not_given:
            return PUSHCORE_UA_HASH_NOT_GIVEN;
        case ProfileSubscriber::HashCheck::verified:
            return PUSHCORE_UA_HASH_VERIFIED;
        case ProfileSubscriber::HashCheck::unverifiable:
            return PUSHCORE_UA_HASH_UNVERIFIABLE;
        case ProfileSubscriber::HashCheck::mismatch:
            break;
    }
    return PUSHCORE_UA_HASH_MISMATCH;
}

// The most recent good profile, or the one of a media type.
const Profile* current(const ProfileSubscriber& s, std::string_view content_type) {
    return content_type.empty() ? s.current_profile() : s.current_profile(content_type);
}

int32_t discovery_profile_code(Discovery::Profile p) {
    switch (p) {
        case Discovery::Profile::local_network:
            return PUSHCORE_UA_PROFILE_LOCAL_NETWORK;
        case Discovery::Profile::device:
            return PUSHCORE_UA_PROFILE_DEVICE;
        case Discovery::Profile::user:
            return PUSHCORE_UA_PROFILE_USER;
        case Discovery::Profile::application:
            break;
    }
    return PUSHCORE_UA_PROFILE_APPLICATION;
}

int32_t source_code(Discovery::Source s) {
    switch (s) {
        case Discovery::Source::local_domain:
            return PUSHCORE_UA_SOURCE_LOCAL_DOMAIN;
        case Discovery::Source::cached:
            return PUSHCORE_UA_SOURCE_CACHED;
        case Discovery::Source::dhcp_sip_server:
            return PUSHCORE_UA_SOURCE_DHCP_SIP_SERVER;
        case Discovery::Source::sipuaconfig:
            return PUSHCORE_UA_SOURCE_SIPUACONFIG;
        case Discovery::Source::manual:
            return PUSHCORE_UA_SOURCE_MANUAL;
        case Discovery::Source::user_aor:
            break;
    }
    return PUSHCORE_UA_SOURCE_USER_AOR;
}

}  // namespace

extern "C" {

// ---- the lookup's answer ------------------------------------------------------------------

PUSHCORE_API int pushcore_ua_profile_answer_set_str(pushcore_ua_profile_answer* a, int32_t field,
                                                    const char* value, size_t len) {
    if (!a || !a->profile || !text_ok(value, len)) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        std::string_view v = view(value, len);
        if (has_ctl(v)) return PUSHCORE_E_INVALID_ARGUMENT;
        ProfileNotifier::Profile& p = *a->profile;
        switch (field) {
            case PUSHCORE_UA_FIELD_URL:
                if (v.find_first_of(" \"<>") != std::string_view::npos)
                    return PUSHCORE_E_INVALID_ARGUMENT;
                p.url.assign(v);
                return PUSHCORE_OK;
            case PUSHCORE_UA_FIELD_CONTENT_TYPE: {
                MediaType mt;
                Error ignored;
                if (!v.empty() && parse_media_type(v, mt, ignored) != Status::ok)
                    return PUSHCORE_E_INVALID_ARGUMENT;
                p.content_type.assign(v);
                return PUSHCORE_OK;
            }
            case PUSHCORE_UA_FIELD_CONTENT_ID:
                if (v.find_first_of(" <>") != std::string_view::npos)
                    return PUSHCORE_E_INVALID_ARGUMENT;
                p.content_id.assign(v);
                return PUSHCORE_OK;
            case PUSHCORE_UA_FIELD_EXPIRATION:
                p.expiration.assign(v);
                return PUSHCORE_OK;
            case PUSHCORE_UA_FIELD_HASH:
                if (!v.empty()) {
                    if (v.size() != 40) return PUSHCORE_E_INVALID_ARGUMENT;
                    for (char c : v)
                        if (!std::strchr("0123456789abcdefABCDEF", c) || c == '\0')
                            return PUSHCORE_E_INVALID_ARGUMENT;
                }
                p.hash.assign(v);
                return PUSHCORE_OK;
            default:
                return PUSHCORE_E_INVALID_ARGUMENT;
        }
    });
}

PUSHCORE_API int pushcore_ua_profile_answer_set_size(pushcore_ua_profile_answer* a, uint64_t size) {
    if (!a || !a->profile) return PUSHCORE_E_INVALID_ARGUMENT;
    a->profile->size = size;
    return PUSHCORE_OK;
}

PUSHCORE_API int pushcore_ua_profile_answer_set_body(pushcore_ua_profile_answer* a,
                                                     const uint8_t* data, size_t len) {
    if (!a || !a->profile || (!data && len)) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        a->profile->body.assign(reinterpret_cast<const char*>(data), len);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_profile_answer_query_text(const pushcore_ua_profile_answer* a,
                                                       int32_t which, const char** value,
                                                       size_t* len) {
    if (!a || !a->query || !value || !len) return PUSHCORE_E_INVALID_ARGUMENT;
    std::string_view v;
    switch (which) {
        case PUSHCORE_UA_TEXT_VENDOR:
            v = a->query->vendor;
            break;
        case PUSHCORE_UA_TEXT_MODEL:
            v = a->query->model;
            break;
        case PUSHCORE_UA_TEXT_VERSION:
            v = a->query->version;
            break;
        default:
            return PUSHCORE_E_INVALID_ARGUMENT;
    }
    if (v.empty()) return 0;
    *value = v.data();
    *len = v.size();
    return 1;
}

// ---- notifier config ----------------------------------------------------------------------

PUSHCORE_API int pushcore_ua_notifier_config_new(pushcore_ua_notifier_config** out) {
    if (!out) return PUSHCORE_E_INVALID_ARGUMENT;
    *out = nullptr;
    return guard([&]() -> int {
        *out = new pushcore_ua_notifier_config{};
        return PUSHCORE_OK;
    });
}

PUSHCORE_API void pushcore_ua_notifier_config_free(pushcore_ua_notifier_config* cfg) {
    delete cfg;
}

PUSHCORE_API int pushcore_ua_notifier_config_set_contact(pushcore_ua_notifier_config* cfg,
                                                         const char* value, size_t len) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        std::string_view v = view(value, len);
        if (!text_ok(value, len) || v.empty() || has_ctl(v))
            return refuse(cfg->err, "contact: empty or control characters");
        cfg->config.contact.assign(v);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_notifier_config_set_sent_by(pushcore_ua_notifier_config* cfg,
                                                         const char* sent_by, size_t len) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        std::string_view s = view(sent_by, len);
        if (!text_ok(sent_by, len) || s.empty() || has_ctl(s) ||
            s.find_first_of(" ;,") != std::string_view::npos)
            return refuse(cfg->err, "sent_by: must be host[:port]");
        cfg->config.via_sent_by.assign(s);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_notifier_config_set_form(pushcore_ua_notifier_config* cfg,
                                                      int32_t form) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    if (form == PUSHCORE_UA_FORM_DRAFT08)
        cfg->config.form = Form::draft08;
    else if (form == PUSHCORE_UA_FORM_RFC6080)
        cfg->config.form = Form::rfc6080;
    else
        return refuse(cfg->err, "form: not a PUSHCORE_UA_FORM_* value");
    return PUSHCORE_OK;
}

PUSHCORE_API int pushcore_ua_notifier_config_set_u64(pushcore_ua_notifier_config* cfg, int32_t key,
                                                     uint64_t value) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    ProfileNotifier::Config& c = cfg->config;
    const bool flag = value <= 1;
    const bool u32 = value <= UINT32_MAX;
    switch (key) {
        case PUSHCORE_UA_NOTIFIER_ACCEPT_UNKNOWN:
            if (!flag) return refuse(cfg->err, "accept_unknown: 0 or 1");
            c.accept_unknown = value != 0;
            return PUSHCORE_OK;
        case PUSHCORE_UA_NOTIFIER_ACCEPT_APPLICATION:
            if (!flag) return refuse(cfg->err, "accept_application: 0 or 1");
            c.accept_application = value != 0;
            return PUSHCORE_OK;
        case PUSHCORE_UA_NOTIFIER_ACCEPT_UNKNOWN_DIALOG:
            if (!flag) return refuse(cfg->err, "accept_unknown_dialog: 0 or 1");
            c.accept_unknown_dialog = value != 0;
            return PUSHCORE_OK;
        case PUSHCORE_UA_NOTIFIER_MAX_SUBSCRIPTIONS:
            if (value == 0 || value > SIZE_MAX) return refuse(cfg->err, "max_subscriptions: 0");
            c.max_subscriptions = static_cast<size_t>(value);
            return PUSHCORE_OK;
        case PUSHCORE_UA_NOTIFIER_MAX_EXPECTED_DEVICES:
            if (value > SIZE_MAX) return refuse(cfg->err, "max_expected_devices: too large");
            c.max_expected_devices = static_cast<size_t>(value);
            return PUSHCORE_OK;
        case PUSHCORE_UA_NOTIFIER_DEFAULT_EXPIRES:
            if (!u32 || value == 0) return refuse(cfg->err, "default_expires: 1..2^32-1");
            c.default_expires = static_cast<uint32_t>(value);
            return PUSHCORE_OK;
        case PUSHCORE_UA_NOTIFIER_MIN_EXPIRES:
            if (!u32) return refuse(cfg->err, "min_expires: above 2^32-1");
            c.min_expires = static_cast<uint32_t>(value);
            return PUSHCORE_OK;
        case PUSHCORE_UA_NOTIFIER_MAX_EXPIRES:
            if (!u32 || value == 0) return refuse(cfg->err, "max_expires: 1..2^32-1");
            c.max_expires = static_cast<uint32_t>(value);
            return PUSHCORE_OK;
        case PUSHCORE_UA_NOTIFIER_NOTIFY_TIMEOUT_MS:
            if (value == 0) return refuse(cfg->err, "notify_timeout_ms: 0");
            c.notify_timeout_ms = value;
            return PUSHCORE_OK;
        default:
            return refuse(cfg->err, "not a PUSHCORE_UA_NOTIFIER_* key");
    }
}

PUSHCORE_API int pushcore_ua_notifier_config_set_random(pushcore_ua_notifier_config* cfg,
                                                        pushcore_random_fn fn, void* ctx) {
    if (!cfg || !fn) return PUSHCORE_E_INVALID_ARGUMENT;
    cfg->config.random = Random{fn, ctx};
    return PUSHCORE_OK;
}

PUSHCORE_API int pushcore_ua_notifier_config_set_lookup(pushcore_ua_notifier_config* cfg,
                                                        pushcore_ua_lookup_fn fn, void* ctx) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        if (!fn) {
            cfg->config.lookup = nullptr;
            return PUSHCORE_OK;
        }
        cfg->config.lookup = [fn, ctx](const ProfileNotifier::ProfileQuery& q,
                                       ProfileNotifier::Profile& out) {
            const std::string identity(q.identity);  // NUL-terminated for the host
            pushcore_ua_profile_answer answer{&q, &out};
            return fn(ctx, type_code(q.type), identity.c_str(), identity.size(), &answer) == 1;
        };
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_notifier_config_set_network_user_policy(
    pushcore_ua_notifier_config* cfg, pushcore_ua_network_user_fn fn, void* ctx) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        if (!fn) {
            cfg->config.network_user_policy = nullptr;
            return PUSHCORE_OK;
        }
        cfg->config.network_user_policy = [fn, ctx](std::string_view device,
                                                    std::string_view user) {
            const std::string d(device), u(user);
            return fn(ctx, d.c_str(), d.size(), u.c_str(), u.size()) == 1;
        };
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_notifier_config_last_error(const pushcore_ua_notifier_config* cfg,
                                                        const char** reason, size_t* offset) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return last_error(cfg->err, reason, offset);
}

// ---- notifier -----------------------------------------------------------------------------

PUSHCORE_API int pushcore_ua_notifier_new(pushcore_ua_notifier** out,
                                          const pushcore_ua_notifier_config* cfg) {
    if (!out) return PUSHCORE_E_INVALID_ARGUMENT;
    *out = nullptr;
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(cfg->err, [&]() -> int {
        auto n = std::make_unique<pushcore_ua_notifier>();
        Status s = ProfileNotifier::create(cfg->config, n->notifier, cfg->err);
        if (s != Status::ok) return status(s);
        *out = n.release();
        return PUSHCORE_OK;
    });
}

PUSHCORE_API void pushcore_ua_notifier_free(pushcore_ua_notifier* n) {
    delete n;
}

PUSHCORE_API int pushcore_ua_notifier_receive(pushcore_ua_notifier* n, const uint8_t* data,
                                              size_t len, uint64_t flow, const char* host,
                                              size_t host_len, uint16_t port, uint64_t now_ms) {
    if (!n || !data || !text_ok(host, host_len)) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(n->err, [&] {
        sip::Message m;
        if (parse_message(data, len, m, n->err) != Status::ok) return n->err.status;
        ProfileNotifier::Peer from{flow, std::string(view(host, host_len)), port};
        return n->notifier->receive(m, from, now_ms, n->err);
    });
}

PUSHCORE_API int pushcore_ua_notifier_profile_changed(pushcore_ua_notifier* n, int32_t profile_type,
                                                      const char* identity, size_t len,
                                                      int32_t has_effective_by,
                                                      uint32_t effective_by, uint64_t now_ms) {
    if (!n) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(n->err, [&]() -> int {
        const std::optional<ProfileType> t = type_of_code(profile_type);
        if (!t)
            return status(n->err.fail(Status::invalid_argument,
                                      "profile_type: not a PUSHCORE_UA_PROFILE_* value", 0));
        if (!text_ok(identity, len) || len == 0)
            return status(n->err.fail(Status::invalid_argument, "identity: empty", 0));
        if (has_effective_by != 0 && has_effective_by != 1)
            return status(n->err.fail(Status::invalid_argument, "has_effective_by: 0 or 1", 0));
        std::optional<uint32_t> eff;
        if (has_effective_by) eff = effective_by;
        size_t count = n->notifier->profile_changed(*t, view(identity, len), eff, now_ms);
        return static_cast<int>(count > INT32_MAX ? INT32_MAX : count);
    });
}

PUSHCORE_API int pushcore_ua_notifier_terminate(pushcore_ua_notifier* n, uint64_t subscription,
                                                int32_t why, uint32_t retry_after,
                                                uint64_t now_ms) {
    if (!n) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(n->err, [&]() -> int {
        using Why = ProfileNotifier::Termination;
        static constexpr Why kWhy[] = {Why::deactivated, Why::probation, Why::rejected, Why::giveup,
                                       Why::noresource};
        if (why < PUSHCORE_UA_TERMINATE_DEACTIVATED || why > PUSHCORE_UA_TERMINATE_NORESOURCE)
            return status(n->err.fail(Status::invalid_argument,
                                      "why: not a PUSHCORE_UA_TERMINATE_* value", 0));
        std::optional<uint32_t> retry;
        if (retry_after != 0) retry = retry_after;
        Status st = n->notifier->terminate(subscription, kWhy[why - 1], retry, now_ms);
        if (st == Status::not_found) return status(n->err.fail(st, "no such subscription", 0));
        if (st == Status::invalid_state)
            return status(n->err.fail(st, "the subscription is already ending", 0));
        return status(st);
    });
}

PUSHCORE_API int pushcore_ua_notifier_next_output(pushcore_ua_notifier* n, const uint8_t** data,
                                                  size_t* len, uint64_t* flow, const char** host,
                                                  uint16_t* port) {
    if (!n || !data || !len || !flow || !host || !port) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        if (!n->notifier->next_output(n->output)) return 0;
        *data = reinterpret_cast<const uint8_t*>(n->output.bytes.data());
        *len = n->output.bytes.size();
        *flow = n->output.to.flow;
        *host = n->output.to.host.c_str();
        *port = n->output.to.port;
        return 1;
    });
}

PUSHCORE_API int pushcore_ua_notifier_output_failed(pushcore_ua_notifier* n, uint64_t now_ms) {
    if (!n) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(n->err, [&] { return n->notifier->output_failed(now_ms); });
}

PUSHCORE_API int pushcore_ua_notifier_next_event(pushcore_ua_notifier* n,
                                                 const pushcore_event** ev) {
    if (!n || !ev) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        ProfileNotifier::Event e;
        if (!n->notifier->next_event(e)) return 0;
        using T = ProfileNotifier::Event::Type;
        pushcore_event& out = n->event;
        switch (e.type) {
            case T::subscribed:
                out.reset(PUSHCORE_EVENT_UA_NOTIFIER_SUBSCRIBED);
                out.num(PUSHCORE_FIELD_UA_SUBSCRIPTION, e.subscription);
                out.num(PUSHCORE_FIELD_UA_PROFILE_TYPE,
                        static_cast<uint64_t>(type_code(e.profile_type)));
                out.str(PUSHCORE_FIELD_UA_IDENTITY, e.identity);
                if (!e.vendor.empty()) out.str(PUSHCORE_FIELD_UA_VENDOR, e.vendor);
                if (!e.model.empty()) out.str(PUSHCORE_FIELD_UA_MODEL, e.model);
                if (!e.version.empty()) out.str(PUSHCORE_FIELD_UA_VERSION, e.version);
                if (!e.network_user.empty())
                    out.str(PUSHCORE_FIELD_UA_NETWORK_USER, e.network_user);
                out.num(PUSHCORE_FIELD_EXPIRES, e.expires);
                out.num(PUSHCORE_FIELD_UA_KNOWN, e.known);
                break;
            case T::refreshed:
                out.reset(PUSHCORE_EVENT_UA_NOTIFIER_REFRESHED);
                out.num(PUSHCORE_FIELD_UA_SUBSCRIPTION, e.subscription);
                out.num(PUSHCORE_FIELD_EXPIRES, e.expires);
                break;
            case T::terminated:
                out.reset(PUSHCORE_EVENT_UA_NOTIFIER_TERMINATED);
                out.num(PUSHCORE_FIELD_UA_SUBSCRIPTION, e.subscription);
                out.num(PUSHCORE_FIELD_UA_PROFILE_TYPE,
                        static_cast<uint64_t>(type_code(e.profile_type)));
                out.str(PUSHCORE_FIELD_UA_IDENTITY, e.identity);
                out.num(PUSHCORE_FIELD_UA_END_REASON, static_cast<uint64_t>(end_code(e.reason)));
                if (e.code) out.num(PUSHCORE_FIELD_CODE, e.code);
                break;
            case T::enrolled:
                out.reset(PUSHCORE_EVENT_UA_NOTIFIER_ENROLLED);
                out.str(PUSHCORE_FIELD_UA_IDENTITY, e.identity);
                break;
            case T::enrollment_refused:
                out.reset(PUSHCORE_EVENT_UA_NOTIFIER_ENROLLMENT_REFUSED);
                out.str(PUSHCORE_FIELD_UA_IDENTITY, e.identity);
                out.num(PUSHCORE_FIELD_UA_REFUSAL, e.refusal == ProfileNotifier::Refusal::too_early
                                                       ? PUSHCORE_UA_REFUSAL_TOO_EARLY
                                                       : PUSHCORE_UA_REFUSAL_TOO_LATE);
                break;
            case T::default_user:
                out.reset(PUSHCORE_EVENT_UA_NOTIFIER_DEFAULT_USER);
                out.num(PUSHCORE_FIELD_UA_SUBSCRIPTION, e.subscription);
                out.str(PUSHCORE_FIELD_UA_IDENTITY, e.identity);
                out.str(PUSHCORE_FIELD_UA_NETWORK_USER, e.network_user);
                out.num(PUSHCORE_FIELD_UA_ACCEPTED, e.accepted);
                break;
        }
        *ev = &out;
        return 1;
    });
}

PUSHCORE_API uint64_t pushcore_ua_notifier_next_deadline(const pushcore_ua_notifier* n) {
    return n ? n->notifier->next_deadline() : PUSHCORE_NO_DEADLINE;
}

PUSHCORE_API int pushcore_ua_notifier_on_timeout(pushcore_ua_notifier* n, uint64_t now_ms) {
    if (!n) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(n->err, [&]() -> int {
        n->notifier->on_timeout(now_ms);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_notifier_subscription_count(const pushcore_ua_notifier* n) {
    if (!n) return PUSHCORE_E_INVALID_ARGUMENT;
    size_t c = n->notifier->subscription_count();
    return static_cast<int>(c > INT32_MAX ? INT32_MAX : c);
}

PUSHCORE_API int pushcore_ua_notifier_state_of(const pushcore_ua_notifier* n,
                                               uint64_t subscription) {
    if (!n) return PUSHCORE_E_INVALID_ARGUMENT;
    auto st = n->notifier->state_of(subscription);
    if (!st) return PUSHCORE_E_NOT_FOUND;
    switch (*st) {
        case ProfileNotifier::State::active:
            return PUSHCORE_UA_SUB_ACTIVE;
        case ProfileNotifier::State::notifying:
            return PUSHCORE_UA_SUB_NOTIFYING;
        case ProfileNotifier::State::terminating:
            break;
    }
    return PUSHCORE_UA_SUB_TERMINATING;
}

PUSHCORE_API int pushcore_ua_notifier_add_expected(pushcore_ua_notifier* n, const char* device,
                                                   size_t len, uint64_t not_before_ms,
                                                   uint64_t not_after_ms) {
    if (!n || !text_ok(device, len)) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(n->err, [&] {
        return n->notifier->add_expected(view(device, len), not_before_ms, not_after_ms, n->err);
    });
}

PUSHCORE_API int pushcore_ua_notifier_remove_expected(pushcore_ua_notifier* n, const char* device,
                                                      size_t len) {
    if (!n || !text_ok(device, len)) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int { return n->notifier->remove_expected(view(device, len)) ? 1 : 0; });
}

PUSHCORE_API int pushcore_ua_notifier_is_expected(const pushcore_ua_notifier* n, const char* device,
                                                  size_t len) {
    if (!n || !text_ok(device, len)) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int { return n->notifier->is_expected(view(device, len)) ? 1 : 0; });
}

PUSHCORE_API int pushcore_ua_notifier_is_enrolled(const pushcore_ua_notifier* n, const char* device,
                                                  size_t len) {
    if (!n || !text_ok(device, len)) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int { return n->notifier->is_enrolled(view(device, len)) ? 1 : 0; });
}

PUSHCORE_API int pushcore_ua_notifier_remove_enrolled(pushcore_ua_notifier* n, const char* device,
                                                      size_t len) {
    if (!n || !text_ok(device, len)) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int { return n->notifier->remove_enrolled(view(device, len)) ? 1 : 0; });
}

PUSHCORE_API int pushcore_ua_notifier_last_error(const pushcore_ua_notifier* n, const char** reason,
                                                 size_t* offset) {
    if (!n) return PUSHCORE_E_INVALID_ARGUMENT;
    return last_error(n->err, reason, offset);
}

// ---- subscriber config --------------------------------------------------------------------

PUSHCORE_API int pushcore_ua_subscriber_config_new(pushcore_ua_subscriber_config** out) {
    if (!out) return PUSHCORE_E_INVALID_ARGUMENT;
    *out = nullptr;
    return guard([&]() -> int {
        *out = new pushcore_ua_subscriber_config{};
        return PUSHCORE_OK;
    });
}

PUSHCORE_API void pushcore_ua_subscriber_config_free(pushcore_ua_subscriber_config* cfg) {
    delete cfg;
}

PUSHCORE_API int pushcore_ua_subscriber_config_set_profile_type(pushcore_ua_subscriber_config* cfg,
                                                                int32_t type, const char* token,
                                                                size_t len) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        const std::optional<ProfileType> t = type_of_code(type);
        if (!t) return refuse(cfg->err, "profile_type: not a PUSHCORE_UA_PROFILE_* value");
        std::string_view tok = view(token, len);
        if (!text_ok(token, len) || has_ctl(tok))
            return refuse(cfg->err, "profile_type: token has control characters");
        if (t == ProfileType::other && tok.empty())
            return refuse(cfg->err, "profile_type: OTHER needs its token");
        if (t != ProfileType::other && !tok.empty())
            return refuse(cfg->err, "profile_type: a token only for OTHER");
        cfg->config.profile_type = *t;
        cfg->config.profile_type_token.assign(tok);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_subscriber_config_set_form(pushcore_ua_subscriber_config* cfg,
                                                        int32_t form) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    if (form == PUSHCORE_UA_FORM_DRAFT08)
        cfg->config.form = Form::draft08;
    else if (form == PUSHCORE_UA_FORM_RFC6080)
        cfg->config.form = Form::rfc6080;
    else
        return refuse(cfg->err, "form: not a PUSHCORE_UA_FORM_* value");
    return PUSHCORE_OK;
}

PUSHCORE_API int pushcore_ua_subscriber_config_set_str(pushcore_ua_subscriber_config* cfg,
                                                       int32_t key, const char* value, size_t len) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        std::string_view v = view(value, len);
        if (!text_ok(value, len)) return refuse(cfg->err, "value: NULL with a length");
        if (has_ctl(v)) return refuse(cfg->err, "value: control characters");
        SubscriberConfig& c = cfg->config;
        std::string* field = nullptr;
        switch (key) {
            case PUSHCORE_UA_SUBSCRIBER_STR_REQUEST_URI:
                field = &c.request_uri;
                break;
            case PUSHCORE_UA_SUBSCRIBER_STR_FROM:
                field = &c.from;
                break;
            case PUSHCORE_UA_SUBSCRIBER_STR_TO:
                field = &c.to;
                break;
            case PUSHCORE_UA_SUBSCRIBER_STR_CONTACT:
                field = &c.contact;
                break;
            case PUSHCORE_UA_SUBSCRIBER_STR_TRANSPORT:
                if (v.empty() || v.find_first_of(" /;") != std::string_view::npos)
                    return refuse(cfg->err, "transport: a token such as UDP");
                field = &c.transport;
                break;
            case PUSHCORE_UA_SUBSCRIBER_STR_SENT_BY:
                if (v.find_first_of(" ;,") != std::string_view::npos)
                    return refuse(cfg->err, "sent_by: host[:port]");
                field = &c.sent_by;
                break;
            case PUSHCORE_UA_SUBSCRIBER_STR_VENDOR:
                field = &c.vendor;
                break;
            case PUSHCORE_UA_SUBSCRIBER_STR_MODEL:
                field = &c.model;
                break;
            case PUSHCORE_UA_SUBSCRIBER_STR_VERSION:
                field = &c.version;
                break;
            case PUSHCORE_UA_SUBSCRIBER_STR_NETWORK_USER:
                field = &c.network_user;
                break;
            case PUSHCORE_UA_SUBSCRIBER_STR_USER_AGENT:
                field = &c.user_agent;
                break;
            default:
                return refuse(cfg->err, "not a PUSHCORE_UA_SUBSCRIBER_STR_* key");
        }
        field->assign(v);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_subscriber_config_set_u64(pushcore_ua_subscriber_config* cfg,
                                                       int32_t key, uint64_t value) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    if (value > UINT32_MAX) return refuse(cfg->err, "value: above 2^32-1 seconds");
    switch (key) {
        case PUSHCORE_UA_SUBSCRIBER_EXPIRES:
            cfg->config.expires = static_cast<uint32_t>(value);
            return PUSHCORE_OK;
        case PUSHCORE_UA_SUBSCRIBER_REFRESH_MARGIN:
            cfg->config.refresh_margin = static_cast<uint32_t>(value);
            return PUSHCORE_OK;
        default:
            return refuse(cfg->err, "not a PUSHCORE_UA_SUBSCRIBER_* key");
    }
}

PUSHCORE_API int pushcore_ua_subscriber_config_add_accept(pushcore_ua_subscriber_config* cfg,
                                                          const char* media_type, size_t len) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        std::string_view v = view(media_type, len);
        if (!text_ok(media_type, len) || v.empty() || has_ctl(v) ||
            v.find('/') == std::string_view::npos || v.find(',') != std::string_view::npos)
            return refuse(cfg->err, "accept: not a media type");
        cfg->config.accept.emplace_back(v);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_subscriber_config_set_random(pushcore_ua_subscriber_config* cfg,
                                                          pushcore_random_fn fn, void* ctx) {
    if (!cfg || !fn) return PUSHCORE_E_INVALID_ARGUMENT;
    cfg->config.random = Random{fn, ctx};
    return PUSHCORE_OK;
}

PUSHCORE_API int pushcore_ua_subscriber_config_set_hash(pushcore_ua_subscriber_config* cfg,
                                                        pushcore_ua_hash_fn fn, void* ctx) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    cfg->config.hash = fn ? HashFn{fn, ctx} : HashFn::system_default();
    return PUSHCORE_OK;
}

PUSHCORE_API int pushcore_ua_subscriber_config_last_error(const pushcore_ua_subscriber_config* cfg,
                                                          const char** reason, size_t* offset) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return last_error(cfg->err, reason, offset);
}

// ---- subscriber ---------------------------------------------------------------------------

PUSHCORE_API int pushcore_ua_subscriber_new(pushcore_ua_subscriber** out,
                                            const pushcore_ua_subscriber_config* cfg) {
    if (!out) return PUSHCORE_E_INVALID_ARGUMENT;
    *out = nullptr;
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(cfg->err, [&]() -> int {
        auto s = std::make_unique<pushcore_ua_subscriber>();
        Status st = ProfileSubscriber::create(cfg->config, s->subscriber, cfg->err);
        if (st != Status::ok) return status(st);
        *out = s.release();
        return PUSHCORE_OK;
    });
}

PUSHCORE_API void pushcore_ua_subscriber_free(pushcore_ua_subscriber* s) {
    delete s;
}

PUSHCORE_API int pushcore_ua_subscriber_start(pushcore_ua_subscriber* s, uint64_t now_ms) {
    if (!s) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(s->err, [&] { return s->subscriber->start(now_ms); });
}

PUSHCORE_API int pushcore_ua_subscriber_stop(pushcore_ua_subscriber* s, uint64_t now_ms) {
    if (!s) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(s->err, [&] { return s->subscriber->stop(now_ms); });
}

PUSHCORE_API int pushcore_ua_subscriber_receive(pushcore_ua_subscriber* s, const uint8_t* data,
                                                size_t len, uint64_t now_ms) {
    if (!s || !data) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(s->err, [&] {
        sip::Message m;
        if (parse_message(data, len, m, s->err) != Status::ok) return s->err.status;
        return s->subscriber->receive(m, now_ms, s->err);
    });
}

PUSHCORE_API int pushcore_ua_subscriber_on_fetched(pushcore_ua_subscriber* s,
                                                   const char* content_id, size_t id_len,
                                                   const uint8_t* data, size_t len,
                                                   uint64_t now_ms) {
    if (!s || !text_ok(content_id, id_len) || (!data && len)) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(s->err, [&] {
        std::string_view bytes(reinterpret_cast<const char*>(data), data ? len : 0);
        return s->subscriber->on_fetched(view(content_id, id_len), bytes, now_ms);
    });
}

PUSHCORE_API int pushcore_ua_subscriber_on_fetch_failed(pushcore_ua_subscriber* s,
                                                        const char* content_id, size_t id_len,
                                                        uint64_t now_ms) {
    if (!s || !text_ok(content_id, id_len)) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(s->err,
               [&] { return s->subscriber->on_fetch_failed(view(content_id, id_len), now_ms); });
}

PUSHCORE_API int pushcore_ua_subscriber_applied(pushcore_ua_subscriber* s) {
    if (!s) return PUSHCORE_E_INVALID_ARGUMENT;
    s->subscriber->applied();
    return PUSHCORE_OK;
}

PUSHCORE_API int pushcore_ua_subscriber_next_output(pushcore_ua_subscriber* s, const uint8_t** data,
                                                    size_t* len) {
    if (!s || !data || !len) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        if (!s->subscriber->next_output(s->output)) return 0;
        *data = reinterpret_cast<const uint8_t*>(s->output.data());
        *len = s->output.size();
        return 1;
    });
}

PUSHCORE_API int pushcore_ua_subscriber_next_event(pushcore_ua_subscriber* s,
                                                   const pushcore_event** ev) {
    if (!s || !ev) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        ProfileSubscriber::Event e;
        if (!s->subscriber->next_event(e)) return 0;
        using T = ProfileSubscriber::Event::Type;
        pushcore_event& out = s->event;
        auto apply_by = [&] {
            if (e.apply_by) out.num(PUSHCORE_FIELD_UA_APPLY_BY, *e.apply_by);
        };
        auto reason = [&] {
            if (!e.reason.empty()) out.str(PUSHCORE_FIELD_REASON, e.reason);
        };
        auto hash_check = [&] {
            out.num(PUSHCORE_FIELD_UA_HASH_CHECK, static_cast<uint64_t>(hash_code(e.hash_check)));
        };
        switch (e.type) {
            case T::subscribed:
                out.reset(PUSHCORE_EVENT_UA_SUBSCRIBER_SUBSCRIBED);
                out.num(PUSHCORE_FIELD_CODE, e.code);
                out.num(PUSHCORE_FIELD_EXPIRES, e.expires);
                break;
            case T::auth_required:
                out.reset(PUSHCORE_EVENT_UA_SUBSCRIBER_AUTH_REQUIRED);
                out.num(PUSHCORE_FIELD_CODE, e.code);
                reason();
                out.str(PUSHCORE_FIELD_UA_CHALLENGE, e.challenge);
                break;
            case T::failed:
                out.reset(PUSHCORE_EVENT_UA_SUBSCRIBER_FAILED);
                out.num(PUSHCORE_FIELD_CODE, e.code);
                reason();
                break;
            case T::unsubscribed:
                out.reset(PUSHCORE_EVENT_UA_SUBSCRIBER_UNSUBSCRIBED);
                out.num(PUSHCORE_FIELD_CODE, e.code);
                break;
            case T::terminated:
                out.reset(PUSHCORE_EVENT_UA_SUBSCRIBER_TERMINATED);
                reason();
                if (e.retry_after) out.num(PUSHCORE_FIELD_UA_RETRY_AFTER, *e.retry_after);
                break;
            case T::fetch:
                out.reset(PUSHCORE_EVENT_UA_SUBSCRIBER_FETCH);
                out.str(PUSHCORE_FIELD_UA_URL, e.url);
                out.str(PUSHCORE_FIELD_UA_CONTENT_TYPE, e.content_type);
                out.str(PUSHCORE_FIELD_UA_CONTENT_ID, e.content_id);
                if (!e.hash.empty()) out.str(PUSHCORE_FIELD_UA_HASH, e.hash);
                if (e.size) out.num(PUSHCORE_FIELD_UA_SIZE, *e.size);
                apply_by();
                break;
            case T::profile:
                out.reset(PUSHCORE_EVENT_UA_SUBSCRIBER_PROFILE);
                out.str(PUSHCORE_FIELD_UA_CONTENT_TYPE, e.content_type);
                if (!e.content_id.empty()) out.str(PUSHCORE_FIELD_UA_CONTENT_ID, e.content_id);
                out.str(PUSHCORE_FIELD_UA_BODY, e.body);
                apply_by();
                break;
            case T::no_profile:
                out.reset(PUSHCORE_EVENT_UA_SUBSCRIBER_NO_PROFILE);
                break;
            case T::apply_by:
                out.reset(PUSHCORE_EVENT_UA_SUBSCRIBER_APPLY_BY);
                apply_by();
                break;
            case T::apply_when_idle:
                out.reset(PUSHCORE_EVENT_UA_SUBSCRIBER_APPLY_WHEN_IDLE);
                break;
            case T::profile_ready:
                out.reset(PUSHCORE_EVENT_UA_SUBSCRIBER_PROFILE_READY);
                out.str(PUSHCORE_FIELD_UA_CONTENT_ID, e.content_id);
                out.str(PUSHCORE_FIELD_UA_CONTENT_TYPE, e.content_type);
                out.str(PUSHCORE_FIELD_UA_URL, e.url);
                hash_check();
                break;
            case T::fetch_failed:
                out.reset(PUSHCORE_EVENT_UA_SUBSCRIBER_FETCH_FAILED);
                out.str(PUSHCORE_FIELD_UA_CONTENT_ID, e.content_id);
                out.str(PUSHCORE_FIELD_UA_CONTENT_TYPE, e.content_type);
                out.str(PUSHCORE_FIELD_UA_URL, e.url);
                reason();
                hash_check();
                break;
            case T::apply_due:
                out.reset(PUSHCORE_EVENT_UA_SUBSCRIBER_APPLY_DUE);
                apply_by();
                break;
            case T::refresh_failed:
                out.reset(PUSHCORE_EVENT_UA_SUBSCRIBER_REFRESH_FAILED);
                out.num(PUSHCORE_FIELD_CODE, e.code);
                reason();
                if (!e.challenge.empty()) out.str(PUSHCORE_FIELD_UA_CHALLENGE, e.challenge);
                out.num(PUSHCORE_FIELD_EXPIRES, e.expires);
                break;
        }
        *ev = &out;
        return 1;
    });
}

PUSHCORE_API uint64_t pushcore_ua_subscriber_next_deadline(const pushcore_ua_subscriber* s) {
    return s ? s->subscriber->next_deadline() : PUSHCORE_NO_DEADLINE;
}

PUSHCORE_API int pushcore_ua_subscriber_on_timeout(pushcore_ua_subscriber* s, uint64_t now_ms) {
    if (!s) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(s->err, [&]() -> int {
        s->subscriber->on_timeout(now_ms);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_subscriber_state(const pushcore_ua_subscriber* s) {
    if (!s) return PUSHCORE_E_INVALID_ARGUMENT;
    using S = ProfileSubscriber::State;
    switch (s->subscriber->state()) {
        case S::idle:
            return PUSHCORE_UA_SUBSCRIBER_STATE_IDLE;
        case S::subscribing:
            return PUSHCORE_UA_SUBSCRIBER_STATE_SUBSCRIBING;
        case S::subscribed:
            return PUSHCORE_UA_SUBSCRIBER_STATE_SUBSCRIBED;
        case S::refreshing:
            return PUSHCORE_UA_SUBSCRIBER_STATE_REFRESHING;
        case S::unsubscribing:
            return PUSHCORE_UA_SUBSCRIBER_STATE_UNSUBSCRIBING;
        case S::terminated:
            break;
    }
    return PUSHCORE_UA_SUBSCRIBER_STATE_TERMINATED;
}

PUSHCORE_API int pushcore_ua_subscriber_sub_state(const pushcore_ua_subscriber* s) {
    if (!s) return PUSHCORE_E_INVALID_ARGUMENT;
    using S = ProfileSubscriber::SubState;
    switch (s->subscriber->sub_state()) {
        case S::none:
            return PUSHCORE_UA_SUBSTATE_NONE;
        case S::pending:
            return PUSHCORE_UA_SUBSTATE_PENDING;
        case S::active:
            return PUSHCORE_UA_SUBSTATE_ACTIVE;
        case S::terminated:
            break;
    }
    return PUSHCORE_UA_SUBSTATE_TERMINATED;
}

PUSHCORE_API int pushcore_ua_subscriber_pending_fetches(const pushcore_ua_subscriber* s) {
    if (!s) return PUSHCORE_E_INVALID_ARGUMENT;
    size_t c = s->subscriber->pending_fetches();
    return static_cast<int>(c > INT32_MAX ? INT32_MAX : c);
}

PUSHCORE_API int pushcore_ua_subscriber_current_profile_str(pushcore_ua_subscriber* s,
                                                            const char* content_type, size_t ct_len,
                                                            int32_t field, const char** value,
                                                            size_t* len) {
    if (!s || !text_ok(content_type, ct_len) || !value || !len) return PUSHCORE_E_INVALID_ARGUMENT;
    const Profile* p = current(*s->subscriber, view(content_type, ct_len));
    const std::string* v = nullptr;
    switch (field) {
        case PUSHCORE_UA_FIELD_URL:
            if (p) v = &p->url;
            break;
        case PUSHCORE_UA_FIELD_CONTENT_TYPE:
            if (p) v = &p->content_type;
            break;
        case PUSHCORE_UA_FIELD_CONTENT_ID:
            if (p) v = &p->content_id;
            break;
        default:
            return PUSHCORE_E_INVALID_ARGUMENT;
    }
    if (!v) return 0;
    *value = v->c_str();
    *len = v->size();
    return 1;
}

PUSHCORE_API int pushcore_ua_subscriber_current_profile_body(pushcore_ua_subscriber* s,
                                                             const char* content_type,
                                                             size_t ct_len, const uint8_t** data,
                                                             size_t* len) {
    if (!s || !text_ok(content_type, ct_len) || !data || !len) return PUSHCORE_E_INVALID_ARGUMENT;
    const Profile* p = current(*s->subscriber, view(content_type, ct_len));
    if (!p) return 0;
    *data = reinterpret_cast<const uint8_t*>(p->body.data());
    *len = p->body.size();
    return 1;
}

PUSHCORE_API int pushcore_ua_subscriber_current_profile_apply_by(pushcore_ua_subscriber* s,
                                                                 const char* content_type,
                                                                 size_t ct_len,
                                                                 uint64_t* apply_by) {
    if (!s || !text_ok(content_type, ct_len) || !apply_by) return PUSHCORE_E_INVALID_ARGUMENT;
    const Profile* p = current(*s->subscriber, view(content_type, ct_len));
    if (!p || !p->apply_by) return 0;
    *apply_by = *p->apply_by;
    return 1;
}

PUSHCORE_API int pushcore_ua_subscriber_last_error(const pushcore_ua_subscriber* s,
                                                   const char** reason, size_t* offset) {
    if (!s) return PUSHCORE_E_INVALID_ARGUMENT;
    return last_error(s->err, reason, offset);
}

// ---- discovery config ---------------------------------------------------------------------

PUSHCORE_API int pushcore_ua_discovery_config_new(pushcore_ua_discovery_config** out) {
    if (!out) return PUSHCORE_E_INVALID_ARGUMENT;
    *out = nullptr;
    return guard([&]() -> int {
        *out = new pushcore_ua_discovery_config{};
        return PUSHCORE_OK;
    });
}

PUSHCORE_API void pushcore_ua_discovery_config_free(pushcore_ua_discovery_config* cfg) {
    delete cfg;
}

PUSHCORE_API int pushcore_ua_discovery_config_set_device(pushcore_ua_discovery_config* cfg,
                                                         const char* id, size_t len) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    if (!text_ok(id, len)) return refuse(cfg->err, "device: NULL with a length");
    return run(cfg->err, [&]() -> int {
        DeviceId device;
        Status st = parse_device_id(view(id, len), device, cfg->err);
        if (st != Status::ok) return status(st);
        cfg->config.device = std::move(device);
        cfg->has_device = true;
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_discovery_config_set_form(pushcore_ua_discovery_config* cfg,
                                                       int32_t form) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    if (form == PUSHCORE_UA_FORM_DRAFT08)
        cfg->config.form = Form::draft08;
    else if (form == PUSHCORE_UA_FORM_RFC6080)
        cfg->config.form = Form::rfc6080;
    else
        return refuse(cfg->err, "form: not a PUSHCORE_UA_FORM_* value");
    return PUSHCORE_OK;
}

PUSHCORE_API int pushcore_ua_discovery_config_set_str(pushcore_ua_discovery_config* cfg,
                                                      int32_t key, const char* value, size_t len) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        std::string_view v = view(value, len);
        if (!text_ok(value, len)) return refuse(cfg->err, "value: NULL with a length");
        if (has_ctl(v)) return refuse(cfg->err, "value: control characters");
        DiscoveryConfig& c = cfg->config;
        switch (key) {
            case PUSHCORE_UA_DISCOVERY_STR_CACHED_DEVICE_URI:
                c.cached_device_uri.assign(v);
                return PUSHCORE_OK;
            case PUSHCORE_UA_DISCOVERY_STR_DHCP_DOMAIN:
                c.dhcp_domain.assign(v);
                return PUSHCORE_OK;
            case PUSHCORE_UA_DISCOVERY_STR_CONFIGURED_DOMAIN:
                c.configured_domain.assign(v);
                return PUSHCORE_OK;
            case PUSHCORE_UA_DISCOVERY_STR_USER_AOR:
                c.user_aor.assign(v);
                return PUSHCORE_OK;
            default:
                return refuse(cfg->err, "not a PUSHCORE_UA_DISCOVERY_STR_* key");
        }
    });
}

PUSHCORE_API int pushcore_ua_discovery_config_add_dhcp_sip_server(pushcore_ua_discovery_config* cfg,
                                                                  const char* host, size_t len) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        std::string_view v = view(host, len);
        if (!text_ok(host, len) || v.empty() || has_ctl(v))
            return refuse(cfg->err, "dhcp_sip_server: empty or control characters");
        cfg->config.dhcp_sip_servers.emplace_back(v);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_discovery_config_set_application_profile(
    pushcore_ua_discovery_config* cfg, int32_t enabled) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    if (enabled != 0 && enabled != 1) return refuse(cfg->err, "application_profile: 0 or 1");
    cfg->config.application_profile = enabled == 1;
    return PUSHCORE_OK;
}

PUSHCORE_API int pushcore_ua_discovery_config_last_error(const pushcore_ua_discovery_config* cfg,
                                                         const char** reason, size_t* offset) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return last_error(cfg->err, reason, offset);
}

// ---- discovery ----------------------------------------------------------------------------

PUSHCORE_API int pushcore_ua_discovery_new(pushcore_ua_discovery** out,
                                           const pushcore_ua_discovery_config* cfg) {
    if (!out) return PUSHCORE_E_INVALID_ARGUMENT;
    *out = nullptr;
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(cfg->err, [&]() -> int {
        if (!cfg->has_device)
            return status(cfg->err.fail(Status::invalid_argument, "device: not set", 0));
        auto d = std::make_unique<pushcore_ua_discovery>();
        Status st = Discovery::create(cfg->config, d->discovery, cfg->err);
        if (st != Status::ok) return status(st);
        *out = d.release();
        return PUSHCORE_OK;
    });
}

PUSHCORE_API void pushcore_ua_discovery_free(pushcore_ua_discovery* d) {
    delete d;
}

PUSHCORE_API int pushcore_ua_discovery_start(pushcore_ua_discovery* d) {
    if (!d) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(d->err, [&] { return d->discovery->start(); });
}

PUSHCORE_API int pushcore_ua_discovery_report(pushcore_ua_discovery* d, int32_t kind,
                                              uint32_t code) {
    if (!d) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(d->err, [&]() -> int {
        Discovery::Outcome o;
        switch (kind) {
            case PUSHCORE_UA_OUTCOME_WITH_PROFILE:
                o = Discovery::Outcome::with_profile();
                break;
            case PUSHCORE_UA_OUTCOME_WITHOUT_PROFILE:
                o = Discovery::Outcome::without_profile();
                break;
            case PUSHCORE_UA_OUTCOME_TIMEOUT:
                o = Discovery::Outcome::no_response();
                break;
            case PUSHCORE_UA_OUTCOME_FAILURE:
                if (code < 300 || code > 699)
                    return status(
                        d->err.fail(Status::invalid_argument, "code: a failure is 300-699", 0));
                o = Discovery::Outcome::failed(static_cast<uint16_t>(code));
                break;
            default:
                return status(d->err.fail(Status::invalid_argument,
                                          "kind: not a PUSHCORE_UA_OUTCOME_* value", 0));
        }
        return status(d->discovery->report(o));
    });
}

PUSHCORE_API int pushcore_ua_discovery_manual_host(pushcore_ua_discovery* d, const char* host,
                                                   size_t len) {
    if (!d || !text_ok(host, len)) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(d->err, [&] { return d->discovery->manual_host(view(host, len)); });
}

PUSHCORE_API int pushcore_ua_discovery_user_aor(pushcore_ua_discovery* d, const char* aor,
                                                size_t len) {
    if (!d || !text_ok(aor, len)) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(d->err, [&] { return d->discovery->user_aor(view(aor, len)); });
}

PUSHCORE_API int pushcore_ua_discovery_next_event(pushcore_ua_discovery* d,
                                                  const pushcore_event** ev) {
    if (!d || !ev) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        Discovery::Event e;
        if (!d->discovery->next_event(e)) return 0;
        using T = Discovery::Event::Type;
        pushcore_event& out = d->event;
        auto attempt = [&] {
            out.num(PUSHCORE_FIELD_UA_PROFILE_TYPE,
                    static_cast<uint64_t>(discovery_profile_code(e.attempt.profile)));
            out.num(PUSHCORE_FIELD_UA_SOURCE, static_cast<uint64_t>(source_code(e.attempt.source)));
            out.str(PUSHCORE_FIELD_UA_URI, e.attempt.uri);
        };
        switch (e.type) {
            case T::subscribe:
                out.reset(PUSHCORE_EVENT_UA_DISCOVERY_SUBSCRIBE);
                attempt();
                break;
            case T::authorization_required:
                out.reset(PUSHCORE_EVENT_UA_DISCOVERY_AUTHORIZATION_REQUIRED);
                attempt();
                out.num(PUSHCORE_FIELD_CODE, e.code);
                break;
            case T::profile_unavailable:
                out.reset(PUSHCORE_EVENT_UA_DISCOVERY_PROFILE_UNAVAILABLE);
                attempt();
                out.num(PUSHCORE_FIELD_CODE, e.code);
                break;
            case T::candidate_rejected:
                out.reset(PUSHCORE_EVENT_UA_DISCOVERY_CANDIDATE_REJECTED);
                out.str(PUSHCORE_FIELD_UA_HOST, e.text);
                out.str(PUSHCORE_FIELD_REASON, e.reason ? e.reason : "");
                break;
            case T::persist_device_uri:
                out.reset(PUSHCORE_EVENT_UA_DISCOVERY_PERSIST_DEVICE_URI);
                out.str(PUSHCORE_FIELD_UA_URI, e.text);
                break;
            case T::manual_entry_required:
                out.reset(PUSHCORE_EVENT_UA_DISCOVERY_MANUAL_ENTRY_REQUIRED);
                break;
            case T::user_aor_required:
                out.reset(PUSHCORE_EVENT_UA_DISCOVERY_USER_AOR_REQUIRED);
                break;
            case T::complete:
                out.reset(PUSHCORE_EVENT_UA_DISCOVERY_COMPLETE);
                break;
        }
        *ev = &out;
        return 1;
    });
}

PUSHCORE_API int pushcore_ua_discovery_state(const pushcore_ua_discovery* d) {
    if (!d) return PUSHCORE_E_INVALID_ARGUMENT;
    using S = Discovery::State;
    switch (d->discovery->state()) {
        case S::idle:
            return PUSHCORE_UA_DISCOVERY_STATE_IDLE;
        case S::local_network:
            return PUSHCORE_UA_DISCOVERY_STATE_LOCAL_NETWORK;
        case S::device:
            return PUSHCORE_UA_DISCOVERY_STATE_DEVICE;
        case S::device_enrolled:
            return PUSHCORE_UA_DISCOVERY_STATE_DEVICE_ENROLLED;
        case S::manual_entry:
            return PUSHCORE_UA_DISCOVERY_STATE_MANUAL_ENTRY;
        case S::awaiting_user_aor:
            return PUSHCORE_UA_DISCOVERY_STATE_AWAITING_USER_AOR;
        case S::user:
            return PUSHCORE_UA_DISCOVERY_STATE_USER;
        case S::application:
            return PUSHCORE_UA_DISCOVERY_STATE_APPLICATION;
        case S::done:
            break;
    }
    return PUSHCORE_UA_DISCOVERY_STATE_DONE;
}

PUSHCORE_API int pushcore_ua_discovery_current(pushcore_ua_discovery* d, int32_t* profile_type,
                                               int32_t* source, const char** uri, size_t* len) {
    if (!d) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        std::optional<Discovery::Attempt> a = d->discovery->current();
        if (!a) return 0;
        d->uri = std::move(a->uri);
        if (profile_type) *profile_type = discovery_profile_code(a->profile);
        if (source) *source = source_code(a->source);
        if (uri) *uri = d->uri.c_str();
        if (len) *len = d->uri.size();
        return 1;
    });
}

PUSHCORE_API int pushcore_ua_discovery_remaining_device_candidates(const pushcore_ua_discovery* d) {
    if (!d) return PUSHCORE_E_INVALID_ARGUMENT;
    size_t c = d->discovery->remaining_device_candidates();
    return static_cast<int>(c > INT32_MAX ? INT32_MAX : c);
}

PUSHCORE_API int pushcore_ua_discovery_last_error(const pushcore_ua_discovery* d,
                                                  const char** reason, size_t* offset) {
    if (!d) return PUSHCORE_E_INVALID_ARGUMENT;
    return last_error(d->err, reason, offset);
}

}  // extern "C"
