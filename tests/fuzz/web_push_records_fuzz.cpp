// Fuzz target: decode_record of include/pushcore/web_push/records.hpp, the parser of the
// bytes a host's store hands back. The first input byte chooses the record type (mod 3:
// subscription, receipt subscription, message), the rest is the record. A record that
// decodes encodes back to the very same bytes (one encoding per record); one that does not
// fails with Status::syntax, a "record: " reason and an offset inside the input.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "pushcore/web_push/records.hpp"

using namespace pushcore;
using namespace pushcore::web_push;

namespace {

int refused(const Error& err, std::string_view bytes) {
    if (err.status != Status::syntax || err.reason == nullptr ||
        std::strncmp(err.reason, "record: ", 8) != 0 || err.offset > bytes.size())
        abort();
    return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    Error err;
    std::string again;
    switch (data[0] % 3) {
        case 0: {
            SubscriptionRecord r;
            if (decode_record(bytes, 0, r, err) != Status::ok) return refused(err, bytes);
            again = encode_record(r, 0);
            break;
        }
        case 1: {
            ReceiptSubscriptionRecord r;
            if (decode_record(bytes, 0, r, err) != Status::ok) return refused(err, bytes);
            again = encode_record(r, 0);
            break;
        }
        default: {
            MessageRecord m;
            if (decode_record(bytes, 0, m, err) != Status::ok) return refused(err, bytes);
            if (m.form != Form::seed_json && m.form != Form::rfc8030) abort();
            if (m.urgency > Urgency::high) abort();
            if (!m.has_receipt && m.receipt != Token{}) abort();
            Error encode_err;
            if (encode_record(m, 0, again, encode_err) != Status::ok) abort();
            break;
        }
    }
    if (again != bytes) abort();
    return 0;
}
