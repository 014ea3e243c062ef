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
constexpr double removal_fraction = 0.3;  // q is uniform in [2, min(0.3 n, 60)]
// Large instances: an iteration that removes and reinserts hundreds of requests costs as
// much as hundreds of small ones and rarely improves more (Ropke & Pisinger cap q too).
constexpr int max_removed = 60;
constexpr int full_descent_limit = 200;      // larger instances polish only what changed
constexpr double start_worse = 0.05;         // start temperature: accept 5 % worse w.p. 1/2
constexpr double final_ratio = 0.002;        // final temperature relative to the start
constexpr double polish_within = 0.05;       // descend on candidates within 5 % of the best
constexpr std::int64_t restart_after = 200;  // iterations without a new best before restart
constexpr std::int64_t cooling_factor = 2;   // converging: cool over 2 × the idle limit
constexpr double elimination_share = 0.5;    // fewest vehicles: closing them, at most half
constexpr int segment = 100;                 // iterations between operator weight updates
constexpr double reaction = 0.1;             // how fast the weights follow the scores

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

namespace {

// One search: the adaptive operator choice, the annealing and the current plan, with the
// phases that use them.
class Search {
  public:
    Search(const Nodes& nodes, const std::vector<RequestIndex>& servable,
           const SearchLimits& limits, std::uint64_t seed)
        : ctx_{nodes, Scratch{}, Rng(seed), 0}, limits_(limits), servable_(servable) {
        ctx_.longest_leg = largest_leg(nodes);
        ctx_.noise_amplitude = static_cast<Distance>(0.025 * static_cast<double>(ctx_.longest_leg));
        Time first = std::numeric_limits<Time>::max(), last = std::numeric_limits<Time>::min();
        for (int node = 0; node < nodes.size(); ++node) {
            first = std::min(first, nodes.earliest(node));
            last = std::max(last, nodes.latest(node));
        }
        ctx_.horizon = nodes.size() > 0 ? last - first : 1;
        penalty_ = 1e3 * static_cast<double>(std::max<Distance>(ctx_.longest_leg, 1));
        budget_seconds_ = std::chrono::duration<double>(limits.deadline - limits.start).count();
        destroy_weight_.fill(1.0);
        repair_weight_.fill(1.0);
    }

    SearchResult run() {
        current_ = empty_plan(ctx_.nodes, servable_, ctx_.scratch);
        insert_regret(ctx_, current_, 2, false);
        SearchResult result{current_, 0};
        const int n = static_cast<int>(servable_.size());
        if (n == 0)
            return result;
        q_min_ = std::min(n, 2);
        q_max_ = std::max(q_min_, std::min({n, max_removed,
                                            std::max(4, static_cast<int>(removal_fraction * n))}));
        start_temperature_ =
            std::max(1.0, start_worse * static_cast<double>(current_.distance) / std::log(2.0));
        if (limits_.objective == Objective::vehicles)
            result.best = eliminate_vehicles(result.best);
        improve(result, limits_.objective == Objective::vehicles);
        result.iterations = iter_;
        return result;
    }

  private:
    bool out_of_budget(Clock::time_point now) const {
        return (limits_.max_iterations > 0 && iter_ >= limits_.max_iterations) ||
               now >= limits_.deadline;
    }

    double temperature(Clock::time_point now) const {
        return start_temperature_ *
               std::pow(final_ratio,
                        std::min(1.0, search_progress(limits_, iter_, now, budget_seconds_)));
    }

    // Destroy and repair `current_` into a candidate, polished when it is promising next
    // to `reference` (the best plan of the phase).
    Plan candidate(const Plan& reference, int d, int r) {
        const int q = ctx_.rng.between(q_min_, q_max_);
        Plan next = current_;
        destroy(ctx_, next, d, q);
        repair(ctx_, next, r);
        // Polish promising candidates only: the descent costs about one iteration.
        if (next.pool.size() <= reference.pool.size() &&
            static_cast<double>(next.distance) <
                (1 + polish_within) * static_cast<double>(reference.distance)) {
            descend(ctx_, next, focus_of(next));
        }
        return next;
    }

    // The descent's focus: every route on instances up to full_descent_limit requests; on
    // larger ones the routes this iteration changed (and those its moves change), so that
    // polishing a candidate costs about as much as making it.
    Focus focus_of(const Plan& next) const {
        if (static_cast<int>(servable_.size()) <= full_descent_limit)
            return {};
        Focus focus(next.routes.size(), 0);
        for (std::size_t v = 0; v < next.routes.size(); ++v)
            focus[v] = next.routes[v].hash != current_.routes[v].hash ? 1 : 0;
        return focus;
    }

    // One iteration against the phase's best plan `best`; true if it found a new best.
    bool step(Plan& best, bool by_vehicles, double temperature) {
        const int d = roulette(ctx_.rng, destroy_weight_);
        const int r = roulette(ctx_.rng, repair_weight_);
        Plan next = candidate(best, d, r);
        // Long without a new best: continue from the best plan rather than drift.
        if (iter_ - last_best_ > restart_after) {
            current_ = best;
            last_best_ = iter_;
        }
        double score = 0;
        bool improved = false;
        const double delta = next.cost(penalty_) - current_.cost(penalty_);
        if (next.better_than(best, by_vehicles)) {
            best = next;
            current_ = std::move(next);
            last_best_ = iter_;
            score = 33;
            improved = true;
        } else if (delta < 0) {
            current_ = std::move(next);
            score = 9;
        } else if (ctx_.rng.uniform() < std::exp(-delta / temperature)) {
            current_ = std::move(next);
            score = 13;
        }
        learn(d, r, score);
        ++iter_;
        return improved;
    }

