#include "lifeline/net/server.h"

#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <deque>
#include <iostream>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include "lifeline/net/metrics.h"
#include "lifeline/net/problem.h"
#include "lifeline/net/router.h"

namespace lifeline::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// Appends `s`, percent-escaping bytes that would break a `key=value` log line (spaces,
// quotes, control characters): a decoded path is client input.
void append_log_safe(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (unsigned char c : s) {
        if (c <= 0x20 || c == 0x7f || c == '"' || c == '%') {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xf];
        } else {
            out += static_cast<char>(c);
        }
    }
}

// Appends a number as std::to_chars writes it (no locale, no allocation).
template <class Number, class... Format>
void append_number(std::string& out, Number n, Format... format) {
    char digits[32];
    const auto end = std::to_chars(digits, digits + sizeof digits, n, format...).ptr;
    out.append(digits, end);
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// Headers the server owns: a handler cannot set them.
bool is_hop_by_hop(std::string_view name) {
    return iequals(name, "content-length") || iequals(name, "connection") ||
           iequals(name, "transfer-encoding") || iequals(name, "keep-alive") ||
           iequals(name, "content-type");
}

// A CR or LF in a handler's header would let echoed input inject headers.
bool is_safe_header(const Header& h) {
    constexpr std::string_view crlf = "\r\n";
    return !h.name.empty() && h.name.find_first_of(crlf) == std::string::npos &&
           h.value.find_first_of(crlf) == std::string::npos;
}

bool status_has_no_body(unsigned status) {
    return status < 200 || status == 204 || status == 304;
}

std::string to_string(beast::string_view s) {
    return std::string(s.data(), s.size());
}

void log_error(std::string_view what, const boost::system::error_code& ec) {
    std::string line = "lifeline: ";
    line.append(what).append(": ").append(ec.message()).append("\n");
    std::fwrite(line.data(), 1, line.size(), stderr);
}

constexpr std::string_view continue_response = "HTTP/1.1 100 Continue\r\n\r\n";

// On every HTTPS answer: browsers that have seen it use https:// for a year, so a
// phone's offline driver page never falls back to plain HTTP.
constexpr std::string_view hsts_value = "max-age=31536000";

// A request head that RFC 9112 asks a server to refuse, or that we cannot answer safely.
struct HeadProblem {
    unsigned status;
    std::string field;  // the header at fault
    Message message;    // what is wrong with it
};

// Checked once the head is read, before any body byte: an HTTP/1.1 request names its
// Host exactly once; a body is framed by Content-Length or by `chunked` alone (another
// coding we cannot decode, and a proxy in front may frame it differently: 501); and a
// request carries one set of credentials, so that no layer reads the other one.
std::optional<HeadProblem> strict_head_problem(const http::request_header<>& head) {
    const std::size_t hosts = head.count(http::field::host);
    if (hosts == 0 && head.version() >= 11)
        return HeadProblem{400, "Host", msg("http.header_required")};
    if (hosts > 1)
        return HeadProblem{400, "Host", msg("http.header_once")};
    const std::size_t codings = head.count(http::field::transfer_encoding);
    if (codings > 0) {
        const auto te = head[http::field::transfer_encoding];
        if (codings > 1 || !iequals(std::string_view(te.data(), te.size()), "chunked"))
            return HeadProblem{501, "Transfer-Encoding", msg("http.chunked_only")};
    }
    if (head.count(http::field::authorization) > 1)
        return HeadProblem{400, "Authorization", msg("http.header_once")};
    return std::nullopt;
}

// The language of an answer given before the router sees the request: its
// Accept-Language, else Chinese (the organisation's setting is the router's to read).
Language head_language(const http::request_header<>& head) {
    const auto accept = head[http::field::accept_language];
    return negotiate_language(std::string_view(accept.data(), accept.size()))
        .value_or(Language::zh_CN);
}

// "Host: must appear once", in any language.
Message header_problem(const std::string& header, const Message& why) {
    Message with = why;
    with.params.push_back(Arg("header", header).param);
    return wrap("http.bad_header", "why", with);
}

}  // namespace

