// The Store over the host's callbacks (include/pushcore/web_push/callback_store.hpp).
// Keys are copied before any callback runs: the service may pass a key that lives in a
// record this adapter is about to replace.
#include "pushcore/web_push/callback_store.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "pushcore/web_push/records.hpp"

namespace pushcore::web_push {

namespace {

constexpr size_t kKey = 16;
constexpr size_t kFirstKeys = 16;  // room for the first children() call, in keys
constexpr int kChildrenTries = 4;

size_t to_size(uint64_t v) {
    return static_cast<size_t>(std::min<uint64_t>(v, std::numeric_limits<size_t>::max()));
}

}  // namespace

CallbackStore::CallbackStore(void* ctx, pushcore_store_put_fn put_fn, pushcore_store_get_fn get_fn,
                             pushcore_store_remove_fn remove_fn,
                             pushcore_store_children_fn children_fn,
                             pushcore_store_count_fn count_fn, int64_t wall_clock_offset_ms)
    : ctx_(ctx),
      put_(put_fn),
      get_(get_fn),
      remove_(remove_fn),
      children_(children_fn),
      count_(count_fn),
      offset_(wall_clock_offset_ms) {}

// ---- the callbacks ---------------------------------------------------------------------

Status CallbackStore::callback_failed(int rc, const char* why) {
    const Status s = rc < 0 ? static_cast<Status>(rc) : Status::internal;
    return last_error_.fail(s, why, 0);
}

Status CallbackStore::put(int32_t kind, const Token& key, const Token* parent,
                          const std::string& bytes) {
    const int rc = put_(ctx_, kind, key.data(), parent ? parent->data() : nullptr,
                        reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    return rc == PUSHCORE_OK ? Status::ok : callback_failed(rc, "store: put failed");
}

bool CallbackStore::get(int32_t kind, const Token& key, std::string_view& bytes) {
    const uint8_t* record = nullptr;
    size_t len = 0;
    const int rc = get_(ctx_, kind, key.data(), &record, &len);
    if (rc == 0) return false;
    if (rc != 1) {
        callback_failed(rc, "store: get failed");
        return false;
    }
    if (!record && len) {
        last_error_.fail(Status::internal, "store: get gave NULL record bytes", 0);
        return false;
    }
    bytes = len ? std::string_view(reinterpret_cast<const char*>(record), len) : std::string_view();
    return true;
}

void CallbackStore::remove(int32_t kind, const Token& key) {
    const int rc = remove_(ctx_, kind, key.data());
    if (rc != PUSHCORE_OK) callback_failed(rc, "store: remove failed");
}

bool CallbackStore::count(int32_t kind, uint64_t& records, uint64_t& bytes) {
    records = bytes = 0;
    const int rc = count_(ctx_, kind, &records, &bytes);
    if (rc == PUSHCORE_OK) return true;
    callback_failed(rc, "store: count failed");
    records = bytes = 0;
    return false;
}

// ---- subscriptions ---------------------------------------------------------------------

Status CallbackStore::add_subscription(const SubscriptionRecord& record) {
    const SubscriptionRecord r = record;
    Status st = put(PUSHCORE_STORE_SUBSCRIPTION, r.id, nullptr, encode_record(r, offset_));
    if (st != Status::ok) return st;
    st = put(PUSHCORE_STORE_PUSH_INDEX, r.push_id, nullptr,
             std::string(reinterpret_cast<const char*>(r.id.data()), r.id.size()));
    if (st != Status::ok) remove(PUSHCORE_STORE_SUBSCRIPTION, r.id);  // not half a subscription
    return st;
}

const SubscriptionRecord* CallbackStore::subscription(const Token& id) {
    const Token key = id;
    std::string_view bytes;
    if (!get(PUSHCORE_STORE_SUBSCRIPTION, key, bytes)) return nullptr;
    SubscriptionRecord r;
    if (decode_record(bytes, offset_, r, last_error_) != Status::ok) return nullptr;
    if (r.id != key) {
        last_error_.fail(Status::syntax, "record: a subscription under another id", 0);
        return nullptr;
    }
    subscription_ = r;
    return &subscription_;
}

const SubscriptionRecord* CallbackStore::subscription_by_push(const Token& push_id) {
    const Token key = push_id;
    std::string_view bytes;
    if (!get(PUSHCORE_STORE_PUSH_INDEX, key, bytes)) return nullptr;
    if (bytes.size() != kKey) {
        last_error_.fail(Status::syntax, "record: a push index entry is not 16 bytes",
                         std::min(bytes.size(), kKey));
        return nullptr;
    }
    Token id;
    std::memcpy(id.data(), bytes.data(), kKey);
    const SubscriptionRecord* s = subscription(id);
    if (s && s->push_id != key) {
        last_error_.fail(Status::syntax, "record: a push index entry names another's subscription",
                         0);
        return nullptr;
    }
    return s;
}

void CallbackStore::remove_subscription(const Token& id) {
    const Token key = id;
    if (const SubscriptionRecord* s = subscription(key)) {
        const Token push_id = s->push_id;
        remove(PUSHCORE_STORE_PUSH_INDEX, push_id);
    }
    remove(PUSHCORE_STORE_SUBSCRIPTION, key);
}

size_t CallbackStore::subscription_count() {
    uint64_t records, bytes;
    count(PUSHCORE_STORE_SUBSCRIPTION, records, bytes);
    return to_size(records);
}

// ---- receipt subscriptions -------------------------------------------------------------

Status CallbackStore::add_receipt_subscription(const ReceiptSubscriptionRecord& record) {
    const ReceiptSubscriptionRecord r = record;
    return put(PUSHCORE_STORE_RECEIPT_SUBSCRIPTION, r.id, nullptr, encode_record(r, offset_));
}

const ReceiptSubscriptionRecord* CallbackStore::receipt_subscription(const Token& id) {
    const Token key = id;
    std::string_view bytes;
    if (!get(PUSHCORE_STORE_RECEIPT_SUBSCRIPTION, key, bytes)) return nullptr;
    ReceiptSubscriptionRecord r;
    if (decode_record(bytes, offset_, r, last_error_) != Status::ok) return nullptr;
    if (r.id != key) {
        last_error_.fail(Status::syntax, "record: a receipt subscription under another id", 0);
        return nullptr;
    }
    receipt_subscription_ = r;
    return &receipt_subscription_;
}

void CallbackStore::remove_receipt_subscription(const Token& id) {
    const Token key = id;
    remove(PUSHCORE_STORE_RECEIPT_SUBSCRIPTION, key);
}

// ---- messages --------------------------------------------------------------------------

Status CallbackStore::add_message(MessageRecord record) {
    std::string bytes;
    if (encode_record(record, offset_, bytes, last_error_) != Status::ok) return last_error_.status;
    return put(PUSHCORE_STORE_MESSAGE, record.id, &record.subscription, bytes);
}

const MessageRecord* CallbackStore::message(const Token& id) {
    const Token key = id;
    std::string_view bytes;
    if (!get(PUSHCORE_STORE_MESSAGE, key, bytes)) return nullptr;
    MessageRecord r;
    if (decode_record(bytes, offset_, r, last_error_) != Status::ok) return nullptr;
    if (r.id != key) {
        last_error_.fail(Status::syntax, "record: a message under another id", 0);
        return nullptr;
    }
    message_ = std::move(r);
    return &message_;
}

void CallbackStore::remove_message(const Token& id) {
    const Token key = id;
    remove(PUSHCORE_STORE_MESSAGE, key);
}

void CallbackStore::messages_of(const Token& subscription, std::vector<Token>& out) {
    out.clear();
    const Token parent = subscription;
    if (keys_.empty()) keys_.resize(kFirstKeys * kKey);
    for (int attempt = 0; attempt < kChildrenTries; ++attempt) {
        const size_t cap = keys_.size() / kKey;
        size_t n = 0;
        const int rc = children_(ctx_, parent.data(), keys_.data(), cap, &n);
        if (rc == PUSHCORE_E_BUFFER_TOO_SMALL) {
            // Room for what the host counted; at least twice as much if it said less.
            const size_t want = std::max(n, cap * 2);
            if (want > std::numeric_limits<size_t>::max() / kKey) {
                last_error_.fail(Status::no_memory, "store: children counted too many keys", 0);
                return;
            }
            keys_.resize(want * kKey);
            continue;
        }
        if (rc != PUSHCORE_OK) {
            callback_failed(rc, "store: children failed");
            return;
        }
        if (n > cap) {  // PUSHCORE_OK, yet more than fit: only what was written is read
            last_error_.fail(Status::internal, "store: children counted more keys than fit", 0);
            n = cap;
        }
        out.resize(n);
        for (size_t i = 0; i < n; ++i) std::memcpy(out[i].data(), keys_.data() + i * kKey, kKey);
        return;
    }
    last_error_.fail(Status::buffer_too_small, "store: children never had room enough", 0);
}

size_t CallbackStore::message_count() {
    uint64_t records, bytes;
    count(PUSHCORE_STORE_MESSAGE, records, bytes);
    return to_size(records);
}

size_t CallbackStore::message_bytes() {
    uint64_t records, bytes;
    count(PUSHCORE_STORE_MESSAGE, records, bytes);
    return to_size(bytes);
}

}  // namespace pushcore::web_push
