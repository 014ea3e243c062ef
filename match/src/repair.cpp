// Repair operator of the ALNS: regret-k insertion (Ropke & Pisinger 2006). k = 1 is plain
// greedy; larger k first places the requests that lose most by waiting. Requests with
// fewer than k feasible routes go first. Noise, when asked, perturbs insertion costs to
// diversify.
#include <algorithm>
#include <limits>

#include "plan.h"

namespace lifeline::match::detail {

void insert_regret(Context& ctx, Plan& plan, int k, bool noise) {
    const int vehicles = static_cast<int>(plan.routes.size());
    std::vector<RequestIndex> pool = std::move(plan.pool);
    plan.pool.clear();
    std::sort(pool.begin(), pool.end());  // insertion order must not depend on removal order
    const int n = static_cast<int>(pool.size());
    constexpr double infinite = std::numeric_limits<double>::infinity();
    std::vector<Placement> table(static_cast<std::size_t>(n * vehicles));
    std::vector<double> cost(static_cast<std::size_t>(n * vehicles), infinite);
    auto evaluate = [&](int idx, VehicleIndex v) {
        const auto cell = static_cast<std::size_t>(idx * vehicles + v);
        if (plan.is_closed(v))
            return;  // cost stays infinite
        const Placement pl = ctx.cache.get(ctx.nodes, plan.routes[static_cast<std::size_t>(v)],
                                           pool[static_cast<std::size_t>(idx)], ctx.scratch);
        table[cell] = pl;
        if (!pl.found()) {
            cost[cell] = infinite;
            return;
        }
        double c = static_cast<double>(pl.delta);
        if (noise && ctx.noise_amplitude > 0)
            c = std::max(0.0, c + (2.0 * ctx.rng.uniform() - 1.0) *
                                      static_cast<double>(ctx.noise_amplitude));
        cost[cell] = c;
    };
    for (int idx = 0; idx < n; ++idx)
        for (VehicleIndex v = 0; v < vehicles; ++v)
            evaluate(idx, v);

    std::vector<char> active(static_cast<std::size_t>(n), 1);
    std::vector<double> sorted;
    for (;;) {
        int chosen = -1;
        VehicleIndex chosen_route = -1;
        int chosen_level = -1;
        double chosen_regret = 0, chosen_cost = 0;
        for (int idx = 0; idx < n; ++idx) {
            if (!active[static_cast<std::size_t>(idx)])
                continue;
            sorted.clear();
            VehicleIndex best_route = -1;
            double best = infinite;
            for (VehicleIndex v = 0; v < vehicles; ++v) {
                const double c = cost[static_cast<std::size_t>(idx * vehicles + v)];
                if (c == infinite)
                    continue;
                sorted.push_back(c);
                if (c < best) {
                    best = c;
                    best_route = v;
                }
            }
            if (best_route < 0)
                continue;
            const int feasible = static_cast<int>(sorted.size());
            int level = 0;
            double regret = -best;
            if (k > 1) {
                level = std::max(0, k - feasible);
                const int h = std::min(k, feasible);
                std::partial_sort(sorted.begin(), sorted.begin() + h, sorted.end());
                regret = 0;
                for (int x = 1; x < h; ++x)
                    regret += sorted[static_cast<std::size_t>(x)] - best;
            }
            const bool take =
                chosen < 0 || level > chosen_level ||
                (level == chosen_level &&
                 (regret > chosen_regret || (regret == chosen_regret && best < chosen_cost)));
            if (take) {
                chosen = idx;
                chosen_route = best_route;
                chosen_level = level;
                chosen_regret = regret;
                chosen_cost = best;
            }
        }
        if (chosen < 0)
            break;
        const RequestIndex r = pool[static_cast<std::size_t>(chosen)];
        RouteState& route = plan.routes[static_cast<std::size_t>(chosen_route)];
        apply(ctx.nodes, route, r,
              table[static_cast<std::size_t>(chosen * vehicles + chosen_route)], ctx.scratch);
        active[static_cast<std::size_t>(chosen)] = 0;
        if (!route.feasible) {
            // Only a cache collision could get here; undo and leave r in the pool.
            erase_request(route, r);
            refresh(ctx.nodes, route, ctx.scratch);
            plan.pool.push_back(r);
        } else {
            plan.route_of[static_cast<std::size_t>(r)] = chosen_route;
        }
        for (int idx = 0; idx < n; ++idx)
            if (active[static_cast<std::size_t>(idx)])
                evaluate(idx, chosen_route);
    }
    for (int idx = 0; idx < n; ++idx)
        if (active[static_cast<std::size_t>(idx)])
            plan.pool.push_back(pool[static_cast<std::size_t>(idx)]);
    recompute_distance(plan);
}

}  // namespace lifeline::match::detail
