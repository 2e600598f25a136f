// The record codec (include/pushcore/web_push/records.hpp): each record type round trips
// with every field set, times convert through the wall-clock offset, the layout is the
// documented one, and every way a record can be malformed fails with its reason and offset.
#include "pushcore/web_push/records.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

using namespace pushcore;
using namespace pushcore::web_push;

namespace {

Token token(uint8_t first) {
    Token t;
    for (size_t i = 0; i < t.size(); ++i) t[i] = static_cast<uint8_t>(first + i);
    return t;
}

MessageRecord full_message() {
    MessageRecord m;
    m.id = token(0x10);
    m.subscription = token(0x20);
    m.has_receipt = true;
    m.receipt = token(0x30);
    m.form = Form::rfc8030;
    m.urgency = Urgency::high;
    m.expires_ms = 61000;
    m.created_unix_ms = 1700000001000;
    m.topic = "upd";
    m.content_type = "application/octet-stream";
    m.content_encoding = "aes128gcm";
    m.body = std::string("\x01\x02\x00\xff", 4);
    return m;
}

std::string encoded(const MessageRecord& m, int64_t offset = 0) {
    std::string out;
    Error err;
    REQUIRE(encode_record(m, offset, out, err) == Status::ok);
    return out;
}

// Decoding `bytes` as a T fails with Status::syntax, `reason` and `offset`.
template <class T>
void fails(const std::string& bytes, const char* reason, size_t offset) {
    T out;
    Error err;
    CHECK(decode_record(bytes, 0, out, err) == Status::syntax);
    CHECK(err.status == Status::syntax);
    CHECK(std::string(err.reason) == reason);
    CHECK(err.offset == offset);
}

void check_same(const MessageRecord& a, const MessageRecord& b) {
    CHECK(a.id == b.id);
    CHECK(a.subscription == b.subscription);
    CHECK(a.has_receipt == b.has_receipt);
    CHECK(a.receipt == b.receipt);
    CHECK(a.form == b.form);
    CHECK(a.urgency == b.urgency);
    CHECK(a.expires_ms == b.expires_ms);
    CHECK(a.created_unix_ms == b.created_unix_ms);
    CHECK(a.topic == b.topic);
    CHECK(a.content_type == b.content_type);
    CHECK(a.content_encoding == b.content_encoding);
    CHECK(a.body == b.body);
}

}  // namespace

TEST_CASE("web_push records: a subscription round trips, in the documented layout") {
    SubscriptionRecord s{token(1), token(100), 0x0102030405060708};
    const std::string b = encode_record(s, 0);
    REQUIRE(b.size() == 41);
    CHECK(b[0] == 1);  // the format version
    CHECK(b.substr(1, 16) == std::string(reinterpret_cast<const char*>(s.id.data()), 16));
    CHECK(b.substr(17, 16) == std::string(reinterpret_cast<const char*>(s.push_id.data()), 16));
    CHECK(b.substr(33) == "\x08\x07\x06\x05\x04\x03\x02\x01");  // little-endian
    SubscriptionRecord back;
    Error err;
    REQUIRE(decode_record(b, 0, back, err) == Status::ok);
    CHECK(back.id == s.id);
    CHECK(back.push_id == s.push_id);
    CHECK(back.expires_ms == s.expires_ms);
    CHECK(err.status == Status::ok);
}

TEST_CASE("web_push records: a receipt subscription round trips") {
    ReceiptSubscriptionRecord r{token(7), token(9), 123456};
    const std::string b = encode_record(r, 0);
    CHECK(b.size() == 41);
    ReceiptSubscriptionRecord back;
    Error err;
    REQUIRE(decode_record(b, 0, back, err) == Status::ok);
    CHECK(back.id == r.id);
    CHECK(back.subscription == r.subscription);
    CHECK(back.expires_ms == 123456);
}

