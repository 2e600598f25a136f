// ua-profile-phone: a SIP phone that bootstraps its configuration with the ua-profile event
// package (draft-ietf-sipping-config-framework-08 sections 7 and 8.1; RFC 6080 beyond it)
// over real sockets, driving pushcore_ua_discovery and pushcore_ua_subscriber through the
// C ABI.
//
//   ua-profile-phone --server 127.0.0.1:PORT --device MAC-or-urn:uuid --domain DOMAIN
//                    [--user sip:alice@DOMAIN] [--dhcp-sip-server HOST[:PORT]]...
//                    [--form draft08|rfc6080] [--transport udp|tcp] [--local 127.0.0.1:PORT]
//                    [--vendor V] [--model M] [--version X] [--accept MEDIA-TYPE]...
//                    [--cache FILE] [--label TEXT]
//
// Discovery (8.1) names the SUBSCRIBE Request-URIs in order: local-network, then the
// device candidates (cached URI, DHCP option 120 servers, the domain, "sipuaconfig." +
// the domain, then manual entry), then user and (draft only) application at the user's
// AOR. For each one the phone makes a subscriber, subscribes, and tells discovery what
// the attempt came to. The hosts in those URIs are names; this example does no DNS
// (RFC 3263 is the host's business): every SUBSCRIBE goes to --server, an outbound proxy
// in effect, whatever its Request-URI says.
//
// Profiles announced by content indirection (7.5) are fetched over HTTP/1.1 (http:// with
// a numeric IPv4 host only; a blocking GET with a 2 s limit, fine on loopback) and checked
// against the NOTIFY's SHA-1 hash (OpenSSL). This phone is always idle, so a profile is
// made effective as soon as it is in hand (7.8), also when effective-by gives it longer.
// Subscriptions stay up (the subscriber refreshes them), so later changes arrive as
// NOTIFYs; a subscription the server ends is started again.
//
// stdin, one command per line:
//   host HOST[:PORT]   the device profile's host, entered by the user (8.1.2 item 4)
//   user sip:USER@DOM  the AOR for the user and application profiles (8.1.3)
//   status             the subscriptions and the profiles in effect
//   quit               unsubscribe everything (Expires: 0) and exit; end of stdin and
//                      SIGINT/SIGTERM do the same (a second signal exits at once)
// The transcript goes to stdout, one line per message and event ("TEXT | " first with
// --label); the line tests look for is
//   effective: <type> <content-id> <N> bytes, hash <verified|not-given|unverifiable>: <line>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <strings.h>

#include <cinttypes>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../common/io.hpp"

namespace {

using example::Endpoint;

constexpr uint64_t kFetchTimeoutMs = 2000;  // one HTTP GET, connect to last byte
constexpr uint64_t kQuitWaitMs = 2000;      // for the answers to the unsubscribes
constexpr size_t kMaxProfileBytes = 1u << 20;

void usage(FILE* out) {
    std::fprintf(
        out,
        "usage: ua-profile-phone --server HOST:PORT --device MAC|urn:uuid:UUID --domain DOMAIN\n"
        "                        [--user sip:USER@DOMAIN] [--dhcp-sip-server HOST[:PORT]]...\n"
        "                        [--form draft08|rfc6080] [--transport udp|tcp]\n"
        "                        [--local HOST:PORT] [--vendor V] [--model M] [--version X]\n"
        "                        [--accept MEDIA-TYPE]... [--cache FILE] [--label TEXT]\n"
        "stdin commands: host HOST[:PORT] | user sip:USER@DOMAIN | status | quit\n");
}

struct Options {
    Endpoint server;
    Endpoint local{"127.0.0.1", 0};
    std::string device;
    std::string domain;
    std::string user;
    std::vector<std::string> dhcp_servers;
    int32_t form = PUSHCORE_UA_FORM_DRAFT08;
    bool tcp = false;
    std::string vendor = "pushcore";
    std::string model = "ua-profile-phone";
    std::string version = PUSHCORE_VERSION_STRING;
    std::vector<std::string> accept;  // empty: text/plain
    std::string cache;
};

bool parse_options(int argc, char** argv, Options& o) {
    bool have_server = false;
    for (int i = 1; i < argc; i += 2) {  // options come in pairs: --name value
        std::string arg = argv[i];
        const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
        if (arg == "--help" || arg == "-h") {
            usage(stdout);
            std::exit(0);
        } else if (!value) {
            std::fprintf(stderr, "ua-profile-phone: '%s' needs a value\n", arg.c_str());
            return false;
        } else if (arg == "--server") {
            if (!example::parse_endpoint(value, o.server) || o.server.port == 0) {
                std::fprintf(stderr, "ua-profile-phone: --server: '%s' is not HOST:PORT\n", value);
                return false;
            }
            have_server = true;
        } else if (arg == "--local") {
            if (!example::parse_endpoint(value, o.local)) {
                std::fprintf(stderr, "ua-profile-phone: --local: '%s' is not HOST:PORT\n", value);
                return false;
            }
        } else if (arg == "--device") {
            o.device = value;
        } else if (arg == "--domain") {
            o.domain = value;
        } else if (arg == "--user") {
            o.user = value;
            if (o.user.rfind("sip:", 0) != 0 && o.user.rfind("sips:", 0) != 0) {
                std::fprintf(stderr, "ua-profile-phone: --user: '%s' is not a sip: or sips: URI\n",
                             value);
                return false;
            }
        } else if (arg == "--dhcp-sip-server") {
            o.dhcp_servers.emplace_back(value);
        } else if (arg == "--form") {
            std::string f = value;
            if (f != "draft08" && f != "rfc6080") {
                std::fprintf(stderr, "ua-profile-phone: --form: draft08 or rfc6080\n");
                return false;
            }
            o.form = f == "rfc6080" ? PUSHCORE_UA_FORM_RFC6080 : PUSHCORE_UA_FORM_DRAFT08;
        } else if (arg == "--transport") {
            std::string t = value;
            if (t != "udp" && t != "tcp") {
                std::fprintf(stderr, "ua-profile-phone: --transport: udp or tcp\n");
                return false;
            }
            o.tcp = t == "tcp";
        } else if (arg == "--vendor") {
            o.vendor = value;
        } else if (arg == "--model") {
            o.model = value;
        } else if (arg == "--version") {
            o.version = value;
        } else if (arg == "--accept") {
            o.accept.emplace_back(value);
        } else if (arg == "--cache") {
            o.cache = value;
        } else if (arg == "--label") {
            example::transcript_label() = value;
        } else {
            std::fprintf(stderr, "ua-profile-phone: unknown option '%s'\n", arg.c_str());
            return false;
        }
    }
    if (!have_server || o.device.empty() || o.domain.empty()) {
        std::fprintf(stderr, "ua-profile-phone: --server, --device and --domain are required\n");
        return false;
    }
    if (o.accept.empty()) o.accept.emplace_back("text/plain");
    // The library's own checks, so that a bad value is a usage error (exit 2).
    char buf[128];
    size_t written = 0;
    const char* reason = nullptr;
    size_t offset = 0;
    int rc = pushcore_ua_device_id_normalize_mac(o.device.data(), o.device.size(), buf, sizeof buf,
                                                 &written, &reason, &offset);
    if (rc != PUSHCORE_OK && o.device.rfind("urn:", 0) == 0)
        rc = pushcore_ua_device_id_parse_uuid(o.device.data(), o.device.size(), buf, sizeof buf,
                                              &written, &reason, &offset);
    if (rc != PUSHCORE_OK) {
        std::fprintf(stderr,
                     "ua-profile-phone: --device '%s' is neither a MAC address nor a "
                     "UUID URN: %s\n",
                     o.device.c_str(), example::describe(rc, reason, offset).c_str());
        return false;
    }
    pushcore_ua_subscriber_config* cfg = nullptr;
    if (pushcore_ua_subscriber_config_new(&cfg) != PUSHCORE_OK) return false;
    bool ok = true;
    for (const std::string& type : o.accept) {
        if (pushcore_ua_subscriber_config_add_accept(cfg, type.data(), type.size()) == PUSHCORE_OK)
            continue;
        std::fprintf(stderr, "ua-profile-phone: --accept: '%s' is not a media type\n",
                     type.c_str());
        ok = false;
    }
    pushcore_ua_subscriber_config_free(cfg);
    return ok;
}

// ---- names for the transcript --------------------------------------------------------------

const char* type_name(int64_t type) {
    switch (type) {
        case PUSHCORE_UA_PROFILE_DEVICE:
            return "device";
        case PUSHCORE_UA_PROFILE_USER:
            return "user";
        case PUSHCORE_UA_PROFILE_APPLICATION:
            return "application";
        case PUSHCORE_UA_PROFILE_LOCAL_NETWORK:
            return "local-network";
        default:
            return "other";
    }
}

const char* source_name(uint64_t source) {
    switch (source) {
        case PUSHCORE_UA_SOURCE_LOCAL_DOMAIN:
            return "local domain";
        case PUSHCORE_UA_SOURCE_CACHED:
            return "cached device URI";
        case PUSHCORE_UA_SOURCE_DHCP_SIP_SERVER:
            return "DHCP option 120";
        case PUSHCORE_UA_SOURCE_SIPUACONFIG:
            return "sipuaconfig host";
        case PUSHCORE_UA_SOURCE_MANUAL:
            return "manual entry";
        case PUSHCORE_UA_SOURCE_USER_AOR:
            return "user AOR";
        default:
            return "?";
    }
}

const char* hash_name(uint64_t check) {
    switch (check) {
        case PUSHCORE_UA_HASH_VERIFIED:
            return "verified";
        case PUSHCORE_UA_HASH_UNVERIFIABLE:
            return "unverifiable";
        case PUSHCORE_UA_HASH_MISMATCH:
            return "mismatch";
        default:
            return "not-given";
    }
}

// The first line of a profile, at most 60 characters, control bytes shown as '.'.
std::string first_line(const uint8_t* data, size_t len) {
    std::string out;
    for (size_t i = 0; i < len && out.size() < 60; ++i) {
        char c = static_cast<char>(data[i]);
        if (c == '\n' || c == '\r') break;
        out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '.' : c);
    }
    return out;
}

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    size_t e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string ev_str(const pushcore_event* ev, int32_t field) {
    const char* s = nullptr;
    size_t len = 0;
    return pushcore_event_str(ev, field, &s, &len) == 1 ? std::string(s, len) : std::string();
}

