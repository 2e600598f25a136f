// Fuzz target: the device identifier of a ua-profile SUBSCRIBE Request-URI
// (draft-ietf-sipping-config-framework-08 7.13.1, RFC 6080). The input is read as a user
// part (parse_device_user) and as a whole Request-URI (parse_device_request_uri). What is
// accepted must be canonical ("MAC:" + 12 upper-case hex, or a lower-case urn:uuid:
// 8-4-4-4-12), must be written back by append_device_user in the draft's escaped form,
// which parses to the same identifier, and must survive build_device_uri in both forms.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pushcore/ua_profile/device_id.hpp"

using namespace pushcore;
using namespace pushcore::ua_profile;

namespace {

bool upper_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}
bool lower_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// The canonical forms, spelled out here rather than through is_canonical().
bool canonical_form(const DeviceId& id) {
    const std::string& c = id.canonical;
    if (id.kind == DeviceIdKind::mac) {
        if (c.size() != 16 || c.compare(0, 4, "MAC:") != 0) return false;
        for (size_t k = 4; k < 16; ++k)
            if (!upper_hex(c[k])) return false;
        return true;
    }
    if (c.size() != 45 || c.compare(0, 9, "urn:uuid:") != 0) return false;
    for (size_t k = 9; k < 45; ++k) {
        bool dash = k == 17 || k == 22 || k == 27 || k == 32;
        if (dash ? c[k] != '-' : !lower_hex(c[k])) return false;
    }
    return true;
}

void check_accepted(const DeviceId& id) {
    if (!canonical_form(id) || !is_canonical(id)) abort();

    std::string user;
    append_device_user(user, id);
    DeviceId again;
    Error err;
    bool deployed = true;
    if (parse_device_user(user, again, err, &deployed) != Status::ok) abort();
    if (again != id || deployed) abort();
    std::string user_again;
    append_device_user(user_again, again);
    if (user_again != user) abort();

    for (Form form : {Form::draft08, Form::rfc6080}) {
        std::string uri;
        if (build_device_uri(id, "pds.example.com", uri, err, form) != Status::ok) abort();
        DeviceId from_uri;
        std::string_view host;
        if (parse_device_request_uri(uri, from_uri, err, &deployed, &host) != Status::ok) abort();
        DeviceId expected;
        if (device_id_for(id, form, expected, err) != Status::ok) abort();
        if (from_uri != expected || deployed || host != "pds.example.com") abort();
        if (form == Form::rfc6080 && from_uri.kind != DeviceIdKind::uuid) abort();
    }
}

void check_failed(const Error& err, std::string_view input) {
    if (err.status == Status::ok || err.offset > input.size() || err.reason == nullptr ||
        err.reason[0] == '\0')
        abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);

    DeviceId id;
    Error err;
    bool deployed = false;
    if (parse_device_user(text, id, err, &deployed) == Status::ok) {
        check_accepted(id);
    } else {
        check_failed(err, text);
    }

    DeviceId from_uri;
    Error uri_err;
    std::string_view host;
    if (parse_device_request_uri(text, from_uri, uri_err, &deployed, &host) == Status::ok) {
        check_accepted(from_uri);
        auto h = reinterpret_cast<uintptr_t>(host.data());
        auto t = reinterpret_cast<uintptr_t>(text.data());
        if (host.empty() || h < t || h + host.size() > t + text.size()) abort();
    } else {
        check_failed(uri_err, text);
    }

    // The same bytes as an unescaped identifier (configuration input).
    DeviceId plain;
    Error plain_err;
    if (parse_device_id(text, plain, plain_err) == Status::ok) {
        check_accepted(plain);
    } else {
        check_failed(plain_err, text);
    }
    return 0;
}
