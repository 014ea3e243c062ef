#include "lifeline/core/dispatch/calibration.h"

#include <algorithm>
#include <cmath>

#include "lifeline/core/errors.h"
#include "lifeline/core/geo.h"
#include "lifeline/core/time.h"

namespace lifeline {
namespace {

constexpr double min_ratio = 1.0, max_ratio = 3.0;
constexpr double min_speed = 3, max_speed = 130;
constexpr double min_leg_km = 0.5;
constexpr double min_path_km = 1.0;

double km_between(GeoPoint a, GeoPoint b) {
    return haversine_m(a, b) / 1000;
}

std::optional<double> median(std::vector<double> v) {
    if (v.empty())
        return std::nullopt;
    auto mid = v.begin() + std::ptrdiff_t(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    double hi = *mid;
    if (v.size() % 2)
        return hi;
    double lo = *std::max_element(v.begin(), mid);
    return (lo + hi) / 2;
}

// Great-circle km from where the trip began, through its stops, to where it ended.
double path_km(const FinishedTrip& t) {
    std::vector<GeoPoint> points;
    if (t.start)
        points.push_back(*t.start);
    for (const LoggedStop& s : t.stops)
        points.push_back(s.where);
    if (t.end)
        points.push_back(*t.end);
    double km = 0;
    for (std::size_t i = 1; i < points.size(); ++i)
        km += km_between(points[i - 1], points[i]);
    return km;
}

std::vector<double> detour_ratios(const std::vector<FinishedTrip>& trips) {
    std::vector<double> ratios;
    for (const FinishedTrip& t : trips) {
        double gc = path_km(t);
        if (gc < min_path_km || !(t.km > 0))
            continue;
        double r = t.km / gc;
        if (r >= min_ratio && r <= max_ratio)
            ratios.push_back(r);
    }
    return ratios;
}

int local_hour(Instant t, const date::time_zone* zone) {
    if (!zone)
        return int((t.time_since_epoch().count() / 3600) % 24);
    return int(local_clock(t, zone).count() / 60) % 24;
}

// Each timed leg's speed, by the local hour it set off.
std::array<std::vector<double>, 24> leg_speeds(const std::vector<FinishedTrip>& trips,
                                               double detour, const CalibrationOptions& o) {
    std::array<std::vector<double>, 24> by_hour;
    for (const FinishedTrip& t : trips) {
        for (std::size_t i = 1; i < t.stops.size(); ++i) {
            const LoggedStop& from = t.stops[i - 1];
            const LoggedStop& to = t.stops[i];
            double km = km_between(from.where, to.where);
            double minutes = double((to.at - from.at).count()) / 60.0 - o.service_minutes;
            if (to.pickup || km < min_leg_km || minutes <= 0)
                continue;
            double speed = km * detour / (minutes / 60.0);
            if (speed >= min_speed && speed <= max_speed)
                by_hour[std::size_t(local_hour(from.at, o.zone))].push_back(speed);
        }
    }
    return by_hour;
}

}  // namespace

TravelFit calibrate(const std::vector<FinishedTrip>& trips, const CalibrationOptions& options) {
    TravelFit fit;
    fit.trips = int(trips.size());
    auto ratios = detour_ratios(trips);
    fit.trips_used = int(ratios.size());
    fit.detour_factor = median(std::move(ratios));

    auto by_hour = leg_speeds(trips, fit.detour_factor.value_or(options.fallback_detour), options);
    double weighted = 0;
    for (std::size_t h = 0; h < 24; ++h) {
        fit.legs_by_hour[h] = int(by_hour[h].size());
        fit.speed_by_hour[h] = median(by_hour[h]);
        if (fit.speed_by_hour[h]) {
            fit.legs_used += fit.legs_by_hour[h];
            weighted += *fit.speed_by_hour[h] * fit.legs_by_hour[h];
        }
    }
    if (fit.legs_used > 0)
        fit.speed_kmh = weighted / fit.legs_used;
    return fit;
}

TravelFit Calibration::fit(const Actor& actor) {
    if (!actor.is_dispatcher())
        throw_forbidden(msg("calibration.dispatcher_only"));
    const Settings s = settings_.get();
    CalibrationOptions o;
    o.zone = find_zone(s.time_zone);
    o.service_minutes = s.matcher.service_minutes;
    o.fallback_detour = s.matcher.detour_factor;
    return calibrate(store_.finished_trips(), o);
}

std::pair<TravelFit, Settings> Calibration::apply(const Actor& actor) {
    TravelFit f = fit(actor);
    if (!f.detour_factor || !f.speed_kmh)
        throw_unprocessable(msg("calibration.no_data"), {{"trips", msg("calibration.no_trips")}});
    Settings s = settings_.apply_travel_model(actor, *f.detour_factor, *f.speed_kmh);
    return {f, s};
}

}  // namespace lifeline
