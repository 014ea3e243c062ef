// The improvement loop: destroy q requests with an adaptively chosen removal operator,
// rebuild with an adaptively chosen regret insertion, accept by simulated annealing whose
// temperature falls geometrically over the budget (time or iterations).
#include "alns.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace lifeline::match::detail {
namespace {

// The search's settings: the same for every instance (no per-instance tuning). Chosen on
// the a-instances by averaging three seeds; see docs/matching.md.
constexpr double removal_fraction = 0.3;     // q is uniform in [2, 0.3 n]
constexpr double start_worse = 0.05;         // start temperature: accept 5 % worse w.p. 1/2
constexpr double final_ratio = 0.002;        // final temperature relative to the start
constexpr double polish_within = 0.05;       // descend on candidates within 5 % of the best
constexpr std::int64_t restart_after = 200;  // iterations without a new best before restart
constexpr std::int64_t cooling_factor = 2;   // converging: cool over 2 × the idle limit

using Clock = std::chrono::steady_clock;

constexpr int destroy_count = 4;
constexpr int repair_count = 6;  // regret 1, 2, 3, each plain and noisy

void destroy(Context& ctx, Plan& plan, int op, int q) {
    switch (op) {
        case 0:
            remove_random(ctx, plan, q);
            break;
        case 1:
            remove_worst(ctx, plan, q);
            break;
        case 2:
            remove_related(ctx, plan, q);
            break;
        default:
            remove_route(ctx, plan, q);
            break;
    }
}

void repair(Context& ctx, Plan& plan, int op) {
    insert_regret(ctx, plan, op / 2 + 1, op % 2 == 1);
}

template <std::size_t N>
int roulette(Rng& rng, const std::array<double, N>& weights) {
    double total = 0;
    for (double w : weights)
        total += w;
    double x = rng.uniform() * total;
    for (std::size_t k = 0; k < N; ++k) {
        x -= weights[k];
        if (x < 0)
            return static_cast<int>(k);
    }
    return static_cast<int>(N - 1);
}

Distance largest_leg(const Nodes& nodes) {
    // The noise scale: the longest distance from a vehicle start to any stop, doubled
    // (cheap, and within a factor of two of the true diameter).
    Distance longest = 0;
    for (VehicleIndex v = 0; v < std::min(nodes.vehicles(), 4); ++v)
        for (int node = 0; node < nodes.size(); ++node)
            longest = std::max(longest, nodes.distance(nodes.start(v), node));
    return 2 * longest;
}

// How far the annealing has cooled, in [0, 1]: over the iteration budget when one is set;
// when stopping on convergence, over twice the idle limit or the time, whichever runs out
// first; else over the time budget.
double search_progress(const SearchLimits& limits, std::int64_t iter, Clock::time_point now,
                       double budget_seconds) {
    if (limits.max_iterations > 0)
        return static_cast<double>(iter) / static_cast<double>(limits.max_iterations);
    const double by_time =
        budget_seconds > 0
            ? std::chrono::duration<double>(now - limits.start).count() / budget_seconds
            : 1.0;
    if (limits.idle_limit > 0)
        return std::max(by_time, static_cast<double>(iter) /
                                     static_cast<double>(cooling_factor * limits.idle_limit));
    return by_time;
}

}  // namespace

Plan empty_plan(const Nodes& nodes, const std::vector<RequestIndex>& servable, Scratch& scratch) {
    Plan plan;
    plan.routes.resize(static_cast<std::size_t>(nodes.vehicles()));
    for (VehicleIndex v = 0; v < nodes.vehicles(); ++v) {
        RouteState& route = plan.routes[static_cast<std::size_t>(v)];
        route.vehicle = v;
        route.nodes = {nodes.start(v), nodes.end(v)};
        refresh(nodes, route, scratch);
    }
    plan.route_of.assign(static_cast<std::size_t>(nodes.requests()), -1);
    plan.pool = servable;
    recompute_distance(plan);
    return plan;
}