    void learn(int d, int r, double score) {
        destroy_score_[static_cast<std::size_t>(d)] += score;
        destroy_uses_[static_cast<std::size_t>(d)] += 1;
        repair_score_[static_cast<std::size_t>(r)] += score;
        repair_uses_[static_cast<std::size_t>(r)] += 1;
        if ((iter_ + 1) % segment != 0)
            return;
        adapt(destroy_weight_, destroy_score_, destroy_uses_);
        adapt(repair_weight_, repair_score_, repair_uses_);
    }

    template <std::size_t N>
    static void adapt(std::array<double, N>& weight, std::array<double, N>& score,
                      std::array<double, N>& uses) {
        for (std::size_t k = 0; k < N; ++k) {
            if (uses[k] > 0)
                weight[k] = (1 - reaction) * weight[k] + reaction * score[k] / uses[k];
            weight[k] = std::max(weight[k], 0.05);
        }
        score.fill(0);
        uses.fill(0);
    }

    // The main phase: improve result.best until the budget ends or the search converges.
    void improve(SearchResult& result, bool by_vehicles) {
        current_ = result.best;
        last_best_ = iter_;
        std::int64_t last_improvement = iter_;
        for (;;) {
            const auto now = Clock::now();
            if (out_of_budget(now))
                break;
            if (limits_.idle_limit > 0 && iter_ - last_improvement >= limits_.idle_limit) {
                result.converged = true;
                break;
            }
            if (step(result.best, by_vehicles, temperature(now)))
                last_improvement = iter_ - 1;
        }
    }

    // Fewest vehicles: close every unused vehicle, then again and again close the used
    // one with the fewest requests and search for a plan that serves its requests with
    // the others. Stops at the first vehicle that cannot be done without (within the
    // window, or half the budget), keeping the last plan that served everyone.
    Plan eliminate_vehicles(Plan best) {
        close_unused(best);
        const auto phase_end =
            limits_.start + (limits_.deadline - limits_.start) * elimination_share;
        const std::int64_t window =
            limits_.idle_limit > 0 ? limits_.idle_limit : elimination_window(best);
        while (best.pool.empty() && best.vehicles_used() > 1) {
            Plan trial = best;
            close_route(trial, smallest_route(trial));
            Plan attempt = trial;
            current_ = trial;
            last_best_ = iter_;
            std::int64_t last_improvement = iter_;
            for (;;) {
                const auto now = Clock::now();
                if (attempt.pool.empty() || out_of_budget(now) || now >= phase_end ||
                    iter_ - last_improvement >= window)
                    break;
                if (step(attempt, false, temperature(now)))
                    last_improvement = iter_ - 1;
            }
            if (!attempt.pool.empty())
                break;
            best = std::move(attempt);
            close_unused(best);
        }
        return best;
    }

    std::int64_t elimination_window(const Plan& plan) const {
        return std::max<std::int64_t>(1000, 40 * static_cast<std::int64_t>(plan.route_of.size()));
    }

    static void close_unused(Plan& plan) {
        plan.closed.resize(plan.routes.size(), 0);
        for (std::size_t v = 0; v < plan.routes.size(); ++v)
            if (plan.routes[v].size() <= 2 && plan.routes[v].locked == 0)
                plan.closed[v] = 1;
    }

    // The used, unstarted route with the fewest requests (the lowest index on ties).
    static VehicleIndex smallest_route(const Plan& plan) {
        VehicleIndex chosen = -1;
        for (std::size_t v = 0; v < plan.routes.size(); ++v) {
            const RouteState& route = plan.routes[v];
            if (route.size() <= 2 || route.locked > 0)
                continue;
            if (chosen < 0 || route.size() < plan.routes[static_cast<std::size_t>(chosen)].size())
                chosen = static_cast<VehicleIndex>(v);
        }
        return chosen;
    }

    void close_route(Plan& plan, VehicleIndex v) {
        if (v < 0)
            return;
        RouteState& route = plan.routes[static_cast<std::size_t>(v)];
        for (int node : route.nodes)
            if (ctx_.nodes.is_pickup(node)) {
                const RequestIndex r = Nodes::request_of(node);
                plan.route_of[static_cast<std::size_t>(r)] = -1;
                plan.pool.push_back(r);
            }
        route.nodes = {route.nodes.front(), route.nodes.back()};
        refresh(ctx_.nodes, route, ctx_.scratch);
        plan.closed[static_cast<std::size_t>(v)] = 1;
        recompute_distance(plan);
    }

    Context ctx_;
    const SearchLimits& limits_;
    const std::vector<RequestIndex>& servable_;
    Plan current_;
    double penalty_ = 1;
    double budget_seconds_ = 0;
    double start_temperature_ = 1;
    int q_min_ = 0, q_max_ = 0;
    std::int64_t iter_ = 0;
    std::int64_t last_best_ = 0;  // restarts reset it
    std::array<double, destroy_count> destroy_weight_{}, destroy_score_{}, destroy_uses_{};
    std::array<double, repair_count> repair_weight_{}, repair_score_{}, repair_uses_{};
};

}  // namespace

SearchResult search(const Nodes& nodes, const std::vector<RequestIndex>& servable,
                    const SearchLimits& limits, std::uint64_t seed) {
    return Search(nodes, servable, limits, seed).run();
}

}  // namespace lifeline::match::detail
