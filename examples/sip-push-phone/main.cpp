// sip-push-phone: a SIP UA that registers for push (draft-ietf-sipcore-sip-push-04
// section 4, RFC 8599) over real sockets, driving pushcore_sip_ua through the C ABI.
//
//   sip-push-phone --proxy 127.0.0.1:5060 --aor sip:alice@example.com --provider fcm
//                  --param 123456 --prid TOKEN [--local 127.0.0.1:PORT]
//                  [--transport udp|tcp] [--expires N] [--label TEXT]
//
// It registers with pn-provider, pn-param and pn-prid in its Contact, prints what the
// proxy announced (push supported, the +sip.pns list, +sip.pnsreg), and reads commands on
// stdin, one per line, standing in for the phone's push notification service client:
//   push        a push notification arrived: re-register (pushcore_sip_ua_on_push)
//   prid NEW    the PNS changed the PRID: re-register with it
//   stop        stop push: register without the pn-* parameters
//   quit        unregister (Expires: 0) and exit; end of stdin does the same
// SIGINT and SIGTERM also unregister and exit (a second signal exits at once). The
// transcript goes to stdout, one line per message and event ("TEXT | " first with --label).
//
// The REGISTER transaction is the library's. The phone itself answers requests the proxy
// forwards to it, with simple hand-built responses: INVITE gets 180 then 200 (with an SDP
// answer that declines media when the INVITE offered some: this phone has none), MESSAGE,
// BYE, CANCEL and OPTIONS get 200, ACK is absorbed, anything else gets 501. It does not
// retransmit its 2xx to INVITE over UDP (fine on loopback; a real phone must, RFC 3261
// 13.3.1.4). Over TCP it uses one connection to the proxy for everything.
#include <netinet/tcp.h>

#include <cinttypes>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "../common/io.hpp"

namespace {

using example::Endpoint;

void usage(FILE* out) {
    std::fprintf(out,
                 "usage: sip-push-phone --proxy HOST:PORT --aor sip:USER@DOMAIN --provider NAME\n"
                 "                      [--param VALUE] --prid TOKEN [--local HOST:PORT]\n"
                 "                      [--transport udp|tcp] [--expires N] [--label TEXT]\n"
                 "stdin commands: push | prid NEW | stop | quit\n");
}

struct Options {
    Endpoint proxy;
    Endpoint local{"127.0.0.1", 0};
    std::string aor;
    std::string provider;
    std::string param;
    std::string prid;
    bool tcp = false;
    uint32_t expires = 3600;
};

bool parse_options(int argc, char** argv, Options& o) {
    bool have_proxy = false;
    for (int i = 1; i < argc; i += 2) {  // options come in pairs: --name value
        std::string arg = argv[i];
        const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
        if (arg == "--help" || arg == "-h") {
            usage(stdout);
            std::exit(0);
        } else if (!value) {
            std::fprintf(stderr, "sip-push-phone: '%s' needs a value\n", arg.c_str());
            return false;
        } else if (arg == "--proxy") {
            if (!example::parse_endpoint(value, o.proxy) || o.proxy.port == 0) return false;
            have_proxy = true;
        } else if (arg == "--label") {
            example::transcript_label() = value;
        } else if (arg == "--local") {
            if (!example::parse_endpoint(value, o.local)) return false;
        } else if (arg == "--aor") {
            o.aor = value;
        } else if (arg == "--provider") {
            o.provider = value;
        } else if (arg == "--param") {
            o.param = value;
        } else if (arg == "--prid") {
            o.prid = value;
        } else if (arg == "--transport") {
            std::string t = value;
            if (t != "udp" && t != "tcp") return false;
            o.tcp = t == "tcp";
        } else if (arg == "--expires") {
            char* end = nullptr;
            unsigned long v = std::strtoul(value, &end, 10);
            if (*end != '\0' || v == 0 || v > 0xFFFFFFFFul) return false;
            o.expires = static_cast<uint32_t>(v);
        } else {
            std::fprintf(stderr, "sip-push-phone: unknown option '%s'\n", arg.c_str());
            return false;
        }
    }
    if (!have_proxy || o.aor.rfind("sip:", 0) != 0 || o.aor.find('@') == std::string::npos ||
        o.provider.empty() || o.prid.empty()) {
        std::fprintf(stderr,
                     "sip-push-phone: --proxy, --aor sip:user@domain, --provider and --prid "
                     "are required\n");
        return false;
    }
    return true;
}

// ---- a minimal view of a SIP request, enough to answer it -----------------------------

struct Header {
    std::string name;  // full form ("Via", "From", ...)
    std::string value;
};

struct Request {
    std::string method;
    std::string uri;
    std::vector<Header> headers;
    std::string body;

