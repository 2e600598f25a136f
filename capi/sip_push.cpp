// C ABI shims for SIP push: validate arguments, convert, call lib/, map errors. No logic.
#include "pushcore/sip_push.h"

#include <memory>
#include <optional>
#include <string>

#include "event.hpp"
#include "pushcore/core/status.hpp"
#include "pushcore/sip/name_addr.hpp"
#include "pushcore/sip/uri.hpp"
#include "pushcore/sip_push/push_proxy.hpp"
#include "pushcore/sip_push/push_ua.hpp"
#include "pushcore/text/grammar.hpp"
#include "shim.hpp"

using namespace pushcore;
using capi::last_error;
using capi::run;
using capi::status;
using namespace pushcore::sip_push;
using capi::guard;

struct pushcore_sip_framer {
    sip::Limits limits;
    sip::StreamReader reader;
    sip::Message message;
    Error err;
};

struct pushcore_push_params {
    std::string text;      // the parsed copy: PushParams views point into it
    size_t params_at = 0;  // where the uri-parameters start in text (offsets are relative)
    PushParams params;
    std::string value;  // the last decoded value handed out
    std::vector<std::pair<std::string, std::string>> unknown;
    Error err;
};

struct pushcore_provider_registry {
    ProviderRegistry registry;
};

struct pushcore_sip_ua_config {
    UaConfig config;
    mutable Error err;  // of the last failed setter or pushcore_sip_ua_new
};

struct pushcore_sip_ua {
    std::optional<PushUa> ua;
    std::string output;
    pushcore_event event;
    Error err;
};

struct pushcore_sip_proxy_config {
    ProxyConfig config;
    mutable Error err;
};

struct pushcore_sip_proxy {
    std::optional<PushProxy> proxy;
    PushProxy::Output output;
    pushcore_event event;
    Error err;
};

namespace {

// Records a failure in `err` unless the callee already did, and returns its status.
int fail(Error& err, Status s, const char* why) {
    if (err.status != s) err.fail(s, why, 0);
    return status(s);
}

// A setter refused its argument: always the latest reason.
int refuse(Error& err, const char* why) {
    err.fail(Status::invalid_argument, why, 0);
    return PUSHCORE_E_INVALID_ARGUMENT;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out.append(out.empty() ? "" : ",").append(n);
    return out;
}

void put_caps(pushcore_event& ev, const PushCaps& caps) {
    if (!caps.pns.empty()) ev.str(PUSHCORE_FIELD_PNS, joined(caps.pns));
    ev.num(PUSHCORE_FIELD_PNSREG, caps.pnsreg);
    if (caps.pnsreg_seconds) ev.num(PUSHCORE_FIELD_PNSREG_SECONDS, *caps.pnsreg_seconds);
    if (caps.pnspurr) ev.str(PUSHCORE_FIELD_PNSPURR, *caps.pnspurr);
    if (caps.vapid) ev.str(PUSHCORE_FIELD_VAPID, *caps.vapid);
}

// A whole SIP message from the caller's bytes, for the machines' receive().
Status parse_message(const uint8_t* data, size_t len, sip::Message& m, Error& err) {
    if (!data && len) return err.fail(Status::invalid_argument, "data is NULL", 0);
    std::string_view bytes(reinterpret_cast<const char*>(data), len);
    return sip::parse_datagram(bytes, m, sip::Limits{}, err);
}

}  // namespace

extern "C" {

// ---- framer ----------------------------------------------------------------------------

PUSHCORE_API int pushcore_sip_framer_new(pushcore_sip_framer** out, size_t max_header_bytes,
                                         size_t max_headers, size_t max_body_bytes) {
    if (!out) return PUSHCORE_E_INVALID_ARGUMENT;
    *out = nullptr;
    return guard([&]() -> int {
        sip::Limits limits;
        if (max_header_bytes) limits.max_header_bytes = max_header_bytes;
        if (max_headers) limits.max_headers = max_headers;
        if (max_body_bytes) limits.max_body_bytes = max_body_bytes;
        *out = new pushcore_sip_framer{limits, sip::StreamReader(limits),
                                       sip::Message(limits.max_headers), Error{}};
        return PUSHCORE_OK;
    });
}

PUSHCORE_API void pushcore_sip_framer_free(pushcore_sip_framer* f) {
    delete f;
}

PUSHCORE_API int pushcore_sip_framer_receive(pushcore_sip_framer* f, const uint8_t* data,
                                             size_t len) {
    if (!f || (!data && len)) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        f->reader.receive(std::string_view(reinterpret_cast<const char*>(data), len));
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_sip_framer_next(pushcore_sip_framer* f, const uint8_t** msg,
                                          size_t* len) {
    if (!f || !msg || !len) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        int r = f->reader.next(f->message, f->err);
        if (r == 1) {
            *msg = reinterpret_cast<const uint8_t*>(f->message.raw.data());
            *len = f->message.raw.size();
        }
        return r;
    });
}

