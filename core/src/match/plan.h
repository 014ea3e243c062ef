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
    std::vector<int> route_of;    // by request; -1 when in the pool
    std::vector<RequestId> pool;  // servable requests not in any route
    Distance distance = 0;

    // Lexicographic objective folded into one number for annealing: an unserved request
    // outweighs any distance.
    double cost(double penalty) const {
        return static_cast<double>(pool.size()) * penalty + static_cast<double>(distance);
    }
    bool better_than(const Plan& other) const {
        if (pool.size() != other.pool.size())
            return pool.size() < other.pool.size();
        return distance < other.distance;
    }
};

struct Context {
    const Nodes& nodes;
    Scratch scratch;
    Rng rng;
    Distance noise_amplitude = 0;  // max |noise| added to insertion costs when noisy
};

// Removal operators: take `count` requests out of their routes into the pool.
void remove_random(Context& ctx, Plan& plan, int count);
void remove_worst(Context& ctx, Plan& plan, int count);
void remove_related(Context& ctx, Plan& plan, int count);
void remove_route(Context& ctx, Plan& plan, int count);

// Repair: insert pooled requests by regret-k (k = 1: greedy), optionally with noise.
void insert_regret(Context& ctx, Plan& plan, int k, bool noise);

// Recomputes the caches of route `v` after its nodes changed; if removing stops made it
// infeasible (possible only when travel times break the triangle inequality) its requests
// go back to the pool.
void settle_route(Context& ctx, Plan& plan, int v);
void recompute_distance(Plan& plan);

}  // namespace lifeline::match::detail
