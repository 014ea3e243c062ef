// Dispatch over HTTP: /api/v1/schedule/generate, /holidays, /requests, /days/{date}/…,
// /drivers/{id}/manifest.
#include <map>
#include <memory>
#include <regex>
#include <set>

#include "api_common.h"
#include "api_routes.h"
#include "dispatch_json.h"
#include "lifeline/core/clock.h"
#include "lifeline/core/dispatch/dispatch.h"
#include "lifeline/core/fleet/fleet.h"
#include "lifeline/core/geo/nav_links.h"
#include "lifeline/core/ledger/ledger.h"
#include "lifeline/net/heap.h"
#include "lifeline/net/router.h"

namespace lifeline::net {

namespace {

constexpr std::size_t any_text = 100'000;

json::value date_json(const std::optional<LocalDate>& d) {
    if (!d)
        return nullptr;
    return json::value(format_date(*d));
}

json::object endpoint_json(const Endpoint& e) {
    json::object o;
    o["place_id"] = id_json(e.place_id);
    o["lat"] = e.location.lat;
    o["lon"] = e.location.lon;
    o["address"] = e.address;
    return o;
}

// A catalogued "unserved.…" template with parameters, as a pattern that reads them back.
struct ReasonPattern {
    std::string_view code;
    std::regex words;
    std::vector<std::string> names;
};

// Built once: a request list may hold hundreds of unserved reasons.
const std::vector<ReasonPattern>& reason_patterns() {
    static const std::vector<ReasonPattern> patterns = [] {
        const std::regex placeholder(R"(\\\{(\w+)\\\})");
        const std::regex special(R"([.^$|()\[\]{}*+?\\])");
        std::vector<ReasonPattern> out;
        for (const CatalogEntry& e : message_catalog()) {
            if (!e.code.starts_with("unserved.") || e.en.find('{') == std::string_view::npos)
                continue;
            const std::string escaped = std::regex_replace(std::string(e.en), special, "\\$&");
            ReasonPattern p{e.code, {}, {}};
            for (std::sregex_iterator it(escaped.begin(), escaped.end(), placeholder), end;
                 it != end; ++it)
                p.names.push_back((*it)[1].str());
            p.words = std::regex(std::regex_replace(escaped, placeholder, "([\\s\\S]+?)"));
            out.push_back(std::move(p));
        }
        return out;
    }();
    return patterns;
}

// A stored reason worded by a catalogued "unserved.…" template with parameters ("driver
// absent 2022-03-14 – 2022-03-16; …"): its code and the parameters read back from the words.
void put_unserved_params(const std::string& reason, json::object& o) {
    for (const ReasonPattern& p : reason_patterns()) {
        std::smatch m;
        if (!std::regex_match(reason, m, p.words))
            continue;
        json::object params;
        for (std::size_t i = 0; i < p.names.size(); ++i)
            params[p.names[i]] = m[i + 1].str();
        // A quoted reason ("…cannot take it: {why}") goes back to its own code.
        if (auto* why = params.if_contains("why"))
            for (const CatalogEntry& inner : message_catalog())
                if (inner.code.starts_with("unserved.") && inner.en == why->as_string())
                    *why = json::string(inner.code);
        o["unserved_code"] = json::string(p.code);
        o["unserved_params"] = std::move(params);
        return;
    }
}

}  // namespace

// The code and parameters of a stored unserved reason (stored in English words), for
// clients that word it in their own language: an engine's reason, or "left by <driver> at
// HH:MM[: note]" of a stop handed back. Null and {} when it is none of those.
void put_unserved_code(const std::string& reason, json::object& o) {
    o["unserved_code"] = nullptr;
    o["unserved_params"] = json::object{};
    if (reason.empty())
        return;
    for (const CatalogEntry& e : message_catalog()) {
        if ((e.code.starts_with("unserved.") || e.code.starts_with("assign.")) && e.en == reason) {
            o["unserved_code"] = json::string(e.code);
            return;
        }
    }
    static const std::regex left_by(R"(^left by ([\s\S]+?) at (\d\d:\d\d)(?:: ([\s\S]*))?$)");
    std::smatch m;
    if (std::regex_match(reason, m, left_by)) {
        json::object params{{"driver", m[1].str()}, {"time", m[2].str()}};
        if (m[3].matched)
            params["note"] = m[3].str();
        o["unserved_code"] = m[3].matched ? "unserved.left_by_note" : "unserved.left_by";
        o["unserved_params"] = std::move(params);
        return;
    }
    put_unserved_params(reason, o);
}

json::object request_json(const RideRequest& r) {
    json::object o;
    o["id"] = r.id;
    o["patient_id"] = r.patient_id;
    o["direction"] = to_string(r.direction);
    o["service_date"] = format_date(r.service_date);
    o["pickup"] = endpoint_json(r.pickup);
    o["dropoff"] = endpoint_json(r.dropoff);
    o["arrive_by"] = instant_json(r.arrive_by);
    o["ready_at"] = instant_json(r.ready_at);
    o["will_call"] = r.will_call();
    o["passengers"] = r.passengers;
    o["wheelchair"] = r.wheelchair;
    o["status"] = to_string(r.status);
    o["cancel_reason"] =
        r.cancel_reason ? json::value(to_string(*r.cancel_reason)) : json::value(nullptr);
    o["unserved_reason"] =
        r.unserved_reason.empty() ? json::value(nullptr) : json::value(r.unserved_reason);
    put_unserved_code(r.unserved_reason, o);
    o["source"] = to_string(r.source);
    o["session_date"] = date_json(r.session_date);
    o["notes"] = r.notes;
    o["created_at"] = format_instant(r.created_at);
    o["updated_at"] = format_instant(r.updated_at);
    o["linked_request_id"] = id_json(r.linked_request_id);
    o["cancelled_at"] = instant_json(r.cancelled_at);
    o["cancel_batch_id"] = id_json(r.cancel_batch_id);
    o["suspension_id"] = id_json(r.suspension_id);
    o["pinned"] = r.pinned_vehicle.has_value();
    o["pinned_vehicle_id"] = id_json(r.pinned_vehicle);
    return o;
}

namespace {

// With `overdue` (the day view), each pickup says whether it is overdue.
json::object route_json(const Route& r, const std::set<RequestId>* overdue = nullptr) {
    json::object o;
    o["id"] = r.id;
    o["service_date"] = format_date(r.service_date);
    o["vehicle_id"] = r.vehicle_id;
    o["driver_id"] = r.driver_id;
    o["status"] = to_string(r.status);
    o["planned_km"] = std::round(r.planned_km * 10) / 10;
    o["starts_at"] = instant_json(r.starts_at);
    o["ends_at"] = instant_json(r.ends_at);
    json::array stops;
    for (const RouteStop& s : r.stops) {
        json::object stop{{"request_id", s.request_id},
                          {"kind", to_string(s.kind)},
                          {"eta", format_instant(s.eta)}};
        if (overdue)
            stop["overdue"] = s.kind == StopKind::pickup && overdue->count(s.request_id) > 0;
        stops.push_back(std::move(stop));
    }
    o["stops"] = std::move(stops);
    return o;
}

json::array routes_json(const std::vector<Route>& routes,
                        const std::set<RequestId>* overdue = nullptr) {
    json::array a;
    for (const Route& r : routes)
        a.push_back(route_json(r, overdue));
    return a;
}

json::object plan_json(const DayPlan& p) {
    json::object o;
    o["date"] = format_date(p.date);
    o["routes"] = routes_json(p.routes);
    o["unassigned"] = unassigned_json(p.unassigned);
    const PlanStats& s = p.stats;
    o["stats"] = json::object{{"requests", s.requests},
                              {"assigned", s.assigned},
                              {"unassigned", s.unassigned},
                              {"will_call", s.will_call},
                              {"vehicles", s.vehicles},
                              {"routes", s.routes},
                              {"frozen_routes", s.frozen_routes},
                              {"pinned", s.pinned},
                              {"too_soon", s.too_soon},
                              {"planned_km", std::round(s.planned_km * 10) / 10},
                              {"iterations", s.iterations},
                              {"solve_ms", std::round(s.solve_ms)},
                              {"queued_ms", std::round(s.queued_ms)},
                              {"converged", s.converged},
                              {"checked", s.checked}};
    return o;
}

json::object assignment_json(const Assignment& a) {
    json::object o;
    o["assigned"] = a.assigned;
    o["request"] = request_json(a.request);
    o["route"] = a.route ? json::value(route_json(*a.route)) : json::value(nullptr);
    o["reason"] = a.assigned ? json::value(nullptr) : json::value(a.reason);
    o["reason_code"] = a.assigned ? json::value(nullptr) : json::value(a.why.code);
    o["reason_params"] = message_params_json(a.why.params);
    return o;
}

// Links that open navigation to the stop in the phone's map app, each in the datum the
// app routes in (docs/ui.md, "Navigation"), labelled with the address, not the patient.
json::object nav_json(const ManifestStop& s) {
    const NavLinks links = nav_links(s.location, s.address);
    return json::object{{"amap", links.amap}, {"baidu", links.baidu}, {"geo", links.geo}};
}

// What a driver needs at each stop, and nothing more (docs/design.md §4: patients' data only
// to whom needs it for a ride).
json::object manifest_json(const Manifest& m) {
    json::object o;
    o["driver_id"] = m.driver_id;
    o["driver_name"] = m.driver_name;
    o["date"] = format_date(m.date);
    json::array routes;
    for (const ManifestRoute& r : m.routes) {
        json::array stops;
        for (const ManifestStop& s : r.stops)
            stops.push_back(json::object{{"seq", s.seq},
                                         {"kind", to_string(s.kind)},
                                         {"eta", format_instant(s.eta)},
                                         {"request_id", s.request_id},
                                         {"status", to_string(s.status)},
                                         {"patient_id", s.patient_id},
                                         {"patient_name", s.patient_name},
                                         {"phone", s.phone},
                                         {"address", s.address},
                                         {"lat", s.location.lat},
                                         {"lon", s.location.lon},
                                         {"nav", nav_json(s)},
                                         {"mobility", to_string(s.mobility)},
                                         {"escort", s.escort},
                                         {"passengers", s.passengers},
                                         {"notes", s.notes}});
        routes.push_back(json::object{{"id", r.id},
                                      {"vehicle_id", r.vehicle_id},
                                      {"plate", r.plate},
                                      {"status", to_string(r.status)},
                                      {"starts_at", instant_json(r.starts_at)},
                                      {"ends_at", instant_json(r.ends_at)},
                                      {"stops", std::move(stops)}});
    }
    o["routes"] = std::move(routes);
    return o;
}

LocalDate path_date(const Request& req) {
    auto p = req.param("date");
    auto d = p ? parse_date(*p) : std::nullopt;
    if (!d)
        throw_invalid_field("date", msg("field.not_date"));
    return *d;
}

std::optional<EndpointInput> read_endpoint(Fields& f, std::string_view key) {
    const json::object* obj = f.object(key, Need::optional);
    if (!obj)
        return std::nullopt;
    Fields e(*obj, f.errors(), f.field(key) + ".");
    EndpointInput in;
    in.place_id = e.id("place_id", Need::optional);
    auto lat = e.number("lat", in.place_id ? Need::optional : Need::required, -90, 90);
    auto lon = e.number("lon", in.place_id ? Need::optional : Need::required, -180, 180);
    if (lat && lon)
        in.location = GeoPoint{*lat, *lon};
    in.address = e.text("address", Need::optional, any_text).value_or("");
    e.finish();
    return in;
}

std::optional<std::optional<Instant>> nullable_instant(Fields& f, std::string_view key) {
    if (!f.has(key))
        return std::nullopt;
    if (f.is_null(key)) {
        f.text(key, Need::optional, 0);  // marks it as read
        return std::optional<Instant>{};
    }
    return f.instant(key, Need::required);
}

RequestInput read_new_request(Fields& f) {
    RequestInput in;
    in.patient_id = f.id("patient_id", Need::required).value_or(0);
    if (auto d = f.text("direction", Need::optional, 20)) {
        auto dir = direction_from(*d);
        if (!dir)
            f.errors().add("direction", msg("request.direction"));
        else
            in.direction = *dir;
    }
    in.service_date = f.date("service_date", Need::optional);
    in.pickup = read_endpoint(f, "pickup");
    in.dropoff = read_endpoint(f, "dropoff");
    in.arrive_by = f.instant("arrive_by", Need::optional);
    in.ready_at = f.instant("ready_at", Need::optional);
    if (auto p = f.integer("passengers", Need::optional, 1, 8))
        in.passengers = int(*p);
    in.wheelchair = f.boolean("wheelchair", Need::optional);
    in.notes = f.text("notes", Need::optional, any_text).value_or("");
    return in;
}

RequestPatch read_request_patch(Fields& f) {
    RequestPatch p;
    p.arrive_by = nullable_instant(f, "arrive_by");
    p.ready_at = nullable_instant(f, "ready_at");
    if (auto n = f.integer("passengers", Need::optional, 1, 8))
        p.passengers = int(*n);
    p.wheelchair = f.boolean("wheelchair", Need::optional);
    p.notes = f.text("notes", Need::optional, any_text);
    p.pickup = read_endpoint(f, "pickup");
    p.dropoff = read_endpoint(f, "dropoff");
    return p;
}

// The query of GET /requests; every bad parameter is named before answering.
RequestFilter read_request_filter(const Request& q) {
    RequestFilter filter;
    FieldErrors errs;
    if (auto d = q.query_param("date")) {
        filter.date = parse_date(*d);
        if (!filter.date)
            errs.add("date", msg("field.not_date"));
    }
    if (auto st = q.query_param("status")) {
        filter.status = request_status_from(*st);
        if (!filter.status)
            errs.add("status", msg("request.status_filter"));
    }
    errs.throw_if_any();
    filter.patient_id = query_id(q, "patient_id");
    return filter;
}

CancelOrder read_cancel(Fields& f) {
    CancelOrder in;
    if (auto t = f.text("reason", Need::required, 20)) {
        auto cr = cancel_reason_from(*t);
        if (!cr)
            f.errors().add("reason", msg("cancel.reason"));
        else
            in.reason = *cr;
    }
    in.note = f.text("note", Need::optional, any_text).value_or("");
    in.also_linked = f.boolean("also_linked", Need::optional).value_or(true);
    return in;
}

// Changes for the live streams. A request's change goes to dispatchers only (it names no
// patient, but a driver has no business with requests not on their routes); a route's
// change goes to its driver too.
void publish_route(Services& s, const Route& r) {
    publish_after_commit(s, r.driver_id,
                         json::object{{"type", "route.changed"},
                                      {"route_id", r.id},
                                      {"driver_id", r.driver_id},
                                      {"service_date", format_date(r.service_date)}});
}

void publish_assignment(Services& s, const Assignment& a) {
    publish_request(s, a.request);
    if (a.route)
        publish_route(s, *a.route);
}

}  // namespace

// Every request of a day, all pages.
std::vector<RideRequest> requests_of(Dispatch& dispatch, const Actor& a, LocalDate date) {
    std::vector<RideRequest> out;
    PageRequest page{500, std::nullopt};
    for (;;) {
        auto got = dispatch.list_requests(a, RequestFilter{date, std::nullopt, std::nullopt}, page);
        out.insert(out.end(), got.items.begin(), got.items.end());
        if (!got.next_cursor)
            return out;
        page.after = got.next_cursor;
    }
}

// The pickups and drop-offs drivers logged on trips around the day (a day and a half on
// either side of its UTC midnight covers every time zone).
std::vector<StopLog> stops_logged(Ledger& ledger, const Actor& a, LocalDate date) {
    std::vector<StopLog> out;
    TripFilter filter;
    filter.from = Instant{std::chrono::sys_days{date} - std::chrono::days{1}};
    filter.to = Instant{std::chrono::sys_days{date} + std::chrono::days{2}};
    PageRequest page{500, std::nullopt};
    for (;;) {
        auto got = ledger.list(a, filter, page);
        for (const Trip& t : got.items)
            for (const Ride& r : t.rides) {
                if (!r.request_id)
                    continue;
                if (r.picked_up_at)
                    out.push_back({*r.request_id, StopKind::pickup, *r.picked_up_at});
                if (r.dropped_off_at)
                    out.push_back({*r.request_id, StopKind::dropoff, *r.dropped_off_at});
                if (!r.picked_up_at && r.recorded_at)  // a no-show: its pickup, when noted
                    out.push_back({*r.request_id, StopKind::pickup, *r.recorded_at});
            }
        if (!got.next_cursor)
            return out;
        page.after = got.next_cursor;
    }
}

namespace {

json::object progress_json(const Route& route, const RouteProgress& p) {
    json::value next = nullptr;
    if (p.next) {
        const RouteStop& s = route.stops[*p.next];
        next = json::object{{"request_id", s.request_id},
                            {"kind", to_string(s.kind)},
                            {"eta", format_instant(s.eta)}};
    }
    return json::object{
        {"done", p.done}, {"total", p.total}, {"next", next}, {"late_min", p.late_min}};
}

// The day view: each route with its progress, by the server's clock.
json::object day_view(Services& s, const Actor& a, LocalDate date) {
    std::vector<Route> routes = s.dispatch.routes(a, date);
    const std::vector<RideRequest> requests = requests_of(s.dispatch, a, date);
    const std::vector<StopLog> logged = stops_logged(s.ledger, a, date);
    const Instant now = s.clock.now();
    const std::set<RequestId> overdue = s.dispatch.overdue(a, date);
    json::array out;
    std::map<DriverId, std::string> driver_names;
    std::map<VehicleId, std::string> plates;
    for (const Route& r : routes) {
        json::object o = route_json(r, &overdue);
        if (!driver_names.count(r.driver_id))
            driver_names[r.driver_id] = s.fleet.get_driver(a, r.driver_id).name;
        if (!plates.count(r.vehicle_id))
            plates[r.vehicle_id] = s.fleet.get_vehicle(a, r.vehicle_id).plate;
        o["driver_name"] = driver_names[r.driver_id];
        o["plate"] = plates[r.vehicle_id];
        o["progress"] = progress_json(r, route_progress(r, requests, logged, now));
        out.push_back(std::move(o));
    }
    json::array late;
    for (RequestId id : overdue)
        late.push_back(id);
    return json::object{
        {"date", format_date(date)}, {"routes", std::move(out)}, {"overdue", std::move(late)}};
}

// POST /schedule/generate.
void register_schedule_routes(Router& r, Services& s) {
    Dispatch& dispatch = s.dispatch;
    r.add("POST", "/api/v1/schedule/generate", idempotent(s, [&](Request& q) {
              Actor a = authenticate(s, q);
              require_dispatcher(a);
              auto [from, to] = read_body(q, [](Fields& f) {
                  return std::pair{f.date("from", Need::required), f.date("to", Need::required)};
              });
              GenerateResult g = dispatch.generate(a, *from, *to);
              publish_after_commit(s, std::nullopt,
                                   json::object{{"type", "requests.generated"},
                                                {"from", format_date(*from)},
                                                {"to", format_date(*to)}});
              json::object o = generate_json(g);
              o["from"] = format_date(*from);
              o["to"] = format_date(*to);
              return json_response(200, o);
          }));
}

// PUT and GET /holidays/{date}.
void register_holiday_routes(Router& r, Services& s) {
    Dispatch& dispatch = s.dispatch;
    r.add("PUT", "/api/v1/holidays/{date}", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        Holiday h;
        h.date = path_date(q);
        read_body(q, [&](Fields& f) {
            h.move_to = f.date("move_to", Need::optional);
            auto closed = f.boolean("closed", Need::optional);
            if (h.move_to && closed.value_or(false))
                f.errors().add("closed", msg("holiday.moves_or_closes"));
            else if (!h.move_to && !closed.value_or(false))
                f.errors().add("move_to", msg("holiday.give_move_to"));
            return 0;
        });
        GenerateResult g = dispatch.put_holiday(a, h);
        publish_after_commit(s, std::nullopt,
                             json::object{{"type", "requests.generated"},
                                          {"from", format_date(h.date)},
                                          {"to", format_date(h.move_to.value_or(h.date))}});
        return json_response(200, json::object{{"date", format_date(h.date)},
                                               {"move_to", date_json(h.move_to)},
                                               {"closed", !h.move_to},
                                               {"requests", generate_json(g)}});
    });
    r.add("GET", "/api/v1/holidays/{date}", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        auto h = dispatch.get_holiday(a, path_date(q));
        if (!h)
            throw_not_found(msg("holiday.not_found"));
        return json_response(200, json::object{{"date", format_date(h->date)},
                                               {"move_to", date_json(h->move_to)},
                                               {"closed", !h->move_to}});
    });
}

