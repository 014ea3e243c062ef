#pragma once
// The travel model learned from the fleet's own finished trips (docs/matching.md,
// "Calibration"): the detour factor from odometer km against the great-circle km of each
// trip's stops, and the driving speed by hour of day from the times between logged stops.

#include <array>
#include <functional>
#include <optional>
#include <vector>

#include "lifeline/core/clock.h"
#include "lifeline/core/model.h"
#include "lifeline/core/settings.h"

namespace lifeline {

struct LoggedStop {
    Instant at{};
    GeoPoint where;
    bool pickup = false;  // else a drop-off
};

// A finished trip as calibration reads it: its odometer km, where it began and ended
// (the driver's home, when known) and its stops in the order they were logged.
struct FinishedTrip {
    TripId id = 0;
    Kilometers km = 0;
    std::optional<GeoPoint> start;
    std::optional<GeoPoint> end;
    std::vector<LoggedStop> stops;
};

struct CalibrationOptions {
    const date::time_zone* zone = nullptr;  // hours of day are local; UTC when null
    int service_minutes = 3;                // boarding or alighting, taken off each leg's time
    double fallback_detour = 1.3;           // for the speeds when no detour can be fitted
};

// What the fleet's trips say. A figure is absent when no trip or leg supports it.
struct TravelFit {
    int trips = 0;       // finished trips offered
    int trips_used = 0;  // behind the detour factor
    std::optional<double> detour_factor;
    int legs_used = 0;  // behind the speeds
    std::array<std::optional<double>, 24> speed_by_hour{};
    std::array<int, 24> legs_by_hour{};
    // The hours' speeds weighted by their legs: the single speed the matcher takes.
    std::optional<double> speed_kmh;
};

// Only legs that end at a drop-off are timed: a driver drives to a drop-off at once, but
// may wait at a pickup for the patient or the window, which is not driving.
// Limits of what counts: a trip's ratio of odometer to great-circle km outside
// [1, 3] (an odometer typo, a private errand) and a leg's speed outside [3, 130] km/h (a
// stop logged late, a wait) are anomalies and left out; legs under 0.5 km are too short to
// time. Each figure is the median of what remains.
TravelFit calibrate(const std::vector<FinishedTrip>& trips, const CalibrationOptions& options);

class CalibrationStore {
  public:
    virtual ~CalibrationStore() = default;
    // Finished trips whose every ride was completed and names its request (so its stops'
    // places are known), with the stops in the order logged.
    virtual std::vector<FinishedTrip> finished_trips() = 0;
};

class Calibration {
  public:
    Calibration(CalibrationStore& store, SettingsService& settings)
        : store_(store), settings_(settings) {}
    // Dispatchers and admins.
    TravelFit fit(const Actor& actor);
    // Fits and writes the detour factor and the weighted speed to the matcher's settings
    // (audited). Refused (422) when either figure is missing.
    std::pair<TravelFit, Settings> apply(const Actor& actor);

  private:
    CalibrationStore& store_;
    SettingsService& settings_;
};

}  // namespace lifeline
