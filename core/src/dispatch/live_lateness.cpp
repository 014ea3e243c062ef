#include "lifeline/core/dispatch/live_lateness.h"

#include <algorithm>
#include <cmath>

#include "lifeline/core/errors.h"
#include "lifeline/core/geo.h"

namespace lifeline {

LiveLateness live_lateness(const LiveFix& fix, GeoPoint next_stop, Instant next_stop_eta,
                           Instant now, double detour_factor, double speed_kmh) {
    if (!(detour_factor >= 1) || !(speed_kmh > 0))
        throw_invalid(msg("calibration.bad_model"));
    const double road_m = haversine_m(fix.at_point, next_stop) * detour_factor;
    const auto travel = std::chrono::seconds(std::int64_t(std::ceil(road_m / (speed_kmh / 3.6))));
    LiveLateness out;
    out.estimated_arrival = std::max(fix.at + travel, now);
    const auto behind = out.estimated_arrival - next_stop_eta;
    if (behind > std::chrono::seconds{0})
        out.late_min = (behind.count() + 59) / 60;
    return out;
}

}  // namespace lifeline
