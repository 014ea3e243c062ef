#include "route.h"

#include <algorithm>

namespace lifeline::match::detail {

bool schedule(const Nodes& nodes, VehicleIndex v, const std::vector<int>& seq,
              std::vector<Time>& times, int from, Scratch& scratch) {
    const int m = static_cast<int>(seq.size());
    times.resize(static_cast<std::size_t>(m));
    if (from <= 0) {
        times[0] = nodes.earliest(seq[0]);
        from = 1;
    }
    auto& pos = scratch.pickup_pos;
    if (pos.size() < static_cast<std::size_t>(nodes.requests()))
        pos.assign(static_cast<std::size_t>(nodes.requests()), -1);
    auto& backs = scratch.backs;
    backs.clear();
    for (int k = 1; k + 1 < m; ++k) {
        const int node = seq[static_cast<std::size_t>(k)];
        const RequestIndex r = Nodes::request_of(node);
        if (nodes.is_pickup(node)) {
            pos[static_cast<std::size_t>(r)] = k;
        } else {
            backs.push_back({pos[static_cast<std::size_t>(r)], k,
                             nodes.service(Nodes::pickup(r)) + nodes.max_ride(r)});
        }
    }
    const Time max_duration = nodes.max_duration(v);
    // Without a positive cycle every longest path uses each pull at most once, so the
    // fixpoint is reached within |pulls| + 1 rounds; still moving after that means the
    // constraints contradict each other.
    const int max_rounds = static_cast<int>(backs.size()) + 2;
    int fresh = from;  // positions >= fresh have no value yet
    int lo = from;
    int last_raised = -1;
    for (int round = 0;; ++round) {
        for (int k = lo; k < m; ++k) {
            const int prev = seq[static_cast<std::size_t>(k - 1)];
            const int node = seq[static_cast<std::size_t>(k)];
            const Time arrival = times[static_cast<std::size_t>(k - 1)] + nodes.service(prev) +
                                 nodes.time(prev, node);
            Time start;
            if (k >= fresh) {
                start = std::max(nodes.earliest(node), arrival);
            } else {
                if (arrival <= times[static_cast<std::size_t>(k)]) {
                    if (k > last_raised)
                        break;  // nothing downstream changes
                    continue;
                }
                start = arrival;
            }
            if (start > nodes.latest(node))
                return false;
            times[static_cast<std::size_t>(k)] = start;
        }
        fresh = m;
        lo = m;
        last_raised = -1;
        for (const auto& b : backs) {
            const Time need = times[static_cast<std::size_t>(b.dropoff)] - b.limit;
            if (need <= times[static_cast<std::size_t>(b.pickup)])
                continue;
            if (need > nodes.latest(seq[static_cast<std::size_t>(b.pickup)]))
                return false;
            times[static_cast<std::size_t>(b.pickup)] = need;
            lo = std::min(lo, b.pickup + 1);
            last_raised = std::max(last_raised, b.pickup);
        }
        const Time need = times[static_cast<std::size_t>(m - 1)] - max_duration;
        if (need > times[0]) {
            if (need > nodes.latest(seq[0]))
                return false;
            times[0] = need;
            lo = 1;
            last_raised = std::max(last_raised, 0);
        }
        if (lo == m)
            return true;
        if (round >= max_rounds)
            return false;
    }
}

bool loads_ok(const Nodes& nodes, VehicleIndex v, const std::vector<int>& seq) {
    const Load capacity = nodes.capacity(v);
    Load load{};
    const int m = static_cast<int>(seq.size());
    for (int k = 1; k + 1 < m; ++k) {
        const int node = seq[static_cast<std::size_t>(k)];
        if (nodes.is_pickup(node) && nodes.alone(Nodes::request_of(node))) {
            if (load.seats != 0 || load.wheelchairs != 0)
                return false;
            if (seq[static_cast<std::size_t>(k + 1)] != node + 1)
                return false;
        }
        load = load + nodes.delta(node);
        if (!fits(load, capacity))
            return false;
    }
    return true;
}

void refresh(const Nodes& nodes, RouteState& route, Scratch& scratch) {
    const auto& seq = route.nodes;
    const int m = route.size();
    const auto um = static_cast<std::size_t>(m);
    route.feasible = loads_ok(nodes, route.vehicle, seq) &&
                     schedule(nodes, route.vehicle, seq, route.times, 0, scratch);
    route.latest.resize(um);
    route.path.resize(um);
    route.load.resize(um);
    route.latest[um - 1] = nodes.latest(seq[um - 1]);
    for (int k = m - 2; k >= 0; --k) {
        const auto uk = static_cast<std::size_t>(k);
        route.latest[uk] =
            std::min(nodes.latest(seq[uk]), route.latest[uk + 1] - nodes.service(seq[uk]) -
                                                nodes.time(seq[uk], seq[uk + 1]));
    }
    route.path[0] = 0;
    route.load[0] = Load{};
    Distance distance = 0;
    for (std::size_t k = 1; k < um; ++k) {
        route.path[k] =
            route.path[k - 1] + nodes.service(seq[k - 1]) + nodes.time(seq[k - 1], seq[k]);
        route.load[k] = route.load[k - 1] + nodes.delta(seq[k]);
        distance += nodes.distance(seq[k - 1], seq[k]);
    }
    route.distance = distance;
    std::uint64_t h = 0xcbf29ce484222325ULL ^ (static_cast<std::uint64_t>(route.vehicle) << 20) ^
                      static_cast<std::uint64_t>(route.locked);
    for (int node : seq)
        h = (h ^ static_cast<std::uint64_t>(node)) * 0x100000001b3ULL;
    route.hash = h;
}

namespace {

void build(const RouteState& route, int p, int i, int j, std::vector<int>& seq) {
    seq.clear();
    const auto& n = route.nodes;
    seq.insert(seq.end(), n.begin(), n.begin() + i + 1);
    seq.push_back(p);
    seq.insert(seq.end(), n.begin() + i + 1, n.begin() + j + 1);
    seq.push_back(p + 1);
    seq.insert(seq.end(), n.begin() + j + 1, n.end());
}

}  // namespace

Placement best_insertion(const Nodes& nodes, const RouteState& route, RequestIndex r,
                         Scratch& scratch) {
    if (!route.feasible)
        return {};
    const int p = Nodes::pickup(r);
    const int d = Nodes::dropoff(r);
    const Load q = nodes.delta(p);
    const Load capacity = nodes.capacity(route.vehicle);
    if (!fits(q, capacity))
        return {};
    const bool alone = nodes.alone(r);
    const Time ep = nodes.earliest(p), lp = nodes.latest(p), sp = nodes.service(p);
    const Time ed = nodes.earliest(d), ld = nodes.latest(d), sd = nodes.service(d);
    const Time max_ride = nodes.max_ride(r);
    const Time tpd = nodes.time(p, d);
    if (tpd > max_ride)
        return {};
    const Distance dpd = nodes.distance(p, d);
    const auto& seq = route.nodes;
    const auto& times = route.times;
    const auto& latest = route.latest;
    const auto& path = route.path;
    const auto& load = route.load;
    const int m = route.size();
    auto& cands = scratch.candidates;
    cands.clear();
    auto at = [](const auto& v, int k) { return v[static_cast<std::size_t>(k)]; };
    // An alone passenger's pickup is always followed by its own drop-off: nothing fits
    // between them.
    auto alone_open = [&](int k) {
        const int node = at(seq, k);
        return nodes.is_pickup(node) && nodes.alone(Nodes::request_of(node));
    };

    for (int i = route.locked; i + 1 < m; ++i) {
        const int a = at(seq, i);
        const int b = at(seq, i + 1);
        if (at(times, i) + nodes.service(a) > lp)
            break;
        if (alone_open(i))
            continue;
        const Load after = at(load, i) + q;
        if (!fits(after, capacity))
            continue;
        if (alone && !(at(load, i) == Load{}))
            continue;
        const Time arrive_p = std::max(ep, at(times, i) + nodes.service(a) + nodes.time(a, p));
        if (arrive_p > lp)
            continue;
        const Distance dap = nodes.distance(a, p);
        const Distance dab = nodes.distance(a, b);
        // Drop-off right after the pickup.
        {
            const Time arrive_d = std::max(ed, arrive_p + sp + tpd);
            if (arrive_d <= ld && arrive_d + sd + nodes.time(d, b) <= at(latest, i + 1))
                cands.push_back({dap + dpd + nodes.distance(d, b) - dab, i, i});
        }
        if (alone)
            continue;
        const Time tpb = nodes.time(p, b);
        Time cur = std::max(at(times, i + 1), arrive_p + sp + tpb);  // lower bound at b
        if (cur > at(latest, i + 1))
            continue;
        const Distance dp = dap + nodes.distance(p, b) - dab;
        for (int j = i + 1; j + 1 < m; ++j) {
            const int c = at(seq, j);
            const int e = at(seq, j + 1);
            if (!fits(at(load, j) + q, capacity) || alone_open(j))
                break;
            const Time leave_c = cur + nodes.service(c);
            if (leave_c > ld)
                break;
            const Time tcd = nodes.time(c, d);
            const Time ride = tpb + at(path, j) - at(path, i + 1) + nodes.service(c) + tcd;
            if (ride > max_ride)
                break;  // only grows with j (triangle inequality)
            const Time arrive_d = std::max(ed, leave_c + tcd);
            if (arrive_d <= ld && arrive_d + sd + nodes.time(d, e) <= at(latest, j + 1)) {
                cands.push_back(
                    {dp + nodes.distance(c, d) + nodes.distance(d, e) - nodes.distance(c, e), i,
                     j});
            }
            cur = std::max(at(times, j + 1), cur + at(path, j + 1) - at(path, j));
            if (cur > at(latest, j + 1))
                break;
        }
    }
    std::sort(cands.begin(), cands.end(), [](const auto& x, const auto& y) {
        if (x.delta != y.delta)
            return x.delta < y.delta;
        if (x.i != y.i)
            return x.i < y.i;
        return x.j < y.j;
    });
    auto& trial = scratch.seq;
    auto& trial_times = scratch.times;
    for (const auto& c : cands) {
        build(route, p, c.i, c.j, trial);
        trial_times.assign(times.begin(), times.begin() + c.i + 1);
        if (schedule(nodes, route.vehicle, trial, trial_times, c.i + 1, scratch))
            return {c.delta, c.i, c.j};
    }
    return {};
}

void apply(const Nodes& nodes, RouteState& route, RequestIndex r, Placement p, Scratch& scratch) {
    auto& n = route.nodes;
    n.insert(n.begin() + p.j + 1, Nodes::dropoff(r));
    n.insert(n.begin() + p.i + 1, Nodes::pickup(r));
    refresh(nodes, route, scratch);
}

void erase_request(RouteState& route, RequestIndex r) {
    auto& n = route.nodes;
    const int p = Nodes::pickup(r);
    n.erase(std::remove_if(n.begin(), n.end(), [p](int x) { return x == p || x == p + 1; }),
            n.end());
}

}  // namespace lifeline::match::detail
