// The record codec of include/pushcore/web_push/records.hpp. Decoding reads bytes the host
// handed back, which may be anything: every read is checked against the end first.
#include "pushcore/web_push/records.hpp"

#include <limits>

namespace pushcore::web_push {

namespace {

constexpr uint8_t kHasReceipt = 0x01;
constexpr uint8_t kFormRfc8030 = 0x02;
constexpr uint64_t kMaxU64 = std::numeric_limits<uint64_t>::max();

// |x| without overflow, also for INT64_MIN.
uint64_t magnitude(int64_t x) {
    return x >= 0 ? static_cast<uint64_t>(x) : static_cast<uint64_t>(-(x + 1)) + 1;
}

uint64_t plus(uint64_t v, uint64_t d) {
    return v > kMaxU64 - d ? kMaxU64 : v + d;
}

uint64_t minus(uint64_t v, uint64_t d) {
    return v < d ? 0 : v - d;
}

uint64_t to_unix(uint64_t ms, int64_t offset) {
    return offset >= 0 ? plus(ms, magnitude(offset)) : minus(ms, magnitude(offset));
}

uint64_t from_unix(uint64_t unix_ms, int64_t offset) {
    return offset >= 0 ? minus(unix_ms, magnitude(offset)) : plus(unix_ms, magnitude(offset));
}

template <class T>
void put_uint(std::string& out, T v) {
    for (size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void put_token(std::string& out, const Token& t) {
    out.append(reinterpret_cast<const char*>(t.data()), t.size());
}

// Reads fields front to back; the first failure is recorded in err and ends the record.
class Reader {
  public:
    Reader(std::string_view bytes, Error& err) : b_(bytes), err_(err) {}

    template <class T>
    bool uint(T& v) {
        if (!need(sizeof(T))) return false;
        v = 0;
        for (size_t i = 0; i < sizeof(T); ++i)
            v = static_cast<T>(v | static_cast<T>(static_cast<T>(byte(pos_ + i)) << (8 * i)));
        pos_ += sizeof(T);
        return true;
    }

    bool token(Token& t) {
        if (!need(t.size())) return false;
        for (size_t i = 0; i < t.size(); ++i) t[i] = byte(pos_ + i);
        pos_ += t.size();
        return true;
    }

    // A field of the length its prefix (T) gives.
    template <class T>
    bool text(std::string& s, const char* beyond) {
        const size_t at = pos_;
        T len = 0;
        if (!uint(len)) return false;
        if (len > b_.size() - pos_) return fail(beyond, at);
        s.assign(b_.substr(pos_, len));
        pos_ += len;
        return true;
    }

    bool version() {
        uint8_t v = 0;
        if (!uint(v)) return false;
        return v == kRecordVersion || fail("record: unknown version", 0);
    }

    bool end() { return pos_ == b_.size() || fail("record: trailing bytes", pos_); }

    bool fail(const char* why, size_t at) {
        err_.fail(Status::syntax, why, at);
        return false;
    }

    size_t pos() const { return pos_; }

  private:
    bool need(size_t n) { return n <= b_.size() - pos_ || fail("record: truncated", pos_); }
    uint8_t byte(size_t i) const { return static_cast<uint8_t>(b_[i]); }

    std::string_view b_;
    Error& err_;
    size_t pos_ = 0;
};

// The two subscription records share their shape: id, another token, expiry.
Status decode_pair(std::string_view bytes, int64_t offset, Token& id, Token& other,
                   uint64_t& expires_ms, Error& err) {
    Reader r(bytes, err);
    uint64_t unix_ms = 0;
    if (!r.version() || !r.token(id) || !r.token(other) || !r.uint(unix_ms) || !r.end())
        return err.status;
    expires_ms = from_unix(unix_ms, offset);
    return Status::ok;
}

std::string encode_pair(const Token& id, const Token& other, uint64_t expires_ms, int64_t offset) {
    std::string out;
    out.reserve(1 + 16 + 16 + 8);
    out.push_back(static_cast<char>(kRecordVersion));
    put_token(out, id);
    put_token(out, other);
    put_uint(out, to_unix(expires_ms, offset));
    return out;
}

}  // namespace

std::string encode_record(const SubscriptionRecord& record, int64_t wall_clock_offset_ms) {
    return encode_pair(record.id, record.push_id, record.expires_ms, wall_clock_offset_ms);
}

std::string encode_record(const ReceiptSubscriptionRecord& record, int64_t wall_clock_offset_ms) {
    return encode_pair(record.id, record.subscription, record.expires_ms, wall_clock_offset_ms);
}

Status encode_record(const MessageRecord& m, int64_t wall_clock_offset_ms, std::string& out,
                     Error& err) {
    if (m.topic.size() > std::numeric_limits<uint8_t>::max())
        return err.fail(Status::invalid_argument, "record: topic above 255 bytes", 0);
    if (m.content_type.size() > std::numeric_limits<uint16_t>::max())
        return err.fail(Status::invalid_argument, "record: content type above 65535 bytes", 0);
    if (m.content_encoding.size() > std::numeric_limits<uint16_t>::max())
        return err.fail(Status::invalid_argument, "record: content encoding above 65535 bytes", 0);
    if (m.body.size() > std::numeric_limits<uint32_t>::max())
        return err.fail(Status::invalid_argument, "record: body of 4 GiB or more", 0);
    std::string b;
    b.reserve(1 + 16 + 16 + 2 + 8 + 8 + 16 + 1 + 2 + 2 + 4 + m.topic.size() +
              m.content_type.size() + m.content_encoding.size() + m.body.size());
    b.push_back(static_cast<char>(kRecordVersion));
    put_token(b, m.id);
    put_token(b, m.subscription);
    const uint8_t flags = static_cast<uint8_t>((m.has_receipt ? kHasReceipt : 0) |
                                               (m.form == Form::rfc8030 ? kFormRfc8030 : 0));
    b.push_back(static_cast<char>(flags));
    b.push_back(static_cast<char>(m.urgency));
    put_uint(b, to_unix(m.expires_ms, wall_clock_offset_ms));
    put_uint(b, m.created_unix_ms);
    if (m.has_receipt) put_token(b, m.receipt);  // absent otherwise: one encoding per record
    put_uint(b, static_cast<uint8_t>(m.topic.size()));
    b += m.topic;
    put_uint(b, static_cast<uint16_t>(m.content_type.size()));
    b += m.content_type;
    put_uint(b, static_cast<uint16_t>(m.content_encoding.size()));
    b += m.content_encoding;
    put_uint(b, static_cast<uint32_t>(m.body.size()));
    b += m.body;
    out = std::move(b);
    return Status::ok;
}

Status decode_record(std::string_view bytes, int64_t wall_clock_offset_ms, SubscriptionRecord& out,
                     Error& err) {
    SubscriptionRecord r;
    if (decode_pair(bytes, wall_clock_offset_ms, r.id, r.push_id, r.expires_ms, err) != Status::ok)
        return err.status;
    out = r;
    return Status::ok;
}

Status decode_record(std::string_view bytes, int64_t wall_clock_offset_ms,
                     ReceiptSubscriptionRecord& out, Error& err) {
    ReceiptSubscriptionRecord r;
    if (decode_pair(bytes, wall_clock_offset_ms, r.id, r.subscription, r.expires_ms, err) !=
        Status::ok)
        return err.status;
    out = r;
    return Status::ok;
}

Status decode_record(std::string_view bytes, int64_t wall_clock_offset_ms, MessageRecord& out,
                     Error& err) {
    Reader r(bytes, err);
    MessageRecord m;
    uint8_t flags = 0, urgency = 0;
    uint64_t unix_ms = 0;
    if (!r.version() || !r.token(m.id) || !r.token(m.subscription)) return err.status;
    const size_t flags_at = r.pos();
    if (!r.uint(flags)) return err.status;
    if (flags & ~(kHasReceipt | kFormRfc8030)) {
        r.fail("record: unknown flag bits", flags_at);
        return err.status;
    }
    if (!r.uint(urgency)) return err.status;
    if (urgency > static_cast<uint8_t>(Urgency::high)) {
        r.fail("record: urgency above high", flags_at + 1);
        return err.status;
    }
    if (!r.uint(unix_ms) || !r.uint(m.created_unix_ms)) return err.status;
    m.has_receipt = flags & kHasReceipt;
    m.receipt = Token{};
    if (m.has_receipt && !r.token(m.receipt)) return err.status;
    if (!r.text<uint8_t>(m.topic, "record: topic length beyond the input") ||
        !r.text<uint16_t>(m.content_type, "record: content type length beyond the input") ||
        !r.text<uint16_t>(m.content_encoding, "record: content encoding length beyond the input") ||
        !r.text<uint32_t>(m.body, "record: body length beyond the input") || !r.end())
        return err.status;
    m.form = flags & kFormRfc8030 ? Form::rfc8030 : Form::seed_json;
    m.urgency = static_cast<Urgency>(urgency);
    m.expires_ms = from_unix(unix_ms, wall_clock_offset_ms);
    out = std::move(m);
    return Status::ok;
}

}  // namespace pushcore::web_push
