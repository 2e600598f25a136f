// ua-profile-server: a SIP ua-profile profile delivery server (draft-ietf-sipping-config-
// framework-08 sections 5 and 7, RFC 6080) over real sockets, driving pushcore_ua_notifier
// through the C ABI, with a small HTTP/1.1 file server for the profiles it points to.
//
//   ua-profile-server --listen 127.0.0.1:PORT --profiles DIR [--http-port N]
//                     [--form draft08|rfc6080] [--content-type TYPE] [--effective-by SECONDS]
//                     [--poll-ms N] [--refuse-unknown] [--label TEXT]
//
// Profiles are plain files: DIR/<profile-type>/<identity>, where <profile-type> is device,
// user, application or local-network and <identity> is what the notifier names: the
// canonical device identifier for device and local-network ("MAC:00DF1E004CD0", upper-case
// hex; "urn:uuid:..." lower-case), "user@host" for user and application. An identity with
// '/' or a leading '.' never names a file (no path traversal). A subscriber with no file is
// accepted and gets a NOTIFY without body (draft 7.6-7.7), unless --refuse-unknown (404).
//
// A NOTIFY refers to its profile by content indirection (draft 7.5, RFC 4483):
//   http://127.0.0.1:HPORT/<profile-type>/<identity, percent-encoded>
// with the file's SHA-1 as hash and its size; files of at most 16 KiB also go inline, for a
// subscriber whose Accept does not list message/external-body (the library chooses from
// Accept: external-body, else application/url, else inline). Every profile has the
// Content-Type given by --content-type (default text/plain). Inline profiles over UDP or
// TCP are fine for a loopback example; draft 7.6 wants TLS and Digest for them.
//
// Every --poll-ms (default 250) the four directories are scanned: a file added, removed or
// whose content (SHA-1) changed notifies its subscribers, with effective-by given
// --effective-by (draft 7.7). A file touched without a change in content notifies nobody.
//
// SIP: one UDP socket and a TCP listener on the --listen address and port (port 0: one the
// system picks for both). Every UDP datagram is flow 0 with its source address; every
// accepted TCP connection is its own flow, framed by pushcore_sip_framer. An output goes
// to its flow while that connection is open; once it closed, the output is not sent (a
// NOTIFY's subscription ends: pushcore_ua_notifier_output_failed). Flow 0 goes by UDP.
// Via sent-by is the listen address (a NOTIFY's Via names its SUBSCRIBE's transport);
// Contact <sip:profiles@HOST:PORT>.
// A device asking to make a network-user its default user (draft 7.6) is always accepted.
//
// HTTP: a loopback-only HTTP/1.1 server on 127.0.0.1:--http-port (absent or 0: the system
// picks), in the same poll loop: GET and HEAD of /<profile-type>/<identity>, one request
// per connection (Connection: close).
//
// Once both servers listen it prints one line
//   listening: sip udp+tcp 127.0.0.1:5060, http 127.0.0.1:8080, profiles DIR
// then one line per SIP message in (<-) and out (->), per notifier event, per profile
// change and per HTTP request, on stdout (prefixed with "TEXT | " given --label TEXT).
// SIGINT and SIGTERM stop it: every subscription is ended with "terminated;reason=probation;
// retry-after=30" and it exits once they are answered (at most 2 s; a second signal: at once).
#include <dirent.h>
#include <netinet/tcp.h>
#include <openssl/sha.h>
#include <strings.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "../common/io.hpp"

namespace {

using example::Endpoint;

constexpr const char* kProgram = "ua-profile-server";
constexpr size_t kInlineMax = 16 * 1024;  // larger profiles go by reference only
constexpr size_t kHttpHeadMax = 8 * 1024;
constexpr uint64_t kHttpRequestTimeoutMs = 10000;  // for the whole request head
constexpr uint64_t kHttpLingerMs = 2000;           // reading what follows a response
constexpr uint32_t kRetryAfterS = 30;              // in the terminated NOTIFYs sent when stopping

void usage(FILE* out) {
    std::fprintf(out,
                 "usage: ua-profile-server --listen HOST:PORT --profiles DIR [--http-port N]\n"
                 "                         [--form draft08|rfc6080] [--content-type TYPE]\n"
                 "                         [--effective-by SECONDS] [--poll-ms N]\n"
                 "                         [--refuse-unknown] [--label TEXT]\n");
}

struct Options {
    Endpoint listen;
    std::string profiles;
    uint16_t http_port = 0;
    int32_t form = PUSHCORE_UA_FORM_DRAFT08;
    std::string content_type = "text/plain";
    std::optional<uint32_t> effective_by;
    uint64_t poll_ms = 250;
    bool refuse_unknown = false;
};

bool parse_u64(const char* s, uint64_t max, uint64_t& out) {
    if (!s || *s < '0' || *s > '9') return false;
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > max) return false;
    out = v;
    return true;
}

