// Live positions of trips: /api/v1/trips/{id}/positions and /api/v1/vehicles/positions/latest.
#include "api_common.h"
#include "api_routes.h"
#include "lifeline/core/ledger/positions.h"
#include "lifeline/net/router.h"

namespace lifeline::net {
namespace {

json::object position_json(const Position& p) {
    json::object o;
    o["at"] = format_instant(p.at);
    o["lat"] = p.lat;
    o["lon"] = p.lon;
    o["accuracy_m"] = number_json(p.accuracy_m);
    return o;
}

// Numbers are read whatever their range: the ledger's rules name an out-of-range
// coordinate (422) together with the other bad positions of the batch.
std::vector<Position> read_positions(const json::array& arr, FieldErrors& errs) {
    std::vector<Position> out;
    each_object(arr, "positions", errs, [&](Fields& f) {
        Position p;
        p.at = f.instant("at", Need::required).value_or(Instant{});
        p.lat = f.number("lat", Need::required, -1e12, 1e12).value_or(0);
        p.lon = f.number("lon", Need::required, -1e12, 1e12).value_or(0);
        p.accuracy_m = f.number("accuracy_m", Need::optional, -1e12, 1e12);
        out.push_back(p);
    });
    return out;
}

Response post_positions(Services& s, Request& req) {
    Actor actor = authenticate(s, req);
    TripId id = path_id(req);
    json::object body = parse_object(req);
    FieldErrors errs;
    Fields f(body, errs);
    std::vector<Position> batch;
    if (auto* arr = f.array("positions", Need::required)) {
        // Refused before reading the rest: a batch this large is never read.
        if (arr->size() > max_positions_per_batch)
            throw_unprocessable(
                msg("position.batch_too_large"),
                {{"positions",
                  msg("position.too_many", {{"max", std::int64_t(max_positions_per_batch)}})}});
        batch = read_positions(*arr, errs);
    }
    f.finish();
    errs.throw_if_any();
    std::int64_t added = s.positions.record(actor, id, batch);
    // The board's map moves the vehicle and re-estimates its route's lateness.
    if (added > 0)
        publish_after_commit(s, actor.driver_id,
                             json::object{{"type", "position"},
                                          {"trip_id", id},
                                          {"driver_id", id_json(actor.driver_id)},
                                          {"recorded", added}});
    return json_response(
        201, json::object{
                 {"trip_id", id}, {"received", std::int64_t(batch.size())}, {"recorded", added}});
}

Response get_positions(Services& s, Request& req) {
    Actor actor = authenticate(s, req);
    TripId id = path_id(req);
    json::array items;
    for (const Position& p : s.positions.of_trip(actor, id))
        items.push_back(position_json(p));
    return json_response(200, json::object{{"trip_id", id}, {"items", std::move(items)}});
}

Response latest_positions(Services& s, Request& req) {
    Actor actor = authenticate(s, req);
    const Instant now = s.clock.now();
    json::array items;
    for (const VehiclePosition& v : s.positions.latest(actor)) {
        json::object o = position_json(v.position);
        o["vehicle_id"] = v.vehicle_id;
        o["driver_id"] = v.driver_id;
        o["trip_id"] = v.trip_id;
        o["trip_open"] = v.trip_open;
        o["age_seconds"] = std::max<std::int64_t>(0, (now - v.position.at).count());
        items.push_back(std::move(o));
    }
    return json_response(200, json::object{{"items", std::move(items)}});
}

}  // namespace

void register_position_routes(Router& r, Services& s) {
    r.add("POST", "/api/v1/trips/{id}/positions",
          idempotent(s, [&s](Request& q) { return post_positions(s, q); }), Pace::write);
    r.add("GET", "/api/v1/trips/{id}/positions", [&s](Request& q) { return get_positions(s, q); });
    r.add("GET", "/api/v1/vehicles/positions/latest",
          [&s](Request& q) { return latest_positions(s, q); });
}

}  // namespace lifeline::net
