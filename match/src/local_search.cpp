// Relocate descent: take each request out of its route and put it back at its cheapest
// feasible place in any route; keep the move when it shortens the plan. Repeats until no
// request moves. Cheap thanks to the insertion cache (untouched routes are cache hits),
// and it polishes what the large moves of the ALNS leave slightly out of place.
#include "plan.h"

namespace lifeline::match::detail {

namespace {

bool in_focus(const Focus& focus, VehicleIndex v) {
    return focus.empty() || focus[static_cast<std::size_t>(v)] != 0;
}

void mark(Focus& focus, VehicleIndex v) {
    if (!focus.empty())
        focus[static_cast<std::size_t>(v)] = 1;
}

}  // namespace

void relocate_descent(Context& ctx, Plan& plan, Focus& focus) {
    const int vehicles = static_cast<int>(plan.routes.size());
    const int requests = static_cast<int>(plan.route_of.size());
    RouteState reduced;
    for (bool improved = true; improved;) {
        improved = false;
        for (RequestIndex r = 0; r < requests; ++r) {
            const VehicleIndex from = plan.route_of[static_cast<std::size_t>(r)];
            if (from < 0 || !in_focus(focus, from))
                continue;
            const RouteState& home = plan.routes[static_cast<std::size_t>(from)];
            if (home.locked > 0)
                continue;
            reduced = home;
            erase_request(reduced, r);
            refresh(ctx.nodes, reduced, ctx.scratch);
            if (!reduced.feasible)
                continue;
            const Distance saving = home.distance - reduced.distance;
            VehicleIndex best_route = -1;
            Placement best;
            for (VehicleIndex v = 0; v < vehicles; ++v) {
                if (plan.is_closed(v))
                    continue;
                const RouteState& target =
                    v == from ? reduced : plan.routes[static_cast<std::size_t>(v)];
                const Placement p = ctx.cache.get(ctx.nodes, target, r, ctx.scratch);
                if (p.found() && p.delta < saving && (best_route < 0 || p.delta < best.delta)) {
                    best = p;
                    best_route = v;
                }
            }
            if (best_route < 0)
                continue;
            RouteState original = std::move(plan.routes[static_cast<std::size_t>(from)]);
            plan.routes[static_cast<std::size_t>(from)] = reduced;
            RouteState& target = plan.routes[static_cast<std::size_t>(best_route)];
            apply(ctx.nodes, target, r, best, ctx.scratch);
            if (!target.feasible) {  // a cache collision; put the request back where it was
                if (best_route != from) {
                    erase_request(target, r);
                    refresh(ctx.nodes, target, ctx.scratch);
                }
                plan.routes[static_cast<std::size_t>(from)] = std::move(original);
                continue;
            }
            plan.route_of[static_cast<std::size_t>(r)] = best_route;
            mark(focus, best_route);
            improved = true;
        }
    }
    recompute_distance(plan);
}

}  // namespace lifeline::match::detail

