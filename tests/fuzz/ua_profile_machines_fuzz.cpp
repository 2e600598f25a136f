// Fuzz target: the two SIP machines of the ua-profile event package
// (draft-ietf-sipping-config-framework-08; RFC 3265/6665), ProfileNotifier and
// ProfileSubscriber, driven through their C++ APIs by a short script.
//
// Input: a header, then records, each introduced by the separator "\n@@":
//   <header>\n@@<op><payload>\n@@<op><payload>...
// The header's first byte picks the run: 'N' the notifier, 'S' the subscriber, 'P' both
// talking to each other over a network the script controls (anything else: byte % 3).
// Its next two bytes c1, c2 (0 when absent) choose the configuration (NotifierSide::create,
// SubscriberSide::create: form, policies, limits, expiry, lookup mode, notify timeout,
// profile type and URI, transport, Expires, hash function). A record's first byte is
// the operation; one '\n' after it is skipped, the rest up to the next separator is the
// payload. Numbers in payloads are decimal (leading digits, then an optional space).
//
// Notifier ('N'):
//   S / s   a SIP message (request or response) from peer 1 / peer 2
//   R / Q   a response to the oldest NOTIFY not yet answered (R, which it then forgets)
//           or to the newest one (Q): payload "<code>" then raw header lines to add
//   T / J   advance the clock by N ms / to next_deadline(), then on_timeout()
//   P       profile_changed(): payload [e<eff> ][t<type> ][identity]; without an identity
//           the last subscribed one (and its type); the host's profile changes too
//   X       terminate(): payload "<index into subscriptions> <why> [<retry-after>]"
//   F       output_failed(): now (no payload) or on output number N of the next drain
//   L       the host's profile: a digit (lookup mode), or "type|url|cid|hash|exp|body|size"
//   E       add_expected(): "<not-before> <not-after> <device>"; e: remove_expected,
//           u: remove_enrolled (payload: a device)
// Subscriber ('S'):
//   B / Z   start() / stop()
//   S       a SIP message (request or response)
//   A       a response to the last SUBSCRIBE it sent: "<code>" then raw header lines
//   N / n   a NOTIFY in the dialog of the last SUBSCRIBE (its Call-ID, its From as To, its
//           To (tag "srv1" added) as From), the next CSeq (n: the same CSeq as the last
//           one, a new branch); the payload is the rest of the message: more header
//           lines, the empty line, the body
//   M       the last NOTIFY again (a retransmission: same branch and CSeq)
//   G / H   on_fetched() / on_fetch_failed(): payload[0] picks an announced Content-ID
//           (or, before any, the payload is the id); G's remaining payload is the content
//   Y       applied();  T / J  as above
// Pair ('P'): the subscriber's outputs queue for the notifier and the other way round.
//   B Z     start() / stop();  D d r: deliver / drop / duplicate the next message to the
//   notifier;  E e f: the same towards the subscriber;  W: deliver everything until both
//   queues are empty;  P X L(digit) T J as for the notifier;  G H as for the subscriber
//   (G with no content after the selector: the content the host serves, hash verified).
//
// Checks (abort with the line on violation):
//   every output of either machine parses as a SIP message (and exactly: its declared
//   Content-Length covers its body); a NOTIFY carries Via with a branch, From, To,
//   Call-ID, CSeq "n NOTIFY", an Event header that parses as ua-profile and satisfies
//   the NOTIFY table, a Subscription-State, and a Content-Type when it has a body; with
//   well-formed host data its body parses as a ua-profile NOTIFY body; NOTIFY CSeqs
//   grow within a dialog and a retransmission is byte-identical;
//   every request received gets exactly one response (none when it has no usable Via,
//   at most one for an ACK), a final one, to the peer it came from, with the request's
//   Call-ID, CSeq and top Via; a subscriber's answer is 200 exactly when receive() is ok;
//   a response received makes no response;
//   notifier: subscribed/terminated events pair up (no id twice, none terminated that
//   was not subscribed), state_of() is set exactly for subscriptions alive by those
//   events, subscription_count() equals their number and never exceeds
//   max_subscriptions; a SUBSCRIBE in the dialog of a live subscription (its Call-ID,
//   From tag and To tag) never makes a new subscription; terminate() is not_found exactly
//   for ids not alive and leaves the subscription not active; the identities the host is
//   asked about are canonical device ids for device and local-network profiles;
//   subscriber: start() succeeds exactly from idle or terminated; each SUBSCRIBE has a
//   parsable ua-profile Event valid for SUBSCRIBE and an Expires, and CSeqs that grow
//   (a retransmission repeats the request byte for byte); pending_fetches() matches the
//   fetch events not yet reported and stays <= 32; on_fetched/on_fetch_failed succeed
//   exactly for pending ids and report them; one stored profile per media type;
//   both: after on_timeout(now), next_deadline() > now (the host is never asked to spin);
//   pair: with well-formed host data neither side refuses the other's requests as
//   malformed (400, 404, 405, 416, 489); inline profiles are documents the host serves and
//   fetches name URLs the host gave.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pushcore/sip/headers.hpp"
#include "pushcore/sip/message.hpp"
#include "pushcore/ua_profile/content_indirection.hpp"
#include "pushcore/ua_profile/device_id.hpp"
#include "pushcore/ua_profile/event_header.hpp"
#include "pushcore/ua_profile/profile_notifier.hpp"
#include "pushcore/ua_profile/profile_subscriber.hpp"

using namespace pushcore;
using namespace pushcore::ua_profile;

