// lifeline-bench reference-server: the smallest reasonable asynchronous Boost.Beast HTTP/1.1
// keep-alive server, the ceiling that `lifeline-bench http` measures the real server
// against in the same run with the same client. Every connection reads a request and
// answers it from memory, with no routing, authentication, database or logging: GET
// /healthz gets `--health-bytes` of JSON, any other request `--body-bytes`.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench.h"

namespace lifeline::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Bodies {
    std::string health;
    std::string other;
};

// A JSON object of exactly `bytes` bytes (at least 10): {"pad":"xxx…"}.
std::string json_of(std::size_t bytes) {
    const std::size_t pad = bytes > 10 ? bytes - 10 : 0;
    return "{\"pad\":\"" + std::string(pad, 'x') + "\"}";
}

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, const Bodies& bodies)
        : stream_(std::move(socket)), bodies_(bodies) {}

    void start() {
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
    }

  private:
    void read() {
        request_ = {};
        stream_.expires_after(std::chrono::seconds(30));
        http::async_read(stream_, buffer_, request_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (!ec)
                                 self->answer();
                         });
    }

    void answer() {
        const bool health = request_.target() == "/healthz";
        response_ = http::response<http::string_body>(http::status::ok, request_.version());
        response_.set(http::field::content_type, "application/json");
        response_.body() = health ? bodies_.health : bodies_.other;
        response_.keep_alive(request_.keep_alive());
        response_.prepare_payload();
        stream_.expires_after(std::chrono::seconds(30));
        http::async_write(stream_, response_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (!ec && self->response_.keep_alive())
                                  self->read();
                          });
    }

    beast::tcp_stream stream_;
    const Bodies& bodies_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> request_;
    http::response<http::string_body> response_;
};

class Listener {
  public:
    Listener(asio::io_context& io, const Bodies& bodies)
        : io_(io),
          acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
          bodies_(bodies) {}

    unsigned short port() const { return acceptor_.local_endpoint().port(); }

    void accept() {
        acceptor_.async_accept(
            asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
                if (!ec) {
                    socket.set_option(tcp::no_delay(true));
                    std::make_shared<Session>(std::move(socket), bodies_)->start();
                }
                accept();
            });
    }

  private:
    asio::io_context& io_;
    tcp::acceptor acceptor_;
    const Bodies& bodies_;
};

}  // namespace

int run_reference_server(int argc, char** argv) {
    int threads = 2;
    std::size_t body_bytes = 200, health_bytes = 20;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        const long v = std::strtol(argv[i + 1], nullptr, 10);
        if (a == "--threads" && v >= 1 && v <= 64)
            threads = static_cast<int>(v);
        else if (a == "--body-bytes" && v >= 0 && v <= 1'000'000)
            body_bytes = static_cast<std::size_t>(v);
        else if (a == "--health-bytes" && v >= 0 && v <= 1'000'000)
            health_bytes = static_cast<std::size_t>(v);
        else {
            std::fprintf(stderr,
                         "usage: lifeline-bench reference-server [--threads N] "
                         "[--body-bytes N] [--health-bytes N]\n");
            return 2;
        }
    }
    const Bodies bodies{json_of(health_bytes), json_of(body_bytes)};
    asio::io_context io(threads);
    Listener listener(io, bodies);
    listener.accept();
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&io](beast::error_code, int) { io.stop(); });
    std::printf("listening on http://127.0.0.1:%u\n", static_cast<unsigned>(listener.port()));
    std::fflush(stdout);
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& t : pool)
        t.join();
    return 0;
}

}  // namespace lifeline::bench
