// C ABI shims: event getters.
#include "event.hpp"

extern "C" {

PUSHCORE_API int32_t pushcore_event_type(const pushcore_event* ev) { return ev ? ev->type : 0; }

PUSHCORE_API int pushcore_event_str(const pushcore_event* ev, int32_t field, const char** value,
                                    size_t* len) {
    if (!ev || !value) return PUSHCORE_E_INVALID_ARGUMENT;
    for (const auto& [f, v] : ev->strs) {
        if (f != field) continue;
        *value = v.c_str();
        if (len) *len = v.size();
        return 1;
    }
    return 0;
}

PUSHCORE_API int pushcore_event_u64(const pushcore_event* ev, int32_t field, uint64_t* value) {
    if (!ev || !value) return PUSHCORE_E_INVALID_ARGUMENT;
    for (const auto& [f, v] : ev->nums) {
        if (f != field) continue;
        *value = v;
        return 1;
    }
    return 0;
}

}  // extern "C"
