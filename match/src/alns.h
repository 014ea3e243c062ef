#pragma once
// Internal: one adaptive large neighbourhood search run.

#include <chrono>
#include <cstdint>
#include <vector>

#include "lifeline/match/solve.h"
#include "plan.h"

namespace lifeline::match::detail {

struct SearchLimits {
    std::chrono::steady_clock::time_point start;
    std::chrono::steady_clock::time_point deadline;
    std::int64_t max_iterations = 0;  // 0: until the deadline
    // Converged: stop after this many iterations without a new best plan; 0: never. When
    // set, the annealing cools over twice this many iterations (or the time, if sooner).
    std::int64_t idle_limit = 0;
    Objective objective = Objective::distance;
};

struct SearchResult {
    Plan best;
    std::int64_t iterations = 0;
    bool converged = false;  // stopped by idle_limit, not by the deadline or max_iterations
};

// An empty plan: one route per vehicle, `servable` in the pool.
Plan empty_plan(const Nodes& nodes, const std::vector<RequestIndex>& servable, Scratch& scratch);

SearchResult search(const Nodes& nodes, const std::vector<RequestIndex>& servable,
                    const SearchLimits& limits, std::uint64_t seed);

}  // namespace lifeline::match::detail