PUSHCORE_API int pushcore_sip_framer_end(pushcore_sip_framer* f) {
    if (!f) return PUSHCORE_E_INVALID_ARGUMENT;
    return status(f->reader.end_of_stream(f->err));
}

PUSHCORE_API int pushcore_sip_framer_last_error(const pushcore_sip_framer* f, const char** reason,
                                                size_t* offset) {
    if (!f) return PUSHCORE_E_INVALID_ARGUMENT;
    return last_error(f->err, reason, offset);
}

// ---- pn-* parameters --------------------------------------------------------------------

PUSHCORE_API int pushcore_push_params_parse(pushcore_push_params** out, const char* text,
                                            size_t len) {
    if (!out || (!text && len)) return PUSHCORE_E_INVALID_ARGUMENT;
    *out = nullptr;
    return guard([&]() -> int {
        auto* p = new pushcore_push_params{};
        p->text.assign(text ? text : "", len);
        *out = p;
        std::string_view t = p->text;
        auto starts = [t](std::string_view prefix) {
            return t.size() >= prefix.size() &&
                   pushcore::text::iequals(t.substr(0, prefix.size()), prefix);
        };
        sip::Uri uri;
        if (starts("sip:") || starts("sips:")) {
            // A bare URI (Request-URI), not a header value.
            if (sip::parse_uri(t, uri, p->err) != Status::ok) return status(p->err.status);
        } else {
            sip::NameAddr na;
            if (sip::parse_name_addr(t, na, p->err) != Status::ok) return status(p->err.status);
            if (!na.is_sip) return fail(p->err, Status::bad_uri, "not a SIP or SIPS URI");
            uri = na.sip;
        }
        std::string_view params = uri.params;
        p->params_at = static_cast<size_t>(params.data() - p->text.data());
        Error rel;
        if (read_push_params(uri, p->params, rel) != Status::ok) {
            p->err = rel;
            p->err.offset += p->params_at;
            return status(rel.status);
        }
        p->unknown = unknown_push_params(params);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API void pushcore_push_params_free(pushcore_push_params* p) {
    delete p;
}

PUSHCORE_API int pushcore_push_params_get(pushcore_push_params* p, int32_t which,
                                          const char** value, size_t* len) {
    if (!p || !value) return PUSHCORE_E_INVALID_ARGUMENT;
    const PushValue* v = nullptr;
    switch (which) {
        case PUSHCORE_PN_PROVIDER:
            v = &p->params.provider;
            break;
        case PUSHCORE_PN_PARAM:
            v = &p->params.param;
            break;
        case PUSHCORE_PN_PRID:
            v = &p->params.prid;
            break;
        case PUSHCORE_PN_PURR:
            v = &p->params.purr;
            break;
        case PUSHCORE_PN_ENCKEY:
            v = &p->params.enckey;
            break;
        case PUSHCORE_PN_ENCCODE:
            v = &p->params.enccode;
            break;
        default:
            return PUSHCORE_E_INVALID_ARGUMENT;
    }
    if (!v->present) return 0;
    return guard([&]() -> int {
        p->value = v->decoded();
        *value = p->value.c_str();
        if (len) *len = p->value.size();
        return 1;
    });
}

PUSHCORE_API int pushcore_push_params_unknown_count(const pushcore_push_params* p) {
    if (!p) return PUSHCORE_E_INVALID_ARGUMENT;
    return static_cast<int>(p->unknown.size());
}

PUSHCORE_API int pushcore_push_params_unknown_get(pushcore_push_params* p, size_t i,
                                                  const char** name, size_t* name_len,
                                                  const char** value, size_t* value_len) {
    if (!p || !name || !value) return PUSHCORE_E_INVALID_ARGUMENT;
    if (i >= p->unknown.size()) return PUSHCORE_E_NOT_FOUND;
    const auto& [n, v] = p->unknown[i];
    *name = n.c_str();
    *value = v.c_str();
    if (name_len) *name_len = n.size();
    if (value_len) *value_len = v.size();
    return PUSHCORE_OK;
}

PUSHCORE_API int pushcore_push_params_validate(pushcore_push_params* p,
                                               const pushcore_provider_registry* registry) {
    if (!p || !registry) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(p->err, [&] {
        Status s = registry->registry.validate(p->params, p->err);
        if (s != Status::ok) p->err.offset += p->params_at;
        return s;
    });
}

PUSHCORE_API int pushcore_push_params_last_error(const pushcore_push_params* p, const char** reason,
                                                 size_t* offset) {
    if (!p) return PUSHCORE_E_INVALID_ARGUMENT;
    return last_error(p->err, reason, offset);
}

PUSHCORE_API int pushcore_provider_registry_new(pushcore_provider_registry** out,
                                                int32_t with_defaults) {
    if (!out) return PUSHCORE_E_INVALID_ARGUMENT;
    *out = nullptr;
    return guard([&]() -> int {
        *out = new pushcore_provider_registry{with_defaults ? ProviderRegistry::with_defaults()
                                                            : ProviderRegistry{}};
        return PUSHCORE_OK;
    });
}

PUSHCORE_API void pushcore_provider_registry_free(pushcore_provider_registry* r) {
    delete r;
}

PUSHCORE_API int pushcore_provider_registry_add(pushcore_provider_registry* r, const char* name,
                                                int32_t param_need, int32_t param_format,
                                                int32_t prid_format) {
    auto valid_format = [](int32_t f) {
        return f >= PUSHCORE_FORMAT_ANY && f <= PUSHCORE_FORMAT_HTTPS_URI;
    };
    if (!r || !name || param_need < PUSHCORE_NEED_REQUIRED || param_need > PUSHCORE_NEED_UNUSED ||
        !valid_format(param_format) || !valid_format(prid_format))
        return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        return status(r->registry.add({name, static_cast<Need>(param_need),
                                       static_cast<ValueFormat>(param_format),
                                       static_cast<ValueFormat>(prid_format)}));
    });
}

// ---- UA -------------------------------------------------------------------------------

PUSHCORE_API int pushcore_sip_ua_config_new(pushcore_sip_ua_config** out) {
    if (!out) return PUSHCORE_E_INVALID_ARGUMENT;
    *out = nullptr;
    return guard([&]() -> int {
        *out = new pushcore_sip_ua_config{};
        return PUSHCORE_OK;
    });
}

PUSHCORE_API void pushcore_sip_ua_config_free(pushcore_sip_ua_config* cfg) {
    delete cfg;
}

PUSHCORE_API int pushcore_sip_ua_config_last_error(const pushcore_sip_ua_config* cfg,
                                                   const char** reason, size_t* offset) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return last_error(cfg->err, reason, offset);
}