namespace lifeline::match::detail {

namespace {

// Positions after which `route` runs empty (outside its started prefix): cut points.
std::vector<int> empty_points(const RouteState& route) {
    std::vector<int> points;
    for (int k = route.locked; k + 1 < route.size(); ++k)
        if (route.load[static_cast<std::size_t>(k)] == Load{})
            points.push_back(k);
    return points;
}

// The distance saved by cutting `ra` after position i and `rb` after position j and
// swapping the tails. Tails keep their own end depots. The gain counts every edge that
// changes: the two cut edges, and the edges from each tail's last stop to its new
// vehicle's end depot (vehicles may end at different places — each volunteer drives
// home). Counting only the cut edges would let a move that lengthens the plan pass as a
// gain, and the descent could then undo and redo it for ever.
Distance tail_gain(const Nodes& nodes, const RouteState& ra, const RouteState& rb, int i, int j) {
    const int xa = ra.nodes[static_cast<std::size_t>(i)];
    const int ya = ra.nodes[static_cast<std::size_t>(i + 1)];
    const int xb = rb.nodes[static_cast<std::size_t>(j)];
    const int yb = rb.nodes[static_cast<std::size_t>(j + 1)];
    const int end_a = ra.nodes.back();
    const int end_b = rb.nodes.back();
    const bool tail_a = ya != end_a;
    const bool tail_b = yb != end_b;
    const int last_a = ra.nodes[ra.nodes.size() - 2];
    const int last_b = rb.nodes[rb.nodes.size() - 2];
    Distance gain = nodes.distance(xa, ya) + nodes.distance(xb, yb);
    if (tail_a)
        gain += nodes.distance(last_a, end_a);
    if (tail_b)
        gain += nodes.distance(last_b, end_b);
    gain -= nodes.distance(xa, tail_b ? yb : end_a);
    gain -= nodes.distance(xb, tail_a ? ya : end_b);
    if (tail_b)
        gain -= nodes.distance(last_b, end_a);
    if (tail_a)
        gain -= nodes.distance(last_a, end_b);
    return gain;
}

// `head`'s vehicle with its stops up to position `cut`, then `tail`'s stops after `at`,
// then `head`'s end depot. Not refreshed.
void join(const RouteState& head, int cut, const RouteState& tail, int at, RouteState& out) {
    out.vehicle = head.vehicle;
    out.locked = head.locked;
    out.nodes.assign(head.nodes.begin(), head.nodes.begin() + cut + 1);
    out.nodes.insert(out.nodes.end(), tail.nodes.begin() + at + 1, tail.nodes.end() - 1);
    out.nodes.push_back(head.nodes.back());
}

struct TailSwap {
    Distance gain = 0;
    int i = -1, j = -1;  // cut positions in routes a and b; -1: no improving swap
};

// The feasible tail swap of routes a and b that saves the most distance.
TailSwap best_tail_swap(Context& ctx, const RouteState& ra, const RouteState& rb, RouteState& first,
                        RouteState& second) {
    TailSwap best;
    const auto pa = empty_points(ra);
    const auto pb = empty_points(rb);
    for (int i : pa) {
        for (int j : pb) {
            const Distance gain = tail_gain(ctx.nodes, ra, rb, i, j);
            if (gain <= best.gain)
                continue;
            join(ra, i, rb, j, first);
            refresh(ctx.nodes, first, ctx.scratch);
            if (!first.feasible)
                continue;
            join(rb, j, ra, i, second);
            refresh(ctx.nodes, second, ctx.scratch);
            if (!second.feasible)
                continue;
            best = {gain, i, j};
        }
    }
    return best;
}

}  // namespace

// 2-opt* at empty-vehicle points: where a vehicle is empty its route splits cleanly, so two
// routes can swap their tails without separating any passenger from their ride. These
// moves reshuffle whole chains of trips between vehicles, which removal and reinsertion
// of a few requests rarely finds.
bool exchange_tails(Context& ctx, Plan& plan, Focus& focus) {
    const Nodes& nodes = ctx.nodes;
    const int vehicles = static_cast<int>(plan.routes.size());
    bool improved_any = false;
    RouteState first, second;
    for (VehicleIndex a = 0; a < vehicles; ++a) {
        for (VehicleIndex b = a + 1; b < vehicles; ++b) {
            const RouteState& ra = plan.routes[static_cast<std::size_t>(a)];
            const RouteState& rb = plan.routes[static_cast<std::size_t>(b)];
            if ((ra.size() == 2 && rb.size() == 2) || plan.is_closed(a) || plan.is_closed(b) ||
                (!in_focus(focus, a) && !in_focus(focus, b)))
                continue;
            const TailSwap swap = best_tail_swap(ctx, ra, rb, first, second);
            if (swap.i < 0)
                continue;
            // Rebuild the winning pair (the scratch routes hold the last one tried).
            join(ra, swap.i, rb, swap.j, first);
            join(rb, swap.j, ra, swap.i, second);
            refresh(nodes, first, ctx.scratch);
            refresh(nodes, second, ctx.scratch);
            for (int node : first.nodes)
                if (nodes.is_pickup(node))
                    plan.route_of[static_cast<std::size_t>(Nodes::request_of(node))] = a;
            for (int node : second.nodes)
                if (nodes.is_pickup(node))
                    plan.route_of[static_cast<std::size_t>(Nodes::request_of(node))] = b;
            plan.routes[static_cast<std::size_t>(a)] = first;
            plan.routes[static_cast<std::size_t>(b)] = second;
            mark(focus, a);
            mark(focus, b);
            improved_any = true;
        }
    }
    recompute_distance(plan);
    return improved_any;
}

void descend(Context& ctx, Plan& plan, Focus focus) {
    // Every accepted move shortens the plan, so this ends; the cap bounds the time one
    // descent can take on a large day whatever the data.
    constexpr int max_rounds = 50;
    int round = 0;
    do {
        relocate_descent(ctx, plan, focus);
    } while (++round < max_rounds && exchange_tails(ctx, plan, focus));
}

}  // namespace lifeline::match::detail