void log_access_to_stderr(const AccessLogEntry& e) {
    std::string line;
    line.reserve(160 + e.path.size());
    line += "access method=";
    append_log_safe(line, e.method);
    line += " path=";
    append_log_safe(line, e.path);
    line += " route=";
    append_log_safe(line, e.route);
    line += " status=";
    append_number(line, e.status);
    line += " ms=";
    append_number(line, e.duration_ms, std::chars_format::fixed, 3);
    line += " bytes=";
    append_number(line, e.response_bytes);
    line += " remote=";
    append_log_safe(line, e.remote);
    line += '\n';
    // One write(2) per line, past stdio and its lock: lines from several threads stay
    // whole.
    for (std::string_view rest = line; !rest.empty();) {
        const ssize_t n = ::write(STDERR_FILENO, rest.data(), rest.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;  // a log that cannot be written must not stop the answer
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
}

namespace detail {

// What the server needs of a connection, whatever its transport: it is drained at
// shutdown. (Virtual calls happen only then, never per request.)
class Connection {
  public:
    virtual ~Connection() = default;
    virtual asio::any_io_executor executor() = 0;
    virtual void drain() = 0;
    virtual void force_close() = 0;
};

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

std::unique_ptr<asio::ssl::context> make_tls_context(const std::string& cert_file,
                                                     const std::string& key_file);

// ---- ServerImpl -----------------------------------------------------------------

class ServerImpl {
  public:
    ServerImpl(ServerOptions o, Handler h);

    void listen();
    void run();
    void stop();

    void add_session(const std::shared_ptr<Connection>& session);
    void remove_session(Connection* session);
    std::vector<std::shared_ptr<Connection>> live_sessions();

    ServerOptions options;
    Handler handler;
    // Set when serving HTTPS (options.tls_cert_file): every connection is TLS.
    std::unique_ptr<asio::ssl::context> tls;

    // Declared before the io_context and the worker pool, so that sessions destroyed
    // while those tear down their pending handlers can still unregister.
    std::mutex sessions_mutex;
    std::unordered_map<Connection*, std::weak_ptr<Connection>> sessions;

    asio::io_context ioc;
    // Handlers run here, never on an I/O thread. Declared after the io_context: its
    // pending jobs hold sessions whose sockets belong to the io_context.
    asio::thread_pool workers;
    asio::strand<asio::io_context::executor_type> strand;  // acceptor, signals, shutdown
    tcp::acceptor acceptor;
    asio::signal_set signals;
    asio::steady_timer accept_retry;
    asio::steady_timer drain_timer;

    std::atomic<bool> stopping{false};
    std::atomic<unsigned short> bound_port{0};
    // Requests taken by options.answer_later whose Respond has not been released yet: run()
    // waits for them, so that no answer arrives once the server is gone.
    std::atomic<int> answers_pending{0};
    bool listening = false;
    bool shutdown_started = false;  // on `strand`
    Clock::time_point drain_deadline;

    // Server::post: what is posted, and whether a turn of run_posted() is queued for it.
    void post(std::function<void()> fn);
    void run_posted();
    std::mutex posted_mutex;
    std::vector<std::function<void()>> posted;
    bool posted_queued = false;

  private:
    void do_accept();
    void on_accept(const boost::system::error_code& ec, tcp::socket socket);
    void begin_shutdown();
    void poll_drain();
};

// ---- Session ----------------------------------------------------------------------

// One connection over `Stream`: beast::tcp_stream (HTTP) or TlsStream (HTTPS); the
// plain instantiation has no TLS code in it. Owns itself through shared_from_this; every
// member is touched only on the connection's strand (the stream's executor), except
// force_close() after the I/O threads have stopped.
template <class Stream>
class Session : public Connection, public std::enable_shared_from_this<Session<Stream>> {
    static constexpr bool is_tls = std::is_same_v<Stream, TlsStream>;
    using std::enable_shared_from_this<Session<Stream>>::shared_from_this;

  public:
    template <class... StreamArgs>
    Session(ServerImpl& server, std::string remote, StreamArgs&&... stream_args)
        : server_(server),
          stream_(std::forward<StreamArgs>(stream_args)...),
          idle_timer_(stream_.get_executor()),
          heartbeat_timer_(stream_.get_executor()),
          remote_(std::move(remote)),
          accepted_(Clock::now()) {}

    ~Session() override {
        if (streaming_)
            streaming_->stream->stop();
        server_.remove_session(this);
    }

    asio::any_io_executor executor() override { return stream_.get_executor(); }

    void start() {
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
            if constexpr (is_tls) {
                self->handshake();
            } else {
                self->do_read();
            }
        });
    }

    // Server shutdown: read no new request, answer those already read (the last
    // answer says `Connection: close`), then close. A connection waiting for its next
    // request closes now.
    void drain() override {
        closing_ = true;
        if (closed_)
            return;
        if (streaming_) {  // an event stream has no end to wait for
            close_now();
            return;
        }
        if (phase_ == Phase::waiting) {
            idle_timer_.cancel();
            idle_waiting_ = false;
            boost::system::error_code ec;
            tcp_layer().socket().cancel(ec);
        }
        maybe_finish();
    }

    // Only when no I/O thread runs any more: the grace period is over.
    void force_close() override {
        boost::system::error_code ec;
        tcp_layer().socket().close(ec);
    }

  private:
    enum class Phase { none, waiting, header, body, linger };

    beast::tcp_stream& tcp_layer() { return beast::get_lowest_layer(stream_); }

    // ---- TLS ----

    // The handshake shares the first request's deadline (header_timeout from the accept).
    void handshake() {
        if constexpr (is_tls) {
            tcp_layer().expires_at(accepted_ + opts().header_timeout);
            stream_.async_handshake(
                asio::ssl::stream_base::server,
                [self = shared_from_this()](const boost::system::error_code& ec) {
                    if (self->closed_)
                        return;
                    if (ec) {
                        self->on_handshake_error(ec);
                        return;
                    }
                    self->do_read();
                });
        }
    }

    // A client that speaks plain HTTP to the HTTPS port is told so in plain HTTP (what
    // nginx does too); any other failed handshake (an old TLS version, garbage) is
    // closed: there is no secure channel to answer on.
    void on_handshake_error(const boost::system::error_code& ec) {
        if (ec.category() != asio::error::get_ssl_category() ||
            ERR_GET_REASON(static_cast<unsigned long>(ec.value())) != SSL_R_HTTP_REQUEST) {
            close_now();
            return;
        }
        // Nothing of the request is read yet: the organisation's default language.
        Response res = problem_response(400, msg("http.https_only"),
                                        {{"scheme", msg("http.scheme")}}, Language::zh_CN);
        auto wire = std::make_shared<std::string>(
            "HTTP/1.1 400 Bad Request\r\nServer: lifeline\r\nContent-Type: " + res.content_type +
            "\r\nContent-Length: " + std::to_string(res.body.size()) +
            "\r\nConnection: close\r\n\r\n" + res.body);
        tcp_layer().expires_after(opts().write_timeout);
        asio::async_write(tcp_layer(), asio::buffer(*wire),
                          [self = shared_from_this(), wire](const boost::system::error_code&,
                                                            std::size_t) { self->close_now(); });
    }

    // One request read and its response, in arrival order.
    struct Pending {
        bool ready = false;
        bool keep_alive = true;
        bool head = false;
        unsigned version = 11;  // answer HTTP/1.0 clients in kind, so keep-alive reads right
        http::response<http::string_body> response;
        std::string method;
        std::string path;
        std::string route = unmatched_route;
        std::size_t body_bytes = 0;
        Clock::time_point started = Clock::now();
        // A streamed answer (Response::stream): its head and first bytes, then the stream.
        std::shared_ptr<BodyStream> stream;
        std::string stream_head;
    };

    const ServerOptions& opts() const { return server_.options; }

    // ---- reading ----

    void do_read() {
        if (closed_ || closing_ || phase_ != Phase::none)
            return;
        if (queue_.size() >= std::max<std::size_t>(1, opts().max_pipelined))
            return;
        parser_.emplace();
        parser_->header_limit(
            static_cast<std::uint32_t>(std::min<std::size_t>(opts().header_limit, UINT32_MAX)));
        parser_->body_limit(opts().body_limit);
        if (buffer_.size() > 0) {  // a pipelined request is already (partly) here
            read_header();
            return;
        }
        // Waiting for the first byte is bounded by our own idle timer, not the
        // stream's: a stream timeout closes the socket, which would also kill the
        // responses still pending on this connection.
        phase_ = Phase::waiting;
        tcp_layer().expires_never();
        arm_idle();
        stream_.async_read_some(
            buffer_.prepare(4096),
            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                self->on_first_bytes(ec, n);
            });
    }

    // The idle deadline moves with every request, but the timer is not re-armed nor
    // cancelled each time (each would cost a completion through the strand): one wait
    // at a time runs, and when it fires before the current deadline it waits again.
    void arm_idle() {
        if (closed_ || phase_ != Phase::waiting || !queue_.empty() || writing_)
            return;
        idle_deadline_ =
            first_request_ ? accepted_ + opts().header_timeout : Clock::now() + opts().idle_timeout;
        idle_armed_ = true;
        if (idle_waiting_ && idle_timer_.expiry() <= idle_deadline_)
            return;  // the running wait comes back for the new deadline
        wait_idle();
    }

    void wait_idle() {
        idle_waiting_ = true;
        idle_timer_.expires_at(idle_deadline_);
        idle_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            self->on_idle_timer(ec);
        });
    }

    void on_idle_timer(const boost::system::error_code& ec) {
        // Cancelled: re-armed for an earlier deadline (that wait is pending), drained or
        // closed.
        if (ec == asio::error::operation_aborted)
            return;
        idle_waiting_ = false;
        if (ec || closed_ || !idle_armed_)
            return;
        if (idle_deadline_ > Clock::now()) {  // the connection was busy since: wait on
            wait_idle();
            return;
        }
        if (phase_ == Phase::waiting && queue_.empty() && !writing_)
            close_now();
    }

    void on_first_bytes(const boost::system::error_code& ec, std::size_t n) {
        idle_armed_ = false;
        if (streaming_) {
            phase_ = Phase::none;
            watch_peer(ec, n);
            return;
        }
        if (ec) {
            phase_ = Phase::none;
            on_read_error(ec);
            return;
        }
        buffer_.commit(n);
        if (closing_) {  // drained while the bytes were arriving
            phase_ = Phase::none;
            maybe_finish();
            return;
        }
        read_header();
    }

    void read_header() {
        phase_ = Phase::header;
        // A head already read whole (nearly always, and every pipelined one) is parsed
        // here rather than by another asynchronous read and a trip round the strand.
        if (buffer_.size() > 0) {
            boost::system::error_code ec;
            buffer_.consume(parser_->put(buffer_.data(), ec));
            if (ec != http::error::need_more) {
                on_header(ec);
                return;
            }
        }
        if (first_request_) {
            tcp_layer().expires_at(accepted_ + opts().header_timeout);
        } else {
            tcp_layer().expires_after(opts().header_timeout);
        }
        http::async_read_header(stream_, buffer_, *parser_,
                                [self = shared_from_this()](const boost::system::error_code& ec,
                                                            std::size_t) { self->on_header(ec); });
    }

    void on_header(const boost::system::error_code& ec) {
        if (ec) {
            phase_ = Phase::none;
            on_read_error(ec);
            return;
        }
        first_request_ = false;
        if (auto problem = strict_head_problem(parser_->get())) {
            phase_ = Phase::none;
            queue_error(problem->status, header_problem(problem->field, problem->message),
                        {{problem->field, problem->message}});
            return;
        }
        if (parser_->is_done()) {
            on_request();
            return;
        }
        const auto expect = parser_->get()[http::field::expect];
        if (iequals(std::string_view(expect.data(), expect.size()), "100-continue") &&
            queue_.empty() && !writing_) {
            // The client waits for a go-ahead before sending the body.
            writing_ = true;
            tcp_layer().expires_after(opts().write_timeout);
            asio::async_write(
                stream_, asio::buffer(continue_response.data(), continue_response.size()),
                [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                    self->writing_ = false;
                    if (ec) {
                        self->close_now();
                        return;
                    }
                    self->read_body();
                });
            return;
        }
        read_body();
    }

    void read_body() {
        phase_ = Phase::body;
        tcp_layer().expires_after(opts().body_timeout);
        http::async_read(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                self->phase_ = Phase::none;
                if (ec) {
                    self->on_read_error(ec);
                    return;
                }
                self->on_request();
            });
    }

    void on_read_error(const boost::system::error_code& ec) {
        if (closed_)
            return;
        if (streaming_) {
            close_now();
            return;
        }
        if (ec == http::error::end_of_stream || ec == asio::error::eof) {
            // The client is done sending; answer what it asked, then close.
            closing_ = true;
            maybe_finish();
        } else if (ec == http::error::header_limit) {
            queue_error(431,
                        msg("http.head_too_large", {{"max", std::int64_t(opts().header_limit)}}));
        } else if (ec == http::error::body_limit) {
            queue_error(413,
                        msg("http.body_too_large", {{"max", std::int64_t(opts().body_limit)}}));
        } else if (ec == http::error::bad_transfer_encoding) {
            // Beast's own refusal (e.g. two Transfer-Encoding headers): name the header.
            queue_error(400, header_problem("Transfer-Encoding", msg("http.chunked_only")),
                        {{"Transfer-Encoding", msg("http.chunked_only")}});
        } else if (ec == http::error::bad_content_length ||
                   ec == http::error::multiple_content_length) {
            queue_error(400, header_problem("Content-Length", msg("http.content_length")),
                        {{"Content-Length", msg("http.content_length")}});
        } else if (ec == asio::error::operation_aborted) {
            maybe_finish();  // cancelled by drain()
        } else if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
                   ec != http::error::partial_message) {
            queue_error(400, msg("http.malformed", {{"what", ec.message()}}));
        } else {
            close_now();  // timeout (the stream already closed the socket), reset, …
        }
    }

    // Answers a request that could not be read and stops reading this connection.
    // In the request's Accept-Language when its head was read, else the default (zh-CN).
    void queue_error(unsigned status, Message detail, std::vector<FieldError> errors = {}) {
        closing_ = true;
        auto p = std::make_shared<Pending>();
        p->keep_alive = false;
        Language language = Language::zh_CN;
        if (parser_ && parser_->is_header_done()) {
            const auto& req = parser_->get();
            language = head_language(req);
            p->method = to_string(req.method_string());
            p->path = to_string(req.target());
            p->head = req.method() == http::verb::head;
            p->version = req.version();
        }
        parser_.reset();
        queue_.push_back(p);
        complete(*p, problem_response(status, detail, errors, language), unmatched_route);
    }

    void on_request() {
        phase_ = Phase::none;
        auto req = parser_->release();
        parser_.reset();

        auto p = std::make_shared<Pending>();
        p->method = to_string(req.method_string());
        p->head = req.method() == http::verb::head;
        p->version = req.version();
        p->keep_alive = req.keep_alive();
        if (!p->keep_alive)
            closing_ = true;
        queue_.push_back(p);

        Request r;
        r.method = p->method;
        r.target = to_string(req.target());
        r.remote = remote_;
        auto parsed = boost::urls::parse_origin_form(r.target);
        if (!parsed) {
            p->path = r.target;
            complete(*p, problem_response(400, msg("http.bad_target"), {}, head_language(req)),
                     unmatched_route);
            do_read();
            return;
        }
        r.path = parsed->path();
        for (auto segment : parsed->segments())
            r.segments.push_back(std::move(segment));
        for (auto param : parsed->params()) {
            r.query.emplace_back(std::move(param.key),
                                 param.has_value ? std::move(param.value) : std::string());
        }
        r.headers.reserve(static_cast<std::size_t>(std::distance(req.begin(), req.end())));
        for (const auto& field : req) {
            r.headers.push_back({to_string(field.name_string()), to_string(field.value())});
        }
        r.body = std::move(req.body());
        if (!opts().trusted_proxies.empty())  // else the peer, named once at the accept
            r.remote = opts().trusted_proxies.client_address(remote_, r.headers);
        p->path = r.path;

        if (opts().answer_on_io_thread && opts().answer_on_io_thread(r)) {
            answer_here(*p, r);
            return;
        }
        if (opts().answer_later && answer_later(p, r)) {
            do_read();  // read ahead while the answer is prepared (bounded by max_pipelined)
            return;
        }
        // The handler may block (database, matcher): run it on the worker pool and
        // come back to this connection's strand with the answer. The work guard keeps
        // the io_context running until the answer has been posted.
        auto ex = stream_.get_executor();
        asio::post(server_.workers, [self = shared_from_this(), p, ex, r = std::move(r),
                                     guard = asio::make_work_guard(ex)]() mutable {
            Response res = invoke_handler(self->server_.handler, r);
            std::string route = r.route.empty() ? std::string(unmatched_route) : r.route;
            asio::post(ex, [self, p, res = std::move(res), route = std::move(route)]() mutable {
                self->complete(*p, std::move(res), std::move(route));
            });
        });

        do_read();  // read ahead while the handler runs (bounded by max_pipelined)
    }

    // A quick handler (point reads, answers from memory), run here on the connection's
    // strand: no hand-off to the worker pool and back.
    void answer_here(Pending& p, Request& r) {
        Response res = invoke_handler(server_.handler, r);
        std::string route = r.route.empty() ? std::string(unmatched_route) : r.route;
        complete(p, std::move(res), std::move(route));
        do_read();
    }

    // Offers the request to options.answer_later with a Respond that brings the answer back
    // to this connection's strand. The work guard keeps the io_context running until then.
    bool answer_later(const std::shared_ptr<Pending>& p, Request& r) {
        struct Ticket {
            explicit Ticket(std::atomic<int>& n) : pending(n) { ++pending; }
            ~Ticket() { --pending; }
            std::atomic<int>& pending;
        };
        auto ex = stream_.get_executor();
        const Respond respond = [self = shared_from_this(), p, ex,
                                 guard = asio::make_work_guard(ex),
                                 ticket = std::make_shared<Ticket>(server_.answers_pending)](
                                    Response res, std::string route) {
            asio::post(ex, [self, p, res = std::move(res), route = std::move(route)]() mutable {
                self->complete(*p, std::move(res), std::move(route));
            });
        };
        return opts().answer_later(r, respond);
    }

    // ---- writing ----

    // Turns a handler's Response into the wire response of `p` and writes what is due.
    void complete(Pending& p, Response res, std::string route) {
        p.route = std::move(route);
        if (res.stream) {
            if (!p.head && res.status == 200 && !closed_) {
                complete_stream(p, std::move(res));
                return;
            }
            res.stream->stop();  // HEAD, or a handler that streams a refusal: no stream
            res.stream.reset();
        }
        auto& out = p.response;
        out.version(p.version);
        out.result(res.status);
        out.set(http::field::server, "lifeline");
        if constexpr (is_tls)
            out.set(http::field::strict_transport_security, hsts_value);
        if (!res.content_type.empty() && !status_has_no_body(res.status)) {
            out.set(http::field::content_type, res.content_type);
        }
        for (auto& h : res.headers) {
            if (is_hop_by_hop(h.name) || !is_safe_header(h))
                continue;
            out.insert(h.name, h.value);
        }
        if (status_has_no_body(res.status))
            res.body.clear();
        if (p.head) {
            // HEAD: the headers a GET would have, no body.
            if (!status_has_no_body(res.status))
                out.content_length(res.body.size());
            p.body_bytes = 0;
        } else {
            p.body_bytes = res.body.size();
            out.body() = std::move(res.body);
            out.prepare_payload();
        }
        p.ready = true;
        do_write();
    }

    void do_write() {
        if (closed_ || writing_ || streaming_ || queue_.empty() || !queue_.front()->ready)
            return;
        auto p = queue_.front();
        if (p->stream) {
            start_stream(p);
            return;
        }
        // The last answer before a close says so: the client asked for it, or nothing
        // more will be read (the server drains, the client half-closed).
        const bool last = !p->keep_alive || (closing_ && queue_.size() == 1 &&
                                             (phase_ == Phase::none || phase_ == Phase::waiting));
        p->response.keep_alive(!last);
        writing_ = true;
        tcp_layer().expires_after(opts().write_timeout);
        http::async_write(stream_, p->response,
                          [self = shared_from_this(), p](const boost::system::error_code& ec,
                                                         std::size_t) { self->on_write(ec, *p); });
    }

    void on_write(const boost::system::error_code& ec, Pending& p) {
        writing_ = false;
        if (ec) {
            close_now();
            return;
        }
        record(p);
        const bool keep = p.response.keep_alive();
        queue_.pop_front();
        if (!keep) {
            closing_ = true;
            told_close_ = true;
        }
        do_write();
        do_read();
        arm_idle();
        maybe_finish();
    }

    void record(const Pending& p) {
        const double seconds = std::chrono::duration<double>(Clock::now() - p.started).count();
        const unsigned status = p.response.result_int();
        if (opts().metrics)
            opts().metrics->record_request(p.method, p.route, status, seconds);
        if (opts().access_log) {
            AccessLogEntry entry{p.method,      p.path,       p.route, status,
                                 seconds * 1e3, p.body_bytes, remote_};
            try {
                opts().access_log(entry);
            } catch (...) {
                // A broken log sink must not break the connection.
            }
        }
    }

    // ---- streaming (Response::stream) ----

    // The head of a streamed answer. Its body is delimited by the end of the connection
    // (no Content-Length, no chunking), so this is the connection's last answer: nothing
    // more is read from it.
    void complete_stream(Pending& p, Response res) {
        closing_ = true;
        std::string head = p.version == 10 ? "HTTP/1.0 200 OK\r\n" : "HTTP/1.1 200 OK\r\n";
        head += "Server: lifeline\r\n";
        if constexpr (is_tls)
            head += "Strict-Transport-Security: " + std::string(hsts_value) + "\r\n";
        head += "Content-Type: " + res.content_type + "\r\n";
        for (auto& h : res.headers) {
            if (is_hop_by_hop(h.name) || !is_safe_header(h))
                continue;
            head += h.name + ": " + h.value + "\r\n";
        }
        head += "Connection: close\r\n\r\n";
        head += res.body;
        p.response.result(200);
        p.body_bytes = res.body.size();
        p.stream = std::move(res.stream);
        p.stream_head = std::move(head);
        p.ready = true;
        do_write();
    }

    void start_stream(const std::shared_ptr<Pending>& p) {
        streaming_ = p;
        writing_ = true;
        tcp_layer().expires_after(opts().write_timeout);
        asio::async_write(stream_, asio::buffer(p->stream_head),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      std::size_t) { self->on_stream_head(ec); });
    }

    void on_stream_head(const boost::system::error_code& ec) {
        writing_ = false;
        if (ec || closed_) {
            close_now();
            return;
        }
        record(*streaming_);
        std::weak_ptr<Session> weak = shared_from_this();
        auto ex = stream_.get_executor();
        streaming_->stream->start([weak, ex] {
            asio::post(ex, [weak] {
                if (auto self = weak.lock())
                    self->pump();
            });
        });
        arm_heartbeat();
        if (phase_ == Phase::none)  // no read in flight: watch for the client leaving
            watch_peer({}, 0);
        pump();
    }

    void pump() {
        if (closed_ || writing_ || !streaming_)
            return;
        std::string data = streaming_->stream->take();
        if (!data.empty())
            write_stream(std::move(data));
    }

    void write_stream(std::string data) {
        auto buf = std::make_shared<std::string>(std::move(data));
        writing_ = true;
        tcp_layer().expires_after(opts().write_timeout);  // a reader that stalls is dropped
        asio::async_write(
            stream_, asio::buffer(*buf),
            [self = shared_from_this(), buf](const boost::system::error_code& ec, std::size_t) {
                self->writing_ = false;
                if (ec) {
                    self->close_now();
                    return;
                }
                self->pump();
            });
    }

    // A comment line now and then keeps proxies from closing a quiet stream, and finds a
    // client that went away without a word.
    void arm_heartbeat() {
        heartbeat_timer_.expires_after(streaming_->stream->heartbeat_interval());
        heartbeat_timer_.async_wait(
            [self = shared_from_this()](const boost::system::error_code& ec) {
                if (ec || self->closed_)
                    return;
                if (!self->writing_)
                    self->write_stream(self->streaming_->stream->heartbeat());
                self->arm_heartbeat();
            });
    }

    // The client sends nothing on an event stream; a read ends when it closes.
    void watch_peer(const boost::system::error_code& ec, std::size_t) {
        if (ec || closed_) {
            close_now();
            return;
        }
        buffer_.consume(buffer_.size());
        stream_.async_read_some(
            buffer_.prepare(4096),
            [self = shared_from_this()](const boost::system::error_code& e, std::size_t n) {
                self->watch_peer(e, n);
            });
    }

    // ---- closing ----

    // Closes once nothing is left to answer on a connection that stops reading.
    void maybe_finish() {
        if (closed_ || phase_ == Phase::linger || !closing_)
            return;
        if (!queue_.empty() || writing_ || phase_ != Phase::none)
            return;
        if (told_close_) {
            linger();
        } else {
            close_now();
        }
    }

    // After `Connection: close`: stop sending, then read and drop what the client is
    // still sending (e.g. the rest of a body that was too large) until it closes, so
    // its kernel does not answer our close with a reset that loses the response.
    void linger() {
        phase_ = Phase::linger;
        boost::system::error_code ec;
        tcp_layer().socket().shutdown(tcp::socket::shutdown_send, ec);
        tcp_layer().expires_after(std::chrono::seconds(1));
        discard();
    }

    void discard() {
        buffer_.consume(buffer_.size());
        stream_.async_read_some(
            buffer_.prepare(16 * 1024),
            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                if (ec) {
                    self->close_now();
                    return;
                }
                self->discard();
            });
    }

    void close_now() {
        if (closed_)
            return;
        closed_ = true;
        idle_timer_.cancel();
        idle_waiting_ = false;
        heartbeat_timer_.cancel();
        if (streaming_)
            streaming_->stream->stop();
        boost::system::error_code ec;
        tcp_layer().socket().shutdown(tcp::socket::shutdown_both, ec);
        tcp_layer().socket().close(ec);
    }

    ServerImpl& server_;
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::deque<std::shared_ptr<Pending>> queue_;
    asio::steady_timer idle_timer_;
    Clock::time_point idle_deadline_;
    bool idle_armed_ = false;             // waiting for a request: idle_deadline_ applies
    bool idle_waiting_ = false;           // a wait of idle_timer_ is pending
    asio::steady_timer heartbeat_timer_;  // while streaming
    std::shared_ptr<Pending> streaming_;  // the streamed answer being written, if any
    std::string remote_;
    Clock::time_point accepted_;
    Phase phase_ = Phase::none;
    bool first_request_ = true;
    bool writing_ = false;
    bool closing_ = false;     // read no further requests
    bool told_close_ = false;  // a `Connection: close` answer went out
    bool closed_ = false;
};