    const std::string* find(const char* name) const {
        for (const auto& h : headers)
            if (strcasecmp(h.name.c_str(), name) == 0) return &h.value;
        return nullptr;
    }
};

std::string full_name(const std::string& name) {
    // RFC 3261 7.3.3 compact forms.
    static const std::map<std::string, std::string> compact = {
        {"v", "Via"},     {"f", "From"},           {"t", "To"},          {"i", "Call-ID"},
        {"m", "Contact"}, {"l", "Content-Length"}, {"c", "Content-Type"}};
    if (name.size() == 1) {
        std::string lower(1, static_cast<char>(std::tolower(static_cast<unsigned char>(name[0]))));
        auto it = compact.find(lower);
        if (it != compact.end()) return it->second;
    }
    return name;
}

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t");
    size_t e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

bool parse_request(const uint8_t* data, size_t len, Request& r) {
    std::string m(reinterpret_cast<const char*>(data), len);
    size_t end = m.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    r.body = m.substr(end + 4);
    size_t pos = m.find("\r\n");
    std::string start = m.substr(0, pos);
    size_t sp1 = start.find(' ');
    size_t sp2 = start.rfind(' ');
    if (sp1 == std::string::npos || sp2 == sp1) return false;
    r.method = start.substr(0, sp1);
    r.uri = start.substr(sp1 + 1, sp2 - sp1 - 1);
    while (pos < end) {
        size_t next = m.find("\r\n", pos + 2);
        std::string line = m.substr(pos + 2, next - pos - 2);
        pos = next;
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !r.headers.empty()) {
            r.headers.back().value += " " + trim(line);  // folded continuation
            continue;
        }
        size_t colon = line.find(':');
        if (colon == std::string::npos) return false;
        r.headers.push_back({full_name(trim(line.substr(0, colon))), trim(line.substr(colon + 1))});
    }
    return true;
}

bool has_tag(const std::string& name_addr) {
    size_t gt = name_addr.rfind('>');
    std::string params = gt == std::string::npos ? name_addr : name_addr.substr(gt);
    for (auto& c : params) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return params.find(";tag=") != std::string::npos;
}

std::string random_hex(size_t n) {
    static std::random_device rd;
    static const char digits[] = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < n; ++i) s += digits[rd() % 16];
    return s;
}

// ---- the phone ----------------------------------------------------------------------

class Phone {
  public:
    ~Phone() {
        pushcore_sip_framer_free(framer_);
        pushcore_sip_ua_free(ua_);
        if (fd_ >= 0) close(fd_);
    }