TEST_CASE("web_push records: a message round trips with every field") {
    const MessageRecord m = full_message();
    const std::string b = encoded(m);
    // 1 + 16 + 16 + flags + urgency + 8 + 8 + receipt 16, then the four length-prefixed fields.
    CHECK(b.size() == 67 + 1 + 3 + 2 + 24 + 2 + 9 + 4 + 4);
    CHECK(b[33] == 0x03);  // has_receipt | RFC 8030 form
    CHECK(b[34] == 3);     // Urgency::high
    MessageRecord back;
    Error err;
    REQUIRE(decode_record(b, 0, back, err) == Status::ok);
    check_same(back, m);

    SUBCASE("the seed's form, no receipt, empty fields") {
        MessageRecord s;
        s.id = token(0x40);
        s.subscription = token(0x50);
        s.receipt = token(0x99);  // ignored: has_receipt is false
        s.form = Form::seed_json;
        s.urgency = Urgency::very_low;
        s.expires_ms = 5;
        const std::string sb = encoded(s);
        CHECK(sb.size() == 1 + 16 + 16 + 2 + 8 + 8 + 1 + 2 + 2 + 4);  // no receipt bytes
        CHECK(sb[33] == 0);
        MessageRecord sback;
        REQUIRE(decode_record(sb, 0, sback, err) == Status::ok);
        s.receipt = Token{};  // a record without a receipt decodes with a zero one
        check_same(sback, s);
    }
    SUBCASE("a body of 0x10000 bytes and a topic of 255") {
        MessageRecord big = m;
        big.body.assign(0x10000, 'b');
        big.topic.assign(255, 't');
        MessageRecord bigback;
        REQUIRE(decode_record(encoded(big), 0, bigback, err) == Status::ok);
        check_same(bigback, big);
    }
}

TEST_CASE("web_push records: expiries are stored as Unix ms through the wall-clock offset") {
    const int64_t offset = 1700000000000;
    SubscriptionRecord s{token(1), token(2), 5000};
    const std::string b = encode_record(s, offset);
    SubscriptionRecord unix_view;
    Error err;
    REQUIRE(decode_record(b, 0, unix_view, err) == Status::ok);
    CHECK(unix_view.expires_ms == 1700000005000);

    // A process started 2 s later (its zero is 2000 ms later in Unix time) sees 3000.
    SubscriptionRecord later;
    REQUIRE(decode_record(b, offset + 2000, later, err) == Status::ok);
    CHECK(later.expires_ms == 3000);
    // One started 10 s later: the expiry lies before its zero, so it is 0 (long expired).
    REQUIRE(decode_record(b, offset + 10000, later, err) == Status::ok);
    CHECK(later.expires_ms == 0);

    // Messages: expires_ms converts, created_unix_ms is Unix already and stays as it is.
    MessageRecord m = full_message();
    MessageRecord back;
    REQUIRE(decode_record(encoded(m, offset), offset + 1000, back, err) == Status::ok);
    CHECK(back.expires_ms == m.expires_ms - 1000);
    CHECK(back.created_unix_ms == m.created_unix_ms);
    REQUIRE(decode_record(encoded(m, offset), 0, back, err) == Status::ok);
    CHECK(back.expires_ms == 1700000061000);

    // Negative offsets, and the ends of the range, saturate instead of wrapping.
    ReceiptSubscriptionRecord r{token(3), token(4), 100};
    ReceiptSubscriptionRecord rb;
    REQUIRE(decode_record(encode_record(r, -1000), 0, rb, err) == Status::ok);
    CHECK(rb.expires_ms == 0);
    REQUIRE(decode_record(encode_record(r, 0), -1000, rb, err) == Status::ok);
    CHECK(rb.expires_ms == 1100);
    r.expires_ms = std::numeric_limits<uint64_t>::max() - 5;
    REQUIRE(decode_record(encode_record(r, 10), 0, rb, err) == Status::ok);
    CHECK(rb.expires_ms == std::numeric_limits<uint64_t>::max());
    REQUIRE(decode_record(encode_record(r, 0), std::numeric_limits<int64_t>::min(), rb, err) ==
            Status::ok);
    CHECK(rb.expires_ms == std::numeric_limits<uint64_t>::max());
}

TEST_CASE("web_push records: fields too long for their length prefix are refused") {
    std::string out = "untouched";
    Error err;
    MessageRecord m = full_message();
    m.topic.assign(256, 't');
    CHECK(encode_record(m, 0, out, err) == Status::invalid_argument);
    CHECK(std::string(err.reason) == "record: topic above 255 bytes");
    m = full_message();
    m.content_type.assign(65536, 'c');
    CHECK(encode_record(m, 0, out, err) == Status::invalid_argument);
    CHECK(std::string(err.reason) == "record: content type above 65535 bytes");
    m = full_message();
    m.content_encoding.assign(65536, 'e');
    CHECK(encode_record(m, 0, out, err) == Status::invalid_argument);
    CHECK(std::string(err.reason) == "record: content encoding above 65535 bytes");
    CHECK(out == "untouched");
}

