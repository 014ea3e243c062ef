// Removal operators of the ALNS (Ropke & Pisinger 2006): random, worst (largest saving),
// related (Shaw: close in space and time), and route (empty one vehicle).
#include <algorithm>
#include <cmath>

#include "plan.h"

namespace lifeline::match::detail {
namespace {

std::vector<RequestIndex> assigned(const Plan& plan) {
    std::vector<RequestIndex> out;
    for (std::size_t r = 0; r < plan.route_of.size(); ++r)
        if (plan.route_of[r] >= 0 &&
            plan.routes[static_cast<std::size_t>(plan.route_of[r])].locked == 0)
            out.push_back(static_cast<RequestIndex>(r));
    return out;
}

// Moves `chosen` into the pool and settles the routes they left.
void take(Context& ctx, Plan& plan, const std::vector<RequestIndex>& chosen) {
    std::vector<char> touched(plan.routes.size(), 0);
    for (RequestIndex r : chosen) {
        const VehicleIndex v = plan.route_of[static_cast<std::size_t>(r)];
        erase_request(plan.routes[static_cast<std::size_t>(v)], r);
        touched[static_cast<std::size_t>(v)] = 1;
        plan.route_of[static_cast<std::size_t>(r)] = -1;
        plan.pool.push_back(r);
    }
    for (std::size_t v = 0; v < touched.size(); ++v)
        if (touched[v])
            settle_route(ctx, plan, static_cast<int>(v));
    recompute_distance(plan);
}

// Index into a list sorted best-first, biased towards the front (y^p, Ropke & Pisinger).
int biased(Rng& rng, int size, double power) {
    const int k = static_cast<int>(std::pow(rng.uniform(), power) * size);
    return std::min(k, size - 1);
}

}  // namespace

void remove_random(Context& ctx, Plan& plan, int count) {
    auto candidates = assigned(plan);
    std::vector<RequestIndex> chosen;
    while (static_cast<int>(chosen.size()) < count && !candidates.empty()) {
        const int k = ctx.rng.below(static_cast<int>(candidates.size()));
        chosen.push_back(candidates[static_cast<std::size_t>(k)]);
        candidates[static_cast<std::size_t>(k)] = candidates.back();
        candidates.pop_back();
    }
    take(ctx, plan, chosen);
}

void remove_worst(Context& ctx, Plan& plan, int count) {
    const Nodes& nodes = ctx.nodes;
    auto candidates = assigned(plan);
    // Saving of removing each request alone from its route.
    std::vector<std::pair<Distance, RequestIndex>> savings;
    for (RequestIndex r : candidates) {
        const auto& seq =
            plan.routes[static_cast<std::size_t>(plan.route_of[static_cast<std::size_t>(r)])].nodes;
        const int p = Nodes::pickup(r);
        std::size_t ip = 0, id = 0;
        for (std::size_t k = 0; k < seq.size(); ++k) {
            if (seq[k] == p)
                ip = k;
            if (seq[k] == p + 1)
                id = k;
        }
        Distance saving = 0;
        if (id == ip + 1) {
            saving = nodes.distance(seq[ip - 1], p) + nodes.distance(p, p + 1) +
                     nodes.distance(p + 1, seq[id + 1]) - nodes.distance(seq[ip - 1], seq[id + 1]);
        } else {
            saving = nodes.distance(seq[ip - 1], p) + nodes.distance(p, seq[ip + 1]) -
                     nodes.distance(seq[ip - 1], seq[ip + 1]) + nodes.distance(seq[id - 1], p + 1) +
                     nodes.distance(p + 1, seq[id + 1]) - nodes.distance(seq[id - 1], seq[id + 1]);
        }
        savings.push_back({saving, r});
    }
    std::sort(savings.begin(), savings.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::vector<RequestIndex> chosen;
    while (static_cast<int>(chosen.size()) < count && !savings.empty()) {
        const int k = biased(ctx.rng, static_cast<int>(savings.size()), 3.0);
        chosen.push_back(savings[static_cast<std::size_t>(k)].second);
        savings.erase(savings.begin() + k);
    }
    take(ctx, plan, chosen);
}

void remove_related(Context& ctx, Plan& plan, int count) {
    const Nodes& nodes = ctx.nodes;
    auto candidates = assigned(plan);
    if (candidates.empty())
        return;
    // Start times of each request's stops, for the time part of relatedness.
    std::vector<Time> pick_time(static_cast<std::size_t>(nodes.requests()), 0);
    std::vector<Time> drop_time(static_cast<std::size_t>(nodes.requests()), 0);
    for (const auto& route : plan.routes)
        for (int k = 1; k + 1 < route.size(); ++k) {
            const int node = route.nodes[static_cast<std::size_t>(k)];
            auto& slot = nodes.is_pickup(node) ? pick_time : drop_time;
            slot[static_cast<std::size_t>(Nodes::request_of(node))] =
                route.times[static_cast<std::size_t>(k)];
        }
    // Space and time on comparable scales (Ropke & Pisinger weigh them 9 : 3 after
    // normalising); raw ticks would let time, which spans the whole day, swamp distance.
    const double space_scale = 9.0 / static_cast<double>(std::max<Distance>(ctx.longest_leg, 1));
    const double time_scale = 3.0 / static_cast<double>(std::max<Time>(ctx.horizon, 1));
    std::vector<RequestIndex> chosen;
    const int first = ctx.rng.below(static_cast<int>(candidates.size()));
    chosen.push_back(candidates[static_cast<std::size_t>(first)]);
    candidates.erase(candidates.begin() + first);
    std::vector<std::pair<double, RequestIndex>> scored;
    while (static_cast<int>(chosen.size()) < count && !candidates.empty()) {
        const RequestIndex seed =
            chosen[static_cast<std::size_t>(ctx.rng.below(static_cast<int>(chosen.size())))];
        const int sp = Nodes::pickup(seed);
        scored.clear();
        for (RequestIndex r : candidates) {
            const int p = Nodes::pickup(r);
            const double space =
                static_cast<double>(nodes.distance(sp, p) + nodes.distance(sp + 1, p + 1));
            const double time =
                static_cast<double>(std::abs(pick_time[static_cast<std::size_t>(seed)] -
                                             pick_time[static_cast<std::size_t>(r)]) +
                                    std::abs(drop_time[static_cast<std::size_t>(seed)] -
                                             drop_time[static_cast<std::size_t>(r)]));
            scored.push_back({space * space_scale + time * time_scale, r});
        }
        std::sort(scored.begin(), scored.end());
        const int k = biased(ctx.rng, static_cast<int>(scored.size()), 6.0);
        const RequestIndex pick = scored[static_cast<std::size_t>(k)].second;
        chosen.push_back(pick);
        candidates.erase(std::find(candidates.begin(), candidates.end(), pick));
    }
    take(ctx, plan, chosen);
}

void remove_route(Context& ctx, Plan& plan, int count) {
    std::vector<VehicleIndex> used;
    for (std::size_t v = 0; v < plan.routes.size(); ++v)
        if (plan.routes[v].locked == 0 && plan.routes[v].size() > 2)
            used.push_back(static_cast<VehicleIndex>(v));
    if (used.empty())
        return;
    const VehicleIndex v =
        used[static_cast<std::size_t>(ctx.rng.below(static_cast<int>(used.size())))];
    std::vector<RequestIndex> chosen;
    for (int node : plan.routes[static_cast<std::size_t>(v)].nodes)
        if (ctx.nodes.is_pickup(node))
            chosen.push_back(Nodes::request_of(node));
    // A long route is emptied only in part, a short one topped up with random others.
    if (static_cast<int>(chosen.size()) > count)
        chosen.resize(static_cast<std::size_t>(count));
    take(ctx, plan, chosen);
    if (static_cast<int>(chosen.size()) < count)
        remove_random(ctx, plan, count - static_cast<int>(chosen.size()));
}

}  // namespace lifeline::match::detail
