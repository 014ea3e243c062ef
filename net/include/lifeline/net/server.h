#pragma once
// The HTTP/1.1 server (HTTPS too, when given a certificate): an asynchronous Boost.Beast listener
// and sessions on a few I/O threads, handlers on a worker pool (they may block on the database),
// timeouts and limits for every connection, and a graceful shutdown on SIGINT/SIGTERM or stop().
// Boost stays inside net/src: this header only declares.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "lifeline/net/client_address.h"
#include "lifeline/net/http.h"

namespace lifeline::net {

class Metrics;
namespace detail {
class ServerImpl;
}

// One line of the access log: one per answered request.
struct AccessLogEntry {
    std::string method;
    std::string path;   // decoded path, without the query (the query may hold secrets)
    std::string route;  // matched pattern or "unmatched"
    unsigned status = 0;
    double duration_ms = 0;          // from the request fully read to the response written
    std::size_t response_bytes = 0;  // body bytes sent (0 for HEAD)
    std::string remote;              // peer address
};

// The default access log: one `key=value` line on stderr.
void log_access_to_stderr(const AccessLogEntry& entry);

struct ServerOptions {
    std::string host = "127.0.0.1";  // an IP address or a name to resolve
    unsigned short port = 8080;      // 0: an ephemeral port, see Server::port()
    int io_threads = 2;
    int worker_threads = 32;  // handler threads (all but answer_on_io_thread's, answer_later's)

    std::size_t body_limit = 1024 * 1024;  // larger bodies: 413
    std::size_t header_limit = 16 * 1024;  // larger request heads: 431
    std::size_t max_pipelined = 8;         // requests read ahead per connection

    // Time to receive a whole request head (on a new connection: from the accept).
    std::chrono::milliseconds header_timeout{std::chrono::seconds(10)};
    // Time to receive a request body once its head has arrived.
    std::chrono::milliseconds body_timeout{std::chrono::seconds(30)};
    // Time a kept-alive connection may wait for its next request.
    std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
    // Time to write one response to a slow reader.
    std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};
    // How long a shutdown waits for in-flight requests before closing connections.
    std::chrono::milliseconds shutdown_grace{std::chrono::seconds(10)};

    // Peers whose X-Forwarded-For names the client (Request::remote); empty: none.
    TrustedProxies trusted_proxies;
    // HTTPS: PEM files of the certificate (chain) and its private key. Both empty: plain
    // HTTP. With them every connection is TLS 1.2 or later and every answer carries
    // Strict-Transport-Security; the Server constructor throws, naming the file and the
    // reason, if a file is unreadable or the key does not match the certificate.
    std::string tls_cert_file;
    std::string tls_key_file;

    // Install a SIGINT/SIGTERM handler that starts the graceful shutdown.
    bool handle_signals = true;

    // Called once per answered request, on an I/O thread: keep it short. Null: no log.
    std::function<void(const AccessLogEntry&)> access_log = log_access_to_stderr;

    // If set, every answered request is recorded here. Must outlive the server.
    Metrics* metrics = nullptr;

    // Requests for which this returns true are answered on the I/O thread that read them,
    // saving the hand-off to a worker and back (about seven futex calls per request): only
    // for handlers that never wait long (Router::quick). Null: every request on a worker.
    std::function<bool(const Request&)> answer_on_io_thread;

    // Called on the I/O thread for each other request; when it returns true it has taken the
    // request (it may move from it) and calls the Respond once, from any thread, with the
    // answer: no worker runs or waits for it (Router::answer_after_commit: a write answered
    // from the database writer's commit). It must not block. Null: none is taken.
    std::function<bool(Request&, const Respond&)> answer_later;
};

class Server {
  public:
    // `handler` is usually a Router (wrapped: [&router](Request& r) { return router(r); }).
    // Throws std::runtime_error when options.tls_* name files that cannot serve HTTPS.
    Server(ServerOptions options, Handler handler);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and listens. Throws std::system_error naming the address on failure
    // ("cannot listen on 127.0.0.1:8080: Address already in use").
    void listen();

    // The bound port (the ephemeral one when options.port was 0); 0 before listen().
    unsigned short port() const;

    // Serves on options.io_threads threads (the calling thread is one of them) until a
    // graceful shutdown completes: SIGINT/SIGTERM (if handle_signals) or stop(). Calls
    // listen() first if needed. Returns normally after the shutdown; call it once.
    void run();

    // Starts the graceful shutdown: stop accepting, finish in-flight requests (their
    // responses are written, with `Connection: close`), close idle connections, and
    // after shutdown_grace close whatever remains. Thread-safe, idempotent, may be
    // called before or during run().
    void stop();

    // True once a shutdown has started.
    bool stopping() const;

    // Runs `fn` on an I/O thread, soon, and never waits: for work that ends in answers,
    // such as a commit's completions (storage::Database::deliver_completions), whose posts
    // to the connections then need no wake-up of another thread. Functions posted while
    // one is pending run in the same turn, in order. Once the I/O threads have stopped,
    // run() calls what is still posted while it waits for the last answers.
    void post(std::function<void()> fn);

  private:
    std::unique_ptr<detail::ServerImpl> impl_;
};

}  // namespace lifeline::net