TEST_CASE("web_push records: every decode error names its reason and offset") {
    const std::string sub = encode_record(SubscriptionRecord{token(1), token(2), 3}, 0);
    const std::string msg = encoded(full_message());

    SUBCASE("truncated: at the start of the field that does not fit") {
        fails<SubscriptionRecord>("", "record: truncated", 0);
        fails<SubscriptionRecord>(sub.substr(0, 1), "record: truncated", 1);
        fails<SubscriptionRecord>(sub.substr(0, 20), "record: truncated", 17);
        fails<SubscriptionRecord>(sub.substr(0, 40), "record: truncated", 33);
        fails<ReceiptSubscriptionRecord>(sub.substr(0, 33), "record: truncated", 33);
        fails<MessageRecord>(msg.substr(0, 33), "record: truncated", 33);  // flags
        fails<MessageRecord>(msg.substr(0, 34), "record: truncated", 34);  // urgency
        fails<MessageRecord>(msg.substr(0, 40), "record: truncated", 35);  // expires
        fails<MessageRecord>(msg.substr(0, 50), "record: truncated", 43);  // created
        fails<MessageRecord>(msg.substr(0, 60), "record: truncated", 51);  // receipt
        fails<MessageRecord>(msg.substr(0, 67), "record: truncated", 67);  // topic length
        fails<MessageRecord>(msg.substr(0, 71), "record: truncated", 71);  // content type len
    }
    SUBCASE("every length of a record but its own fails") {
        for (size_t n = 0; n < msg.size(); ++n) {
            MessageRecord out;
            Error err;
            CHECK(decode_record(msg.substr(0, n), 0, out, err) == Status::syntax);
            CHECK(err.offset <= n);
        }
    }
    SUBCASE("another version") {
        std::string b = sub;
        b[0] = 2;
        fails<SubscriptionRecord>(b, "record: unknown version", 0);
        b[0] = 0;
        fails<ReceiptSubscriptionRecord>(b, "record: unknown version", 0);
        std::string m = msg;
        m[0] = static_cast<char>(0xff);
        fails<MessageRecord>(m, "record: unknown version", 0);
    }
    SUBCASE("trailing bytes") {
        fails<SubscriptionRecord>(sub + "x", "record: trailing bytes", 41);
        fails<ReceiptSubscriptionRecord>(sub + "xy", "record: trailing bytes", 41);
        fails<MessageRecord>(msg + std::string(1, '\0'), "record: trailing bytes", msg.size());
        fails<SubscriptionRecord>(msg, "record: trailing bytes", 41);
    }
    SUBCASE("flags and urgency out of range") {
        std::string m = msg;
        m[33] = 0x04;
        fails<MessageRecord>(m, "record: unknown flag bits", 33);
        m[33] = static_cast<char>(0x83);
        fails<MessageRecord>(m, "record: unknown flag bits", 33);
        m = msg;
        m[34] = 4;
        fails<MessageRecord>(m, "record: urgency above high", 34);
    }
    SUBCASE("a length beyond the input, at the length") {
        // full_message(): topic length at 67, content type's at 71, encoding's at 97,
        // body's at 108.
        REQUIRE(msg[67] == 3);
        std::string m = msg;
        m[67] = static_cast<char>(0xff);
        fails<MessageRecord>(m, "record: topic length beyond the input", 67);
        m = msg;
        m[72] = 0x7f;
        fails<MessageRecord>(m, "record: content type length beyond the input", 71);
        m = msg;
        m[97] = 0x7f;
        fails<MessageRecord>(m, "record: content encoding length beyond the input", 97);
        m = msg;
        m[111] = 0x01;  // the body length's high byte: 16 MiB more than there is
        fails<MessageRecord>(m, "record: body length beyond the input", 108);
        m = msg;
        m[108] = 3;  // a shorter body: the rest is trailing
        fails<MessageRecord>(m, "record: trailing bytes", msg.size() - 1);
    }
    SUBCASE("a failed decode leaves the output as it was") {
        SubscriptionRecord out{token(9), token(9), 9};
        Error err;
        CHECK(decode_record(sub.substr(0, 30), 0, out, err) == Status::syntax);
        CHECK(out.id == token(9));
        CHECK(out.expires_ms == 9);
    }
}