// A media type as RFC 2045 writes it, "type/subtype" with optional parameters: what a
// Content-Type header of both the NOTIFY part and the HTTP response can carry.
bool plausible_media_type(std::string_view s) {
    size_t slash = s.find('/');
    if (slash == 0 || slash == std::string_view::npos || slash + 1 >= s.size()) return false;
    for (char c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    std::string_view name = s.substr(0, s.find(';'));
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    for (char c : name)
        if (c == ' ' || c == '"' || c == '<' || c == '>' || c == '@' || c == ',') return false;
    return name.find('/') != std::string_view::npos && name.back() != '/';
}

bool parse_options(int argc, char** argv, Options& o) {
    bool have_listen = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            usage(stdout);
            std::exit(0);
        }
        if (arg == "--refuse-unknown") {  // the one option without a value
            o.refuse_unknown = true;
            continue;
        }
        const char* value = i + 1 < argc ? argv[++i] : nullptr;
        uint64_t n = 0;
        if (arg == "--listen" && value) {
            if (!example::parse_endpoint(value, o.listen)) {
                std::fprintf(stderr, "%s: --listen needs HOST:PORT, got '%s'\n", kProgram, value);
                return false;
            }
            have_listen = true;
        } else if (arg == "--profiles" && value) {
            o.profiles = value;
            while (o.profiles.size() > 1 && o.profiles.back() == '/') o.profiles.pop_back();
        } else if (arg == "--http-port" && value) {
            if (!parse_u64(value, 65535, n)) {
                std::fprintf(stderr, "%s: --http-port needs 0..65535, got '%s'\n", kProgram, value);
                return false;
            }
            o.http_port = static_cast<uint16_t>(n);
        } else if (arg == "--form" && value) {
            if (std::strcmp(value, "draft08") == 0) {
                o.form = PUSHCORE_UA_FORM_DRAFT08;
            } else if (std::strcmp(value, "rfc6080") == 0) {
                o.form = PUSHCORE_UA_FORM_RFC6080;
            } else {
                std::fprintf(stderr, "%s: --form is draft08 or rfc6080, got '%s'\n", kProgram,
                             value);
                return false;
            }
        } else if (arg == "--content-type" && value) {
            if (!plausible_media_type(value)) {
                std::fprintf(stderr, "%s: --content-type needs a media type, got '%s'\n", kProgram,
                             value);
                return false;
            }
            o.content_type = value;
        } else if (arg == "--effective-by" && value) {
            if (!parse_u64(value, UINT32_MAX, n)) {
                std::fprintf(stderr,
                             "%s: --effective-by needs seconds (0..%" PRIu32 "), got '%s'\n",
                             kProgram, UINT32_MAX, value);
                return false;
            }
            o.effective_by = static_cast<uint32_t>(n);
        } else if (arg == "--poll-ms" && value) {
            if (!parse_u64(value, 86400000, n) || n == 0) {
                std::fprintf(stderr, "%s: --poll-ms needs 1..86400000, got '%s'\n", kProgram,
                             value);
                return false;
            }
            o.poll_ms = n;
        } else if (arg == "--label" && value) {
            example::transcript_label() = value;
        } else {
            std::fprintf(stderr, "%s: unknown or incomplete option '%s'\n", kProgram, arg.c_str());
            return false;
        }
    }
    if (!have_listen) std::fprintf(stderr, "%s: --listen is required\n", kProgram);
    if (o.profiles.empty()) std::fprintf(stderr, "%s: --profiles is required\n", kProgram);
    return have_listen && !o.profiles.empty();
}

// ---- profiles on disk -----------------------------------------------------------------------

struct TypeDir {
    const char* name;  // the directory, and the first path segment of the HTTP URL
    int32_t code;      // PUSHCORE_UA_PROFILE_*
};

constexpr TypeDir kTypes[] = {
    {"device", PUSHCORE_UA_PROFILE_DEVICE},
    {"user", PUSHCORE_UA_PROFILE_USER},
    {"application", PUSHCORE_UA_PROFILE_APPLICATION},
    {"local-network", PUSHCORE_UA_PROFILE_LOCAL_NETWORK},
};

const char* type_name(int32_t code) {
    for (const TypeDir& t : kTypes)
        if (t.code == code) return t.name;
    return nullptr;  // PUSHCORE_UA_PROFILE_OTHER: no directory
}

// Whether an identity may name a file in a type directory: one path component that is
// neither hidden nor "." or "..".
bool identity_ok(std::string_view id) {
    return !id.empty() && id.front() != '.' && id.find('/') == std::string_view::npos &&
           id.find('\0') == std::string_view::npos;
}

bool unreserved(unsigned char c) {  // RFC 3986 section 2.3
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

std::string percent_encode(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (unreserved(c)) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// False for a '%' not followed by two hex digits.
bool percent_decode(std::string_view s, std::string& out) {
    out.clear();
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 2 >= s.size()) return false;
        int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return true;
}

// The lower-case hex SHA-1 that the NOTIFY's hash parameter carries (RFC 4483).
std::string sha1_hex(const std::string& data) {
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : md) {
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 15]);
    }
    return out;
}

// A regular file's whole content. On failure errno says why (ENOENT also for anything
// that is not a regular file).
bool read_file(const std::string& path, std::string& out) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return false;
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = ENOENT;
        return false;
    }
    out.clear();
    out.reserve(static_cast<size_t>(st.st_size));
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int saved = errno;
            close(fd);
            errno = saved;
            return false;
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    close(fd);
    return true;
}

// What a scan remembers of a profile file: stat to skip unchanged files, SHA-1 to tell a
// real change from a touch.
struct FileState {
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    std::string sha1;
};

using FileKey = std::pair<int32_t, std::string>;  // profile type code, identity

const char* str_field(const pushcore_event* ev, int32_t field) {
    const char* value = nullptr;
    size_t len = 0;
    return pushcore_event_str(ev, field, &value, &len) == 1 ? value : nullptr;
}

uint64_t u64_field(const pushcore_event* ev, int32_t field, uint64_t fallback = 0) {
    uint64_t v = 0;
    return pushcore_event_u64(ev, field, &v) == 1 ? v : fallback;
}

const char* or_dash(const char* s) {
    return s && *s ? s : "-";
}

// ---- connections --------------------------------------------------------------------------

struct SipConnection {
    int fd = -1;
    Endpoint peer;
    pushcore_sip_framer* framer = nullptr;
    std::string pending;  // bytes not yet written
};

struct HttpConnection {
    int fd = -1;
    Endpoint peer;
    std::string in;
    std::string out;         // the response, as far as not yet written
    bool responded = false;  // `out` holds the whole response
    bool lingering = false;  // response written and our side shut down: reading to EOF
    uint64_t deadline = 0;
};

class Server {
  public:
    ~Server() {
        for (auto& [flow, c] : sip_conns_) {
            pushcore_sip_framer_free(c.framer);
            close(c.fd);
        }
        for (auto& [id, c] : http_conns_) close(c.fd);
        for (int fd : {udp_, sip_listener_, http_listener_})
            if (fd >= 0) close(fd);
        pushcore_ua_notifier_free(notifier_);
    }

