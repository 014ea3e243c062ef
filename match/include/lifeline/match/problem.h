#pragma once
// The dial-a-ride model: requests, vehicles, and the plan that serves them.
//
// A request is carried by one vehicle from its pickup to its drop-off. Each stop has a time
// window on the *start of service*; waiting before a window opens is allowed. A passenger's
// ride time (start of service at the drop-off minus the end of service at the pickup) is
// bounded; a `ride_alone` passenger shares the vehicle with nobody. A vehicle leaves its
// start no earlier than its shift start, reaches its end no later than its shift end, and
// its route (departure to arrival) lasts at most `max_duration`.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lifeline/match/travel.h"
#include "lifeline/match/types.h"

namespace lifeline::match {

// One end of a request: where, how long the stop takes, and when service may start.
struct Place {
    LocationId location = 0;
    Time earliest = 0;
    Time latest = 0;
    Time service = 0;
};

struct Request {
    Place pickup;
    Place dropoff;
    Load load{1, 0};
    Time max_ride = 0;        // longest allowed ride time
    bool ride_alone = false;  // nobody else aboard while this passenger is
};

struct Vehicle {
    LocationId start = 0;
    LocationId end = 0;
    Load capacity{0, 0};
    Time shift_start = 0;
    Time shift_end = 0;
    Time max_duration = 0;  // arrival at end minus departure from start
};

struct Problem {
    std::vector<Request> requests;
    std::vector<Vehicle> vehicles;
    // Shared so that a Problem stays valid wherever it is copied; never null in a valid
    // problem.
    std::shared_ptr<const TravelModel> travel;
};

// Every reason a Problem is malformed (bad location index, inverted window, negative
// durations, missing travel model...), one message each; empty when the problem is valid.
std::vector<std::string> validate(const Problem& problem);

struct Stop {
    RequestIndex request = 0;
    bool pickup = true;  // false: the drop-off

    friend bool operator==(const Stop&, const Stop&) = default;
};

// The stops a vehicle serves in order, between its start and its end (not listed).
struct Route {
    VehicleIndex vehicle = 0;
    std::vector<Stop> stops;
    // The first `started` stops already happened (real-time dispatch): nothing is inserted
    // before or between them and they are never moved. To pin their times as well, narrow
    // their windows in the Problem to the actual times.
    std::size_t started = 0;
    // Start of service at each stop of an accepted schedule (earliest feasible), filled
    // by solve() and insert(); informative only, check() recomputes its own.
    std::vector<Time> service_start;
};

// Why a request is left out. `fleet_full` means it would fit an empty vehicle but no
// feasible place was found in the plan.
enum class UnservedReason {
    invalid_request,        // window inverted, or unknown location
    no_wheelchair_vehicle,  // needs wheelchair spaces no vehicle has
    exceeds_capacity,       // more seats than any vehicle has
    ride_time_too_short,    // the direct trip already takes longer than the max ride time
    window_unreachable,     // no vehicle can serve it within its windows and shift, even alone
    fleet_full,             // feasible alone, but no room left in the plan
};

std::string_view to_string(UnservedReason reason);

struct Unserved {
    RequestIndex request = 0;
    UnservedReason reason = UnservedReason::fleet_full;
};

struct Solution {
    std::vector<Route> routes;  // solve() returns one route per vehicle, in vehicle order
    std::vector<Unserved> unserved;
};

// Total distance of all routes, depot legs included, in distance ticks.
Distance total_distance(const Problem& problem, const Solution& solution);
std::size_t served_count(const Solution& solution);

// The clearest reason request `request` cannot be served, judged against an empty fleet.
UnservedReason diagnose(const Problem& problem, RequestIndex request);

}  // namespace lifeline::match