    bool start(const Options& o) {
        o_ = o;
        if (!open_socket()) return false;
        std::string user = o.aor.substr(4, o.aor.find('@') - 4);
        std::string domain = o.aor.substr(o.aor.find('@') + 1);
        domain = domain.substr(0, domain.find_first_of(";>?"));
        registrar_ = "sip:" + domain;
        contact_ =
            "sip:" + user + "@" + example::to_string(local_) + (o.tcp ? ";transport=tcp" : "");

        pushcore_sip_ua_config* cfg = nullptr;
        if (pushcore_sip_ua_config_new(&cfg) != PUSHCORE_OK) return false;
        std::string sent_by = example::to_string(local_);
        std::string agent = std::string("pushcore-sip-push-phone/") + pushcore_version_string();
        bool ok =
            pushcore_sip_ua_config_set_str(cfg, PUSHCORE_UA_AOR, o.aor.c_str()) == PUSHCORE_OK &&
            pushcore_sip_ua_config_set_str(cfg, PUSHCORE_UA_REGISTRAR, registrar_.c_str()) ==
                PUSHCORE_OK &&
            pushcore_sip_ua_config_set_str(cfg, PUSHCORE_UA_CONTACT, contact_.c_str()) ==
                PUSHCORE_OK &&
            pushcore_sip_ua_config_set_str(cfg, PUSHCORE_UA_TRANSPORT, o.tcp ? "TCP" : "UDP") ==
                PUSHCORE_OK &&
            pushcore_sip_ua_config_set_str(cfg, PUSHCORE_UA_SENT_BY, sent_by.c_str()) ==
                PUSHCORE_OK &&
            pushcore_sip_ua_config_set_str(cfg, PUSHCORE_UA_USER_AGENT, agent.c_str()) ==
                PUSHCORE_OK &&
            pushcore_sip_ua_config_set_expires(cfg, o.expires, 120) == PUSHCORE_OK &&
            pushcore_sip_ua_config_set_random(cfg, example::random_bytes, nullptr) == PUSHCORE_OK;
        int rc = ok ? pushcore_sip_ua_new(&ua_, cfg) : PUSHCORE_E_INVALID_ARGUMENT;
        pushcore_sip_ua_config_free(cfg);
        if (rc != PUSHCORE_OK) {
            std::fprintf(stderr, "sip-push-phone: pushcore_sip_ua_new: %s (check --aor)\n",
                         pushcore_status_name(rc));
            return false;
        }
        example::say("%s at %s, registrar via %s %s\n", o.aor.c_str(), contact_.c_str(),
                     o.tcp ? "tcp" : "udp", example::to_string(o.proxy).c_str());
        rc = pushcore_sip_ua_start(ua_, o.provider.c_str(),
                                   o.param.empty() ? nullptr : o.param.c_str(), o.prid.c_str(),
                                   example::now_ms());
        report("start", rc);
        drain();
        return rc == PUSHCORE_OK;
    }