PUSHCORE_API int pushcore_sip_ua_config_set_str(pushcore_sip_ua_config* cfg, int32_t key,
                                                const char* value) {
    if (!cfg || !value) return PUSHCORE_E_INVALID_ARGUMENT;
    UaConfig& c = cfg->config;
    std::string* field = nullptr;
    switch (key) {
        case PUSHCORE_UA_AOR:
            field = &c.aor;
            break;
        case PUSHCORE_UA_REGISTRAR:
            field = &c.registrar;
            break;
        case PUSHCORE_UA_CONTACT:
            field = &c.contact;
            break;
        case PUSHCORE_UA_TRANSPORT:
            field = &c.transport;
            break;
        case PUSHCORE_UA_SENT_BY:
            field = &c.sent_by;
            break;
        case PUSHCORE_UA_USER_AGENT:
            field = &c.user_agent;
            break;
        default:
            return refuse(cfg->err, "unknown PUSHCORE_UA_* key");
    }
    return guard([&]() -> int {
        *field = value;
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_sip_ua_config_set_expires(pushcore_sip_ua_config* cfg, uint32_t expires_s,
                                                    uint32_t margin_s) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    if (expires_s == 0) return refuse(cfg->err, "expires must be above 0");
    cfg->config.expires = expires_s;
    cfg->config.refresh_margin = margin_s;
    return PUSHCORE_OK;
}

PUSHCORE_API int pushcore_sip_ua_config_set_random(pushcore_sip_ua_config* cfg,
                                                   pushcore_random_fn fn, void* ctx) {
    if (!cfg || !fn) return PUSHCORE_E_INVALID_ARGUMENT;
    cfg->config.random = Random{fn, ctx};
    return PUSHCORE_OK;
}

PUSHCORE_API int pushcore_sip_ua_new(pushcore_sip_ua** out, const pushcore_sip_ua_config* cfg) {
    if (!out || !cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    *out = nullptr;
    return guard([&]() -> int {
        auto ua = std::make_unique<pushcore_sip_ua>();
        cfg->err = Error{};
        Status s = PushUa::create(cfg->config, ua->ua, cfg->err);
        if (s == Status::ok) *out = ua.release();
        return status(s);
    });
}

PUSHCORE_API void pushcore_sip_ua_free(pushcore_sip_ua* ua) {
    delete ua;
}

PUSHCORE_API int pushcore_sip_ua_start(pushcore_sip_ua* ua, const char* provider, const char* param,
                                       const char* prid, uint64_t now_ms) {
    if (!ua || (provider && !prid)) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(ua->err, [&] {
        std::optional<PushInfo> push;
        if (provider) {
            push.emplace();
            push->provider = provider;
            push->prid = prid;
            if (param) push->param = param;
        }
        return ua->ua->start(std::move(push), now_ms);
    });
}

PUSHCORE_API int pushcore_sip_ua_on_push(pushcore_sip_ua* ua, uint64_t now_ms) {
    if (!ua) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(ua->err, [&] { return ua->ua->on_push_notification(now_ms); });
}

PUSHCORE_API int pushcore_sip_ua_update_prid(pushcore_sip_ua* ua, const char* prid,
                                             uint64_t now_ms) {
    if (!ua || !prid) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(ua->err, [&] { return ua->ua->update_prid(prid, now_ms); });
}

PUSHCORE_API int pushcore_sip_ua_stop_push(pushcore_sip_ua* ua, uint64_t now_ms) {
    if (!ua) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(ua->err, [&] { return ua->ua->stop_push(now_ms); });
}

PUSHCORE_API int pushcore_sip_ua_unregister(pushcore_sip_ua* ua, uint64_t now_ms) {
    if (!ua) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(ua->err, [&] { return ua->ua->unregister(now_ms); });
}

PUSHCORE_API int pushcore_sip_ua_receive(pushcore_sip_ua* ua, const uint8_t* data, size_t len,
                                         uint64_t now_ms) {
    if (!ua) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(ua->err, [&] {
        sip::Message m;
        if (parse_message(data, len, m, ua->err) != Status::ok) return ua->err.status;
        return ua->ua->receive(m, now_ms, ua->err);
    });
}

PUSHCORE_API int pushcore_sip_ua_next_output(pushcore_sip_ua* ua, const uint8_t** data,
                                             size_t* len) {
    if (!ua || !data || !len) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        if (!ua->ua->next_output(ua->output)) return 0;
        *data = reinterpret_cast<const uint8_t*>(ua->output.data());
        *len = ua->output.size();
        return 1;
    });
}

PUSHCORE_API int pushcore_sip_ua_next_event(pushcore_sip_ua* ua, const pushcore_event** ev) {
    if (!ua || !ev) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        PushUa::Event e;
        if (!ua->ua->next_event(e)) return 0;
        using T = PushUa::Event::Type;
        pushcore_event& out = ua->event;
        out.reset(e.type == T::registered            ? PUSHCORE_EVENT_UA_REGISTERED
                  : e.type == T::registration_failed ? PUSHCORE_EVENT_UA_REGISTRATION_FAILED
                                                     : PUSHCORE_EVENT_UA_UNREGISTERED);
        out.num(PUSHCORE_FIELD_CODE, e.code);
        if (!e.reason.empty()) out.str(PUSHCORE_FIELD_REASON, e.reason);
        if (e.type == T::registered) {
            out.num(PUSHCORE_FIELD_EXPIRES, e.expires);
            out.num(PUSHCORE_FIELD_PUSH_SUPPORTED, e.push_supported);
        }
        put_caps(out, e.caps);
        *ev = &out;
        return 1;
    });
}

