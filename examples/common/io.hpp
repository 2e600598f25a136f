// Small I/O helpers shared by the example programs: the monotonic clock, "host:port"
// parsing, numeric socket addresses, poll timeouts from a machine's next_deadline, a
// signal self-pipe and SIP start-line helpers for the transcript. Examples are the only
// code in pushcore that does I/O; the library itself never touches sockets or clocks.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pushcore.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace example {

// CLOCK_MONOTONIC in milliseconds: the `now_ms` every pushcore machine takes.
inline uint64_t now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000u + static_cast<uint64_t>(ts.tv_nsec) / 1000000u;
}

// The host's random source for pushcore (Call-IDs, tags, branches): the kernel CSPRNG.
// Set explicitly so that the examples also run with builds without OpenSSL, which have
// no default source.
inline int random_bytes(void*, uint8_t* out, size_t len) {
    while (len > 0) {
        ssize_t n = getrandom(out, len, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        out += n;
        len -= static_cast<size_t>(n);
    }
    return 0;
}

// A poll() timeout from an absolute deadline (PUSHCORE_NO_DEADLINE: wait forever).
inline int poll_timeout(uint64_t deadline, uint64_t now) {
    if (deadline == PUSHCORE_NO_DEADLINE) return -1;
    if (deadline <= now) return 0;
    uint64_t wait = deadline - now;
    return wait > static_cast<uint64_t>(INT_MAX) ? INT_MAX : static_cast<int>(wait);
}

struct Endpoint {
    std::string host;  // numeric address, IPv6 without brackets
    uint16_t port = 0;
};

// "host:port" or "[v6]:port" (for display and for Via sent-by).
inline std::string to_string(const Endpoint& e) {
    bool v6 = e.host.find(':') != std::string::npos;
    return (v6 ? "[" + e.host + "]" : e.host) + ":" + std::to_string(e.port);
}

// Parses "host:port" or "[v6]:port". Port 0 is allowed (the system picks one).
inline bool parse_endpoint(std::string_view s, Endpoint& out) {
    size_t colon;
    if (!s.empty() && s.front() == '[') {
        size_t close = s.find(']');
        if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':')
            return false;
        out.host = std::string(s.substr(1, close - 1));
        colon = close + 1;
    } else {
        colon = s.rfind(':');
        if (colon == std::string_view::npos || colon == 0) return false;
        out.host = std::string(s.substr(0, colon));
    }
    std::string_view digits = s.substr(colon + 1);
    if (digits.empty() || digits.size() > 5) return false;
    unsigned long port = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return false;
        port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (port > 65535) return false;
    out.port = static_cast<uint16_t>(port);
    return true;
}

// A numeric address only: the examples do no DNS (RFC 3263 is the host's business).
inline bool to_sockaddr(const Endpoint& e, sockaddr_storage& ss, socklen_t& len) {
    std::memset(&ss, 0, sizeof ss);
    auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
    if (inet_pton(AF_INET, e.host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(e.port);
        len = sizeof *v4;
        return true;
    }
    if (inet_pton(AF_INET6, e.host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(e.port);
        len = sizeof *v6;
        return true;
    }
    return false;
}

inline Endpoint from_sockaddr(const sockaddr_storage& ss) {
    Endpoint e;
    char buf[INET6_ADDRSTRLEN] = {0};
    if (ss.ss_family == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(&ss);
        inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof buf);
        e.port = ntohs(v4->sin_port);
    } else if (ss.ss_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&ss);
        inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf);
        e.port = ntohs(v6->sin6_port);
    }
    e.host = buf;
    return e;
}

inline bool set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL, 0);
    return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

// SIGINT/SIGTERM write a byte to a pipe that the poll loop watches (the self-pipe trick:
// no signal is lost between checking a flag and entering poll()).
inline int& signal_pipe_write_end() {
    static int fd = -1;
    return fd;
}

inline void on_signal(int) {
    int saved = errno;
    char c = 's';
    ssize_t ignored = write(signal_pipe_write_end(), &c, 1);
    (void)ignored;
    errno = saved;
}

// True when the library loaded at run time is the one the program was built against;
// otherwise says so on stderr (DESIGN.md: versioning).
inline bool same_library_version(const char* program) {
    if (pushcore_version() == PUSHCORE_VERSION_NUM) return true;
    std::fprintf(stderr, "%s: built against pushcore %s, running %s\n", program,
                 PUSHCORE_VERSION_STRING, pushcore_version_string());
    return false;
}

// Returns the read end to poll, or -1.
inline int install_signal_pipe() {
    int fds[2];
    if (pipe(fds) != 0) return -1;
    set_nonblocking(fds[0]);
    set_nonblocking(fds[1]);
    signal_pipe_write_end() = fds[1];
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);
    return fds[0];
}

// The transcript: one line per message and event on stdout, each flushed as it is written
// (so it precedes any message sent after it) and prefixed with "LABEL | " when a label is
// set (--label), for several programs sharing one terminal or log.
inline std::string& transcript_label() {
    static std::string label;
    return label;
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
inline void
say(const char* format, ...) {
    char buf[2048];
    va_list args;
    va_start(args, format);
    int n = std::vsnprintf(buf, sizeof buf, format, args);
    va_end(args);
    if (n < 0) return;
    std::string line;
    if (!transcript_label().empty()) {
        line = transcript_label();
        if (line.size() < 6) line.resize(6, ' ');
        line += " | ";
    }
    line += buf;
    if (static_cast<size_t>(n) >= sizeof buf) line += "...\n";  // truncated
    std::fputs(line.c_str(), stdout);
    std::fflush(stdout);
}

// The start line of a SIP message, shortened for a transcript: "REGISTER sip:example.com"
// for a request, "200 OK" for a response.
inline std::string summary(const uint8_t* data, size_t len) {
    std::string_view m(reinterpret_cast<const char*>(data), len);
    std::string_view line = m.substr(0, m.find("\r\n"));
    if (line.substr(0, 8) == "SIP/2.0 ") return std::string(line.substr(8));
    size_t version = line.rfind(" SIP/2.0");
    if (version != std::string_view::npos) line = line.substr(0, version);
    return std::string(line);
}

inline bool is_response(const uint8_t* data, size_t len) {
    return len >= 8 && std::memcmp(data, "SIP/2.0 ", 8) == 0;
}

// A library call's failure as "PUSHCORE_E_BAD_URI: <reason> (offset N)".
inline std::string describe(int status, const char* reason, size_t offset) {
    std::string s = pushcore_status_name(status);
    s += ": ";
    s += reason && *reason ? reason : pushcore_strerror(status);
    s += " (offset " + std::to_string(offset) + ")";
    return s;
}

}  // namespace example
