#pragma once
// check(): an independent verifier of a Solution against its Problem.
//
// It shares no code with the solver's incremental evaluation. Each route's schedule is
// decided exactly as a system of difference constraints over the start-of-service times
// (windows, travel, ride times, shift, route duration) solved by Bellman-Ford: a negative
// cycle proves infeasibility and names the constraints that clash; otherwise the shortest
// distances are a feasible schedule, which the report returns.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lifeline/match/problem.h"
#include "lifeline/match/types.h"

namespace lifeline::match {

enum class ViolationKind {
    unknown_vehicle,     // route names a vehicle that does not exist, or one used twice
    unknown_request,     // stop names a request that does not exist
    duplicate_stop,      // a request's pickup or drop-off appears more than once
    incomplete_request,  // pickup without drop-off (or the reverse) or on different routes
    order,               // drop-off before pickup
    missing_request,     // neither served nor listed as unserved
    capacity_seats,
    capacity_wheelchairs,
    ride_alone,      // someone else aboard with a ride_alone passenger
    time_window,     // a window (or the shift) cannot be met
    ride_time,       // a passenger's ride time cannot be kept
    route_duration,  // the route cannot be kept within its maximum duration
};

std::string_view to_string(ViolationKind kind);

struct Violation {
    ViolationKind kind;
    int route = -1;             // index into Solution::routes, -1 if none
    RequestIndex request = -1;  // -1 if none
    std::string detail;
};

struct CheckReport {
    std::vector<Violation> violations;
    // For each route, a feasible start-of-service time per stop when the route is feasible
    // (latest-possible schedule from the constraint system), empty otherwise.
    std::vector<std::vector<Time>> schedules;
    // Departure from the start and arrival at the end of each feasible route.
    std::vector<Time> departures;
    std::vector<Time> arrivals;
    Distance distance = 0;
    std::size_t served = 0;

    bool ok() const { return violations.empty(); }
    bool has(ViolationKind kind) const;
};

CheckReport check(const Problem& problem, const Solution& solution);

}  // namespace lifeline::match
