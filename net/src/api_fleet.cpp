// People, places and vehicles: /api/v1/places, /drivers, /vehicles, /patients. The list,
// create, read and patch routes of every entity come from one template over its field
// table (fleet_json.h); what is special is written out below: a driver's absences, and
// who may read a patient and what a patient's change does to dispatch.
#include <charconv>

#include "api_common.h"
#include "api_routes.h"
#include "dispatch_json.h"
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
              E input = read_body(q, read_new<E>);
              if constexpr (std::is_same_v<E, Patient>) {
                  // One write: the patient and their requests of today (from now on) and
                  // the next 7 days, so a new schedule rides at once.
                  json::object answer;
                  const PatientId id = s.db.write([&](storage::Connection&) {
                      Patient p = s.fleet.create_patient(a, input);
                      answer = to_json(p);
                      answer["requests"] = generate_json(s.dispatch.patient_changed(a, p.id));
                      return p.id;
                  });
                  return created(FleetEntity<E>::collection, id, std::move(answer));
              } else {
                  E e = (s.fleet.*Calls<E>::create)(a, input);
                  return created(FleetEntity<E>::collection, e.id, to_json(e));
              }
          }));
}

// GET and PATCH /api/v1/{collection}/{id}.
template <class E>
void add_get_and_patch(Router& r, Services& s) {
    const std::string path = std::string("/api/v1/") + FleetEntity<E>::collection + "/{id}";
    // A token check and a point read: answered on the I/O thread.
    r.add(
        "GET", path,
        [&s](Request& q) {
            Actor a = authenticate(s, q);
            require_dispatcher(a);
            return json_response(200, to_json((s.fleet.*Calls<E>::get)(a, path_id(q))));
        },
        Pace::quick);
    r.add("PATCH", path, [&s](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        const std::int64_t id = path_id(q);
        return json_response(
            200, to_json((s.fleet.*Calls<E>::update)(a, id, read_body(q, read_patch<E>))));
    });
}

// GET /api/v1/search?q=&kind=&limit=&active=
SearchQuery search_query(const Request& q) {
    SearchQuery query;
    FieldErrors errs;
    const std::string kind(q.query_param("kind").value_or("patient"));
    if (kind == "patient")
        query.kind = SearchKind::patient;
    else if (kind == "driver")
        query.kind = SearchKind::driver;
    else if (kind == "place")
        query.kind = SearchKind::place;
    else if (kind == "vehicle")
        query.kind = SearchKind::vehicle;
    else
        errs.add("kind", msg("search.kind"));
    query.q = query_text(q, "q").value_or("");
    if (auto limit = q.query_param("limit"); limit && !limit->empty()) {
        int n = 0;
        auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), n);
        if (ec != std::errc{} || end != limit->data() + limit->size())
            errs.add("limit", msg("field.int_between", {{"min", 1}, {"max", 100}}));
        else
            query.limit = n;
    }
    errs.throw_if_any();
    query.active = query_bool(q, "active");
    return query;
}

json::object search_hit_json(SearchKind kind, const SearchHit& h) {
    json::object o{{"id", h.id}, {"name", h.name}, {"active", h.active}};
    if (kind == SearchKind::patient || kind == SearchKind::driver)
        o["phone"] = h.phone;
    o["detail"] = h.detail;
    return o;
}

}  // namespace

namespace {

// The driver with the absence added or changed, and the requests it took off the
// driver's planned routes (one write: the absence and its effect on the plans).
template <class Change>
json::object absence_answer(Services& s, const Actor& a, DriverId id, Change change) {
    return s.db.write([&](storage::Connection&) {
        Absence absence;
        json::object o = to_json(change(absence));
        o["absence"] = json::object{{"id", absence.id},
                                    {"from", format_date(absence.from)},
                                    {"to", format_date(absence.to)}};
        o["unassigned"] = unassigned_json(s.dispatch.driver_absent(a, id, absence));
        return o;
    });
}

// POST /drivers/{id}/absences, PATCH and DELETE /drivers/{id}/absences/{absence_id}.
void register_absence_routes(Router& r, Services& s) {
    Fleet& fleet = s.fleet;
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
              return json_response(201, absence_answer(s, a, id, [&](Absence& out) {
                                       return fleet.add_absence(a, id, absence, &out);
                                   }));
          }));
    r.add("PATCH", "/api/v1/drivers/{id}/absences/{absence_id}", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        DriverId id = path_id(q);
        AbsenceId absence = path_id(q, "absence_id");
        const auto range = read_body(q, [](Fields& f) {
            return std::pair{f.date("from", Need::optional), f.date("to", Need::optional)};
        });
        return json_response(200, absence_answer(s, a, id, [&](Absence& out) {
                                 return fleet.update_absence(a, id, absence, range.first,
                                                             range.second, &out);
                             }));
    });
    r.add("DELETE", "/api/v1/drivers/{id}/absences/{absence_id}", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        DriverId id = path_id(q);
        AbsenceId absence = path_id(q, "absence_id");
        return json_response(200, to_json(fleet.remove_absence(a, id, absence)));
    });
}

}  // namespace

void register_fleet_routes(Router& r, Services& s) {
    Fleet& fleet = s.fleet;
    add_list_and_create<Place>(r, s);
    add_get_and_patch<Place>(r, s);

    add_list_and_create<Driver>(r, s);
    add_get_and_patch<Driver>(r, s);
    register_absence_routes(r, s);

    add_list_and_create<Vehicle>(r, s);
    add_get_and_patch<Vehicle>(r, s);

    r.add("GET", "/api/v1/search", [&](Request& q) {
        Actor a = authenticate(s, q);
        const SearchQuery query = search_query(q);
        json::array items;
        for (const SearchHit& h : fleet.search(a, query))
            items.push_back(search_hit_json(query.kind, h));
        return json_response(200, json::object{{"items", std::move(items)}});
    });

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
        json::object answer = s.db.write([&](storage::Connection&) {
            json::object o = to_json(fleet.update_patient(a, id, patch));
            o["requests"] = generate_json(s.dispatch.patient_changed(a, id));
            return o;
        });
        return json_response(200, answer);
    });
}

}  // namespace lifeline::net
