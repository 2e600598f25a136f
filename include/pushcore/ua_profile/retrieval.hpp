// Retrieval of a profile over HTTP(S) (draft-ietf-sipping-config-framework-08 sections
// 8.1.2 and 8.4).
//
// A device that starts with retrieval instead of a SUBSCRIBE (8.1.2, manual discovery of
// an HTTPS URI) MUST send the Event header field in the HTTPS request in the format of the
// SUBSCRIBE (7.2): vendor, model and version are mandatory there, and profile-type says
// which profile is wanted. The helpers here write that request head (device side) and read
// the Event field of such a request (server side). Neither needs the http module: the
// ua_profile module builds without web push or nghttp2, for firmware.
#pragma once

#include <string>
#include <string_view>

#include "pushcore/core/status.hpp"
#include "pushcore/ua_profile/event_header.hpp"
#include "pushcore/ua_profile/form.hpp"

namespace pushcore::ua_profile {

// Appends an HTTP/1.1 GET request head for `url` (http://host[:port][/path][?query] or
// https://...; the scheme case-insensitive, the fragment not sent):
//
//   GET /path?query HTTP/1.1
//   Host: host[:port]
//   Event: ua-profile;profile-type=device;vendor="...";model="...";version="..."
//   Accept: <accept>            (when given)
//   User-Agent: <user_agent>    (when given)
//   <empty line>
//
// The path is sent in origin-form ("/" when the URL has none). The Event value is
// append_event(event), checked as a SUBSCRIBE's (8.1.2 -> 7.2, Form::draft08).
// Refusals (nothing appended):
//   Status::invalid_argument  the URL is not http/https, has no host, a bad port, userinfo,
//                             or a byte that cannot go in a request line; or accept /
//                             user_agent hold a CR, LF or other control character.
//                             err.reason names it ("url: not http or https").
//   check_for's status        (Status::missing_header) the event lacks profile-type,
//                             vendor, model or version, or has a profile-type append_event
//                             cannot write (an `other` type whose token is no token):
//                             err.reason "vendor: required in SUBSCRIBE".
//   parse_event's status      (Status::syntax, bad_escape) the written Event value would
//                             not parse (an empty vendor, a profile-type token that is not
//                             a token, ...): err.reason from parse_event.
Status append_retrieval_request(std::string& out, std::string_view url, const UaProfileEvent& event,
                                Error& err, std::string_view user_agent = {},
                                std::string_view accept = {});

// Reads the Event header field value of a retrieval request (server side): parse_event
// and check_for(Method::subscribe, ..., form). `out` holds views into
// `event_field_value`. Pass an empty value when the request had no Event field.
//   Status::missing_header  no Event field (8.1.2: MUST be provided), or a SUBSCRIBE
//                           parameter it requires is missing (check_for's reason).
//   Status::not_found       another event package (parse_event).
//   Status::syntax, ...     parse_event's errors, with their reason and offset.
Status read_retrieval_event(std::string_view event_field_value, UaProfileEvent& out, Error& err,
                            Form form = Form::draft08);

}  // namespace pushcore::ua_profile
