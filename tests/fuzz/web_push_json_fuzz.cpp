// Fuzz target: parse_json_message (draft-damaggio-webpush-http2-00 5, Table 1). Whatever it
// accepts, the message it forwards is one JSON object that an independent parse accepts,
// and that reads back to itself; time_to_live stays within 2^31-1. Every failure is
// bad_json at a byte inside the body.
// RapidJSON 1.1.0's internal::Stack does arithmetic on a null pointer before its first
// allocation (Tencent/rapidjson#1724): exempt its functions from that one check, as
// lib/web_push/message_body.cpp does.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((no_sanitize("pointer-overflow"))), apply_to = function)
#endif
#include <rapidjson/document.h>
#if defined(__clang__)
#pragma clang attribute pop
#endif

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "pushcore/web_push/message_body.hpp"

using namespace pushcore;
using namespace pushcore::web_push;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    JsonMessage m;
    Error err;
    if (parse_json_message(body, m, err) != Status::ok) {
        if (err.status != Status::bad_json || err.offset > body.size() || err.reason == nullptr ||
            std::strncmp(err.reason, "JSON: ", 6) != 0)
            abort();
        return 0;
    }
    if (m.ttl_seconds > 2147483647u || (!m.has_ttl && m.ttl_seconds != 0)) abort();
    if (!m.has_message) {
        if (!m.message.empty()) abort();
        return 0;
    }
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(
        m.message.data(), m.message.size());
    if (doc.HasParseError() || !doc.IsObject()) abort();

    // Compact output is a fixed point: wrapped again, it comes back unchanged.
    JsonMessage again;
    Error again_err;
    if (parse_json_message("{\"message\":" + m.message + "}", again, again_err) != Status::ok)
        abort();
    if (!again.has_message || again.message != m.message) abort();
    return 0;
}
