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

class Router {
  public:
    // Registers `handler` for `method` ("GET", "POST", …) on `pattern`. Throws
    // std::invalid_argument for a malformed pattern or a duplicate (method, pattern).
    void add(std::string method, std::string pattern, Handler handler);

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
    };
    std::vector<Route> routes_;
    std::function<Language()> default_language_;
};

// Route label used in metrics and Request::route when no route matched.
inline constexpr const char* unmatched_route = "unmatched";

}  // namespace lifeline::net
