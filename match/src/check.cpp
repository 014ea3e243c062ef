// The independent verifier. Deliberately shares nothing with route.cpp: structure and
// loads are walked stop by stop, and time feasibility is a textbook Bellman-Ford over the
// difference constraints of the route.
#include "lifeline/match/check.h"

#include <algorithm>
#include <limits>
#include <string>

namespace lifeline::match {
namespace {

enum class EdgeKind { window, travel, ride, duration };

struct Edge {
    int from;
    int to;
    Time weight;  // x[to] - x[from] <= weight
    EdgeKind kind;
    RequestIndex request;
};

struct StopInfo {
    int route = -1;
    int position = -1;
    int count = 0;
};

Violation make(ViolationKind kind, int route, RequestIndex request, std::string detail) {
    return Violation{kind, route, request, std::move(detail)};
}

// The difference constraints of one structurally valid route. Vertex 0 is the time
// origin, vertex 1 the start, 2..m+1 the stops, m+2 the end.
struct Constraints {
    int vertices = 0;
    std::vector<Edge> edges;
};

Constraints route_constraints(const Problem& problem, const Route& route) {
    const Vehicle& vehicle = problem.vehicles[static_cast<std::size_t>(route.vehicle)];
    const TravelModel& travel = *problem.travel;
    const int m = static_cast<int>(route.stops.size());
    Constraints c;
    c.vertices = m + 3;
    std::vector<LocationId> where(static_cast<std::size_t>(c.vertices), 0);
    std::vector<Time> service(static_cast<std::size_t>(c.vertices), 0);
    std::vector<Edge>& edges = c.edges;
    auto window = [&](int vertex, Time earliest, Time latest) {
        edges.push_back({0, vertex, latest, EdgeKind::window, -1});
        edges.push_back({vertex, 0, -earliest, EdgeKind::window, -1});
    };
    where[1] = vehicle.start;
    window(1, vehicle.shift_start, vehicle.shift_end);
    std::vector<int> pickup_vertex(problem.requests.size(), -1);
    for (int k = 0; k < m; ++k) {
        const Stop& s = route.stops[static_cast<std::size_t>(k)];
        const Request& r = problem.requests[static_cast<std::size_t>(s.request)];
        const Place& place = s.pickup ? r.pickup : r.dropoff;
        const int vertex = k + 2;
        where[static_cast<std::size_t>(vertex)] = place.location;
        service[static_cast<std::size_t>(vertex)] = place.service;
        window(vertex, place.earliest, place.latest);
        if (s.pickup) {
            pickup_vertex[static_cast<std::size_t>(s.request)] = vertex;
        } else {
            const int p = pickup_vertex[static_cast<std::size_t>(s.request)];
            edges.push_back({p, vertex, r.pickup.service + r.max_ride, EdgeKind::ride, s.request});
        }
    }
    where[static_cast<std::size_t>(m + 2)] = vehicle.end;
    window(m + 2, vehicle.shift_start, vehicle.shift_end);
    for (int v = 1; v < m + 2; ++v) {
        const Time leg =
            service[static_cast<std::size_t>(v)] +
            travel.time(where[static_cast<std::size_t>(v)], where[static_cast<std::size_t>(v + 1)]);
        edges.push_back({v + 1, v, -leg, EdgeKind::travel, -1});
    }
    edges.push_back({1, m + 2, vehicle.max_duration, EdgeKind::duration, -1});
    return c;
}

// Bellman-Ford from the origin. `relaxed_last` is -1 when the distances settled (they are
// then a feasible schedule), else a vertex still relaxing after |V| rounds.
struct ShortestPaths {
    std::vector<Time> dist;
    std::vector<int> via;  // edge index
    int relaxed_last = -1;
};

ShortestPaths shortest_paths(const Constraints& c) {
    constexpr Time unreached = std::numeric_limits<Time>::max();
    ShortestPaths sp;
    sp.dist.assign(static_cast<std::size_t>(c.vertices), unreached);
    sp.via.assign(static_cast<std::size_t>(c.vertices), -1);
    sp.dist[0] = 0;
    for (int round = 0; round < c.vertices; ++round) {
        sp.relaxed_last = -1;
        for (std::size_t e = 0; e < c.edges.size(); ++e) {
            const Edge& edge = c.edges[e];
            const Time from = sp.dist[static_cast<std::size_t>(edge.from)];
            if (from == unreached)
                continue;
            if (from + edge.weight < sp.dist[static_cast<std::size_t>(edge.to)]) {
                sp.dist[static_cast<std::size_t>(edge.to)] = from + edge.weight;
                sp.via[static_cast<std::size_t>(edge.to)] = static_cast<int>(e);
                sp.relaxed_last = edge.to;
            }
        }
        if (sp.relaxed_last < 0)
            break;
    }
    return sp;
}

// Still relaxing after |V| rounds: a negative cycle. Step back |V| times to land on it,
// then collect its edges to name the constraints that cannot hold together.
Violation cycle_violation(const Constraints& c, const ShortestPaths& sp, int route_index) {
    int v = sp.relaxed_last;
    for (int k = 0; k < c.vertices; ++k)
        v = c.edges[static_cast<std::size_t>(sp.via[static_cast<std::size_t>(v)])].from;
    bool ride = false, duration = false;
    RequestIndex rider = -1;
    const int first = v;
    do {
        const Edge& edge = c.edges[static_cast<std::size_t>(sp.via[static_cast<std::size_t>(v)])];
        if (edge.kind == EdgeKind::ride) {
            ride = true;
            rider = edge.request;
        }
        if (edge.kind == EdgeKind::duration)
            duration = true;
        v = edge.from;
    } while (v != first);
    const std::string where_text = "route " + std::to_string(route_index);
    if (ride)
        return make(
            ViolationKind::ride_time, route_index, rider,
            where_text + ": ride time of request " + std::to_string(rider) + " cannot be kept");
    if (duration)
        return make(ViolationKind::route_duration, route_index, -1,
                    where_text + ": longer than the vehicle's maximum duration");
    return make(ViolationKind::time_window, route_index, -1,
                where_text + ": time windows or shift cannot be met");
}

// Time feasibility of one structurally valid route: its schedule, or why there is none.
void check_times(const Problem& problem, const Route& route, int route_index, CheckReport& report) {
    const Constraints c = route_constraints(problem, route);
    const ShortestPaths sp = shortest_paths(c);
    if (sp.relaxed_last >= 0) {
        report.violations.push_back(cycle_violation(c, sp, route_index));
        return;
    }
    const int m = static_cast<int>(route.stops.size());
    std::vector<Time> times;
    for (int k = 0; k < m; ++k)
        times.push_back(sp.dist[static_cast<std::size_t>(k + 2)]);
    report.schedules[static_cast<std::size_t>(route_index)] = std::move(times);
    report.departures[static_cast<std::size_t>(route_index)] = sp.dist[1];
    report.arrivals[static_cast<std::size_t>(route_index)] =
        sp.dist[static_cast<std::size_t>(m + 2)];
}

}  // namespace

std::string_view to_string(ViolationKind kind) {
    switch (kind) {
        case ViolationKind::unknown_vehicle:
            return "unknown_vehicle";
        case ViolationKind::unknown_request:
            return "unknown_request";
        case ViolationKind::duplicate_stop:
            return "duplicate_stop";
        case ViolationKind::incomplete_request:
            return "incomplete_request";
        case ViolationKind::order:
            return "order";
        case ViolationKind::missing_request:
            return "missing_request";
        case ViolationKind::capacity_seats:
            return "capacity_seats";
        case ViolationKind::capacity_wheelchairs:
            return "capacity_wheelchairs";
        case ViolationKind::ride_alone:
            return "ride_alone";
        case ViolationKind::time_window:
            return "time_window";
        case ViolationKind::ride_time:
            return "ride_time";
        case ViolationKind::route_duration:
            return "route_duration";
    }
    return "unknown";
}

bool CheckReport::has(ViolationKind kind) const {
    return std::any_of(violations.begin(), violations.end(),
                       [kind](const Violation& v) { return v.kind == kind; });
}

namespace {

// Where each request's pickup and drop-off were found, and which routes are sound enough
// to have their loads and times checked.
struct Structure {
    std::vector<StopInfo> pickups, dropoffs;  // by request
    std::vector<char> route_ok;               // by route
};

// Each route's vehicle exists and is used once; each stop names a known request, once.
Structure walk_routes(const Problem& problem, const Solution& solution, CheckReport& report) {
    const std::size_t routes = solution.routes.size();
    const std::size_t n = problem.requests.size();
    Structure st{std::vector<StopInfo>(n), std::vector<StopInfo>(n), std::vector<char>(routes, 1)};
    std::vector<char> vehicle_used(problem.vehicles.size(), 0);
    for (std::size_t ri = 0; ri < routes; ++ri) {
        const Route& route = solution.routes[ri];
        const int index = static_cast<int>(ri);
        if (route.vehicle < 0 ||
            static_cast<std::size_t>(route.vehicle) >= problem.vehicles.size() ||
            vehicle_used[static_cast<std::size_t>(route.vehicle)]) {
            report.violations.push_back(make(ViolationKind::unknown_vehicle, index, -1,
                                             "route " + std::to_string(ri) + ": vehicle " +
                                                 std::to_string(route.vehicle) +
                                                 " unknown or used twice"));
            st.route_ok[ri] = 0;
            continue;
        }
        vehicle_used[static_cast<std::size_t>(route.vehicle)] = 1;
        for (std::size_t k = 0; k < route.stops.size(); ++k) {
            const Stop& s = route.stops[k];
            if (s.request < 0 || static_cast<std::size_t>(s.request) >= n) {
                report.violations.push_back(make(ViolationKind::unknown_request, index, s.request,
                                                 "unknown request " + std::to_string(s.request)));
                st.route_ok[ri] = 0;
                continue;
            }
            StopInfo& info =
                (s.pickup ? st.pickups : st.dropoffs)[static_cast<std::size_t>(s.request)];
            if (++info.count > 1) {
                report.violations.push_back(
                    make(ViolationKind::duplicate_stop, index, s.request,
                         "request " + std::to_string(s.request) + " visited twice"));
                st.route_ok[ri] = 0;
            }
            info.route = index;
            info.position = static_cast<int>(k);
        }
    }
    return st;
}

// Every request is served whole (pickup then drop-off, by one vehicle) or listed unserved.
void check_requests(const Solution& solution, Structure& st, CheckReport& report) {
    const std::size_t n = st.pickups.size();
    std::vector<char> listed_unserved(n, 0);
    for (const Unserved& u : solution.unserved)
        if (u.request >= 0 && static_cast<std::size_t>(u.request) < n)
            listed_unserved[static_cast<std::size_t>(u.request)] = 1;
    for (std::size_t r = 0; r < n; ++r) {
        const StopInfo& p = st.pickups[r];
        const StopInfo& d = st.dropoffs[r];
        const auto request = static_cast<RequestIndex>(r);
        if (p.count == 0 && d.count == 0) {
            if (!listed_unserved[r])
                report.violations.push_back(
                    make(ViolationKind::missing_request, -1, request,
                         "request " + std::to_string(r) + " neither served nor unserved"));
            continue;
        }
        if (p.count == 0 || d.count == 0 || p.route != d.route) {
            report.violations.push_back(make(
                ViolationKind::incomplete_request, std::max(p.route, d.route), request,
                "request " + std::to_string(r) + " not picked up and dropped off by one vehicle"));
            if (p.route >= 0)
                st.route_ok[static_cast<std::size_t>(p.route)] = 0;
            if (d.route >= 0)
                st.route_ok[static_cast<std::size_t>(d.route)] = 0;
            continue;
        }
        if (d.position < p.position) {
            report.violations.push_back(
                make(ViolationKind::order, p.route, request,
                     "request " + std::to_string(r) + " dropped off before pickup"));
            st.route_ok[static_cast<std::size_t>(p.route)] = 0;
        }
        ++report.served;
    }
}

// Loads within capacity, and nobody sharing the vehicle with a ride_alone passenger.
void check_loads(const Problem& problem, const Route& route, int index, CheckReport& report) {
    const Vehicle& vehicle = problem.vehicles[static_cast<std::size_t>(route.vehicle)];
    const std::string where = "route " + std::to_string(index);
    int seats = 0, wheelchairs = 0, aboard = 0;
    RequestIndex alone_aboard = -1;
    for (const Stop& s : route.stops) {
        const Request& r = problem.requests[static_cast<std::size_t>(s.request)];
        const int sign = s.pickup ? 1 : -1;
        if (s.pickup && (alone_aboard >= 0 || (r.ride_alone && aboard > 0)))
            report.violations.push_back(make(ViolationKind::ride_alone, index,
                                             r.ride_alone ? s.request : alone_aboard,
                                             where + ": shared ride with a ride_alone passenger"));
        seats += sign * r.load.seats;
        wheelchairs += sign * r.load.wheelchairs;
        aboard += sign;
        if (s.pickup && r.ride_alone)
            alone_aboard = s.request;
        if (!s.pickup && s.request == alone_aboard)
            alone_aboard = -1;
        if (seats > vehicle.capacity.seats)
            report.violations.push_back(make(ViolationKind::capacity_seats, index, s.request,
                                             where + ": seats over capacity"));
        if (wheelchairs > vehicle.capacity.wheelchairs)
            report.violations.push_back(make(ViolationKind::capacity_wheelchairs, index, s.request,
                                             where + ": wheelchair spaces over capacity"));
    }
}

// Every leg from the start through the stops to the end.
Distance route_distance(const Problem& problem, const Route& route) {
    const Vehicle& vehicle = problem.vehicles[static_cast<std::size_t>(route.vehicle)];
    Distance distance = 0;
    LocationId at = vehicle.start;
    for (const Stop& s : route.stops) {
        const Request& r = problem.requests[static_cast<std::size_t>(s.request)];
        const LocationId next = s.pickup ? r.pickup.location : r.dropoff.location;
        distance += problem.travel->distance(at, next);
        at = next;
    }
    if (!route.stops.empty() || vehicle.start != vehicle.end)
        distance += problem.travel->distance(at, vehicle.end);
    return distance;
}

}  // namespace

CheckReport check(const Problem& problem, const Solution& solution) {
    CheckReport report;
    const std::size_t routes = solution.routes.size();
    report.schedules.resize(routes);
    report.departures.assign(routes, 0);
    report.arrivals.assign(routes, 0);
    if (!problem.travel) {
        report.violations.push_back(
            make(ViolationKind::unknown_vehicle, -1, -1, "no travel model"));
        return report;
    }
    Structure st = walk_routes(problem, solution, report);
    check_requests(solution, st, report);
    for (std::size_t ri = 0; ri < routes; ++ri) {
        if (!st.route_ok[ri])
            continue;
        const Route& route = solution.routes[ri];
        const int index = static_cast<int>(ri);
        check_loads(problem, route, index, report);
        check_times(problem, route, index, report);
        report.distance += route_distance(problem, route);
    }
    return report;
}

}  // namespace lifeline::match
