#include "pushcore/core/status.hpp"

namespace pushcore {

namespace {
struct StatusInfo {
    Status status;
    const char* name;
    const char* message;
};

constexpr StatusInfo kStatuses[] = {
    {Status::ok, "PUSHCORE_OK", "success"},
    {Status::invalid_argument, "PUSHCORE_E_INVALID_ARGUMENT", "invalid argument"},
    {Status::invalid_state, "PUSHCORE_E_INVALID_STATE", "call not allowed in the current state"},
    {Status::buffer_too_small, "PUSHCORE_E_BUFFER_TOO_SMALL", "output buffer too small"},
    {Status::not_found, "PUSHCORE_E_NOT_FOUND", "not found"},
    {Status::already_exists, "PUSHCORE_E_ALREADY_EXISTS", "already exists"},
    {Status::syntax, "PUSHCORE_E_SYNTAX", "syntax error"},
    {Status::bad_escape, "PUSHCORE_E_BAD_ESCAPE", "malformed escape sequence"},
    {Status::bad_uri, "PUSHCORE_E_BAD_URI", "malformed SIP URI"},
    {Status::bad_start_line, "PUSHCORE_E_BAD_START_LINE", "malformed request or status line"},
    {Status::bad_header, "PUSHCORE_E_BAD_HEADER", "malformed header field"},
    {Status::bad_content_length, "PUSHCORE_E_BAD_CONTENT_LENGTH",
     "missing or invalid Content-Length"},
    {Status::missing_header, "PUSHCORE_E_MISSING_HEADER", "mandatory header field missing"},
    {Status::truncated, "PUSHCORE_E_TRUNCATED", "input ended inside a message"},
    {Status::unexpected_message, "PUSHCORE_E_UNEXPECTED_MESSAGE",
     "message not valid in the current state"},
    {Status::push_info_missing, "PUSHCORE_E_PUSH_INFO_MISSING",
     "push notification parameters missing"},
    {Status::push_info_invalid, "PUSHCORE_E_PUSH_INFO_INVALID",
     "push notification parameters invalid for the provider"},
    {Status::push_provider_unsupported, "PUSHCORE_E_PUSH_PROVIDER_UNSUPPORTED",
     "push notification provider not supported"},
    {Status::http2, "PUSHCORE_E_HTTP2", "HTTP/2 protocol error"},
    {Status::bad_json, "PUSHCORE_E_BAD_JSON", "malformed JSON body"},
    {Status::tls, "PUSHCORE_E_TLS", "TLS failure"},
    {Status::limit_header_bytes, "PUSHCORE_E_LIMIT_HEADER_BYTES", "header section too large"},
    {Status::limit_header_count, "PUSHCORE_E_LIMIT_HEADER_COUNT", "too many header fields"},
    {Status::limit_body_bytes, "PUSHCORE_E_LIMIT_BODY_BYTES", "message body too large"},
    {Status::limit_bindings, "PUSHCORE_E_LIMIT_BINDINGS", "binding table full"},
    {Status::limit_held_requests, "PUSHCORE_E_LIMIT_HELD_REQUESTS", "too many held requests"},
    {Status::no_memory, "PUSHCORE_E_NO_MEMORY", "out of memory"},
    {Status::limit_streams, "PUSHCORE_E_LIMIT_STREAMS", "too many concurrent streams"},
    {Status::limit_store, "PUSHCORE_E_LIMIT_STORE", "message store full"},
    {Status::rate_limited, "PUSHCORE_E_RATE_LIMITED", "send rate limit reached"},
    {Status::limit_subscriptions, "PUSHCORE_E_LIMIT_SUBSCRIPTIONS", "too many subscriptions"},
    {Status::internal, "PUSHCORE_E_INTERNAL", "internal error"},
};

const StatusInfo* find(Status s) noexcept {
    for (const auto& info : kStatuses)
        if (info.status == s) return &info;
    return nullptr;
}
}  // namespace

const char* status_name(Status s) noexcept {
    const StatusInfo* info = find(s);
    return info ? info->name : "PUSHCORE_E_UNKNOWN";
}

const char* status_message(Status s) noexcept {
    const StatusInfo* info = find(s);
    return info ? info->message : "unknown status";
}

}  // namespace pushcore