PUSHCORE_API uint64_t pushcore_sip_ua_next_deadline(const pushcore_sip_ua* ua) {
    return ua ? ua->ua->next_deadline() : PUSHCORE_NO_DEADLINE;
}

PUSHCORE_API int pushcore_sip_ua_on_timeout(pushcore_sip_ua* ua, uint64_t now_ms) {
    if (!ua) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        ua->ua->on_timeout(now_ms);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int32_t pushcore_sip_ua_state(const pushcore_sip_ua* ua) {
    if (!ua) return PUSHCORE_E_INVALID_ARGUMENT;
    return static_cast<int32_t>(ua->ua->state());
}

PUSHCORE_API int pushcore_sip_ua_last_error(const pushcore_sip_ua* ua, const char** reason,
                                            size_t* offset) {
    if (!ua) return PUSHCORE_E_INVALID_ARGUMENT;
    return last_error(ua->err, reason, offset);
}

// ---- proxy ------------------------------------------------------------------------------

PUSHCORE_API int pushcore_sip_proxy_config_new(pushcore_sip_proxy_config** out) {
    if (!out) return PUSHCORE_E_INVALID_ARGUMENT;
    *out = nullptr;
    return guard([&]() -> int {
        *out = new pushcore_sip_proxy_config{};
        return PUSHCORE_OK;
    });
}

PUSHCORE_API void pushcore_sip_proxy_config_free(pushcore_sip_proxy_config* cfg) {
    delete cfg;
}

PUSHCORE_API int pushcore_sip_proxy_config_last_error(const pushcore_sip_proxy_config* cfg,
                                                      const char** reason, size_t* offset) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return last_error(cfg->err, reason, offset);
}

