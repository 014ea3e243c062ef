#pragma once
// Small hand-made problems for the matching tests: points on a line, travel time and
// distance equal to the gap between them.

#include <cstdlib>
#include <memory>
#include <vector>

#include "lifeline/match/match.h"

namespace lifeline::match::test {

// Locations at the given positions on a line.
inline std::shared_ptr<MatrixTravel> line(const std::vector<Time>& positions) {
    const std::size_t n = positions.size();
    std::vector<Time> m(n * n);
    for (std::size_t a = 0; a < n; ++a)
        for (std::size_t b = 0; b < n; ++b)
            m[a * n + b] = std::abs(positions[a] - positions[b]);
    return std::make_shared<MatrixTravel>(n, m, m);
}

inline Vehicle vehicle(LocationId depot, Load capacity, Time shift_end = 1000) {
    Vehicle v;
    v.start = v.end = depot;
    v.capacity = capacity;
    v.shift_start = 0;
    v.shift_end = shift_end;
    v.max_duration = shift_end;
    return v;
}

inline Request request(LocationId from, LocationId to, Time max_ride = 1000, Load load = {1, 0}) {
    Request r;
    r.pickup = {from, 0, 1000, 0};
    r.dropoff = {to, 0, 1000, 0};
    r.max_ride = max_ride;
    r.load = load;
    return r;
}

}  // namespace lifeline::match::test
