#pragma once
// Great-circle geometry and the default travel model of dispatch (docs/design.md §5): the
// haversine distance times a detour factor (road km per straight km), driven at an urban
// speed. Ticks are what dispatch uses with the engine: milliseconds and metres.

#include <vector>

#include "lifeline/core/model.h"
#include "lifeline/match/travel.h"

namespace lifeline {

// Great-circle distance in metres (mean Earth radius 6,371,008.8 m).
double haversine_m(GeoPoint a, GeoPoint b);

class GreatCircleTravel final : public match::TravelModel {
  public:
    // Throws Error(invalid) unless detour_factor ≥ 1 and speed_kmh > 0.
    GreatCircleTravel(std::vector<GeoPoint> points, double detour_factor, double speed_kmh);

    std::size_t size() const override { return points_.size(); }
    // Milliseconds, rounded up, so a schedule feasible in ticks is feasible in reality.
    match::Time time(match::LocationId from, match::LocationId to) const override;
    // Metres of road, rounded to the nearest metre.
    match::Distance distance(match::LocationId from, match::LocationId to) const override;

  private:
    std::vector<GeoPoint> points_;
    // Precomputed: the solver asks for the same pairs millions of times.
    std::vector<match::Time> times_;
    std::vector<match::Distance> distances_;
};

}  // namespace lifeline