PUSHCORE_API int pushcore_sip_proxy_config_set_via(pushcore_sip_proxy_config* cfg,
                                                   const char* transport, const char* sent_by) {
    if (!cfg || !transport || !sent_by) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        cfg->config.via_transport = transport;
        cfg->config.via_sent_by = sent_by;
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_sip_proxy_config_set_providers(pushcore_sip_proxy_config* cfg,
                                                         const pushcore_provider_registry* r) {
    if (!cfg || !r) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        cfg->config.providers = r->registry;
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_sip_proxy_config_set_u64(pushcore_sip_proxy_config* cfg, int32_t key,
                                                   uint64_t value) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    ProxyConfig& c = cfg->config;
    auto u32 = [&](uint32_t& field) -> int {
        if (value > UINT32_MAX) return refuse(cfg->err, "value above 2**32-1");
        field = static_cast<uint32_t>(value);
        return PUSHCORE_OK;
    };
    switch (key) {
        case PUSHCORE_PROXY_HOLD_TIMEOUT_MS:
            c.hold_timeout_ms = value;
            return PUSHCORE_OK;
        case PUSHCORE_PROXY_REREGISTER_PUSHES:
            c.reregister_pushes = value != 0;
            return PUSHCORE_OK;
        case PUSHCORE_PROXY_REREGISTER_MARGIN_S:
            return u32(c.reregister_margin_s);
        case PUSHCORE_PROXY_PNS_STYLE:
            if (value > 1) return refuse(cfg->err, "style must be 0 or 1");
            c.pns_style = value ? PnsStyle::list : PnsStyle::single;
            return PUSHCORE_OK;
        case PUSHCORE_PROXY_MIN_EXPIRES:
            return u32(c.min_expires);
        case PUSHCORE_PROXY_MAX_EXPIRES:
            return u32(c.max_expires);
        case PUSHCORE_PROXY_DEFAULT_EXPIRES:
            return u32(c.default_expires);
        case PUSHCORE_PROXY_MAX_BINDINGS:
            c.max_bindings = value;
            return PUSHCORE_OK;
        case PUSHCORE_PROXY_MAX_HELD:
            c.max_held_requests = value;
            return PUSHCORE_OK;
        default:
            return refuse(cfg->err, "unknown PUSHCORE_PROXY_* key");
    }
}

PUSHCORE_API int pushcore_sip_proxy_config_set_forward(pushcore_sip_proxy_config* cfg,
                                                       const char* host, uint16_t port) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        if (host)
            cfg->config.forward_unsupported_to = Peer{0, host, port};
        else
            cfg->config.forward_unsupported_to.reset();
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_sip_proxy_config_set_random(pushcore_sip_proxy_config* cfg,
                                                      pushcore_random_fn fn, void* ctx) {
    if (!cfg || !fn) return PUSHCORE_E_INVALID_ARGUMENT;
    cfg->config.random = Random{fn, ctx};
    return PUSHCORE_OK;
}

PUSHCORE_API int pushcore_sip_proxy_config_set_authorizer(pushcore_sip_proxy_config* cfg,
                                                          pushcore_sip_auth_fn fn, void* ctx) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        if (!fn) {
            cfg->config.authorize = nullptr;
            return PUSHCORE_OK;
        }
        cfg->config.authorize = [fn, ctx](const sip::Message& m, std::string& challenge) {
            char buf[1024] = {0};
            int32_t code = fn(ctx, reinterpret_cast<const uint8_t*>(m.raw.data()), m.raw.size(),
                              buf, sizeof buf - 1);
            challenge.assign(buf);
            // Anything but the codes the contract names is a refusal.
            return static_cast<uint16_t>(code == 0 || code == 401 || code == 407 ? code : 403);
        };
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_sip_proxy_new(pushcore_sip_proxy** out,
                                        const pushcore_sip_proxy_config* cfg) {
    if (!out || !cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    *out = nullptr;
    return guard([&]() -> int {
        auto p = std::make_unique<pushcore_sip_proxy>();
        cfg->err = Error{};
        Status s = PushProxy::create(cfg->config, p->proxy, cfg->err);
        if (s == Status::ok) *out = p.release();
        return status(s);
    });
}

PUSHCORE_API void pushcore_sip_proxy_free(pushcore_sip_proxy* proxy) {
    delete proxy;
}

PUSHCORE_API int pushcore_sip_proxy_receive(pushcore_sip_proxy* proxy, uint64_t flow,
                                            const char* host, uint16_t port, const uint8_t* data,
                                            size_t len, uint64_t now_ms) {
    if (!proxy || !host) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(proxy->err, [&] {
        sip::Message m;
        if (parse_message(data, len, m, proxy->err) != Status::ok) return proxy->err.status;
        return proxy->proxy->receive(Peer{flow, host, port}, m, now_ms, proxy->err);
    });
}

PUSHCORE_API int pushcore_sip_proxy_push_failed(pushcore_sip_proxy* proxy, uint64_t binding_id,
                                                uint64_t now_ms) {
    if (!proxy) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(proxy->err, [&] { return proxy->proxy->push_failed(binding_id, now_ms); });
}

PUSHCORE_API int pushcore_sip_proxy_next_output(pushcore_sip_proxy* proxy, const uint8_t** data,
                                                size_t* len, uint64_t* flow, const char** host,
                                                uint16_t* port) {
    if (!proxy || !data || !len || !flow || !host || !port) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        if (!proxy->proxy->next_output(proxy->output)) return 0;
        *data = reinterpret_cast<const uint8_t*>(proxy->output.bytes.data());
        *len = proxy->output.bytes.size();
        *flow = proxy->output.to.flow;
        *host = proxy->output.to.host.c_str();
        *port = proxy->output.to.port;
        return 1;
    });
}

