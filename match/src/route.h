#pragma once
// Internal: one vehicle's route with the caches that make insertion search fast.
//
// The exact test of a route is `schedule()`: the least start-of-service times that satisfy
// every window, travel, ride-time and duration constraint, found as the least fixpoint of
// the constraint system (forward passes for travel, backward "pull" for ride times and
// duration). It is exact: a route is feasible iff the fixpoint stays within the windows.
// Insertion search first filters positions with O(1) necessary conditions (capacity,
// ride-alone, pushed arrival against a latest-time relaxation, a no-wait ride-time lower
// bound), then runs `schedule()` on the survivors cheapest first.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "nodes.h"

namespace lifeline::match::detail {

struct Scratch {
    std::vector<int> seq;
    std::vector<Time> times;
    std::vector<int> pickup_pos;  // by request
    struct Back {
        int pickup;
        int dropoff;
        Time limit;  // B[dropoff] - B[pickup] <= limit
    };
    std::vector<Back> backs;
    struct Candidate {
        Distance delta;
        int i;  // pickup goes after position i
        int j;  // drop-off goes after position j (old positions, j >= i)
    };
    std::vector<Candidate> candidates;
};

// Time feasibility of `seq` (start depot ... end depot) for vehicle `v`; on success
// `times` holds the least schedule. Positions before `from` (>= 1) start from the values
// already in `times` (any values satisfying their own windows are a valid start).
bool schedule(const Nodes& nodes, VehicleIndex v, const std::vector<int>& seq,
              std::vector<Time>& times, int from, Scratch& scratch);

// Capacity, ride-alone and pairing of a sequence (time aside).
bool loads_ok(const Nodes& nodes, VehicleIndex v, const std::vector<int>& seq);

struct RouteState {
    VehicleIndex vehicle = 0;
    int locked = 0;            // insertions only after position `locked` (0 = the start depot)
    std::vector<int> nodes;    // start depot, stops, end depot
    std::vector<Time> times;   // least schedule
    std::vector<Time> latest;  // latest start at each position, windows and travel only
    std::vector<Time> path;    // no-wait time from position 0 to position k
    std::vector<Load> load;    // load when leaving position k
    Distance distance = 0;
    std::uint64_t hash = 0;  // of vehicle, locked prefix and nodes
    bool feasible = true;

    int size() const { return static_cast<int>(nodes.size()); }
    int requests() const { return (size() - 2) / 2; }
};

// Recomputes every cache of `route` from its nodes.
void refresh(const Nodes& nodes, RouteState& route, Scratch& scratch);

struct Placement {
    Distance delta = 0;
    int i = -1;
    int j = -1;
    bool found() const { return i >= 0; }
};

// Cheapest feasible insertion of request r into route (exact).
Placement best_insertion(const Nodes& nodes, const RouteState& route, RequestIndex r,
                         Scratch& scratch);

// Insert r at placement p, then refresh.
void apply(const Nodes& nodes, RouteState& route, RequestIndex r, Placement p, Scratch& scratch);

// Remove request r's two nodes (no refresh).
void erase_request(RouteState& route, RequestIndex r);

}  // namespace lifeline::match::detail
