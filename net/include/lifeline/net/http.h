#pragma once
// Transport-neutral HTTP request and response. Handlers and the router see only
// these types, so no header outside net/src includes Beast or Asio.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lifeline/core/model.h"

namespace lifeline::net {

struct Header {
    std::string name;
    std::string value;
};

struct Request {
    std::string method;  // "GET", "POST", …
    std::string target;  // as received: "/api/v1/trips?limit=10"
    std::string path;    // percent-decoded path: "/api/v1/trips"
    // The path's segments, each percent-decoded on its own ({"api", "v1", "trips"}): set by
    // the server as it reads the target; when empty the router splits `target` itself.
    std::vector<std::string> segments;
    std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
    std::vector<Header> headers;
    std::string body;
    // The client's address, for the sign-in limits: the peer, or what a trusted proxy
    // says in X-Forwarded-For (client_address.h).
    std::string remote;

    // Filled by the router: values of "{name}" segments of the matched route,
    // and the route pattern itself ("/api/v1/trips/{id}") for metrics.
    std::vector<std::pair<std::string, std::string>> params;
    std::string route;

    // Who is asking, once the bearer token has been checked (net/src/api_common.cpp's
    // authenticate): a request is authenticated once, however many layers ask.
    std::optional<Actor> actor;

    // Set by the router for a Pace::write route it answers from the writer's commit
    // (Router::answer_after_commit): the handler may leave its write to the writer by
    // answering with Response::write_later instead of waiting for the write itself.
    bool may_write_later = false;

    // Case-insensitive header lookup.
    std::optional<std::string_view> header(std::string_view name) const;
    std::optional<std::string_view> query_param(std::string_view name) const;
    std::optional<std::string_view> param(std::string_view name) const;
};

// A body written as it is produced, for as long as the connection lasts (Server-Sent
// Events, net/src/events.cpp). The server writes the head, then what take() returns each
// time `wake` has been called, a heartbeat() whenever nothing was written for
// heartbeat_interval(), and calls stop() once the connection ends. The connection holds
// no worker thread meanwhile: it is driven from the I/O side.
class BodyStream {
  public:
    virtual ~BodyStream() = default;
    // Called once, on the connection's strand. `wake` may be called from any thread.
    virtual void start(std::function<void()> wake) = 0;
    virtual std::string take() = 0;  // what is ready now; may be empty
    virtual std::string heartbeat() const = 0;
    virtual std::chrono::milliseconds heartbeat_interval() const = 0;
    virtual void stop() = 0;  // idempotent
};

struct Response {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::vector<Header> headers;
    std::string body;
    // Set for a streamed answer: `body` is sent first, then the stream (the connection
    // is closed when it ends, so nothing else is read from it).
    std::shared_ptr<BodyStream> stream;
    // Only when the request allowed it (Request::may_write_later): the write still to do.
    // The router runs it as one job on the database writer; its answer replaces this one.
    std::function<Response()> write_later;

    void set_header(std::string name, std::string value);
};

// Called on a worker thread and may block on the database; a Pace::quick route's on an I/O
// thread, a Pace::write route's on the database writer inside its write job (router.h).
using Handler = std::function<Response(Request&)>;

// Gives the answer to a request taken to be answered later (ServerOptions::answer_later),
// with the matched route pattern (for the access log and metrics). Called once, from any
// thread.
using Respond = std::function<void(Response response, std::string route)>;

}  // namespace lifeline::net
