// webpush-service: a Web Push push service (draft-damaggio-webpush-http2-00, RFC 8030) over
// real sockets, driving pushcore_push_service through the C ABI.
//
//   webpush-service --listen 127.0.0.1:8443 [--plaintext] [--cert FILE --key FILE]
//                   [--base-url URL] [--max-message-bytes N] [--rate-limit PER_MINUTE:BURST]
//                   [--verbose | --quiet]
//
// One thread, one poll() loop, non-blocking sockets. By default every connection is TLS:
// the library runs TLS over memory buffers (pushcore_push_service_open_tls) and this
// program only moves ciphertext; ALPN picks h2 or http/1.1. Without --cert/--key a
// self-signed certificate for localhost is made at start (self_signed.cpp). --plaintext
// serves HTTP/2 with prior knowledge (h2c) and HTTP/1.1 on the same port, told apart by
// the first bytes (PUSHCORE_HTTP_DETECT).
//
// User agents subscribe (POST /subscribe), hold GET /s/{sub} on an HTTP/2 connection and
// get their messages as server pushes; application servers POST to /p/{push} over either
// HTTP version. Everything is in memory and is lost when the program stops.
//
// stdout gets one line, "listening on URL ...", once the socket is bound; the library's
// log lines (capability URLs already redacted) and this program's own go to stderr with a
// UTC timestamp; debug lines (connections opened and closed, full sockets) only with
// --verbose. SIGINT and SIGTERM stop it cleanly.
#include <netinet/tcp.h>

#include <cinttypes>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "../common/io.hpp"
#include "self_signed.hpp"

namespace {

void usage(FILE* out) {
    std::fprintf(out,
                 "usage: webpush-service --listen HOST:PORT [--plaintext]\n"
                 "                       [--cert FILE --key FILE] [--base-url URL]\n"
                 "                       [--max-message-bytes N] [--rate-limit PER_MINUTE:BURST]\n"
                 "                       [--verbose | --quiet]\n");
}

struct Options {
    example::Endpoint listen;
    bool plaintext = false;
    std::string cert_file;
    std::string key_file;
    std::string base_url;
    bool max_message_set = false;
    uint64_t max_message_bytes = 0;
    bool rate_set = false;
    uint32_t rate_per_minute = 0;
    uint32_t rate_burst = 0;
    bool verbose = false;
    bool quiet = false;  // warnings and errors only: no line per request
};

// ---- logging --------------------------------------------------------------------------

// "2024-05-01T12:34:56.789Z" from CLOCK_REALTIME.
std::string timestamp() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    tm utc{};
    gmtime_r(&ts.tv_sec, &utc);
    char buf[96];  // room for any int the compiler imagines in each field
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<long>(ts.tv_nsec / 1000000));
    return buf;
}

const char* level_name(int32_t level) {
    switch (level) {
        case PUSHCORE_LOG_ERROR:
            return "error";
        case PUSHCORE_LOG_WARNING:
            return "warn ";
        case PUSHCORE_LOG_INFO:
            return "info ";
        default:
            return "debug";
    }
}

bool g_verbose = false;  // --verbose: debug lines too

