#pragma once
// How late a route runs by its vehicle's live position (docs/ui.md, "Live positions"):
// from where the phone last reported, the next stop is reached after the travel model's
// time (great-circle distance × detour factor at the urban speed, the matcher's own
// model); the vehicle was there at the position's instant, so it arrives then plus that
// time — or now, when that is already past and the stop is still not done. Late by the
// minutes that arrival is after the next stop's planned time, rounded up; 0 when on time.

#include <cstdint>

#include "lifeline/core/model.h"

namespace lifeline {

struct LiveFix {
    GeoPoint at_point;  // WGS-84, where the phone last reported
    Instant at{};       // when
};

struct LiveLateness {
    Instant estimated_arrival{};
    std::int64_t late_min = 0;
};

// Throws Error(invalid) unless detour_factor ≥ 1 and speed_kmh > 0.
LiveLateness live_lateness(const LiveFix& fix, GeoPoint next_stop, Instant next_stop_eta,
                           Instant now, double detour_factor, double speed_kmh);

}  // namespace lifeline
