#pragma once
// Transport-neutral HTTP request and response. Handlers and the router see only
// these types, so no header outside net/src includes Beast or Asio.

#include <functional>
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

    // Case-insensitive header lookup.
    std::optional<std::string_view> header(std::string_view name) const;
    std::optional<std::string_view> query_param(std::string_view name) const;
    std::optional<std::string_view> param(std::string_view name) const;
};

struct Response {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::vector<Header> headers;
    std::string body;

    void set_header(std::string name, std::string value);
};

// Called on a worker thread (never an I/O thread); may block on the database.
using Handler = std::function<Response(Request&)>;

}  // namespace lifeline::net
