#include "lifeline/match/instances.h"

#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace lifeline::match {
namespace {

Time ticks_up(double units) {
    return static_cast<Time>(std::ceil(units * ticks_per_unit));
}
Time ticks(double units) {
    return static_cast<Time>(std::llround(units * ticks_per_unit));
}

std::string stem(const std::string& path) {
    const auto slash = path.find_last_of('/');
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    const auto dot = name.find_last_of('.');
    return dot == std::string::npos ? name : name.substr(0, dot);
}

std::ifstream open(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot open " + path);
    return in;
}

// Travel matrices over all locations: time = distance / speed rounded up, distance rounded.
void build_travel(Instance& inst) {
    const std::size_t n = inst.x.size();
    std::vector<Time> times(n * n);
    std::vector<Distance> distances(n * n);
    for (std::size_t a = 0; a < n; ++a)
        for (std::size_t b = 0; b < n; ++b) {
            const double d = euclid(inst, static_cast<int>(a), static_cast<int>(b));
            times[a * n + b] = ticks_up(d / inst.speed);
            distances[a * n + b] = ticks(d);
        }
    inst.problem.travel = std::make_shared<MatrixTravel>(n, std::move(times), std::move(distances));
}

Place place(const Instance& inst, int node) {
    const auto k = static_cast<std::size_t>(node);
    return {node, ticks(inst.earliest[k]), ticks(inst.latest[k]), ticks(inst.service[k])};
}

}  // namespace

double euclid(const Instance& inst, int a, int b) {
    const double dx = inst.x[static_cast<std::size_t>(a)] - inst.x[static_cast<std::size_t>(b)];
    const double dy = inst.y[static_cast<std::size_t>(a)] - inst.y[static_cast<std::size_t>(b)];
    return std::sqrt(dx * dx + dy * dy);
}

Instance read_cordeau(const std::string& path) {
    auto in = open(path);
    Instance inst;
    inst.name = stem(path);
    int vehicles = 0, requests = 0, capacity = 0;
    double duration = 0, ride = 0;
    if (!(in >> vehicles >> requests >> duration >> capacity >> ride))
        throw std::runtime_error(path + ": bad header");
    const int nodes = 2 * requests + 2;
    std::vector<int> load(static_cast<std::size_t>(nodes));
    for (int k = 0; k < nodes; ++k) {
        int id = 0;
        double x = 0, y = 0, s = 0, e = 0, l = 0;
        if (!(in >> id >> x >> y >> s >> load[static_cast<std::size_t>(k)] >> e >> l) || id != k)
            throw std::runtime_error(path + ": bad node line " + std::to_string(k));
        inst.x.push_back(x);
        inst.y.push_back(y);
        inst.service.push_back(s);
        inst.earliest.push_back(e);
        inst.latest.push_back(l);
    }
    inst.start_node = 0;
    inst.end_node = nodes - 1;
    inst.max_duration = duration;
    for (int r = 0; r < requests; ++r) {
        const int p = r + 1, d = requests + r + 1;
        Request req;
        req.pickup = place(inst, p);
        req.dropoff = place(inst, d);
        req.load = {load[static_cast<std::size_t>(p)], 0};
        req.max_ride = ticks(ride);
        inst.problem.requests.push_back(req);
        inst.pickup_node.push_back(p);
        inst.dropoff_node.push_back(d);
        inst.max_ride.push_back(ride);
    }
    for (int v = 0; v < vehicles; ++v) {
        Vehicle veh;
        veh.start = inst.start_node;
        veh.end = inst.end_node;
        veh.capacity = {capacity, 0};
        veh.shift_start = ticks(inst.earliest[0]);
        veh.shift_end = ticks(inst.latest[static_cast<std::size_t>(inst.end_node)]);
        veh.max_duration = ticks(duration);
        inst.problem.vehicles.push_back(veh);
    }
    build_travel(inst);
    return inst;
}

