#include <algorithm>

#include "pushcore/web_push/store.hpp"

namespace pushcore::web_push {

Status MemoryStore::add_subscription(const SubscriptionRecord& record) {
    if (subscriptions_.count(record.id) || by_push_.count(record.push_id))
        return Status::already_exists;
    subscriptions_.emplace(record.id, record);
    by_push_.emplace(record.push_id, record.id);
    return Status::ok;
}

const SubscriptionRecord* MemoryStore::subscription(const Token& id) {
    auto it = subscriptions_.find(id);
    return it == subscriptions_.end() ? nullptr : &it->second;
}

const SubscriptionRecord* MemoryStore::subscription_by_push(const Token& push_id) {
    auto it = by_push_.find(push_id);
    return it == by_push_.end() ? nullptr : subscription(it->second);
}

void MemoryStore::remove_subscription(const Token& id) {
    auto it = subscriptions_.find(id);
    if (it == subscriptions_.end()) return;
    by_push_.erase(it->second.push_id);
    auto q = queues_.find(id);
    if (q != queues_.end() && q->second.empty()) queues_.erase(q);  // messages go first
    subscriptions_.erase(it);
}

Status MemoryStore::add_receipt_subscription(const ReceiptSubscriptionRecord& record) {
    return receipt_subscriptions_.emplace(record.id, record).second ? Status::ok
                                                                    : Status::already_exists;
}

const ReceiptSubscriptionRecord* MemoryStore::receipt_subscription(const Token& id) {
    auto it = receipt_subscriptions_.find(id);
    return it == receipt_subscriptions_.end() ? nullptr : &it->second;
}

void MemoryStore::remove_receipt_subscription(const Token& id) {
    receipt_subscriptions_.erase(id);
}

Status MemoryStore::add_message(MessageRecord record) {
    if (messages_.count(record.id)) return Status::already_exists;
    queues_[record.subscription].push_back(record.id);
    message_bytes_ += record.body.size();
    const Token id = record.id;
    messages_.emplace(id, std::move(record));
    return Status::ok;
}

const MessageRecord* MemoryStore::message(const Token& id) {
    auto it = messages_.find(id);
    return it == messages_.end() ? nullptr : &it->second;
}

void MemoryStore::remove_message(const Token& id) {
    auto it = messages_.find(id);
    if (it == messages_.end()) return;
    // An emptied queue stays until its subscription goes: a subscription that gets
    // messages usually gets more, and this saves two allocations per message.
    auto q = queues_.find(it->second.subscription);
    if (q != queues_.end()) {
        q->second.erase(std::remove(q->second.begin(), q->second.end(), id), q->second.end());
        if (q->second.empty() && !subscriptions_.count(q->first)) queues_.erase(q);
    }
    message_bytes_ -= it->second.body.size();
    messages_.erase(it);
}

void MemoryStore::messages_of(const Token& subscription, std::vector<Token>& out) {
    out.clear();
    auto q = queues_.find(subscription);
    if (q != queues_.end()) out = q->second;
}

}  // namespace pushcore::web_push