bool ev_u64(const pushcore_event* ev, int32_t field, uint64_t& v) {
    return pushcore_event_u64(ev, field, &v) == 1;
}

// ---- just enough SIP reading to route a message and describe it ----------------------------

struct Header {
    std::string name;
    std::string value;
};

// The header fields of a message, folded lines joined. False when there is no blank line.
bool read_headers(const uint8_t* data, size_t len, std::vector<Header>& out) {
    std::string_view m(reinterpret_cast<const char*>(data), len);
    size_t end = m.find("\r\n\r\n");
    if (end == std::string_view::npos) return false;
    size_t pos = m.find("\r\n");
    while (pos < end) {
        size_t next = m.find("\r\n", pos + 2);
        std::string line(m.substr(pos + 2, next - pos - 2));
        pos = next;
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !out.empty()) {
            out.back().value += " " + trim(line);
            continue;
        }
        size_t colon = line.find(':');
        if (colon == std::string::npos) return false;
        out.push_back({trim(line.substr(0, colon)), trim(line.substr(colon + 1))});
    }
    return true;
}

// A header's value by full or compact name (RFC 3261 7.3.3), "" when absent.
std::string header(const std::vector<Header>& hs, const char* name, const char* compact) {
    for (const Header& h : hs)
        if (strcasecmp(h.name.c_str(), name) == 0 ||
            (compact && strcasecmp(h.name.c_str(), compact) == 0))
            return h.value;
    return "";
}

// ---- HTTP/1.1 GET, blocking, for content indirection (draft 7.5: http: is a MUST) -----------

struct Fetched {
    bool ok = false;  // a complete response arrived
    int status = 0;
    std::string reason;
    std::string body;
    std::string error;  // why there is no response
};

// Reads a chunked body (RFC 7230 4.1) into `out`; false when it is broken or incomplete.
bool dechunk(const std::string& in, std::string& out) {
    size_t pos = 0;
    for (;;) {
        size_t eol = in.find("\r\n", pos);
        if (eol == std::string::npos) return false;
        char* end = nullptr;
        std::string size_text = in.substr(pos, eol - pos);
        unsigned long size = std::strtoul(size_text.c_str(), &end, 16);
        if (end == size_text.c_str()) return false;
        pos = eol + 2;
        if (size == 0) return true;  // trailers, if any, are ignored
        if (in.size() < pos + size + 2 || size > kMaxProfileBytes) return false;
        out.append(in, pos, size);
        pos += size + 2;
    }
}

Fetched http_get(const std::string& url, const std::string& accept) {
    Fetched r;
    const std::string scheme = "http://";
    if (url.compare(0, scheme.size(), scheme) != 0) {
        r.error = "only http:// URLs are fetched by this example";
        return r;
    }
    size_t slash = url.find('/', scheme.size());
    std::string authority = url.substr(
        scheme.size(), slash == std::string::npos ? std::string::npos : slash - scheme.size());
    std::string path = slash == std::string::npos ? "/" : url.substr(slash);
    Endpoint peer;
    if (authority.find(':') == std::string::npos) authority += ":80";
    sockaddr_storage ss{};
    socklen_t ss_len = 0;
    in_addr v4{};
    if (!example::parse_endpoint(authority, peer) || peer.port == 0 ||
        inet_pton(AF_INET, peer.host.c_str(), &v4) != 1 ||
        !example::to_sockaddr(peer, ss, ss_len)) {
        r.error = "the host is not a numeric IPv4 address (this example does no DNS)";
        return r;
    }
    uint64_t deadline = example::now_ms() + kFetchTimeoutMs;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        r.error = std::string("socket: ") + std::strerror(errno);
        return r;
    }
    example::set_nonblocking(fd);
    // Waits for `events` on fd until the deadline; false on timeout or error.
    auto wait_for = [&](short events) {
        for (;;) {
            pollfd p{fd, events, 0};
            int n = poll(&p, 1, example::poll_timeout(deadline, example::now_ms()));
            if (n < 0 && errno == EINTR) continue;
            return n > 0;
        }
    };
    if (connect(fd, reinterpret_cast<sockaddr*>(&ss), ss_len) != 0) {
        int err = 0;
        socklen_t err_len = sizeof err;
        if (errno != EINPROGRESS || !wait_for(POLLOUT) ||
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) != 0 || err != 0) {
            r.error = "connect " + example::to_string(peer) + ": " +
                      (err                    ? std::strerror(err)
                       : errno == EINPROGRESS ? "timed out"
                                              : std::strerror(errno));
            close(fd);
            return r;
        }
    }
    std::string request =
        "GET " + path + " HTTP/1.1\r\nHost: " + example::to_string(peer) + "\r\nAccept: " + accept +
        "\r\nUser-Agent: ua-profile-phone/" PUSHCORE_VERSION_STRING "\r\nConnection: close\r\n\r\n";
    size_t off = 0;
    while (off < request.size()) {
        ssize_t n = send(fd, request.data() + off, request.size() - off, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (!wait_for(POLLOUT)) break;
            continue;
        }
        if (n <= 0) break;
        off += static_cast<size_t>(n);
    }
    if (off < request.size()) {
        r.error = "sending the request failed or timed out";
        close(fd);
        return r;
    }
    // Read until the peer closes, or the body is complete (Content-Length), or time is up.
    std::string in;
    size_t head_end = std::string::npos;
    long long content_length = -1;
    bool closed = false;
    while (in.size() <= kMaxProfileBytes + 65536) {
        if (head_end == std::string::npos &&
            (head_end = in.find("\r\n\r\n")) != std::string::npos) {
            std::vector<Header> hs;
            read_headers(reinterpret_cast<const uint8_t*>(in.data()), in.size(), hs);
            std::string cl = header(hs, "Content-Length", nullptr);
            if (!cl.empty()) content_length = std::atoll(cl.c_str());
        }
        if (head_end != std::string::npos && content_length >= 0 &&
            in.size() >= head_end + 4 + static_cast<size_t>(content_length))
            break;
        char buf[16384];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n > 0) {
            in.append(buf, static_cast<size_t>(n));
            continue;
        }
        if (n == 0) {
            closed = true;
            break;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN || !wait_for(POLLIN)) break;
    }
    close(fd);
    if (head_end == std::string::npos) {
        r.error = in.empty() ? "no response within 2 s" : "incomplete response header";
        return r;
    }
    // Status line: HTTP/1.1 200 OK
    std::string status_line = in.substr(0, in.find("\r\n"));
    if (status_line.compare(0, 5, "HTTP/") != 0 || status_line.size() < 12) {
        r.error = "not an HTTP response: " + status_line.substr(0, 40);
        return r;
    }
    r.status = std::atoi(status_line.c_str() + 9);
    r.reason = status_line.size() > 13 ? status_line.substr(13) : "";
    std::vector<Header> hs;
    read_headers(reinterpret_cast<const uint8_t*>(in.data()), in.size(), hs);
    std::string body = in.substr(head_end + 4);
    if (strcasecmp(header(hs, "Transfer-Encoding", nullptr).c_str(), "chunked") == 0) {
        if (!dechunk(body, r.body)) {
            r.error = "broken or incomplete chunked body";
            return r;
        }
    } else if (content_length >= 0) {
        if (body.size() < static_cast<size_t>(content_length)) {
            r.error = "body shorter than Content-Length (" + std::to_string(body.size()) + " of " +
                      std::to_string(content_length) + " bytes)";
            return r;
        }
        r.body = body.substr(0, static_cast<size_t>(content_length));
    } else if (closed) {
        r.body = std::move(body);  // delimited by the end of the connection
    } else {
        r.error = "no end of body within 2 s";
        return r;
    }
    r.ok = true;
    return r;
}

