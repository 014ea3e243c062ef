#pragma once
// Runs a real lifeline::net::Server on 127.0.0.1 with an ephemeral port on a
// background thread, for the lifetime of a test.

#include <chrono>
#include <thread>
#include <utility>

#include "lifeline/net/server.h"

namespace lifeline::test {

// Quiet, quick options for tests: no signal handler, no access log, short timeouts.
inline net::ServerOptions test_options() {
    net::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.io_threads = 2;
    o.worker_threads = 4;
    o.handle_signals = false;
    o.access_log = nullptr;
    o.header_timeout = std::chrono::seconds(5);
    o.body_timeout = std::chrono::seconds(5);
    o.idle_timeout = std::chrono::seconds(5);
    o.shutdown_grace = std::chrono::seconds(5);
    return o;
}

class TestServer {
  public:
    TestServer(net::ServerOptions options, net::Handler handler)
        : server_(std::move(options), std::move(handler)) {
        server_.listen();
        thread_ = std::thread([this] { server_.run(); });
    }
    ~TestServer() { stop(); }
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    unsigned short port() const { return server_.port(); }
    net::Server& server() { return server_; }

    // Graceful stop; returns when run() has returned.
    void stop() {
        if (!thread_.joinable())
            return;
        server_.stop();
        thread_.join();
    }

  private:
    net::Server server_;
    std::thread thread_;
};

}  // namespace lifeline::test
