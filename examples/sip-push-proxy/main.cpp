// sip-push-proxy: a SIP push proxy/registrar (draft-ietf-sipcore-sip-push-04 section 5,
// RFC 8599) over real sockets, driving pushcore_sip_proxy through the C ABI.
//
//   sip-push-proxy --listen 127.0.0.1:5060 --providers apns,fcm [--pns-log FILE]
//                  [--hold-timeout-ms N] [--reregister-margin-ms N] [--label TEXT]
//
// Listens on UDP and TCP on the same address and port and is the registrar for any
// domain. A REGISTER whose Contact carries supported pn-* parameters gets 200 with
// Feature-Caps: +sip.pns; an unsupported provider or incomplete parameters get 555. A new
// INVITE or MESSAGE for a binding with push parameters is held and a push requested; the
// woken UA's re-REGISTER releases it.
//
// The stand-in push notification service (PNS) sends nothing: for each push request it
// prints a transcript line and, with --pns-log, appends one JSON object per line to FILE:
//   {"provider":"fcm","prid":"...","param":"...","reason":"request","aor":"alice@example.com"}
// ("param" is null for a provider without one; "reason" is "request" or "reregister").
//
// Transports: one UDP socket (every datagram is flow 0, with its source address) and a TCP
// listener (each accepted connection is its own flow, framed by pushcore_sip_framer). An
// output goes to its flow while that TCP connection is open; otherwise it is sent by UDP
// from the listening socket to the output's host and port, which must be a numeric
// address (this example does no DNS and opens no outgoing TCP connections).
//
// --reregister-margin-ms sets PUSHCORE_PROXY_REREGISTER_MARGIN_S, rounded up to whole
// seconds (the library works in seconds, as the +sip.pnsreg value does): how long before a
// binding expires the proxy pushes so that the UA refreshes it (capped by the library at
// half the binding's lifetime).
//
// Every message in and out and every event is printed as one line on stdout (prefixed
// with "TEXT | " given --label TEXT). SIGINT and SIGTERM stop it cleanly.
#include <netinet/tcp.h>

#include <cinttypes>
#include <map>
#include <string>
#include <vector>

#include "../common/io.hpp"

namespace {

using example::Endpoint;

void usage(FILE* out) {
    std::fprintf(out,
                 "usage: sip-push-proxy --listen HOST:PORT [--providers apns,fcm,webpush]\n"
                 "                      [--pns-log FILE] [--hold-timeout-ms N]\n"
                 "                      [--reregister-margin-ms N] [--label TEXT]\n");
}

struct Options {
    Endpoint listen;
    std::vector<std::string> providers{"apns", "fcm", "webpush"};
    std::string pns_log;
    uint64_t hold_timeout_ms = 30000;
    bool margin_set = false;
    uint64_t reregister_margin_ms = 0;
};

bool parse_u64(const char* s, uint64_t& out) {
    if (!s || !*s) return false;
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || s[0] == '-') return false;
    out = v;
    return true;
}

bool parse_options(int argc, char** argv, Options& o) {
    bool have_listen = false;
    for (int i = 1; i < argc; i += 2) {  // options come in pairs: --name value
        std::string arg = argv[i];
        const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
        if (arg == "--help" || arg == "-h") {
            usage(stdout);
            std::exit(0);
        } else if (arg == "--listen" && value) {
            if (!example::parse_endpoint(value, o.listen) || o.listen.port == 0) {
                std::fprintf(stderr, "sip-push-proxy: --listen needs HOST:PORT, got '%s'\n", value);
                return false;
            }
            have_listen = true;
        } else if (arg == "--providers" && value) {
            o.providers.clear();
            std::string list = value;
            size_t start = 0;
            while (start <= list.size()) {
                size_t comma = list.find(',', start);
                if (comma == std::string::npos) comma = list.size();
                if (comma > start) o.providers.push_back(list.substr(start, comma - start));
                start = comma + 1;
            }
        } else if (arg == "--label" && value) {
            example::transcript_label() = value;
        } else if (arg == "--pns-log" && value) {
            o.pns_log = value;
        } else if (arg == "--hold-timeout-ms" && value) {
            if (!parse_u64(value, o.hold_timeout_ms)) return false;
        } else if (arg == "--reregister-margin-ms" && value) {
            if (!parse_u64(value, o.reregister_margin_ms)) return false;
            o.margin_set = true;
        } else {
            std::fprintf(stderr, "sip-push-proxy: unknown or incomplete option '%s'\n",
                         arg.c_str());
            return false;
        }
    }
    if (!have_listen) std::fprintf(stderr, "sip-push-proxy: --listen is required\n");
    return have_listen;
}

