// C ABI shims for the Web Push service: validate arguments, convert, call lib/, map errors.
// No logic: what a setter checks is the range of its own arguments; whether settings fit
// together is PushService::create's to decide.
#include "pushcore/web_push.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include "pushcore/core/random.hpp"
#include "pushcore/core/status.hpp"
#include "pushcore/http/server_connection.hpp"
#include "pushcore/tls/server_tls.hpp"
#include "pushcore/web_push/callback_store.hpp"
#include "pushcore/web_push/push_service.hpp"
#include "shim.hpp"

using namespace pushcore;
using capi::last_error;
using capi::run;
using capi::status;
using web_push::CallbackStore;
using web_push::LogLevel;
using web_push::PushService;
using web_push::ServiceConfig;

// The host's store callbacks (pushcore_push_service_config_set_store); all null: memory.
struct HostStore {
    void* ctx = nullptr;
    pushcore_store_put_fn put = nullptr;
    pushcore_store_get_fn get = nullptr;
    pushcore_store_remove_fn remove = nullptr;
    pushcore_store_children_fn children = nullptr;
    pushcore_store_count_fn count = nullptr;
};

struct pushcore_push_service_config {
    ServiceConfig config;
    HostStore store;
    mutable Error err;  // of the last call on the config, or of pushcore_push_service_new
};

struct pushcore_push_service {
    // The service calls the store to its end: declared first, so destroyed after it.
    std::unique_ptr<CallbackStore> store;
    std::unique_ptr<PushService> service;
    Error err;
};

