// The seed's JSON push message request (draft-damaggio-webpush-http2-00 section 5, Table 1)
// read with RapidJSON's SAX reader: iterative (the call stack does not grow with the
// nesting), encoding validated, the whole body one value. The handler below checks the
// members as they arrive, refuses duplicate names at every level, and copies the
// "message" object compactly through a rapidjson::Writer. Numbers stay in their source
// text (kParseNumbersAsStringsFlag), so the message is forwarded digit for digit and
// time_to_live is rounded exactly.
#include "pushcore/web_push/message_body.hpp"

// RapidJSON 1.1.0 (Debian 12's) computes `stackTop_ + n` on a stack not yet allocated, a
// null pointer, in internal::Stack::Reserve (Tencent/rapidjson#1724, fixed upstream after
// the release). clang's UBSan rightly reports it on the first string or container; only
// RapidJSON's own functions are exempted from that one check.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((no_sanitize("pointer-overflow"))), apply_to = function)
#endif
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#if defined(__clang__)
#pragma clang attribute pop
#endif

#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace pushcore::web_push {

namespace {

constexpr uint32_t kMaxTtl = 2147483647u;  // 2^31-1

// RapidJSON's input stream concept over a view. At the end Peek() gives '\0', which
// RapidJSON takes for the end of input; so does an embedded NUL, hence the caller's check
// that the whole body was read.
class ViewStream {
  public:
    using Ch = char;
    explicit ViewStream(std::string_view s) noexcept
        : begin_(s.data()), cur_(s.data()), end_(s.data() + s.size()) {}
    Ch Peek() const noexcept { return cur_ != end_ ? *cur_ : '\0'; }
    Ch Take() noexcept { return cur_ != end_ ? *cur_++ : '\0'; }
    size_t Tell() const noexcept { return static_cast<size_t>(cur_ - begin_); }
    // The write half of the concept: used only by in-situ parsing, which this is not.
    Ch* PutBegin() noexcept { return nullptr; }
    void Put(Ch) noexcept {}
    void Flush() noexcept {}
    size_t PutEnd(Ch*) noexcept { return 0; }

