#include "lifeline/core/geo.h"

#include <cmath>
#include <numbers>

#include "lifeline/core/errors.h"

namespace lifeline {

double haversine_m(GeoPoint a, GeoPoint b) {
    constexpr double earth_radius_m = 6'371'008.8;
    constexpr double rad = std::numbers::pi / 180.0;
    const double dlat = (b.lat - a.lat) * rad;
    const double dlon = (b.lon - a.lon) * rad;
    const double h =
        std::sin(dlat / 2) * std::sin(dlat / 2) +
        std::cos(a.lat * rad) * std::cos(b.lat * rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * earth_radius_m * std::asin(std::min(1.0, std::sqrt(h)));
}

GreatCircleTravel::GreatCircleTravel(std::vector<GeoPoint> points, double detour_factor,
                                     double speed_kmh)
    : points_(std::move(points)) {
    if (!(detour_factor >= 1.0) || !(speed_kmh > 0.0))
        throw_invalid(msg("calibration.bad_model"));
    const std::size_t n = points_.size();
    times_.resize(n * n);
    distances_.resize(n * n);
    const double metres_per_ms = speed_kmh / 3600.0;  // km/h = m per 3.6 s
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
            const double road_m =
                i == j ? 0.0 : haversine_m(points_[i], points_[j]) * detour_factor;
            distances_[i * n + j] = match::Distance(std::llround(road_m));
            times_[i * n + j] = match::Time(std::ceil(road_m / metres_per_ms));
        }
    }
}

match::Time GreatCircleTravel::time(match::LocationId from, match::LocationId to) const {
    return times_[std::size_t(from) * points_.size() + std::size_t(to)];
}

match::Distance GreatCircleTravel::distance(match::LocationId from, match::LocationId to) const {
    return distances_[std::size_t(from) * points_.size() + std::size_t(to)];
}

}  // namespace lifeline
