// The in-memory store on its own: lookups, message order per subscription, counts, and
// that nothing is left behind when messages and subscriptions go.
#include <doctest/doctest.h>

#include "pushcore/web_push/store.hpp"

using namespace pushcore;
using namespace pushcore::web_push;

namespace {
Token token(uint8_t n) {
    Token t{};
    t[0] = n;
    return t;
}
MessageRecord message(uint8_t id, uint8_t sub, std::string body) {
    MessageRecord m;
    m.id = token(id);
    m.subscription = token(sub);
    m.body = std::move(body);
    return m;
}
}  // namespace

TEST_CASE("web_push memory store: subscriptions by id and by push resource") {
    MemoryStore store;
    CHECK(store.add_subscription({token(1), token(2), 100}) == Status::ok);
    CHECK(store.add_subscription({token(1), token(3), 100}) == Status::already_exists);
    CHECK(store.add_subscription({token(4), token(2), 100}) == Status::already_exists);
    REQUIRE(store.subscription(token(1)));
    CHECK(store.subscription_by_push(token(2))->id == token(1));
    CHECK(!store.subscription_by_push(token(1)));
    CHECK(store.subscription_count() == 1);
    store.remove_subscription(token(1));
    CHECK(!store.subscription(token(1)));
    CHECK(!store.subscription_by_push(token(2)));
    CHECK(store.subscription_count() == 0);
}

TEST_CASE("web_push memory store: messages oldest first, counted, and removed cleanly") {
    MemoryStore store;
    REQUIRE(store.add_subscription({token(1), token(2), 100}) == Status::ok);
    CHECK(store.add_message(message(10, 1, "aaa")) == Status::ok);
    CHECK(store.add_message(message(11, 1, "bb")) == Status::ok);
    CHECK(store.add_message(message(10, 1, "dup")) == Status::already_exists);
    std::vector<Token> ids;
    store.messages_of(token(1), ids);
    CHECK(ids == std::vector<Token>{token(10), token(11)});
    CHECK(store.message_count() == 2);
    CHECK(store.message_bytes() == 5);
    store.remove_message(token(10));
    store.messages_of(token(1), ids);
    CHECK(ids == std::vector<Token>{token(11)});
    CHECK(store.message_bytes() == 2);
    // A subscription removed while a message is still stored: the message goes later, and
    // then nothing of either is left.
    store.remove_subscription(token(1));
    store.remove_message(token(11));
    store.messages_of(token(1), ids);
    CHECK(ids.empty());
    CHECK(store.message_count() == 0);
    CHECK(store.message_bytes() == 0);
    // The same subscription id again starts with an empty queue.
    REQUIRE(store.add_subscription({token(1), token(2), 100}) == Status::ok);
    store.messages_of(token(1), ids);
    CHECK(ids.empty());
}

TEST_CASE("web_push memory store: receipt subscriptions") {
    MemoryStore store;
    CHECK(store.add_receipt_subscription({token(5), token(1), 100}) == Status::ok);
    CHECK(store.add_receipt_subscription({token(5), token(1), 100}) == Status::already_exists);
    REQUIRE(store.receipt_subscription(token(5)));
    CHECK(store.receipt_subscription(token(5))->subscription == token(1));
    store.remove_receipt_subscription(token(5));
    CHECK(!store.receipt_subscription(token(5)));
}