// One line on stderr, written with a single call so that lines never interleave.
void log_text(int32_t level, std::string_view text) {
    if (level >= PUSHCORE_LOG_DEBUG && !g_verbose) return;
    std::string line = timestamp();
    line += ' ';
    line += level_name(level);
    line += ' ';
    line += text;
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void logf(int32_t level, const char* format, ...) {
    char buf[1024];
    va_list args;
    va_start(args, format);
    int n = std::vsnprintf(buf, sizeof buf, format, args);
    va_end(args);
    if (n >= 0) log_text(level, buf);
}

// The library's log callback (pushcore_push_service_config_set_log).
void library_log(void*, int32_t level, const char* line, size_t len) {
    log_text(level, std::string_view(line, len));
}

// ---- options --------------------------------------------------------------------------

bool parse_u64(const char* s, uint64_t& out) {
    if (!s || !*s || s[0] == '-') return false;
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0') return false;
    out = v;
    return true;
}

bool parse_u32(std::string_view s, uint32_t& out) {
    if (s.empty() || s.size() > 10) return false;
    uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    if (v > UINT32_MAX) return false;
    out = static_cast<uint32_t>(v);
    return true;
}

bool parse_options(int argc, char** argv, Options& o) {
    bool have_listen = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
        auto take = [&]() {  // the option's value, or nullptr when it has none
            if (value) ++i;
            return value;
        };
        if (arg == "--help" || arg == "-h") {
            usage(stdout);
            std::exit(0);
        } else if (arg == "--plaintext") {
            o.plaintext = true;
        } else if (arg == "--verbose") {
            o.verbose = true;
        } else if (arg == "--quiet") {
            o.quiet = true;
        } else if (arg == "--listen" && take()) {
            if (!example::parse_endpoint(value, o.listen)) {
                std::fprintf(stderr, "webpush-service: --listen needs HOST:PORT, got '%s'\n",
                             value);
                return false;
            }
            have_listen = true;
        } else if (arg == "--cert" && take()) {
            o.cert_file = value;
        } else if (arg == "--key" && take()) {
            o.key_file = value;
        } else if (arg == "--base-url" && take()) {
            o.base_url = value;
        } else if (arg == "--max-message-bytes" && take()) {
            if (!parse_u64(value, o.max_message_bytes)) {
                std::fprintf(stderr, "webpush-service: --max-message-bytes needs a number\n");
                return false;
            }
            o.max_message_set = true;
        } else if (arg == "--rate-limit" && take()) {
            std::string_view v = value;
            size_t colon = v.find(':');
            if (colon == std::string_view::npos ||
                !parse_u32(v.substr(0, colon), o.rate_per_minute) ||
                !parse_u32(v.substr(colon + 1), o.rate_burst)) {
                std::fprintf(stderr,
                             "webpush-service: --rate-limit needs PER_MINUTE:BURST, got '%s'\n",
                             value);
                return false;
            }
            o.rate_set = true;
        } else {
            std::fprintf(stderr, "webpush-service: unknown or incomplete option '%s'\n",
                         arg.c_str());
            return false;
        }
    }
    if (!have_listen) {
        std::fprintf(stderr, "webpush-service: --listen is required\n");
        return false;
    }
    if (o.cert_file.empty() != o.key_file.empty()) {
        std::fprintf(stderr, "webpush-service: --cert and --key go together\n");
        return false;
    }
    if (o.plaintext && !o.cert_file.empty()) {
        std::fprintf(stderr, "webpush-service: --plaintext takes no --cert/--key\n");
        return false;
    }
    return true;
}

bool read_file(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream s;
    s << in.rdbuf();
    out = s.str();
    return static_cast<bool>(in) || in.eof();
}

// ---- the server -----------------------------------------------------------------------

struct Connection {
    int fd = -1;
    std::string peer;       // "127.0.0.1:54321", for log lines
    bool pending = false;   // output is left over from a short write: poll for POLLOUT
    bool finished = false;  // the peer closed or broke the protocol: no more reading
};

class Server {
  public:
    ~Server() {
        std::vector<uint64_t> ids;
        for (const auto& entry : conns_) ids.push_back(entry.first);
        for (uint64_t id : ids) close_connection(id, "server stopping");
        if (listener_ >= 0) close(listener_);
        pushcore_push_service_free(svc_);
    }

