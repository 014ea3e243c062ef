#include "convert.h"

namespace lifeline::match::detail {

Route to_route(const Nodes& nodes, const RouteState& state) {
    Route route;
    route.vehicle = state.vehicle;
    route.started = static_cast<std::size_t>(state.locked);
    for (int k = 1; k + 1 < state.size(); ++k) {
        const int node = state.nodes[static_cast<std::size_t>(k)];
        route.stops.push_back({Nodes::request_of(node), nodes.is_pickup(node)});
        if (state.feasible)
            route.service_start.push_back(state.times[static_cast<std::size_t>(k)]);
    }
    return route;
}

RouteState to_state(const Nodes& nodes, const Route& route) {
    RouteState state;
    state.vehicle = route.vehicle;
    state.locked = static_cast<int>(route.started);
    state.nodes.reserve(route.stops.size() + 2);
    state.nodes.push_back(nodes.start(route.vehicle));
    for (const Stop& s : route.stops)
        state.nodes.push_back(s.pickup ? Nodes::pickup(s.request) : Nodes::dropoff(s.request));
    state.nodes.push_back(nodes.end(route.vehicle));
    return state;
}

}  // namespace lifeline::match::detail
