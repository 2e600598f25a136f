// The injectable random source (DESIGN.md, Sans-IO contract point 1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "pushcore/core.h"
#include "pushcore/core/status.hpp"

namespace pushcore {

struct Random {
    pushcore_random_fn fn = nullptr;
    void* ctx = nullptr;

    // OpenSSL's RAND_bytes where the build has OpenSSL; otherwise empty (fn == nullptr).
    static Random system_default() noexcept;

    bool valid() const noexcept { return fn != nullptr; }
    Status fill(uint8_t* out, size_t len) const noexcept;
    // Appends 2*random_bytes lower-case hex digits (random_bytes <= 32); false on failure.
    bool append_token(std::string& out, size_t random_bytes) const;
};

}  // namespace pushcore
