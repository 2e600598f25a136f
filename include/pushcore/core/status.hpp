// pushcore C++ API: status codes and error details shared by every module.
#pragma once

#include <cstddef>
#include <cstdint>

#include "pushcore/core.h"

namespace pushcore {

// The C enum is the one source of truth; this mirrors it with scoped names.
enum class Status : int32_t {
    ok = PUSHCORE_OK,
    invalid_argument = PUSHCORE_E_INVALID_ARGUMENT,
    invalid_state = PUSHCORE_E_INVALID_STATE,
    buffer_too_small = PUSHCORE_E_BUFFER_TOO_SMALL,
    not_found = PUSHCORE_E_NOT_FOUND,
    already_exists = PUSHCORE_E_ALREADY_EXISTS,
    syntax = PUSHCORE_E_SYNTAX,
    bad_escape = PUSHCORE_E_BAD_ESCAPE,
    bad_uri = PUSHCORE_E_BAD_URI,
    bad_start_line = PUSHCORE_E_BAD_START_LINE,
    bad_header = PUSHCORE_E_BAD_HEADER,
    bad_content_length = PUSHCORE_E_BAD_CONTENT_LENGTH,
    missing_header = PUSHCORE_E_MISSING_HEADER,
    truncated = PUSHCORE_E_TRUNCATED,
    unexpected_message = PUSHCORE_E_UNEXPECTED_MESSAGE,
    push_info_missing = PUSHCORE_E_PUSH_INFO_MISSING,
    push_info_invalid = PUSHCORE_E_PUSH_INFO_INVALID,
    push_provider_unsupported = PUSHCORE_E_PUSH_PROVIDER_UNSUPPORTED,
    http2 = PUSHCORE_E_HTTP2,
    bad_json = PUSHCORE_E_BAD_JSON,
    tls = PUSHCORE_E_TLS,
    limit_header_bytes = PUSHCORE_E_LIMIT_HEADER_BYTES,
    limit_header_count = PUSHCORE_E_LIMIT_HEADER_COUNT,
    limit_body_bytes = PUSHCORE_E_LIMIT_BODY_BYTES,
    limit_bindings = PUSHCORE_E_LIMIT_BINDINGS,
    limit_held_requests = PUSHCORE_E_LIMIT_HELD_REQUESTS,
    no_memory = PUSHCORE_E_NO_MEMORY,
    limit_streams = PUSHCORE_E_LIMIT_STREAMS,
    limit_store = PUSHCORE_E_LIMIT_STORE,
    rate_limited = PUSHCORE_E_RATE_LIMITED,
    limit_subscriptions = PUSHCORE_E_LIMIT_SUBSCRIPTIONS,
    internal = PUSHCORE_E_INTERNAL,
};

const char* status_name(Status s) noexcept;
const char* status_message(Status s) noexcept;

// Why an operation failed: the status, a short reason naming the rule or field
// (static storage), and the byte offset into the input where it was detected.
struct Error {
    Status status = Status::ok;
    const char* reason = "";
    size_t offset = 0;

    // Records a failure and returns its status, so parsers can `return err.fail(...)`.
    Status fail(Status s, const char* why, size_t at) noexcept {
        status = s;
        reason = why;
        offset = at;
        return s;
    }
};

}  // namespace pushcore
