// A push service and its clients wired together in memory: HTTP/2 clients (nghttp2) and
// raw HTTP/1.1 clients, each on its own service connection, with a virtual clock.
#pragma once

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "pushcore/web_push/push_service.hpp"
#include "support/h2_client.hpp"

namespace pushcore::test {

// Deterministic "random" bytes: a counter through the splitmix64 finalizer, so tokens
// never repeat and tests repeat exactly.
inline int counting_random(void* ctx, uint8_t* out, size_t len) {
    auto* n = static_cast<uint64_t*>(ctx);
    for (size_t i = 0; i < len; ++i) {
        uint64_t z = (*n)++ * 0x9e3779b97f4a7c15ull;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        out[i] = static_cast<uint8_t>(z ^ (z >> 31));
    }
    return 0;
}

class PushNet {
  public:
    explicit PushNet(web_push::ServiceConfig cfg = {}) {
        cfg.random = Random{counting_random, &counter_};
        if (cfg.base_url.empty()) cfg.base_url = "https://push.test";
        cfg.log = [this](web_push::LogLevel, std::string_view line) { log.emplace_back(line); };
        Error err;
        service = web_push::PushService::create(std::move(cfg), err);
    }

    // A new HTTP/2 connection with a client on it.
    H2Client& h2(bool enable_push = true) {
        auto c = std::make_unique<H2Client>(enable_push);
        auto id = service->open(http::Protocol::detect, now);
        H2Client& ref = *c;
        h2_[id] = std::move(c);
        pump();
        return ref;
    }
    web_push::PushService::ConnectionId id_of(const H2Client& c) const {
        for (const auto& [id, cl] : h2_)
            if (cl.get() == &c) return id;
        return 0;
    }

    // A new HTTP/1.1 connection; returns its id. Bytes sent with h1_send, replies in h1_in.
    web_push::PushService::ConnectionId h1() {
        auto id = service->open(http::Protocol::detect, now);
        h1_in[id];
        return id;
    }
    Status h1_send(web_push::PushService::ConnectionId id, std::string_view bytes) {
        Status st =
            service->receive(id, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), now);
        pump();
        return st;
    }

    // Moves bytes both ways until nothing moves. `split` > 0 feeds the service in pieces
    // of at most that many bytes (random sizes from a fixed seed when split == SIZE_MAX).
    void pump(size_t split = 0) {
        for (int round = 0; round < 1000; ++round) {
            bool moved = false;
            for (auto& [id, c] : h2_) {
                if (closed_.count(id)) continue;
                std::string out = c->take_output();
                if (out.empty()) continue;
                moved = true;
                feed(id, out, split);
            }
            web_push::PushService::ConnectionId ready;
            while (service->next_ready(ready)) ready_seen.push_back(ready);
            for (auto& [id, c] : h2_) moved |= drain(id, [&](std::string_view b) { c->feed(b); });
            for (auto& [id, in] : h1_in)
                moved |= drain(id, [&, id = id](std::string_view b) { h1_in[id] += b; });
            if (!moved) return;
        }
    }

    void advance(uint64_t ms) {
        now += ms;
        if (service->next_deadline() <= now) service->on_timeout(now);
        pump();
    }

    void disconnect(H2Client& c) {
        auto id = id_of(c);
        service->close(id);
        closed_.insert({id, true});
    }

    std::unique_ptr<web_push::PushService> service;
    uint64_t now = 1000;
    std::vector<std::string> log;
    std::map<web_push::PushService::ConnectionId, std::string> h1_in;
    std::vector<web_push::PushService::ConnectionId> ready_seen;

  private:
    void feed(web_push::PushService::ConnectionId id, const std::string& out, size_t split) {
        if (split == 0) {
            service->receive(id, reinterpret_cast<const uint8_t*>(out.data()), out.size(), now);
            return;
        }
        size_t pos = 0;
        while (pos < out.size()) {
            size_t n = split == SIZE_MAX ? 1 + rng_() % 17 : split;
            n = std::min(n, out.size() - pos);
            service->receive(id, reinterpret_cast<const uint8_t*>(out.data() + pos), n, now);
            pos += n;
        }
    }

    template <typename Sink>
    bool drain(web_push::PushService::ConnectionId id, Sink sink) {
        if (closed_.count(id)) return false;
        std::string_view o = service->output(id);
        if (o.empty()) return false;
        std::string copy(o);
        service->consume_output(id, copy.size());
        sink(copy);
        return true;
    }

    uint64_t counter_ = 1;
    std::map<web_push::PushService::ConnectionId, std::unique_ptr<H2Client>> h2_;
    std::map<web_push::PushService::ConnectionId, bool> closed_;
    std::minstd_rand rng_{42};
};

}  // namespace pushcore::test
