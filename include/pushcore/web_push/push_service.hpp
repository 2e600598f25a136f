// The push service role of Web Push (draft-damaggio-webpush-http2-00; RFC 8030 beyond it),
// Sans-IO. One PushService owns every connection the host accepted and routes between
// them: an application server's POST on one connection produces a server push on the user
// agent's. The host feeds bytes per connection, writes out each connection's output, asks
// which connections have new output (DESIGN.md, Sans-IO contract point 6), and drives
// timers through next_deadline()/on_timeout().
//
// Resources (capability URLs carry 128 random bits, base64url, seed 8.2/8.3):
//   POST   {subscribe_path}       subscribe                       201 (seed 4, RFC 8030 4)
//   GET    /s/{sub}               receive by server push; Prefer: wait=0 (seed 6, RFC 8030 6)
//   DELETE /s/{sub}               unsubscribe                     204 (seed 7.3)
//   POST   /p/{push}              send a message                  201 / 202 (seed 5, RFC 8030 5)
//   POST   /p/{push}/receipts     create a receipt subscription   201 (RFC 8030 5.1)
//   DELETE /m/{message}           acknowledge                     204 (seed 6.1, RFC 8030 6.2)
//   GET    /r/{receipt}           receive receipts by server push (seed 5.1, RFC 8030 5.1)
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pushcore/core/random.hpp"
#include "pushcore/core/status.hpp"
#include "pushcore/http/server_connection.hpp"
#include "pushcore/tls/server_tls.hpp"
#include "pushcore/web_push/store.hpp"

namespace pushcore::web_push {

enum class LogLevel : int32_t { error = 0, warning = 1, info = 2, debug = 3 };

struct ServiceConfig {
    // Absolute URLs (Location) start with this, e.g. "https://push.example.net". Empty:
    // built from the request's scheme and authority.
    std::string base_url;
    std::string subscribe_path = "/subscribe";
    http::ConnectionLimits limits;              // max_body_bytes is raised to max_message_bytes
    size_t max_message_bytes = 4096;            // a larger body gets 413; never below 4096 (seed 5)
    uint32_t subscription_lifetime_s = 864000;  // Cache-Control max-age (seed 7.3)
    uint32_t max_ttl_s = 2419200;               // longer TTLs are shortened (RFC 8030 5.2)
    uint32_t default_ttl_s = 2419200;           // seed form without time_to_live
    // Token bucket per subscription (seed 8.4): `rate_per_minute` refill, `rate_burst` size.
    // 0 disables rate limiting.
    uint32_t rate_per_minute = 600;
    uint32_t rate_burst = 60;
    size_t max_messages_per_subscription = 100;
    size_t max_bytes_per_subscription = 1 << 20;
    size_t max_messages_total = 1000000;
    size_t max_bytes_total = size_t{1} << 30;
    size_t max_subscriptions = 10000000;
    size_t max_receipts_queued = 100;  // per receipt subscription, while nobody listens
    // The status for a send to a subscription that does not exist (removed, expired, never
    // was): 404 or 410 (seed 7.3). 410, as deployed services answer.
    int gone_status = 410;
    // Unix time in ms at now_ms == 0, for Date and Last-Modified (DESIGN.md contract 1).
    int64_t wall_clock_offset_ms = 0;
    Random random = Random::system_default();
    // Log lines, capability URLs already redacted (seed 8.5). May be empty.
    std::function<void(LogLevel, std::string_view)> log;
    // The least severe level passed to `log` (a line that is not wanted is not formatted).
    LogLevel log_level = LogLevel::info;
    // The store; nullptr: a MemoryStore the service owns.
    Store* store = nullptr;
    // Certificate and key for open_tls(); nullptr when the host does TLS itself or none.
    std::shared_ptr<tls::ServerContext> tls;
};

class PushService {
  public:
    using ConnectionId = uint64_t;

    // Fails (returns nullptr, `err` set) on an invalid config.
    static std::unique_ptr<PushService> create(ServiceConfig config, Error& err);
    ~PushService();

    // A socket was accepted: returns its id (never 0). `protocol`: detect, or what ALPN chose.
    ConnectionId open(http::Protocol protocol, uint64_t now_ms);
    // A socket whose TLS the service terminates (config.tls): receive() takes and output()
    // gives ciphertext. Returns 0 when the config has no TLS context.
    ConnectionId open_tls(uint64_t now_ms);
    // Bytes read from the connection. An error means the connection is done: flush its
    // output, then close() it. Routing may give other connections output: see next_ready().
    Status receive(ConnectionId id, const uint8_t* data, size_t len, uint64_t now_ms);
    // The peer closed its side of the connection.
    void receive_eof(ConnectionId id, uint64_t now_ms);
    // The host closed the socket; the id is forgotten. Held requests on it end.
    void close(ConnectionId id);

    // Output for the connection; valid until the next call on the service.
    std::string_view output(ConnectionId id);
    void consume_output(ConnectionId id, size_t n);
    // True when the host should close the socket once output() is empty.
    bool want_close(ConnectionId id) const;
    // Connections that gained output since they were last reported, one per call.
    bool next_ready(ConnectionId& id);

    uint64_t next_deadline() const;
    void on_timeout(uint64_t now_ms);

    Store& store() noexcept { return *store_; }
    const http::ServerConnection* connection(ConnectionId id) const;

    struct Impl;

  private:
    explicit PushService(ServiceConfig config);
    Store* store_;
    std::unique_ptr<Store> owned_store_;  // declared before impl_, so it outlives it
    std::unique_ptr<Impl> impl_;
};

}  // namespace pushcore::web_push
