// A Store over the host's five callbacks of include/pushcore/web_push.h ("a store of the
// host's"): records encoded by records.hpp, kept by the host under (kind, 16-byte key).
//   PUSHCORE_STORE_SUBSCRIPTION          subscription id -> SubscriptionRecord
//   PUSHCORE_STORE_PUSH_INDEX            push resource id -> the subscription id (16 bytes)
//   PUSHCORE_STORE_RECEIPT_SUBSCRIPTION  receipt subscription id -> its record
//   PUSHCORE_STORE_MESSAGE               message id -> MessageRecord, parent: subscription id
// Counts come from the host: subscription_count() is the count of SUBSCRIPTION records,
// message_count() and message_bytes() the count and record bytes of MESSAGE records.
//
// A record that does not decode, whose key is not the id inside it, or that a failing
// callback could not give, is treated as absent; the latest such failure (and any other
// callback failure) is kept in last_error(). A failing put makes add_* return its status.
// Returned pointers point into the adapter and stay valid until the next call of the same
// method (at least until the next call on the store, as Store promises).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pushcore/core/status.hpp"
#include "pushcore/web_push.h"
#include "pushcore/web_push/store.hpp"

namespace pushcore::web_push {

class CallbackStore final : public Store {
  public:
    // Every function pointer must be non-null (the C ABI checks it).
    CallbackStore(void* ctx, pushcore_store_put_fn put_fn, pushcore_store_get_fn get_fn,
                  pushcore_store_remove_fn remove_fn, pushcore_store_children_fn children_fn,
                  pushcore_store_count_fn count_fn, int64_t wall_clock_offset_ms);

    Status add_subscription(const SubscriptionRecord& record) override;
    const SubscriptionRecord* subscription(const Token& id) override;
    const SubscriptionRecord* subscription_by_push(const Token& push_id) override;
    void remove_subscription(const Token& id) override;
    size_t subscription_count() override;

    Status add_receipt_subscription(const ReceiptSubscriptionRecord& record) override;
    const ReceiptSubscriptionRecord* receipt_subscription(const Token& id) override;
    void remove_receipt_subscription(const Token& id) override;

    Status add_message(MessageRecord record) override;
    const MessageRecord* message(const Token& id) override;
    void remove_message(const Token& id) override;
    void messages_of(const Token& subscription, std::vector<Token>& out) override;
    size_t message_count() override;
    size_t message_bytes() override;

    // The latest failure of a callback or of a record's decoding; Status::ok until one.
    const Error& last_error() const noexcept { return last_error_; }

  private:
    Status put(int32_t kind, const Token& key, const Token* parent, const std::string& bytes);
    // The record's bytes into `bytes`; false when there is none or the callback failed.
    bool get(int32_t kind, const Token& key, std::string_view& bytes);
    void remove(int32_t kind, const Token& key);
    bool count(int32_t kind, uint64_t& records, uint64_t& bytes);
    // A callback's result that is neither PUSHCORE_OK nor a negative status.
    Status callback_failed(int rc, const char* why);

    void* ctx_;
    pushcore_store_put_fn put_;
    pushcore_store_get_fn get_;
    pushcore_store_remove_fn remove_;
    pushcore_store_children_fn children_;
    pushcore_store_count_fn count_;
    int64_t offset_;

    SubscriptionRecord subscription_;
    ReceiptSubscriptionRecord receipt_subscription_;
    MessageRecord message_;
    std::vector<uint8_t> keys_;  // room for children(); grows to the largest answer
    Error last_error_;
};

}  // namespace pushcore::web_push
