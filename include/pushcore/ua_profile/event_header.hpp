// The Event header field of the "ua-profile" event package
// (draft-ietf-sipping-config-framework-08 section 7.1-7.2; RFC 6080 section 5.1-5.2):
//
//   Event: ua-profile;profile-type=device;vendor="vendor.example.com";
//         model="Z100";version="1.2.3"
//   Event: ua-profile;effective-by=3600
//
// parse_event() validates a header field value and returns views into it: nothing is
// copied, and nothing is allocated unless the value carries parameters this package does
// not define (kept in UaProfileEvent::unknown). check_for() applies the usage tables of
// section 7.2 to what was parsed; append_event() writes an Event value back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pushcore/core/status.hpp"
#include "pushcore/sip/params.hpp"
#include "pushcore/ua_profile/form.hpp"

namespace pushcore::ua_profile {

// profile-value = profile-types / token (draft 7.2). RFC 6080 defines device, user and
// local-network only; application comes from the draft (and deployed phones).
enum class ProfileType : uint8_t { device, user, application, local_network, other };

// The canonical token of a type ("device", "user", "application", "local-network"); ""
// for ProfileType::other.
std::string_view profile_type_name(ProfileType type) noexcept;
// The type a profile-type token names, compared case-insensitively; `other` if none.
ProfileType profile_type_of(std::string_view token) noexcept;

// The request an Event header field came in, for check_for().
enum class Method : uint8_t { subscribe, notify };

// A vendor, model, version or network-user value.
struct TextValue {
    bool present = false;
    // Parsed: the value as written, without the quotes of a quoted-string (quoted-pairs
    // kept, folds kept). Built by a caller: the plain text, with `quoted` false.
    std::string_view raw;
    bool quoted = false;  // `raw` is the inside of a quoted-string
    size_t offset = 0;    // of the parameter name in the parsed value

    // The value with quoted-pairs resolved.
    std::string text() const;

    // A value for append_event: `plain` is written as a quoted-string, escaped.
    static TextValue of(std::string_view plain) noexcept {
        TextValue v;
        v.present = true;
        v.raw = plain;
        return v;
    }
};

struct UaProfileEvent {
    // profile-type, given as a token or (as the draft's own example does) a quoted-string.
    bool has_type = false;
    ProfileType type = ProfileType::other;
    std::string_view type_token;  // as written, without quotes: the type when `other`
    size_t type_offset = 0;       // of the parameter name

    // vendor, model, version: quoted-string in the grammar; tokens are accepted too, as
    // deployed phones send them (vendor=acme).
    TextValue vendor, model, version;
    // network-user: the addr-spec between the quotes (it holds no quoted-pair).
    TextValue network_user;
    // effective-by: seconds, 1*DIGIT.
    std::optional<uint32_t> effective_by;

    // Parameters the package does not define, in order, as sip::ParamIterator reports
    // them (a quoted value without its quotes, quoted-pairs kept). Cleared, not freed,
    // by parse_event, so a reused event does not allocate again.
    std::vector<sip::Param> unknown;
};

// Parses an Event header field value (RFC 3265 7.2.1: event-type *(SEMI event-param))
// with LWS and folds where RFC 3261 allows them. Package and parameter names are compared
// case-insensitively, and so are the profile-type tokens.
//   Status::not_found  the event-type is a token other than "ua-profile" (not this
//                      package; "ua-profile.winfo" is a template package, not this one)
//   Status::syntax     (or bad_escape, from a quoted-pair) with err.reason naming the
//                      parameter and rule ("effective-by: not 1*DIGIT", "vendor: empty",
//                      "network-user: not a quoted addr-spec", "model: given twice") and
//                      err.offset the byte in `value` where it was found.
// `out` is reset first; on failure it holds what was read before the error.
Status parse_event(std::string_view value, UaProfileEvent& out, Error& err);

// Checks a parsed event against the usage tables of draft 7.2 (RFC 6080 5.2):
//   SUBSCRIBE: profile-type, vendor, model and version are required (missing ->
//     Status::missing_header, err.reason "vendor: required in SUBSCRIBE", offset 0);
//     effective-by is ignored; network-user means something for device and
//     local-network only and is ignored for other types.
//   NOTIFY: profile-type, vendor, model and version are ignored; effective-by is
//     optional; network-user is kept (draft 7.2: a network-user given in the SUBSCRIBE
//     MUST be in the NOTIFY too; the NOTIFY's own profile-type is ignored, so it is not
//     used to judge it).
//   Form::rfc6080: network-user is not defined, so it is ignored in both requests.
//     profile-type=application is not defined either; it is accepted (the type stays
//     `application`, as phones still send it) and reported in `ignored` as
//     "profile-type=application" so the notifier can decide.
// `ignored` (cleared first) receives the names of the parameters the table gives no
// meaning there, in the order profile-type, vendor, model, version, network-user,
// effective-by; the names are static strings. Unknown parameters are not listed.
Status check_for(Method method, const UaProfileEvent& event, Form form, Error& err,
                 std::vector<std::string_view>* ignored = nullptr);

// Appends "ua-profile" and the parameters present in `event`: profile-type (a token:
// type_token when it names the same type, else the canonical name; omitted for `other`
// without a token), vendor, model, version and network-user as quoted-strings,
// effective-by, then the unknown parameters as they were read. A parsed TextValue
// (quoted) is written as it was, a plain one escaped (text::append_quoted). Parsing the
// result gives the same fields (same types, tokens, text(), effective-by, unknown).
void append_event(std::string& out, const UaProfileEvent& event);

}  // namespace pushcore::ua_profile