// SHA-1 for the content-indirection hash (RFC 4483), the library's pushcore_ua_hash_fn.
int sha1(void*, const uint8_t* data, size_t len, uint8_t out20[20]) {
    unsigned int n = 0;
    return EVP_Digest(data, len, out20, &n, EVP_sha1(), nullptr) == 1 && n == 20 ? 0 : -1;
}

// ---- the phone -----------------------------------------------------------------------------

// One subscription: one pushcore_ua_subscriber for one profile type at one Request-URI.
struct Sub {
    pushcore_ua_subscriber* h = nullptr;
    int32_t type = 0;
    std::string uri;
    std::string call_id;       // of the SUBSCRIBE last sent: routes responses and NOTIFYs
    std::string last_request;  // to tell a retransmission in the transcript
    bool kept = false;         // discovery took its outcome: keep it up, start it again if it ends
    bool dead = false;         // freed at the next sweep
    bool leaving = false;      // unsubscribing; freed once it has ended (or at leave_deadline)
    uint64_t leave_deadline = PUSHCORE_NO_DEADLINE;
    uint64_t restart_at = PUSHCORE_NO_DEADLINE;
    std::map<std::string, std::string> fetch_errors;  // Content-ID -> why its fetch failed

    ~Sub() { pushcore_ua_subscriber_free(h); }
};

struct PendingFetch {
    Sub* sub;
    std::string url, content_type, content_id;
};

class Phone {
  public:
    ~Phone() {
        subs_.clear();
        pushcore_ua_discovery_free(discovery_);
        pushcore_sip_framer_free(framer_);
        if (fd_ >= 0) close(fd_);
    }

    bool start(const Options& o) {
        o_ = o;
        if (!open_socket()) return false;

        pushcore_ua_discovery_config* cfg = nullptr;
        if (pushcore_ua_discovery_config_new(&cfg) != PUSHCORE_OK) return false;
        int rc = pushcore_ua_discovery_config_set_device(cfg, o.device.data(), o.device.size());
        if (rc != PUSHCORE_OK) return config_failed(cfg, "--device", rc);
        pushcore_ua_discovery_config_set_form(cfg, o.form);
        rc = pushcore_ua_discovery_config_set_str(cfg, PUSHCORE_UA_DISCOVERY_STR_CONFIGURED_DOMAIN,
                                                  o.domain.data(), o.domain.size());
        if (rc != PUSHCORE_OK) return config_failed(cfg, "--domain", rc);
        if (!o.user.empty()) {
            rc = pushcore_ua_discovery_config_set_str(cfg, PUSHCORE_UA_DISCOVERY_STR_USER_AOR,
                                                      o.user.data(), o.user.size());
            if (rc != PUSHCORE_OK) return config_failed(cfg, "--user", rc);
        }
        for (const std::string& server : o.dhcp_servers) {
            rc =
                pushcore_ua_discovery_config_add_dhcp_sip_server(cfg, server.data(), server.size());
            if (rc != PUSHCORE_OK) return config_failed(cfg, "--dhcp-sip-server", rc);
        }
        std::string cached = read_cache();
        if (!cached.empty())
            pushcore_ua_discovery_config_set_str(cfg, PUSHCORE_UA_DISCOVERY_STR_CACHED_DEVICE_URI,
                                                 cached.data(), cached.size());
        rc = pushcore_ua_discovery_new(&discovery_, cfg);
        if (rc != PUSHCORE_OK) return config_failed(cfg, "discovery", rc);
        pushcore_ua_discovery_config_free(cfg);

        // The Contact: the device URI at our own address, as in the draft's 7.12 example.
        std::string local = example::to_string(local_);
        contact_ = device_text(pushcore_ua_device_id_build_uri, local);
        if (contact_.empty()) return false;
        if (o.tcp) contact_ += ";transport=tcp";

        std::string canonical = device_canonical();
        example::say(
            "phone %s%s, domain %s, %s %s -> server %s (every SUBSCRIBE goes there: "
            "no DNS)\n",
            canonical.c_str(), mapped_note().c_str(), o.domain.c_str(), o.tcp ? "tcp" : "udp",
            local.c_str(), example::to_string(o.server).c_str());
        if (!cached.empty())
            example::say("cache: device URI %s from %s\n", cached.c_str(), o.cache.c_str());
        rc = pushcore_ua_discovery_start(discovery_);
        if (rc != PUSHCORE_OK) {
            std::fprintf(stderr, "ua-profile-phone: discovery start: %s\n",
                         pushcore_status_name(rc));
            return false;
        }
        drain_discovery();
        return true;
    }