PUSHCORE_API int pushcore_sip_proxy_output_failed(pushcore_sip_proxy* proxy, uint64_t now_ms) {
    if (!proxy) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(proxy->err, [&] { return proxy->proxy->output_failed(now_ms); });
}

PUSHCORE_API int pushcore_sip_proxy_next_event(pushcore_sip_proxy* proxy,
                                               const pushcore_event** ev) {
    if (!proxy || !ev) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        PushProxy::Event e;
        if (!proxy->proxy->next_event(e)) return 0;
        using T = PushProxy::Event::Type;
        pushcore_event& out = proxy->event;
        switch (e.type) {
            case T::push_request:
                out.reset(PUSHCORE_EVENT_PROXY_PUSH_REQUEST);
                break;
            case T::binding_updated:
                out.reset(PUSHCORE_EVENT_PROXY_BINDING_UPDATED);
                break;
            case T::binding_removed:
                out.reset(PUSHCORE_EVENT_PROXY_BINDING_REMOVED);
                break;
            case T::request_rejected:
                out.reset(PUSHCORE_EVENT_PROXY_REQUEST_REJECTED);
                break;
        }
        out.num(PUSHCORE_FIELD_BINDING_ID, e.binding_id);
        if (!e.aor.empty()) out.str(PUSHCORE_FIELD_AOR, e.aor);
        if (!e.contact.empty()) out.str(PUSHCORE_FIELD_CONTACT, e.contact);
        if (!e.push.provider.empty()) {
            out.str(PUSHCORE_FIELD_PROVIDER, e.push.provider);
            out.str(PUSHCORE_FIELD_PRID, e.push.prid);
            if (e.push.param) out.str(PUSHCORE_FIELD_PARAM, *e.push.param);
            if (e.push.purr) out.str(PUSHCORE_FIELD_PURR, *e.push.purr);
        }
        if (e.type == T::push_request)
            out.num(PUSHCORE_FIELD_PUSH_REASON, e.reason == PushProxy::PushReason::request
                                                    ? PUSHCORE_PUSH_REASON_REQUEST
                                                    : PUSHCORE_PUSH_REASON_REREGISTER);
        if (e.type == T::binding_updated) out.num(PUSHCORE_FIELD_EXPIRES, e.expires);
        if (e.type == T::request_rejected) out.num(PUSHCORE_FIELD_CODE, e.code);
        *ev = &out;
        return 1;
    });
}