namespace {

[[noreturn]] void violated(const char* what, int line) {
    std::fprintf(stderr, "ua_profile_machines_fuzz.cpp:%d: check failed: %s\n", line, what);
    std::abort();
}
#define EXPECT(cond) ((cond) ? (void)0 : violated(#cond, __LINE__))

using Notifier = ProfileNotifier;
using Subscriber = ProfileSubscriber;

// UA_PROFILE_MACHINES_TRACE=1 in the environment: the first line of every output, and
// every event, on stderr (to see how deep a seed goes).
bool tracing() {
    static const bool on = std::getenv("UA_PROFILE_MACHINES_TRACE") != nullptr;
    return on;
}

void trace_output(const char* who, std::string_view bytes) {
    if (tracing())
        std::fprintf(stderr, "  %s> %.*s\n", who, static_cast<int>(bytes.find("\r\n")),
                     bytes.data());
}

void trace_event(const char* who, int type, std::string_view detail) {
    if (tracing())
        std::fprintf(stderr, "  %s event %d %.*s\n", who, type, static_cast<int>(detail.size()),
                     detail.data());
}

constexpr std::string_view kSep = "\n@@";
constexpr size_t kMaxRecords = 160;

// --- deterministic services ---------------------------------------------------------------

// A 64-bit LCG; each output byte is the top byte of the next state.
int lcg_random(void* ctx, uint8_t* out, size_t len) {
    auto* state = static_cast<uint64_t*>(ctx);
    for (size_t i = 0; i < len; ++i) {
        *state = *state * 6364136223846793005ull + 1442695040888963407ull;
        out[i] = static_cast<uint8_t>(*state >> 56);
    }
    return 0;
}

// Stand-in for SHA-1 so that inputs can match a hash: digest[i] = sum of bytes + 7 * i.
int sum_sha1(void*, const uint8_t* data, size_t len, uint8_t digest[20]) {
    unsigned sum = 0;
    for (size_t i = 0; i < len; ++i) sum += data[i];
    for (unsigned i = 0; i < 20; ++i) digest[i] = static_cast<uint8_t>(sum + 7 * i);
    return 0;
}

std::string sum_sha1_hex(std::string_view content) {
    static constexpr char kHex[] = "0123456789abcdef";
    uint8_t d[20];
    sum_sha1(nullptr, reinterpret_cast<const uint8_t*>(content.data()), content.size(), d);
    std::string out;
    for (uint8_t b : d) {
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 15]);
    }
    return out;
}

bool same_text_ci(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
        char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] + 32) : b[i];
        if (x != y) return false;
    }
    return true;
}

uint64_t fnv1a(std::string_view s) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

std::string hex_of(uint64_t v, int digits) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int i = digits - 1; i >= 0; --i) out.push_back(kHex[(v >> (4 * i)) & 15]);
    return out;
}

// --- script ---------------------------------------------------------------------------------

struct Record {
    char op;
    std::string_view payload;
};

std::vector<Record> split(std::string_view in, std::string_view& header) {
    std::vector<Record> out;
    size_t p = in.find(kSep);
    header = in.substr(0, p);
    while (p != std::string_view::npos && out.size() < kMaxRecords) {
        size_t start = p + kSep.size();
        size_t next = in.find(kSep, start);
        std::string_view rec = in.substr(
            start, next == std::string_view::npos ? std::string_view::npos : next - start);
        if (!rec.empty()) {
            char op = rec[0];
            rec.remove_prefix(1);
            if (!rec.empty() && rec[0] == '\n') rec.remove_prefix(1);
            out.push_back({op, rec});
        }
        p = next;
    }
    return out;
}

