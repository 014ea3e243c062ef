#pragma once
// Internal: the search state of the ALNS (all routes plus the request pool) and the
// operators that change it.

#include <cstdint>
#include <vector>

#include "nodes.h"
#include "route.h"

namespace lifeline::match::detail {

// splitmix64: small, fast, and the same sequence on every platform and standard library.
class Rng {
  public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
    int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
    int between(int lo, int hi) { return lo + below(hi - lo + 1); }  // [lo, hi]

  private:
    std::uint64_t state_;
};

struct Plan {
    std::vector<RouteState> routes;
    std::vector<VehicleIndex> route_of;  // by request: whose route serves it; -1 in the pool
    std::vector<RequestIndex> pool;      // servable requests not in any route
    Distance distance = 0;
    // By vehicle: closed to insertions (the fewest-vehicles search closes the vehicles it
    // has done without). Empty: none closed.
    std::vector<char> closed;

    bool is_closed(VehicleIndex v) const {
        return !closed.empty() && closed[static_cast<std::size_t>(v)] != 0;
    }
    int vehicles_used() const {
        int used = 0;
        for (const auto& route : routes)
            used += route.size() > 2 ? 1 : 0;
        return used;
    }
    // Lexicographic objective folded into one number for annealing: an unserved request
    // outweighs any distance.
    double cost(double penalty) const {
        return static_cast<double>(pool.size()) * penalty + static_cast<double>(distance);
    }
    // Serves more; then, when `by_vehicles`, uses fewer vehicles; then drives less.
    bool better_than(const Plan& other, bool by_vehicles = false) const {
        if (pool.size() != other.pool.size())
            return pool.size() < other.pool.size();
        if (by_vehicles && vehicles_used() != other.vehicles_used())
            return vehicles_used() < other.vehicles_used();
        return distance < other.distance;
    }
};

// Best insertions already computed, keyed by (route content, request). Annealing revisits
// the same routes over and over, and most routes survive an iteration untouched, so most
// evaluations are hits. Direct-mapped; a collision just overwrites.
class InsertionCache {
  public:
    explicit InsertionCache(std::size_t bits)
        : slots_(std::size_t{1} << bits), mask_(slots_.size() - 1) {}

    Placement get(const Nodes& nodes, const RouteState& route, RequestIndex r, Scratch& scratch) {
        const std::uint64_t key =
            (route.hash ^ (static_cast<std::uint64_t>(r) + 1) * 0x9e3779b97f4a7c15ULL) | 1;
        Slot& slot = slots_[static_cast<std::size_t>((key ^ (key >> 29)) & mask_)];
        if (slot.key == key)
            return slot.placement;
        slot.key = key;
        slot.placement = best_insertion(nodes, route, r, scratch);
        return slot.placement;
    }

  private:
    struct Slot {
        std::uint64_t key = 0;
        Placement placement;
    };
    std::vector<Slot> slots_;
    std::uint64_t mask_;
};

struct Context {
    const Nodes& nodes;
    Scratch scratch;
    Rng rng;
    Distance noise_amplitude = 0;  // max |noise| added to insertion costs when noisy
    Distance longest_leg = 1;      // scale of distances (relatedness)
    Time horizon = 1;              // scale of times (relatedness)
    InsertionCache cache{18};
};

// Removal operators: take `count` requests out of their routes into the pool.
void remove_random(Context& ctx, Plan& plan, int count);
void remove_worst(Context& ctx, Plan& plan, int count);
void remove_related(Context& ctx, Plan& plan, int count);
void remove_route(Context& ctx, Plan& plan, int count);

// Repair: insert pooled requests by regret-k (k = 1: greedy), optionally with noise.
void insert_regret(Context& ctx, Plan& plan, int k, bool noise);

// The routes a descent looks at, by vehicle (empty: all). A move marks the routes it
// changes, so the descent follows its own changes.
using Focus = std::vector<char>;

// Moves single requests (of focused routes) to their cheapest place while that shortens
// the plan.
void relocate_descent(Context& ctx, Plan& plan, Focus& focus);
// Swaps route tails at empty-vehicle points (of pairs with a focused route) while that
// shortens the plan; true if any.
bool exchange_tails(Context& ctx, Plan& plan, Focus& focus);
// Both, until neither improves.
void descend(Context& ctx, Plan& plan, Focus focus = {});

// Recomputes the caches of route `v` after its nodes changed; if removing stops made it
// infeasible (possible only when travel times break the triangle inequality) its requests
// go back to the pool.
void settle_route(Context& ctx, Plan& plan, VehicleIndex v);
void recompute_distance(Plan& plan);

}  // namespace lifeline::match::detail