    bool start(const Options& o) {
        if (!listen_socket(o.listen)) return false;
        const bool tls = !o.plaintext;
        const std::string scheme = tls ? "https" : "http";
        std::string base =
            o.base_url.empty() ? scheme + "://" + example::to_string(bound_) : o.base_url;

        pushcore_push_service_config* cfg = nullptr;
        if (pushcore_push_service_config_new(&cfg) != PUSHCORE_OK) {
            logf(PUSHCORE_LOG_ERROR, "out of memory");
            return false;
        }
        bool ok = configure(cfg, o, base, tls);
        if (ok) {
            int rc = pushcore_push_service_new(&svc_, cfg);
            if (rc != PUSHCORE_OK) {
                const char* reason = nullptr;
                size_t offset = 0;
                pushcore_push_service_config_last_error(cfg, &reason, &offset);
                logf(PUSHCORE_LOG_ERROR, "pushcore_push_service_new: %s",
                     example::describe(rc, reason, offset).c_str());
                svc_ = nullptr;
                ok = false;
            }
        }
        pushcore_push_service_config_free(cfg);
        if (!ok) return false;

        if (tls) {
            // Opening (and forgetting) one connection up front makes a TLS setup problem
            // an error at start rather than a refused connection later.
            uint64_t probe = 0;
            int rc = pushcore_push_service_open_tls(svc_, example::now_ms(), &probe);
            if (rc != PUSHCORE_OK) {
                fail_call("pushcore_push_service_open_tls", rc);
                return false;
            }
            pushcore_push_service_close(svc_, probe);
        }
        tls_ = tls;
        std::string line = "listening on " + base;
        line += tls ? " (TLS, ALPN h2 and http/1.1" : " (h2c prior knowledge and HTTP/1.1";
        if (tls && o.cert_file.empty()) line += ", self-signed certificate for localhost";
        if (!o.base_url.empty()) line += ", bound to " + example::to_string(bound_);
        std::printf("%s)\n", line.c_str());
        std::fflush(stdout);
        return true;
    }

    void run(int signal_fd) {
        std::vector<pollfd> fds;
        std::vector<uint64_t> ids;  // ids[i] is the connection of fds[i + 2]
        for (;;) {
            fds.clear();
            ids.clear();
            fds.push_back({signal_fd, POLLIN, 0});
            fds.push_back({listener_, POLLIN, 0});
            for (const auto& [id, c] : conns_) {
                short events = 0;
                if (!c.finished) events |= POLLIN;
                if (c.pending) events |= POLLOUT;
                fds.push_back({c.fd, events, 0});
                ids.push_back(id);
            }
            int timeout =
                example::poll_timeout(pushcore_push_service_next_deadline(svc_), example::now_ms());
            int n = poll(fds.data(), static_cast<nfds_t>(fds.size()), timeout);
            if (n < 0 && errno != EINTR) {
                logf(PUSHCORE_LOG_ERROR, "poll: %s", std::strerror(errno));
                return;
            }
            if (n > 0 && fds[0].revents) {
                logf(PUSHCORE_LOG_INFO, "signal received: stopping");
                return;
            }
            if (n > 0) {
                if (fds[1].revents & POLLIN) accept_all();
                for (size_t i = 0; i < ids.size(); ++i) {
                    short rev = fds[i + 2].revents;
                    if (rev == 0) continue;
                    if (!conns_.count(ids[i])) continue;  // closed while handling another
                    if (rev & (POLLIN | POLLHUP | POLLERR)) {
                        if (!conns_[ids[i]].finished || (rev & POLLERR)) {
                            read_from(ids[i]);
                            continue;
                        }
                        close_connection(ids[i], "peer went away with output unsent");
                        continue;
                    }
                    if (rev & POLLOUT) flush(ids[i]);
                }
            }
            // Timers: message and subscription expiry, idle connections.
            uint64_t now = example::now_ms();
            if (pushcore_push_service_next_deadline(svc_) <= now) {
                int rc = pushcore_push_service_on_timeout(svc_, now);
                if (rc < 0) fail_call("pushcore_push_service_on_timeout", rc);
                flush_ready(0);
            }
        }
    }

