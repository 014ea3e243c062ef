#pragma once
// solve(): plan a day. Construction by regret insertion, then adaptive large neighbourhood
// search (several removal and regret-insertion operators, chosen by learned weights) with
// simulated-annealing acceptance. Objective: serve as many requests as possible, then the
// least total distance, or the fewest vehicles and then the least distance. See
// docs/matching.md.

#include <cstdint>

#include "lifeline/match/problem.h"

namespace lifeline::match {

// What a plan minimises once it serves as many requests as it can: the total distance, or
// first the number of vehicles used (volunteer drivers are the scarce resource), then the
// distance.
enum class Objective { distance, vehicles };

struct SolveOptions {
    std::int64_t time_limit_ms = 1000;  // wall-clock budget of the search
    // Iteration budget per search; 0 = unbounded (stop on time). With a positive budget and a
    // time limit that does not bind, the result depends only on the seed and thread count.
    std::int64_t max_iterations = 0;
    std::uint64_t seed = 1;
    int threads = 1;  // independent searches with derived seeds; the best is kept
    // Stop each search once it has converged: no better plan for convergence_window(n)
    // iterations, n the number of requests. time_limit_ms (and max_iterations) stay caps.
    bool until_converged = false;
    Objective objective = Objective::distance;

    bool is_valid() const { return time_limit_ms >= 0 && max_iterations >= 0 && threads >= 1; }
};

struct SolveStats {
    std::int64_t iterations = 0;  // summed over threads
    double seconds = 0.0;
    int best_thread = 0;
    bool converged = false;  // every search stopped on convergence, none on a cap
};

// The convergence rule: iterations without a better plan after which a search of
// `requests` requests has converged. It grows with the instance, because each iteration
// changes at most 30 % of the requests.
std::int64_t convergence_window(std::int64_t requests);

// Throws match::Error, listing every fault, if the problem or the options are invalid.
Solution solve(const Problem& problem, const SolveOptions& options, SolveStats* stats = nullptr);

}  // namespace lifeline::match