// The registry holds only the providers asked for, with the rules the library's defaults
// use: apns (draft section 9): pn-param required, an App ID, the PRID hex; fcm (section
// 10): pn-param required, any values; webpush (RFC 8599 with RFC 8030): no pn-param, the
// PRID an https URI.
bool add_provider(pushcore_provider_registry* r, const std::string& name) {
    int rc;
    if (name == "apns")
        rc = pushcore_provider_registry_add(r, "apns", PUSHCORE_NEED_REQUIRED,
                                            PUSHCORE_FORMAT_APNS_APP_ID, PUSHCORE_FORMAT_HEX);
    else if (name == "fcm")
        rc = pushcore_provider_registry_add(r, "fcm", PUSHCORE_NEED_REQUIRED, PUSHCORE_FORMAT_ANY,
                                            PUSHCORE_FORMAT_ANY);
    else if (name == "webpush")
        rc = pushcore_provider_registry_add(r, "webpush", PUSHCORE_NEED_UNUSED, PUSHCORE_FORMAT_ANY,
                                            PUSHCORE_FORMAT_HTTPS_URI);
    else {
        std::fprintf(stderr, "sip-push-proxy: unknown provider '%s' (apns, fcm, webpush)\n",
                     name.c_str());
        return false;
    }
    if (rc == PUSHCORE_E_ALREADY_EXISTS) return true;  // named twice
    if (rc != PUSHCORE_OK) {
        std::fprintf(stderr, "sip-push-proxy: adding '%s': %s\n", name.c_str(),
                     pushcore_status_name(rc));
        return false;
    }
    return true;
}

// A JSON string literal (RFC 8259 section 7): quote, backslash and control characters
// escaped; other bytes (UTF-8) copied.
std::string json_string(const char* s) {
    if (!s) return "null";
    std::string out = "\"";
    for (const unsigned char* p = reinterpret_cast<const unsigned char*>(s); *p; ++p) {
        switch (*p) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (*p < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", *p);
                    out += buf;
                } else {
                    out += static_cast<char>(*p);
                }
        }
    }
    return out + "\"";
}

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
    return s ? s : "-";
}

struct Connection {
    int fd = -1;
    Endpoint peer;
    pushcore_sip_framer* framer = nullptr;
    std::string pending;  // bytes not yet written
};

class Proxy {
  public:
    ~Proxy() {
        for (auto& [flow, c] : conns_) {
            pushcore_sip_framer_free(c.framer);
            close(c.fd);
        }
        if (udp_ >= 0) close(udp_);
        if (listener_ >= 0) close(listener_);
        if (pns_log_) std::fclose(pns_log_);
        pushcore_sip_proxy_free(proxy_);
    }

    bool start(const Options& o) {
        pushcore_provider_registry* registry = nullptr;
        if (pushcore_provider_registry_new(&registry, 0) != PUSHCORE_OK) return false;
        bool ok = true;
        for (const auto& name : o.providers) ok = ok && add_provider(registry, name);
        pushcore_sip_proxy_config* cfg = nullptr;
        if (ok) ok = pushcore_sip_proxy_config_new(&cfg) == PUSHCORE_OK;
        std::string sent_by = example::to_string(o.listen);
        if (ok) {
            ok = pushcore_sip_proxy_config_set_random(cfg, example::random_bytes, nullptr) ==
                     PUSHCORE_OK &&
                 pushcore_sip_proxy_config_set_via(cfg, "UDP", sent_by.c_str()) == PUSHCORE_OK &&
                 pushcore_sip_proxy_config_set_providers(cfg, registry) == PUSHCORE_OK &&
                 pushcore_sip_proxy_config_set_u64(cfg, PUSHCORE_PROXY_HOLD_TIMEOUT_MS,
                                                   o.hold_timeout_ms) == PUSHCORE_OK;
        }
        if (ok && o.margin_set) {
            uint64_t seconds = (o.reregister_margin_ms + 999) / 1000;  // round up
            ok = pushcore_sip_proxy_config_set_u64(cfg, PUSHCORE_PROXY_REREGISTER_MARGIN_S,
                                                   seconds) == PUSHCORE_OK;
        }
        if (!ok && cfg)
            std::fprintf(stderr,
                         "sip-push-proxy: the library refused the configuration "
                         "(--listen, --hold-timeout-ms or --reregister-margin-ms)\n");
        if (ok) {
            int rc = pushcore_sip_proxy_new(&proxy_, cfg);
            if (rc != PUSHCORE_OK) {
                std::fprintf(stderr, "sip-push-proxy: pushcore_sip_proxy_new: %s\n",
                             pushcore_status_name(rc));
                ok = false;
            }
        }
        pushcore_sip_proxy_config_free(cfg);
        pushcore_provider_registry_free(registry);
        if (!ok) return false;

        if (!o.pns_log.empty()) {
            pns_log_ = std::fopen(o.pns_log.c_str(), "a");
            if (!pns_log_) {
                std::fprintf(stderr, "sip-push-proxy: %s: %s\n", o.pns_log.c_str(),
                             std::strerror(errno));
                return false;
            }
        }
        return open_sockets(o.listen);
    }

