// People, places and vehicles: /api/v1/places, /drivers, /vehicles, /patients. The list,
// create, read and patch routes of every entity come from one template over its field
// table (fleet_json.h); what is special is written out below: a driver's absences, and
// who may read a patient and what a patient's change does to dispatch.
#include "api_common.h"
#include "api_routes.h"
#include "fleet_json.h"
#include "lifeline/core/dispatch/dispatch.h"
#include "lifeline/core/fleet/fleet.h"
#include "lifeline/net/router.h"
#include "lifeline/storage/database.h"

namespace lifeline::net {

namespace fleet_json {

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
            f.errors().add(prefix, msg("field.not_object"));
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
                               msg("field.weekday"));
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

}  // namespace fleet_json

namespace {

using fleet_json::read_new;
using fleet_json::read_patch;
using fleet_json::to_json;

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
    throw_invalid_field(std::string(name), msg("field.not_boolean"));
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

// The facade's calls and the list filter of each entity.
template <class E>
struct Calls;

template <>
struct Calls<Place> {
    static constexpr auto list = &Fleet::list_places;
    static constexpr auto create = &Fleet::create_place;
    static constexpr auto get = &Fleet::get_place;
    static constexpr auto update = &Fleet::update_place;
    static PlaceFilter filter(const Request& q) {
        return {query_bool(q, "active"), query_text(q, "q")};
    }
};

template <>
struct Calls<Driver> {
    static constexpr auto list = &Fleet::list_drivers;
    static constexpr auto create = &Fleet::create_driver;
    static constexpr auto get = &Fleet::get_driver;
    static constexpr auto update = &Fleet::update_driver;
    static DriverFilter filter(const Request& q) {
        return {query_bool(q, "active"), query_text(q, "q")};
    }
};

template <>
struct Calls<Vehicle> {
    static constexpr auto list = &Fleet::list_vehicles;
    static constexpr auto create = &Fleet::create_vehicle;
    static constexpr auto get = &Fleet::get_vehicle;
    static constexpr auto update = &Fleet::update_vehicle;
    static VehicleFilter filter(const Request& q) {
        return {query_bool(q, "active"), query_text(q, "q")};
    }
};

template <>
struct Calls<Patient> {
    static constexpr auto list = &Fleet::list_patients;
    static constexpr auto create = &Fleet::create_patient;
    static PatientFilter filter(const Request& q) {
        return {query_bool(q, "active"), query_text(q, "q"), query_id(q, "center_id")};
    }
};

// Fleet records are for dispatchers (and admins). The role is checked before the query
// or body is read, so a driver gets 403 whatever they send, never a list of the fields a
// valid request would need. (Fleet checks it again.)

// GET /api/v1/{collection} and POST /api/v1/{collection}.
template <class E>
void add_list_and_create(Router& r, Services& s) {
    const std::string path = std::string("/api/v1/") + FleetEntity<E>::collection;
    r.add("GET", path, [&s](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        auto page = (s.fleet.*Calls<E>::list)(a, Calls<E>::filter(q), page_of(q));
        return json_response(200, page_json(page, [](const E& e) { return to_json(e); }));
    });
    r.add("POST", path, idempotent(s, [&s](Request& q) {
              Actor a = authenticate(s, q);
              require_dispatcher(a);
              E e = (s.fleet.*Calls<E>::create)(a, read_body(q, read_new<E>));
              return created(FleetEntity<E>::collection, e.id, to_json(e));
          }));
}

// GET and PATCH /api/v1/{collection}/{id}.
template <class E>
void add_get_and_patch(Router& r, Services& s) {
    const std::string path = std::string("/api/v1/") + FleetEntity<E>::collection + "/{id}";
    r.add("GET", path, [&s](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        return json_response(200, to_json((s.fleet.*Calls<E>::get)(a, path_id(q))));
    });
    r.add("PATCH", path, [&s](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        const std::int64_t id = path_id(q);
        return json_response(
            200, to_json((s.fleet.*Calls<E>::update)(a, id, read_body(q, read_patch<E>))));
    });
}

}  // namespace

void register_fleet_routes(Router& r, Services& s) {
    Fleet& fleet = s.fleet;
    add_list_and_create<Place>(r, s);
    add_get_and_patch<Place>(r, s);

    add_list_and_create<Driver>(r, s);
    add_get_and_patch<Driver>(r, s);
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
              return json_response(201, to_json(fleet.add_absence(a, id, absence)));
          }));

    add_list_and_create<Vehicle>(r, s);
    add_get_and_patch<Vehicle>(r, s);

    add_list_and_create<Patient>(r, s);
    r.add("GET", "/api/v1/patients/{id}", [&](Request& q) {
        Actor a = authenticate(s, q);
        PatientId id = path_id(q);
        // A driver sees only the patients dispatch has on their routes around today.
        Patient p = a.is_dispatcher() ? fleet.get_patient(a, id) : fleet.patient_for(a, id);
        return json_response(200, to_json(p));
    });
    r.add("PATCH", "/api/v1/patients/{id}", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        PatientId id = path_id(q);
        PatientPatch patch = read_body(q, read_patch<Patient>);
        // One transaction: the patient, and their future unplanned requests following the
        // schedule, center and home as now.
        Patient p = s.db.write([&](storage::Connection&) {
            Patient updated = fleet.update_patient(a, id, patch);
            s.dispatch.patient_changed(a, id);
            return updated;
        });
        return json_response(200, to_json(p));
    });
}

}  // namespace lifeline::net
