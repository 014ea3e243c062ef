#pragma once
// Benchmark instance files (Cordeau DARP and Li & Lim PDPTW) read into a Problem,
// with what is needed to report and re-verify results in the instance's own units.

#include <string>
#include <vector>

#include "lifeline/match/check.h"
#include "lifeline/match/problem.h"

namespace lifeline::match {

// Times and distances of the instances are real numbers; the matcher gets them in ticks of
// 1e-6 unit. Travel times are rounded *up*, so a schedule feasible in ticks is feasible in
// exact arithmetic; distances are rounded to nearest (costs are recomputed in double).
inline constexpr double ticks_per_unit = 1e6;

struct Instance {
    std::string name;
    Problem problem;
    // By location (= node id of the file): coordinates and the original numbers.
    std::vector<double> x, y, service, earliest, latest;
    std::vector<int> pickup_node, dropoff_node;  // by request: node ids of the file
    int start_node = 0, end_node = 0;            // depot node ids (all vehicles)
    std::vector<double> max_ride;                // by request, instance units
    double max_duration = 0;
    double speed = 1;  // distance units per time unit
};

// Throw std::runtime_error on a malformed file.
Instance read_cordeau(const std::string& path);
Instance read_lilim(const std::string& path);

double euclid(const Instance& inst, int a, int b);

// Route as file node ids, start depot to end depot.
std::vector<int> route_nodes(const Instance& inst, const Route& route);
double route_cost(const Instance& inst, const Route& route);

// Re-checks the schedules `check` found in the instance's double arithmetic, within `eps`
// instance time units. Empty when fine, otherwise the first problem found.
std::string verify_in_double(const Instance& inst, const Solution& solution,
                             const CheckReport& report, double eps);

}  // namespace lifeline::match
