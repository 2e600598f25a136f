// The bytes of the Store's records, for a store of the host's (include/pushcore/web_push.h,
// "a store of the host's"): what the host keeps for each subscription, receipt
// subscription and message, so that it survives a restart.
//
// Layout, integers little-endian:
//   every record   u8 format version (1)
//   subscription   id[16] push_id[16] u64 expires
//   receipt sub.   id[16] subscription[16] u64 expires
//   message        id[16] subscription[16] u8 flags u8 urgency u64 expires u64 created
//                  [receipt[16], only with flag has_receipt]
//                  u8 len, topic; u16 len, content type; u16 len, content encoding;
//                  u32 len, body
//   flags: bit 0 has_receipt, bit 1 form (0 seed JSON, 1 RFC 8030); other bits 0.
//   urgency: Urgency's value (0 very-low .. 3 high).
// Times in records are Unix ms: the records keep their meaning across restarts, whose
// monotonic clocks start anew. Encoding adds the wall-clock offset to `expires_ms`
// (created_unix_ms is Unix already); decoding subtracts it, a time before the process's
// zero becoming 0 (long expired). Every record has one encoding: decode then encode
// gives back the same bytes when the offset is 0.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pushcore/core/status.hpp"
#include "pushcore/web_push/store.hpp"

namespace pushcore::web_push {

constexpr uint8_t kRecordVersion = 1;

std::string encode_record(const SubscriptionRecord& record, int64_t wall_clock_offset_ms);
std::string encode_record(const ReceiptSubscriptionRecord& record, int64_t wall_clock_offset_ms);
// Fails (Status::invalid_argument, `out` untouched) for a field longer than its length
// prefix can say: a topic above 255 bytes, a content type or encoding above 65535, a body
// of 4 GiB or more.
Status encode_record(const MessageRecord& record, int64_t wall_clock_offset_ms, std::string& out,
                     Error& err);

// Each decode reads only bytes.data()[0 .. bytes.size()) and fails with Status::syntax, a
// static reason starting with "record: " and the offset of the offending byte: an input
// that ends inside a field ("record: truncated", at the field's start), another version,
// unknown flag bits, an urgency above high, a length beyond the input (at the length) and
// bytes after the record. `out` is written only on success.
Status decode_record(std::string_view bytes, int64_t wall_clock_offset_ms, SubscriptionRecord& out,
                     Error& err);
Status decode_record(std::string_view bytes, int64_t wall_clock_offset_ms,
                     ReceiptSubscriptionRecord& out, Error& err);
Status decode_record(std::string_view bytes, int64_t wall_clock_offset_ms, MessageRecord& out,
                     Error& err);

}  // namespace pushcore::web_push