// /requests and /requests/{id}: list, create, read, change, cancel, ready, assign.
void register_request_routes(Router& r, Services& s) {
    Dispatch& dispatch = s.dispatch;
    r.add("GET", "/api/v1/requests", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        RequestFilter filter = read_request_filter(q);
        return json_response(
            200, page_json(dispatch.list_requests(a, filter, page_of(q)), request_json));
    });
    r.add("POST", "/api/v1/requests", idempotent(s, [&](Request& q) {
              Actor a = authenticate(s, q);
              require_dispatcher(a);
              RideRequest rr = dispatch.create_request(a, read_body(q, read_new_request));
              publish_request(s, rr);
              Response resp = json_response(201, request_json(rr));
              resp.set_header("Location", "/api/v1/requests/" + std::to_string(rr.id));
              return resp;
          }));
    r.add("GET", "/api/v1/requests/{id}", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        return json_response(200, request_json(dispatch.get_request(a, path_id(q))));
    });
    r.add("PATCH", "/api/v1/requests/{id}", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        RequestId id = path_id(q);
        RideRequest rr = dispatch.update_request(a, id, read_body(q, read_request_patch));
        publish_request(s, rr);
        return json_response(200, request_json(rr));
    });
    r.add("POST", "/api/v1/requests/{id}/cancel", idempotent(s, [&](Request& q) {
              Actor a = authenticate(s, q);
              require_dispatcher(a);
              RequestId id = path_id(q);
              Cancellation c = dispatch.cancel(a, id, read_body(q, read_cancel));
              publish_request(s, c.request);
              json::object o = request_json(c.request);
              json::array also;
              for (const RideRequest& other : c.also) {
                  publish_request(s, other);
                  also.push_back(request_json(other));
              }
              o["also_cancelled"] = std::move(also);
              return json_response(200, o);
          }));
    r.add("POST", "/api/v1/requests/{id}/ready", idempotent(s, [&](Request& q) {
              Actor a = authenticate(s, q);
              require_dispatcher(a);
              RequestId id = path_id(q);
              auto at =
                  read_optional_body(q, [](Fields& f) { return f.instant("at", Need::optional); });
              Assignment done = dispatch.ready(a, id, at);
              publish_assignment(s, done);
              return json_response(200, assignment_json(done));
          }));
    r.add("POST", "/api/v1/requests/{id}/unpin", idempotent(s, [&](Request& q) {
              Actor a = authenticate(s, q);
              require_dispatcher(a);
              return json_response(200, request_json(dispatch.unpin(a, path_id(q))));
          }));
    r.add("POST", "/api/v1/requests/{id}/assign", idempotent(s, [&](Request& q) {
              Actor a = authenticate(s, q);
              require_dispatcher(a);
              RequestId id = path_id(q);
              auto vehicle = read_optional_body(
                  q, [](Fields& f) { return f.id("vehicle_id", Need::optional); });
              Assignment done = dispatch.assign(a, id, vehicle);
              publish_assignment(s, done);
              return json_response(200, assignment_json(done));
          }));
}