    // The poll loop: sockets, the signal pipe and the proxy's next deadline.
    void run(int signal_fd) {
        std::vector<pollfd> fds;
        std::vector<uint64_t> flows;  // fds[i + 3] belongs to flows[i]
        for (;;) {
            fds.clear();
            flows.clear();
            fds.push_back({signal_fd, POLLIN, 0});
            fds.push_back({udp_, POLLIN, 0});
            fds.push_back({listener_, POLLIN, 0});
            for (const auto& [flow, c] : conns_) {
                short events = POLLIN;
                if (!c.pending.empty()) events = static_cast<short>(events | POLLOUT);
                fds.push_back({c.fd, events, 0});
                flows.push_back(flow);
            }
            int timeout =
                example::poll_timeout(pushcore_sip_proxy_next_deadline(proxy_), example::now_ms());
            int n = poll(fds.data(), fds.size(), timeout);
            if (n < 0 && errno != EINTR) {
                std::perror("poll");
                return;
            }
            if (n > 0) {
                if (fds[0].revents) {
                    example::say("stopping on signal\n");
                    return;
                }
                if (fds[1].revents & POLLIN) read_udp();
                if (fds[2].revents & POLLIN) accept_tcp();
                for (size_t i = 0; i < flows.size(); ++i) {
                    short re = fds[i + 3].revents;
                    if (!re) continue;
                    if (re & POLLOUT) flush_connection(flows[i]);
                    if (re & (POLLIN | POLLHUP | POLLERR)) read_tcp(flows[i]);
                }
            }
            uint64_t now = example::now_ms();
            if (pushcore_sip_proxy_next_deadline(proxy_) <= now) {
                pushcore_sip_proxy_on_timeout(proxy_, now);
                drain();
            }
        }
    }

  private:
    bool open_sockets(const Endpoint& listen_at) {
        sockaddr_storage ss;
        socklen_t len;
        if (!example::to_sockaddr(listen_at, ss, len)) {
            std::fprintf(stderr, "sip-push-proxy: --listen needs a numeric address\n");
            return false;
        }
        udp_ = socket(ss.ss_family, SOCK_DGRAM, 0);
        listener_ = socket(ss.ss_family, SOCK_STREAM, 0);
        int one = 1;
        if (listener_ >= 0) setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (udp_ < 0 || listener_ < 0 || bind(udp_, reinterpret_cast<sockaddr*>(&ss), len) != 0 ||
            bind(listener_, reinterpret_cast<sockaddr*>(&ss), len) != 0 ||
            listen(listener_, 64) != 0) {
            std::fprintf(stderr, "sip-push-proxy: cannot listen on %s: %s\n",
                         example::to_string(listen_at).c_str(), std::strerror(errno));
            return false;
        }
        example::set_nonblocking(udp_);
        example::set_nonblocking(listener_);
        example::say("listening on udp+tcp %s\n", example::to_string(listen_at).c_str());
        return true;
    }