// ---- ServerImpl definitions -----------------------------------------------------

namespace {

// The first reason OpenSSL gave, in words ("key values mismatch").
std::string openssl_reason() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0)
        return "unknown OpenSSL error";
    const char* reason = ERR_reason_error_string(code);
    return reason ? reason : "OpenSSL error " + std::to_string(code);
}

void require_readable(const std::string& path, const char* what) {
    if (path.empty())
        throw std::runtime_error(std::string("TLS needs both a certificate and a key: no ") + what +
                                 " file given");
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f)
        throw std::system_error(errno, std::generic_category(),
                                std::string("cannot read the TLS ") + what + " " + path);
    std::fclose(f);
}

}  // namespace

// A server context from PEM files, TLS 1.2 at least. Every failure names the file and
// the reason, so that `lifeline serve` refuses to start with a line an operator can act on.
std::unique_ptr<asio::ssl::context> make_tls_context(const std::string& cert_file,
                                                     const std::string& key_file) {
    require_readable(cert_file, "certificate");
    require_readable(key_file, "key");
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                     asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    SSL_CTX* native = ctx->native_handle();
    if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1)
        throw std::runtime_error("cannot require TLS 1.2: " + openssl_reason());
    ERR_clear_error();
    if (SSL_CTX_use_certificate_chain_file(native, cert_file.c_str()) != 1)
        throw std::runtime_error("the TLS certificate " + cert_file +
                                 " is not a PEM certificate: " + openssl_reason());
    const auto mismatch = [&] {
        return std::runtime_error("the TLS key " + key_file + " does not match the certificate " +
                                  cert_file + ": " + openssl_reason());
    };
    if (SSL_CTX_use_PrivateKey_file(native, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
        const unsigned long code = ERR_peek_error();
        if (ERR_GET_LIB(code) == ERR_LIB_X509 && ERR_GET_REASON(code) == X509_R_KEY_VALUES_MISMATCH)
            throw mismatch();
        throw std::runtime_error("the TLS key " + key_file +
                                 " is not a PEM private key: " + openssl_reason());
    }
    if (SSL_CTX_check_private_key(native) != 1)
        throw mismatch();
    return ctx;
}

