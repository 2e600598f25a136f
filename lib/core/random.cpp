#include "pushcore/core/random.hpp"

#if defined(PUSHCORE_HAVE_OPENSSL)
#include <openssl/rand.h>
#endif

namespace pushcore {

namespace {
#if defined(PUSHCORE_HAVE_OPENSSL)
int openssl_random(void*, uint8_t* out, size_t len) {
    return RAND_bytes(out, static_cast<int>(len)) == 1 ? 0 : -1;
}
#endif
}  // namespace

Random Random::system_default() noexcept {
#if defined(PUSHCORE_HAVE_OPENSSL)
    return Random{openssl_random, nullptr};
#else
    return Random{};
#endif
}

Status Random::fill(uint8_t* out, size_t len) const noexcept {
    if (!fn) return Status::invalid_state;
    return fn(ctx, out, len) == 0 ? Status::ok : Status::internal;
}

bool Random::append_token(std::string& out, size_t random_bytes) const {
    // Hex keeps tags, branches and Call-IDs within RFC 3261's token and word grammar.
    static constexpr char kHex[] = "0123456789abcdef";
    uint8_t buf[32];
    if (random_bytes > sizeof buf || fill(buf, random_bytes) != Status::ok) return false;
    for (size_t i = 0; i < random_bytes; ++i) {
        out.push_back(kHex[buf[i] >> 4]);
        out.push_back(kHex[buf[i] & 15]);
    }
    return true;
}

}  // namespace pushcore