    void read_udp() {
        uint8_t buf[65536];
        for (;;) {
            sockaddr_storage from{};
            socklen_t from_len = sizeof from;
            ssize_t n =
                recvfrom(udp_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
            if (n < 0) return;  // EAGAIN: drained
            if (n == 0) continue;
            Endpoint peer = example::from_sockaddr(from);
            handle(0, peer, "udp", buf, static_cast<size_t>(n));
        }
    }

    void accept_tcp() {
        for (;;) {
            sockaddr_storage from{};
            socklen_t from_len = sizeof from;
            int fd = accept(listener_, reinterpret_cast<sockaddr*>(&from), &from_len);
            if (fd < 0) return;
            example::set_nonblocking(fd);
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            Connection c;
            c.fd = fd;
            c.peer = example::from_sockaddr(from);
            if (pushcore_sip_framer_new(&c.framer, 0, 0, 0) != PUSHCORE_OK) {
                close(fd);
                continue;
            }
            uint64_t flow = next_flow_++;
            example::say("tcp: flow %" PRIu64 " accepted from %s\n", flow,
                         example::to_string(c.peer).c_str());
            conns_.emplace(flow, std::move(c));
        }
    }

    void read_tcp(uint64_t flow) {
        auto it = conns_.find(flow);
        if (it == conns_.end()) return;
        uint8_t buf[16384];
        ssize_t n = recv(it->second.fd, buf, sizeof buf, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
        if (n <= 0) {
            int rc = pushcore_sip_framer_end(it->second.framer);
            close_connection(
                flow, rc == PUSHCORE_OK ? "closed by peer" : "closed by peer inside a message");
            return;
        }
        if (pushcore_sip_framer_receive(it->second.framer, buf, static_cast<size_t>(n)) !=
            PUSHCORE_OK) {
            close_connection(flow, "framer refused input");
            return;
        }
        for (;;) {
            it = conns_.find(flow);  // handle() may have closed it
            if (it == conns_.end()) return;
            const uint8_t* msg = nullptr;
            size_t len = 0;
            int rc = pushcore_sip_framer_next(it->second.framer, &msg, &len);
            if (rc == 0) return;
            if (rc < 0) {
                const char* reason = nullptr;
                size_t offset = 0;
                pushcore_sip_framer_last_error(it->second.framer, &reason, &offset);
                std::string why = "broken stream: " + example::describe(rc, reason, offset);
                close_connection(flow, why.c_str());
                return;
            }
            // The message is borrowed from the framer until its next call: handle() does
            // not call the framer.
            Endpoint peer = it->second.peer;
            handle(flow, peer, "tcp", msg, len);
        }
    }

    void handle(uint64_t flow, const Endpoint& peer, const char* transport, const uint8_t* msg,
                size_t len) {
        example::say("<- %s from %s %s\n", example::summary(msg, len).c_str(), transport,
                     example::to_string(peer).c_str());
        int rc = pushcore_sip_proxy_receive(proxy_, flow, peer.host.c_str(), peer.port, msg, len,
                                            example::now_ms());
        if (rc != PUSHCORE_OK) {
            const char* reason = nullptr;
            size_t offset = 0;
            pushcore_sip_proxy_last_error(proxy_, &reason, &offset);
            example::say("!! %s\n", example::describe(rc, reason, offset).c_str());
        }
        drain();
    }

    // Everything the proxy wants sent, then everything it has to say.
    void drain() {
        const uint8_t* data = nullptr;
        size_t len = 0;
        uint64_t flow = 0;
        const char* host = nullptr;
        uint16_t port = 0;
        while (pushcore_sip_proxy_next_output(proxy_, &data, &len, &flow, &host, &port) == 1) {
            // A request that cannot go out is rejected by the library (draft 5.3).
            if (!send_output(data, len, flow, Endpoint{host, port}))
                pushcore_sip_proxy_output_failed(proxy_, example::now_ms());
        }
        const pushcore_event* ev = nullptr;
        while (pushcore_sip_proxy_next_event(proxy_, &ev) == 1) on_event(ev);
    }

    // False when the message could not be handed to the network.
    bool send_output(const uint8_t* data, size_t len, uint64_t flow, const Endpoint& to) {
        std::string what = example::summary(data, len);
        auto it = flow != 0 ? conns_.find(flow) : conns_.end();
        if (it != conns_.end()) {
            example::say("-> %s to tcp %s (flow %" PRIu64 ")\n", what.c_str(),
                         example::to_string(it->second.peer).c_str(), flow);
            it->second.pending.append(reinterpret_cast<const char*>(data), len);
            flush_connection(flow);
            return true;
        }
        sockaddr_storage ss;
        socklen_t sl;
        if (!example::to_sockaddr(to, ss, sl)) {
            example::say("!! cannot send %s to %s: not a numeric address\n", what.c_str(),
                         example::to_string(to).c_str());
            return false;
        }
        if (flow != 0)
            example::say("   (flow %" PRIu64 " is closed: sending by UDP instead)\n", flow);
        example::say("-> %s to udp %s\n", what.c_str(), example::to_string(to).c_str());
        if (sendto(udp_, data, len, 0, reinterpret_cast<sockaddr*>(&ss), sl) < 0) {
            example::say("!! sendto %s: %s\n", example::to_string(to).c_str(),
                         std::strerror(errno));
            return false;
        }
        return true;
    }

    void flush_connection(uint64_t flow) {
        auto it = conns_.find(flow);
        if (it == conns_.end()) return;
        Connection& c = it->second;
        while (!c.pending.empty()) {
            ssize_t n = send(c.fd, c.pending.data(), c.pending.size(), MSG_NOSIGNAL);
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // POLLOUT later
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                close_connection(flow, std::strerror(errno));
                return;
            }
            c.pending.erase(0, static_cast<size_t>(n));
        }
    }

    void close_connection(uint64_t flow, const char* why) {
        auto it = conns_.find(flow);
        if (it == conns_.end()) return;
        example::say("tcp: flow %" PRIu64 " from %s %s\n", flow,
                     example::to_string(it->second.peer).c_str(), why);
        pushcore_sip_framer_free(it->second.framer);
        close(it->second.fd);
        conns_.erase(it);
    }

    void on_event(const pushcore_event* ev) {
        switch (pushcore_event_type(ev)) {
            case PUSHCORE_EVENT_PROXY_PUSH_REQUEST:
                push(ev);
                break;
            case PUSHCORE_EVENT_PROXY_BINDING_UPDATED: {
                const char* provider = str_field(ev, PUSHCORE_FIELD_PROVIDER);
                example::say("binding: %s -> %s expires=%" PRIu64 " push=%s\n",
                             or_dash(str_field(ev, PUSHCORE_FIELD_AOR)),
                             or_dash(str_field(ev, PUSHCORE_FIELD_CONTACT)),
                             u64_field(ev, PUSHCORE_FIELD_EXPIRES), provider ? provider : "none");
                break;
            }
            case PUSHCORE_EVENT_PROXY_BINDING_REMOVED:
                example::say("binding: %s -> %s removed\n",
                             or_dash(str_field(ev, PUSHCORE_FIELD_AOR)),
                             or_dash(str_field(ev, PUSHCORE_FIELD_CONTACT)));
                break;
            case PUSHCORE_EVENT_PROXY_REQUEST_REJECTED:
                example::say("held: request for %s answered %" PRIu64 "\n",
                             or_dash(str_field(ev, PUSHCORE_FIELD_AOR)),
                             u64_field(ev, PUSHCORE_FIELD_CODE));
                break;
            default:
                example::say("event: type %d\n", static_cast<int>(pushcore_event_type(ev)));
        }
    }

    // The stand-in PNS: a transcript line, and a JSON line in --pns-log.
    void push(const pushcore_event* ev) {
        const char* provider = str_field(ev, PUSHCORE_FIELD_PROVIDER);
        const char* prid = str_field(ev, PUSHCORE_FIELD_PRID);
        const char* param = str_field(ev, PUSHCORE_FIELD_PARAM);
        const char* aor = str_field(ev, PUSHCORE_FIELD_AOR);
        uint64_t why = u64_field(ev, PUSHCORE_FIELD_PUSH_REASON);
        const char* reason = why == PUSHCORE_PUSH_REASON_REREGISTER ? "reregister" : "request";
        example::say("push: %s prid=%s param=%s aor=%s reason=%s\n", or_dash(provider),
                     or_dash(prid), or_dash(param), or_dash(aor), reason);
        if (!pns_log_) return;
        std::string line = "{\"provider\":" + json_string(provider) +
                           ",\"prid\":" + json_string(prid) + ",\"param\":" + json_string(param) +
                           ",\"reason\":" + json_string(reason) + ",\"aor\":" + json_string(aor) +
                           "}\n";
        std::fputs(line.c_str(), pns_log_);
        std::fflush(pns_log_);
    }

    pushcore_sip_proxy* proxy_ = nullptr;
    int udp_ = -1;
    int listener_ = -1;
    FILE* pns_log_ = nullptr;
    uint64_t next_flow_ = 1;
    std::map<uint64_t, Connection> conns_;
};

}  // namespace

int main(int argc, char** argv) {
    Options options;
    if (!parse_options(argc, argv, options)) {
        usage(stderr);
        return 2;
    }
    if (!example::same_library_version("sip-push-proxy")) return 1;
    int signal_fd = example::install_signal_pipe();
    Proxy proxy;
    if (signal_fd < 0 || !proxy.start(options)) return 1;
    std::string names;
    for (const auto& p : options.providers) names += (names.empty() ? "" : ",") + p;
    example::say("pushcore %s, providers %s\n", pushcore_version_string(), names.c_str());
    proxy.run(signal_fd);
    return 0;
}