ServerImpl::ServerImpl(ServerOptions o, Handler h)
    : options(std::move(o)),
      handler(std::move(h)),
      ioc(std::max(1, options.io_threads)),
      workers(static_cast<std::size_t>(std::max(1, options.worker_threads))),
      strand(asio::make_strand(ioc)),
      acceptor(strand),
      signals(strand),
      accept_retry(strand),
      drain_timer(strand) {
    if (!options.tls_cert_file.empty() || !options.tls_key_file.empty())
        tls = make_tls_context(options.tls_cert_file, options.tls_key_file);
}

void ServerImpl::listen() {
    if (listening)
        return;
    const std::string where = options.host + ":" + std::to_string(options.port);
    const auto fail = [&](const boost::system::error_code& ec) {
        throw std::system_error(std::error_code(ec), "cannot listen on " + where);
    };
    boost::system::error_code ec;
    tcp::endpoint endpoint;
    const auto address = asio::ip::make_address(options.host, ec);
    if (!ec) {
        endpoint = tcp::endpoint(address, options.port);
    } else {
        tcp::resolver resolver(ioc);
        auto results = resolver.resolve(options.host, std::to_string(options.port),
                                        tcp::resolver::passive, ec);
        if (ec)
            fail(ec);
        if (results.empty())
            fail(asio::error::host_not_found);
        endpoint = results.begin()->endpoint();
    }
    acceptor.open(endpoint.protocol(), ec);
    if (ec)
        fail(ec);
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (ec)
        fail(ec);
    acceptor.bind(endpoint, ec);
    if (ec)
        fail(ec);
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        fail(ec);
    bound_port = acceptor.local_endpoint().port();
    listening = true;
}