  private:
    bool configure(pushcore_push_service_config* cfg, const Options& o, const std::string& base,
                   bool tls) {
        auto check = [&](const char* what, int rc) {
            if (rc == PUSHCORE_OK) return true;
            const char* reason = nullptr;
            size_t offset = 0;
            pushcore_push_service_config_last_error(cfg, &reason, &offset);
            logf(PUSHCORE_LOG_ERROR, "%s: %s", what, example::describe(rc, reason, offset).c_str());
            return false;
        };
        // Date and Last-Modified need Unix time; the machine counts CLOCK_MONOTONIC ms.
        timespec real{};
        clock_gettime(CLOCK_REALTIME, &real);
        int64_t unix_ms = static_cast<int64_t>(real.tv_sec) * 1000 + real.tv_nsec / 1000000;
        int64_t offset = unix_ms - static_cast<int64_t>(example::now_ms());
        if (!check("wall clock offset",
                   pushcore_push_service_config_set_wall_clock_offset(cfg, offset)) ||
            !check("log", pushcore_push_service_config_set_log(cfg, library_log, nullptr)) ||
            !check("log level", pushcore_push_service_config_set_log_level(
                                    cfg, o.verbose ? PUSHCORE_LOG_DEBUG
                                         : o.quiet ? PUSHCORE_LOG_WARNING
                                                   : PUSHCORE_LOG_INFO)) ||
            !check("--base-url",
                   pushcore_push_service_config_set_base_url(cfg, base.data(), base.size())))
            return false;
        if (o.max_message_set &&
            !check("--max-message-bytes",
                   pushcore_push_service_config_set_max_message_bytes(cfg, o.max_message_bytes)))
            return false;
        if (o.rate_set && !check("--rate-limit", pushcore_push_service_config_set_rate_limit(
                                                     cfg, o.rate_per_minute, o.rate_burst)))
            return false;
        if (!tls) return true;

        example::PemIdentity id;
        if (o.cert_file.empty()) {
            std::string error;
            if (!example::make_self_signed(id, error)) {
                logf(PUSHCORE_LOG_ERROR, "self-signed certificate: %s", error.c_str());
                return false;
            }
            logf(PUSHCORE_LOG_INFO,
                 "TLS: generated a self-signed P-256 certificate for localhost, 127.0.0.1 "
                 "(valid 1 day)");
        } else {
            if (!read_file(o.cert_file, id.cert)) {
                logf(PUSHCORE_LOG_ERROR, "--cert %s: cannot read it", o.cert_file.c_str());
                return false;
            }
            if (!read_file(o.key_file, id.key)) {
                logf(PUSHCORE_LOG_ERROR, "--key %s: cannot read it", o.key_file.c_str());
                return false;
            }
        }
        return check("TLS certificate and key",
                     pushcore_push_service_config_set_tls_pem(cfg, id.cert.data(), id.cert.size(),
                                                              id.key.data(), id.key.size()));
    }

    bool listen_socket(const example::Endpoint& at) {
        sockaddr_storage ss;
        socklen_t len;
        if (!example::to_sockaddr(at, ss, len)) {
            logf(PUSHCORE_LOG_ERROR, "--listen %s: not a numeric address",
                 example::to_string(at).c_str());
            return false;
        }
        listener_ = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int one = 1;
        if (listener_ < 0 ||
            setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
            bind(listener_, reinterpret_cast<sockaddr*>(&ss), len) != 0 ||
            listen(listener_, 128) != 0) {
            logf(PUSHCORE_LOG_ERROR, "listen on %s: %s", example::to_string(at).c_str(),
                 std::strerror(errno));
            return false;
        }
        // The port the system chose when --listen said 0.
        sockaddr_storage bound{};
        socklen_t bound_len = sizeof bound;
        getsockname(listener_, reinterpret_cast<sockaddr*>(&bound), &bound_len);
        bound_ = example::from_sockaddr(bound);
        return true;
    }

