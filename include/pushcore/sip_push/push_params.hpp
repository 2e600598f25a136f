// The pn-* SIP URI parameters (draft-ietf-sipcore-sip-push-04 section 7.3; RFC 8599
// section 14 adds pn-purr) and the registry of push notification providers whose rules
// decide which of them a REGISTER must carry (draft section 5.3, 9, 10; RFC 8599).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pushcore/core/status.hpp"
#include "pushcore/sip/uri.hpp"

namespace pushcore::sip_push {

// One parameter value as written in the URI.
struct PushValue {
    std::string_view raw;  // %HH escapes kept; without quotes when `quoted`
    bool present = false;
    bool quoted = false;  // the draft's own example quotes pn-prid; RFC 3261 does not allow it
    size_t offset = 0;    // of the parameter name within the parameter list

    // The value with escapes (or quoted-pairs) resolved.
    std::string decoded() const;
};

// The pn-* parameters of one URI (a REGISTER's Contact or a request's Request-URI).
struct PushParams {
    PushParams() noexcept {}  // member by member, as sip::Uri()

    PushValue provider;  // pn-provider
    PushValue param;     // pn-param
    PushValue prid;      // pn-prid
    PushValue purr;      // pn-purr (RFC 8599)
    PushValue enckey;    // pn-enckey (draft 4, RFC 8291 public key)
    PushValue enccode;   // pn-enccode (draft 12.1.5, RFC 8291 auth secret)
    size_t unknown = 0;  // other pn-* parameters: kept in the URI, listed by for_each_unknown

    // True when any pn-* parameter is present (the UA asks for push).
    bool any() const noexcept {
        return provider.present || prid.present || param.present || purr.present || unknown > 0;
    }
};

// Reads the pn-* parameters from a validated uri-parameter list (sip::Uri::params).
// A pn-* parameter given twice, or without a value, is Status::push_info_invalid with
// the offset of the second or empty one. Allocation-free.
Status read_push_params(std::string_view uri_params, PushParams& out, Error& err) noexcept;

// The same for a parsed URI (sip::NameAddr::sip, or a Request-URI), with the same results
// as read_push_params(uri.params, ...): it reads the parameters where parse_uri recorded
// them (Uri::params_index) instead of walking the list again.
Status read_push_params(const sip::Uri& uri, PushParams& out, Error& err) noexcept;

// The pn-* parameters read_push_params does not know, decoded, in order: kept and
// reported so a host can log or forward what a newer UA sends.
std::vector<std::pair<std::string, std::string>> unknown_push_params(std::string_view uri_params);

// Owned push information, as a UA writes it into its Contact URI.
struct PushInfo {
    std::string provider;
    std::string prid;
    std::optional<std::string> param;
    std::optional<std::string> purr;
    std::optional<std::string> enckey;
    std::optional<std::string> enccode;
};

// Decodes what read_push_params found.
PushInfo to_info(const PushParams& p);

// Appends ";pn-provider=..;pn-param=..;pn-prid=.." escaped as uri-parameter values,
// never quoted (RFC 3261 pvalue has no quoted form).
void append_push_params(std::string& out, const PushInfo& info);

// --- providers ----------------------------------------------------------------------

enum class Need : uint8_t { required, optional, unused };

enum class ValueFormat : uint8_t {
    any,          // any non-empty value
    hex,          // APNs device token: hexadecimal digits
    apns_app_id,  // TeamID.BundleID, optionally with a ".voip"-style suffix (RFC 8599 11)
    https_uri,    // an https: push subscription URI (RFC 8599 with RFC 8030)
};

struct ProviderRule {
    std::string name;  // the pn-provider value, compared case-insensitively
    Need param = Need::optional;
    ValueFormat param_format = ValueFormat::any;
    ValueFormat prid_format = ValueFormat::any;
};

class ProviderRegistry {
  public:
    // apns (draft 9), fcm (draft 10) and webpush (RFC 8599 with RFC 8030).
    static ProviderRegistry with_defaults();

    // Status::already_exists when the name is taken, invalid_argument when it is not a token.
    Status add(ProviderRule rule);
    const ProviderRule* find(std::string_view provider) const noexcept;
    const std::vector<ProviderRule>& rules() const noexcept { return rules_; }

    // Checks that `p` carries everything its provider needs (draft 5.3): pn-provider and
    // pn-prid always, pn-param when the provider requires it, each in the provider's
    // format. Errors: push_info_missing (what is absent is named in err.reason),
    // push_provider_unsupported, push_info_invalid.
    Status validate(const PushParams& p, Error& err) const;

  private:
    std::vector<ProviderRule> rules_;
};

}  // namespace pushcore::sip_push