SearchResult search(const Nodes& nodes, const std::vector<RequestIndex>& servable,
                    const SearchLimits& limits, std::uint64_t seed) {
    Context ctx{nodes, Scratch{}, Rng(seed), 0};
    ctx.longest_leg = largest_leg(nodes);
    ctx.noise_amplitude = static_cast<Distance>(0.025 * static_cast<double>(ctx.longest_leg));
    Time first = std::numeric_limits<Time>::max(), last = std::numeric_limits<Time>::min();
    for (int node = 0; node < nodes.size(); ++node) {
        first = std::min(first, nodes.earliest(node));
        last = std::max(last, nodes.latest(node));
    }
    ctx.horizon = nodes.size() > 0 ? last - first : 1;
    Plan current = empty_plan(nodes, servable, ctx.scratch);
    insert_regret(ctx, current, 2, false);
    SearchResult result{current, 0};
    const double penalty = 1e3 * static_cast<double>(std::max<Distance>(largest_leg(nodes), 1));

    const int n = static_cast<int>(servable.size());
    if (n == 0)
        return result;
    const int q_min = std::min(n, 2);
    const int q_max =
        std::max(q_min, std::min(n, std::max(4, static_cast<int>(removal_fraction * n))));

    const double start_temperature =
        std::max(1.0, start_worse * static_cast<double>(current.distance) / std::log(2.0));

    std::array<double, destroy_count> destroy_weight;
    std::array<double, repair_count> repair_weight;
    destroy_weight.fill(1.0);
    repair_weight.fill(1.0);
    std::array<double, destroy_count> destroy_score{}, destroy_uses{};
    std::array<double, repair_count> repair_score{}, repair_uses{};
    constexpr int segment = 100;
    constexpr double reaction = 0.1;

    const double budget_seconds =
        std::chrono::duration<double>(limits.deadline - limits.start).count();
    std::int64_t last_best = 0;         // restarts reset it
    std::int64_t last_improvement = 0;  // the convergence rule's: only a new best resets it
    for (std::int64_t iter = 0;; ++iter) {
        if (limits.max_iterations > 0 && iter >= limits.max_iterations)
            break;
        const auto now = Clock::now();
        if (now >= limits.deadline)
            break;
        if (limits.idle_limit > 0 && iter - last_improvement >= limits.idle_limit) {
            result.converged = true;
            break;
        }
        const double progress = search_progress(limits, iter, now, budget_seconds);
        const double temperature =
            start_temperature * std::pow(final_ratio, std::min(1.0, progress));

        const int d = roulette(ctx.rng, destroy_weight);
        const int r = roulette(ctx.rng, repair_weight);
        const int q = ctx.rng.between(q_min, q_max);
        Plan candidate = current;
        destroy(ctx, candidate, d, q);
        repair(ctx, candidate, r);

        // Polish promising candidates only: the descent costs about one iteration.
        if (candidate.pool.size() <= result.best.pool.size() &&
            static_cast<double>(candidate.distance) <
                (1 + polish_within) * static_cast<double>(result.best.distance)) {
            descend(ctx, candidate);
        }

        // Long without a new best: continue from the best plan rather than drift.
        if (iter - last_best > restart_after) {
            current = result.best;
            last_best = iter;
        }

        double score = 0;
        const double delta = candidate.cost(penalty) - current.cost(penalty);
        if (candidate.better_than(result.best)) {
            result.best = candidate;
            current = std::move(candidate);
            last_best = iter;
            last_improvement = iter;
            score = 33;
        } else if (delta < 0) {
            current = std::move(candidate);
            score = 9;
        } else if (ctx.rng.uniform() < std::exp(-delta / temperature)) {
            current = std::move(candidate);
            score = 13;
        }
        destroy_score[static_cast<std::size_t>(d)] += score;
        destroy_uses[static_cast<std::size_t>(d)] += 1;
        repair_score[static_cast<std::size_t>(r)] += score;
        repair_uses[static_cast<std::size_t>(r)] += 1;
        result.iterations = iter + 1;
        if ((iter + 1) % segment == 0) {
            for (std::size_t k = 0; k < destroy_count; ++k) {
                if (destroy_uses[k] > 0)
                    destroy_weight[k] = (1 - reaction) * destroy_weight[k] +
                                        reaction * destroy_score[k] / destroy_uses[k];
                destroy_weight[k] = std::max(destroy_weight[k], 0.05);
            }
            for (std::size_t k = 0; k < repair_count; ++k) {
                if (repair_uses[k] > 0)
                    repair_weight[k] = (1 - reaction) * repair_weight[k] +
                                       reaction * repair_score[k] / repair_uses[k];
                repair_weight[k] = std::max(repair_weight[k], 0.05);
            }
            destroy_score.fill(0);
            destroy_uses.fill(0);
            repair_score.fill(0);
            repair_uses.fill(0);
        }
    }
    return result;
}

}  // namespace lifeline::match::detail