    int run(int signal_fd) {
        std::string line_buf;
        bool stdin_open = true;  // left blocking: poll() says when one read() will not block
        while (!done_) {
            pollfd fds[3] = {{signal_fd, POLLIN, 0}, {fd_, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
            nfds_t count = stdin_open ? 3 : 2;
            uint64_t deadline = pushcore_sip_ua_next_deadline(ua_);
            if (quit_deadline_ < deadline) deadline = quit_deadline_;
            int n = poll(fds, count, example::poll_timeout(deadline, example::now_ms()));
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
                example::say("signal: unregistering\n");
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
                        command(trim(line_buf.substr(0, nl)));
                        line_buf.erase(0, nl + 1);
                    }
                } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
                    stdin_open = false;
                    if (!quitting_) {
                        example::say("end of stdin: unregistering\n");
                        quit();
                    }
                }
            }
            uint64_t now = example::now_ms();
            if (pushcore_sip_ua_next_deadline(ua_) <= now) pushcore_sip_ua_on_timeout(ua_, now);
            if (quitting_ && now >= quit_deadline_) {
                example::say("no answer to the unregistration: exiting\n");
                return 1;
            }
            drain();
        }
        return exit_code_;
    }

  private:
    bool open_socket() {
        sockaddr_storage local_ss, proxy_ss;
        socklen_t local_len, proxy_len;
        if (!example::to_sockaddr(o_.local, local_ss, local_len) ||
            !example::to_sockaddr(o_.proxy, proxy_ss, proxy_len)) {
            std::fprintf(stderr, "sip-push-phone: --proxy and --local need numeric addresses\n");
            return false;
        }
        fd_ = socket(local_ss.ss_family, o_.tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
        if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&local_ss), local_len) != 0) {
            std::fprintf(stderr, "sip-push-phone: bind %s: %s\n",
                         example::to_string(o_.local).c_str(), std::strerror(errno));
            return false;
        }
        if (o_.tcp) {
            // A blocking connect at start-up keeps this short; from here on all is poll().
            if (connect(fd_, reinterpret_cast<sockaddr*>(&proxy_ss), proxy_len) != 0) {
                std::fprintf(stderr, "sip-push-phone: connect %s: %s\n",
                             example::to_string(o_.proxy).c_str(), std::strerror(errno));
                return false;
            }
            int one = 1;
            setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (pushcore_sip_framer_new(&framer_, 0, 0, 0) != PUSHCORE_OK) return false;
        }
        proxy_ss_ = proxy_ss;
        proxy_len_ = proxy_len;
        sockaddr_storage bound{};
        socklen_t bound_len = sizeof bound;
        getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &bound_len);
        local_ = example::from_sockaddr(bound);
        example::set_nonblocking(fd_);
        return true;
    }

    void report(const char* what, int rc) {
        if (rc == PUSHCORE_OK) return;
        const char* reason = nullptr;
        size_t offset = 0;
        pushcore_sip_ua_last_error(ua_, &reason, &offset);
        example::say("!! %s: %s\n", what,
                     rc == PUSHCORE_E_INVALID_STATE
                         ? "PUSHCORE_E_INVALID_STATE: not possible in the current state"
                         : example::describe(rc, reason, offset).c_str());
    }

    void command(const std::string& line) {
        if (line.empty()) return;
        uint64_t now = example::now_ms();
        example::say("stdin: %s\n", line.c_str());
        if (line == "push") {
            example::say("push notification received: re-registering (draft section 4)\n");
            report("push", pushcore_sip_ua_on_push(ua_, now));
        } else if (line.rfind("prid ", 0) == 0 && line.size() > 5) {
            report("prid", pushcore_sip_ua_update_prid(ua_, trim(line.substr(5)).c_str(), now));
        } else if (line == "stop") {
            int rc = pushcore_sip_ua_stop_push(ua_, now);
            if (rc == PUSHCORE_OK) push_wanted_ = false;
            report("stop", rc);
        } else if (line == "quit") {
            quit();
        } else {
            example::say("commands: push | prid NEW | stop | quit\n");
        }
        drain();
    }

    void quit() {
        if (quitting_) return;
        quitting_ = true;
        quit_deadline_ = example::now_ms() + 5000;
        int rc = pushcore_sip_ua_unregister(ua_, example::now_ms());
        if (rc == PUSHCORE_E_INVALID_STATE) {  // not registered: nothing to remove
            done_ = true;
            example::say("not registered: exiting\n");
            return;
        }
        report("unregister", rc);
        drain();
    }

    // Sends what the UA wants sent and prints what it has to say.
    void drain() {
        const uint8_t* data = nullptr;
        size_t len = 0;
        while (pushcore_sip_ua_next_output(ua_, &data, &len) == 1) {
            std::string contact = contact_of(data, len);
            example::say("-> %s%s%s\n", example::summary(data, len).c_str(),
                         contact.empty() ? "" : "  Contact: ", contact.c_str());
            send_bytes(data, len, proxy_ss_, proxy_len_);
        }
        const pushcore_event* ev = nullptr;
        while (pushcore_sip_ua_next_event(ua_, &ev) == 1) on_event(ev);
    }

    static std::string contact_of(const uint8_t* data, size_t len) {
        Request r;
        if (!parse_request(data, len, r)) return "";
        const std::string* c = r.find("Contact");
        return c ? *c : "";
    }

    void on_event(const pushcore_event* ev) {
        const char* s = nullptr;
        size_t len = 0;
        uint64_t v = 0;
        switch (pushcore_event_type(ev)) {
            case PUSHCORE_EVENT_UA_REGISTERED: {
                uint64_t expires = 0, supported = 0, pnsreg = 0;
                pushcore_event_u64(ev, PUSHCORE_FIELD_EXPIRES, &expires);
                pushcore_event_u64(ev, PUSHCORE_FIELD_PUSH_SUPPORTED, &supported);
                pushcore_event_u64(ev, PUSHCORE_FIELD_PNSREG, &pnsreg);
                std::string pns =
                    pushcore_event_str(ev, PUSHCORE_FIELD_PNS, &s, &len) == 1 ? s : "(none)";
                std::string reg = pnsreg ? "yes" : "no";
                if (pnsreg && pushcore_event_u64(ev, PUSHCORE_FIELD_PNSREG_SECONDS, &v) == 1)
                    reg += " (" + std::to_string(v) + " s before expiry)";
                example::say("registered: expires=%" PRIu64
                             " push_supported=%s +sip.pns=%s "
                             "pnsreg=%s\n",
                             expires, supported ? "yes" : "no", pns.c_str(), reg.c_str());
                int now_announced = !push_wanted_ ? 2 : supported ? 1 : 0;
                if (announced_ != now_announced)
                    example::say(
                        "%s\n", now_announced == 2 ? "registered without push parameters: no pushes"
                                : now_announced == 1
                                    ? "the proxy will push for us: waiting for a push"
                                    : "the proxy did not announce our provider: it cannot be "
                                      "assumed to push (draft section 4)");
                announced_ = now_announced;
                break;
            }
            case PUSHCORE_EVENT_UA_REGISTRATION_FAILED: {
                pushcore_event_u64(ev, PUSHCORE_FIELD_CODE, &v);
                std::string reason =
                    pushcore_event_str(ev, PUSHCORE_FIELD_REASON, &s, &len) == 1 ? s : "";
                std::string pns =
                    pushcore_event_str(ev, PUSHCORE_FIELD_PNS, &s, &len) == 1 ? s : "";
                example::say("registration failed: %" PRIu64 " %s%s%s\n", v, reason.c_str(),
                             pns.empty() ? "" : "; the proxy supports +sip.pns=", pns.c_str());
                if (quitting_) {
                    done_ = true;
                    exit_code_ = 1;
                }
                break;
            }
            case PUSHCORE_EVENT_UA_UNREGISTERED:
                example::say("unregistered\n");
                if (quitting_) done_ = true;
                break;
            default:
                example::say("event: type %d\n", static_cast<int>(pushcore_event_type(ev)));
        }
    }

    void send_bytes(const uint8_t* data, size_t len, const sockaddr_storage& to, socklen_t to_len) {
        if (!o_.tcp) {
            if (sendto(fd_, data, len, 0, reinterpret_cast<const sockaddr*>(&to), to_len) < 0)
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
                sockaddr_storage from{};
                socklen_t from_len = sizeof from;
                ssize_t n = recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from),
                                     &from_len);
                if (n <= 0) return true;
                handle(buf, static_cast<size_t>(n), from, from_len);
            }
        }
        ssize_t n = recv(fd_, buf, sizeof buf, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
        if (n <= 0) {
            example::say("the proxy closed the connection\n");
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
                example::say("!! broken stream from the proxy: %s\n", pushcore_status_name(rc));
                return false;
            }
            // Copy: the framer's buffer is borrowed only until its next call.
            std::string copy(reinterpret_cast<const char*>(msg), len);
            handle(reinterpret_cast<const uint8_t*>(copy.data()), copy.size(), proxy_ss_,
                   proxy_len_);
        }
    }

    void handle(const uint8_t* data, size_t len, const sockaddr_storage& from, socklen_t from_len) {
        Endpoint peer = example::from_sockaddr(from);
        example::say("<- %s from %s\n", example::summary(data, len).c_str(),
                     example::to_string(peer).c_str());
        if (example::is_response(data, len)) {
            int rc = pushcore_sip_ua_receive(ua_, data, len, example::now_ms());
            report("response", rc);
        } else {
            answer(data, len, from, from_len);
        }
        drain();
    }

    // The phone's own tiny UAS: hand-built responses (RFC 3261 8.2.6).
    void answer(const uint8_t* data, size_t len, const sockaddr_storage& from, socklen_t from_len) {
        Request r;
        if (!parse_request(data, len, r) || !r.find("Call-ID") || !r.find("CSeq") ||
            !r.find("From") || !r.find("To")) {
            example::say("!! cannot parse the request: ignored\n");
            return;
        }
        const std::string& call_id = *r.find("Call-ID");
        if (r.method == "ACK") {
            example::say("call: established (ACK received)\n");
            return;
        }
        if (r.method == "INVITE") {
            const std::string* from_h = r.find("From");
            example::say("call: incoming from %s\n", from_h->c_str());
            respond(r, 180, "Ringing", from, from_len);
            std::string sdp;
            if (!r.body.empty()) {
                // RFC 3264 6: an answer declining the offered stream (port 0): no media here.
                std::string host = local_.host;
                std::string ip = host.find(':') != std::string::npos ? "IP6" : "IP4";
                sdp = "v=0\r\no=phone 1 1 IN " + ip + " " + host + "\r\ns=-\r\nc=IN " + ip + " " +
                      host + "\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n";
            }
            respond(r, 200, "OK", from, from_len, sdp);
        } else if (r.method == "MESSAGE") {
            example::say("message from %s: \"%s\"\n", r.find("From")->c_str(), r.body.c_str());
            respond(r, 200, "OK", from, from_len);
            dialog_tags_.erase(call_id);  // no dialog
        } else if (r.method == "BYE") {
            example::say("call: ended by the caller\n");
            respond(r, 200, "OK", from, from_len);
            dialog_tags_.erase(call_id);
        } else if (r.method == "CANCEL" || r.method == "OPTIONS") {
            respond(r, 200, "OK", from, from_len);
        } else {
            respond(r, 501, "Not Implemented", from, from_len);
        }
    }

    void respond(const Request& r, int code, const char* reason, const sockaddr_storage& to,
                 socklen_t to_len, const std::string& sdp = std::string()) {
        std::string m = "SIP/2.0 " + std::to_string(code) + " " + reason + "\r\n";
        for (const auto& h : r.headers)  // every Via, in order (RFC 3261 8.2.6.2)
            if (h.name == "Via") m += "Via: " + h.value + "\r\n";
        m += "From: " + *r.find("From") + "\r\n";
        std::string to_value = *r.find("To");
        if (!has_tag(to_value)) {
            // One To tag per dialog: the 180 and 200 to an INVITE share it.
            std::string& tag = dialog_tags_[*r.find("Call-ID")];
            if (tag.empty()) tag = random_hex(12);
            to_value += ";tag=" + tag;
        }
        m += "To: " + to_value + "\r\n";
        m += "Call-ID: " + *r.find("Call-ID") + "\r\n";
        m += "CSeq: " + *r.find("CSeq") + "\r\n";
        if (r.method == "INVITE") m += "Contact: <" + contact_ + ">\r\n";
        if (!sdp.empty()) m += "Content-Type: application/sdp\r\n";
        m += "Content-Length: " + std::to_string(sdp.size()) + "\r\n\r\n" + sdp;
        example::say("-> %d %s\n", code, reason);
        send_bytes(reinterpret_cast<const uint8_t*>(m.data()), m.size(), to, to_len);
    }

    Options o_;
    int fd_ = -1;
    Endpoint local_;
    sockaddr_storage proxy_ss_{};
    socklen_t proxy_len_ = 0;
    pushcore_sip_framer* framer_ = nullptr;
    pushcore_sip_ua* ua_ = nullptr;
    std::string registrar_;
    std::string contact_;
    std::map<std::string, std::string> dialog_tags_;  // Call-ID -> our To tag
    bool push_wanted_ = true;                         // until "stop"
    int announced_ = -1;  // last reported: -1 nothing yet, 0 not supported, 1 push, 2 no push
    bool quitting_ = false;
    bool done_ = false;
    int exit_code_ = 0;
    uint64_t quit_deadline_ = PUSHCORE_NO_DEADLINE;
};

}  // namespace

int main(int argc, char** argv) {
    Options options;
    if (!parse_options(argc, argv, options)) {
        usage(stderr);
        return 2;
    }
    if (!example::same_library_version("sip-push-phone")) return 1;
    int signal_fd = example::install_signal_pipe();
    Phone phone;
    if (signal_fd < 0 || !phone.start(options)) return 1;
    return phone.run(signal_fd);
}
