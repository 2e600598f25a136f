// What every C ABI shim shares: status conversion, last_error, and run(), which gives each
// call a fresh error record and keeps exceptions from crossing the boundary.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>

#include "pushcore/core/status.hpp"

namespace pushcore::capi {

inline int status(Status s) {
    return static_cast<int>(s);
}

inline int last_error(const Error& err, const char** reason, size_t* offset) {
    if (reason) *reason = err.reason;
    if (offset) *offset = err.offset;
    return status(err.status);
}

// Runs one call with a fresh error record, so last_error always describes the latest
// call. f returns a Status, or an int (a count, 1/0, or a negative status); a failure
// the callee gave no reason for gets its status's generic message.
template <class F>
int run(Error& err, F&& f) noexcept {
    err = Error{};
    int r;
    try {
        if constexpr (std::is_same_v<decltype(f()), Status>)
            r = status(f());
        else
            r = f();
    } catch (const std::bad_alloc&) {
        r = PUSHCORE_E_NO_MEMORY;
    } catch (...) {
        r = PUSHCORE_E_INTERNAL;
    }
    if (r < 0 && status(err.status) != r) {
        const Status s = static_cast<Status>(r);
        err.fail(s, status_message(s), 0);
    }
    return r;
}

}  // namespace pushcore::capi