Instance read_lilim(const std::string& path) {
    auto in = open(path);
    Instance inst;
    inst.name = stem(path);
    int vehicles = 0, capacity = 0;
    double speed = 1;
    std::string line;
    if (!std::getline(in, line))
        throw std::runtime_error(path + ": empty");
    {
        std::istringstream header(line);
        if (!(header >> vehicles >> capacity))
            throw std::runtime_error(path + ": bad header");
        if (!(header >> speed) || speed <= 0)
            speed = 1;
    }
    inst.speed = speed;
    struct Task {
        int demand, pickup, delivery;
    };
    std::vector<Task> tasks;
    while (std::getline(in, line)) {
        std::istringstream row(line);
        int id = 0, demand = 0, pickup = 0, delivery = 0;
        double x = 0, y = 0, e = 0, l = 0, s = 0;
        if (!(row >> id))
            continue;  // blank line
        if (!(row >> x >> y >> demand >> e >> l >> s >> pickup >> delivery) ||
            id != static_cast<int>(tasks.size()))
            throw std::runtime_error(path + ": bad task line " + std::to_string(tasks.size()));
        inst.x.push_back(x);
        inst.y.push_back(y);
        inst.earliest.push_back(e);
        inst.latest.push_back(l);
        inst.service.push_back(s);
        tasks.push_back({demand, pickup, delivery});
    }
    if (tasks.empty())
        throw std::runtime_error(path + ": no depot");
    inst.start_node = inst.end_node = 0;
    const double horizon = inst.latest[0] - inst.earliest[0];
    inst.max_duration = horizon;
    for (std::size_t t = 1; t < tasks.size(); ++t) {
        if (tasks[t].pickup != 0)
            continue;  // a delivery: read with its pickup
        const int d = tasks[t].delivery;
        if (d <= 0 || static_cast<std::size_t>(d) >= tasks.size() ||
            tasks[static_cast<std::size_t>(d)].pickup != static_cast<int>(t))
            throw std::runtime_error(path + ": task " + std::to_string(t) +
                                     " names a bad delivery");
        Request req;
        req.pickup = place(inst, static_cast<int>(t));
        req.dropoff = place(inst, d);
        req.load = {tasks[t].demand, 0};
        req.max_ride = ticks(horizon);  // no ride-time limit beyond the horizon
        inst.problem.requests.push_back(req);
        inst.pickup_node.push_back(static_cast<int>(t));
        inst.dropoff_node.push_back(d);
        inst.max_ride.push_back(horizon);
    }
    for (int v = 0; v < vehicles; ++v) {
        Vehicle veh;
        veh.start = veh.end = 0;
        veh.capacity = {capacity, 0};
        veh.shift_start = ticks(inst.earliest[0]);
        veh.shift_end = ticks(inst.latest[0]);
        veh.max_duration = ticks(horizon);
        inst.problem.vehicles.push_back(veh);
    }
    build_travel(inst);
    return inst;
}

std::vector<int> route_nodes(const Instance& inst, const Route& route) {
    std::vector<int> out{inst.start_node};
    for (const auto& s : route.stops)
        out.push_back(
            (s.pickup ? inst.pickup_node : inst.dropoff_node)[static_cast<std::size_t>(s.request)]);
    out.push_back(inst.end_node);
    return out;
}

double route_cost(const Instance& inst, const Route& route) {
    if (route.stops.empty())
        return 0;
    const auto nodes = route_nodes(inst, route);
    double cost = 0;
    for (std::size_t k = 1; k < nodes.size(); ++k)
        cost += euclid(inst, nodes[k - 1], nodes[k]);
    return cost;
}

std::string verify_in_double(const Instance& inst, const Solution& solution,
                             const CheckReport& report, double eps) {
    for (std::size_t ri = 0; ri < solution.routes.size(); ++ri) {
        const auto& route = solution.routes[ri];
        if (route.stops.empty())
            continue;
        const auto nodes = route_nodes(inst, route);
        const auto& sched = report.schedules[ri];
        if (sched.size() != route.stops.size())
            return "route " + std::to_string(ri) + ": no schedule";
        std::vector<double> b;
        b.push_back(static_cast<double>(report.departures[ri]) / ticks_per_unit);
        for (auto t : sched)
            b.push_back(static_cast<double>(t) / ticks_per_unit);
        b.push_back(static_cast<double>(report.arrivals[ri]) / ticks_per_unit);
        const std::string at = "route " + std::to_string(ri) + " ";
        for (std::size_t k = 0; k < nodes.size(); ++k) {
            const auto n = static_cast<std::size_t>(nodes[k]);
            if (b[k] < inst.earliest[n] - eps || b[k] > inst.latest[n] + eps)
                return at + "node " + std::to_string(nodes[k]) + ": outside its window";
            if (k > 0 && b[k] < b[k - 1] + inst.service[static_cast<std::size_t>(nodes[k - 1])] +
                                    euclid(inst, nodes[k - 1], nodes[k]) / inst.speed - eps)
                return at + "node " + std::to_string(nodes[k]) + ": reached too early";
        }
        if (b.back() - b.front() > inst.max_duration + eps)
            return at + ": too long";
        for (std::size_t k = 1; k + 1 < nodes.size(); ++k) {
            const auto& s = route.stops[k - 1];
            if (s.pickup)
                continue;
            std::size_t pk = 0;
            for (std::size_t q = 1; q < k; ++q)
                if (route.stops[q - 1].pickup && route.stops[q - 1].request == s.request)
                    pk = q;
            const double ride = b[k] - b[pk] - inst.service[static_cast<std::size_t>(nodes[pk])];
            if (ride > inst.max_ride[static_cast<std::size_t>(s.request)] + eps)
                return at + "request " + std::to_string(s.request) + ": ride too long";
        }
    }
    return {};
}

}  // namespace lifeline::match
