#pragma once
// Maps (method, path) to a Handler. Patterns are literal segments and "{name}"
// placeholders: "/api/v1/trips/{id}/events". A placeholder matches exactly one
// non-empty, percent-decoded segment.

#include <functional>
#include <string>
#include <vector>

#include "lifeline/core/messages.h"

#include "lifeline/net/http.h"

namespace lifeline::net {

// How long a handler may take. A `quick` one answers from memory or with a few point reads
// and never waits for a write, a lock held by a writer, or a long computation: the server
// may run it on the I/O thread that read the request, without handing it to the worker
// pool and back (ServerOptions::answer_on_io_thread).
enum class Pace { may_wait, quick };

class Router {
  public:
    // Registers `handler` for `method` ("GET", "POST", …) on `pattern`. Throws
    // std::invalid_argument for a malformed pattern or a duplicate (method, pattern).
    void add(std::string method, std::string pattern, Handler handler, Pace pace = Pace::may_wait);

    // True if the route `request` would be dispatched to (same method, not HEAD) is quick.
    bool quick(const Request& request) const;

    // Dispatches: fills request.params and request.route (the pattern) and runs the
    // handler through invoke_handler, so errors become problem+json. Unknown path:
    // 404 (route "unmatched"); known path, other method: 405 with `Allow`. HEAD falls
    // back to the GET handler (the server drops the body).
    Response operator()(Request& request) const;

    // The route patterns, in registration order (for docs and tests).
    std::vector<std::string> patterns() const;

    // The language of a problem when the request has no Accept-Language we speak (the
    // organisation's setting); zh-CN until set. It must not throw.
    void set_default_language(std::function<Language()> language) {
        default_language_ = std::move(language);
    }

  private:
    struct Route {
        std::string method;
        std::string pattern;
        std::vector<std::string> segments;  // "{name}" kept as is
        Handler handler;
        Pace pace = Pace::may_wait;
    };
    std::vector<Route> routes_;
    std::function<Language()> default_language_;
};

// Route label used in metrics and Request::route when no route matched.
inline constexpr const char* unmatched_route = "unmatched";

}  // namespace lifeline::net
