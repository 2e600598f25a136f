// Heap bytes per idle Web Push subscription: creates N subscriptions (1,000,000 unless
// given as the first argument) in one PushService with its in-memory store, each through
// POST /subscribe over HTTP/2 (nghttp2 client sessions in memory, the same path a real
// user agent takes: framing, dispatch, token generation, store, expiry timer, 201), and
// reports the heap in use after minus before, divided by N.
//
// "Heap in use" is glibc's mallinfo2(): uordblks (bytes in chunks in use from the arenas)
// plus hblkhd (bytes in chunks glibc served with mmap: allocations of 128 KiB and more,
// such as hash table bucket arrays and the timer heap's vector, which uordblks alone
// would miss). Chunk headers and alignment padding count, as they cost real memory.
//
// "Idle": no connection, no held GET, no stored message. The client connections are
// closed before the second reading, so only what the service keeps per subscription
// remains. One subscription made before the first reading warms up what is made once
// (OpenSSL's random generator, first-use tables).
//
// Exit status 0 when the figure is at most 512 bytes (the target), 1 when over, 2 when a
// subscription failed: usable as a check.

#include <malloc.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pushcore/web_push/push_service.hpp"
#include "support/h2_client.hpp"

namespace {

using pushcore::test::H2Client;
using pushcore::web_push::PushService;

constexpr double kTargetBytes = 512;
constexpr size_t kBatch = 64;             // requests in flight (the service allows 100)
constexpr size_t kPerConnection = 10000;  // subscriptions per client connection
constexpr uint64_t kNowMs = 1000;

struct Heap {
    size_t arena;   // uordblks
    size_t mmaped;  // hblkhd
    size_t total() const { return arena + mmaped; }
};

Heap heap_in_use() {
    struct mallinfo2 mi = mallinfo2();
    return {mi.uordblks, mi.hblkhd};
}

// One client connection to the service; subscribes in batches.
class Subscriber {
  public:
    explicit Subscriber(PushService& service)
        : service_(service), id_(service.open(pushcore::http::Protocol::detect, kNowMs)) {}
    ~Subscriber() { service_.close(id_); }
    Subscriber(const Subscriber&) = delete;
    Subscriber& operator=(const Subscriber&) = delete;

    // Subscribes `n` times, at most kBatch at once; how many got a 201 with Location.
    size_t subscribe(size_t n) {
        size_t created = 0;
        std::vector<int32_t> ids;
        ids.reserve(kBatch);
        while (n > 0) {
            const size_t batch = n < kBatch ? n : kBatch;
            ids.clear();
            for (size_t i = 0; i < batch; ++i) ids.push_back(client_.request("POST", "/subscribe"));
            if (!pump()) return created;
            for (int32_t id : ids) {
                H2Client::Stream& s = client_.stream(id);
                if (s.status == 201 && s.header("location")) ++created;
                client_.streams().erase(id);  // the client forgets answered streams
            }
            n -= batch;
        }
        return created;
    }

  private:
    bool pump() {
        for (int round = 0; round < 64; ++round) {
            bool moved = false;
            std::string out = client_.take_output();
            if (!out.empty()) {
                moved = true;
                if (service_.receive(id_, reinterpret_cast<const uint8_t*>(out.data()), out.size(),
                                     kNowMs) != pushcore::Status::ok)
                    return false;
            }
            PushService::ConnectionId ready;
            while (service_.next_ready(ready)) {
            }
            std::string_view in = service_.output(id_);
            if (!in.empty()) {
                moved = true;
                if (!client_.feed(in)) return false;
                service_.consume_output(id_, in.size());
            }
            if (!moved) return true;
        }
        return false;
    }

    PushService& service_;
    PushService::ConnectionId id_;
    H2Client client_;
};

}  // namespace

int main(int argc, char** argv) {
    size_t count = 1000000;
    if (argc > 1) count = std::strtoull(argv[1], nullptr, 10);
    if (count == 0) {
        std::fprintf(stderr, "usage: %s [subscriptions]\n", argv[0]);
        return 2;
    }

    pushcore::web_push::ServiceConfig cfg;
    cfg.base_url = "https://push.test";  // defaults otherwise: MemoryStore, OpenSSL random
    pushcore::Error err;
    std::unique_ptr<PushService> service = PushService::create(std::move(cfg), err);
    if (!service) {
        std::fprintf(stderr, "PushService::create: %s\n", err.reason);
        return 2;
    }
    {
        Subscriber warm(*service);
        if (warm.subscribe(1) != 1) {
            std::fprintf(stderr, "warm-up subscription failed\n");
            return 2;
        }
    }
    const size_t base_count = service->store().subscription_count();

    const Heap before = heap_in_use();
    const auto start = std::chrono::steady_clock::now();
    size_t created = 0;
    for (size_t left = count; left > 0;) {
        const size_t n = left < kPerConnection ? left : kPerConnection;
        Subscriber sub(*service);
        const size_t got = sub.subscribe(n);
        created += got;
        if (got != n) break;
        left -= n;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const Heap after = heap_in_use();

    const size_t stored = service->store().subscription_count() - base_count;
    if (created != count || stored != count) {
        std::fprintf(stderr, "created %zu of %zu subscriptions (%zu in the store)\n", created,
                     count, stored);
        return 2;
    }
    const double n = static_cast<double>(count);
    const double per =
        (static_cast<double>(after.total()) - static_cast<double>(before.total())) / n;
    const double per_arena =
        (static_cast<double>(after.arena) - static_cast<double>(before.arena)) / n;
    std::printf("subscriptions: %zu (POST /subscribe over HTTP/2, %.0f per second)\n", count,
                n / seconds);
    std::printf("heap in use before: %zu bytes, after: %zu bytes (uordblks + hblkhd)\n",
                before.total(), after.total());
    std::printf("of which mmap'ed chunks (hblkhd): %zu before, %zu after\n", before.mmaped,
                after.mmaped);
    std::printf("bytes per idle subscription: %.1f (uordblks alone: %.1f); target <= %.0f: %s\n",
                per, per_arena, kTargetBytes, per <= kTargetBytes ? "met" : "MISSED");
    return per <= kTargetBytes ? 0 : 1;
}
