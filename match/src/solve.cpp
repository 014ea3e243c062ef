#include "lifeline/match/solve.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "alns.h"
#include "convert.h"
#include "lifeline/match/error.h"

namespace lifeline::match {
namespace {

// Node matrices up to this many nodes (about 23 MB); beyond, the TravelModel is called.
constexpr std::size_t dense_limit = 1200;

// The convergence rule's window (see convergence_window), chosen on the a-instances, the Li &
// Lim 100-task set and the demo year's days: see docs/matching.md.
constexpr std::int64_t min_window = 1000;
constexpr std::int64_t window_per_request = 40;

void require_valid(const Problem& problem, const SolveOptions& options) {
    std::vector<std::string> reasons = validate(problem);
    if (!options.is_valid())
        reasons.push_back("options: negative limit or no thread");
    if (!reasons.empty())
        throw Error("invalid matching problem", std::move(reasons));
}

std::uint64_t thread_seed(std::uint64_t seed, int thread) {
    return seed * 0x9e3779b97f4a7c15ULL +
           static_cast<std::uint64_t>(thread) * 0xd1b54a32d192ed03ULL;
}

}  // namespace

std::int64_t convergence_window(std::int64_t requests) {
    return std::max<std::int64_t>(min_window, window_per_request * requests);
}

Solution solve(const Problem& problem, const SolveOptions& options, SolveStats* stats) {
    require_valid(problem, options);
    const auto start = std::chrono::steady_clock::now();
    const detail::Nodes nodes(problem, dense_limit);

    Solution solution;
    std::vector<RequestIndex> servable;
    for (RequestIndex r = 0; r < static_cast<RequestIndex>(problem.requests.size()); ++r) {
        const UnservedReason reason = diagnose(problem, r);
        if (reason == UnservedReason::fleet_full)
            servable.push_back(r);
        else
            solution.unserved.push_back({r, reason});
    }

    detail::SearchLimits limits{start, start + std::chrono::milliseconds(options.time_limit_ms),
                                options.max_iterations};
    if (options.until_converged)
        limits.idle_limit = convergence_window(static_cast<std::int64_t>(servable.size()));
    limits.objective = options.objective;
    std::vector<detail::SearchResult> results(static_cast<std::size_t>(options.threads));
    auto run = [&](int t) {
        results[static_cast<std::size_t>(t)] =
            detail::search(nodes, servable, limits, thread_seed(options.seed, t));
    };
    if (options.threads == 1) {
        run(0);
    } else {
        std::vector<std::thread> workers;
        for (int t = 0; t < options.threads; ++t)
            workers.emplace_back(run, t);
        for (auto& w : workers)
            w.join();
    }
    int best = 0;
    for (int t = 1; t < options.threads; ++t)
        if (results[static_cast<std::size_t>(t)].best.better_than(
                results[static_cast<std::size_t>(best)].best,
                options.objective == Objective::vehicles))
            best = t;

    const detail::Plan& plan = results[static_cast<std::size_t>(best)].best;
    for (const auto& state : plan.routes)
        solution.routes.push_back(detail::to_route(nodes, state));
    for (RequestIndex r : plan.pool)
        solution.unserved.push_back({r, UnservedReason::fleet_full});
    std::sort(solution.unserved.begin(), solution.unserved.end(),
              [](const Unserved& a, const Unserved& b) { return a.request < b.request; });
    if (stats) {
        stats->iterations = 0;
        for (const auto& r : results)
            stats->iterations += r.iterations;
        stats->seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        stats->best_thread = best;
        stats->converged = std::all_of(results.begin(), results.end(),
                                       [](const detail::SearchResult& r) { return r.converged; });
    }
    return solution;
}

}  // namespace lifeline::match
