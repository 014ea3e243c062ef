// People, places and vehicles: /api/v1/places, /drivers, /vehicles, /patients.
#include "api_common.h"
#include "api_routes.h"
#include "fleet_json.h"
#include "lifeline/core/dispatch.h"
#include "lifeline/core/fleet.h"
#include "lifeline/net/router.h"
#include "lifeline/storage/database.h"

namespace lifeline::net {
namespace {

// Lengths are Fleet's rules; here only an upper bound so a huge string is not copied.
constexpr std::size_t any_text = 100'000;

json::value clock_json(Minutes m) {
    return json::value(m.count() >= 1440 ? std::string("24:00") : format_clock(m));
}

json::object place_json(const Place& p) {
    json::object o;
    o["id"] = p.id;
    o["name"] = p.name;
    o["address"] = p.address;
    o["lat"] = p.location.lat;
    o["lon"] = p.location.lon;
    o["kind"] = to_string(p.kind);
    o["active"] = p.active;
    return o;
}

json::object driver_json(const Driver& d) {
    json::object o;
    o["id"] = d.id;
    o["name"] = d.name;
    o["phone"] = d.phone;
    o["group"] = d.group;
    o["home"] = json::object{{"lat", d.home.lat}, {"lon", d.home.lon}};
    json::array shifts;
    for (const Shift& s : d.shifts)
        shifts.push_back(json::object{
            {"weekday", s.weekday}, {"start", clock_json(s.start)}, {"end", clock_json(s.end)}});
    o["shifts"] = std::move(shifts);
    json::array absences;
    for (const Absence& a : d.absences)
        absences.push_back(json::object{{"from", format_date(a.from)}, {"to", format_date(a.to)}});
    o["absences"] = std::move(absences);
    o["wheelchair_trained"] = d.wheelchair_trained;
    o["active"] = d.active;
    return o;
}

json::object vehicle_json(const Vehicle& v) {
    json::object o;
    o["id"] = v.id;
    o["plate"] = v.plate;
    o["description"] = v.description;
    o["seats"] = v.seats;
    o["wheelchair_spaces"] = v.wheelchair_spaces;
    o["driver_id"] = id_json(v.driver_id);
    o["odometer_km"] = v.odometer_km;
    o["active"] = v.active;
    return o;
}

json::value schedule_json(const std::optional<DialysisSchedule>& s) {
    if (!s)
        return nullptr;
    json::array days;
    for (unsigned d : s->weekdays)
        days.push_back(d);
    return json::object{{"weekdays", std::move(days)},
                        {"appointment", format_clock(s->appointment)},
                        {"duration_minutes", s->duration_minutes}};
}

json::object patient_json(const Patient& p) {
    json::object o;
    o["id"] = p.id;
    o["name"] = p.name;
    o["phone"] = p.phone;
    o["address"] = p.address;
    o["lat"] = p.location.lat;
    o["lon"] = p.location.lon;
    o["mobility"] = to_string(p.mobility);
    o["escort"] = p.escort;
    o["ride_alone"] = p.ride_alone;
    o["notes"] = p.notes;
    o["center_id"] = id_json(p.center_id);
    o["schedule"] = schedule_json(p.schedule);
    o["active"] = p.active;
    return o;
}

// --- reading bodies -------------------------------------------------------------------

template <class E, class From>
std::optional<E> read_enum(Fields& f, std::string_view key, Need need, From from,
                           const char* allowed) {
    auto text = f.text(key, need, 40);
    if (!text)
        return std::nullopt;
    auto e = from(*text);
    if (!e)
        f.errors().add(f.field(key), std::string("must be one of ") + allowed);
    return e;
}

std::optional<GeoPoint> read_point(Fields& f, std::string_view key, Need need) {
    const json::object* o = f.object(key, need);
    if (!o)
        return std::nullopt;
    Fields p(*o, f.errors(), f.field(key) + ".");
    auto lat = p.number("lat", Need::required, -90, 90);
    auto lon = p.number("lon", Need::required, -180, 180);
    p.finish();
    if (!lat || !lon)
        return std::nullopt;
    return GeoPoint{*lat, *lon};
}

std::optional<std::vector<Shift>> read_shifts(Fields& f, Need need) {
    const json::array* arr = f.array("shifts", need);
    if (!arr)
        return std::nullopt;
    std::vector<Shift> shifts;
    for (std::size_t i = 0; i < arr->size(); ++i) {
        std::string prefix = "shifts[" + std::to_string(i) + "]";
        if (!(*arr)[i].is_object()) {
            f.errors().add(prefix, "must be an object");
            continue;
        }
        json::object item = (*arr)[i].as_object();
        bool midnight = false;
        if (auto* end = item.if_contains("end");
            end && end->is_string() && end->as_string() == "24:00") {
            midnight = true;
            item["end"] = "23:59";
        }
        Fields s(item, f.errors(), prefix + ".");
        auto day = s.integer("weekday", Need::required, 1, 7);
        auto start = s.clock("start", Need::required);
        auto end = s.clock("end", Need::required);
        s.finish();
        if (day && start && end)
            shifts.push_back({unsigned(*day), *start, midnight ? Minutes{1440} : *end});
    }
    return shifts;
}

std::optional<std::optional<DialysisSchedule>> read_schedule(Fields& f) {
    if (!f.has("schedule")) {
        f.object("schedule", Need::optional);  // marks the key as known
        return std::nullopt;
    }
    if (f.is_null("schedule")) {
        f.object("schedule", Need::optional);
        return std::optional<DialysisSchedule>{};
    }
    const json::object* o = f.object("schedule", Need::required);
    if (!o)
        return std::nullopt;
    Fields s(*o, f.errors(), "schedule.");
    DialysisSchedule sched;
    if (const json::array* days = s.array("weekdays", Need::required)) {
        for (std::size_t i = 0; i < days->size(); ++i) {
            const auto& d = (*days)[i];
            if (!d.is_int64() || d.as_int64() < 1 || d.as_int64() > 7)
                f.errors().add("schedule.weekdays[" + std::to_string(i) + "]",
                               "must be an ISO weekday 1 (Monday) to 7 (Sunday)");
            else
                sched.weekdays.push_back(unsigned(d.as_int64()));
        }
    }
    sched.appointment = s.clock("appointment", Need::required).value_or(Minutes{0});
    sched.duration_minutes =
        int(s.integer("duration_minutes", Need::optional, 0, 100000).value_or(240));
    s.finish();
    return std::optional<DialysisSchedule>{sched};
}

Place read_new_place(Fields& f) {
    Place p;
    p.name = f.text("name", Need::required, any_text).value_or("");
    p.address = f.text("address", Need::optional, any_text).value_or("");
    p.location.lat = f.number("lat", Need::required, -90, 90).value_or(0);
    p.location.lon = f.number("lon", Need::required, -180, 180).value_or(0);
    p.kind = read_enum<PlaceKind>(f, "kind", Need::optional, place_kind_from,
                                  "dialysis_center, hospital, home, other")
                 .value_or(PlaceKind::other);
    p.active = f.boolean("active", Need::optional).value_or(true);
    return p;
}

PlacePatch read_place_patch(Fields& f) {
    PlacePatch p;
    p.name = f.text("name", Need::optional, any_text);
    p.address = f.text("address", Need::optional, any_text);
    p.lat = f.number("lat", Need::optional, -90, 90);
    p.lon = f.number("lon", Need::optional, -180, 180);
    p.kind = read_enum<PlaceKind>(f, "kind", Need::optional, place_kind_from,
                                  "dialysis_center, hospital, home, other");
    p.active = f.boolean("active", Need::optional);
    return p;
}

Driver read_new_driver(Fields& f) {
    Driver d;
    d.name = f.text("name", Need::required, any_text).value_or("");
    d.phone = f.text("phone", Need::optional, any_text).value_or("");
    d.group = f.text("group", Need::optional, any_text).value_or("");
    d.home = read_point(f, "home", Need::required).value_or(GeoPoint{});
    d.shifts = read_shifts(f, Need::optional).value_or(std::vector<Shift>{});
    d.wheelchair_trained = f.boolean("wheelchair_trained", Need::optional).value_or(false);
    d.active = f.boolean("active", Need::optional).value_or(true);
    return d;
}

DriverPatch read_driver_patch(Fields& f) {
    DriverPatch p;
    p.name = f.text("name", Need::optional, any_text);
    p.phone = f.text("phone", Need::optional, any_text);
    p.group = f.text("group", Need::optional, any_text);
    p.home = read_point(f, "home", Need::optional);
    p.shifts = read_shifts(f, Need::optional);
    p.wheelchair_trained = f.boolean("wheelchair_trained", Need::optional);
    p.active = f.boolean("active", Need::optional);
    return p;
}

Vehicle read_new_vehicle(Fields& f) {
    Vehicle v;
    v.plate = f.text("plate", Need::required, any_text).value_or("");
    v.description = f.text("description", Need::optional, any_text).value_or("");
    v.seats = int(f.integer("seats", Need::optional, -1000, 1000).value_or(4));
    v.wheelchair_spaces =
        int(f.integer("wheelchair_spaces", Need::optional, -1000, 1000).value_or(0));
    v.driver_id = f.id("driver_id", Need::optional);
    v.odometer_km = f.number("odometer_km", Need::optional, 0, 10'000'000).value_or(0);
    v.active = f.boolean("active", Need::optional).value_or(true);
    return v;
}

VehiclePatch read_vehicle_patch(Fields& f) {
    VehiclePatch p;
    p.plate = f.text("plate", Need::optional, any_text);
    p.description = f.text("description", Need::optional, any_text);
    if (auto s = f.integer("seats", Need::optional, -1000, 1000))
        p.seats = int(*s);
    if (auto w = f.integer("wheelchair_spaces", Need::optional, -1000, 1000))
        p.wheelchair_spaces = int(*w);
    p.driver_id = f.nullable_id("driver_id");
    p.active = f.boolean("active", Need::optional);
    return p;
}

Patient read_new_patient(Fields& f) {
    Patient p;
    p.name = f.text("name", Need::required, any_text).value_or("");
    p.phone = f.text("phone", Need::optional, any_text).value_or("");
    p.address = f.text("address", Need::optional, any_text).value_or("");
    p.location.lat = f.number("lat", Need::required, -90, 90).value_or(0);
    p.location.lon = f.number("lon", Need::required, -180, 180).value_or(0);
    p.mobility =
        read_enum<Mobility>(f, "mobility", Need::optional, mobility_from, "ambulatory, wheelchair")
            .value_or(Mobility::ambulatory);
    p.escort = f.boolean("escort", Need::optional).value_or(false);
    p.ride_alone = f.boolean("ride_alone", Need::optional).value_or(false);
    p.notes = f.text("notes", Need::optional, any_text).value_or("");
    p.center_id = f.id("center_id", Need::optional);
    if (auto s = read_schedule(f))
        p.schedule = *s;
    p.active = f.boolean("active", Need::optional).value_or(true);
    return p;
}

PatientPatch read_patient_patch(Fields& f) {
    PatientPatch p;
    p.name = f.text("name", Need::optional, any_text);
    p.phone = f.text("phone", Need::optional, any_text);
    p.address = f.text("address", Need::optional, any_text);
    p.lat = f.number("lat", Need::optional, -90, 90);
    p.lon = f.number("lon", Need::optional, -180, 180);
    p.mobility =
        read_enum<Mobility>(f, "mobility", Need::optional, mobility_from, "ambulatory, wheelchair");
    p.escort = f.boolean("escort", Need::optional);
    p.ride_alone = f.boolean("ride_alone", Need::optional);
    p.notes = f.text("notes", Need::optional, any_text);
    p.center_id = f.nullable_id("center_id");
    p.schedule = read_schedule(f);
    p.active = f.boolean("active", Need::optional);
    return p;
}

// Parses the body with `read`, answering 400 with every bad field at once.
template <class Read>
auto read_body(const Request& req, Read read) {
    json::object body = parse_object(req);
    FieldErrors errs;
    Fields f(body, errs);
    auto value = read(f);
    f.finish();
    errs.throw_if_any();
    return value;
}

std::optional<bool> query_bool(const Request& req, std::string_view name) {
    auto q = req.query_param(name);
    if (!q || q->empty())
        return std::nullopt;
    if (*q == "true" || *q == "1")
        return true;
    if (*q == "false" || *q == "0")
        return false;
    throw_invalid_field(std::string(name), "must be true or false");
}

std::optional<std::string> query_text(const Request& req, std::string_view name) {
    auto q = req.query_param(name);
    if (!q || q->empty())
        return std::nullopt;
    return std::string(*q);
}

Response created(const std::string& collection, std::int64_t id, json::object body) {
    Response r = json_response(201, body);
    r.set_header("Location", "/api/v1/" + collection + "/" + std::to_string(id));
    return r;
}

}  // namespace

void register_fleet_routes(Router& r, Services& s) {
    Fleet& fleet = s.fleet;
    // Fleet records are for dispatchers (and admins). The role is checked before the
    // query or body is read, so a driver gets 403 whatever they send, never a list of
    // the fields a valid request would need. (Fleet checks it again.)

    // places
    r.add("GET", "/api/v1/places", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        PlaceFilter filter{query_bool(q, "active"), query_text(q, "q")};
        return json_response(200, page_json(fleet.list_places(a, filter, page_of(q)), place_json));
    });
    r.add("POST", "/api/v1/places", idempotent(s, [&](Request& q) {
              Actor a = authenticate(s, q);
              require_dispatcher(a);
              Place p = fleet.create_place(a, read_body(q, read_new_place));
              return created("places", p.id, place_json(p));
          }));
    r.add("GET", "/api/v1/places/{id}", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        return json_response(200, place_json(fleet.get_place(a, path_id(q))));
    });
    r.add("PATCH", "/api/v1/places/{id}", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        PlaceId id = path_id(q);
        return json_response(200,
                             place_json(fleet.update_place(a, id, read_body(q, read_place_patch))));
    });

    // drivers
    r.add("GET", "/api/v1/drivers", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        DriverFilter filter{query_bool(q, "active"), query_text(q, "q")};
        return json_response(200,
                             page_json(fleet.list_drivers(a, filter, page_of(q)), driver_json));
    });
    r.add("POST", "/api/v1/drivers", idempotent(s, [&](Request& q) {
              Actor a = authenticate(s, q);
              require_dispatcher(a);
              Driver d = fleet.create_driver(a, read_body(q, read_new_driver));
              return created("drivers", d.id, driver_json(d));
          }));
    r.add("GET", "/api/v1/drivers/{id}", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        return json_response(200, driver_json(fleet.get_driver(a, path_id(q))));
    });
    r.add("PATCH", "/api/v1/drivers/{id}", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        DriverId id = path_id(q);
        return json_response(
            200, driver_json(fleet.update_driver(a, id, read_body(q, read_driver_patch))));
    });
    r.add("POST", "/api/v1/drivers/{id}/absences", idempotent(s, [&](Request& q) {
              Actor a = authenticate(s, q);
              require_dispatcher(a);
              DriverId id = path_id(q);
              Absence absence = read_body(q, [](Fields& f) {
                  Absence ab;
                  auto from = f.date("from", Need::required);
                  auto to = f.date("to", Need::required);
                  if (from)
                      ab.from = *from;
                  if (to)
                      ab.to = *to;
                  return ab;
              });
              return json_response(201, driver_json(fleet.add_absence(a, id, absence)));
          }));

    // vehicles
    r.add("GET", "/api/v1/vehicles", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        VehicleFilter filter{query_bool(q, "active"), query_text(q, "q")};
        return json_response(200,
                             page_json(fleet.list_vehicles(a, filter, page_of(q)), vehicle_json));
    });
    r.add("POST", "/api/v1/vehicles", idempotent(s, [&](Request& q) {
              Actor a = authenticate(s, q);
              require_dispatcher(a);
              Vehicle v = fleet.create_vehicle(a, read_body(q, read_new_vehicle));
              return created("vehicles", v.id, vehicle_json(v));
          }));
    r.add("GET", "/api/v1/vehicles/{id}", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        return json_response(200, vehicle_json(fleet.get_vehicle(a, path_id(q))));
    });
    r.add("PATCH", "/api/v1/vehicles/{id}", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        VehicleId id = path_id(q);
        return json_response(
            200, vehicle_json(fleet.update_vehicle(a, id, read_body(q, read_vehicle_patch))));
    });

    // patients
    r.add("GET", "/api/v1/patients", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        PatientFilter filter{query_bool(q, "active"), query_text(q, "q"), query_id(q, "center_id")};
        return json_response(200,
                             page_json(fleet.list_patients(a, filter, page_of(q)), patient_json));
    });
    r.add("POST", "/api/v1/patients", idempotent(s, [&](Request& q) {
              Actor a = authenticate(s, q);
              require_dispatcher(a);
              Patient p = fleet.create_patient(a, read_body(q, read_new_patient));
              return created("patients", p.id, patient_json(p));
          }));
    r.add("GET", "/api/v1/patients/{id}", [&](Request& q) {
        Actor a = authenticate(s, q);
        PatientId id = path_id(q);
        // A driver sees only the patients dispatch has on their routes around today.
        Patient p = a.is_dispatcher() ? fleet.get_patient(a, id) : fleet.patient_for(a, id);
        return json_response(200, patient_json(p));
    });
    r.add("PATCH", "/api/v1/patients/{id}", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        PatientId id = path_id(q);
        PatientPatch patch = read_body(q, read_patient_patch);
        // One transaction: the patient, and their future unplanned requests following the
        // schedule, center and home as now.
        Patient p = s.db.write([&](storage::Connection&) {
            Patient updated = fleet.update_patient(a, id, patch);
            s.dispatch.patient_changed(a, id);
            return updated;
        });
        return json_response(200, patient_json(p));
    });
}

Place read_place_fields(Fields& f) {
    return read_new_place(f);
}
Driver read_driver_fields(Fields& f) {
    return read_new_driver(f);
}
Vehicle read_vehicle_fields(Fields& f) {
    return read_new_vehicle(f);
}
Patient read_patient_fields(Fields& f) {
    return read_new_patient(f);
}

}  // namespace lifeline::net
