// Fuzz target: ua-profile NOTIFY bodies (draft-ietf-sipping-config-framework-08 7.5; RFC
// 4483, RFC 2046 5.1). The first byte chooses the Content-Type:
//   0: multipart/mixed;boundary=b                        the rest is the body
//   1: the first line of the rest (any media type, e.g. message/external-body with its
//      parameters, which a fixed value could not vary), the other lines the body
//   2: application/url                                   the rest is the body
//   3: message/external-body with fixed parameters       the rest is the body
// What is accepted must point into the input, keep to the limits, and come back with the
// same fields when it is built again (with a boundary choose_boundary picks) and reparsed.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "checks.hpp"
#include "pushcore/ua_profile/content_indirection.hpp"

using namespace pushcore;
using namespace pushcore::ua_profile;

namespace {

using fuzz::inside;

bool in_input(std::string_view v, std::string_view a, std::string_view b) {
    return inside(v, a) || inside(v, b);
}

bool same(const IndirectProfile& a, const IndirectProfile& b) {
    return a.url == b.url && a.content_type == b.content_type && a.content_id == b.content_id &&
           a.expiration == b.expiration && a.size == b.size && a.hash == b.hash;
}

bool same(const BodyPart& a, const BodyPart& b) {
    if (a.kind != b.kind) return false;
    if (a.kind == PartKind::indirect) return same(a.indirect, b.indirect);
    return a.inline_body.content_type == b.inline_body.content_type &&
           a.inline_body.content_id == b.inline_body.content_id &&
           a.inline_body.body == b.inline_body.body;
}

void reparse(std::string_view type, std::string_view body, const std::vector<BodyPart>& want) {
    std::vector<BodyPart> again;
    Error err;
    BodyLimits roomy;  // rebuilt headers are longer (the draft's folded layout)
    roomy.max_header_bytes = 1 << 20;
    if (parse_notify_body(type, body, again, err, roomy) != Status::ok) abort();
    if (again.size() != want.size()) abort();
    for (size_t k = 0; k < want.size(); ++k)
        if (!same(again[k], want[k])) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string_view rest = input.substr(1);
    std::string_view type, body = rest;
    switch (data[0] % 4) {
        case 0:
            type = "multipart/mixed;boundary=b";
            break;
        case 1: {
            size_t nl = rest.find('\n');
            type = rest.substr(0, nl);
            body = nl == std::string_view::npos ? rest.substr(rest.size()) : rest.substr(nl + 1);
            break;
        }
        case 2:
            type = "application/url";
            break;
        default:
            type = "message/external-body;access-type=\"URL\";URL=\"http://p.example/x\"";
            break;
    }

    BodyLimits limits;
    limits.max_parts = 8;
    limits.max_header_bytes = 512;
    std::vector<BodyPart> parts;
    Error err;
    BodyForm form = BodyForm::multipart;
    Status s = parse_notify_body(type, body, parts, err, limits, &form);
    if (s != Status::ok) {
        if (err.status != s) abort();
        if (err.offset > type.size() && err.offset > body.size()) abort();
        return 0;
    }
    if (parts.empty() || parts.size() > limits.max_parts) abort();
    for (const BodyPart& p : parts) {
        if (p.offset > body.size()) abort();
        const IndirectProfile& i = p.indirect;
        const InlineBody& b = p.inline_body;
        for (std::string_view v : {i.url, i.content_type, i.content_id, i.expiration, i.hash,
                                   i.access_type, b.content_type, b.content_id, b.body})
            if (!in_input(v, input, type)) abort();
        if (p.kind == PartKind::indirect) {
            if (i.url.empty()) abort();
            if (!i.hash.empty() && i.hash.size() != 40) abort();
        }
    }

    // Built again and parsed back: the same fields.
    std::string out_type, out_body;
    switch (form) {
        case BodyForm::multipart:
        case BodyForm::inline_body: {
            std::string boundary = choose_boundary(input, parts);
            append_multipart_type(out_type, boundary);
            if (append_multipart(out_body, boundary, parts) != Status::ok) abort();
            break;
        }
        case BodyForm::external_body:
            if (append_external_body_type(out_type, parts[0].indirect) != Status::ok ||
                append_external_body(out_body, parts[0].indirect) != Status::ok)
                abort();
            break;
        case BodyForm::url:
            out_type = "application/url";
            if (append_url_body(out_body, parts[0].indirect.url) != Status::ok) abort();
            break;
    }
    reparse(out_type, out_body, parts);
    return 0;
}