void ServerImpl::do_accept() {
    if (stopping)
        return;
    acceptor.async_accept(asio::make_strand(ioc),
                          [this](const boost::system::error_code& ec, tcp::socket socket) {
                              on_accept(ec, std::move(socket));
                          });
}

void ServerImpl::on_accept(const boost::system::error_code& ec, tcp::socket socket) {
    if (stopping || ec == asio::error::operation_aborted)
        return;  // socket closes here
    if (ec) {
        // Typically out of file descriptors: back off instead of spinning.
        log_error("accept failed", ec);
        accept_retry.expires_after(std::chrono::milliseconds(100));
        accept_retry.async_wait([this](const boost::system::error_code& wait_ec) {
            if (!wait_ec)
                do_accept();
        });
        return;
    }
    boost::system::error_code endpoint_ec;
    const auto peer = socket.remote_endpoint(endpoint_ec);
    // An IPv4 client of a dual-stack socket ("::ffff:10.0.0.1") is named as IPv4, as the
    // sign-in limits and the trusted proxies name it.
    auto address = peer.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    std::string remote = endpoint_ec ? std::string("unknown") : address.to_string();
    if (tls) {
        auto session =
            std::make_shared<Session<TlsStream>>(*this, std::move(remote), std::move(socket), *tls);
        add_session(session);
        session->start();
    } else {
        auto session = std::make_shared<Session<beast::tcp_stream>>(*this, std::move(remote),
                                                                    std::move(socket));
        add_session(session);
        session->start();
    }
    do_accept();
}

