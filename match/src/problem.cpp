#include "lifeline/match/problem.h"

#include <algorithm>
#include <string>

namespace lifeline::match {
namespace {

bool valid_location(const Problem& problem, LocationId l) {
    return l >= 0 && static_cast<std::size_t>(l) < problem.travel->size();
}

// Can vehicle v serve r with nobody else aboard? A four-stop least-fixpoint schedule,
// written out on its own so diagnosis does not depend on the solver's internals.
bool feasible_alone(const Problem& problem, const Request& r, const Vehicle& v) {
    const TravelModel& travel = *problem.travel;
    const LocationId loc[4] = {v.start, r.pickup.location, r.dropoff.location, v.end};
    const Time earliest[4] = {v.shift_start, r.pickup.earliest, r.dropoff.earliest, v.shift_start};
    const Time latest[4] = {v.shift_end, r.pickup.latest, r.dropoff.latest, v.shift_end};
    const Time service[4] = {0, r.pickup.service, r.dropoff.service, 0};
    Time b[4] = {earliest[0], 0, 0, 0};
    for (int k = 1; k < 4; ++k)
        b[k] = earliest[k];
    for (int round = 0; round < 8; ++round) {
        for (int k = 1; k < 4; ++k)
            b[k] = std::max(b[k], b[k - 1] + service[k - 1] + travel.time(loc[k - 1], loc[k]));
        for (int k = 0; k < 4; ++k)
            if (b[k] > latest[k])
                return false;
        bool moved = false;
        if (b[2] - b[1] - r.pickup.service > r.max_ride) {
            b[1] = b[2] - r.pickup.service - r.max_ride;
            moved = true;
        }
        if (b[3] - b[0] > v.max_duration) {
            b[0] = b[3] - v.max_duration;
            moved = true;
        }
        if (!moved)
            return true;
        if (b[0] > latest[0] || b[1] > latest[1])
            return false;
    }
    return false;
}

}  // namespace

std::vector<std::string> validate(const Problem& problem) {
    std::vector<std::string> errors;
    if (!problem.travel) {
        errors.push_back("travel: no travel model");
        return errors;
    }
    for (std::size_t i = 0; i < problem.requests.size(); ++i) {
        const Request& r = problem.requests[i];
        const std::string at = "requests[" + std::to_string(i) + "]";
        if (!valid_location(problem, r.pickup.location))
            errors.push_back(at + ".pickup.location: unknown");
        if (!valid_location(problem, r.dropoff.location))
            errors.push_back(at + ".dropoff.location: unknown");
        if (r.pickup.service < 0 || r.dropoff.service < 0)
            errors.push_back(at + ": negative service time");
        if (r.load.seats < 0 || r.load.wheelchairs < 0)
            errors.push_back(at + ".load: negative");
        if (r.max_ride < 0)
            errors.push_back(at + ".max_ride: negative");
    }
    for (std::size_t i = 0; i < problem.vehicles.size(); ++i) {
        const Vehicle& v = problem.vehicles[i];
        const std::string at = "vehicles[" + std::to_string(i) + "]";
        if (!valid_location(problem, v.start))
            errors.push_back(at + ".start: unknown location");
        if (!valid_location(problem, v.end))
            errors.push_back(at + ".end: unknown location");
        if (v.capacity.seats < 0 || v.capacity.wheelchairs < 0)
            errors.push_back(at + ".capacity: negative");
        if (v.shift_start > v.shift_end)
            errors.push_back(at + ": shift ends before it starts");
        if (v.max_duration < 0)
            errors.push_back(at + ".max_duration: negative");
    }
    return errors;
}

std::string_view to_string(UnservedReason reason) {
    switch (reason) {
        case UnservedReason::invalid_request:
            return "invalid_request";
        case UnservedReason::no_wheelchair_vehicle:
            return "no_wheelchair_vehicle";
        case UnservedReason::exceeds_capacity:
            return "exceeds_capacity";
        case UnservedReason::ride_time_too_short:
            return "ride_time_too_short";
        case UnservedReason::window_unreachable:
            return "window_unreachable";
        case UnservedReason::fleet_full:
            return "fleet_full";
    }
    return "unknown";
}

UnservedReason diagnose(const Problem& problem, RequestIndex request) {
    const Request& r = problem.requests[static_cast<std::size_t>(request)];
    if (!problem.travel || !valid_location(problem, r.pickup.location) ||
        !valid_location(problem, r.dropoff.location) || r.pickup.earliest > r.pickup.latest ||
        r.dropoff.earliest > r.dropoff.latest)
        return UnservedReason::invalid_request;
    const bool any_fits = std::any_of(problem.vehicles.begin(), problem.vehicles.end(),
                                      [&](const Vehicle& v) { return fits(r.load, v.capacity); });
    if (!any_fits) {
        const bool wheelchair_room = std::any_of(
            problem.vehicles.begin(), problem.vehicles.end(),
            [&](const Vehicle& v) { return v.capacity.wheelchairs >= r.load.wheelchairs; });
        return r.load.wheelchairs > 0 && !wheelchair_room ? UnservedReason::no_wheelchair_vehicle
                                                          : UnservedReason::exceeds_capacity;
    }
    if (problem.travel->time(r.pickup.location, r.dropoff.location) > r.max_ride)
        return UnservedReason::ride_time_too_short;
    const bool reachable =
        std::any_of(problem.vehicles.begin(), problem.vehicles.end(), [&](const Vehicle& v) {
            return fits(r.load, v.capacity) && feasible_alone(problem, r, v);
        });
    return reachable ? UnservedReason::fleet_full : UnservedReason::window_unreachable;
}

Distance total_distance(const Problem& problem, const Solution& solution) {
    Distance total = 0;
    for (const Route& route : solution.routes) {
        const Vehicle& v = problem.vehicles[static_cast<std::size_t>(route.vehicle)];
        LocationId at = v.start;
        for (const Stop& s : route.stops) {
            const Request& r = problem.requests[static_cast<std::size_t>(s.request)];
            const LocationId next = s.pickup ? r.pickup.location : r.dropoff.location;
            total += problem.travel->distance(at, next);
            at = next;
        }
        if (!route.stops.empty() || v.start != v.end)
            total += problem.travel->distance(at, v.end);
    }
    return total;
}

std::size_t served_count(const Solution& solution) {
    std::size_t n = 0;
    for (const Route& route : solution.routes)
        for (const Stop& s : route.stops)
            n += s.pickup ? 1 : 0;
    return n;
}

}  // namespace lifeline::match
