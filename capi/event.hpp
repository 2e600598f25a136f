// The event object every machine's next_event hands out: a type and typed fields.
#pragma once

#include <cstdint>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "pushcore/sip_push.h"

struct pushcore_event {
    int32_t type = 0;
    std::vector<std::pair<int32_t, std::string>> strs;
    std::vector<std::pair<int32_t, uint64_t>> nums;

    void reset(int32_t t) {
        type = t;
        strs.clear();
        nums.clear();
    }
    void str(int32_t field, std::string value) { strs.emplace_back(field, std::move(value)); }
    void num(int32_t field, uint64_t value) { nums.emplace_back(field, value); }
};

namespace pushcore::capi {

// Runs f, mapping exceptions to statuses: nothing may unwind across the C ABI.
template <class F>
int guard(F&& f) noexcept {
    try {
        return f();
    } catch (const std::bad_alloc&) {
        return PUSHCORE_E_NO_MEMORY;
    } catch (...) {
        return PUSHCORE_E_INTERNAL;
    }
}

}  // namespace pushcore::capi
