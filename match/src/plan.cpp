#include "plan.h"

namespace lifeline::match::detail {

void settle_route(Context& ctx, Plan& plan, VehicleIndex v) {
    RouteState& route = plan.routes[static_cast<std::size_t>(v)];
    refresh(ctx.nodes, route, ctx.scratch);
    if (route.feasible)
        return;
    // Keep the locked prefix; everything after it goes back to the pool.
    std::vector<int> kept(route.nodes.begin(), route.nodes.begin() + route.locked + 1);
    for (int k = route.locked + 1; k + 1 < route.size(); ++k) {
        const int node = route.nodes[static_cast<std::size_t>(k)];
        if (ctx.nodes.is_pickup(node)) {
            const RequestIndex r = Nodes::request_of(node);
            plan.route_of[static_cast<std::size_t>(r)] = -1;
            plan.pool.push_back(r);
        }
    }
    kept.push_back(route.nodes.back());
    route.nodes = std::move(kept);
    refresh(ctx.nodes, route, ctx.scratch);
}

void recompute_distance(Plan& plan) {
    Distance total = 0;
    for (const auto& route : plan.routes)
        total += route.distance;
    plan.distance = total;
}

}  // namespace lifeline::match::detail