  private:
    const char* begin_;
    const char* cur_;
    const char* end_;
};

bool is_json_ws(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

// floor() of a JSON number (RFC 8259 6, already validated by the reader) given as text,
// saturated at 2^31-1, computed on the decimal digits so no rounding can creep in. False
// when the number is below zero ("-0" and "-0.0" are zero).
bool ttl_from_number(std::string_view num, uint32_t& out) noexcept {
    size_t i = 0;
    bool minus = i < num.size() && num[i] == '-';
    if (minus) ++i;
    size_t int_begin = i;
    while (i < num.size() && is_digit(num[i])) ++i;
    std::string_view int_part = num.substr(int_begin, i - int_begin);
    std::string_view frac_part;
    if (i < num.size() && num[i] == '.') {
        size_t frac_begin = ++i;
        while (i < num.size() && is_digit(num[i])) ++i;
        frac_part = num.substr(frac_begin, i - frac_begin);
    }
    int64_t exp = 0;
    if (i < num.size() && (num[i] == 'e' || num[i] == 'E')) {
        ++i;
        bool exp_minus = false;
        if (i < num.size() && (num[i] == '+' || num[i] == '-')) exp_minus = num[i++] == '-';
        for (; i < num.size() && is_digit(num[i]); ++i)
            if (exp < 1000000000) exp = exp * 10 + (num[i] - '0');
        if (exp_minus) exp = -exp;
    }
    // The significand's digits are int_part then frac_part; the integer part of the value
    // is its first `point` digits, padded with zeros when point is past the end.
    auto digit = [&](int64_t k) -> int {
        auto u = static_cast<size_t>(k);
        if (u < int_part.size()) return int_part[u] - '0';
        u -= int_part.size();
        return u < frac_part.size() ? frac_part[u] - '0' : 0;
    };
    const auto ndigits = static_cast<int64_t>(int_part.size() + frac_part.size());
    bool nonzero = false;
    for (int64_t k = 0; k < ndigits && !nonzero; ++k) nonzero = digit(k) != 0;
    if (!nonzero) {
        out = 0;
        return true;
    }
    if (minus) return false;
    const int64_t point = static_cast<int64_t>(int_part.size()) + exp;
    uint64_t v = 0;
    // Leading zeros are at most ndigits long, after them 10 digits exceed 2^31-1: the loop
    // is short however large `point` is.
    for (int64_t k = 0; k < point; ++k) {
        v = v * 10 + static_cast<uint64_t>(digit(k));
        if (v > kMaxTtl) {
            v = kMaxTtl;
            break;
        }
    }
    out = static_cast<uint32_t>(v);
    return true;
}

// True when a decoded string holds a UTF-16 surrogate (U+D800-DFFF, as UTF-8 ED A0-BF ..).
// The raw bytes were validated as UTF-8, so one can only come from an escape: RapidJSON
// 1.1.0 pairs a high surrogate escape or fails, but lets a lone low one ("\uDC00")
// through and writes it out as ill-formed UTF-8 (RFC 3629 3), which the message must not
// carry on.
bool has_surrogate(const char* s, size_t len) noexcept {
    for (size_t i = 0; i + 1 < len; ++i)
        if (static_cast<unsigned char>(s[i]) == 0xed &&
            static_cast<unsigned char>(s[i + 1]) >= 0xa0)
            return true;
    return false;
}

enum class Member { other, message, request_receipt, time_to_live };
enum class Kind { null, boolean, number, string, object, array };

// SAX handler: the checks of Table 1, the depth limit, duplicate names, and the copy of
// "message". A false return stops the reader with kParseErrorTermination; `err` then
// holds the reason.
class Handler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Handler> {
  public:
    Handler(std::string_view body, const ViewStream& in, unsigned max_depth, JsonMessage& out,
            Error& err)
        : body_(body), in_(in), max_depth_(max_depth), out_(out), err_(err), writer_(buffer_) {}

    bool failed() const noexcept { return failed_; }

    bool Null() { return value(Kind::null) && (!capturing_ || writer_.Null()); }

    bool Bool(bool b) {
        if (!value(Kind::boolean)) return false;
        if (depth_ == 1 && member_ == Member::request_receipt) out_.request_receipt = b;
        return !capturing_ || writer_.Bool(b);
    }

    bool RawNumber(const char* str, rapidjson::SizeType len, bool) {
        if (!value(Kind::number)) return false;
        if (depth_ == 1 && member_ == Member::time_to_live) {
            if (!ttl_from_number(std::string_view(str, len), out_.ttl_seconds))
                return fail("JSON: time_to_live negative", member_offset_);
            out_.has_ttl = true;
        }
        return !capturing_ || writer_.RawValue(str, len, rapidjson::kNumberType);
    }

    bool String(const char* str, rapidjson::SizeType len, bool) {
        if (!value(Kind::string)) return false;
        if (has_surrogate(str, len)) return fail("JSON: lone surrogate escape", string_start());
        return !capturing_ || writer_.String(str, len);
    }

    bool StartObject() {
        if (!value(Kind::object) || !enter()) return false;
        return !capturing_ || writer_.StartObject();
    }

    bool Key(const char* str, rapidjson::SizeType len, bool) {
        if (has_surrogate(str, len)) return fail("JSON: lone surrogate escape", string_start());
        std::string name(str, len);
        // RFC 8259 4: names SHOULD be unique; RapidJSON keeps both, so this is the check.
        if (!keys_.back().insert(name).second)
            return fail("JSON: duplicate member", string_start());
        if (depth_ == 1) {
            member_offset_ = string_start();
            if (name == "message")
                member_ = Member::message;
            else if (name == "request_receipt")
                member_ = Member::request_receipt;
            else if (name == "time_to_live")
                member_ = Member::time_to_live;
            else
                member_ = Member::other;  // unknown members are ignored
        }
        return !capturing_ || writer_.Key(str, len);
    }

    bool EndObject(rapidjson::SizeType) {
        if (capturing_ && !writer_.EndObject()) return false;
        leave();
        if (capturing_ && depth_ == 1) {
            out_.message.assign(buffer_.GetString(), buffer_.GetSize());
            capturing_ = false;
        }
        return true;
    }

    bool StartArray() {
        if (!value(Kind::array) || !enter()) return false;
        return !capturing_ || writer_.StartArray();
    }

    bool EndArray(rapidjson::SizeType) {
        if (capturing_ && !writer_.EndArray()) return false;
        leave();
        return true;
    }

    // Int, Uint, Double...: numbers arrive as RawNumber under kParseNumbersAsStringsFlag.
    bool Default() { return fail("JSON: unexpected number event", in_.Tell()); }

  private:
    bool fail(const char* reason, size_t offset) {
        failed_ = true;
        err_.fail(Status::bad_json, reason, offset);
        return false;
    }

    // Start of the string (a member name or a value) just read: the reader stands after its
    // closing quote. The opening quote is the nearest DQUOTE before that not escaped, i.e.
    // not preceded by an odd run of backslashes.
    size_t string_start() const {
        size_t end = in_.Tell();
        if (end < 2) return end;
        for (size_t q = end - 1; q-- > 0;) {
            if (body_[q] != '"') continue;
            size_t slashes = 0;
            while (slashes < q && body_[q - 1 - slashes] == '\\') ++slashes;
            if (slashes % 2 == 0) return q;
        }
        return end;
    }

    // Every value, before it is taken: the top level must be an object (seed 5, Table 1),
    // and the members of Table 1 must have their types.
    bool value(Kind kind) {
        if (depth_ == 0) {
            if (kind == Kind::object) return true;
            size_t at = 0;
            while (at < body_.size() && is_json_ws(body_[at])) ++at;
            return fail("JSON: not an object", at);
        }
        if (depth_ != 1) return true;
        switch (member_) {
            case Member::message:
                if (kind != Kind::object)
                    return fail("JSON: message not an object", member_offset_);
                out_.has_message = true;
                capturing_ = true;
                return true;
            case Member::request_receipt:
                if (kind != Kind::boolean)
                    return fail("JSON: request_receipt not a boolean", member_offset_);
                return true;
            case Member::time_to_live:
                if (kind != Kind::number)
                    return fail("JSON: time_to_live not a number", member_offset_);
                return true;
            case Member::other:
                return true;
        }
        return true;
    }

    // An object or array opens: the iterative reader calls before it takes the bracket,
    // so the stream stands on it.
    bool enter() {
        if (depth_ >= max_depth_) return fail("JSON: too deep", in_.Tell());
        ++depth_;
        keys_.emplace_back();
        return true;
    }

    void leave() {
        keys_.pop_back();
        --depth_;
    }

    std::string_view body_;
    const ViewStream& in_;
    unsigned max_depth_;
    JsonMessage& out_;
    Error& err_;
    bool failed_ = false;
    unsigned depth_ = 0;
    // Names seen in each open container (arrays keep an empty set, so the stack lines up
    // with the depth).
    std::vector<std::unordered_set<std::string>> keys_;
    Member member_ = Member::other;
    size_t member_offset_ = 0;
    bool capturing_ = false;
    rapidjson::StringBuffer buffer_;
    rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

const char* reason_of(rapidjson::ParseErrorCode code) noexcept {
    switch (code) {
        case rapidjson::kParseErrorDocumentEmpty:
            return "JSON: empty document";
        case rapidjson::kParseErrorDocumentRootNotSingular:
            return "JSON: trailing characters";
        case rapidjson::kParseErrorStringInvalidEncoding:
            return "JSON: invalid UTF-8";
        case rapidjson::kParseErrorNumberTooBig:
            return "JSON: number too big";
        default:
            return "JSON: syntax";
    }
}

}  // namespace

Status parse_json_message(std::string_view body, JsonMessage& out, Error& err, unsigned max_depth) {
    // Seed 5: "A push server MUST return a 400 (Bad Request) status code in response to a
    // POST request that contains malformed JSON in the body."
    JsonMessage msg;
    ViewStream in(body);
    Handler handler(body, in, max_depth, msg, err);
    rapidjson::Reader reader;
    constexpr unsigned kFlags = rapidjson::kParseIterativeFlag |
                                rapidjson::kParseValidateEncodingFlag |
                                rapidjson::kParseNumbersAsStringsFlag;
    rapidjson::ParseResult result = reader.Parse<kFlags>(in, handler);
    if (result.IsError()) {
        if (handler.failed()) return err.status;
        return err.fail(Status::bad_json, reason_of(result.Code()), result.Offset());
    }
    // RapidJSON stops at a NUL byte as at the end: whatever follows is trailing garbage.
    if (in.Tell() != body.size())
        return err.fail(Status::bad_json, "JSON: trailing characters", in.Tell());
    out = std::move(msg);
    return Status::ok;
}

}  // namespace pushcore::web_push
