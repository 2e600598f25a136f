// What a push service must not forget: subscriptions, receipt subscriptions and the
// messages not yet acknowledged (draft-damaggio-webpush-http2-00 sections 4-6; RFC 8030
// sections 4-6). The service calls a Store synchronously; MemoryStore is the default,
// and a host may put its own behind the interface (a database, a file) to survive
// restarts. Records returned by pointer stay valid until the next call on the store.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "pushcore/core/status.hpp"
#include "pushcore/web_push/headers.hpp"

namespace pushcore::web_push {

// 128 random bits (RFC 8030 8: capability URLs carry at least 120 bits of entropy).
using Token = std::array<uint8_t, 16>;

struct TokenHash {
    size_t operator()(const Token& t) const noexcept {
        // The bytes are uniformly random already: any 8 of them make a good hash.
        size_t h;
        static_assert(sizeof h <= sizeof(Token));
        __builtin_memcpy(&h, t.data(), sizeof h);
        return h;
    }
};

// Which request form a message arrived in: the seed's JSON body or RFC 8030's opaque body.
enum class Form : uint8_t { seed_json = 0, rfc8030 = 1 };

struct SubscriptionRecord {
    Token id;                 // the subscription resource (receive, remove)
    Token push_id;            // the push resource (send)
    uint64_t expires_ms = 0;  // monotonic time the subscription ends
};

struct ReceiptSubscriptionRecord {
    Token id;
    Token subscription;  // the push subscription it was created for
    uint64_t expires_ms = 0;
};

struct MessageRecord {
    Token id;
    Token subscription;
    bool has_receipt = false;
    Token receipt;  // the receipt subscription to report to
    Form form = Form::rfc8030;
    Urgency urgency = Urgency::normal;
    uint64_t expires_ms = 0;       // monotonic; never delivered at or after it
    uint64_t created_unix_ms = 0;  // for Last-Modified (seed 7.2)
    std::string topic;
    std::string content_type;
    std::string content_encoding;
    std::string body;
};

class Store {
  public:
    virtual ~Store() = default;

    virtual Status add_subscription(const SubscriptionRecord& record) = 0;
    virtual const SubscriptionRecord* subscription(const Token& id) = 0;
    virtual const SubscriptionRecord* subscription_by_push(const Token& push_id) = 0;
    // Removes the subscription; its messages and receipt subscriptions stay until the
    // service has removed them (it reports each one first).
    virtual void remove_subscription(const Token& id) = 0;
    virtual size_t subscription_count() = 0;

    virtual Status add_receipt_subscription(const ReceiptSubscriptionRecord& record) = 0;
    virtual const ReceiptSubscriptionRecord* receipt_subscription(const Token& id) = 0;
    virtual void remove_receipt_subscription(const Token& id) = 0;

    virtual Status add_message(MessageRecord record) = 0;
    virtual const MessageRecord* message(const Token& id) = 0;
    virtual void remove_message(const Token& id) = 0;
    // The ids of a subscription's messages, oldest first.
    virtual void messages_of(const Token& subscription, std::vector<Token>& out) = 0;
    virtual size_t message_count() = 0;
    virtual size_t message_bytes() = 0;  // body bytes stored in all
};

// The default store: hash tables in memory, sized for millions of idle subscriptions.
class MemoryStore final : public Store {
  public:
    Status add_subscription(const SubscriptionRecord& record) override;
    const SubscriptionRecord* subscription(const Token& id) override;
    const SubscriptionRecord* subscription_by_push(const Token& push_id) override;
    void remove_subscription(const Token& id) override;
    size_t subscription_count() override { return subscriptions_.size(); }

    Status add_receipt_subscription(const ReceiptSubscriptionRecord& record) override;
    const ReceiptSubscriptionRecord* receipt_subscription(const Token& id) override;
    void remove_receipt_subscription(const Token& id) override;

    Status add_message(MessageRecord record) override;
    const MessageRecord* message(const Token& id) override;
    void remove_message(const Token& id) override;
    void messages_of(const Token& subscription, std::vector<Token>& out) override;
    size_t message_count() override { return messages_.size(); }
    size_t message_bytes() override { return message_bytes_; }

  private:
    std::unordered_map<Token, SubscriptionRecord, TokenHash> subscriptions_;
    std::unordered_map<Token, Token, TokenHash> by_push_;  // push id -> subscription id
    std::unordered_map<Token, ReceiptSubscriptionRecord, TokenHash> receipt_subscriptions_;
    std::unordered_map<Token, MessageRecord, TokenHash> messages_;
    // Only subscriptions that have had messages have a queue, so idle ones cost nothing here.
    std::unordered_map<Token, std::vector<Token>, TokenHash> queues_;
    size_t message_bytes_ = 0;
};

}  // namespace pushcore::web_push