    int run(int signal_fd) {
        std::string line_buf;
        bool stdin_open = true;  // left blocking: poll() says when one read() will not block
        bool overlong = false;   // inside a line too long to be a command: skip to its end
        for (;;) {
            sweep();
            if (quitting_ && all_ended()) {
                example::say("stopped\n");
                return 0;
            }
            uint64_t now = example::now_ms();
            if (quitting_ && now >= quit_deadline_) {
                example::say("not every subscription ended within %" PRIu64 " ms\n", kQuitWaitMs);
                example::say("stopped\n");
                return 0;
            }
            pollfd fds[3] = {{signal_fd, POLLIN, 0}, {fd_, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
            nfds_t count = stdin_open ? 3 : 2;
            int n = poll(fds, count, example::poll_timeout(next_deadline(), now));
            if (n < 0 && errno != EINTR) {
                std::perror("poll");
                return 1;
            }
            if (n > 0 && fds[0].revents) {
                char drainbuf[16];
                while (read(signal_fd, drainbuf, sizeof drainbuf) > 0) {
                }
                if (quitting_) {
                    example::say("second signal: exiting\n");
                    return 1;
                }
                example::say("signal: unsubscribing\n");
                quit();
            }
            if (n > 0 && fds[1].revents) {
                if (!read_socket()) return 1;
            }
            if (n > 0 && stdin_open && fds[2].revents) {
                char buf[512];
                ssize_t got = read(STDIN_FILENO, buf, sizeof buf);
                if (got > 0) {
                    line_buf.append(buf, static_cast<size_t>(got));
                    size_t nl;
                    while ((nl = line_buf.find('\n')) != std::string::npos) {
                        if (!overlong) command(trim(line_buf.substr(0, nl)));
                        overlong = false;
                        line_buf.erase(0, nl + 1);
                    }
                    if (line_buf.size() > 4096) {  // no command is that long
                        if (!overlong) example::say("!! stdin: a line over 4096 bytes: ignored\n");
                        overlong = true;
                        line_buf.clear();
                    }
                } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
                    stdin_open = false;
                    if (!quitting_) {
                        example::say("end of stdin: unsubscribing\n");
                        quit();
                    }
                }
            }
            on_timers(example::now_ms());
            run_fetches();
        }
    }

  private:
    // ---- set-up ----------------------------------------------------------------------------

    bool config_failed(pushcore_ua_discovery_config* cfg, const char* what, int rc) {
        const char* reason = nullptr;
        size_t offset = 0;
        pushcore_ua_discovery_config_last_error(cfg, &reason, &offset);
        std::fprintf(stderr, "ua-profile-phone: %s: %s\n", what,
                     example::describe(rc, reason, offset).c_str());
        pushcore_ua_discovery_config_free(cfg);
        return false;
    }

    // A device-id function's text (build_uri with `host`), "" and a message on failure.
    template <typename Fn>
    std::string device_text(Fn fn, const std::string& host) {
        char buf[512];
        size_t written = 0;
        const char* reason = nullptr;
        size_t offset = 0;
        int rc = fn(o_.device.data(), o_.device.size(), host.data(), host.size(), o_.form, buf,
                    sizeof buf, &written, &reason, &offset);
        if (rc != PUSHCORE_OK) {
            std::fprintf(stderr, "ua-profile-phone: --device: %s\n",
                         example::describe(rc, reason, offset).c_str());
            return "";
        }
        return std::string(buf, written);
    }

    // The device identifier as the draft writes it: "MAC:00DF1E004CD0" or a lower-case URN.
    std::string device_canonical() {
        char buf[128];
        size_t written = 0;
        if (pushcore_ua_device_id_normalize_mac(o_.device.data(), o_.device.size(), buf, sizeof buf,
                                                &written, nullptr, nullptr) == PUSHCORE_OK ||
            pushcore_ua_device_id_parse_uuid(o_.device.data(), o_.device.size(), buf, sizeof buf,
                                             &written, nullptr, nullptr) == PUSHCORE_OK)
            return std::string(buf, written);
        return o_.device;
    }

    // RFC 6080 5.1.1 writes a MAC as the version-1 UUID whose node is the MAC.
    std::string mapped_note() {
        if (o_.form != PUSHCORE_UA_FORM_RFC6080) return "";
        char buf[128];
        size_t written = 0;
        if (pushcore_ua_device_id_mac_to_uuid(o_.device.data(), o_.device.size(), buf, sizeof buf,
                                              &written, nullptr, nullptr) != PUSHCORE_OK)
            return " (RFC 6080)";
        return " (RFC 6080: " + std::string(buf, written) + ")";
    }

    std::string read_cache() {
        if (o_.cache.empty()) return "";
        std::ifstream in(o_.cache);
        std::string line;
        if (!in || !std::getline(in, line)) return "";
        return trim(line);
    }

    void write_cache(const std::string& uri) {
        if (o_.cache.empty()) {
            example::say("cache: no --cache FILE: device URI %s not kept\n", uri.c_str());
            return;
        }
        std::string tmp = o_.cache + ".tmp";
        {
            std::ofstream out(tmp, std::ios::trunc);
            out << uri << "\n";
            if (!out.flush()) {
                example::say("!! cache: cannot write %s\n", tmp.c_str());
                return;
            }
        }
        if (std::rename(tmp.c_str(), o_.cache.c_str()) != 0) {  // all or nothing on disk
            example::say("!! cache: rename to %s: %s\n", o_.cache.c_str(), std::strerror(errno));
            return;
        }
        example::say("cache: device URI %s written to %s (8.1.2)\n", uri.c_str(), o_.cache.c_str());
    }

    bool open_socket() {
        sockaddr_storage local_ss;
        socklen_t local_len;
        if (!example::to_sockaddr(o_.local, local_ss, local_len) ||
            !example::to_sockaddr(o_.server, server_ss_, server_len_)) {
            std::fprintf(stderr, "ua-profile-phone: --server and --local need numeric addresses\n");
            return false;
        }
        fd_ = socket(local_ss.ss_family, o_.tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
        if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&local_ss), local_len) != 0) {
            std::fprintf(stderr, "ua-profile-phone: bind %s: %s\n",
                         example::to_string(o_.local).c_str(), std::strerror(errno));
            return false;
        }
        if (o_.tcp) {
            // A blocking connect at start-up keeps this short; from here on all is poll().
            if (connect(fd_, reinterpret_cast<sockaddr*>(&server_ss_), server_len_) != 0) {
                std::fprintf(stderr, "ua-profile-phone: connect %s: %s\n",
                             example::to_string(o_.server).c_str(), std::strerror(errno));
                return false;
            }
            int one = 1;
            setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (pushcore_sip_framer_new(&framer_, 0, 0, 0) != PUSHCORE_OK) return false;
        }
        sockaddr_storage bound{};
        socklen_t bound_len = sizeof bound;
        getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &bound_len);
        local_ = example::from_sockaddr(bound);
        example::set_nonblocking(fd_);
        return true;
    }

    // ---- discovery (8.1) -------------------------------------------------------------------

    void report(int32_t kind, uint32_t code, Sub* s, const char* note = "") {
        if (kind != PUSHCORE_UA_OUTCOME_TIMEOUT && kind != PUSHCORE_UA_OUTCOME_FAILURE)
            s->kept = true;  // subscribed: keep it up for changes, whatever it brought
        report(kind, code, s->type, note);
    }

    void report(int32_t kind, uint32_t code, int32_t type, const char* note) {
        static const char* const names[] = {"", "with profile", "without profile", "no response",
                                            "failure"};
        int rc = pushcore_ua_discovery_report(discovery_, kind, code);
        if (rc != PUSHCORE_OK) {
            const char* reason = nullptr;
            size_t offset = 0;
            pushcore_ua_discovery_last_error(discovery_, &reason, &offset);
            example::say("!! discovery report: %s\n",
                         example::describe(rc, reason, offset).c_str());
            return;
        }
        example::say(
            "discovery: %s attempt %s%s%s\n", type_name(type), names[kind],
            kind == PUSHCORE_UA_OUTCOME_FAILURE ? (" " + std::to_string(code)).c_str() : "", note);
        drain_discovery();
    }

    bool is_attempt(const Sub* s) const { return s == attempt_; }

    void drain_discovery() {
        const pushcore_event* ev = nullptr;
        while (pushcore_ua_discovery_next_event(discovery_, &ev) == 1) {
            uint64_t type = 0, source = 0, code = 0;
            ev_u64(ev, PUSHCORE_FIELD_UA_PROFILE_TYPE, type);
            ev_u64(ev, PUSHCORE_FIELD_UA_SOURCE, source);
            ev_u64(ev, PUSHCORE_FIELD_CODE, code);
            std::string uri = ev_str(ev, PUSHCORE_FIELD_UA_URI);
            switch (pushcore_event_type(ev)) {
                case PUSHCORE_EVENT_UA_DISCOVERY_SUBSCRIBE:
                    example::say("discovery: %s profile from %s: %s\n",
                                 type_name(static_cast<int64_t>(type)), source_name(source),
                                 uri.c_str());
                    attempt_ = nullptr;
                    if (quitting_) break;
                    attempt_ = subscribe(static_cast<int32_t>(type), uri);
                    if (!attempt_) unusable_ = static_cast<int32_t>(type);
                    break;
                case PUSHCORE_EVENT_UA_DISCOVERY_AUTHORIZATION_REQUIRED:
                    // No credentials here: the attempt is given up as if unanswered, which
                    // moves discovery on (a device candidate) or past the profile.
                    example::say("discovery: %s at %s needs authorization (%" PRIu64
                                 "): this phone has no credentials\n",
                                 type_name(static_cast<int64_t>(type)), uri.c_str(), code);
                    pending_give_up_ = true;
                    break;
                case PUSHCORE_EVENT_UA_DISCOVERY_PROFILE_UNAVAILABLE:
                    if (code)
                        example::say("discovery: no %s profile from %s (%" PRIu64 ")\n",
                                     type_name(static_cast<int64_t>(type)), uri.c_str(), code);
                    else
                        example::say("discovery: no %s profile from %s (no response)\n",
                                     type_name(static_cast<int64_t>(type)), uri.c_str());
                    break;
                case PUSHCORE_EVENT_UA_DISCOVERY_CANDIDATE_REJECTED:
                    example::say("discovery: skipped %s: %s\n",
                                 ev_str(ev, PUSHCORE_FIELD_UA_HOST).c_str(),
                                 ev_str(ev, PUSHCORE_FIELD_REASON).c_str());
                    break;
                case PUSHCORE_EVENT_UA_DISCOVERY_PERSIST_DEVICE_URI:
                    write_cache(uri);
                    break;
                case PUSHCORE_EVENT_UA_DISCOVERY_MANUAL_ENTRY_REQUIRED:
                    attempt_ = nullptr;
                    example::say(
                        "manual-entry: no device candidate answered; type "
                        "\"host HOST[:PORT]\" (8.1.2 item 4)\n");
                    break;
                case PUSHCORE_EVENT_UA_DISCOVERY_USER_AOR_REQUIRED:
                    attempt_ = nullptr;
                    example::say(
                        "user-aor: no AOR for the user profile; type "
                        "\"user sip:USER@DOMAIN\" (8.1.3)\n");
                    break;
                case PUSHCORE_EVENT_UA_DISCOVERY_COMPLETE:
                    attempt_ = nullptr;
                    example::say("discovery: complete\n");
                    break;
                default:
                    example::say("discovery: event %d\n",
                                 static_cast<int>(pushcore_event_type(ev)));
            }
        }
        if (pending_give_up_ && attempt_) {
            pending_give_up_ = false;
            Sub* s = attempt_;
            s->dead = true;  // its transaction ended with the 401/407
            report(PUSHCORE_UA_OUTCOME_TIMEOUT, 0, s, " (given up: no credentials)");
        }
        if (unusable_) {
            // No subscriber for that URI (it said why): give the attempt up, as unanswered.
            int32_t type = unusable_;
            unusable_ = 0;
            report(PUSHCORE_UA_OUTCOME_TIMEOUT, 0, type, " (given up: no subscriber for it)");
        }
    }

    // A subscriber for one attempt; nullptr (and a line saying why) when it cannot be made.
    Sub* subscribe(int32_t type, const std::string& uri) {
        // One subscription per profile type: a new attempt (manual host, a new AOR)
        // replaces the one before it.
        for (auto& other : subs_)
            if (other->type == type && !other->dead && !other->leaving) leave(other.get());

        pushcore_ua_subscriber_config* cfg = nullptr;
        if (pushcore_ua_subscriber_config_new(&cfg) != PUSHCORE_OK) return nullptr;
        std::string sent_by = example::to_string(local_);
        std::string agent = "ua-profile-phone/" PUSHCORE_VERSION_STRING;
        bool ok =
            pushcore_ua_subscriber_config_set_profile_type(cfg, type, nullptr, 0) == PUSHCORE_OK &&
            pushcore_ua_subscriber_config_set_form(cfg, o_.form) == PUSHCORE_OK &&
            set_str(cfg, PUSHCORE_UA_SUBSCRIBER_STR_REQUEST_URI, uri) &&
            set_str(cfg, PUSHCORE_UA_SUBSCRIBER_STR_CONTACT, contact_) &&
            set_str(cfg, PUSHCORE_UA_SUBSCRIBER_STR_TRANSPORT, o_.tcp ? "TCP" : "UDP") &&
            set_str(cfg, PUSHCORE_UA_SUBSCRIBER_STR_SENT_BY, sent_by) &&
            set_str(cfg, PUSHCORE_UA_SUBSCRIBER_STR_VENDOR, o_.vendor) &&
            set_str(cfg, PUSHCORE_UA_SUBSCRIBER_STR_MODEL, o_.model) &&
            set_str(cfg, PUSHCORE_UA_SUBSCRIBER_STR_VERSION, o_.version) &&
            set_str(cfg, PUSHCORE_UA_SUBSCRIBER_STR_USER_AGENT, agent) &&
            pushcore_ua_subscriber_config_set_random(cfg, example::random_bytes, nullptr) ==
                PUSHCORE_OK &&
            pushcore_ua_subscriber_config_set_hash(cfg, sha1, nullptr) == PUSHCORE_OK;
        for (const std::string& type_text : o_.accept)
            ok = ok && pushcore_ua_subscriber_config_add_accept(cfg, type_text.data(),
                                                                type_text.size()) == PUSHCORE_OK;
        auto s = std::make_unique<Sub>();
        s->type = type;
        s->uri = uri;
        int rc = ok ? pushcore_ua_subscriber_new(&s->h, cfg) : PUSHCORE_E_INVALID_ARGUMENT;
        if (rc != PUSHCORE_OK) {
            const char* reason = nullptr;
            size_t offset = 0;
            pushcore_ua_subscriber_config_last_error(cfg, &reason, &offset);
            example::say("!! %s subscriber for %s: %s\n", type_name(type), uri.c_str(),
                         example::describe(rc, reason, offset).c_str());
            pushcore_ua_subscriber_config_free(cfg);
            return nullptr;
        }
        pushcore_ua_subscriber_config_free(cfg);
        Sub* raw = s.get();
        subs_.push_back(std::move(s));
        check(raw, "start", pushcore_ua_subscriber_start(raw->h, example::now_ms()));
        drain(raw);
        return raw;
    }

    static bool set_str(pushcore_ua_subscriber_config* cfg, int32_t key, const std::string& v) {
        return pushcore_ua_subscriber_config_set_str(cfg, key, v.data(), v.size()) == PUSHCORE_OK;
    }

    // Unsubscribes a subscription that is no longer wanted; it is freed once it has ended.
    void leave(Sub* s) {
        s->kept = false;
        s->restart_at = PUSHCORE_NO_DEADLINE;
        int state = pushcore_ua_subscriber_state(s->h);
        if (state == PUSHCORE_UA_SUBSCRIBER_STATE_IDLE ||
            state == PUSHCORE_UA_SUBSCRIBER_STATE_TERMINATED) {
            s->dead = true;
            return;
        }
        s->leaving = true;
        s->leave_deadline = example::now_ms() + kQuitWaitMs;
        example::say("leaving: %s subscription to %s\n", type_name(s->type), s->uri.c_str());
        check(s, "stop", pushcore_ua_subscriber_stop(s->h, example::now_ms()));
        drain(s);
    }

    // ---- the subscriptions -----------------------------------------------------------------

    void check(Sub* s, const char* what, int rc) {
        if (rc == PUSHCORE_OK) return;
        const char* reason = nullptr;
        size_t offset = 0;
        pushcore_ua_subscriber_last_error(s->h, &reason, &offset);
        example::say("!! %s %s: %s\n", type_name(s->type), what,
                     example::describe(rc, reason, offset).c_str());
    }

    // Sends what the subscriber wants sent and acts on its events.
    void drain(Sub* s) {
        const uint8_t* data = nullptr;
        size_t len = 0;
        while (pushcore_ua_subscriber_next_output(s->h, &data, &len) == 1) {
            std::vector<Header> hs;
            read_headers(data, len, hs);
            std::string line = example::summary(data, len);
            if (!example::is_response(data, len)) {
                s->call_id = header(hs, "Call-ID", "i");  // a new dialog gets a new one
                std::string bytes(reinterpret_cast<const char*>(data), len);
                bool again = bytes == s->last_request;  // Timer E over UDP
                example::say("-> %s  (%s, Expires: %s%s)\n", line.c_str(), type_name(s->type),
                             header(hs, "Expires", nullptr).c_str(),
                             again ? ", retransmission" : "");
                s->last_request = std::move(bytes);
            } else {
                example::say("-> %s  (%s)\n", line.c_str(), type_name(s->type));
            }
            send_bytes(data, len);
        }
        const pushcore_event* ev = nullptr;
        while (pushcore_ua_subscriber_next_event(s->h, &ev) == 1) on_event(s, ev);
    }

    void on_event(Sub* s, const pushcore_event* ev) {
        const char* t = type_name(s->type);
        uint64_t code = 0, v = 0;
        ev_u64(ev, PUSHCORE_FIELD_CODE, code);
        switch (pushcore_event_type(ev)) {
            case PUSHCORE_EVENT_UA_SUBSCRIBER_SUBSCRIBED:
                ev_u64(ev, PUSHCORE_FIELD_EXPIRES, v);
                example::say("subscribed: %s (%" PRIu64 ", expires %" PRIu64 " s)\n", t, code, v);
                break;
            case PUSHCORE_EVENT_UA_SUBSCRIBER_AUTH_REQUIRED:
                example::say("auth-required: %s %" PRIu64 " %s\n", t, code,
                             ev_str(ev, PUSHCORE_FIELD_UA_CHALLENGE).c_str());
                if (is_attempt(s)) {
                    report(PUSHCORE_UA_OUTCOME_FAILURE, static_cast<uint32_t>(code), s);
                } else {
                    ended(s, "authorization required", PUSHCORE_NO_DEADLINE);
                }
                break;
            case PUSHCORE_EVENT_UA_SUBSCRIBER_FAILED: {
                std::string reason = ev_str(ev, PUSHCORE_FIELD_REASON);
                example::say("failed: %s %" PRIu64 " %s\n", t, code, reason.c_str());
                if (is_attempt(s)) {
                    s->dead = true;
                    // 408 is also how the subscriber reports Timer F (no answer at all).
                    if (code == 408)
                        report(PUSHCORE_UA_OUTCOME_TIMEOUT, 0, s);
                    else
                        report(PUSHCORE_UA_OUTCOME_FAILURE, static_cast<uint32_t>(code), s);
                } else {
                    ended(s, "its SUBSCRIBE failed", 5000);
                }
                break;
            }
            case PUSHCORE_EVENT_UA_SUBSCRIBER_UNSUBSCRIBED:
                example::say("unsubscribed: %s (%" PRIu64 ")\n", t, code);
                break;
            case PUSHCORE_EVENT_UA_SUBSCRIBER_TERMINATED: {
                std::string reason = ev_str(ev, PUSHCORE_FIELD_REASON);
                bool has_retry = ev_u64(ev, PUSHCORE_FIELD_UA_RETRY_AFTER, v);
                example::say(
                    "terminated: %s by the server%s%s%s\n", t, reason.empty() ? "" : ", reason ",
                    reason.c_str(),
                    has_retry ? (", retry-after " + std::to_string(v) + " s").c_str() : "");
                if (is_attempt(s)) {
                    // In device_enrolled this is "the subscription ended": next candidate.
                    s->dead = true;
                    report(PUSHCORE_UA_OUTCOME_TIMEOUT, 0, s);
                    break;
                }
                // RFC 6665 4.1.3: when to subscribe again depends on the reason.
                uint64_t wait = 5000;
                if (has_retry)
                    wait = v * 1000;
                else if (reason == "deactivated" || reason == "timeout")
                    wait = 1000;
                else if (reason == "probation" || reason == "giveup")
                    wait = 30000;
                else if (reason == "rejected" || reason == "noresource" || reason == "invariant")
                    wait = PUSHCORE_NO_DEADLINE;
                ended(s, "terminated", wait);
                break;
            }
            case PUSHCORE_EVENT_UA_SUBSCRIBER_FETCH: {
                std::string url = ev_str(ev, PUSHCORE_FIELD_UA_URL);
                std::string ct = ev_str(ev, PUSHCORE_FIELD_UA_CONTENT_TYPE);
                std::string cid = ev_str(ev, PUSHCORE_FIELD_UA_CONTENT_ID);
                std::string hash = ev_str(ev, PUSHCORE_FIELD_UA_HASH);
                example::say("profile-url: %s %s (%s, Content-ID %s%s%s)\n", t, url.c_str(),
                             ct.c_str(), cid.c_str(), hash.empty() ? "" : ", hash ", hash.c_str());
                fetches_.push_back({s, url, ct, cid});
                if (is_attempt(s)) report(PUSHCORE_UA_OUTCOME_WITH_PROFILE, 0, s);
                break;
            }
            case PUSHCORE_EVENT_UA_SUBSCRIBER_PROFILE: {
                // An inline profile (no content indirection): in hand at once.
                std::string ct = ev_str(ev, PUSHCORE_FIELD_UA_CONTENT_TYPE);
                std::string cid = ev_str(ev, PUSHCORE_FIELD_UA_CONTENT_ID);
                std::string body = ev_str(ev, PUSHCORE_FIELD_UA_BODY);
                example::say("profile-inline: %s (%s, %zu bytes)\n", t, ct.c_str(), body.size());
                effective(s, cid.empty() ? "(none)" : cid, body, "not-given");
                if (is_attempt(s)) report(PUSHCORE_UA_OUTCOME_WITH_PROFILE, 0, s);
                break;
            }
            case PUSHCORE_EVENT_UA_SUBSCRIBER_NO_PROFILE:
                example::say("no-profile: %s\n", t);
                print_current(s, "still-effective");
                // In device_enrolled a NOTIFY without profile changes nothing (8.1.2).
                if (is_attempt(s) && pushcore_ua_discovery_state(discovery_) !=
                                         PUSHCORE_UA_DISCOVERY_STATE_DEVICE_ENROLLED)
                    report(PUSHCORE_UA_OUTCOME_WITHOUT_PROFILE, 0, s);
                break;
            case PUSHCORE_EVENT_UA_SUBSCRIBER_APPLY_BY: {
                uint64_t at = 0, now = example::now_ms();
                ev_u64(ev, PUSHCORE_FIELD_UA_APPLY_BY, at);
                example::say("apply-by: %s in %" PRIu64 " ms (this phone is idle: at once)\n", t,
                             at > now ? at - now : 0);
                pushcore_ua_subscriber_applied(s->h);
                break;
            }
            case PUSHCORE_EVENT_UA_SUBSCRIBER_APPLY_WHEN_IDLE:
                example::say("apply-when-idle: %s (this phone is idle: at once)\n", t);
                break;
            case PUSHCORE_EVENT_UA_SUBSCRIBER_PROFILE_READY: {
                std::string cid = ev_str(ev, PUSHCORE_FIELD_UA_CONTENT_ID);
                std::string ct = ev_str(ev, PUSHCORE_FIELD_UA_CONTENT_TYPE);
                ev_u64(ev, PUSHCORE_FIELD_UA_HASH_CHECK, v);
                s->fetch_errors.erase(cid);
                // Current now: read back by its media type.
                const uint8_t* data = nullptr;
                size_t len = 0;
                if (pushcore_ua_subscriber_current_profile_body(s->h, ct.data(), ct.size(), &data,
                                                                &len) != 1)
                    break;
                effective(s, cid, std::string(reinterpret_cast<const char*>(data), len),
                          hash_name(v));
                break;
            }
            case PUSHCORE_EVENT_UA_SUBSCRIBER_FETCH_FAILED: {
                std::string cid = ev_str(ev, PUSHCORE_FIELD_UA_CONTENT_ID);
                std::string reason = ev_str(ev, PUSHCORE_FIELD_REASON);
                auto why = s->fetch_errors.find(cid);
                if (why != s->fetch_errors.end()) {
                    reason = why->second;
                    s->fetch_errors.erase(why);
                }
                example::say("fetch-failed: %s %s (Content-ID %s)\n", t, reason.c_str(),
                             cid.c_str());
                print_current(s, "still-effective");
                break;
            }
            case PUSHCORE_EVENT_UA_SUBSCRIBER_APPLY_DUE:
                example::say("apply-due: %s\n", t);
                pushcore_ua_subscriber_applied(s->h);
                break;
            default:
                example::say("event: %s type %d\n", t, static_cast<int>(pushcore_event_type(ev)));
        }
    }

    // 7.8: the phone is idle, so "when non-obtrusive" is now.
    void effective(Sub* s, const std::string& cid, const std::string& body, const char* hash) {
        example::say(
            "effective: %s %s %zu bytes, hash %s: %s\n", type_name(s->type), cid.c_str(),
            body.size(), hash,
            first_line(reinterpret_cast<const uint8_t*>(body.data()), body.size()).c_str());
        pushcore_ua_subscriber_applied(s->h);
    }

    // The good profile the subscriber still holds (a failed fetch or an empty NOTIFY does
    // not replace it, 8.4).
    void print_current(Sub* s, const char* prefix) {
        const char* cid = nullptr;
        size_t cid_len = 0;
        const uint8_t* data = nullptr;
        size_t len = 0;
        if (pushcore_ua_subscriber_current_profile_str(
                s->h, nullptr, 0, PUSHCORE_UA_FIELD_CONTENT_ID, &cid, &cid_len) != 1 ||
            pushcore_ua_subscriber_current_profile_body(s->h, nullptr, 0, &data, &len) != 1) {
            example::say("%s: %s none\n", prefix, type_name(s->type));
            return;
        }
        example::say("%s: %s %s %zu bytes: %s\n", prefix, type_name(s->type),
                     cid_len ? std::string(cid, cid_len).c_str() : "(none)", len,
                     first_line(data, len).c_str());
    }

    // A subscription that is not the discovery attempt ended: a kept one is started again
    // after `wait_ms` (PUSHCORE_NO_DEADLINE: not at all); any other one is dropped.
    void ended(Sub* s, const char* why, uint64_t wait_ms) {
        if (!s->kept || s->leaving || quitting_) {
            if (!quitting_) s->dead = true;
            return;
        }
        if (wait_ms == PUSHCORE_NO_DEADLINE) {
            example::say("%s: %s: not subscribing again\n", type_name(s->type), why);
            s->kept = false;
            return;
        }
        s->restart_at = example::now_ms() + wait_ms;
        example::say("resubscribe: %s in %" PRIu64 " ms (%s)\n", type_name(s->type), wait_ms, why);
    }

    // ---- fetches ---------------------------------------------------------------------------

    void run_fetches() {
        while (!fetches_.empty()) {
            PendingFetch f = std::move(fetches_.front());
            fetches_.erase(fetches_.begin());
            if (f.sub->dead) continue;
            Fetched r = http_get(f.url, f.content_type);
            uint64_t now = example::now_ms();
            int rc;
            if (r.ok && r.status == 200) {
                example::say("fetch: %s -> 200 (%zu bytes)\n", f.url.c_str(), r.body.size());
                rc = pushcore_ua_subscriber_on_fetched(
                    f.sub->h, f.content_id.data(), f.content_id.size(),
                    reinterpret_cast<const uint8_t*>(r.body.data()), r.body.size(), now);
            } else {
                std::string why =
                    r.ok ? "HTTP " + std::to_string(r.status) + " " + r.reason : r.error;
                if (r.ok)
                    example::say("fetch: %s -> %d (%zu bytes)\n", f.url.c_str(), r.status,
                                 r.body.size());
                else
                    example::say("fetch: %s -> failed: %s\n", f.url.c_str(), why.c_str());
                f.sub->fetch_errors[f.content_id] = why;
                rc = pushcore_ua_subscriber_on_fetch_failed(f.sub->h, f.content_id.data(),
                                                            f.content_id.size(), now);
            }
            check(f.sub, "fetch result", rc);
            drain(f.sub);
        }
    }

    // ---- time ------------------------------------------------------------------------------

    uint64_t next_deadline() const {
        uint64_t d = quitting_ ? quit_deadline_ : PUSHCORE_NO_DEADLINE;
        for (const auto& s : subs_) {
            if (s->dead) continue;
            d = std::min(d, pushcore_ua_subscriber_next_deadline(s->h));
            d = std::min(d, s->restart_at);
            if (s->leaving) d = std::min(d, s->leave_deadline);
        }
        return d;
    }

    void on_timers(uint64_t now) {
        for (size_t i = 0; i < subs_.size(); ++i) {  // by index: a report may add one
            Sub* s = subs_[i].get();
            if (s->dead) continue;
            if (s->restart_at <= now) {
                s->restart_at = PUSHCORE_NO_DEADLINE;
                if (!quitting_) {
                    example::say("resubscribe: %s %s\n", type_name(s->type), s->uri.c_str());
                    check(s, "start", pushcore_ua_subscriber_start(s->h, now));
                }
            }
            if (pushcore_ua_subscriber_next_deadline(s->h) <= now)
                check(s, "timeout", pushcore_ua_subscriber_on_timeout(s->h, now));
            drain(s);
        }
    }

    // Frees what has ended; never while a subscriber's events are being read.
    void sweep() {
        uint64_t now = example::now_ms();
        for (auto& s : subs_) {
            if (!s->leaving || s->dead) continue;
            if (ended_fully(*s) || now >= s->leave_deadline) s->dead = true;
        }
        for (size_t i = 0; i < fetches_.size();) {
            if (fetches_[i].sub->dead)
                fetches_.erase(fetches_.begin() + static_cast<std::ptrdiff_t>(i));
            else
                ++i;
        }
        for (size_t i = 0; i < subs_.size();) {
            if (subs_[i]->dead) {
                if (attempt_ == subs_[i].get()) attempt_ = nullptr;
                subs_.erase(subs_.begin() + static_cast<std::ptrdiff_t>(i));
            } else {
                ++i;
            }
        }
    }

    // ---- stdin -----------------------------------------------------------------------------

    void command(const std::string& line) {
        if (line.empty()) return;
        example::say("stdin: %s\n", line.c_str());
        if (line == "quit") {
            quit();
        } else if (line.rfind("host ", 0) == 0) {
            std::string host = trim(line.substr(5));
            int rc = pushcore_ua_discovery_manual_host(discovery_, host.data(), host.size());
            if (rc != PUSHCORE_OK) {
                const char* reason = nullptr;
                size_t offset = 0;
                pushcore_ua_discovery_last_error(discovery_, &reason, &offset);
                example::say("!! host: %s\n",
                             rc == PUSHCORE_E_INVALID_STATE
                                 ? "not now: the device profile is not being discovered"
                                 : example::describe(rc, reason, offset).c_str());
            }
            drain_discovery();
        } else if (line.rfind("user ", 0) == 0) {
            std::string aor = trim(line.substr(5));
            int rc = pushcore_ua_discovery_user_aor(discovery_, aor.data(), aor.size());
            if (rc != PUSHCORE_OK) {
                const char* reason = nullptr;
                size_t offset = 0;
                pushcore_ua_discovery_last_error(discovery_, &reason, &offset);
                example::say("!! user: %s\n", example::describe(rc, reason, offset).c_str());
            }
            drain_discovery();
        } else if (line == "status") {
            static const char* const states[] = {"?",          "idle",       "subscribing",
                                                 "subscribed", "refreshing", "unsubscribing",
                                                 "terminated"};
            for (const auto& s : subs_) {
                if (s->dead) continue;
                int st = pushcore_ua_subscriber_state(s->h);
                example::say("status: %s %s %s%s\n", type_name(s->type), s->uri.c_str(),
                             st >= 1 && st <= 6 ? states[st] : "?", s->kept ? "" : " (trying)");
                print_current(s.get(), "profile");
            }
        } else {
            example::say("commands: host HOST[:PORT] | user sip:USER@DOMAIN | status | quit\n");
        }
        run_fetches();
    }

    void quit() {
        if (quitting_) return;
        quitting_ = true;
        quit_deadline_ = example::now_ms() + kQuitWaitMs;
        for (size_t i = 0; i < subs_.size(); ++i) {
            Sub* s = subs_[i].get();
            s->restart_at = PUSHCORE_NO_DEADLINE;
            if (s->dead) continue;
            int state = pushcore_ua_subscriber_state(s->h);
            if (state == PUSHCORE_UA_SUBSCRIBER_STATE_SUBSCRIBING ||
                state == PUSHCORE_UA_SUBSCRIBER_STATE_SUBSCRIBED ||
                state == PUSHCORE_UA_SUBSCRIBER_STATE_REFRESHING) {
                check(s, "stop", pushcore_ua_subscriber_stop(s->h, example::now_ms()));
                drain(s);
            }
        }
    }

    // Every subscription over: answered, and its final NOTIFY (if any came) answered too.
    bool all_ended() const {
        for (const auto& s : subs_)
            if (!s->dead && !ended_fully(*s)) return false;
        return true;
    }

    static bool ended_fully(const Sub& s) {
        int state = pushcore_ua_subscriber_state(s.h);
        int sub_state = pushcore_ua_subscriber_sub_state(s.h);
        return (state == PUSHCORE_UA_SUBSCRIBER_STATE_IDLE ||
                state == PUSHCORE_UA_SUBSCRIBER_STATE_TERMINATED) &&
               sub_state != PUSHCORE_UA_SUBSTATE_ACTIVE &&
               sub_state != PUSHCORE_UA_SUBSTATE_PENDING;
    }

    // ---- the network -----------------------------------------------------------------------

    void send_bytes(const uint8_t* data, size_t len) {
        if (!o_.tcp) {
            if (sendto(fd_, data, len, 0, reinterpret_cast<const sockaddr*>(&server_ss_),
                       server_len_) < 0)
                example::say("!! sendto: %s\n", std::strerror(errno));
            return;
        }
        // Small messages on loopback: a short blocking retry loop is enough here.
        size_t off = 0;
        while (off < len) {
            ssize_t n = send(fd_, data + off, len - off, MSG_NOSIGNAL);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                pollfd p{fd_, POLLOUT, 0};
                poll(&p, 1, 1000);
                continue;
            }
            if (n <= 0) {
                example::say("!! send: %s\n", std::strerror(errno));
                return;
            }
            off += static_cast<size_t>(n);
        }
    }

    bool read_socket() {
        uint8_t buf[65536];
        if (!o_.tcp) {
            for (;;) {
                ssize_t n = recv(fd_, buf, sizeof buf, 0);
                if (n <= 0) return true;
                handle(buf, static_cast<size_t>(n));
            }
        }
        ssize_t n = recv(fd_, buf, sizeof buf, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
        if (n <= 0) {
            example::say("the server closed the connection\n");
            return false;
        }
        if (pushcore_sip_framer_receive(framer_, buf, static_cast<size_t>(n)) != PUSHCORE_OK)
            return false;
        for (;;) {
            const uint8_t* msg = nullptr;
            size_t len = 0;
            int rc = pushcore_sip_framer_next(framer_, &msg, &len);
            if (rc == 0) return true;
            if (rc < 0) {
                example::say("!! broken stream from the server: %s\n", pushcore_status_name(rc));
                return false;
            }
            // Copy: the framer's buffer is borrowed only until its next call.
            std::string copy(reinterpret_cast<const char*>(msg), len);
            handle(reinterpret_cast<const uint8_t*>(copy.data()), copy.size());
        }
    }

    // One SIP message from the server, routed to its subscription by Call-ID.
    void handle(const uint8_t* data, size_t len) {
        std::vector<Header> hs;
        std::string line = example::summary(data, len);
        if (!read_headers(data, len, hs)) {
            example::say("<- %s  (unreadable: ignored)\n", line.c_str());
            return;
        }
        std::string call_id = header(hs, "Call-ID", "i");
        Sub* s = nullptr;
        for (auto& sub : subs_)
            if (!sub->dead && !call_id.empty() && sub->call_id == call_id) s = sub.get();
        bool response = example::is_response(data, len);
        std::string detail;
        if (!response) {
            std::string ct = header(hs, "Content-Type", "c");
            detail = "; " + header(hs, "Subscription-State", nullptr);
            size_t body =
                len -
                (std::string_view(reinterpret_cast<const char*>(data), len).find("\r\n\r\n") + 4);
            if (body)
                detail +=
                    "; " + ct.substr(0, ct.find(';')) + ", " + std::to_string(body) + " bytes";
        }
        if (!s) {
            example::say("<- %s  (no subscription%s)\n", line.c_str(), detail.c_str());
            if (!response) answer_unknown(data, len, hs);
            return;
        }
        example::say("<- %s  (%s%s)\n", line.c_str(), type_name(s->type), detail.c_str());
        int rc = pushcore_ua_subscriber_receive(s->h, data, len, example::now_ms());
        check(s, response ? "response" : "request", rc);
        drain(s);
        run_fetches();
    }

    // RFC 3265 3.2.4: a NOTIFY for no subscription we hold gets 481 (hand-built: there is
    // no subscriber to answer it). Other requests get 501.
    void answer_unknown(const uint8_t* data, size_t len, const std::vector<Header>& hs) {
        std::string method = example::summary(data, len);
        method = method.substr(0, method.find(' '));
        bool notify = method == "NOTIFY";
        std::string m = notify ? "SIP/2.0 481 Call/Transaction Does Not Exist\r\n"
                               : "SIP/2.0 501 Not Implemented\r\n";
        for (const Header& h : hs)  // every Via, in order (RFC 3261 8.2.6.2)
            if (strcasecmp(h.name.c_str(), "Via") == 0 || strcasecmp(h.name.c_str(), "v") == 0)
                m += "Via: " + h.value + "\r\n";
        std::string to = header(hs, "To", "t");
        if (to.find(";tag=") == std::string::npos) to += ";tag=gone";
        m += "From: " + header(hs, "From", "f") + "\r\nTo: " + to +
             "\r\nCall-ID: " + header(hs, "Call-ID", "i") +
             "\r\nCSeq: " + header(hs, "CSeq", nullptr) + "\r\nContent-Length: 0\r\n\r\n";
        example::say("-> %s\n",
                     notify ? "481 Call/Transaction Does Not Exist" : "501 Not Implemented");
        send_bytes(reinterpret_cast<const uint8_t*>(m.data()), m.size());
    }

    Options o_;
    int fd_ = -1;
    Endpoint local_;
    sockaddr_storage server_ss_{};
    socklen_t server_len_ = 0;
    pushcore_sip_framer* framer_ = nullptr;
    pushcore_ua_discovery* discovery_ = nullptr;
    std::string contact_;
    std::vector<std::unique_ptr<Sub>> subs_;
    Sub* attempt_ = nullptr;        // the subscription of discovery's current attempt
    bool pending_give_up_ = false;  // the attempt needs credentials this phone lacks
    int32_t unusable_ = 0;          // the profile type of an attempt no subscriber could take
    std::vector<PendingFetch> fetches_;
    bool quitting_ = false;
    uint64_t quit_deadline_ = PUSHCORE_NO_DEADLINE;
};

}  // namespace

int main(int argc, char** argv) {
    Options options;
    if (!parse_options(argc, argv, options)) {
        usage(stderr);
        return 2;
    }
    if (!example::same_library_version("ua-profile-phone")) return 1;
    int signal_fd = example::install_signal_pipe();
    Phone phone;
    if (signal_fd < 0 || !phone.start(options)) return 1;
    return phone.run(signal_fd);
}
