// C ABI shims: event getters.
#include "event.hpp"

extern "C" {

PUSHCORE_API int32_t pushcore_event_type(const pushcore_event* ev) {
    return ev ? ev->type : 0;
}

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

PUSHCORE_API int pushcore_event_field_count(const pushcore_event* ev) {
    if (!ev) return PUSHCORE_E_INVALID_ARGUMENT;
    return static_cast<int>(ev->strs.size() + ev->nums.size());
}

PUSHCORE_API int pushcore_event_field_at(const pushcore_event* ev, size_t i, int32_t* field,
                                         int32_t* kind) {
    if (!ev || !field || !kind) return PUSHCORE_E_INVALID_ARGUMENT;
    if (i < ev->strs.size()) {
        *field = ev->strs[i].first;
        *kind = PUSHCORE_FIELD_KIND_STR;
        return PUSHCORE_OK;
    }
    i -= ev->strs.size();
    if (i >= ev->nums.size()) return PUSHCORE_E_NOT_FOUND;
    *field = ev->nums[i].first;
    *kind = PUSHCORE_FIELD_KIND_U64;
    return PUSHCORE_OK;
}

}  // extern "C"
