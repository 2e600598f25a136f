#include "pushcore/ua_profile/device_id.hpp"

#include <cstddef>

#include "pushcore/text/grammar.hpp"

namespace pushcore::ua_profile {

namespace {

constexpr std::string_view kMacPrefix = "MAC:";
constexpr std::string_view kUuidPrefix = "urn:uuid:";
constexpr size_t kMacDigits = 12;
constexpr size_t kUuidChars = 36;  // 8-4-4-4-12 with the dashes
constexpr char kUpperHex[] = "0123456789ABCDEF";

bool starts_with_ci(std::string_view s, std::string_view prefix) noexcept {
    return s.size() >= prefix.size() && text::iequals(s.substr(0, prefix.size()), prefix);
}

char to_upper(char c) noexcept {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}
char to_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
bool is_upper_hex(char c) noexcept {
    return text::is_digit(c) || (c >= 'A' && c <= 'F');
}
bool is_lower_hex(char c) noexcept {
    return text::is_digit(c) || (c >= 'a' && c <= 'f');
}

// Offset in the escaped text `escaped` (which passed check_escapes) of the byte that
// decodes to position `decoded_pos`; escaped.size() past the end.
size_t escaped_offset(std::string_view escaped, size_t decoded_pos) noexcept {
    size_t i = 0;
    for (size_t n = 0; n < decoded_pos && i < escaped.size(); ++n) i += escaped[i] == '%' ? 3 : 1;
    return i < escaped.size() ? i : escaped.size();
}

// The 36 characters of a UUID (RFC 4122 section 3: 8-4-4-4-12 hex digits) at s[pos...],
// appended in lower case to `out`. Offsets in `err` are relative to s.
Status read_uuid_body(std::string_view s, size_t pos, std::string& out, Error& err) {
    for (size_t k = 0; k < kUuidChars; ++k) {
        size_t at = pos + k;
        if (at >= s.size()) return err.fail(Status::syntax, "UUID shorter than 8-4-4-4-12", at);
        char c = s[at];
        if (k == 8 || k == 13 || k == 18 || k == 23) {
            if (c != '-') return err.fail(Status::syntax, "'-' expected in UUID", at);
        } else if (!text::is_hex(c)) {
            return err.fail(Status::syntax, "hex digit expected in UUID", at);
        }
        out.push_back(to_lower(c));
    }
    if (pos + kUuidChars != s.size())
        return err.fail(Status::syntax, "characters after the UUID", pos + kUuidChars);
    return Status::ok;
}

}  // namespace

Status normalize_mac(std::string_view in, std::string& out, Error& err) {
    size_t i = starts_with_ci(in, kMacPrefix) ? kMacPrefix.size() : 0;
    char digits[kMacDigits];
    size_t count = 0;
    size_t group = 0;  // digits since the last separator
    char sep = '\0';   // the separator in use, once one was seen
    for (; i < in.size(); ++i) {
        char c = in[i];
        if (text::is_hex(c)) {
            if (count == kMacDigits) return err.fail(Status::syntax, "more than 12 hex digits", i);
            size_t width = sep == '.' ? 4 : 2;
            if (sep != '\0' && group == width)
                return err.fail(Status::syntax, "separator missing between MAC groups", i);
            digits[count++] = to_upper(c);
            ++group;
            continue;
        }
        if (c != ':' && c != '-' && c != '.')
            return err.fail(Status::syntax, "neither a hex digit nor a MAC separator", i);
        if (sep != '\0' && c != sep) return err.fail(Status::syntax, "mixed MAC separators", i);
        // aa:bb:cc:dd:ee:ff and aa-bb-...: groups of two; aabb.ccdd.eeff: groups of four.
        size_t width = c == '.' ? 4 : 2;
        if (group != width || count == kMacDigits)
            return err.fail(Status::syntax, "MAC separator out of place", i);
        sep = c;
        group = 0;
    }
    if (count != kMacDigits) return err.fail(Status::syntax, "fewer than 12 hex digits", in.size());
    out.assign(kMacPrefix);
    out.append(digits, kMacDigits);
    return Status::ok;
}

Status parse_uuid_urn(std::string_view in, std::string& out, Error& err) {
    if (!starts_with_ci(in, kUuidPrefix))
        return err.fail(Status::syntax, "UUID URN must start with urn:uuid:", 0);
    std::string uuid(kUuidPrefix);
    if (read_uuid_body(in, kUuidPrefix.size(), uuid, err) != Status::ok) return err.status;
    out = std::move(uuid);
    return Status::ok;
}

// RFC 6080 makes every device identifier a UUID URN and has a device with a MAC address
// derive it from the MAC. The exact wording of that rule could not be retrieved while
// this was written; implemented is the version-1 UUID (RFC 4122 4.1.3) whose
// time_low/time_mid are zero, time_hi_and_version is 0x1000 (version 1, zero time),
// clock_seq is 0x8000 (RFC 4122 variant bits 10, zero value) and node is the MAC
// (RFC 4122 4.1.6: the node of a version-1 UUID is an IEEE 802 address). It is the form
// RFC 5626's examples use for a device's +sip.instance
// (urn:uuid:00000000-0000-1000-8000-000A95A0E128), written in lower case (RFC 4122 3).
Status mac_to_uuid(std::string_view mac, std::string& out, Error& err) {
    std::string normalized;
    if (normalize_mac(mac, normalized, err) != Status::ok) return err.status;
    std::string uuid(kUuidPrefix);
    uuid.append("00000000-0000-1000-8000-");
    for (size_t k = kMacPrefix.size(); k < normalized.size(); ++k)
        uuid.push_back(to_lower(normalized[k]));
    out = std::move(uuid);
    return Status::ok;
}

Status parse_device_id(std::string_view text, DeviceId& out, Error& err) {
    std::string canonical;
    if (starts_with_ci(text, "urn:")) {
        if (parse_uuid_urn(text, canonical, err) != Status::ok) return err.status;
        out.kind = DeviceIdKind::uuid;
    } else {
        if (normalize_mac(text, canonical, err) != Status::ok) return err.status;
        out.kind = DeviceIdKind::mac;
    }
    out.canonical = std::move(canonical);
    return Status::ok;
}

bool is_canonical(const DeviceId& id) noexcept {
    std::string_view c = id.canonical;
    if (id.kind == DeviceIdKind::mac) {
        if (c.size() != kMacPrefix.size() + kMacDigits || c.substr(0, 4) != kMacPrefix)
            return false;
        for (size_t k = kMacPrefix.size(); k < c.size(); ++k)
            if (!is_upper_hex(c[k])) return false;
        return true;
    }
    if (c.size() != kUuidPrefix.size() + kUuidChars || c.substr(0, 9) != kUuidPrefix) return false;
    for (size_t k = 0; k < kUuidChars; ++k) {
        char ch = c[kUuidPrefix.size() + k];
        bool dash = k == 8 || k == 13 || k == 18 || k == 23;
        if (dash ? ch != '-' : !is_lower_hex(ch)) return false;
    }
    return true;
}

Status device_id_for(const DeviceId& id, Form form, DeviceId& out, Error& err) {
    if (!is_canonical(id))
        return err.fail(Status::invalid_argument, "device ID is not in canonical form", 0);
    if (form == Form::draft08 || id.kind == DeviceIdKind::uuid) {
        out = id;
        return Status::ok;
    }
    std::string uuid;
    if (mac_to_uuid(id.canonical, uuid, err) != Status::ok) return err.status;
    out.kind = DeviceIdKind::uuid;
    out.canonical = std::move(uuid);
    return Status::ok;
}

Status parse_device_user(std::string_view user, DeviceId& out, Error& err, bool* deployed_variant) {
    if (text::check_escapes(user, err) != Status::ok) return err.status;
    // The longest accepted user part decodes to urn:uuid: + 36 characters.
    char buf[64];
    std::ptrdiff_t n = text::pct_decode(user, buf, sizeof buf);
    if (n < 0)
        return err.fail(Status::syntax, "user part too long for a device ID",
                        escaped_offset(user, sizeof buf));
    std::string_view d(buf, static_cast<size_t>(n));
    auto at = [user](size_t decoded_pos) { return escaped_offset(user, decoded_pos); };
    // A separator of the draft's form is the escape %3a (or %3A); written as is, it is a
    // deployed variant.
    auto escaped_sep = [user, &at](size_t decoded_pos) { return user[at(decoded_pos)] == '%'; };

    bool deployed = false;
    DeviceId id;
    if (d.size() >= 4 && text::iequals(d.substr(0, 3), "MAC") && (d[3] == ':' || d[3] == '=')) {
        // draft 7.13.1: mac-ident = "MAC" ":" 12UHEX, the ':' escaped in the URI.
        deployed = d.substr(0, 3) != "MAC" || d[3] == '=' || !escaped_sep(3);
        id.kind = DeviceIdKind::mac;
        id.canonical.assign(kMacPrefix);
        for (size_t k = 4; k < d.size(); ++k) {
            if (k - 4 == kMacDigits)
                return err.fail(Status::syntax, "more than 12 hex digits after MAC:", at(k));
            if (!text::is_hex(d[k]))
                return err.fail(Status::syntax, "hex digit expected after MAC: (no separators)",
                                at(k));
            if (!is_upper_hex(d[k])) deployed = true;
            id.canonical.push_back(to_upper(d[k]));
        }
        if (d.size() != 4 + kMacDigits)
            return err.fail(Status::syntax, "fewer than 12 hex digits after MAC:", user.size());
    } else if (starts_with_ci(d, kUuidPrefix)) {
        // draft 7.13.1: a UUID URN "MUST be URL escaped" in the user part.
        deployed = !escaped_sep(3) || !escaped_sep(8);
        id.kind = DeviceIdKind::uuid;
        id.canonical.assign(kUuidPrefix);
        if (read_uuid_body(d, kUuidPrefix.size(), id.canonical, err) != Status::ok) {
            err.offset = at(err.offset);
            return err.status;
        }
    } else if (starts_with_ci(d, "MAC")) {
        return err.fail(Status::syntax, "':' (%3a) expected after MAC", at(3));
    } else if (starts_with_ci(d, "urn")) {
        return err.fail(Status::syntax, "only urn:uuid: device IDs are defined", 0);
    } else {
        return err.fail(Status::syntax, "device ID must be MAC:<12 hex> or urn:uuid:<UUID>", 0);
    }
    out = std::move(id);
    if (deployed_variant) *deployed_variant = deployed;
    return Status::ok;
}

void append_device_user(std::string& out, const DeviceId& id) {
    for (char c : id.canonical) {
        if (c == ':') {
            out.append("%3a");  // as draft 7.13.1's examples write it
        } else if (text::is(c, text::kAlphanum) || c == '-') {
            out.push_back(c);
        } else {  // not in a canonical ID; escaped all the same so the URI stays valid
            unsigned char u = static_cast<unsigned char>(c);
            out.push_back('%');
            out.push_back(kUpperHex[u >> 4]);
            out.push_back(kUpperHex[u & 15]);
        }
    }
}

namespace {

// "sip:" + device user + "@" + host, checked by parsing it back: host must be a hostport
// and nothing else.
Status build_uri(const DeviceId& id, std::string_view host, Form form, std::string& out,
                 Error& err) {
    DeviceId written;
    if (device_id_for(id, form, written, err) != Status::ok) return err.status;
    std::string uri = "sip:";
    append_device_user(uri, written);
    uri.push_back('@');
    size_t host_at = uri.size();
    uri.append(host);

    sip::Uri parsed;
    Error perr;
    if (sip::parse_uri(uri, parsed, perr) != Status::ok) {
        size_t off = perr.offset > host_at ? perr.offset - host_at : 0;
        return err.fail(Status::invalid_argument, "host is not a valid hostport", off);
    }
    if (parsed.host.data() != uri.data() + host_at || parsed.has_password ||
        !parsed.params.empty() || !parsed.headers.empty() || host.empty())
        return err.fail(Status::invalid_argument, "host is not a valid hostport", 0);
    out = std::move(uri);
    return Status::ok;
}

}  // namespace

Status build_device_uri(const DeviceId& id, std::string_view host, std::string& out, Error& err,
                        Form form) {
    return build_uri(id, host, form, out, err);
}

Status build_local_network_uri(const DeviceId& id, std::string_view local_domain, Form form,
                               std::string& out, Error& err) {
    // draft 7.13.3: the user part SHOULD be the device ID of the device URI; the host is
    // the local network domain (8.1.1: DHCP option 15 or static configuration). RFC 6080
    // puts "_sipuaconfig." before the domain, so that the local network's profile server
    // can be found under its own name.
    if (form == Form::rfc6080) {
        std::string host = "_sipuaconfig.";
        host.append(local_domain);
        return build_uri(id, host, form, out, err);
    }
    return build_uri(id, local_domain, form, out, err);
}

Status parse_device_request_uri(std::string_view text, DeviceId& out, Error& err,
                                bool* deployed_variant, std::string_view* host) {
    // sip:urn:uuid:<uuid>@host is not a SIP URI (a user part holds no ':' and a password
    // no second one). It is read as sip:urn%3auuid%3a<uuid>@host, offsets mapped back.
    size_t scheme = starts_with_ci(text, "sips:") ? 5 : starts_with_ci(text, "sip:") ? 4 : 0;
    bool rewritten = scheme != 0 && starts_with_ci(text.substr(scheme), kUuidPrefix);
    std::string copy;
    std::string_view s = text;
    if (rewritten) {
        copy.assign(text.substr(0, scheme));
        copy.append(text.substr(scheme, 3)).append("%3a");
        copy.append(text.substr(scheme + 4, 4)).append("%3a");
        copy.append(text.substr(scheme + kUuidPrefix.size()));
        s = copy;
    }
    // Offset in `s` to offset in `text`.
    auto back = [rewritten, scheme](size_t p) -> size_t {
        if (!rewritten || p < scheme + 3) return p;
        if (p < scheme + 6) return scheme + 3;
        if (p < scheme + 10) return p - 2;
        if (p < scheme + 13) return scheme + 8;
        return p - 4;
    };

    sip::Uri uri;
    if (sip::parse_uri(s, uri, err) != Status::ok) {
        err.offset = back(err.offset);
        return err.status;
    }
    size_t host_at = static_cast<size_t>(uri.host.data() - s.data());
    if (!uri.has_user)
        return err.fail(Status::syntax, "Request-URI has no user part (device ID)", back(host_at));
    size_t user_at = static_cast<size_t>(uri.user.data() - s.data());
    std::string_view user = uri.user;
    // sip:MAC:00DF1E004CD0@host parses as user "MAC", password "00DF1E004CD0": one
    // identifier written with its colon unescaped.
    if (uri.has_password) {
        size_t end = static_cast<size_t>(uri.password.data() - s.data()) + uri.password.size();
        user = s.substr(user_at, end - user_at);
    }
    DeviceId id;
    bool deployed = false;
    if (parse_device_user(user, id, err, &deployed) != Status::ok) {
        err.offset = back(user_at + err.offset);
        return err.status;
    }
    out = std::move(id);
    if (deployed_variant) *deployed_variant = deployed || rewritten;
    if (host) *host = text.substr(back(host_at), uri.host.size());
    return Status::ok;
}

}  // namespace pushcore::ua_profile