PUSHCORE_API uint64_t pushcore_sip_proxy_next_deadline(const pushcore_sip_proxy* proxy) {
    return proxy ? proxy->proxy->next_deadline() : PUSHCORE_NO_DEADLINE;
}

PUSHCORE_API int pushcore_sip_proxy_on_timeout(pushcore_sip_proxy* proxy, uint64_t now_ms) {
    if (!proxy) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        proxy->proxy->on_timeout(now_ms);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_sip_proxy_binding_count(const pushcore_sip_proxy* proxy) {
    if (!proxy) return PUSHCORE_E_INVALID_ARGUMENT;
    return static_cast<int>(proxy->proxy->binding_count());
}

PUSHCORE_API int pushcore_sip_proxy_held_count(const pushcore_sip_proxy* proxy) {
    if (!proxy) return PUSHCORE_E_INVALID_ARGUMENT;
    return static_cast<int>(proxy->proxy->held_count());
}

PUSHCORE_API int pushcore_sip_proxy_last_error(const pushcore_sip_proxy* proxy, const char** reason,
                                               size_t* offset) {
    if (!proxy) return PUSHCORE_E_INVALID_ARGUMENT;
    return last_error(proxy->err, reason, offset);
}

// ---- 555 --------------------------------------------------------------------------------

PUSHCORE_API int pushcore_sip_push_build_555(const uint8_t* request, size_t request_len,
                                             const pushcore_provider_registry* registry,
                                             int32_t style, uint8_t* out, size_t cap,
                                             size_t* written) {
    if (!registry || !written || (style != 0 && style != 1) || (!out && cap))
        return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        sip::Message m;
        Error err;
        if (parse_message(request, request_len, m, err) != Status::ok) return status(err.status);
        if (!m.is_request || m.method != "REGISTER") return PUSHCORE_E_INVALID_ARGUMENT;
        std::vector<std::string> names;
        for (const auto& rule : registry->registry.rules()) names.push_back(rule.name);
        std::string text;
        append_555(text, m, names, style ? PnsStyle::list : PnsStyle::single, {}, {});
        *written = text.size();
        if (text.size() > cap) return PUSHCORE_E_BUFFER_TOO_SMALL;
        std::copy(text.begin(), text.end(), out);
        return PUSHCORE_OK;
    });
}

}  // extern "C"