void ServerImpl::add_session(const std::shared_ptr<Connection>& session) {
    std::lock_guard lock(sessions_mutex);
    sessions.emplace(session.get(), session);
}

void ServerImpl::remove_session(Connection* session) {
    std::lock_guard lock(sessions_mutex);
    sessions.erase(session);
}

std::vector<std::shared_ptr<Connection>> ServerImpl::live_sessions() {
    std::vector<std::shared_ptr<Connection>> out;
    std::lock_guard lock(sessions_mutex);
    out.reserve(sessions.size());
    for (auto& [ptr, weak] : sessions) {
        if (auto s = weak.lock())
            out.push_back(std::move(s));
    }
    return out;
}

void ServerImpl::stop() {
    stopping = true;
    asio::post(strand, [this] { begin_shutdown(); });
}

void ServerImpl::begin_shutdown() {
    if (shutdown_started)
        return;
    shutdown_started = true;
    stopping = true;
    boost::system::error_code ec;
    acceptor.close(ec);  // new connections are refused from here on
    signals.cancel(ec);
    accept_retry.cancel();
    drain_deadline = Clock::now() + options.shutdown_grace;
    for (auto& session : live_sessions()) {
        asio::post(session->executor(), [session] { session->drain(); });
    }
    poll_drain();
}