namespace {

// Wall-clock offsets are Unix milliseconds from 1970 up to the end of year 9999, the last
// a four-digit HTTP-date year can show (RFC 9110 5.6.7).
constexpr int64_t kMaxUnixMs = INT64_C(253402300799999);

// A call refused its argument.
Status refuse(Error& err, const char* why) {
    return err.fail(Status::invalid_argument, why, 0);
}

// One setter: the config's error record describes this call.
template <class F>
int set(pushcore_push_service_config* cfg, F&& f) noexcept {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(cfg->err, [&]() -> int { return status(f(cfg->config, cfg->err)); });
}

// One call on a service's connection: PUSHCORE_E_NOT_FOUND for an id it does not know.
template <class F>
int on_conn(pushcore_push_service* svc, uint64_t conn, F&& f) noexcept {
    if (!svc) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(svc->err, [&]() -> int {
        if (!svc->service->connection(conn))
            return status(svc->err.fail(Status::not_found, "no such connection", 0));
        return f(*svc->service);
    });
}

// Text that ends up in response header fields: no controls, no spaces (no header
// injection through CR LF).
bool visible_ascii(std::string_view s) {
    for (char c : s)
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            return false;
    return true;
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

extern "C" {

// ---- configuration ---------------------------------------------------------------------

PUSHCORE_API int pushcore_push_service_config_new(pushcore_push_service_config** out) {
    if (!out) return PUSHCORE_E_INVALID_ARGUMENT;
    *out = nullptr;
    Error ignored;
    return run(ignored, [&]() -> int {
        *out = new pushcore_push_service_config{};
        return PUSHCORE_OK;
    });
}

PUSHCORE_API void pushcore_push_service_config_free(pushcore_push_service_config* cfg) {
    delete cfg;
}

PUSHCORE_API int pushcore_push_service_config_set_base_url(pushcore_push_service_config* cfg,
                                                           const char* url, size_t len) {
    return set(cfg, [&](ServiceConfig& c, Error& err) {
        if (!url && len) return refuse(err, "url is NULL");
        std::string_view u(url ? url : "", len);
        if (!u.empty() && !(starts_with(u, "https://") && u.size() > 8) &&
            !(starts_with(u, "http://") && u.size() > 7))
            return refuse(err, "base_url must be empty or start with https:// or http://");
        if (!visible_ascii(u)) return refuse(err, "base_url holds a control character or space");
        c.base_url.assign(u);
        return Status::ok;
    });
}

PUSHCORE_API int pushcore_push_service_config_set_subscribe_path(pushcore_push_service_config* cfg,
                                                                 const char* path, size_t len) {
    return set(cfg, [&](ServiceConfig& c, Error& err) {
        if (!path && len) return refuse(err, "path is NULL");
        std::string_view p(path ? path : "", len);
        if (p.size() < 2 || p[0] != '/')
            return refuse(err, "subscribe_path must be an absolute path below /");
        if (!visible_ascii(p) || p.find_first_of("?#") != std::string_view::npos)
            return refuse(err, "subscribe_path holds a control character, space, ? or #");
        c.subscribe_path.assign(p);
        return Status::ok;
    });
}

PUSHCORE_API int pushcore_push_service_config_set_max_message_bytes(
    pushcore_push_service_config* cfg, uint64_t bytes) {
    return set(cfg, [&](ServiceConfig& c, Error& err) {
        // Seed 5: a push service MUST NOT answer 413 to a body of 4096 bytes or less.
        if (bytes < 4096) return refuse(err, "max_message_bytes below 4096 (seed 5)");
        if (bytes > std::numeric_limits<size_t>::max())
            return refuse(err, "max_message_bytes does not fit size_t");
        c.max_message_bytes = static_cast<size_t>(bytes);
        return Status::ok;
    });
}

PUSHCORE_API int pushcore_push_service_config_set_subscription_lifetime(
    pushcore_push_service_config* cfg, uint32_t seconds) {
    return set(cfg, [&](ServiceConfig& c, Error& err) {
        if (seconds == 0) return refuse(err, "subscription lifetime must be above 0");
        c.subscription_lifetime_s = seconds;
        return Status::ok;
    });
}

PUSHCORE_API int pushcore_push_service_config_set_ttl(pushcore_push_service_config* cfg,
                                                      uint32_t max_seconds,
                                                      uint32_t default_seconds) {
    return set(cfg, [&](ServiceConfig& c, Error& err) {
        if (default_seconds > max_seconds)
            return refuse(err, "default TTL above the longest TTL kept");
        c.max_ttl_s = max_seconds;
        c.default_ttl_s = default_seconds;
        return Status::ok;
    });
}

PUSHCORE_API int pushcore_push_service_config_set_rate_limit(pushcore_push_service_config* cfg,
                                                             uint32_t per_minute, uint32_t burst) {
    return set(cfg, [&](ServiceConfig& c, Error& err) {
        if ((per_minute == 0) != (burst == 0))
            return refuse(err, "rate per minute and burst must both be 0 (off) or both above 0");
        c.rate_per_minute = per_minute;
        c.rate_burst = burst;
        return Status::ok;
    });
}

PUSHCORE_API int pushcore_push_service_config_set_store_limits(pushcore_push_service_config* cfg,
                                                               uint64_t messages_per_subscription,
                                                               uint64_t bytes_per_subscription,
                                                               uint64_t messages_total,
                                                               uint64_t bytes_total,
                                                               uint64_t subscriptions) {
    return set(cfg, [&](ServiceConfig& c, Error& err) {
        const uint64_t limits[] = {messages_per_subscription, bytes_per_subscription,
                                   messages_total, bytes_total, subscriptions};
        for (uint64_t v : limits) {
            if (v == 0) return refuse(err, "store limits must be above 0");
            if (v > std::numeric_limits<size_t>::max())
                return refuse(err, "a store limit does not fit size_t");
        }
        c.max_messages_per_subscription = static_cast<size_t>(messages_per_subscription);
        c.max_bytes_per_subscription = static_cast<size_t>(bytes_per_subscription);
        c.max_messages_total = static_cast<size_t>(messages_total);
        c.max_bytes_total = static_cast<size_t>(bytes_total);
        c.max_subscriptions = static_cast<size_t>(subscriptions);
        return Status::ok;
    });
}

PUSHCORE_API int pushcore_push_service_config_set_connection_limits(
    pushcore_push_service_config* cfg, uint64_t header_bytes, uint64_t header_count,
    uint32_t concurrent_streams, uint64_t idle_timeout_ms) {
    return set(cfg, [&](ServiceConfig& c, Error& err) {
        if (header_bytes == 0 || header_count == 0)
            return refuse(err, "header bytes and header count must be above 0");
        if (header_bytes > std::numeric_limits<size_t>::max() ||
            header_count > std::numeric_limits<size_t>::max())
            return refuse(err, "a header limit does not fit size_t");
        // RFC 9113 5.1.1: stream ids are 31 bits; 0 streams would refuse every request.
        if (concurrent_streams == 0 || concurrent_streams > INT32_MAX)
            return refuse(err, "concurrent streams must be 1 to 2**31-1");
        c.limits.max_header_bytes = static_cast<size_t>(header_bytes);
        c.limits.max_header_count = static_cast<size_t>(header_count);
        c.limits.max_concurrent_streams = concurrent_streams;
        c.limits.idle_timeout_ms = idle_timeout_ms;
        return Status::ok;
    });
}

PUSHCORE_API int pushcore_push_service_config_set_gone_status(pushcore_push_service_config* cfg,
                                                              int32_t gone_status) {
    return set(cfg, [&](ServiceConfig& c, Error& err) {
        if (gone_status != 404 && gone_status != 410)
            return refuse(err, "gone status must be 404 or 410 (seed 7.3)");
        c.gone_status = gone_status;
        return Status::ok;
    });
}

PUSHCORE_API int pushcore_push_service_config_set_wall_clock_offset(
    pushcore_push_service_config* cfg, int64_t unix_ms_at_zero) {
    return set(cfg, [&](ServiceConfig& c, Error& err) {
        if (unix_ms_at_zero < 0 || unix_ms_at_zero > kMaxUnixMs)
            return refuse(err, "wall clock offset must be Unix ms from 1970 to 9999");
        c.wall_clock_offset_ms = unix_ms_at_zero;
        return Status::ok;
    });
}

PUSHCORE_API int pushcore_push_service_config_set_random(pushcore_push_service_config* cfg,
                                                         pushcore_random_fn fn, void* ctx) {
    return set(cfg, [&](ServiceConfig& c, Error& err) {
        if (!fn) return refuse(err, "random fn is NULL");
        c.random = Random{fn, ctx};
        return Status::ok;
    });
}

PUSHCORE_API int pushcore_push_service_config_set_log(pushcore_push_service_config* cfg,
                                                      pushcore_log_fn fn, void* ctx) {
    return set(cfg, [&](ServiceConfig& c, Error&) {
        if (!fn) {
            c.log = nullptr;  // NULL removes the log
            return Status::ok;
        }
        c.log = [fn, ctx](LogLevel level, std::string_view line) {
            fn(ctx, static_cast<int32_t>(level), line.data(), line.size());
        };
        return Status::ok;
    });
}

PUSHCORE_API int pushcore_push_service_config_set_log_level(pushcore_push_service_config* cfg,
                                                            int32_t level) {
    return set(cfg, [&](ServiceConfig& c, Error& err) {
        if (level < PUSHCORE_LOG_ERROR || level > PUSHCORE_LOG_DEBUG)
            return refuse(err, "level must be a PUSHCORE_LOG_* value");
        c.log_level = static_cast<LogLevel>(level);
        return Status::ok;
    });
}

PUSHCORE_API int pushcore_push_service_config_set_tls_pem(pushcore_push_service_config* cfg,
                                                          const char* cert_pem, size_t cert_len,
                                                          const char* key_pem, size_t key_len) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(cfg->err, [&]() -> int {
        if (!cert_pem || !cert_len) return status(refuse(cfg->err, "certificate PEM is empty"));
        if (!key_pem || !key_len) return status(refuse(cfg->err, "private key PEM is empty"));
        auto ctx = tls::ServerContext::from_pem(std::string_view(cert_pem, cert_len),
                                                std::string_view(key_pem, key_len), cfg->err);
        if (!ctx) return cfg->err.status != Status::ok ? status(cfg->err.status) : PUSHCORE_E_TLS;
        cfg->config.tls = std::move(ctx);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_push_service_config_set_store(pushcore_push_service_config* cfg,
                                                        void* ctx, pushcore_store_put_fn put,
                                                        pushcore_store_get_fn get,
                                                        pushcore_store_remove_fn remove,
                                                        pushcore_store_children_fn children,
                                                        pushcore_store_count_fn count) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(cfg->err, [&]() -> int {
        if (!put || !get || !remove || !children || !count)
            return status(refuse(cfg->err,
                                 "store callbacks: put, get, remove, children and "
                                 "count are all required"));
        cfg->store = HostStore{ctx, put, get, remove, children, count};
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_push_service_config_last_error(const pushcore_push_service_config* cfg,
                                                         const char** reason, size_t* offset) {
    if (!cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    return last_error(cfg->err, reason, offset);
}

// ---- the service -----------------------------------------------------------------------

PUSHCORE_API int pushcore_push_service_new(pushcore_push_service** out,
                                           const pushcore_push_service_config* cfg) {
    if (!out || !cfg) return PUSHCORE_E_INVALID_ARGUMENT;
    *out = nullptr;
    return run(cfg->err, [&]() -> int {
        auto svc = std::make_unique<pushcore_push_service>();
        ServiceConfig config = cfg->config;
        const HostStore& hs = cfg->store;
        if (hs.put) {
            svc->store =
                std::make_unique<CallbackStore>(hs.ctx, hs.put, hs.get, hs.remove, hs.children,
                                                hs.count, config.wall_clock_offset_ms);
            config.store = svc->store.get();
        }
        svc->service = PushService::create(std::move(config), cfg->err);
        if (!svc->service)
            return cfg->err.status != Status::ok ? status(cfg->err.status) : PUSHCORE_E_INTERNAL;
        *out = svc.release();
        return PUSHCORE_OK;
    });
}

PUSHCORE_API void pushcore_push_service_free(pushcore_push_service* svc) {
    delete svc;
}

PUSHCORE_API int pushcore_push_service_open(pushcore_push_service* svc, int32_t protocol,
                                            uint64_t now_ms, uint64_t* conn) {
    if (!svc) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(svc->err, [&]() -> int {
        if (!conn) return status(refuse(svc->err, "conn is NULL"));
        if (protocol != PUSHCORE_HTTP_DETECT && protocol != PUSHCORE_HTTP_1 &&
            protocol != PUSHCORE_HTTP_2)
            return status(refuse(svc->err, "protocol is not a PUSHCORE_HTTP_* value"));
        *conn = svc->service->open(static_cast<http::Protocol>(protocol), now_ms);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_push_service_open_tls(pushcore_push_service* svc, uint64_t now_ms,
                                                uint64_t* conn) {
    if (!svc) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(svc->err, [&]() -> int {
        if (!conn) return status(refuse(svc->err, "conn is NULL"));
        const PushService::ConnectionId id = svc->service->open_tls(now_ms);
        if (id == 0)  // the config had no TLS context
            return status(svc->err.fail(Status::invalid_state,
                                        "no certificate: pushcore_push_service_config_set_tls_pem",
                                        0));
        *conn = id;
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_push_service_receive(pushcore_push_service* svc, uint64_t conn,
                                               const uint8_t* data, size_t len, uint64_t now_ms) {
    if (!svc) return PUSHCORE_E_INVALID_ARGUMENT;
    if (!data && len)
        return run(svc->err, [&]() -> int { return status(refuse(svc->err, "data is NULL")); });
    return on_conn(svc, conn, [&](PushService& s) -> int {
        const Status st = s.receive(conn, data, len, now_ms);
        if (st != Status::ok)
            if (const http::ServerConnection* h = s.connection(conn))
                if (h->error().status == st) svc->err = h->error();  // reason and offset
        return status(st);
    });
}

PUSHCORE_API int pushcore_push_service_receive_eof(pushcore_push_service* svc, uint64_t conn,
                                                   uint64_t now_ms) {
    return on_conn(svc, conn, [&](PushService& s) -> int {
        s.receive_eof(conn, now_ms);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_push_service_close(pushcore_push_service* svc, uint64_t conn) {
    return on_conn(svc, conn, [&](PushService& s) -> int {
        s.close(conn);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_push_service_output(pushcore_push_service* svc, uint64_t conn,
                                              const uint8_t** data, size_t* len) {
    if (!svc) return PUSHCORE_E_INVALID_ARGUMENT;
    if (!data || !len)
        return run(svc->err,
                   [&]() -> int { return status(refuse(svc->err, "data or len is NULL")); });
    return on_conn(svc, conn, [&](PushService& s) -> int {
        const std::string_view out = s.output(conn);
        *data = reinterpret_cast<const uint8_t*>(out.data());
        *len = out.size();
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_push_service_consume(pushcore_push_service* svc, uint64_t conn,
                                               size_t n) {
    return on_conn(svc, conn, [&](PushService& s) -> int {
        if (n > s.output(conn).size())
            return status(refuse(svc->err, "n is more than the output waiting"));
        s.consume_output(conn, n);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_push_service_want_close(pushcore_push_service* svc, uint64_t conn) {
    return on_conn(svc, conn, [&](PushService& s) -> int { return s.want_close(conn) ? 1 : 0; });
}

PUSHCORE_API int pushcore_push_service_next_ready(pushcore_push_service* svc, uint64_t* conn) {
    if (!svc) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(svc->err, [&]() -> int {
        if (!conn) return status(refuse(svc->err, "conn is NULL"));
        PushService::ConnectionId id = 0;
        if (!svc->service->next_ready(id)) return 0;
        *conn = id;
        return 1;
    });
}

PUSHCORE_API uint64_t pushcore_push_service_next_deadline(const pushcore_push_service* svc) {
    if (!svc) return PUSHCORE_NO_DEADLINE;
    try {
        return svc->service->next_deadline();
    } catch (...) {
        return PUSHCORE_NO_DEADLINE;  // (it allocates nothing; nothing unwinds here anyway)
    }
}

PUSHCORE_API int pushcore_push_service_on_timeout(pushcore_push_service* svc, uint64_t now_ms) {
    if (!svc) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(svc->err, [&]() -> int {
        svc->service->on_timeout(now_ms);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_push_service_counts(pushcore_push_service* svc, uint64_t* subscriptions,
                                              uint64_t* messages, uint64_t* bytes) {
    if (!svc) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(svc->err, [&]() -> int {
        web_push::Store& store = svc->service->store();
        if (subscriptions) *subscriptions = store.subscription_count();
        if (messages) *messages = store.message_count();
        if (bytes) *bytes = store.message_bytes();
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_push_service_last_error(const pushcore_push_service* svc,
                                                  const char** reason, size_t* offset) {
    if (!svc) return PUSHCORE_E_INVALID_ARGUMENT;
    return last_error(svc->err, reason, offset);
}

}  // extern "C"
