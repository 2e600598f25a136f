// The seed's JSON push message request (draft-damaggio-webpush-http2-00 section 5,
// Table 1): {"message": {...}, "request_receipt": bool, "time_to_live": number}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pushcore/core/status.hpp"

namespace pushcore::web_push {

struct JsonMessage {
    bool has_message = false;
    std::string message;           // the "message" member re-serialized compactly
    bool request_receipt = false;  // default false (Table 1)
    bool has_ttl = false;
    uint32_t ttl_seconds = 0;  // "time_to_live", whole seconds, saturated at 2^31-1
};

// Parses the body. Status::bad_json with a reason and byte offset when it is not one
// well-formed JSON object (seed 5: "MUST return a 400 ... malformed JSON"), when
// "message" is not an object, "request_receipt" not a boolean, "time_to_live" not a
// non-negative number, or a member appears twice (at any level). Unknown members are
// ignored. Nesting deeper than `max_depth` (the top-level object is depth 1) is refused,
// and the reader is iterative, so no input can exhaust the stack. Numbers in "message" are
// copied as written; time_to_live is rounded down. Invalid UTF-8, including an escaped
// lone surrogate, is refused. `out` is replaced only on success.
Status parse_json_message(std::string_view body, JsonMessage& out, Error& err,
                          unsigned max_depth = 32);

}  // namespace pushcore::web_push