// Leading decimal digits (at most 12) and one space after them; `fallback` when none.
uint64_t take_number(std::string_view& s, uint64_t fallback) {
    size_t i = 0;
    uint64_t v = 0;
    while (i < s.size() && i < 12 && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0');
    if (i == 0) return fallback;
    s.remove_prefix(i);
    if (!s.empty() && s[0] == ' ') s.remove_prefix(1);
    return v;
}

uint16_t status_code(std::string_view& payload) {
    uint64_t code = take_number(payload, 200);
    if (code < 100 || code > 699) code = 100 + code % 600;
    return static_cast<uint16_t>(code);
}

// --- messages -------------------------------------------------------------------------------

// A parsed message and the bytes it views.
struct Parsed {
    std::unique_ptr<std::string> text;
    sip::Message msg{16};
    bool ok = false;
};

// What the machines write is parsed without practical limits: only its syntax is judged.
sip::Limits roomy_limits() {
    sip::Limits l;
    l.max_header_bytes = size_t{1} << 24;
    l.max_headers = size_t{1} << 20;
    l.max_body_bytes = size_t{1} << 24;
    return l;
}

Parsed parse(std::string text, const sip::Limits& limits = sip::Limits{}) {
    Parsed p;
    p.text = std::make_unique<std::string>(std::move(text));
    Error err;
    p.ok = sip::parse_datagram(*p.text, p.msg, limits, err) == Status::ok;
    if (!p.ok) EXPECT(err.status != Status::ok);
    return p;
}

// An output: parses, and exactly (Content-Length covers the body, nothing trails).
Parsed parse_output(std::string text) {
    Parsed p = parse(std::move(text), roomy_limits());
    if (!p.ok) std::fprintf(stderr, "unparsable output:\n%s\n", p.text->c_str());
    EXPECT(p.ok);
    EXPECT(p.msg.raw.size() == p.text->size());
    EXPECT(p.msg.find(sip::HeaderId::content_length) != nullptr);
    return p;
}

std::string_view value(const sip::Message& m, sip::HeaderId id) {
    const sip::Header* h = m.find(id);
    return h ? h->value : std::string_view();
}

bool cseq_of(const sip::Message& m, sip::CSeq& out) {
    const sip::Header* h = m.find(sip::HeaderId::cseq);
    Error err;
    return h && sip::parse_cseq(h->value, out, err) == Status::ok;
}

// A response built by a machine for `request`: it carries the request's Call-ID, CSeq
// (number and method) and top Via (RFC 3261 8.2.6.2: the client matches it by the branch).
void check_answers(const sip::Message& response, const sip::Message& request) {
    EXPECT(!response.is_request);
    EXPECT(response.status_code >= 200);
    EXPECT(value(response, sip::HeaderId::call_id) == value(request, sip::HeaderId::call_id));
    sip::CSeq a, b;
    if (cseq_of(request, b)) {
        EXPECT(cseq_of(response, a));
        EXPECT(a.number == b.number && a.method == b.method);
    }
    EXPECT(value(response, sip::HeaderId::via) == value(request, sip::HeaderId::via));
}

// A response to `request` (a machine's NOTIFY or SUBSCRIBE) with `extra` header lines.
std::string response_to(const sip::Message& request, uint16_t code, std::string_view to_tag,
                        std::string_view extra) {
    std::string out;
    sip::begin_response(out, request, code, to_tag);
    out.append(extra);
    sip::MessageWriter(out).finish();
    return out;
}

// --- the host of the notifier ---------------------------------------------------------------

struct Host {
    // 0: by a hash of the identity (one of the next four); 1: by reference and inline;
    // 2: inline only; 3: by reference only, no Content-ID, no type; 4: unknown to all.
    int mode = 0;
    bool custom = false;  // the script gave the profile's fields: anything goes
    Notifier::Profile custom_profile;
    uint64_t version = 1;  // bumped by profile_changed: the content changes
    // Every profile handed out (not the script's own): URL -> content, inline bodies.
    mutable std::map<std::string, std::string> served_urls;
    mutable std::set<std::string> served_bodies;

    static std::string content_for(std::string_view identity, uint64_t version) {
        return "<device-profile id=\"" + hex_of(fnv1a(identity), 16) + "\" version=\"" +
               std::to_string(version) + "\"/>\r\n";
    }

    bool lookup(const Notifier::ProfileQuery& q, Notifier::Profile& out) const {
        if (q.type == ProfileType::device || q.type == ProfileType::local_network) {
            // The notifier names devices by their canonical identifier.
            DeviceId id;
            Error err;
            EXPECT(parse_device_id(q.identity, id, err) == Status::ok);
            EXPECT(id.canonical == q.identity);
        }
        if (custom) {
            out = custom_profile;
            return true;
        }
        if (!make(q, out)) return false;
        if (!out.url.empty()) served_urls.emplace(out.url, out.body);
        if (!out.body.empty()) served_bodies.insert(out.body);
        return true;
    }

    bool make(const Notifier::ProfileQuery& q, Notifier::Profile& out) const {
        int m = mode;
        if (m == 0) m = 1 + static_cast<int>(fnv1a(q.identity) % 4);
        const std::string key = hex_of(fnv1a(q.identity), 16);
        out = Notifier::Profile{};
        switch (m) {
            case 1:
                out.content_type = "application/x-z100-device-profile";
                out.url = "http://profiles.example.com/" + key + "/v" + std::to_string(version);
                if (version % 2 == 0) out.content_id = key + "." + std::to_string(version) + "@pds";
                out.body = content_for(q.identity, version);
                out.size = out.body.size();
                out.hash = sum_sha1_hex(out.body);
                out.expiration = "Mon, 24 June 2002 09:00:00 GMT";
                return true;
            case 2:
                out.content_type = "application/x-z100-device-profile";
                out.body = content_for(q.identity, version);
                return true;
            case 3:
                out.url = "https://profiles.example.com/" + key + "?v=" + std::to_string(version);
                return true;
            default:
                return false;
        }
    }

    // 'L': a lookup mode digit, or the profile's fields separated by '|'.
    void configure(std::string_view payload, bool allow_custom) {
        if (payload.size() <= 1 || !allow_custom) {
            unsigned char c = payload.empty() ? '0' : static_cast<unsigned char>(payload[0]);
            mode = (c >= '0' && c <= '9' ? c - '0' : c) % 5;
            custom = false;
            return;
        }
        std::vector<std::string> f;
        size_t start = 0;
        while (f.size() < 6) {
            size_t bar = payload.find('|', start);
            if (bar == std::string_view::npos) break;
            f.emplace_back(payload.substr(start, bar - start));
            start = bar + 1;
        }
        f.emplace_back(payload.substr(start));
        f.resize(7);
        custom = true;
        custom_profile = Notifier::Profile{};
        custom_profile.content_type = f[0];
        custom_profile.url = f[1];
        custom_profile.content_id = f[2];
        custom_profile.hash = f[3];
        custom_profile.expiration = f[4];
        custom_profile.body = f[5];
        std::string_view size = f[6];
        if (!size.empty()) custom_profile.size = take_number(size, 0);
    }
};

// --- the notifier under test ----------------------------------------------------------------

const Notifier::Peer kPeers[2] = {{1, "10.1.1.44", 5060}, {2, "192.0.2.7", 5070}};

struct NotifierSide {
    uint64_t rng = 0x5eed;
    Host host;
    std::optional<Notifier> n;
    size_t max_subs = 0;
    bool sane = true;  // host data well formed: NOTIFY bodies must parse back

    std::set<uint64_t> live, ended;
    std::vector<uint64_t> ids;  // every subscription, in order
    std::vector<std::pair<ProfileType, std::string>> identities;
    std::map<std::string, uint64_t> dialogs;       // Call-ID \n From tag \n To tag -> id
    std::deque<std::string> unanswered;            // NOTIFYs sent (one copy each), oldest first
    std::set<std::string> branches;                // NOTIFY branches seen
    std::map<std::string, std::string> by_branch;  // NOTIFY branch -> its bytes
    std::map<std::string, uint32_t> notify_cseq;   // NOTIFY dialog -> last CSeq
    int fail_at = -1;                              // output_failed on this output
    std::deque<std::string>* forward = nullptr;    // pair: every output goes here too

    bool create(uint8_t c1, uint8_t c2) {
        Notifier::Config c;
        c.random = Random{lcg_random, &rng};
        c.via_sent_by = "192.0.2.1:5060";
        c.contact = "<sip:profiles@192.0.2.1>";
        c.form = c1 & 1 ? Form::rfc6080 : Form::draft08;
        c.accept_unknown = !(c1 & 2);
        c.accept_unknown_dialog = !(c1 & 4);
        c.accept_application = !(c1 & 8);
        static constexpr size_t kMax[4] = {8, 1, 2, 3};
        c.max_subscriptions = max_subs = kMax[(c1 >> 4) & 3];
        if (!(c1 & 64))
            c.network_user_policy = [](std::string_view device, std::string_view user) {
                return device.size() % 2 == user.size() % 2;
            };
        host.mode = c2 & 3;
        switch ((c2 >> 2) & 3) {
            case 1:
                c.min_expires = c.default_expires = c.max_expires = 3600;
                break;
            case 2:
                c.min_expires = 0;
                c.default_expires = 60;
                c.max_expires = 120;
                break;
            case 3:
                c.min_expires = 1;
                c.default_expires = 1;
                c.max_expires = UINT32_MAX;
                break;
            default:
                break;  // 60, 86400, 7 days
        }
        static constexpr uint64_t kTimeout[4] = {64 * 500, 1, 0, 100000};
        c.notify_timeout_ms = kTimeout[(c2 >> 4) & 3];
        c.lookup = [this](const Notifier::ProfileQuery& q, Notifier::Profile& out) {
            return host.lookup(q, out);
        };
        Error err;
        return Notifier::create(std::move(c), n, err) == Status::ok;
    }

    static std::string dialog_key(std::string_view call_id, std::string_view from_tag,
                                  std::string_view to_tag) {
        std::string k(call_id);
        k.append("\n").append(from_tag).append("\n").append(to_tag);
        return k;
    }

    void check_notify(const Notifier::Output& o, const sip::Message& m) {
        EXPECT(m.method == "NOTIFY");
        EXPECT(o.to.flow == kPeers[0].flow || o.to.flow == kPeers[1].flow);
        sip::Via via;
        Error err;
        EXPECT(sip::top_via(m, via, err) == Status::ok);
        EXPECT(via.branch.substr(0, 7) == "z9hG4bK");
        EXPECT(m.find(sip::HeaderId::from) && m.find(sip::HeaderId::to));
        EXPECT(m.find(sip::HeaderId::call_id));
        sip::CSeq cseq;
        EXPECT(cseq_of(m, cseq) && cseq.method == "NOTIFY");
        const sip::Header* ev_h = m.find(sip::HeaderId::event);
        EXPECT(ev_h != nullptr);
        UaProfileEvent ev;
        if (parse_event(ev_h->value, ev, err) != Status::ok)
            std::fprintf(stderr, "bad NOTIFY Event: %.*s (%s)\n",
                         static_cast<int>(ev_h->value.size()), ev_h->value.data(), err.reason);
        EXPECT(parse_event(ev_h->value, ev, err) == Status::ok);
        EXPECT(check_for(Method::notify, ev, Form::draft08, err) == Status::ok);
        std::string_view state = value(m, sip::HeaderId::subscription_state);
        EXPECT(state.substr(0, 15) == "active;expires=" ||
               state.substr(0, 18) == "terminated;reason=");
        const sip::Header* ct = m.find(sip::HeaderId::content_type);
        if (!m.body.empty()) EXPECT(ct != nullptr);
        if (sane && ct && !m.body.empty()) {
            std::vector<BodyPart> parts;
            EXPECT(parse_notify_body(ct->value, m.body, parts, err) == Status::ok);
        }

        std::string branch(via.branch);
        auto known = by_branch.find(branch);
        if (known != by_branch.end()) {
            EXPECT(known->second == m.raw);  // Timer E: the same request again
            return;
        }
        by_branch.emplace(branch, std::string(m.raw));
        // Oriented as `dialogs`: Call-ID, the subscriber's tag, the notifier's tag.
        std::string key =
            dialog_key(value(m, sip::HeaderId::call_id), sip::tag_of(value(m, sip::HeaderId::to)),
                       sip::tag_of(value(m, sip::HeaderId::from)));
        auto last = notify_cseq.find(key);
        if (last != notify_cseq.end()) EXPECT(cseq.number > last->second);
        notify_cseq[key] = cseq.number;
        unanswered.emplace_back(m.raw);
        if (unanswered.size() > 32) unanswered.pop_front();
    }

    struct Batch {
        std::vector<Parsed> responses;
        std::vector<Parsed> notifies;
        std::vector<uint64_t> subscribed;
        std::vector<uint64_t> terminated;
    };

    // Takes every output and event, checking them; `from` is the peer of the request
    // just received (responses go there). `in_dialog`: the live subscription whose
    // dialog the request was in, which must not have started another one.
    Batch drain(uint64_t now, const Notifier::Peer* from = nullptr,
                std::optional<uint64_t> in_dialog = std::nullopt) {
        Batch b;
        events(b);
        if (in_dialog && !b.subscribed.empty())
            std::fprintf(stderr, "a SUBSCRIBE in the dialog of live subscription %llu made %llu\n",
                         static_cast<unsigned long long>(*in_dialog),
                         static_cast<unsigned long long>(b.subscribed[0]));
        EXPECT(!in_dialog || b.subscribed.empty());
        Notifier::Output o;
        int index = 0;
        while (n->next_output(o)) {
            trace_output("notifier", o.bytes);
            Parsed p = parse_output(o.bytes);
            if (forward) forward->push_back(*p.text);
            if (p.msg.is_request) {
                check_notify(o, p.msg);
                b.notifies.push_back(std::move(p));
            } else {
                EXPECT(from != nullptr);  // only a request is answered
                EXPECT(o.to.flow == from->flow && o.to.host == from->host &&
                       o.to.port == from->port);
                EXPECT(p.msg.status_code >= 200);
                b.responses.push_back(std::move(p));
            }
            if (fail_at == index++) {
                fail_at = -1;
                n->output_failed(now);
            }
        }
        events(b);
        // The dialogs of the subscriptions that ended (their last NOTIFYs seen) are gone:
        // a later subscription may reuse their identifiers (accept_unknown_dialog) and
        // count NOTIFY CSeqs from 1 again.
        for (uint64_t id : b.terminated) {
            for (auto it = dialogs.begin(); it != dialogs.end();) {
                if (it->second != id) {
                    ++it;
                    continue;
                }
                notify_cseq.erase(it->first);
                it = dialogs.erase(it);
            }
        }
        return b;
    }

    void events(Batch& b) {
        Notifier::Event e;
        while (n->next_event(e)) {
            trace_event("notifier", static_cast<int>(e.type), e.identity);
            switch (e.type) {
                case Notifier::Event::Type::subscribed:
                    EXPECT(e.subscription != 0);
                    EXPECT(!live.count(e.subscription) && !ended.count(e.subscription));
                    live.insert(e.subscription);
                    ids.push_back(e.subscription);
                    identities.emplace_back(e.profile_type, e.identity);
                    b.subscribed.push_back(e.subscription);
                    break;
                case Notifier::Event::Type::refreshed:
                    EXPECT(live.count(e.subscription));
                    break;
                case Notifier::Event::Type::terminated:
                    EXPECT(live.count(e.subscription));
                    live.erase(e.subscription);
                    ended.insert(e.subscription);
                    b.terminated.push_back(e.subscription);
                    break;
                case Notifier::Event::Type::default_user:
                    EXPECT(live.count(e.subscription) || ended.count(e.subscription));
                    EXPECT(!e.network_user.empty());
                    break;
                case Notifier::Event::Type::enrolled:
                case Notifier::Event::Type::enrollment_refused:
                    EXPECT(e.profile_type == ProfileType::device);
                    break;
            }
        }
        for (uint64_t id : live) EXPECT(n->state_of(id).has_value());
        for (uint64_t id : ended) EXPECT(!n->state_of(id).has_value());
        EXPECT(n->subscription_count() == live.size());
        EXPECT(live.size() <= max_subs);
    }

    // receive() of a message from kPeers[peer]; returns the batch it caused.
    Batch feed(const sip::Message& m, int peer, uint64_t now) {
        const Notifier::Peer& from = kPeers[peer];
        int expect = 0;  // responses: -1 means at most one
        sip::Via via;
        Error verr;
        bool has_via = sip::top_via(m, via, verr) == Status::ok;
        if (m.is_request) expect = !has_via ? 0 : m.method == "ACK" ? -1 : 1;

        // A SUBSCRIBE in the dialog of a live subscription refreshes it (or is refused);
        // it never starts another one.
        std::optional<uint64_t> in_dialog;
        if (m.is_request && m.method == "SUBSCRIBE") {
            std::string_view to_tag = sip::tag_of(value(m, sip::HeaderId::to));
            auto d = dialogs.find(dialog_key(value(m, sip::HeaderId::call_id),
                                             sip::tag_of(value(m, sip::HeaderId::from)), to_tag));
            if (!to_tag.empty() && d != dialogs.end() && live.count(d->second))
                in_dialog = d->second;
        }

        Error err;
        Status st = n->receive(m, from, now, err);
        if (st != Status::ok) EXPECT(err.status == st);
        Batch b = drain(now, &from, in_dialog);
        if (expect >= 0)
            EXPECT(b.responses.size() == static_cast<size_t>(expect));
        else
            EXPECT(b.responses.size() <= 1);
        if (m.is_request && !b.responses.empty()) check_answers(b.responses[0].msg, m);
        if (b.subscribed.size() == 1 && b.responses.size() == 1 &&
            b.responses[0].msg.status_code == 200) {
            const sip::Message& r = b.responses[0].msg;
            std::string key = dialog_key(value(r, sip::HeaderId::call_id),
                                         sip::tag_of(value(r, sip::HeaderId::from)),
                                         sip::tag_of(value(r, sip::HeaderId::to)));
            if (live.count(b.subscribed[0]))
                dialogs[key] = b.subscribed[0];
            else
                notify_cseq.erase(key);  // ended already (output_failed): the dialog is gone
        }
        EXPECT(b.subscribed.size() <= 1);
        return b;
    }

    void tick(uint64_t now) {
        n->on_timeout(now);
        drain(now);
        EXPECT(n->next_deadline() > now);
    }

    void profile_changed(std::string_view payload, uint64_t now) {
        std::optional<uint32_t> eff;
        std::optional<ProfileType> type;
        for (;;) {
            if (payload.size() >= 2 && payload[0] == 'e' && payload[1] >= '0' &&
                payload[1] <= '9') {
                payload.remove_prefix(1);
                eff = static_cast<uint32_t>(take_number(payload, 0));
            } else if (payload.size() >= 2 && payload[0] == 't' && payload[1] >= '0' &&
                       payload[1] <= '9') {
                payload.remove_prefix(1);
                type = static_cast<ProfileType>(take_number(payload, 0) % 5);
            } else {
                break;
            }
        }
        std::string identity(payload);
        if (identity.empty() && !identities.empty()) {
            identity = identities.back().second;
            if (!type) type = identities.back().first;
        }
        ++host.version;
        size_t count = n->profile_changed(type.value_or(ProfileType::device), identity, eff, now);
        EXPECT(count <= live.size());
        drain(now);
    }

    void terminate(std::string_view payload, uint64_t now) {
        uint64_t pick = take_number(payload, 0);
        uint64_t id = ids.empty() ? pick : ids[pick % ids.size()];
        auto why = static_cast<Notifier::Termination>(take_number(payload, 0) % 5);
        std::optional<uint32_t> retry;
        if (!payload.empty()) retry = static_cast<uint32_t>(take_number(payload, 0));
        Status st = n->terminate(id, why, retry, now);
        EXPECT((st == Status::not_found) == !live.count(id));
        if (st == Status::ok) EXPECT(n->state_of(id) != Notifier::State::active);
        EXPECT(st == Status::ok || st == Status::not_found || st == Status::invalid_state);
        drain(now);
    }

    // A response to one of the NOTIFYs sent.
    void answer(std::string_view payload, bool oldest, uint64_t now) {
        if (unanswered.empty()) return;
        std::string notify = oldest ? unanswered.front() : unanswered.back();
        if (oldest) unanswered.pop_front();
        Parsed req = parse(notify, roomy_limits());
        EXPECT(req.ok);
        uint16_t code = status_code(payload);
        Parsed resp = parse(response_to(req.msg, code, "ph1", payload));
        if (resp.ok) feed(resp.msg, 0, now);
    }
};

void run_notifier(uint8_t c1, uint8_t c2, const std::vector<Record>& script) {
    NotifierSide ns;
    if (!ns.create(c1, c2)) return;
    uint64_t now = 1000;
    for (const Record& r : script) {
        std::string_view payload = r.payload;
        switch (r.op) {
            case 'S':
            case 's': {
                Parsed in = parse(std::string(payload));
                if (in.ok) ns.feed(in.msg, r.op == 's', now);
                break;
            }
            case 'R':
            case 'Q':
                ns.answer(payload, r.op == 'R', now);
                break;
            case 'T':
                now += take_number(payload, 1);
                ns.tick(now);
                break;
            case 'J': {
                uint64_t d = ns.n->next_deadline();
                if (d != PUSHCORE_NO_DEADLINE && d > now) now = d;
                ns.tick(now);
                break;
            }
            case 'P':
                ns.profile_changed(payload, now);
                break;
            case 'X':
                ns.terminate(payload, now);
                break;
            case 'F':
                if (payload.empty()) {
                    Status st = ns.n->output_failed(now);
                    EXPECT(st == Status::ok || st == Status::not_found);
                    ns.drain(now);
                } else {
                    ns.fail_at = static_cast<int>(take_number(payload, 0) % 8);
                }
                break;
            case 'L':
                ns.host.configure(payload, true);
                if (ns.host.custom) ns.sane = false;
                break;
            case 'E': {
                uint64_t nb = take_number(payload, 0), na = take_number(payload, 0);
                Error err;
                Status st = ns.n->add_expected(payload, nb, na, err);
                if (st == Status::ok) {
                    EXPECT(ns.n->is_expected(payload));
                    DeviceId id;
                    Error e2;
                    EXPECT(parse_device_id(payload, id, e2) == Status::ok);
                    bool listed = false;
                    for (const Notifier::ExpectedDevice& d : ns.n->expected_devices())
                        listed |= d.device == id.canonical && d.not_before_ms == nb &&
                                  d.not_after_ms == na;
                    EXPECT(listed);
                }
                break;
            }
            case 'e':
                ns.n->remove_expected(payload);
                EXPECT(!ns.n->is_expected(payload));
                break;
            case 'u': {
                ns.n->remove_enrolled(payload);
                EXPECT(!ns.n->is_enrolled(payload));
                DeviceId id;
                Error err;
                if (parse_device_id(payload, id, err) == Status::ok)
                    for (const std::string& d : ns.n->enrolled_devices()) EXPECT(d != id.canonical);
                break;
            }
            default:
                break;
        }
    }
    // Run out the clock: every subscription ends (its terminated NOTIFY unanswered).
    for (int i = 0; i < 64 && ns.n->next_deadline() != PUSHCORE_NO_DEADLINE; ++i) {
        now = std::max(now, ns.n->next_deadline());
        ns.tick(now);
    }
}

// --- the subscriber under test --------------------------------------------------------------

struct SubscriberSide {
    uint64_t rng = 0xfeed;
    std::optional<Subscriber> s;
    Form form = Form::draft08;

    std::string last_subscribe;  // the last SUBSCRIBE sent (bytes)
    uint32_t last_cseq = 0;
    std::string last_notify;  // 'N' / 'n': the last NOTIFY built
    uint32_t notify_cseq = 0;
    uint32_t branch_no = 0;
    std::vector<std::string> announced;   // Content-IDs of fetch events, in order
    std::set<std::string> pending;        // ... not yet reported to the machine
    std::vector<std::string> fetch_urls;  // URLs of fetch events
    std::vector<std::string> inline_bodies;
    std::deque<std::string>* forward = nullptr;  // pair: every output goes here too
    std::string identity;  // what a notifier should take the subscriptions to be for

    bool create(uint8_t c1, uint8_t c2, bool pair = false) {
        SubscriberConfig c;
        c.random = Random{lcg_random, &rng};
        c.vendor = "vendor.example.com";
        c.model = "Z100";
        c.version = "1.2.3";
        c.contact = "sip:MAC%3aFF00000036C5@10.1.1.44";
        c.sent_by = "10.1.1.44:5060";
        c.accept = {"application/x-z100-device-profile"};
        switch (c1 & 7) {
            case 0:
                c.request_uri = "sip:MAC%3aFF00000036C5@acme.example.com";
                if (!pair) c.network_user = "sip:alice@example.com";
                break;
            case 1:
                c.request_uri =
                    "sip:urn%3auuid%3af81d4fae-7ced-11d0-a765-00a0c91e6bf6@acme.example.com";
                c.form = Form::rfc6080;
                break;
            case 2:
                c.profile_type = ProfileType::user;
                c.request_uri = "sip:alice@example.com";
                break;
            case 3:
                c.profile_type = ProfileType::local_network;
                c.request_uri = "sip:MAC%3a00DF1E004CD0@example.com";
                break;
            case 4:
                c.profile_type = ProfileType::application;
                c.request_uri = "sip:alice@example.com";
                break;
            case 5:
                c.profile_type = ProfileType::other;
                c.profile_type_token = "x-codec";
                c.request_uri = "sip:alice@example.com";
                break;
            case 6:
                c.request_uri = "sip:MAC%3aFF00000036C5@acme.example.com";
                c.accept = {"application/x-z100-device-profile", "application/url", "text/plain"};
                c.user_agent = "Z100/1.2.3";
                break;
            default:
                c.request_uri = "sip:MAC%3aFF00000036C5@acme.example.com";
                c.accept = {};
                c.from = "sip:alice@example.com";
                break;
        }
        form = c.form;
        identity = "alice@example.com";
        if (c.profile_type == ProfileType::device || c.profile_type == ProfileType::local_network) {
            DeviceId id;
            Error err;
            EXPECT(parse_device_request_uri(c.request_uri, id, err) == Status::ok);
            identity = id.canonical;
        }
        c.transport = c1 & 8 ? "TCP" : "UDP";
        static constexpr uint32_t kExpires[4] = {86400, 0, 3600, 100};
        c.expires = kExpires[(c1 >> 4) & 3];
        switch ((c1 >> 6) & 3) {
            case 1:
                c.hash = HashFn{};
                break;
            case 2:
                c.hash = HashFn::system_default();
                break;
            default:
                c.hash = HashFn{sum_sha1, nullptr};
                break;
        }
        static constexpr uint32_t kMargin[4] = {600, 0, 1000000, 30};
        c.refresh_margin = kMargin[c2 & 3];
        Error err;
        return Subscriber::create(std::move(c), s, err) == Status::ok;
    }

    void check_subscribe(const sip::Message& m, const std::string& bytes) {
        EXPECT(m.method == "SUBSCRIBE");
        sip::CSeq cseq;
        EXPECT(cseq_of(m, cseq) && cseq.method == "SUBSCRIBE");
        if (cseq.number == last_cseq)
            EXPECT(bytes == last_subscribe);  // Timer E: the same request again
        else
            EXPECT(cseq.number > last_cseq);
        last_cseq = cseq.number;
        last_subscribe = bytes;
        Error err;
        UaProfileEvent ev;
        EXPECT(parse_event(value(m, sip::HeaderId::event), ev, err) == Status::ok);
        EXPECT(check_for(Method::subscribe, ev, form, err) == Status::ok);
        uint32_t expires = 0;
        EXPECT(sip::parse_delta_seconds(value(m, sip::HeaderId::expires), expires, err) ==
               Status::ok);
        sip::Via via;
        EXPECT(sip::top_via(m, via, err) == Status::ok && via.branch.substr(0, 7) == "z9hG4bK");
        EXPECT(!sip::tag_of(value(m, sip::HeaderId::from)).empty());
        EXPECT(m.body.empty());
    }

    struct Batch {
        std::vector<Parsed> responses;
        std::vector<Parsed> requests;
    };

    Batch drain() {
        Batch b;
        std::string out;
        while (s->next_output(out)) {
            trace_output("subscriber", out);
            Parsed p = parse_output(out);
            if (forward) forward->push_back(*p.text);
            if (p.msg.is_request) {
                check_subscribe(p.msg, *p.text);
                b.requests.push_back(std::move(p));
            } else {
                EXPECT(p.msg.status_code >= 200);
                b.responses.push_back(std::move(p));
            }
        }
        events();
        return b;
    }

    void events() {
        Subscriber::Event e;
        while (s->next_event(e)) {
            trace_event("subscriber", static_cast<int>(e.type), e.content_id + " " + e.reason);
            switch (e.type) {
                case Subscriber::Event::Type::fetch:
                    EXPECT(!e.url.empty() && !e.content_id.empty());
                    EXPECT(!pending.count(e.content_id));
                    pending.insert(e.content_id);
                    announced.push_back(e.content_id);
                    fetch_urls.push_back(e.url);
                    if (!e.hash.empty()) EXPECT(e.hash.size() == 40);
                    break;
                case Subscriber::Event::Type::profile:
                    inline_bodies.push_back(e.body);
                    break;
                case Subscriber::Event::Type::profile_ready:
                case Subscriber::Event::Type::fetch_failed:
                    EXPECT(!e.content_id.empty());
                    EXPECT(!pending.count(e.content_id));  // reported by the host already
                    break;
                default:
                    break;
            }
        }
        EXPECT(s->pending_fetches() == pending.size());
        EXPECT(s->pending_fetches() <= 32);
        const auto& profiles = s->profiles();
        EXPECT((s->current_profile() == nullptr) == profiles.empty());
        // One slot per media type (compared case-insensitively, RFC 2045 5.1), which
        // current_profile(type) finds.
        for (size_t i = 0; i < profiles.size(); ++i) {
            for (size_t j = i + 1; j < profiles.size(); ++j)
                EXPECT(!same_text_ci(profiles[i].content_type, profiles[j].content_type));
            EXPECT(s->current_profile(profiles[i].content_type) == &profiles[i]);
        }
    }

    Batch feed(const sip::Message& m, uint64_t now, Status* status = nullptr) {
        Error err;
        Status st = s->receive(m, now, err);
        if (status) *status = st;
        if (st != Status::ok) EXPECT(err.status == st);
        Batch b = drain();
        if (m.is_request) {
            EXPECT(b.responses.size() == 1);  // every request is answered, once
            EXPECT(b.requests.empty());
            check_answers(b.responses[0].msg, m);
            EXPECT((b.responses[0].msg.status_code == 200) == (st == Status::ok));
        } else {
            EXPECT(b.responses.empty());
            EXPECT(b.requests.size() <= 1);
        }
        return b;
    }

    void tick(uint64_t now) {
        s->on_timeout(now);
        drain();
        EXPECT(s->next_deadline() > now);
    }

    void start(uint64_t now) {
        Subscriber::State before = s->state();
        Status st = s->start(now);
        bool may = before == Subscriber::State::idle || before == Subscriber::State::terminated;
        EXPECT((st == Status::ok) == may);
        Batch b = drain();
        if (st == Status::ok) {
            EXPECT(s->state() == Subscriber::State::subscribing);
            EXPECT(b.requests.size() == 1);
        } else {
            EXPECT(b.requests.empty());
        }
    }

    void stop(uint64_t now) {
        Subscriber::State before = s->state();
        Status st = s->stop(now);
        Batch b = drain();
        switch (before) {
            case Subscriber::State::subscribing:
            case Subscriber::State::refreshing:
                EXPECT(st == Status::ok && b.requests.empty());
                break;
            case Subscriber::State::subscribed:
                EXPECT(st == Status::ok && b.requests.size() == 1);
                EXPECT(value(b.requests[0].msg, sip::HeaderId::expires) == "0");
                EXPECT(s->state() == Subscriber::State::unsubscribing);
                break;
            default:
                EXPECT(st == Status::invalid_state && b.requests.empty());
                break;
        }
    }

    std::string pick_content_id(std::string_view& payload) {
        if (announced.empty()) {
            std::string id(payload);
            payload = {};
            return id;
        }
        size_t k = payload.empty() ? 0 : static_cast<unsigned char>(payload[0]);
        if (!payload.empty()) payload.remove_prefix(1);
        return announced[k % announced.size()];
    }

    void fetched(std::string_view payload, uint64_t now, const std::string* content = nullptr) {
        std::string id = pick_content_id(payload);
        bool was_pending = pending.count(id) > 0;
        std::string bytes = content && payload.empty() ? *content : std::string(payload);
        Status st = s->on_fetched(id, bytes, now);
        EXPECT((st == Status::ok) == was_pending);
        if (st == Status::ok) pending.erase(id);
        Subscriber::Event e;
        bool got = s->next_event(e);
        EXPECT(got == was_pending);
        if (got) {
            EXPECT(e.content_id == id);
            EXPECT(e.type == Subscriber::Event::Type::profile_ready ||
                   e.type == Subscriber::Event::Type::fetch_failed);
            if (e.type == Subscriber::Event::Type::profile_ready) {
                const Profile* p = s->current_profile();
                EXPECT(p && p->content_id == id && p->body == bytes);
                EXPECT(e.hash_check != Subscriber::HashCheck::mismatch);
            }
        }
        drain();
    }

    void fetch_failed(std::string_view payload, uint64_t now) {
        std::string id = pick_content_id(payload);
        bool was_pending = pending.count(id) > 0;
        Status st = s->on_fetch_failed(id, now);
        EXPECT((st == Status::ok) == was_pending);
        if (st == Status::ok) pending.erase(id);
        Subscriber::Event e;
        bool got = s->next_event(e);
        EXPECT(got == was_pending);
        if (got) EXPECT(e.type == Subscriber::Event::Type::fetch_failed && e.content_id == id);
        drain();
    }

    // 'A': a response to the last SUBSCRIBE.
    void answer(std::string_view payload, uint64_t now) {
        if (last_subscribe.empty()) return;
        Parsed req = parse(last_subscribe, roomy_limits());
        EXPECT(req.ok);
        uint16_t code = status_code(payload);
        Parsed resp = parse(response_to(req.msg, code, "srv1", payload));
        if (resp.ok) feed(resp.msg, now);
    }

    // 'N' / 'n': a NOTIFY in the dialog of the last SUBSCRIBE.
    void notify(std::string_view payload, bool next_cseq, uint64_t now) {
        if (last_subscribe.empty()) return;
        Parsed req = parse(last_subscribe, roomy_limits());
        EXPECT(req.ok);
        std::string from(value(req.msg, sip::HeaderId::to));
        if (sip::tag_of(from).empty()) from += ";tag=srv1";
        if (next_cseq || notify_cseq == 0) ++notify_cseq;
        last_notify =
            "NOTIFY sip:MAC%3aFF00000036C5@10.1.1.44 SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKn" +
            std::to_string(++branch_no) +
            "\r\n"
            "Max-Forwards: 70\r\n"
            "From: " +
            from + "\r\nTo: " + std::string(value(req.msg, sip::HeaderId::from)) +
            "\r\nCall-ID: " + std::string(value(req.msg, sip::HeaderId::call_id)) +
            "\r\nCSeq: " + std::to_string(notify_cseq) +
            " NOTIFY\r\n"
            "Contact: <sip:profiles@192.0.2.1>\r\n" +
            std::string(payload);
        resend(now);
    }

    void resend(uint64_t now) {
        if (last_notify.empty()) return;
        Parsed in = parse(last_notify);
        if (in.ok) feed(in.msg, now);
    }
};

void run_subscriber(uint8_t c1, uint8_t c2, const std::vector<Record>& script) {
    SubscriberSide ss;
    if (!ss.create(c1, c2)) return;
    uint64_t now = 1000;
    for (const Record& r : script) {
        std::string_view payload = r.payload;
        switch (r.op) {
            case 'B':
                ss.start(now);
                break;
            case 'Z':
                ss.stop(now);
                break;
            case 'S': {
                Parsed in = parse(std::string(payload));
                if (in.ok) ss.feed(in.msg, now);
                break;
            }
            case 'A':
                ss.answer(payload, now);
                break;
            case 'N':
            case 'n':
                ss.notify(payload, r.op == 'N', now);
                break;
            case 'M':
                ss.resend(now);
                break;
            case 'G':
                ss.fetched(payload, now);
                break;
            case 'H':
                ss.fetch_failed(payload, now);
                break;
            case 'Y':
                ss.s->applied();
                break;
            case 'T':
                now += take_number(payload, 1);
                ss.tick(now);
                break;
            case 'J': {
                uint64_t d = ss.s->next_deadline();
                if (d != PUSHCORE_NO_DEADLINE && d > now) now = d;
                ss.tick(now);
                break;
            }
            default:
                break;
        }
    }
    for (int i = 0; i < 64 && ss.s->next_deadline() != PUSHCORE_NO_DEADLINE; ++i) {
        now = std::max(now, ss.s->next_deadline());
        ss.tick(now);
    }
}

// --- the two together -------------------------------------------------------------------

struct Pair {
    NotifierSide ns;
    SubscriberSide ss;
    std::deque<std::string> to_notifier, to_subscriber;
    uint64_t now = 1000;

    bool create(uint8_t c1, uint8_t c2) {
        // A notifier that takes this subscriber: unknown devices welcome, its Expires fits.
        if (!ns.create(static_cast<uint8_t>(c2 & 0x30), static_cast<uint8_t>(c2 & 0x33)))
            return false;
        // Device, UUID, user or local-network; sum_sha1 (bits 6-7 clear).
        if (!ss.create(static_cast<uint8_t>(c1 & 0x3b), 0, true)) return false;
        ns.forward = &to_subscriber;
        ss.forward = &to_notifier;
        return true;
    }

    void to_n(bool pop) {
        if (to_notifier.empty()) return;
        std::string text = to_notifier.front();
        if (pop) to_notifier.pop_front();
        Parsed in = parse(text);
        EXPECT(in.ok);  // what a machine writes fits the default limits here
        NotifierSide::Batch b = ns.feed(in.msg, 0, now);
        // Every subscription the notifier makes is for the subscriber's identity.
        if (!b.subscribed.empty()) {
            if (ns.identities.back().second != ss.identity)
                std::fprintf(stderr, "subscription for %s, not %s\n",
                             ns.identities.back().second.c_str(), ss.identity.c_str());
            EXPECT(ns.identities.back().second == ss.identity);
        }
        for (const Parsed& p : b.responses) {
            // The notifier's verdict on a SUBSCRIBE of the subscriber: never "malformed".
            uint16_t code = p.msg.status_code;
            EXPECT(code != 400 && code != 404 && code != 405 && code != 416 && code != 489);
        }
    }

    void to_s(bool pop) {
        if (to_subscriber.empty()) return;
        std::string text = to_subscriber.front();
        if (pop) to_subscriber.pop_front();
        Parsed in = parse(text);
        EXPECT(in.ok);
        size_t inline_before = ss.inline_bodies.size(), urls_before = ss.fetch_urls.size();
        SubscriberSide::Batch b = ss.feed(in.msg, now);
        for (const Parsed& p : b.responses) {
            // The subscriber's verdict on a NOTIFY of the notifier: never "malformed".
            uint16_t code = p.msg.status_code;
            EXPECT(code != 400 && code != 405 && code != 489);
        }
        // What arrived is what the host gave the notifier.
        for (size_t i = inline_before; i < ss.inline_bodies.size(); ++i)
            EXPECT(ns.host.served_bodies.count(ss.inline_bodies[i]));
        for (size_t i = urls_before; i < ss.fetch_urls.size(); ++i)
            EXPECT(ns.host.served_urls.count(ss.fetch_urls[i]));
    }

    void tick(uint64_t t) {
        now = t;
        ns.tick(now);
        ss.tick(now);
    }

    // The content the host serves at a URL it gave (hash verified with sum_sha1).
    std::string content_at(const std::string& url) const {
        auto it = ns.host.served_urls.find(url);
        return it == ns.host.served_urls.end() ? std::string() : it->second;
    }
};

void run_pair(uint8_t c1, uint8_t c2, const std::vector<Record>& script) {
    Pair pr;
    if (!pr.create(c1, c2)) return;
    for (const Record& r : script) {
        std::string_view payload = r.payload;
        switch (r.op) {
            case 'B':
                pr.ss.start(pr.now);
                break;
            case 'Z':
                pr.ss.stop(pr.now);
                break;
            case 'D':
            case 'r':
                pr.to_n(r.op == 'D');
                break;
            case 'd':
                if (!pr.to_notifier.empty()) pr.to_notifier.pop_front();
                break;
            case 'E':
            case 'f':
                pr.to_s(r.op == 'E');
                break;
            case 'e':
                if (!pr.to_subscriber.empty()) pr.to_subscriber.pop_front();
                break;
            case 'W':
                for (int i = 0; i < 64 && (!pr.to_notifier.empty() || !pr.to_subscriber.empty());
                     ++i) {
                    pr.to_n(true);
                    pr.to_s(true);
                }
                break;
            case 'P':
                pr.ns.profile_changed(payload, pr.now);
                break;
            case 'X':
                pr.ns.terminate(payload, pr.now);
                break;
            case 'L':
                pr.ns.host.configure(payload.substr(0, 1), false);
                break;
            case 'G': {
                std::string_view rest = payload;
                std::string id = pr.ss.pick_content_id(rest);
                std::string content;
                for (size_t i = 0; i < pr.ss.announced.size(); ++i)
                    if (pr.ss.announced[i] == id) content = pr.content_at(pr.ss.fetch_urls[i]);
                pr.ss.fetched(payload, pr.now, &content);
                break;
            }
            case 'H':
                pr.ss.fetch_failed(payload, pr.now);
                break;
            case 'T':
                pr.tick(pr.now + take_number(payload, 1));
                break;
            case 'J': {
                uint64_t d = std::min(pr.ns.n->next_deadline(), pr.ss.s->next_deadline());
                pr.tick(d != PUSHCORE_NO_DEADLINE && d > pr.now ? d : pr.now);
                break;
            }
            default:
                break;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string_view header;
    std::vector<Record> script = split(input, header);
    if (tracing())
        for (const Record& r : script)
            std::fprintf(stderr, "op %c (%zu bytes)\n", r.op, r.payload.size());
    uint8_t c1 = header.size() > 1 ? static_cast<uint8_t>(header[1]) : 0;
    uint8_t c2 = header.size() > 2 ? static_cast<uint8_t>(header[2]) : 0;
    char machine = header.empty() ? 'N' : header[0];
    if (machine != 'N' && machine != 'S' && machine != 'P')
        machine = "NSP"[static_cast<unsigned char>(machine) % 3];
    switch (machine) {
        case 'N':
            run_notifier(c1, c2, script);
            break;
        case 'S':
            run_subscriber(c1, c2, script);
            break;
        default:
            run_pair(c1, c2, script);
            break;
    }
    return 0;
}