// Sessions end on their own strands; check until none is left or the grace is over.
void ServerImpl::poll_drain() {
    bool empty = false;
    {
        std::lock_guard lock(sessions_mutex);
        empty = sessions.empty();
    }
    const auto now = Clock::now();
    if (empty || now >= drain_deadline) {
        ioc.stop();
        return;
    }
    drain_timer.expires_after(
        std::min<Clock::duration>(std::chrono::milliseconds(10), drain_deadline - now));
    drain_timer.async_wait([this](const boost::system::error_code& ec) {
        if (!ec)
            poll_drain();
    });
}

void ServerImpl::run() {
    listen();
    if (options.handle_signals) {
        signals.add(SIGINT);
        signals.add(SIGTERM);
        signals.async_wait([this](const boost::system::error_code& ec, int) {
            if (!ec)
                begin_shutdown();
        });
    }
    asio::post(strand, [this] { do_accept(); });

    const auto run_io = [this] {
        for (;;) {
            try {
                ioc.run();
                return;
            } catch (const std::exception& e) {
                // A handler on an I/O thread threw: log it and keep serving.
                std::string line = std::string("lifeline: I/O thread: ") + e.what() + "\n";
                std::fwrite(line.data(), 1, line.size(), stderr);
            }
        }
    };
    std::vector<std::thread> threads;
    for (int i = 1; i < options.io_threads; ++i)
        threads.emplace_back(run_io);
    run_io();
    for (auto& t : threads)
        t.join();

    // Whatever outlived the grace period is closed now, so no client waits on a
    // server that no longer answers; queued handlers that have not started are dropped.
    auto remaining = live_sessions();
    for (auto& session : remaining)
        session->force_close();
    if (!remaining.empty())
        workers.stop();
    workers.join();  // waits for handlers still running
    // And for answers still being prepared elsewhere (writes waiting for their commit):
    // the writer settles each, here if it was handed over with post(), and what is posted
    // to the stopped io_context is dropped.
    for (;;) {
        run_posted();
        if (answers_pending.load() == 0)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (options.handle_signals) {
        boost::system::error_code ec;
        signals.clear(ec);
    }
}

// One queued turn runs everything posted until it starts: a batch of completions posted
// while the I/O threads are busy costs them one turn and the poster one wake-up at most.
void ServerImpl::post(std::function<void()> fn) {
    {
        std::lock_guard lock(posted_mutex);
        posted.push_back(std::move(fn));
        if (posted_queued)
            return;
        posted_queued = true;
    }
    asio::post(ioc, [this] { run_posted(); });
}

void ServerImpl::run_posted() {
    std::vector<std::function<void()>> now;
    {
        std::lock_guard lock(posted_mutex);
        now.swap(posted);
        posted_queued = false;
    }
    for (auto& fn : now) {
        try {
            fn();
        } catch (const std::exception& e) {
            std::string line = std::string("lifeline: posted work: ") + e.what() + "\n";
            std::fwrite(line.data(), 1, line.size(), stderr);
        }
    }
}

}  // namespace detail

// ---- Server -----------------------------------------------------------------------

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<detail::ServerImpl>(std::move(options), std::move(handler))) {}

Server::~Server() = default;

void Server::listen() {
    impl_->listen();
}
unsigned short Server::port() const {
    return impl_->bound_port;
}
void Server::run() {
    impl_->run();
}
void Server::stop() {
    impl_->stop();
}
bool Server::stopping() const {
    return impl_->stopping;
}
void Server::post(std::function<void()> fn) {
    impl_->post(std::move(fn));
}

}  // namespace lifeline::net