    bool start(const Options& o) {
        options_ = o;
        struct stat st {};
        if (stat(o.profiles.c_str(), &st) != 0) {
            std::fprintf(stderr, "%s: --profiles %s: %s\n", kProgram, o.profiles.c_str(),
                         std::strerror(errno));
            return false;
        }
        if (!S_ISDIR(st.st_mode)) {
            std::fprintf(stderr, "%s: --profiles %s: not a directory\n", kProgram,
                         o.profiles.c_str());
            return false;
        }
        // The sockets first: Via, Contact and the profile URLs need the ports.
        if (!open_sip(o.listen) || !open_http(o.http_port) || !make_notifier()) return false;
        std::map<FileKey, FileState> initial;
        scan(initial);
        files_ = std::move(initial);  // the state at start notifies nobody
        next_scan_ = example::now_ms() + o.poll_ms;
        example::say("listening: sip udp+tcp %s, http 127.0.0.1:%u, profiles %s\n",
                     example::to_string(sip_at_).c_str(), static_cast<unsigned>(http_port_),
                     o.profiles.c_str());
        example::say("pushcore %s, form %s, %zu profile file%s, content-type %s\n",
                     pushcore_version_string(),
                     o.form == PUSHCORE_UA_FORM_RFC6080 ? "rfc6080" : "draft08", files_.size(),
                     files_.size() == 1 ? "" : "s", o.content_type.c_str());
        return true;
    }

    // The poll loop: the signal pipe, the SIP sockets, the HTTP sockets, and the nearest of
    // the notifier's deadline, the next directory scan and the HTTP connections' deadlines.
    void run(int signal_fd) {
        enum class Kind { sip, http };
        std::vector<pollfd> fds;
        std::vector<std::pair<Kind, uint64_t>> owners;  // fds[i + 4] belongs to owners[i]
        for (;;) {
            fds.clear();
            owners.clear();
            fds.push_back({signal_fd, POLLIN, 0});
            fds.push_back({udp_, POLLIN, 0});
            fds.push_back({sip_listener_, POLLIN, 0});
            fds.push_back({http_listener_, POLLIN, 0});
            for (const auto& [flow, c] : sip_conns_) {
                short events = POLLIN;
                if (!c.pending.empty()) events = static_cast<short>(events | POLLOUT);
                fds.push_back({c.fd, events, 0});
                owners.emplace_back(Kind::sip, flow);
            }
            uint64_t deadline = std::min(pushcore_ua_notifier_next_deadline(notifier_), next_scan_);
            if (stop_by_ != 0) {
                // Stopping: done once every subscriber answered its terminated NOTIFY.
                if (pushcore_ua_notifier_subscription_count(notifier_) == 0 ||
                    example::now_ms() >= stop_by_)
                    return;
                deadline = std::min(deadline, stop_by_);
            }
            for (const auto& [id, c] : http_conns_) {
                short events = c.out.empty() ? POLLIN : POLLOUT;
                fds.push_back({c.fd, events, 0});
                owners.emplace_back(Kind::http, id);
                deadline = std::min(deadline, c.deadline);
            }
            int n =
                poll(fds.data(), fds.size(), example::poll_timeout(deadline, example::now_ms()));
            if (n < 0 && errno != EINTR) {
                std::perror("poll");
                return;
            }
            if (n > 0) {
                if (fds[0].revents) {
                    char drop[16];
                    while (read(signal_fd, drop, sizeof drop) > 0) {
                    }
                    if (stop_by_ != 0) return;  // a second signal: at once
                    example::say("stopping on signal\n");
                    stop();
                    continue;
                }
                if (fds[1].revents & POLLIN) read_udp();
                if (fds[2].revents & POLLIN) accept_sip();
                if (fds[3].revents & POLLIN) accept_http();
                for (size_t i = 0; i < owners.size(); ++i) {
                    short re = fds[i + 4].revents;
                    if (!re) continue;
                    auto [kind, id] = owners[i];
                    if (kind == Kind::sip) {
                        if (re & POLLOUT) flush_sip(id);
                        if (re & (POLLIN | POLLHUP | POLLERR)) read_sip(id);
                    } else {
                        http_ready(id, re);
                    }
                }
            }
            uint64_t now = example::now_ms();
            if (pushcore_ua_notifier_next_deadline(notifier_) <= now) {
                int rc = pushcore_ua_notifier_on_timeout(notifier_, now);
                if (rc < 0) report("pushcore_ua_notifier_on_timeout", rc);
                drain();
            }
            if (next_scan_ <= now) {
                rescan(now);
                next_scan_ = example::now_ms() + options_.poll_ms;
            }
            expire_http(example::now_ms());
        }
    }

  private:
    // Ends every subscription with probation and retry-after (RFC 6665 4.1.3): a server
    // going away asks its phones to come back later rather than find it gone. The loop
    // then waits up to 2 s for their answers.
    void stop() {
        const uint64_t now = example::now_ms();
        for (uint64_t id : live_) {
            int rc = pushcore_ua_notifier_terminate(notifier_, id, PUSHCORE_UA_TERMINATE_PROBATION,
                                                    kRetryAfterS, now);
            if (rc < 0 && rc != PUSHCORE_E_INVALID_STATE)
                report("pushcore_ua_notifier_terminate", rc);
        }
        drain();
        stop_by_ = now + 2000;
    }

    // ---- set-up -------------------------------------------------------------------------

