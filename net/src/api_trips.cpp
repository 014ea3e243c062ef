// The trip ledger over HTTP: /api/v1/trips…
#include "api_common.h"
#include "api_routes.h"
#include "lifeline/core/ledger/ledger.h"
#include "lifeline/core/reports/reports.h"
#include "lifeline/net/router.h"

namespace lifeline::net {
namespace {

constexpr double max_km = 10'000'000;

json::object ride_json(const Ride& r) {
    json::object o;
    o["id"] = r.id;
    o["request_id"] = id_json(r.request_id);
    o["patient_id"] = r.patient_id;
    o["outcome"] = to_string(r.outcome);
    o["picked_up_at"] = instant_json(r.picked_up_at);
    o["dropped_off_at"] = instant_json(r.dropped_off_at);
    o["recorded_at"] = instant_json(r.recorded_at);
    o["odometer_pickup"] = number_json(r.odometer_pickup);
    o["odometer_dropoff"] = number_json(r.odometer_dropoff);
    return o;
}

json::object trip_json(const Trip& t) {
    json::object o;
    o["id"] = t.id;
    o["status"] = t.open() ? "open" : "finished";
    o["driver_id"] = t.driver_id;
    o["vehicle_id"] = t.vehicle_id;
    o["route_id"] = id_json(t.route_id);
    o["started_at"] = format_instant(t.started_at);
    o["ended_at"] = instant_json(t.ended_at);
    o["odometer_start"] = t.odometer_start;
    o["odometer_end"] = number_json(t.odometer_end);
    o["km"] = number_json(t.km());
    json::array rides;
    for (const Ride& r : t.rides)
        rides.push_back(ride_json(r));
    o["rides"] = std::move(rides);
    return o;
}

json::value anomaly_json(const std::map<TripId, OdometerAnomaly>& anomalies, TripId id) {
    auto it = anomalies.find(id);
    if (it == anomalies.end())
        return nullptr;
    const OdometerAnomaly& a = it->second;
    return json::object{{"issue", to_string(a.issue)},
                        {"previous_trip_id", a.previous_trip},
                        {"previous_started_at", format_instant(a.previous_started_at)},
                        {"previous_reading", a.previous_reading},
                        {"gap_km", a.gap_km}};
}

// A trip as a dispatcher's screen shows it: with its odometer check against the
// vehicle's trip before it (null when the readings meet).
json::object checked_trip_json(Services& s, const Actor& actor, const Trip& t) {
    json::object o = trip_json(t);
    o["odometer_anomaly"] = anomaly_json(s.ledger.odometer_anomalies(actor, {t}), t.id);
    return o;
}

std::vector<Ride> read_rides(const json::array& arr, FieldErrors& errs) {
    std::vector<Ride> rides;
    each_object(arr, "rides", errs, [&](Fields& f) {
        Ride r;
        r.id = f.id("id", Need::optional).value_or(0);
        r.request_id = f.id("request_id", Need::optional);
        r.patient_id =
            f.id("patient_id", r.request_id ? Need::optional : Need::required).value_or(0);
        r.picked_up_at = f.instant("picked_up_at", Need::optional);
        r.dropped_off_at = f.instant("dropped_off_at", Need::optional);
        r.recorded_at = f.instant("recorded_at", Need::optional);
        r.odometer_pickup = f.number("odometer_pickup", Need::optional, 0, max_km);
        r.odometer_dropoff = f.number("odometer_dropoff", Need::optional, 0, max_km);
        if (auto o = f.text("outcome", Need::optional, 20)) {
            auto outcome = ride_outcome_from(*o);
            if (!outcome)
                errs.add(f.field("outcome"), msg("ride.outcome"));
            else
                r.outcome = *outcome;
        }
        rides.push_back(r);
    });
    return rides;
}

std::vector<LeftStop> read_stops_left(const json::array& arr, FieldErrors& errs) {
    std::vector<LeftStop> out;
    each_object(arr, "stops_left", errs, [&](Fields& f) {
        LeftStop stop;
        stop.request_id = f.id("request_id", Need::required).value_or(0);
        if (auto o = f.text("outcome", Need::required, 20)) {
            auto outcome = left_stop_outcome_from(*o);
            if (!outcome)
                errs.add(f.field("outcome"), msg("stop.outcome"));
            else
                stop.outcome = *outcome;
        }
        stop.note = f.text("note", Need::optional, 1000).value_or("");
        out.push_back(std::move(stop));
    });
    return out;
}

const char* event_name(TripEventType t) {
    switch (t) {
        case TripEventType::pickup:
            return "pickup";
        case TripEventType::dropoff:
            return "dropoff";
        case TripEventType::no_show:
            return "no_show";
    }
    return "pickup";
}

// A change of a trip for the live streams: the board's route progress and the trips
// screen follow it; the trip's driver sees it too.
void publish_trip(Services& s, const char* type, const Trip& t) {
    publish_after_commit(s, t.driver_id,
                         json::object{{"type", type},
                                      {"trip_id", t.id},
                                      {"route_id", id_json(t.route_id)},
                                      {"driver_id", t.driver_id},
                                      {"vehicle_id", t.vehicle_id},
                                      {"status", t.open() ? "open" : "finished"}});
}

// The driver's writes (create, event, finish) check the token and the body where the
// request was read and leave the writer only the ledger's transaction and the answer:
// the writer thread is the one every write waits for.
WriteStep create_trip(Services& s, Request& req) {
    Actor actor = authenticate(s, req);
    json::object body = parse_object(req);
    FieldErrors errs;
    Fields f(body, errs);
    TripInput in;
    in.driver_id = f.id("driver_id", Need::optional);
    in.vehicle_id = f.id("vehicle_id", Need::required).value_or(0);
    in.route_id = f.id("route_id", Need::optional);
    in.started_at = f.instant("started_at", Need::required).value_or(Instant{});
    in.odometer_start = f.number("odometer_start", Need::required, 0, max_km).value_or(0);
    in.ended_at = f.instant("ended_at", Need::optional);
    in.odometer_end = f.number("odometer_end", Need::optional, 0, max_km);
    if (auto* rides = f.array("rides", Need::optional))
        in.rides = read_rides(*rides, errs);
    in.confirm_odometer_correction =
        f.boolean("confirm_odometer_correction", Need::optional).value_or(false);
    in.reason = f.text("reason", Need::optional, 1000).value_or("");
    f.finish();
    errs.throw_if_any();
    return [&s, actor = std::move(actor), in = std::move(in)] {
        Trip t = s.ledger.open_or_log(actor, in);
        publish_trip(s, t.open() ? "trip.opened" : "trip.finished", t);
        Response r = json_response(201, trip_json(t));
        r.set_header("Location", "/api/v1/trips/" + std::to_string(t.id));
        return r;
    };
}

WriteStep add_event(Services& s, Request& req) {
    Actor actor = authenticate(s, req);
    TripId id = path_id(req);
    json::object body = parse_object(req);
    FieldErrors errs;
    Fields f(body, errs);
    TripEvent ev;
    if (auto type = f.text("type", Need::required, 20)) {
        auto t = trip_event_type_from(*type);
        if (!t)
            errs.add("type", msg("event.type"));
        else
            ev.type = *t;
    }
    ev.request_id = f.id("request_id", Need::optional);
    ev.patient_id = f.id("patient_id", Need::optional);
    ev.at = f.instant("at", Need::required).value_or(Instant{});
    ev.odometer = f.number("odometer", Need::optional, 0, max_km);
    f.finish();
    if (!ev.request_id && !ev.patient_id && !f.has("request_id") && !f.has("patient_id"))
        errs.add("patient_id", msg("event.names_patient_id"));
    errs.throw_if_any();
    return [&s, actor = std::move(actor), id, ev] {
        Trip t = s.ledger.add_event(actor, id, ev);
        publish_after_commit(s, t.driver_id,
                             json::object{{"type", "event.logged"},
                                          {"trip_id", t.id},
                                          {"route_id", id_json(t.route_id)},
                                          {"driver_id", t.driver_id},
                                          {"event", event_name(ev.type)},
                                          {"request_id", id_json(ev.request_id)}});
        return json_response(201, trip_json(t));
    };
}

WriteStep finish_trip(Services& s, Request& req) {
    Actor actor = authenticate(s, req);
    TripId id = path_id(req);
    json::object body = parse_object(req);
    FieldErrors errs;
    Fields f(body, errs);
    TripFinish fin;
    fin.ended_at = f.instant("ended_at", Need::required).value_or(Instant{});
    fin.odometer_end = f.number("odometer_end", Need::required, 0, max_km).value_or(0);
    if (auto* left = f.array("stops_left", Need::optional))
        fin.stops_left = read_stops_left(*left, errs);
    f.finish();
    errs.throw_if_any();
    return [&s, actor = std::move(actor), id, fin = std::move(fin)] {
        Trip t = s.ledger.finish(actor, id, fin);
        publish_trip(s, "trip.finished", t);
        return json_response(200, trip_json(t));
    };
}

Response correct_trip(Services& s, Request& req) {
    Actor actor = authenticate(s, req);
    require_dispatcher(actor);
    TripId id = path_id(req);
    json::object body = parse_object(req);
    FieldErrors errs;
    Fields f(body, errs);
    TripCorrection c;
    c.reason = f.text("reason", Need::required, 1000).value_or("");
    c.driver_id = f.id("driver_id", Need::optional);
    c.vehicle_id = f.id("vehicle_id", Need::optional);
    c.started_at = f.instant("started_at", Need::optional);
    c.ended_at = f.instant("ended_at", Need::optional);
    c.odometer_start = f.number("odometer_start", Need::optional, 0, max_km);
    c.odometer_end = f.number("odometer_end", Need::optional, 0, max_km);
    if (auto* rides = f.array("rides", Need::optional))
        c.rides = read_rides(*rides, errs);
    f.finish();
    errs.throw_if_any();
    Trip t = s.ledger.correct(actor, id, c);
    publish_trip(s, "trip.changed", t);
    return json_response(200, checked_trip_json(s, actor, t));
}

// A close's answers for the patients still aboard: rides[i] = {ride_id, outcome, at?}.
std::vector<AboardOutcome> read_aboard_outcomes(const json::array& arr, FieldErrors& errs) {
    std::vector<AboardOutcome> out;
    each_object(arr, "rides", errs, [&](Fields& f) {
        AboardOutcome a;
        a.ride_id = f.id("ride_id", Need::required).value_or(0);
        if (auto o = f.text("outcome", Need::required, 20)) {
            auto outcome = ride_outcome_from(*o);
            if (!outcome)
                errs.add(f.field("outcome"), msg("trip.close_outcome"));
            else
                a.outcome = *outcome;
        }
        a.at = f.instant("at", Need::optional);
        out.push_back(a);
    });
    return out;
}

// A dispatcher closes a trip its driver left open; end time, end reading and reason are
// all required and every missing one is named at once.
Response close_trip(Services& s, Request& req) {
    Actor actor = authenticate(s, req);
    require_dispatcher(actor);
    TripId id = path_id(req);
    json::object body = parse_object(req);
    FieldErrors errs;
    Fields f(body, errs);
    TripClose c;
    c.ended_at = f.instant("ended_at", Need::required);
    c.odometer_end = f.number("odometer_end", Need::required, 0, max_km);
    auto reason = f.text("reason", Need::required, 1000);
    if (auto* rides = f.array("rides", Need::optional))
        c.rides = read_aboard_outcomes(*rides, errs);
    f.finish();
    if (reason && reason->find_first_not_of(" \t\r\n") == std::string::npos)
        errs.add("reason", msg("trip.close_reason"));
    c.reason = reason.value_or("");
    errs.throw_if_any(msg("trip.close_needs"));
    Trip t = s.ledger.close(actor, id, c);
    publish_trip(s, "trip.finished", t);
    return json_response(200, checked_trip_json(s, actor, t));
}

Response get_trip(Services& s, Request& req) {
    Actor actor = authenticate(s, req);
    return json_response(200, trip_json(s.ledger.get(actor, path_id(req))));
}

Response list_trips(Services& s, Request& req) {
    Actor actor = authenticate(s, req);
    TripFilter filter;
    filter.from = query_instant(req, "from");
    filter.to = query_instant(req, "to");
    filter.driver_id = query_id(req, "driver_id");
    filter.vehicle_id = query_id(req, "vehicle_id");
    FieldErrors errs;
    if (auto d = req.query_param("date")) {
        filter.date = parse_date(*d);
        if (!filter.date)
            errs.add("date", msg("field.not_date"));
    }
    if (auto st = req.query_param("status")) {
        if (*st == "open" || *st == "finished")
            filter.open = *st == "open";
        else
            errs.add("status", msg("trip.status_filter"));
    }
    errs.throw_if_any();
    auto page = s.ledger.list(actor, filter, page_of(req));
    if (!actor.is_dispatcher())
        return json_response(200, page_json(page, trip_json));
    const auto anomalies = s.ledger.odometer_anomalies(actor, page.items);
    return json_response(200, page_json(page, [&anomalies](const Trip& t) {
                             json::object o = trip_json(t);
                             o["odometer_anomaly"] = anomaly_json(anomalies, t.id);
                             return o;
                         }));
}

}  // namespace

void register_trip_routes(Router& r, Services& s) {
    r.add("GET", "/api/v1/trips", [&s](Request& q) { return list_trips(s, q); });
    // The driver's writes are short: answered from the writer's commit (Pace::write).
    r.add("POST", "/api/v1/trips", idempotent(s, [&s](Request& q) { return create_trip(s, q); }),
          Pace::write);
    r.add("GET", "/api/v1/trips/{id}", [&s](Request& q) { return get_trip(s, q); });
    r.add("PATCH", "/api/v1/trips/{id}", [&s](Request& q) { return correct_trip(s, q); });
    r.add("POST", "/api/v1/trips/{id}/events",
          idempotent(s, [&s](Request& q) { return add_event(s, q); }), Pace::write);
    r.add("POST", "/api/v1/trips/{id}/finish",
          idempotent(s, [&s](Request& q) { return finish_trip(s, q); }), Pace::write);
    r.add("POST", "/api/v1/trips/{id}/close",
          idempotent(s, [&s](Request& q) { return close_trip(s, q); }));
}

}  // namespace lifeline::net
