// lifeline-bench insert: latency of real-time insertion into a live plan.
//
// A synthetic city (30 km square, 30 km/h straight-line travel, times in ms and distances
// in m), 100 vehicles from 5 garages, 10 % wheelchair and 3 % ride-alone passengers. The
// live plan is built by inserting 1,000 requests; then the clock is set to 2 h, stops
// already served are marked started, and 1,000 new requests (pickups after now) are
// inserted one by one, each timed.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench.h"
#include "lifeline/match/match.h"

namespace lifeline::bench {
namespace {

using namespace lifeline::match;

class StraightLine final : public TravelModel {
  public:
    std::vector<double> x, y;
    double speed_m_per_ms = 30000.0 / 3600000.0;

    std::size_t size() const override { return x.size(); }
    Distance distance(LocationId a, LocationId b) const override {
        return static_cast<Distance>(std::llround(meters(a, b)));
    }
    Time time(LocationId a, LocationId b) const override {
        return static_cast<Time>(std::ceil(meters(a, b) / speed_m_per_ms));
    }

  private:
    double meters(LocationId a, LocationId b) const {
        const double dx = x[static_cast<std::size_t>(a)] - x[static_cast<std::size_t>(b)];
        const double dy = y[static_cast<std::size_t>(a)] - y[static_cast<std::size_t>(b)];
        return std::sqrt(dx * dx + dy * dy);
    }
};

struct Lcg {
    std::uint64_t s;
    double uniform() {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(s >> 11) * 0x1.0p-53;
    }
};

constexpr Time minute = 60 * 1000;

// CPU time of this thread, in ms: on a shared machine wall time also counts the time the
// scheduler gives to other processes.
double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

struct Percentiles {
    double p50, p99, max;
};

Percentiles percentiles(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    auto at = [&](double p) {
        return v[std::min(v.size() - 1,
                          static_cast<std::size_t>(p * static_cast<double>(v.size())))];
    };
    return {at(0.50), at(0.99), v.back()};
}

const char* insert_help =
    "usage: lifeline-bench insert [--seed N] [--vehicles N] [--requests N] [--help]\n"
    "\n"
    "Builds a live plan of N vehicles (default 100) and N requests (default 1000) by\n"
    "insertion, then times N more real-time insertions and prints p50/p99/max in ms,\n"
    "wall clock and thread CPU time (the latter immune to other processes).\n";

struct InsertOptions {
    long vehicles = 100, requests = 1000;
    std::uint64_t seed = 1;
};

// Reads the options into `o`; returns an exit status when there is nothing to run.
std::optional<int> parse_insert_options(int argc, char** argv, InsertOptions& o) {
    for (int k = 1; k < argc; ++k) {
        const std::string a = argv[k];
        if (a == "--help" || a == "-h") {
            std::fputs(insert_help, stdout);
            return 0;
        }
        if (k + 1 >= argc) {
            std::fprintf(stderr, "lifeline-bench insert: %s needs a value\n", a.c_str());
            return 2;
        }
        const long value = std::strtol(argv[++k], nullptr, 10);
        if (a == "--seed" && value >= 0) {
            o.seed = static_cast<std::uint64_t>(value);
        } else if (a == "--vehicles" && value > 0) {
            o.vehicles = value;
        } else if (a == "--requests" && value > 0) {
            o.requests = value;
        } else {
            std::fprintf(stderr, "lifeline-bench insert: bad option %s (see --help)\n", a.c_str());
            return 2;
        }
    }
    return std::nullopt;
}

// The synthetic city: its places, vehicles and requests, drawn from one seeded sequence.
class City {
  public:
    explicit City(std::uint64_t seed) : rng_{seed * 7919 + 17} { problem.travel = travel_; }

    // Vehicles from 5 garages, every fourth with a wheelchair space.
    void add_vehicles(long vehicles) {
        std::vector<LocationId> garages;
        for (int g = 0; g < 5; ++g)
            garages.push_back(
                location(5000 + 20000 * rng_.uniform(), 5000 + 20000 * rng_.uniform()));
        for (long v = 0; v < vehicles; ++v) {
            Vehicle veh;
            veh.start = veh.end = garages[static_cast<std::size_t>(v % 5)];
            veh.capacity = {4, v % 4 == 0 ? 1 : 0};
            veh.shift_start = 6 * 60 * minute;
            veh.shift_end = 18 * 60 * minute;
            veh.max_duration = 12 * 60 * minute;
            problem.vehicles.push_back(veh);
        }
    }