    bool open_sip(const Endpoint& at) {
        sockaddr_storage ss;
        socklen_t len;
        if (!example::to_sockaddr(at, ss, len)) {
            std::fprintf(stderr, "%s: --listen needs a numeric address, got '%s'\n", kProgram,
                         at.host.c_str());
            return false;
        }
        // Port 0: the UDP socket takes one the system picks and TCP the same, which another
        // program may hold; a few tries then.
        for (int attempt = 0; attempt < 20; ++attempt) {
            udp_ = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            sip_listener_ = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (udp_ < 0 || sip_listener_ < 0) break;
            int one = 1;
            setsockopt(sip_listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
            if (bind(udp_, reinterpret_cast<sockaddr*>(&ss), len) != 0) break;
            sockaddr_storage bound{};
            socklen_t bound_len = sizeof bound;
            getsockname(udp_, reinterpret_cast<sockaddr*>(&bound), &bound_len);
            sip_at_ = example::from_sockaddr(bound);
            // TCP on the address and port the UDP socket has.
            if (bind(sip_listener_, reinterpret_cast<sockaddr*>(&bound), bound_len) == 0 &&
                listen(sip_listener_, 64) == 0) {
                example::set_nonblocking(udp_);
                example::set_nonblocking(sip_listener_);
                return true;
            }
            if (at.port != 0 || errno != EADDRINUSE) break;
            close(udp_);
            close(sip_listener_);
            udp_ = sip_listener_ = -1;
        }
        std::fprintf(stderr, "%s: cannot listen on udp+tcp %s: %s\n", kProgram,
                     example::to_string(at).c_str(), std::strerror(errno));
        return false;
    }

    bool open_http(uint16_t port) {
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_port = htons(port);
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // loopback only: no access control
        http_listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        if (http_listener_ >= 0)
            setsockopt(http_listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (http_listener_ < 0 ||
            bind(http_listener_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
            listen(http_listener_, 64) != 0) {
            std::fprintf(stderr, "%s: cannot listen on http 127.0.0.1:%u: %s\n", kProgram,
                         static_cast<unsigned>(port), std::strerror(errno));
            return false;
        }
        socklen_t sl = sizeof sa;
        getsockname(http_listener_, reinterpret_cast<sockaddr*>(&sa), &sl);
        http_port_ = ntohs(sa.sin_port);
        example::set_nonblocking(http_listener_);
        return true;
    }

    bool make_notifier() {
        pushcore_ua_notifier_config* cfg = nullptr;
        if (pushcore_ua_notifier_config_new(&cfg) != PUSHCORE_OK) {
            std::fprintf(stderr, "%s: out of memory\n", kProgram);
            return false;
        }
        const std::string sent_by = example::to_string(sip_at_);
        const std::string contact = "<sip:profiles@" + sent_by + ">";
        const char* step = "";
        int rc = PUSHCORE_OK;
        auto set = [&](const char* what, int result) {
            if (rc == PUSHCORE_OK && result != PUSHCORE_OK) {
                step = what;
                rc = result;
            }
        };
        set("random", pushcore_ua_notifier_config_set_random(cfg, example::random_bytes, nullptr));
        set("sent-by",
            pushcore_ua_notifier_config_set_sent_by(cfg, sent_by.data(), sent_by.size()));
        set("contact",
            pushcore_ua_notifier_config_set_contact(cfg, contact.data(), contact.size()));
        set("--form", pushcore_ua_notifier_config_set_form(cfg, options_.form));
        set("--refuse-unknown",
            pushcore_ua_notifier_config_set_u64(cfg, PUSHCORE_UA_NOTIFIER_ACCEPT_UNKNOWN,
                                                options_.refuse_unknown ? 0 : 1));
        set("lookup", pushcore_ua_notifier_config_set_lookup(cfg, &Server::lookup, this));
        set("network-user policy",
            pushcore_ua_notifier_config_set_network_user_policy(cfg, &Server::network_user, this));
        if (rc == PUSHCORE_OK) {
            step = "pushcore_ua_notifier_new";
            rc = pushcore_ua_notifier_new(&notifier_, cfg);
        }
        if (rc != PUSHCORE_OK) {
            const char* reason = nullptr;
            size_t offset = 0;
            pushcore_ua_notifier_config_last_error(cfg, &reason, &offset);
            std::fprintf(stderr, "%s: configuring the notifier (%s): %s\n", kProgram, step,
                         example::describe(rc, reason, offset).c_str());
        }
        pushcore_ua_notifier_config_free(cfg);
        return rc == PUSHCORE_OK;
    }

    // ---- the profile store --------------------------------------------------------------

    std::string path_of(const char* type, const std::string& identity) const {
        return options_.profiles + "/" + type + "/" + identity;
    }

    std::string url_of(const char* type, std::string_view identity) const {
        return "http://127.0.0.1:" + std::to_string(http_port_) + "/" + type + "/" +
               percent_encode(identity);
    }

    // The notifier asks at every NOTIFY (and once per SUBSCRIBE, to tell known from
    // unknown): the file now, by reference and, when small, inline.
    static int lookup(void* ctx, int32_t profile_type, const char* identity, size_t len,
                      pushcore_ua_profile_answer* answer) {
        return static_cast<Server*>(ctx)->describe_profile(profile_type, std::string(identity, len),
                                                           answer);
    }

    int describe_profile(int32_t profile_type, const std::string& identity,
                         pushcore_ua_profile_answer* answer) {
        const char* type = type_name(profile_type);
        if (!type || !identity_ok(identity)) return 0;
        const std::string path = path_of(type, identity);
        std::string content;
        if (!read_file(path, content)) {
            if (errno != ENOENT && errno != ENOTDIR)
                example::say("!! profile %s: %s\n", path.c_str(), std::strerror(errno));
            return 0;
        }
        const std::string url = url_of(type, identity);
        const std::string hash = sha1_hex(content);
        const std::string& ct = options_.content_type;
        const char* step = nullptr;
        int rc = PUSHCORE_OK;
        auto set = [&](const char* what, int result) {
            if (rc == PUSHCORE_OK && result != PUSHCORE_OK) {
                step = what;
                rc = result;
            }
        };
        set("URL", pushcore_ua_profile_answer_set_str(answer, PUSHCORE_UA_FIELD_URL, url.data(),
                                                      url.size()));
        set("CONTENT_TYPE", pushcore_ua_profile_answer_set_str(
                                answer, PUSHCORE_UA_FIELD_CONTENT_TYPE, ct.data(), ct.size()));
        set("HASH", pushcore_ua_profile_answer_set_str(answer, PUSHCORE_UA_FIELD_HASH, hash.data(),
                                                       hash.size()));
        set("size", pushcore_ua_profile_answer_set_size(answer, content.size()));
        if (content.size() <= kInlineMax)
            set("body",
                pushcore_ua_profile_answer_set_body(
                    answer, reinterpret_cast<const uint8_t*>(content.data()), content.size()));
        if (rc != PUSHCORE_OK) {
            example::say("!! profile %s: pushcore_ua_profile_answer %s: %s\n", path.c_str(), step,
                         pushcore_status_name(rc));
            return 0;
        }
        return 1;
    }

    static int network_user(void*, const char* device, size_t device_len, const char* user,
                            size_t user_len) {
        example::say("network-user: %.*s asks for default user %.*s: accepted\n",
                     static_cast<int>(device_len), device, static_cast<int>(user_len), user);
        return 1;
    }

    // Every profile file now. A file whose size and mtime are as remembered keeps its
    // remembered SHA-1; the others are read.
    void scan(std::map<FileKey, FileState>& out) const {
        for (const TypeDir& t : kTypes) {
            const std::string dir = options_.profiles + "/" + t.name;
            DIR* d = opendir(dir.c_str());
            if (!d) continue;  // no directory: no profiles of the type
            while (dirent* e = readdir(d)) {
                std::string identity = e->d_name;
                if (!identity_ok(identity)) continue;
                const std::string path = dir + "/" + identity;
                struct stat st {};
                if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
                FileState f;
                f.size = static_cast<uint64_t>(st.st_size);
                f.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 +
                             static_cast<int64_t>(st.st_mtim.tv_nsec);
                FileKey key{t.code, identity};
                auto known = files_.find(key);
                if (known != files_.end() && known->second.size == f.size &&
                    known->second.mtime_ns == f.mtime_ns) {
                    f.sha1 = known->second.sha1;
                } else {
                    std::string content;
                    if (!read_file(path, content)) continue;  // gone meanwhile
                    f.sha1 = sha1_hex(content);
                }
                out.emplace(std::move(key), std::move(f));
            }
            closedir(d);
        }
    }

    // Compares a new scan with the last and notifies the subscribers of what changed.
    void rescan(uint64_t now) {
        std::map<FileKey, FileState> current;
        scan(current);
        std::vector<std::pair<FileKey, const char*>> changes;
        for (const auto& [key, f] : current) {
            auto old = files_.find(key);
            if (old == files_.end())
                changes.emplace_back(key, "added");
            else if (old->second.sha1 != f.sha1)
                changes.emplace_back(key, "modified");
        }
        for (const auto& [key, f] : files_)
            if (!current.count(key)) changes.emplace_back(key, "removed");
        files_ = std::move(current);
        for (const auto& [key, what] : changes) {
            const auto& [code, identity] = key;
            int rc = pushcore_ua_notifier_profile_changed(
                notifier_, code, identity.data(), identity.size(), options_.effective_by ? 1 : 0,
                options_.effective_by.value_or(0), now);
            if (rc < 0) {
                report("pushcore_ua_notifier_profile_changed", rc);
                continue;
            }
            example::say("changed: %s %s (%s): %d notified\n", type_name(code), identity.c_str(),
                         what, rc);
            drain();
        }
    }

    // ---- SIP ----------------------------------------------------------------------------

    void read_udp() {
        uint8_t buf[65536];
        for (;;) {
            sockaddr_storage from{};
            socklen_t from_len = sizeof from;
            ssize_t n =
                recvfrom(udp_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
            if (n < 0) return;  // EAGAIN: drained
            size_t len = static_cast<size_t>(n);
            // Keep-alives (CRLFs, RFC 5626 section 3.5.1) carry no message.
            if (std::all_of(buf, buf + len, [](uint8_t c) { return c == '\r' || c == '\n'; }))
                continue;
            Endpoint peer = example::from_sockaddr(from);
            handle_sip(0, peer, buf, len);
        }
    }

    void accept_sip() {
        for (;;) {
            sockaddr_storage from{};
            socklen_t from_len = sizeof from;
            int fd = accept4(sip_listener_, reinterpret_cast<sockaddr*>(&from), &from_len,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) return;
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            SipConnection c;
            c.fd = fd;
            c.peer = example::from_sockaddr(from);
            if (pushcore_sip_framer_new(&c.framer, 0, 0, 0) != PUSHCORE_OK) {
                close(fd);
                continue;
            }
            uint64_t flow = next_flow_++;
            example::say("tcp: #%" PRIu64 " accepted from %s\n", flow,
                         example::to_string(c.peer).c_str());
            sip_conns_.emplace(flow, std::move(c));
        }
    }

    void read_sip(uint64_t flow) {
        auto it = sip_conns_.find(flow);
        if (it == sip_conns_.end()) return;
        uint8_t buf[16384];
        ssize_t n = recv(it->second.fd, buf, sizeof buf, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
        if (n <= 0) {
            int rc = pushcore_sip_framer_end(it->second.framer);
            close_sip(flow, n < 0               ? std::strerror(errno)
                            : rc == PUSHCORE_OK ? "closed by peer"
                                                : "closed by peer inside a message");
            return;
        }
        if (pushcore_sip_framer_receive(it->second.framer, buf, static_cast<size_t>(n)) !=
            PUSHCORE_OK) {
            close_sip(flow, "framer refused input");
            return;
        }
        for (;;) {
            it = sip_conns_.find(flow);  // handling a message may have closed it
            if (it == sip_conns_.end()) return;
            const uint8_t* msg = nullptr;
            size_t len = 0;
            int rc = pushcore_sip_framer_next(it->second.framer, &msg, &len);
            if (rc == 0) return;
            if (rc < 0) {
                const char* reason = nullptr;
                size_t offset = 0;
                pushcore_sip_framer_last_error(it->second.framer, &reason, &offset);
                std::string why = "broken stream: " + example::describe(rc, reason, offset);
                close_sip(flow, why.c_str());
                return;
            }
            // Borrowed from the framer until its next call; handle_sip does not call it.
            Endpoint peer = it->second.peer;
            handle_sip(flow, peer, msg, len);
        }
    }

    static std::string where(uint64_t flow, const Endpoint& peer) {
        return flow != 0 ? "tcp #" + std::to_string(flow) : "udp " + example::to_string(peer);
    }

    void handle_sip(uint64_t flow, const Endpoint& peer, const uint8_t* msg, size_t len) {
        example::say("<- %s (%s)\n", example::summary(msg, len).c_str(), where(flow, peer).c_str());
        int rc = pushcore_ua_notifier_receive(notifier_, msg, len, flow, peer.host.data(),
                                              peer.host.size(), peer.port, example::now_ms());
        if (rc < 0) report("pushcore_ua_notifier_receive", rc);
        drain();
    }

    void report(const char* call, int rc) {
        const char* reason = nullptr;
        size_t offset = 0;
        pushcore_ua_notifier_last_error(notifier_, &reason, &offset);
        example::say("!! %s: %s\n", call, example::describe(rc, reason, offset).c_str());
    }

    // Everything the notifier wants sent, then everything it has to say.
    void drain() {
        const uint8_t* data = nullptr;
        size_t len = 0;
        uint64_t flow = 0;
        const char* host = nullptr;
        uint16_t port = 0;
        int rc;
        while ((rc = pushcore_ua_notifier_next_output(notifier_, &data, &len, &flow, &host,
                                                      &port)) == 1) {
            // A NOTIFY that cannot go out ends its subscription now rather than at Timer F.
            if (!send_sip(data, len, flow, Endpoint{host, port})) {
                int failed = pushcore_ua_notifier_output_failed(notifier_, example::now_ms());
                if (failed < 0 && failed != PUSHCORE_E_NOT_FOUND)
                    report("pushcore_ua_notifier_output_failed", failed);
            }
        }
        if (rc < 0) report("pushcore_ua_notifier_next_output", rc);
        const pushcore_event* ev = nullptr;
        while ((rc = pushcore_ua_notifier_next_event(notifier_, &ev)) == 1) on_event(ev);
        if (rc < 0) report("pushcore_ua_notifier_next_event", rc);
    }

    // False when the message could not be handed to the network.
    bool send_sip(const uint8_t* data, size_t len, uint64_t flow, const Endpoint& to) {
        std::string what = example::summary(data, len);
        auto it = flow != 0 ? sip_conns_.find(flow) : sip_conns_.end();
        if (it != sip_conns_.end()) {
            example::say("-> %s (%s)\n", what.c_str(), where(flow, to).c_str());
            it->second.pending.append(reinterpret_cast<const char*>(data), len);
            flush_sip(flow);
            return true;
        }
        if (flow != 0) {
            // The TCP connection it came over is gone, and its Via names TCP: not sent (this
            // example opens no connections). A NOTIFY's subscription then ends.
            example::say("!! %s not sent: tcp #%" PRIu64 " is closed\n", what.c_str(), flow);
            return false;
        }
        sockaddr_storage ss;
        socklen_t sl;
        if (!example::to_sockaddr(to, ss, sl)) {
            example::say("!! cannot send %s to %s: not a numeric address\n", what.c_str(),
                         example::to_string(to).c_str());
            return false;
        }
        example::say("-> %s (%s)\n", what.c_str(), where(0, to).c_str());
        if (sendto(udp_, data, len, 0, reinterpret_cast<sockaddr*>(&ss), sl) < 0) {
            example::say("!! sendto %s: %s\n", example::to_string(to).c_str(),
                         std::strerror(errno));
            return false;
        }
        return true;
    }

    void flush_sip(uint64_t flow) {
        auto it = sip_conns_.find(flow);
        if (it == sip_conns_.end()) return;
        SipConnection& c = it->second;
        while (!c.pending.empty()) {
            ssize_t n = send(c.fd, c.pending.data(), c.pending.size(), MSG_NOSIGNAL);
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // POLLOUT later
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                close_sip(flow, std::strerror(errno));
                return;
            }
            c.pending.erase(0, static_cast<size_t>(n));
        }
    }

    void close_sip(uint64_t flow, const char* why) {
        auto it = sip_conns_.find(flow);
        if (it == sip_conns_.end()) return;
        example::say("tcp: #%" PRIu64 " from %s %s\n", flow,
                     example::to_string(it->second.peer).c_str(), why);
        pushcore_sip_framer_free(it->second.framer);
        close(it->second.fd);
        sip_conns_.erase(it);
    }

    void on_event(const pushcore_event* ev) {
        const uint64_t id = u64_field(ev, PUSHCORE_FIELD_UA_SUBSCRIPTION);
        switch (pushcore_event_type(ev)) {
            case PUSHCORE_EVENT_UA_NOTIFIER_SUBSCRIBED: {
                live_.insert(id);
                const char* type =
                    type_name(static_cast<int32_t>(u64_field(ev, PUSHCORE_FIELD_UA_PROFILE_TYPE)));
                example::say(
                    "subscribed: #%" PRIu64 " %s %s vendor=%s model=%s version=%s expires=%" PRIu64
                    " known=%" PRIu64 "\n",
                    id, type ? type : "other", or_dash(str_field(ev, PUSHCORE_FIELD_UA_IDENTITY)),
                    or_dash(str_field(ev, PUSHCORE_FIELD_UA_VENDOR)),
                    or_dash(str_field(ev, PUSHCORE_FIELD_UA_MODEL)),
                    or_dash(str_field(ev, PUSHCORE_FIELD_UA_VERSION)),
                    u64_field(ev, PUSHCORE_FIELD_EXPIRES), u64_field(ev, PUSHCORE_FIELD_UA_KNOWN));
                break;
            }
            case PUSHCORE_EVENT_UA_NOTIFIER_REFRESHED:
                example::say("refreshed: #%" PRIu64 " expires=%" PRIu64 "\n", id,
                             u64_field(ev, PUSHCORE_FIELD_EXPIRES));
                break;
            case PUSHCORE_EVENT_UA_NOTIFIER_TERMINATED: {
                live_.erase(id);
                std::string why;
                switch (u64_field(ev, PUSHCORE_FIELD_UA_END_REASON)) {
                    case PUSHCORE_UA_END_UNSUBSCRIBED:
                        why = "unsubscribed";
                        break;
                    case PUSHCORE_UA_END_TIMEOUT:
                        why = "timeout";
                        break;
                    case PUSHCORE_UA_END_NOTIFY_FAILED:
                        why = "notify-failed " + std::to_string(u64_field(ev, PUSHCORE_FIELD_CODE));
                        break;
                    case PUSHCORE_UA_END_NO_RESPONSE:
                        why = "no-response";
                        break;
                    case PUSHCORE_UA_END_BY_HOST:
                        why = "by-host";
                        break;
                    default:
                        why =
                            "reason " + std::to_string(u64_field(ev, PUSHCORE_FIELD_UA_END_REASON));
                }
                const char* type =
                    type_name(static_cast<int32_t>(u64_field(ev, PUSHCORE_FIELD_UA_PROFILE_TYPE)));
                example::say("terminated: #%" PRIu64 " %s %s %s\n", id, type ? type : "other",
                             or_dash(str_field(ev, PUSHCORE_FIELD_UA_IDENTITY)), why.c_str());
                break;
            }
            case PUSHCORE_EVENT_UA_NOTIFIER_ENROLLED:
                example::say("enrolled: %s\n", or_dash(str_field(ev, PUSHCORE_FIELD_UA_IDENTITY)));
                break;
            case PUSHCORE_EVENT_UA_NOTIFIER_ENROLLMENT_REFUSED:
                example::say(
                    "enrollment-refused: %s %s\n",
                    or_dash(str_field(ev, PUSHCORE_FIELD_UA_IDENTITY)),
                    u64_field(ev, PUSHCORE_FIELD_UA_REFUSAL) == PUSHCORE_UA_REFUSAL_TOO_EARLY
                        ? "too-early"
                        : "too-late");
                break;
            case PUSHCORE_EVENT_UA_NOTIFIER_DEFAULT_USER:
                example::say("default-user: %s network-user=%s accepted=%" PRIu64 "\n",
                             or_dash(str_field(ev, PUSHCORE_FIELD_UA_IDENTITY)),
                             or_dash(str_field(ev, PUSHCORE_FIELD_UA_NETWORK_USER)),
                             u64_field(ev, PUSHCORE_FIELD_UA_ACCEPTED));
                break;
            default:
                example::say("event: type %d\n", static_cast<int>(pushcore_event_type(ev)));
        }
    }

    // ---- HTTP ---------------------------------------------------------------------------

    void accept_http() {
        for (;;) {
            sockaddr_storage from{};
            socklen_t from_len = sizeof from;
            int fd = accept4(http_listener_, reinterpret_cast<sockaddr*>(&from), &from_len,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) return;
            HttpConnection c;
            c.fd = fd;
            c.peer = example::from_sockaddr(from);
            c.deadline = example::now_ms() + kHttpRequestTimeoutMs;
            http_conns_.emplace(next_http_++, std::move(c));
        }
    }

    void http_ready(uint64_t id, short revents) {
        auto it = http_conns_.find(id);
        if (it == http_conns_.end()) return;
        HttpConnection& c = it->second;
        if (!c.out.empty()) {
            if (revents & (POLLOUT | POLLERR | POLLHUP)) flush_http(id);
            return;
        }
        char buf[4096];
        ssize_t n = recv(c.fd, buf, sizeof buf, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
        if (n <= 0 || c.lingering) {
            if (n <= 0) close_http(id);  // lingering: what follows the request is dropped
            return;
        }
        c.in.append(buf, static_cast<size_t>(n));
        serve_http(id);
    }

    // Answers once the request head is complete (a request body, if any, is not read: the
    // connection closes after the response).
    void serve_http(uint64_t id) {
        HttpConnection& c = http_conns_.at(id);
        size_t start = 0;  // RFC 7230 3.5: empty lines before the request-line are ignored
        while (start < c.in.size() && (c.in[start] == '\r' || c.in[start] == '\n')) ++start;
        size_t end = std::string::npos;  // just after the empty line ending the head
        for (size_t i = start; i < c.in.size(); ++i) {
            if (c.in[i] != '\n') continue;
            if (i + 1 < c.in.size() && c.in[i + 1] == '\n') {
                end = i + 2;
                break;
            }
            if (i + 2 < c.in.size() && c.in[i + 1] == '\r' && c.in[i + 2] == '\n') {
                end = i + 3;
                break;
            }
        }
        if ((end == std::string::npos ? c.in.size() : end) > kHttpHeadMax) {
            respond_http(id, "-", "(head over 8 KiB)", 400, false);
            return;
        }
        if (end == std::string::npos) return;  // more to come
        std::vector<std::string> lines;
        for (size_t at = start; at < end;) {
            size_t nl = c.in.find('\n', at);
            std::string line = c.in.substr(at, nl - at);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (!line.empty()) lines.push_back(std::move(line));
            at = nl + 1;
        }
        handle_request(id, lines);
    }

    static bool tchar(char c) {  // RFC 7230 3.2.6
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
    }

    static bool is_token(std::string_view s) {
        return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c && tchar(c); });
    }

    void handle_request(uint64_t id, const std::vector<std::string>& lines) {
        // request-line = method SP request-target SP HTTP-version (RFC 7230 3.1.1)
        const std::string& rl = lines.front();
        size_t sp1 = rl.find(' ');
        size_t sp2 = sp1 == std::string::npos ? sp1 : rl.find(' ', sp1 + 1);
        std::string method, target, version;
        if (sp2 != std::string::npos && rl.find(' ', sp2 + 1) == std::string::npos) {
            method = rl.substr(0, sp1);
            target = rl.substr(sp1 + 1, sp2 - sp1 - 1);
            version = rl.substr(sp2 + 1);
        }
        bool target_ok = !target.empty() && std::all_of(target.begin(), target.end(), [](char c) {
            return c > 0x20 && c < 0x7f;
        });
        bool version_ok = version.size() == 8 && version.compare(0, 5, "HTTP/") == 0 &&
                          version[5] >= '0' && version[5] <= '9' && version[6] == '.' &&
                          version[7] >= '0' && version[7] <= '9';
        if (!is_token(method) || !target_ok || !version_ok) {
            respond_http(id, "-", "(malformed request line)", 400, false);
            return;
        }
        if (version[5] != '1') {
            respond_http(id, method, target, 505, false);
            return;
        }
        // Header fields: "name: value", no space before the colon (RFC 7230 3.2.4), and a
        // Host in HTTP/1.1 (5.4).
        bool has_host = false;
        for (size_t i = 1; i < lines.size(); ++i) {
            size_t colon = lines[i].find(':');
            if (colon == std::string::npos || !is_token(lines[i].substr(0, colon))) {
                respond_http(id, method, target, 400, false);
                return;
            }
            std::string name = lines[i].substr(0, colon);
            for (char& ch : name)
                ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (name == "host") has_host = true;
        }
        if (version == "HTTP/1.1" && !has_host) {
            respond_http(id, method, target, 400, false);
            return;
        }
        if (method != "GET" && method != "HEAD") {
            respond_http(id, method, target, 405, false);
            return;
        }
        const bool head = method == "HEAD";

        // The path: origin-form, or absolute-form without its scheme and authority; a query
        // is ignored.
        std::string path = target;
        if (path.size() > 7 && strncasecmp(path.c_str(), "http://", 7) == 0) {
            size_t slash = path.find('/', 7);
            path = slash == std::string::npos ? "/" : path.substr(slash);
        }
        path = path.substr(0, path.find('?'));
        std::string type, identity;
        size_t second = path.find('/', 1);
        if (path.empty() || path[0] != '/' || second == std::string::npos ||
            path.find('/', second + 1) != std::string::npos) {
            respond_http(id, method, target, 404, head);
            return;
        }
        if (!percent_decode(path.substr(1, second - 1), type) ||
            !percent_decode(path.substr(second + 1), identity)) {
            respond_http(id, method, target, 400, head);
            return;
        }
        bool known_type = std::any_of(std::begin(kTypes), std::end(kTypes),
                                      [&](const TypeDir& t) { return type == t.name; });
        std::string content;
        if (!known_type || !identity_ok(identity)) {
            respond_http(id, method, target, 404, head);
        } else if (read_file(path_of(type.c_str(), identity), content)) {
            respond_http(id, method, target, 200, head, &content);
        } else {
            bool missing = errno == ENOENT || errno == ENOTDIR;
            if (!missing)
                example::say("!! http: %s: %s\n", path_of(type.c_str(), identity).c_str(),
                             std::strerror(errno));
            respond_http(id, method, target, missing ? 404 : 500, head);
        }
    }

    static const char* reason_phrase(int code) {
        switch (code) {
            case 200:
                return "OK";
            case 400:
                return "Bad Request";
            case 404:
                return "Not Found";
            case 405:
                return "Method Not Allowed";
            case 505:
                return "HTTP Version Not Supported";
            default:
                return "Internal Server Error";
        }
    }

    // A 200 with `content`, or an error with a one-line text body; the connection closes
    // once it is written.
    void respond_http(uint64_t id, const std::string& method, const std::string& target, int code,
                      bool head, std::string* content = nullptr) {
        HttpConnection& c = http_conns_.at(id);
        std::string body;
        std::string type = options_.content_type;
        if (content) {
            body = std::move(*content);
        } else {
            body = std::to_string(code) + " " + reason_phrase(code) + "\n";
            type = "text/plain";
        }
        std::string& out = c.out;
        out = "HTTP/1.1 " + std::to_string(code) + " " + reason_phrase(code) + "\r\n";
        out += "Content-Type: " + type + "\r\n";
        out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
        if (code == 405) out += "Allow: GET, HEAD\r\n";
        out += "Connection: close\r\n\r\n";
        if (!head) out += body;
        c.responded = true;
        c.in.clear();
        example::say("http: %s %s -> %d (%zu bytes)\n", method.c_str(), target.c_str(), code,
                     body.size());
        flush_http(id);
    }

    void flush_http(uint64_t id) {
        auto it = http_conns_.find(id);
        if (it == http_conns_.end()) return;
        HttpConnection& c = it->second;
        while (!c.out.empty()) {
            ssize_t n = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // POLLOUT later
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                close_http(id);
                return;
            }
            c.out.erase(0, static_cast<size_t>(n));
        }
        if (c.responded && !c.lingering) {
            // Closing with unread input would reset the connection and could lose the
            // response at the client: shut our side down and read to its end first.
            shutdown(c.fd, SHUT_WR);
            c.lingering = true;
            c.deadline = example::now_ms() + kHttpLingerMs;
        }
    }

    void close_http(uint64_t id) {
        auto it = http_conns_.find(id);
        if (it == http_conns_.end()) return;
        close(it->second.fd);
        http_conns_.erase(it);
    }

    void expire_http(uint64_t now) {
        std::vector<uint64_t> due;
        for (const auto& [id, c] : http_conns_)
            if (c.deadline <= now) due.push_back(id);
        for (uint64_t id : due) {
            const HttpConnection& c = http_conns_.at(id);
            if (!c.responded)
                example::say("http: %s sent no complete request in %" PRIu64 " ms: closed\n",
                             example::to_string(c.peer).c_str(), kHttpRequestTimeoutMs);
            close_http(id);
        }
    }

    Options options_;
    pushcore_ua_notifier* notifier_ = nullptr;
    Endpoint sip_at_;  // the bound SIP address (the port the system picked for port 0)
    uint16_t http_port_ = 0;
    int udp_ = -1;
    int sip_listener_ = -1;
    int http_listener_ = -1;
    uint64_t next_flow_ = 1;
    uint64_t next_http_ = 1;
    uint64_t next_scan_ = 0;
    std::set<uint64_t> live_;  // subscriptions, for stop()
    uint64_t stop_by_ = 0;     // when stopping: the latest time to exit
    std::map<uint64_t, SipConnection> sip_conns_;
    std::map<uint64_t, HttpConnection> http_conns_;
    std::map<FileKey, FileState> files_;
};

}  // namespace

int main(int argc, char** argv) {
    Options options;
    if (!parse_options(argc, argv, options)) {
        usage(stderr);
        return 2;
    }
    if (!example::same_library_version(kProgram)) return 1;
    int signal_fd = example::install_signal_pipe();
    if (signal_fd < 0) {
        std::fprintf(stderr, "%s: pipe: %s\n", kProgram, std::strerror(errno));
        return 1;
    }
    Server server;
    if (!server.start(options)) return 1;
    server.run(signal_fd);
    return 0;
}
