// The travel model learned from the fleet: GET /api/v1/calibration and
// POST /api/v1/calibration/apply (dispatchers and admins).
#include "api_common.h"
#include "api_routes.h"
#include "lifeline/core/dispatch/calibration.h"
#include "lifeline/core/settings.h"
#include "lifeline/net/router.h"

namespace lifeline::net {
namespace {

json::value rounded(const std::optional<double>& v, double scale) {
    if (!v)
        return nullptr;
    return std::round(*v * scale) / scale;
}

json::object fit_json(const TravelFit& f, const Settings& s) {
    json::array hours;
    for (std::size_t h = 0; h < 24; ++h)
        hours.push_back(json::object{{"hour", int(h)},
                                     {"speed_kmh", rounded(f.speed_by_hour[h], 10)},
                                     {"legs", f.legs_by_hour[h]}});
    return json::object{
        {"trips", f.trips},
        {"trips_used", f.trips_used},
        {"detour_factor", rounded(f.detour_factor, 1000)},
        {"legs_used", f.legs_used},
        {"speed_kmh", rounded(f.speed_kmh, 10)},
        {"by_hour", std::move(hours)},
        {"current",
         {{"detour_factor", s.matcher.detour_factor}, {"speed_kmh", s.matcher.speed_kmh}}},
    };
}

}  // namespace

void register_calibration_routes(Router& r, Services& s) {
    r.add("GET", "/api/v1/calibration", [&s](Request& q) {
        Actor a = authenticate(s, q);
        TravelFit f = s.calibration.fit(a);
        return json_response(200, fit_json(f, s.settings.get()));
    });
    r.add("POST", "/api/v1/calibration/apply", idempotent(s, [&s](Request& q) {
              Actor a = authenticate(s, q);
              auto [fit, settings] = s.calibration.apply(a);
              return json_response(200, fit_json(fit, settings));
          }));
}

}  // namespace lifeline::net
