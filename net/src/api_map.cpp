// The board's map: GET /api/v1/days/{date}/map (the day's routes, unassigned requests and
// vehicles' last positions, each point also in the tiles' datum, and each route's lateness
// by its vehicle's live position) and POST /api/v1/geo/convert (the location pickers'
// conversions). Every datum conversion is core's (geo/datum.h): the pages do none.
#include <map>

#include "api_common.h"
#include "api_routes.h"
#include "dispatch_json.h"
#include "lifeline/core/dispatch/live_lateness.h"
#include "lifeline/core/fleet/fleet.h"
#include "lifeline/core/geo/datum.h"
#include "lifeline/core/ledger/ledger.h"
#include "lifeline/core/ledger/positions.h"
#include "lifeline/core/settings.h"
#include "lifeline/net/router.h"

namespace lifeline::net {
namespace {

// A batch of the pickers is a point or two; a board converts nothing through here.
constexpr std::size_t max_points = 1000;

// The stored WGS-84 and, as map_lat/map_lon, the point in the tiles' datum.
void put_point(json::object& o, GeoPoint p, Datum datum) {
    const GeoPoint shown = convert(p, Datum::wgs84, datum);
    o["lat"] = p.lat;
    o["lon"] = p.lon;
    o["map_lat"] = shown.lat;
    o["map_lon"] = shown.lon;
}

GeoPoint stop_point(const RouteStop& s, const std::map<RequestId, const RideRequest*>& by_id) {
    auto it = by_id.find(s.request_id);
    if (it == by_id.end())
        return {};
    return s.kind == StopKind::pickup ? it->second->pickup.location : it->second->dropoff.location;
}

bool has_point(const RouteStop& s, const std::map<RequestId, const RideRequest*>& by_id) {
    return by_id.count(s.request_id) > 0;
}

struct DayMap {
    Services& s;
    const Actor& actor;
    Settings settings;
    Instant now;
    std::vector<RideRequest> requests;
    std::map<RequestId, const RideRequest*> by_id;
    std::map<VehicleId, VehiclePosition> latest;
};

// The route's lateness by its vehicle's last position, when that position belongs to an
// open trip of this route and the route has a next stop; null otherwise.
json::value live_json(DayMap& m, const Route& route, const std::vector<StopLog>& logged) {
    if (route.status == RouteStatus::finished)
        return nullptr;
    auto pos = m.latest.find(route.vehicle_id);
    if (pos == m.latest.end() || !pos->second.trip_open)
        return nullptr;
    const Trip trip = m.s.ledger.get(m.actor, pos->second.trip_id);
    if (trip.route_id != route.id)
        return nullptr;
    const RouteProgress progress = route_progress(route, m.requests, logged, m.now);
    if (!progress.next || !has_point(route.stops[*progress.next], m.by_id))
        return nullptr;
    const RouteStop& next = route.stops[*progress.next];
    const Position& p = pos->second.position;
    const LiveLateness l =
        live_lateness({GeoPoint{p.lat, p.lon}, p.at}, stop_point(next, m.by_id), next.eta, m.now,
                      m.settings.matcher.detour_factor, m.settings.matcher.speed_kmh);
    return json::object{{"position_at", format_instant(p.at)},
                        {"next",
                         {{"request_id", next.request_id},
                          {"kind", to_string(next.kind)},
                          {"eta", format_instant(next.eta)}}},
                        {"estimated_arrival", format_instant(l.estimated_arrival)},
                        {"late_min", l.late_min}};
}

json::array routes_json(DayMap& m, LocalDate date) {
    const std::vector<StopLog> logged = stops_logged(m.s.ledger, m.actor, date);
    json::array out;
    for (const Route& r : m.s.dispatch.routes(m.actor, date)) {
        json::array stops;
        int seq = 0;
        for (const RouteStop& st : r.stops) {
            json::object o{{"seq", ++seq},
                           {"request_id", st.request_id},
                           {"kind", to_string(st.kind)},
                           {"eta", format_instant(st.eta)}};
            if (has_point(st, m.by_id))
                put_point(o, stop_point(st, m.by_id), m.settings.map_datum);
            stops.push_back(std::move(o));
        }
        out.push_back(json::object{{"id", r.id},
                                   {"vehicle_id", r.vehicle_id},
                                   {"driver_id", r.driver_id},
                                   {"status", to_string(r.status)},
                                   {"stops", std::move(stops)},
                                   {"live", live_json(m, r, logged)}});
    }
    return out;
}

// Requests waiting for a vehicle (pending or unserved), at their pickup.
json::array unassigned_json(DayMap& m) {
    json::array out;
    for (const RideRequest& r : m.requests) {
        if (r.status != RequestStatus::pending && r.status != RequestStatus::unserved)
            continue;
        json::object o{
            {"request_id", r.id}, {"patient_id", r.patient_id}, {"status", to_string(r.status)}};
        put_point(o, r.pickup.location, m.settings.map_datum);
        out.push_back(std::move(o));
    }
    return out;
}

json::array vehicles_json(DayMap& m) {
    json::array out;
    for (const auto& [id, v] : m.latest) {
        std::string plate;
        try {
            plate = m.s.fleet.get_vehicle(m.actor, id).plate;
        } catch (const Error&) {
            // a vehicle gone from the fleet still shows where it was, by its number
        }
        json::object o{{"vehicle_id", id},
                       {"plate", plate},
                       {"driver_id", v.driver_id},
                       {"trip_id", v.trip_id},
                       {"trip_open", v.trip_open},
                       {"at", format_instant(v.position.at)},
                       {"age_seconds", std::max<std::int64_t>(0, (m.now - v.position.at).count())}};
        put_point(o, GeoPoint{v.position.lat, v.position.lon}, m.settings.map_datum);
        out.push_back(std::move(o));
    }
    return out;
}

Response day_map(Services& s, Request& req) {
    const Actor actor = authenticate(s, req);
    require_dispatcher(actor);
    auto p = req.param("date");
    const auto date = p ? parse_date(*p) : std::nullopt;
    if (!date)
        throw_invalid_field("date", msg("field.not_date"));
    DayMap m{s,  actor, s.settings.get(), s.clock.now(), requests_of(s.dispatch, actor, *date),
             {}, {}};
    for (const RideRequest& r : m.requests)
        m.by_id[r.id] = &r;
    for (const VehiclePosition& v : s.positions.latest(actor))
        m.latest[v.vehicle_id] = v;
    json::object out{
        {"date", format_date(*date)},
        {"datum", to_string(m.settings.map_datum)},
        {"tiles",
         {{"url", m.settings.map_tile_url}, {"attribution", m.settings.map_tile_attribution}}}};
    out["routes"] = routes_json(m, *date);
    out["unassigned"] = unassigned_json(m);
    out["vehicles"] = vehicles_json(m);
    return json_response(200, std::move(out));
}

std::optional<Datum> read_datum(Fields& f, const char* key) {
    auto text = f.text(key, Need::required, 100);
    if (!text)
        return std::nullopt;
    auto d = datum_from(*text);
    if (!d)
        f.errors().add(key, msg("geo.datum"));
    return d;
}

Response convert_points(Services& s, Request& req) {
    authenticate(s, req);
    json::object body = parse_object(req);
    FieldErrors errs;
    Fields f(body, errs);
    const auto from = read_datum(f, "from");
    const auto to = read_datum(f, "to");
    std::vector<GeoPoint> points;
    if (const json::array* arr = f.array("points", Need::required)) {
        if (arr->size() > max_points)
            throw_invalid_field("points",
                                msg("geo.too_many_points", {{"max", std::int64_t(max_points)}}));
        each_object(*arr, "points", errs, [&](Fields& pf) {
            const auto lat = pf.number("lat", Need::required, -90, 90);
            const auto lon = pf.number("lon", Need::required, -180, 180);
            points.push_back(GeoPoint{lat.value_or(0), lon.value_or(0)});
        });
    }
    f.finish();
    errs.throw_if_any();
    json::array out;
    for (const GeoPoint& p : points) {
        const GeoPoint c = convert(p, *from, *to);
        out.push_back(json::object{{"lat", c.lat}, {"lon", c.lon}});
    }
    return json_response(
        200, json::object{
                 {"from", to_string(*from)}, {"to", to_string(*to)}, {"points", std::move(out)}});
}

}  // namespace

void register_map_routes(Router& r, Services& s) {
    r.add("GET", "/api/v1/days/{date}/map", [&s](Request& q) { return day_map(s, q); });
    r.add("POST", "/api/v1/geo/convert", [&s](Request& q) { return convert_points(s, q); });
}

}  // namespace lifeline::net
