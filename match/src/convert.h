#pragma once
// Internal: between the public Solution and the solver's route states.

#include "lifeline/match/problem.h"
#include "route.h"

namespace lifeline::match::detail {

Route to_route(const Nodes& nodes, const RouteState& state);
RouteState to_state(const Nodes& nodes, const Route& route);

}  // namespace lifeline::match::detail
