// Fuzz target: one server connection of the push service fed arbitrary bytes (HTTP/2 after
// the client preface, HTTP/1.1 otherwise), in pieces whose size the first input byte
// chooses, then run past every timer. The random source is a counter, so the first
// subscription's capability URLs are the same on every run and seeds can reach the
// send, receive, ack and receipt paths. Checks: no crash or sanitizer report; the store
// never holds more than its limits; a finished connection stays finished.
#include <cstdint>
#include <cstdlib>

#include "pushcore/web_push/push_service.hpp"

using namespace pushcore;

namespace {
// Byte n of the "random" stream is the low byte of splitmix64's finalizer of n (n from 1),
// so seeds can name the capability URLs the service will make.
int counter_random(void* ctx, uint8_t* out, size_t len) {
    auto* n = static_cast<uint64_t*>(ctx);
    for (size_t i = 0; i < len; ++i) {
        uint64_t z = (*n)++ * 0x9e3779b97f4a7c15ull;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        out[i] = static_cast<uint8_t>(z ^ (z >> 31));
    }
    return 0;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    uint64_t counter = 1;
    web_push::ServiceConfig cfg;
    cfg.random = Random{counter_random, &counter};
    cfg.base_url = "https://push.test";
    cfg.limits.max_header_bytes = 2048;
    cfg.limits.max_header_count = 16;
    cfg.limits.max_concurrent_streams = 8;
    cfg.limits.idle_timeout_ms = 60000;
    cfg.max_messages_per_subscription = 4;
    cfg.max_messages_total = 8;
    cfg.max_subscriptions = 4;
    cfg.subscription_lifetime_s = 100;
    Error err;
    auto svc = web_push::PushService::create(cfg, err);
    if (!svc) abort();

    const size_t piece = 1 + data[0] % 64;
    ++data;
    --size;
    uint64_t now = 1;
    auto conn = svc->open(http::Protocol::detect, now);
    bool finished = false;
    for (size_t pos = 0; pos < size; pos += piece) {
        size_t n = size - pos < piece ? size - pos : piece;
        Status st = svc->receive(conn, data + pos, n, ++now);
        if (finished && st == Status::ok) abort();  // a failed connection never recovers
        if (st != Status::ok) finished = true;
        std::string_view out = svc->output(conn);
        svc->consume_output(conn, out.size() / 2 + 1);  // partial writes, too
        web_push::PushService::ConnectionId ready;
        while (svc->next_ready(ready)) svc->consume_output(ready, svc->output(ready).size());
    }
    svc->receive_eof(conn, ++now);
    svc->on_timeout(now + 1000000000);
    if (svc->store().message_count() > cfg.max_messages_total) abort();
    if (svc->store().subscription_count() > cfg.max_subscriptions) abort();
    svc->close(conn);
    return 0;
}
