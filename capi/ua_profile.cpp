// C ABI shims for the ua-profile grammar: validate arguments, convert, call lib/, map
// errors. No logic of the protocol: that is in lib/ua_profile.
#include "pushcore/ua_profile.h"

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pushcore/core/status.hpp"
#include "pushcore/sip/uri.hpp"
#include "pushcore/text/grammar.hpp"
#include "pushcore/ua_profile/content_indirection.hpp"
#include "pushcore/ua_profile/device_id.hpp"
#include "pushcore/ua_profile/event_header.hpp"
#include "shim.hpp"
#include "ua_profile_codes.hpp"

using namespace pushcore;
using capi::text_ok;
using capi::type_code;
using capi::type_of_code;
using capi::view;
using namespace pushcore::ua_profile;
using capi::last_error;
using capi::run;
using capi::status;

namespace {

// Runs f, mapping exceptions to statuses, for calls that record no error.
template <class F>
int guard(F&& f) noexcept {
    try {
        return f();
    } catch (const std::bad_alloc&) {
        return PUSHCORE_E_NO_MEMORY;
    } catch (...) {
        return PUSHCORE_E_INTERNAL;
    }
}

int refuse(Error& err, const char* why, Status s = Status::invalid_argument, size_t at = 0) {
    return status(err.fail(s, why, at));
}

bool has_ctl(std::string_view s) {
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f) return true;
    }
    return false;
}

// Copies a borrowed string out through a handle's scratch string (NUL-terminated).
int hand_out(std::string& scratch, std::string_view s, const char** value, size_t* len) {
    scratch.assign(s.data(), s.size());
    *value = scratch.c_str();
    if (len) *len = scratch.size();
    return 1;
}

// Writes `text` into a caller's buffer (not NUL-terminated).
int put(const std::string& text, char* out, size_t cap, size_t* written, Error& err) {
    *written = text.size();
    if (text.size() > cap) return refuse(err, "output buffer too small", Status::buffer_too_small);
    if (!text.empty()) std::memcpy(out, text.data(), text.size());
    return PUSHCORE_OK;
}

}  // namespace

struct pushcore_ua_event {
    std::string text;  // the parsed copy: the views of `ev` point into it
    UaProfileEvent ev;
    std::string type_store;     // a profile-type token given to the setter
    std::string text_store[4];  // text values given to the setter, by PUSHCORE_UA_TEXT_* - 1
    std::string scratch, scratch2;
    std::vector<std::string> ignored;  // of the last pushcore_ua_event_check
    Error err;
};

struct pushcore_ua_body {
    std::string content_type, body;  // the parsed copies: the parts' views point into them
    std::vector<BodyPart> parts;
    int32_t form = 0;
    std::string scratch;
    Error err;
};

namespace {

struct OwnedPart {
    PartKind kind = PartKind::indirect;
    std::string url, content_type, content_id, expiration, hash, data;
    std::optional<uint64_t> size;

    BodyPart view() const {
        BodyPart p;
        p.kind = kind;
        if (kind == PartKind::indirect) {
            p.indirect.url = url;
            p.indirect.content_type = content_type;
            p.indirect.content_id = content_id;
            p.indirect.expiration = expiration;
            p.indirect.hash = hash;
            p.indirect.size = size;
        } else {
            p.inline_body.content_type = content_type;
            p.inline_body.content_id = content_id;
            p.inline_body.body = data;
        }
        return p;
    }
};

}  // namespace

struct pushcore_ua_body_builder {
    std::vector<OwnedPart> parts;
    std::optional<std::string> boundary;
    std::string content_type, body;  // of the last finish
    Error err;
};

namespace {

TextValue* text_value(UaProfileEvent& ev, int32_t which) {
    switch (which) {
        case PUSHCORE_UA_TEXT_VENDOR:
            return &ev.vendor;
        case PUSHCORE_UA_TEXT_MODEL:
            return &ev.model;
        case PUSHCORE_UA_TEXT_VERSION:
            return &ev.version;
        case PUSHCORE_UA_TEXT_NETWORK_USER:
            return &ev.network_user;
        default:
            return nullptr;
    }
}

}  // namespace

