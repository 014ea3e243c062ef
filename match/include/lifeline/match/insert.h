#pragma once
// insert(): real-time dispatch. Put one new request into a live plan at its cheapest
// feasible place, without moving any stop and without touching the started prefix of a
// route. The rest of the plan stays exactly as it is.

#include <cstddef>
#include <optional>

#include "lifeline/match/problem.h"

namespace lifeline::match {

struct Insertion {
    bool inserted = false;
    std::size_t route = 0;          // index into Solution::routes
    std::size_t pickup_index = 0;   // position of the pickup in the route's stops afterwards
    std::size_t dropoff_index = 0;  // position of the drop-off afterwards
    Distance added_distance = 0;
    UnservedReason reason = UnservedReason::fleet_full;  // when not inserted
};

// `request` must be a request of `problem` that `solution` does not serve yet (else
// match::Error). On success
// the route gains both stops (and its service_start is refreshed) and the request leaves
// `unserved`; otherwise the request is recorded as unserved with its reason.
Insertion insert(const Problem& problem, Solution& solution, RequestIndex request);

}  // namespace lifeline::match
