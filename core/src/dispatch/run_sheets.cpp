// The run sheets' model: a day's routes, each with its stops in order, their planned local
// times and what the driver needs to know at each.
#include "lifeline/core/dispatch/run_sheets.h"

#include <algorithm>
#include <map>

#include "lifeline/core/reports/print.h"
#include "lifeline/core/time.h"

namespace lifeline {
namespace {

template <class T, class Id>
std::map<Id, const T*> by_id(const std::vector<T>& items) {
    std::map<Id, const T*> m;
    for (const T& x : items)
        m.emplace(x.id, &x);
    return m;
}

template <class T, class Id>
const T* lookup(const std::map<Id, const T*>& m, std::optional<Id> id) {
    if (!id)
        return nullptr;
    auto it = m.find(*id);
    return it == m.end() ? nullptr : it->second;
}

// "07:09" in the organisation's zone; a stop past midnight says so ("00:20 +1").
std::string local_hhmm(Instant t, LocalDate day, const date::time_zone* zone) {
    std::string s = format_clock(local_clock(t, zone));
    const auto days =
        (std::chrono::sys_days{local_date(t, zone)} - std::chrono::sys_days{day}).count();
    if (days > 0)
        s += " +" + std::to_string(days);
    else if (days < 0)
        s += " " + std::to_string(days);
    return s;
}

std::string joined_notes(const Patient* p, const RideRequest& q) {
    std::string notes = p ? p->notes : "";
    if (!q.notes.empty())
        notes = notes.empty() ? q.notes : notes + "\n" + q.notes;
    return notes;
}

struct Index {
    std::map<RequestId, const RideRequest*> requests;
    std::map<PatientId, const Patient*> patients;
    std::map<DriverId, const Driver*> drivers;
    std::map<VehicleId, const Vehicle*> vehicles;
    std::map<PlaceId, const Place*> places;
};

RunSheetStop stop_of(const RouteStop& s, const RideRequest& q, const Index& ix,
                     const RunSheetInputs& in, const date::time_zone* zone) {
    const Patient* p = lookup(ix.patients, std::optional<PatientId>(q.patient_id));
    const Endpoint& end = s.kind == StopKind::pickup ? q.pickup : q.dropoff;
    RunSheetStop st;
    st.kind = s.kind;
    st.time = local_hhmm(s.eta, in.date, zone);
    st.request_id = q.id;
    st.status = q.status;
    st.wheelchair = q.wheelchair;
    st.passengers = q.passengers;
    if (p) {
        st.patient_name = p->name;
        st.phone = p->phone;
        st.escort = p->escort;
    }
    st.address = end.address;
    if (const Place* place = lookup(ix.places, end.place_id)) {
        st.place = place->name;
        // A place's address usually begins with its name ("吉林市中心医院, 船营区"): printed
        // once, in bold, above the rest.
        if (st.address.rfind(st.place, 0) == 0) {
            st.address.erase(0, st.place.size());
            st.address.erase(0, st.address.find_first_not_of(", "));
        }
    }
    st.notes = joined_notes(p, q);
    return st;
}

RunSheet sheet_of(const Route& r, const Index& ix, const RunSheetInputs& in,
                  const date::time_zone* zone) {
    RunSheet sheet;
    sheet.route_id = r.id;
    sheet.status = r.status;
    if (const Driver* d = lookup(ix.drivers, std::optional<DriverId>(r.driver_id))) {
        sheet.driver_name = d->name;
        sheet.driver_phone = d->phone;
    }
    if (const Vehicle* v = lookup(ix.vehicles, std::optional<VehicleId>(r.vehicle_id))) {
        sheet.plate = v->plate;
        sheet.vehicle = v->description;
        if (!v->color.empty())
            sheet.vehicle += (sheet.vehicle.empty() ? "" : " · ") + v->color;
    }
    if (r.starts_at)
        sheet.starts = local_hhmm(*r.starts_at, in.date, zone);
    if (r.ends_at)
        sheet.ends = local_hhmm(*r.ends_at, in.date, zone);
    for (const RouteStop& s : r.stops) {
        const RideRequest* q = lookup(ix.requests, std::optional<RequestId>(s.request_id));
        if (!q)
            continue;
        sheet.stops.push_back(stop_of(s, *q, ix, in, zone));
        sheet.stops.back().seq = int(sheet.stops.size());
    }
    return sheet;
}

}  // namespace

std::optional<SheetLanguage> sheet_language_from(std::string_view s) {
    return print_language_from(s);
}

const char* to_string(SheetLanguage l) {
    return l == SheetLanguage::en ? "en" : "zh-CN";
}

RunSheetDay build_run_sheets(const RunSheetInputs& in) {
    const date::time_zone* zone = find_zone(in.time_zone);
    Index ix;
    ix.requests = by_id<RideRequest, RequestId>(in.requests);
    ix.patients = by_id<Patient, PatientId>(in.patients);
    ix.drivers = by_id<Driver, DriverId>(in.drivers);
    ix.vehicles = by_id<Vehicle, VehicleId>(in.vehicles);
    ix.places = by_id<Place, PlaceId>(in.places);

    std::vector<const Route*> routes;
    for (const Route& r : in.routes)
        routes.push_back(&r);
    // In the order the day is driven: by start, a route without one last, then by id.
    std::sort(routes.begin(), routes.end(), [](const Route* a, const Route* b) {
        const bool a_has = a->starts_at.has_value(), b_has = b->starts_at.has_value();
        if (a_has != b_has)
            return a_has;
        if (a_has && *a->starts_at != *b->starts_at)
            return *a->starts_at < *b->starts_at;
        return a->id < b->id;
    });

    RunSheetDay day;
    day.organisation = in.organisation;
    day.time_zone = in.time_zone;
    day.date = in.date;
    for (const Route* r : routes)
        day.sheets.push_back(sheet_of(*r, ix, in, zone));
    return day;
}

}  // namespace lifeline
