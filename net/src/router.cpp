#include "lifeline/net/router.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <memory>
#include <set>
#include <stdexcept>

#include "lifeline/net/problem.h"

namespace lifeline::net {
namespace {

// "/api/v1/trips" → {"api", "v1", "trips"}; "/" → {}; "/a/" → {"a", ""}.
std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> out;
    if (!path.empty() && path.front() == '/')
        path.remove_prefix(1);
    if (path.empty())
        return out;
    for (;;) {
        const auto slash = path.find('/');
        out.emplace_back(path.substr(0, slash));
        if (slash == std::string_view::npos)
            break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

bool is_placeholder(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Segments of the request path, percent-decoded one by one (so "%2F" inside an id
// does not split it); falls back to the decoded path if the target does not parse.
std::vector<std::string> request_segments(const Request& request) {
    if (!request.target.empty()) {
        auto parsed = boost::urls::parse_origin_form(request.target);
        if (parsed) {
            std::vector<std::string> out;
            for (auto segment : parsed->segments())
                out.push_back(std::move(segment));
            return out;
        }
    }
    return split_path(request.path);
}

// The request's segments: those the server split, else split here into `own`.
const std::vector<std::string>& segments_of(const Request& request, std::vector<std::string>& own) {
    if (!request.segments.empty())
        return request.segments;
    own = request_segments(request);
    return own;
}

// Literal segments beat placeholders, from the left: "/trips/active" wins over
// "/trips/{id}" for "/trips/active".
bool more_specific(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
        const bool la = !is_placeholder(a[i]);
        const bool lb = !is_placeholder(b[i]);
        if (la != lb)
            return la;
    }
    return false;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler, Pace pace) {
    if (method.empty())
        throw std::invalid_argument("route method is empty");
    if (pattern.empty() || pattern.front() != '/')
        throw std::invalid_argument("route pattern must start with '/': " + pattern);
    if (!handler)
        throw std::invalid_argument("route handler is empty: " + pattern);
    auto segments = split_path(pattern);
    for (const auto& s : segments) {
        const bool braces = s.find_first_of("{}") != std::string::npos;
        if (braces && !is_placeholder(s))
            throw std::invalid_argument("malformed placeholder in route pattern: " + pattern);
    }
    // "/a/{id}" and "/a/{other}" are the same route: placeholders compare equal.
    const auto same_shape = [](const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
        if (a.size() != b.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (is_placeholder(a[i]) != is_placeholder(b[i]))
                return false;
            if (!is_placeholder(a[i]) && a[i] != b[i])
                return false;
        }
        return true;
    };
    for (const auto& r : routes_) {
        if (r.method == method && same_shape(r.segments, segments))
            throw std::invalid_argument("duplicate route: " + method + " " + pattern);
    }
    routes_.push_back(
        {std::move(method), std::move(pattern), std::move(segments), std::move(handler), pace});
}

const Router::Route* Router::exact_route(const Request& request) const {
    std::vector<std::string> own;
    const auto& segments = segments_of(request, own);
    const Route* best = nullptr;
    for (const auto& r : routes_) {
        if (r.method != request.method || r.segments.size() != segments.size())
            continue;
        bool match = true;
        for (std::size_t i = 0; i < segments.size() && match; ++i)
            match =
                is_placeholder(r.segments[i]) ? !segments[i].empty() : r.segments[i] == segments[i];
        if (match && (!best || more_specific(r.segments, best->segments)))
            best = &r;
    }
    return best;
}

bool Router::quick(const Request& request) const {
    const Route* route = exact_route(request);
    return route && route->pace == Pace::quick;
}

Language Router::language(const Request& request) const {
    return language_of(request, default_language_ ? default_language_() : Language::zh_CN);
}

// The organisation's language is a read of the settings: asked for only when a problem is
// answered, not for every request.
Response Router::guarded(const Handler& handler, Request& request) const {
    try {
        return handler(request);
    } catch (...) {
        const std::exception_ptr error = std::current_exception();
        return invoke_handler([error](Request&) -> Response { std::rethrow_exception(error); },
                              request, language(request));
    }
}

namespace {

// Thrown inside a write job whose handler answered without applying anything (not 2xx):
// the job rolls back, and the answer it got is given as it is.
struct NotApplied {};

// A request answered after its commit: kept alive from the I/O thread to the writer's
// completion.
struct LaterAnswer {
    Request request;
    Response response;
    Respond respond;
};

bool applied(const Response& res) {
    return res.status >= 200 && res.status < 300;
}

}  // namespace

bool Router::answer_after_commit(Request& request, const Respond& respond) const {
    if (!write_queue_)
        return false;
    const Route* route = exact_route(request);
    if (!route || route->pace != Pace::write)
        return false;
    auto later = std::make_shared<LaterAnswer>(LaterAnswer{std::move(request), {}, respond});
    later->request.may_write_later = true;
    // Here, up to the write: the token, an Idempotency-Key's replay, refusals made before
    // anything is written.
    later->response = (*this)(later->request);
    if (!later->response.write_later) {
        later->respond(std::move(later->response), later->request.route);
        return true;
    }
    // Gives the write's answer, or the problem of what failed (the COMMIT, the queue).
    auto settle = [this, later](std::exception_ptr error) {
        if (error) {
            try {
                std::rethrow_exception(error);
            } catch (const NotApplied&) {
                // later->response is the write's own refusal.
            } catch (...) {
                later->response =
                    invoke_handler([error](Request&) -> Response { std::rethrow_exception(error); },
                                   later->request, language(later->request));
            }
        }
        later->respond(std::move(later->response), later->request.route);
    };
    try {
        write_queue_(
            [this, later] {
                const auto write = std::move(later->response.write_later);
                later->response = guarded([&write](Request&) { return write(); }, later->request);
                if (!applied(later->response))
                    throw NotApplied{};
            },
            settle);
    } catch (...) {
        settle(std::current_exception());
    }
    return true;
}

Response Router::operator()(Request& request) const {
    std::vector<std::string> own;
    const auto& segments = segments_of(request, own);
    const Route* best = nullptr;
    const Route* get_fallback = nullptr;
    std::set<std::string> allowed;

    const auto matches = [&](const Route& r) {
        if (r.segments.size() != segments.size())
            return false;
        for (std::size_t i = 0; i < segments.size(); ++i) {
            if (is_placeholder(r.segments[i])) {
                if (segments[i].empty())
                    return false;
            } else if (r.segments[i] != segments[i]) {
                return false;
            }
        }
        return true;
    };
    const auto pick = [](const Route*& slot, const Route& r) {
        if (!slot || more_specific(r.segments, slot->segments))
            slot = &r;
    };

    for (const auto& r : routes_) {
        if (!matches(r))
            continue;
        allowed.insert(r.method);
        if (r.method == request.method)
            pick(best, r);
        if (request.method == "HEAD" && r.method == "GET")
            pick(get_fallback, r);
    }
    if (!best)
        best = get_fallback;

    if (!best) {
        const Language language = this->language(request);
        request.route = unmatched_route;
        if (allowed.empty())
            return problem_response(404, msg("problem.unknown_resource", {{"path", request.path}}),
                                    {}, language);
        if (allowed.count("GET"))
            allowed.insert("HEAD");
        std::string allow;
        for (const auto& m : allowed) {
            if (!allow.empty())
                allow += ", ";
            allow += m;
        }
        Response res = problem_response(
            405,
            msg("problem.method_not_allowed", {{"method", request.method}, {"path", request.path}}),
            {}, language);
        res.set_header("Allow", allow);
        return res;
    }

    request.route = best->pattern;
    request.params.clear();
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const auto& s = best->segments[i];
        if (is_placeholder(s))
            request.params.emplace_back(s.substr(1, s.size() - 2), segments[i]);
    }
    return guarded(best->handler, request);
}

std::vector<std::string> Router::patterns() const {
    std::vector<std::string> out;
    for (const auto& r : routes_) {
        if (std::find(out.begin(), out.end(), r.pattern) == out.end())
            out.push_back(r.pattern);
    }
    return out;
}

}  // namespace lifeline::net
