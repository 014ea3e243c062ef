// The organisation's settings: GET/PUT /api/v1/settings.
#include "api_common.h"
#include "api_routes.h"
#include "lifeline/core/settings.h"
#include "lifeline/net/router.h"

namespace lifeline::net {
namespace {

json::object settings_json(const Settings& s) {
    const auto& m = s.matcher;
    return json::object{
        {"organisation", s.organisation},
        {"time_zone", s.time_zone},
        {"language", s.language},
        {"phone_region", s.phone_region},
        {"goals",
         {{"rides", s.goals.rides},
          {"km", s.goals.km},
          {"from", format_date(s.goals.from)},
          {"to", format_date(s.goals.to)}}},
        {"per_km_rate", s.per_km_rate},
        {"currency", s.currency},
        {"matcher",
         {{"detour_factor", m.detour_factor},
          {"speed_kmh", m.speed_kmh},
          {"early_tolerance_minutes", m.early_tolerance_minutes},
          {"late_tolerance_minutes", m.late_tolerance_minutes},
          {"min_ride_minutes", m.min_ride_minutes},
          {"ride_time_factor", m.ride_time_factor},
          {"service_minutes", m.service_minutes},
          {"time_limit_ms", m.time_limit_ms},
          {"plan_lead_minutes", m.plan_lead_minutes},
          {"objective", m.objective}}},
        {"map_datum", to_string(s.map_datum)},
        {"position_retention_days", s.position_retention_days},
        {"map_tile_url", s.map_tile_url},
        {"map_tile_attribution", s.map_tile_attribution},
    };
}

SettingsPatch read_patch(Fields& f) {
    SettingsPatch p;
    p.organisation = f.text("organisation", Need::optional, 1000);
    p.time_zone = f.text("time_zone", Need::optional, 100);
    p.language = f.text("language", Need::optional, 100);
    p.phone_region = f.text("phone_region", Need::optional, 100);
    p.per_km_rate = f.number("per_km_rate", Need::optional, -1e12, 1e12);
    p.currency = f.text("currency", Need::optional, 100);
    p.map_datum = f.text("map_datum", Need::optional, 100);
    p.map_tile_url = f.text("map_tile_url", Need::optional, 1000);
    p.map_tile_attribution = f.text("map_tile_attribution", Need::optional, 1000);
    if (auto v =
            f.integer("position_retention_days", Need::optional, -1'000'000'000, 1'000'000'000))
        p.position_retention_days = int(*v);
    if (const json::object* g = f.object("goals", Need::optional)) {
        Fields goals(*g, f.errors(), "goals.");
        p.goal_rides =
            goals.integer("rides", Need::optional, -1'000'000'000'000, 1'000'000'000'000);
        p.goal_km = goals.number("km", Need::optional, -1e12, 1e12);
        p.goal_from = goals.date("from", Need::optional);
        p.goal_to = goals.date("to", Need::optional);
        goals.finish();
    }
    if (const json::object* mo = f.object("matcher", Need::optional)) {
        Fields m(*mo, f.errors(), "matcher.");
        auto whole = [&](const char* key) -> std::optional<int> {
            if (auto v = m.integer(key, Need::optional, -1'000'000'000, 1'000'000'000))
                return int(*v);
            return std::nullopt;
        };
        p.detour_factor = m.number("detour_factor", Need::optional, -1e12, 1e12);
        p.speed_kmh = m.number("speed_kmh", Need::optional, -1e12, 1e12);
        p.early_tolerance_minutes = whole("early_tolerance_minutes");
        p.late_tolerance_minutes = whole("late_tolerance_minutes");
        p.min_ride_minutes = whole("min_ride_minutes");
        p.ride_time_factor = m.number("ride_time_factor", Need::optional, -1e12, 1e12);
        p.service_minutes = whole("service_minutes");
        p.time_limit_ms = whole("time_limit_ms");
        p.plan_lead_minutes = whole("plan_lead_minutes");
        p.objective = m.text("objective", Need::optional, 20);
        m.finish();
    }
    return p;
}

}  // namespace

void register_settings_routes(Router& r, Services& s) {
    r.add("GET", "/api/v1/settings", [&s](Request& q) {
        authenticate(s, q);
        return json_response(200, settings_json(s.settings.get()));
    });
    r.add("PUT", "/api/v1/settings", [&s](Request& q) {
        Actor a = authenticate(s, q);
        if (!a.is_admin())
            throw_forbidden(msg("auth.admin_settings"));
        json::object body = parse_object(q);
        FieldErrors errs;
        Fields f(body, errs);
        SettingsPatch p = read_patch(f);
        f.finish();
        errs.throw_if_any();
        return json_response(200, settings_json(s.settings.update(a, p)));
    });
}

}  // namespace lifeline::net