// /days/{date}: plan a day, read its routes.
void register_day_routes(Router& r, Services& s) {
    Dispatch& dispatch = s.dispatch;
    // The search runs before the write job, so the writer never waits for it.
    r.add("POST", "/api/v1/days/{date}/plan", idempotent(s, [&](Request& q) -> WriteStep {
              Actor a = authenticate(s, q);
              require_dispatcher(a);
              LocalDate date = path_date(q);
              PlanOptions options = read_optional_body(q, [](Fields& f) {
                  PlanOptions o;
                  o.time_limit_ms = f.integer("time_limit_ms", Need::optional, 0, 60'000);
                  if (auto seed = f.integer("seed", Need::optional, 0, 1'000'000'000))
                      o.seed = std::uint64_t(*seed);
                  if (auto until = f.boolean("until_converged", Need::optional))
                      o.until_converged = *until;
                  return o;
              });
              auto draft = std::make_shared<DayPlanDraft>(dispatch.draft_day(a, date, options));
              // The search threads' arenas hold tens of MiB that glibc would keep mapped.
              release_free_heap();
              return [&s, &dispatch, a, draft] {
                  DayPlan plan = dispatch.save_day(a, std::move(*draft));
                  publish_after_commit(s, std::nullopt,
                                       json::object{{"type", "day.planned"},
                                                    {"service_date", format_date(plan.date)}});
                  for (const Route& route : plan.routes)
                      publish_route(s, route);
                  return json_response(200, plan_json(plan));
              };
          }));
    r.add("GET", "/api/v1/days/{date}/routes", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        return json_response(200, day_view(s, a, path_date(q)));
    });
}

// /drivers/{id}/manifest: what a driver needs for a day.
void register_manifest_routes(Router& r, Services& s) {
    Dispatch& dispatch = s.dispatch;
    r.add("GET", "/api/v1/drivers/{id}/manifest", [&](Request& q) {
        Actor a = authenticate(s, q);
        DriverId id = path_id(q);
        LocalDate date = dispatch.today();
        if (auto d = q.query_param("date")) {
            auto parsed = parse_date(*d);
            if (!parsed)
                throw_invalid_field("date", msg("field.not_date"));
            date = *parsed;
        }
        return json_response(200, manifest_json(dispatch.manifest(a, id, date)));
    });
}

}  // namespace

void register_dispatch_routes(Router& r, Services& s) {
    register_schedule_routes(r, s);
    register_holiday_routes(r, s);
    register_request_routes(r, s);
    register_day_routes(r, s);
    register_manifest_routes(r, s);
}

}  // namespace lifeline::net