    // A request ready between `from` and `to`, anywhere in the city.
    RequestIndex add_request(Time from, Time to) {
        Request r;
        const LocationId a = location(30000 * rng_.uniform(), 30000 * rng_.uniform());
        const LocationId b = location(30000 * rng_.uniform(), 30000 * rng_.uniform());
        const Time direct = travel_->time(a, b);
        const Time ready =
            from + static_cast<Time>(static_cast<double>(to - from) * rng_.uniform());
        r.pickup = {a, ready, ready + 20 * minute, 2 * minute};
        r.dropoff = {b, 0, 20 * 60 * minute, 2 * minute};
        r.max_ride = std::max<Time>(30 * minute, direct + direct / 2 + 10 * minute);
        r.load = rng_.uniform() < 0.1 ? Load{0, 1} : Load{1, 0};
        r.ride_alone = rng_.uniform() < 0.03;
        problem.requests.push_back(r);
        return static_cast<RequestIndex>(problem.requests.size() - 1);
    }

    Problem problem;

  private:
    LocationId location(double x, double y) {
        travel_->x.push_back(x);
        travel_->y.push_back(y);
        return static_cast<LocationId>(travel_->x.size() - 1);
    }

    Lcg rng_;
    std::shared_ptr<StraightLine> travel_ = std::make_shared<StraightLine>();
};

// The live plan: `requests` inserted one by one into empty routes.
Solution build_plan(City& city, long vehicles, long requests) {
    Solution plan;
    for (long v = 0; v < vehicles; ++v)
        plan.routes.push_back(Route{static_cast<VehicleIndex>(v), {}, 0, {}});
    for (long k = 0; k < requests; ++k) {
        const RequestIndex r = city.add_request(6 * 60 * minute, 16 * 60 * minute);
        insert(city.problem, plan, r);
    }
    return plan;
}

// What is scheduled before `now` has happened: those stops are started.
void mark_started(Solution& plan, Time now) {
    for (auto& route : plan.routes) {
        std::size_t started = 0;
        while (started < route.service_start.size() && route.service_start[started] < now)
            ++started;
        route.started = started;
    }
}

struct InsertTimes {
    std::vector<double> ms, cpu_ms;
    long inserted = 0;
};

// `requests` new requests, picked up after `now`, inserted and timed one by one.
InsertTimes time_insertions(City& city, Solution& plan, long requests, Time now) {
    InsertTimes times;
    for (long k = 0; k < requests; ++k) {
        const RequestIndex r = city.add_request(now + 15 * minute, 16 * 60 * minute);
        const double c0 = thread_cpu_ms();
        const auto t0 = std::chrono::steady_clock::now();
        const Insertion result = insert(city.problem, plan, r);
        const auto t1 = std::chrono::steady_clock::now();
        times.cpu_ms.push_back(thread_cpu_ms() - c0);
        times.ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        times.inserted += result.inserted ? 1 : 0;
    }
    return times;
}

}  // namespace

int run_insert(int argc, char** argv) {
    InsertOptions o;
    if (auto exit_status = parse_insert_options(argc, argv, o))
        return *exit_status;
    City city(o.seed);
    city.add_vehicles(o.vehicles);
    Solution plan = build_plan(city, o.vehicles, o.requests);
    const std::size_t base_served = served_count(plan);
    // Now is 08:00: what is scheduled before now has happened.
    const Time now = 8 * 60 * minute;
    mark_started(plan, now);
    const InsertTimes times = time_insertions(city, plan, o.requests, now);

    const auto report = check(city.problem, plan);
    const Percentiles wall = percentiles(times.ms);
    const Percentiles cpu = percentiles(times.cpu_ms);
    std::printf(
        "vehicles,plan_requests,plan_served,insertions,inserted,p50_ms,p99_ms,max_ms,"
        "cpu_p50_ms,cpu_p99_ms,cpu_max_ms,feasible\n");
    std::printf("%ld,%ld,%zu,%ld,%ld,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%s\n", o.vehicles, o.requests,
                base_served, o.requests, times.inserted, wall.p50, wall.p99, wall.max, cpu.p50,
                cpu.p99, cpu.max, report.ok() ? "yes" : "no");
    for (const auto& v : report.violations)
        std::fprintf(stderr, "violation: %s\n", v.detail.c_str());
    return report.ok() ? 0 : 1;
}

}  // namespace lifeline::bench