    void accept_all() {
        for (;;) {
            sockaddr_storage ss{};
            socklen_t len = sizeof ss;
            int fd = accept4(listener_, reinterpret_cast<sockaddr*>(&ss), &len,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EINTR || errno == ECONNABORTED) continue;
                if (errno != EAGAIN && errno != EWOULDBLOCK)
                    logf(PUSHCORE_LOG_WARNING, "accept: %s", std::strerror(errno));
                return;
            }
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            uint64_t id = 0;
            uint64_t now = example::now_ms();
            int rc = tls_ ? pushcore_push_service_open_tls(svc_, now, &id)
                          : pushcore_push_service_open(svc_, PUSHCORE_HTTP_DETECT, now, &id);
            if (rc != PUSHCORE_OK) {
                fail_call(tls_ ? "pushcore_push_service_open_tls" : "pushcore_push_service_open",
                          rc);
                close(fd);
                continue;
            }
            Connection& c = conns_[id];
            c.fd = fd;
            c.peer = example::to_string(example::from_sockaddr(ss));
            logf(PUSHCORE_LOG_DEBUG, "connection %" PRIu64 " from %s", id, c.peer.c_str());
            flush_ready(id);  // an HTTP/2 connection may already have its SETTINGS
        }
    }

    void read_from(uint64_t id) {
        Connection& c = conns_[id];
        static uint8_t buf[65536];
        ssize_t n = recv(c.fd, buf, sizeof buf, 0);
        uint64_t now = example::now_ms();
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
            close_connection(id, std::strerror(errno));
            return;
        }
        if (n == 0) {
            c.finished = true;
            int rc = pushcore_push_service_receive_eof(svc_, id, now);
            if (rc < 0) fail_call("pushcore_push_service_receive_eof", rc);
        } else {
            int rc = pushcore_push_service_receive(svc_, id, buf, static_cast<size_t>(n), now);
            if (rc < 0) {
                // The connection is done (a protocol error, a TLS failure): what the library
                // still has for it (a GOAWAY, an alert, an error response) goes out first.
                fail_call("connection " + std::to_string(id) + " from " + c.peer, rc,
                          PUSHCORE_LOG_WARNING);
                c.finished = true;
            }
        }
        flush_ready(id);
    }

    // Writes out `just_read` (0: none) and every connection the library says gained
    // output: a send on one connection pushes a message on another (a user agent's).
    void flush_ready(uint64_t just_read) {
        if (just_read != 0) flush(just_read);
        uint64_t id = 0;
        while (pushcore_push_service_next_ready(svc_, &id) == 1) flush(id);
    }

    // Sends what the connection has; keeps the rest for POLLOUT after a short write.
    // Closes it when the library wants it closed (or the peer is gone) and nothing is left.
    void flush(uint64_t id) {
        auto it = conns_.find(id);
        if (it == conns_.end()) return;
        Connection& c = it->second;
        for (;;) {
            const uint8_t* data = nullptr;
            size_t len = 0;
            int rc = pushcore_push_service_output(svc_, id, &data, &len);
            if (rc < 0) {
                fail_call("pushcore_push_service_output", rc);
                close_connection(id, "no output");
                return;
            }
            if (len == 0) break;
            ssize_t n = send(c.fd, data, len, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK) {
                    if (!c.pending)
                        logf(PUSHCORE_LOG_DEBUG,
                             "connection %" PRIu64 ": socket full, %zu bytes wait for POLLOUT", id,
                             len);
                    c.pending = true;
                    return;
                }
                close_connection(id, std::strerror(errno));
                return;
            }
            pushcore_push_service_consume(svc_, id, static_cast<size_t>(n));
        }
        c.pending = false;
        if (c.finished)
            close_connection(id, "closed");
        else if (pushcore_push_service_want_close(svc_, id) == 1)
            close_connection(id, "closed by the service");
    }

    void close_connection(uint64_t id, const char* why) {
        auto it = conns_.find(id);
        if (it == conns_.end()) return;
        logf(PUSHCORE_LOG_DEBUG, "connection %" PRIu64 " from %s: %s", id, it->second.peer.c_str(),
             why);
        close(it->second.fd);
        pushcore_push_service_close(svc_, id);
        conns_.erase(it);
    }

    void fail_call(const std::string& what, int rc, int32_t level = PUSHCORE_LOG_ERROR) {
        const char* reason = nullptr;
        size_t offset = 0;
        pushcore_push_service_last_error(svc_, &reason, &offset);
        logf(level, "%s: %s", what.c_str(), example::describe(rc, reason, offset).c_str());
    }

    pushcore_push_service* svc_ = nullptr;
    int listener_ = -1;
    bool tls_ = false;
    example::Endpoint bound_;
    std::unordered_map<uint64_t, Connection> conns_;
};

}  // namespace

int main(int argc, char** argv) {
    Options options;
    if (!parse_options(argc, argv, options)) {
        usage(stderr);
        return 2;
    }
    if (!example::same_library_version("webpush-service")) return 1;
    g_verbose = options.verbose;
    int signal_fd = example::install_signal_pipe();
    if (signal_fd < 0) return 1;
    {
        Server server;
        if (!server.start(options)) return 1;
        logf(PUSHCORE_LOG_INFO, "pushcore %s: push service ready", pushcore_version_string());
        server.run(signal_fd);
    }
    return 0;
}