extern "C" {

// ---- Event header field ---------------------------------------------------------------

PUSHCORE_API int pushcore_ua_event_parse(pushcore_ua_event** out, const char* value, size_t len) {
    if (out) *out = nullptr;
    if (!out || !text_ok(value, len)) return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        auto* e = new pushcore_ua_event{};
        *out = e;
        e->text.assign(view(value, len));
        return run(e->err, [&] { return parse_event(e->text, e->ev, e->err); });
    });
}

PUSHCORE_API int pushcore_ua_event_new(pushcore_ua_event** out) {
    if (!out) return PUSHCORE_E_INVALID_ARGUMENT;
    *out = nullptr;
    return guard([&]() -> int {
        *out = new pushcore_ua_event{};
        return PUSHCORE_OK;
    });
}

PUSHCORE_API void pushcore_ua_event_free(pushcore_ua_event* ev) {
    delete ev;
}

PUSHCORE_API int pushcore_ua_event_profile_type(pushcore_ua_event* ev, int32_t* type,
                                                const char** token, size_t* len) {
    if (!ev || !type) return PUSHCORE_E_INVALID_ARGUMENT;
    if (!ev->ev.has_type) return 0;
    *type = type_code(ev->ev.type);
    if (!token) return 1;
    return guard([&] { return hand_out(ev->scratch, ev->ev.type_token, token, len); });
}

PUSHCORE_API int pushcore_ua_event_text(pushcore_ua_event* ev, int32_t which, const char** value,
                                        size_t* len) {
    if (!ev || !value) return PUSHCORE_E_INVALID_ARGUMENT;
    const TextValue* v = text_value(ev->ev, which);
    if (!v) return PUSHCORE_E_INVALID_ARGUMENT;
    if (!v->present) return 0;
    return guard([&] { return hand_out(ev->scratch, v->text(), value, len); });
}

PUSHCORE_API int pushcore_ua_event_effective_by(const pushcore_ua_event* ev, uint32_t* seconds) {
    if (!ev || !seconds) return PUSHCORE_E_INVALID_ARGUMENT;
    if (!ev->ev.effective_by) return 0;
    *seconds = *ev->ev.effective_by;
    return 1;
}

PUSHCORE_API int pushcore_ua_event_unknown_count(const pushcore_ua_event* ev) {
    if (!ev) return PUSHCORE_E_INVALID_ARGUMENT;
    return static_cast<int>(ev->ev.unknown.size());
}

