#pragma once
// Maps (method, path) to a Handler. Patterns are literal segments and "{name}"
// placeholders: "/api/v1/trips/{id}/events". A placeholder matches exactly one
// non-empty, percent-decoded segment.

#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "lifeline/core/messages.h"

#include "lifeline/net/http.h"

namespace lifeline::net {

// How long a handler may take. A `quick` one answers from memory or with a few point reads
// and never waits for a write, a lock held by a writer, or a long computation: the server
// may run it on the I/O thread that read the request, without handing it to the worker
// pool and back (ServerOptions::answer_on_io_thread). A `write` one is a short write and
// nothing slow (no password hash, no day plan's search) wrapped by idempotent(): its checks
// run on the I/O thread and its write as one job of the database writer's group commit,
// answered from that commit (answer_after_commit), with no thread waiting for it.
enum class Pace { may_wait, quick, write };

// Queues `job` as one write job on the database and returns at once; `done` is called
// once the job is settled: with no error after the COMMIT holding it returned, else with
// what the job threw or what failed the COMMIT. Throws if nothing can be queued.
using WriteQueue =
    std::function<void(std::function<void()> job, std::function<void(std::exception_ptr)> done)>;

class Router {
  public:
    // Registers `handler` for `method` ("GET", "POST", …) on `pattern`. Throws
    // std::invalid_argument for a malformed pattern or a duplicate (method, pattern).
    void add(std::string method, std::string pattern, Handler handler, Pace pace = Pace::may_wait);

    // True if the route `request` would be dispatched to (same method, not HEAD) is quick.
    bool quick(const Request& request) const;

    // Where Pace::write routes run (the database's writer); unset, they run as may_wait.
    void set_write_queue(WriteQueue queue) { write_queue_ = std::move(queue); }

    // If `request` goes to a Pace::write route, takes it (moved from) and returns true. Its
    // handler runs here with Request::may_write_later: what it answers without a write
    // (a refusal, an Idempotency-Key's replay) goes to `respond` at once; the write it
    // leaves (Response::write_later) runs as one job on the write queue, and its answer
    // goes to `respond` once the job is settled, from the thread the queue settles it on
    // (lifeline serve: an I/O thread the database hands the batch to). A 2xx answer is
    // given only after the COMMIT holding the job returned; an answer that is not 2xx
    // rolls the job back (nothing it wrote is kept) and is given as it is; a failed COMMIT
    // is answered with its problem. Otherwise returns false and leaves `request` alone.
    // A Pace::write route's handler is one that idempotent() (net/src/api_common.h) wraps.
    bool answer_after_commit(Request& request, const Respond& respond) const;

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
    struct Route;
    // The route of `request`'s own method (HEAD does not fall back to GET here), if any.
    const Route* exact_route(const Request& request) const;
    Language language(const Request& request) const;
    // invoke_handler, but the language of a problem is looked up only for a problem.
    Response guarded(const Handler& handler, Request& request) const;

    struct Route {
        std::string method;
        std::string pattern;
        std::vector<std::string> segments;  // "{name}" kept as is
        Handler handler;
        Pace pace = Pace::may_wait;
    };
    std::vector<Route> routes_;
    std::function<Language()> default_language_;
    WriteQueue write_queue_;
};

// Route label used in metrics and Request::route when no route matched.
inline constexpr const char* unmatched_route = "unmatched";

}  // namespace lifeline::net
