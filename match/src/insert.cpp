#include "lifeline/match/insert.h"

#include <algorithm>
#include <string>

#include "convert.h"
#include "lifeline/match/error.h"
#include "route.h"

namespace lifeline::match {

Insertion insert(const Problem& problem, Solution& solution, RequestIndex request) {
    if (!problem.travel || request < 0 ||
        static_cast<std::size_t>(request) >= problem.requests.size())
        throw Error("insert: unknown request " + std::to_string(request));
    auto& unserved = solution.unserved;
    unserved.erase(std::remove_if(unserved.begin(), unserved.end(),
                                  [&](const Unserved& u) { return u.request == request; }),
                   unserved.end());

    Insertion result;
    const UnservedReason reason = diagnose(problem, request);
    if (reason != UnservedReason::fleet_full) {
        result.reason = reason;
        unserved.push_back({request, reason});
        return result;
    }
    // Vehicles without a route yet are offered as empty routes.
    std::vector<char> has_route(problem.vehicles.size(), 0);
    for (const Route& route : solution.routes)
        if (route.vehicle >= 0 && static_cast<std::size_t>(route.vehicle) < has_route.size())
            has_route[static_cast<std::size_t>(route.vehicle)] = 1;
    for (std::size_t v = 0; v < has_route.size(); ++v)
        if (!has_route[v])
            solution.routes.push_back(Route{static_cast<VehicleIndex>(v), {}, 0, {}});

    // No dense matrices: a live plan can be large, and one insertion touches few pairs.
    const detail::Nodes nodes(problem, 0);
    detail::Scratch scratch;
    detail::RouteState best_state;
    detail::Placement best;
    std::size_t best_route = 0;
    const auto& need = problem.requests[static_cast<std::size_t>(request)].load;
    for (std::size_t k = 0; k < solution.routes.size(); ++k) {
        const Route& route = solution.routes[k];
        if (route.vehicle < 0 || static_cast<std::size_t>(route.vehicle) >= problem.vehicles.size())
            continue;  // check() reports it; nothing can be inserted there
        if (route.started > route.stops.size())
            continue;
        if (!fits(need, problem.vehicles[static_cast<std::size_t>(route.vehicle)].capacity))
            continue;
        detail::RouteState state = detail::to_state(nodes, route);
        detail::refresh(nodes, state, scratch);
        const detail::Placement p = detail::best_insertion(nodes, state, request, scratch);
        if (!p.found() || (best.found() && p.delta >= best.delta))
            continue;
        best = p;
        best_route = k;
        best_state = std::move(state);
    }
    if (!best.found()) {
        unserved.push_back({request, UnservedReason::fleet_full});
        return result;
    }
    detail::apply(nodes, best_state, request, best, scratch);
    Route& route = solution.routes[best_route];
    const std::size_t started = route.started;
    route = detail::to_route(nodes, best_state);
    route.started = started;
    result.inserted = true;
    result.route = best_route;
    result.pickup_index = static_cast<std::size_t>(best.i);
    result.dropoff_index = static_cast<std::size_t>(best.j + 1);
    result.added_distance = best.delta;
    return result;
}

}  // namespace lifeline::match
