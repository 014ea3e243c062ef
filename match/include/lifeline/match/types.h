#pragma once
// Named quantities of the matching engine.
//
// Time and distance are integers inside the matcher so every comparison is exact: the
// caller picks the unit and converts at the edge. The fleet should use milliseconds and
// metres; the DARP benchmark uses 1e-6 minute for both (see docs/matching.md for
// why rounding travel times *up* keeps every accepted schedule feasible in the instance's
// own real arithmetic).

#include <cstdint>

namespace lifeline::match {

using Time = std::int64_t;        // an instant or a duration, in the caller's time ticks
using Distance = std::int64_t;    // in the caller's distance ticks
using LocationId = std::int32_t;  // index into the TravelModel
// Positions in the problem's arrays, never the ids a caller's database gives the same
// requests and vehicles: the caller keeps the map (dispatch: DayProblem::request_ids and
// DayProblem::vehicles).
using RequestIndex = std::int32_t;  // index into Problem::requests
using VehicleIndex = std::int32_t;  // index into Problem::vehicles

// Space taken (by a passenger) or offered (by a vehicle) in two dimensions.
struct Load {
    int seats = 0;
    int wheelchairs = 0;

    friend bool operator==(const Load&, const Load&) = default;
};

inline Load operator+(Load a, Load b) {
    return {a.seats + b.seats, a.wheelchairs + b.wheelchairs};
}
inline Load operator-(Load a, Load b) {
    return {a.seats - b.seats, a.wheelchairs - b.wheelchairs};
}
inline bool fits(Load load, Load capacity) {
    return load.seats <= capacity.seats && load.wheelchairs <= capacity.wheelchairs;
}

}  // namespace lifeline::match