PUSHCORE_API int pushcore_ua_event_unknown_get(pushcore_ua_event* ev, size_t i, const char** name,
                                               size_t* name_len, const char** value,
                                               size_t* value_len, int32_t* has_value) {
    if (!ev || !name || !value) return PUSHCORE_E_INVALID_ARGUMENT;
    if (i >= ev->ev.unknown.size()) return PUSHCORE_E_NOT_FOUND;
    return guard([&]() -> int {
        const sip::Param& p = ev->ev.unknown[i];
        hand_out(ev->scratch, p.name, name, name_len);
        hand_out(ev->scratch2, p.has_value ? p.value : std::string_view(), value, value_len);
        if (has_value) *has_value = p.has_value ? 1 : 0;
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_event_check(pushcore_ua_event* ev, int32_t method, int32_t form) {
    if (!ev) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(ev->err, [&]() -> int {
        ev->ignored.clear();
        if (method != PUSHCORE_UA_METHOD_SUBSCRIBE && method != PUSHCORE_UA_METHOD_NOTIFY)
            return refuse(ev->err, "method: not a PUSHCORE_UA_METHOD_*");
        if (form != PUSHCORE_UA_FORM_DRAFT08 && form != PUSHCORE_UA_FORM_RFC6080)
            return refuse(ev->err, "form: not a PUSHCORE_UA_FORM_*");
        std::vector<std::string_view> ignored;
        Status s = check_for(
            method == PUSHCORE_UA_METHOD_SUBSCRIBE ? Method::subscribe : Method::notify, ev->ev,
            form == PUSHCORE_UA_FORM_RFC6080 ? Form::rfc6080 : Form::draft08, ev->err, &ignored);
        if (s != Status::ok) return status(s);
        for (std::string_view name : ignored) ev->ignored.emplace_back(name);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_event_ignored_count(const pushcore_ua_event* ev) {
    if (!ev) return PUSHCORE_E_INVALID_ARGUMENT;
    return static_cast<int>(ev->ignored.size());
}

PUSHCORE_API int pushcore_ua_event_ignored_at(const pushcore_ua_event* ev, size_t i,
                                              const char** name) {
    if (!ev || !name) return PUSHCORE_E_INVALID_ARGUMENT;
    if (i >= ev->ignored.size()) return PUSHCORE_E_NOT_FOUND;
    *name = ev->ignored[i].c_str();
    return PUSHCORE_OK;
}

PUSHCORE_API int pushcore_ua_event_set_profile_type(pushcore_ua_event* ev, int32_t type,
                                                    const char* token, size_t len) {
    if (!ev) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(ev->err, [&]() -> int {
        if (type == 0) {
            ev->ev.has_type = false;
            ev->ev.type = ProfileType::other;
            ev->ev.type_token = {};
            return PUSHCORE_OK;
        }
        std::optional<ProfileType> t = type_of_code(type);
        if (!t) return refuse(ev->err, "profile-type: not a PUSHCORE_UA_PROFILE_*");
        if (!token && *t == ProfileType::other)
            return refuse(ev->err, "profile-type: OTHER needs a token");
        std::string_view tok = token ? std::string_view(token, len) : profile_type_name(*t);
        if (!text::is_token(tok)) return refuse(ev->err, "profile-type: not a token");
        if (profile_type_of(tok) != *t)
            return refuse(ev->err, "profile-type: the token names another type");
        ev->type_store.assign(tok);
        ev->ev.has_type = true;
        ev->ev.type = *t;
        ev->ev.type_token = ev->type_store;
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_event_set_text(pushcore_ua_event* ev, int32_t which, const char* value,
                                            size_t len) {
    if (!ev) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(ev->err, [&]() -> int {
        TextValue* v = text_value(ev->ev, which);
        if (!v) return refuse(ev->err, "which: not a PUSHCORE_UA_TEXT_*");
        if (!value) {
            *v = TextValue{};
            return PUSHCORE_OK;
        }
        std::string_view plain(value, len);
        if (plain.empty()) return refuse(ev->err, "value: empty");
        if (has_ctl(plain)) return refuse(ev->err, "value: control character");
        // What the parser reads back must be what was given: write it alone and read it.
        UaProfileEvent alone;
        *text_value(alone, which) = TextValue::of(plain);
        std::string written;
        append_event(written, alone);
        UaProfileEvent back;
        Error e;
        if (parse_event(written, back, e) != Status::ok) return refuse(ev->err, e.reason);
        if (text_value(back, which)->text() != plain)
            return refuse(ev->err, "value: would not read back as given");
        std::string& store = ev->text_store[which - 1];
        store.assign(plain);
        *v = TextValue::of(store);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_event_set_effective_by(pushcore_ua_event* ev, int32_t present,
                                                    uint32_t seconds) {
    if (!ev || (present != 0 && present != 1)) return PUSHCORE_E_INVALID_ARGUMENT;
    if (present)
        ev->ev.effective_by = seconds;
    else
        ev->ev.effective_by.reset();
    return PUSHCORE_OK;
}

PUSHCORE_API int pushcore_ua_event_build(pushcore_ua_event* ev, char* out, size_t cap,
                                         size_t* written) {
    if (!ev || !written || (!out && cap)) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(ev->err, [&]() -> int {
        std::string text;
        append_event(text, ev->ev);
        return put(text, out, cap, written, ev->err);
    });
}

PUSHCORE_API int pushcore_ua_event_last_error(const pushcore_ua_event* ev, const char** reason,
                                              size_t* offset) {
    if (!ev) return PUSHCORE_E_INVALID_ARGUMENT;
    return last_error(ev->err, reason, offset);
}

}  // extern "C"

// ---- device identifiers -------------------------------------------------------------------

namespace {

// Runs one device-id call: arguments checked, exceptions mapped, the error reported
// through reason and offset.
template <class F>
int device_call(const char* in, size_t len, char* out, size_t cap, size_t* written,
                const char** reason, size_t* offset, F&& f) noexcept {
    Error err;
    int r;
    if (!text_ok(in, len) || !written || (!out && cap)) {
        r = refuse(err, "NULL pointer (or out NULL with cap > 0)");
    } else {
        r = run(err, [&]() -> int {
            std::string text;
            Status s = f(view(in, len), text, err);
            if (s != Status::ok) return status(s);
            return put(text, out, cap, written, err);
        });
    }
    if (reason) *reason = err.reason;
    if (offset) *offset = err.offset;
    return r;
}

std::optional<Form> device_form(int32_t form) {
    if (form == PUSHCORE_UA_FORM_DRAFT08) return Form::draft08;
    if (form == PUSHCORE_UA_FORM_RFC6080) return Form::rfc6080;
    return std::nullopt;
}

template <class Build>
int build_uri_call(const char* id, size_t id_len, const char* host, size_t host_len, int32_t form,
                   char* out, size_t cap, size_t* written, const char** reason, size_t* offset,
                   Build&& build) noexcept {
    if (!text_ok(host, host_len)) {
        if (reason) *reason = "NULL pointer (or out NULL with cap > 0)";
        if (offset) *offset = 0;
        return PUSHCORE_E_INVALID_ARGUMENT;
    }
    return device_call(id, id_len, out, cap, written, reason, offset,
                       [&](std::string_view text, std::string& uri, Error& err) {
                           std::optional<Form> f = device_form(form);
                           if (!f)
                               return err.fail(Status::invalid_argument,
                                               "form: not a PUSHCORE_UA_FORM_*", 0);
                           DeviceId parsed;
                           if (parse_device_id(text, parsed, err) != Status::ok) return err.status;
                           Status s = build(parsed, view(host, host_len), *f, uri, err);
                           if (s != Status::ok) err.offset = 0;  // it is about `host`
                           return s;
                       });
}

}  // namespace

extern "C" {

PUSHCORE_API int pushcore_ua_device_id_normalize_mac(const char* in, size_t len, char* out,
                                                     size_t cap, size_t* written,
                                                     const char** reason, size_t* offset) {
    return device_call(in, len, out, cap, written, reason, offset, normalize_mac);
}

PUSHCORE_API int pushcore_ua_device_id_parse_uuid(const char* in, size_t len, char* out, size_t cap,
                                                  size_t* written, const char** reason,
                                                  size_t* offset) {
    return device_call(in, len, out, cap, written, reason, offset, parse_uuid_urn);
}

PUSHCORE_API int pushcore_ua_device_id_mac_to_uuid(const char* in, size_t len, char* out,
                                                   size_t cap, size_t* written, const char** reason,
                                                   size_t* offset) {
    return device_call(in, len, out, cap, written, reason, offset, mac_to_uuid);
}

PUSHCORE_API int pushcore_ua_device_id_parse_uri(const char* in, size_t len, int32_t is_user_part,
                                                 char* out, size_t cap, size_t* written,
                                                 int32_t* kind, int32_t* deployed, size_t* host_at,
                                                 size_t* host_len, const char** reason,
                                                 size_t* offset) {
    return device_call(
        in, len, out, cap, written, reason, offset,
        [&](std::string_view text, std::string& canonical, Error& err) {
            if (is_user_part != 0 && is_user_part != 1)
                return err.fail(Status::invalid_argument, "is_user_part: not 0 or 1", 0);
            DeviceId id;
            bool dep = false;
            std::string_view host;
            Status s = is_user_part ? parse_device_user(text, id, err, &dep)
                                    : parse_device_request_uri(text, id, err, &dep, &host);
            if (s != Status::ok) return s;
            canonical = id.canonical;
            if (kind)
                *kind =
                    id.kind == DeviceIdKind::mac ? PUSHCORE_UA_DEVICE_MAC : PUSHCORE_UA_DEVICE_UUID;
            if (deployed) *deployed = dep ? 1 : 0;
            if (host_at) *host_at = host.empty() ? 0 : static_cast<size_t>(host.data() - in);
            if (host_len) *host_len = host.size();
            return Status::ok;
        });
}

PUSHCORE_API int pushcore_ua_device_id_build_uri(const char* id, size_t id_len, const char* host,
                                                 size_t host_len, int32_t form, char* out,
                                                 size_t cap, size_t* written, const char** reason,
                                                 size_t* offset) {
    return build_uri_call(id, id_len, host, host_len, form, out, cap, written, reason, offset,
                          [](const DeviceId& d, std::string_view h, Form f, std::string& uri,
                             Error& err) { return build_device_uri(d, h, uri, err, f); });
}

PUSHCORE_API int pushcore_ua_device_id_build_local_network_uri(
    const char* id, size_t id_len, const char* domain, size_t domain_len, int32_t form, char* out,
    size_t cap, size_t* written, const char** reason, size_t* offset) {
    return build_uri_call(id, id_len, domain, domain_len, form, out, cap, written, reason, offset,
                          [](const DeviceId& d, std::string_view h, Form f, std::string& uri,
                             Error& err) { return build_local_network_uri(d, h, f, uri, err); });
}

// ---- NOTIFY bodies ----------------------------------------------------------------------

PUSHCORE_API int pushcore_ua_body_parse(pushcore_ua_body** out, const char* content_type,
                                        size_t content_type_len, const uint8_t* body,
                                        size_t body_len, size_t max_parts,
                                        size_t max_header_bytes) {
    if (out) *out = nullptr;
    if (!out || !text_ok(content_type, content_type_len) || (!body && body_len))
        return PUSHCORE_E_INVALID_ARGUMENT;
    return guard([&]() -> int {
        auto* b = new pushcore_ua_body{};
        *out = b;
        b->content_type.assign(view(content_type, content_type_len));
        if (body_len) b->body.assign(reinterpret_cast<const char*>(body), body_len);
        BodyLimits limits;
        if (max_parts) limits.max_parts = max_parts;
        if (max_header_bytes) limits.max_header_bytes = max_header_bytes;
        return run(b->err, [&]() -> int {
            BodyForm form = BodyForm::multipart;
            Status s = parse_notify_body(b->content_type, b->body, b->parts, b->err, limits, &form);
            if (s != Status::ok) {
                b->parts.clear();
                return status(s);
            }
            switch (form) {
                case BodyForm::multipart:
                    b->form = PUSHCORE_UA_BODY_MULTIPART;
                    break;
                case BodyForm::external_body:
                    b->form = PUSHCORE_UA_BODY_EXTERNAL_BODY;
                    break;
                case BodyForm::url:
                    b->form = PUSHCORE_UA_BODY_URL;
                    break;
                case BodyForm::inline_body:
                    b->form = PUSHCORE_UA_BODY_INLINE;
                    break;
            }
            return PUSHCORE_OK;
        });
    });
}

PUSHCORE_API void pushcore_ua_body_free(pushcore_ua_body* b) {
    delete b;
}

PUSHCORE_API int32_t pushcore_ua_body_form(const pushcore_ua_body* b) {
    if (!b) return PUSHCORE_E_INVALID_ARGUMENT;
    return b->form;
}

PUSHCORE_API int pushcore_ua_body_part_count(const pushcore_ua_body* b) {
    if (!b) return PUSHCORE_E_INVALID_ARGUMENT;
    return static_cast<int>(b->parts.size());
}

PUSHCORE_API int pushcore_ua_body_part_kind(const pushcore_ua_body* b, size_t i, int32_t* kind,
                                            size_t* offset) {
    if (!b || !kind) return PUSHCORE_E_INVALID_ARGUMENT;
    if (i >= b->parts.size()) return PUSHCORE_E_NOT_FOUND;
    const BodyPart& p = b->parts[i];
    *kind = p.kind == PartKind::indirect ? PUSHCORE_UA_PART_INDIRECT : PUSHCORE_UA_PART_INLINE;
    if (offset) *offset = p.offset;
    return PUSHCORE_OK;
}

PUSHCORE_API int pushcore_ua_body_part_str(pushcore_ua_body* b, size_t i, int32_t field,
                                           const char** value, size_t* len) {
    if (!b || !value) return PUSHCORE_E_INVALID_ARGUMENT;
    if (field < PUSHCORE_UA_FIELD_URL || field > PUSHCORE_UA_FIELD_ACCESS_TYPE)
        return PUSHCORE_E_INVALID_ARGUMENT;
    if (i >= b->parts.size()) return PUSHCORE_E_NOT_FOUND;
    const BodyPart& p = b->parts[i];
    std::string_view v;
    if (p.kind == PartKind::indirect) {
        const IndirectProfile& d = p.indirect;
        const std::string_view by_field[] = {d.url,        d.content_type, d.content_id,
                                             d.expiration, d.hash,         d.access_type};
        v = by_field[field - PUSHCORE_UA_FIELD_URL];
    } else if (field == PUSHCORE_UA_FIELD_CONTENT_TYPE) {
        v = p.inline_body.content_type;
    } else if (field == PUSHCORE_UA_FIELD_CONTENT_ID) {
        v = p.inline_body.content_id;
    }
    if (v.empty()) return 0;
    return guard([&] { return hand_out(b->scratch, v, value, len); });
}

PUSHCORE_API int pushcore_ua_body_part_size(const pushcore_ua_body* b, size_t i, uint64_t* size) {
    if (!b || !size) return PUSHCORE_E_INVALID_ARGUMENT;
    if (i >= b->parts.size()) return PUSHCORE_E_NOT_FOUND;
    const BodyPart& p = b->parts[i];
    if (p.kind != PartKind::indirect || !p.indirect.size) return 0;
    *size = *p.indirect.size;
    return 1;
}

PUSHCORE_API int pushcore_ua_body_part_data(const pushcore_ua_body* b, size_t i,
                                            const uint8_t** data, size_t* len) {
    if (!b || !data || !len) return PUSHCORE_E_INVALID_ARGUMENT;
    if (i >= b->parts.size()) return PUSHCORE_E_NOT_FOUND;
    const BodyPart& p = b->parts[i];
    if (p.kind != PartKind::inline_body) return 0;
    *data = reinterpret_cast<const uint8_t*>(p.inline_body.body.data());
    *len = p.inline_body.body.size();
    return 1;
}

PUSHCORE_API int pushcore_ua_body_last_error(const pushcore_ua_body* b, const char** reason,
                                             size_t* offset) {
    if (!b) return PUSHCORE_E_INVALID_ARGUMENT;
    return last_error(b->err, reason, offset);
}

}  // extern "C"

// ---- the body builder ----------------------------------------------------------------------

namespace {

// Whether the builder can write a part so that it parses back the same; names the field
// that cannot be.
int check_part(const OwnedPart& part, Error& err) {
    auto media_ok = [](std::string_view type) {
        MediaType mt;
        Error e;
        return parse_media_type(type, mt, e) == Status::ok;
    };
    if (part.kind == PartKind::indirect) {
        if (part.url.empty()) return refuse(err, "url: required");
        for (char c : part.url)
            if (c == ' ' || c == '"' || c == '\\' || has_ctl(std::string_view(&c, 1)))
                return refuse(err, "url: whitespace, a quote, a backslash or a control character");
        if (part.content_type.empty()) return refuse(err, "content_type: required");
        if (part.content_id.empty()) return refuse(err, "content_id: required");
        if (part.hash.size() && part.hash.size() != 40)
            return refuse(err, "hash: not 40 hex digits");
        for (char c : part.hash)
            if (!text::is_hex(c)) return refuse(err, "hash: not 40 hex digits");
    }
    if (!part.content_type.empty() && !media_ok(part.content_type))
        return refuse(err, "content_type: not a media type");
    if (!part.content_id.empty() && !valid_content_id(part.content_id))
        return refuse(err, "content_id: not printable ASCII without '<', '>' and space");
    // Anything else the writer refuses (an expiration with a quote, an inline part of type
    // message/external-body, ...): try it alone.
    BodyPart p = part.view();
    std::string trial;
    if (append_multipart(trial, choose_boundary("pushcore", &p, 1), &p, 1) != Status::ok)
        return refuse(err, "part: a field would not read back as given");
    return PUSHCORE_OK;
}

}  // namespace

extern "C" {

PUSHCORE_API int pushcore_ua_body_builder_new(pushcore_ua_body_builder** out) {
    if (!out) return PUSHCORE_E_INVALID_ARGUMENT;
    *out = nullptr;
    return guard([&]() -> int {
        *out = new pushcore_ua_body_builder{};
        return PUSHCORE_OK;
    });
}

PUSHCORE_API void pushcore_ua_body_builder_free(pushcore_ua_body_builder* b) {
    delete b;
}

PUSHCORE_API int pushcore_ua_body_builder_add_indirect(
    pushcore_ua_body_builder* b, const char* url, size_t url_len, const char* content_type,
    size_t content_type_len, const char* content_id, size_t content_id_len, const char* expiration,
    size_t expiration_len, int32_t has_size, uint64_t size, const char* hash, size_t hash_len) {
    if (!b) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(b->err, [&]() -> int {
        if (!text_ok(url, url_len) || !text_ok(content_type, content_type_len) ||
            !text_ok(content_id, content_id_len) || !text_ok(expiration, expiration_len) ||
            !text_ok(hash, hash_len))
            return refuse(b->err, "NULL pointer with a length");
        if (has_size != 0 && has_size != 1) return refuse(b->err, "has_size: not 0 or 1");
        OwnedPart part;
        part.kind = PartKind::indirect;
        part.url.assign(view(url, url_len));
        part.content_type.assign(view(content_type, content_type_len));
        part.content_id.assign(view(content_id, content_id_len));
        part.expiration.assign(view(expiration, expiration_len));
        part.hash.assign(view(hash, hash_len));
        if (has_size) part.size = size;
        if (int r = check_part(part, b->err); r < 0) return r;
        b->parts.push_back(std::move(part));
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_body_builder_add_inline(pushcore_ua_body_builder* b,
                                                     const char* content_type,
                                                     size_t content_type_len,
                                                     const char* content_id, size_t content_id_len,
                                                     const uint8_t* data, size_t data_len) {
    if (!b) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(b->err, [&]() -> int {
        if (!text_ok(content_type, content_type_len) || !text_ok(content_id, content_id_len) ||
            (!data && data_len))
            return refuse(b->err, "NULL pointer with a length");
        OwnedPart part;
        part.kind = PartKind::inline_body;
        part.content_type.assign(view(content_type, content_type_len));
        part.content_id.assign(view(content_id, content_id_len));
        if (data_len) part.data.assign(reinterpret_cast<const char*>(data), data_len);
        if (int r = check_part(part, b->err); r < 0) return r;
        b->parts.push_back(std::move(part));
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_body_builder_set_boundary(pushcore_ua_body_builder* b,
                                                       const char* boundary, size_t len) {
    if (!b) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(b->err, [&]() -> int {
        if (!boundary) {
            b->boundary.reset();
            return PUSHCORE_OK;
        }
        if (len == 0 || len > 70) return refuse(b->err, "boundary: not 1..70 characters");
        b->boundary = std::string(boundary, len);
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_body_builder_finish(pushcore_ua_body_builder* b, int32_t form,
                                                 const char** content_type,
                                                 size_t* content_type_len, const uint8_t** body,
                                                 size_t* body_len) {
    if (!b || !content_type || !body || !body_len) return PUSHCORE_E_INVALID_ARGUMENT;
    return run(b->err, [&]() -> int {
        if (form < PUSHCORE_UA_BODY_MULTIPART || form > PUSHCORE_UA_BODY_URL)
            return refuse(b->err, "form: not MULTIPART, EXTERNAL_BODY or URL");
        if (b->parts.empty()) return refuse(b->err, "no parts", Status::invalid_state);
        std::vector<BodyPart> parts;
        for (const OwnedPart& p : b->parts) parts.push_back(p.view());
        std::string type, text;
        if (form == PUSHCORE_UA_BODY_MULTIPART) {
            std::string boundary = b->boundary ? *b->boundary : choose_boundary("pushcore", parts);
            if (append_multipart(text, boundary, parts) != Status::ok)
                return refuse(b->err, "boundary: not RFC 2046 bchars, or occurs in a part");
            append_multipart_type(type, boundary);
        } else {
            if (parts.size() != 1 || parts[0].kind != PartKind::indirect)
                return refuse(b->err, "EXTERNAL_BODY and URL hold exactly one indirect part",
                              Status::invalid_state);
            const IndirectProfile& p = parts[0].indirect;
            Status s = form == PUSHCORE_UA_BODY_URL
                           ? append_url_body(text, p.url)
                           : (append_external_body_type(type, p) == Status::ok
                                  ? append_external_body(text, p)
                                  : Status::invalid_argument);
            if (s != Status::ok) return refuse(b->err, "part: cannot be written in this form");
            if (form == PUSHCORE_UA_BODY_URL) type = "application/url";
        }
        b->content_type = std::move(type);
        b->body = std::move(text);
        *content_type = b->content_type.c_str();
        if (content_type_len) *content_type_len = b->content_type.size();
        *body = reinterpret_cast<const uint8_t*>(b->body.data());
        *body_len = b->body.size();
        return PUSHCORE_OK;
    });
}

PUSHCORE_API int pushcore_ua_body_builder_last_error(const pushcore_ua_body_builder* b,
                                                     const char** reason, size_t* offset) {
    if (!b) return PUSHCORE_E_INVALID_ARGUMENT;
    return last_error(b->err, reason, offset);
}

}  // extern "C"
