// libFuzzer harness: HTTP request parsing and routing. The input is the raw bytes a client
// sends on one connection (one request or several, pipelined). They go over loopback to
// the real lifeline::net::Server (Beast's parser with the server's limits, the request
// target and query decoding, pipelining, the error answers of net/src/server.cpp) in this
// process, whose handler is the real router with every /api/v1 route (net/src/router.cpp).
// The literal text {token} in the input becomes the dispatcher's bearer token, so the
// fuzzer also reaches the handlers behind sign-in.
//
// A finding: a sanitizer report, a crash, a connection the server never closes after the
// client has finished sending (libFuzzer's -timeout), or an answer of 500 or more.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "lifeline/net/server.h"
#include "world.h"

namespace {

using lifeline::fuzz::World;

struct Loopback {
    Loopback() {
        World& world = World::get();
        lifeline::net::ServerOptions options;
        options.host = "127.0.0.1";
        options.port = 0;
        options.io_threads = 1;
        options.worker_threads = 2;
        options.handle_signals = false;
        options.access_log = nullptr;
        server = std::make_unique<lifeline::net::Server>(
            options, [&world](lifeline::net::Request& r) { return world.call(r); });
        server->listen();
        port = server->port();
        thread = std::thread([this] { server->run(); });
    }
    ~Loopback() {
        server->stop();
        thread.join();
    }
    std::unique_ptr<lifeline::net::Server> server;
    unsigned short port = 0;
    std::thread thread;
};

std::string substitute_token(std::string text, const std::string& token) {
    constexpr std::string_view mark = "{token}";
    for (auto at = text.find(mark); at != std::string::npos;
         at = text.find(mark, at + token.size()))
        text.replace(at, mark.size(), token);
    return text;
}

// A connect interrupted by a signal (libFuzzer's timers use them) goes on in the
// background: wait until it is done, and say whether it succeeded.
bool connected_after_interrupt(int fd) {
    if (errno != EINTR)
        return false;
    pollfd p{fd, POLLOUT, 0};
    while (::poll(&p, 1, -1) < 0) {
        if (errno != EINTR)
            return false;
    }
    int error = 0;
    socklen_t size = sizeof error;
    return ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error == 0;
}

// Sends `bytes`, half-closes, and returns everything the server answers until it closes.
std::string send_and_read(unsigned short port, const std::string& bytes) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        std::perror("socket");
        std::abort();
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 &&
        !connected_after_interrupt(fd)) {
        std::perror("connect");
        std::abort();
    }
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;  // the server answered early (e.g. 413) and closed: read its answer
        sent += static_cast<std::size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    std::string answer;
    char buf[16384];
    for (;;) {
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n > 0) {
            answer.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        break;  // closed, or reset after an early answer
    }
    ::close(fd);
    return answer;
}

// Status lines of the answers (also inside bodies; harmless, bodies are JSON or text).
// A 500 is a finding; the other 5xx are answers the server means (501 for a framing it
// does not implement, 503 and 507 for a retry later).
void require_no_internal_error(const std::string& input, const std::string& answer) {
    for (auto at = answer.find("HTTP/1."); at != std::string::npos;
         at = answer.find("HTTP/1.", at + 1)) {
        if (answer.compare(at + 8, 4, " 500") == 0) {
            std::fprintf(stderr, "a 500 answer to:\n%s\n---\n%s\n", input.c_str(), answer.c_str());
            std::abort();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Loopback loopback;
    World& world = World::get();
    const std::string input(reinterpret_cast<const char*>(data), size);
    const std::string answer =
        send_and_read(loopback.port, substitute_token(input, world.tokens().dispatcher));
    require_no_internal_error(input, answer);
    world.reset_if_written();
    return 0;
}
