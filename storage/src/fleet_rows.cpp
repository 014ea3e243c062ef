#include "fleet_rows.h"

#include <sstream>

namespace lifeline::storage {

const char* const place_columns = "id, name, address, lat, lon, kind, active";
const char* const driver_columns =
    "id, name, phone, civic_group, home_lat, home_lon, wheelchair_trained, active";
const char* const vehicle_columns =
    "id, plate, description, seats, wheelchair_spaces, driver_id, odometer_km, active";
const char* const patient_columns =
    "id, name, phone, address, lat, lon, mobility, escort, ride_alone, notes, center_id, "
    "schedule_days, schedule_minute, schedule_minutes, active";

std::string weekdays_text(const std::vector<unsigned>& days) {
    std::string out;
    for (unsigned d : days) {
        if (!out.empty())
            out += ',';
        out += std::to_string(d);
    }
    return out;
}

std::vector<unsigned> weekdays_from_text(const std::string& text) {
    std::vector<unsigned> out;
    std::stringstream ss(text);
    std::string part;
    while (std::getline(ss, part, ','))
        if (!part.empty())
            out.push_back(unsigned(std::stoul(part)));
    return out;
}

Place read_place(const Statement& st) {
    Place p;
    p.id = st.get_int(0);
    p.name = st.get_text(1);
    p.address = st.get_text(2);
    p.location = {st.get_double(3), st.get_double(4)};
    p.kind = place_kind_from(st.get_text(5)).value_or(PlaceKind::other);
    p.active = st.get_int(6) != 0;
    return p;
}

Driver read_driver(Connection& c, const Statement& st) {
    Driver d;
    d.id = st.get_int(0);
    d.name = st.get_text(1);
    d.phone = st.get_text(2);
    d.group = st.get_text(3);
    d.home = {st.get_double(4), st.get_double(5)};
    d.wheelchair_trained = st.get_int(6) != 0;
    d.active = st.get_int(7) != 0;

    Statement shifts(c,
                     "SELECT weekday, start_min, end_min FROM driver_shifts WHERE driver_id = ? "
                     "ORDER BY weekday, start_min");
    shifts.bind_all(d.id);
    while (shifts.step())
        d.shifts.push_back(
            {unsigned(shifts.get_int(0)), Minutes{shifts.get_int(1)}, Minutes{shifts.get_int(2)}});
    Statement absences(c,
                       "SELECT from_date, to_date FROM driver_absences WHERE driver_id = ? "
                       "ORDER BY from_date");
    absences.bind_all(d.id);
    while (absences.step()) {
        auto from = parse_date(absences.get_text(0));
        auto to = parse_date(absences.get_text(1));
        if (from && to)
            d.absences.push_back({*from, *to});
    }
    return d;
}

Vehicle read_vehicle(const Statement& st) {
    Vehicle v;
    v.id = st.get_int(0);
    v.plate = st.get_text(1);
    v.description = st.get_text(2);
    v.seats = int(st.get_int(3));
    v.wheelchair_spaces = int(st.get_int(4));
    v.driver_id = st.get_opt_int(5);
    v.odometer_km = st.get_double(6);
    v.active = st.get_int(7) != 0;
    return v;
}

Patient read_patient(const Statement& st) {
    Patient p;
    p.id = st.get_int(0);
    p.name = st.get_text(1);
    p.phone = st.get_text(2);
    p.address = st.get_text(3);
    p.location = {st.get_double(4), st.get_double(5)};
    p.mobility = mobility_from(st.get_text(6)).value_or(Mobility::ambulatory);
    p.escort = st.get_int(7) != 0;
    p.ride_alone = st.get_int(8) != 0;
    p.notes = st.get_text(9);
    p.center_id = st.get_opt_int(10);
    if (auto days = st.get_opt_text(11)) {
        DialysisSchedule s;
        s.weekdays = weekdays_from_text(*days);
        s.appointment = Minutes{st.get_opt_int(12).value_or(0)};
        s.duration_minutes = int(st.get_opt_int(13).value_or(240));
        p.schedule = s;
    }
    p.active = st.get_int(14) != 0;
    return p;
}

namespace {

template <class Read>
auto load_by_id(Connection& c, const char* table, const char* columns, std::int64_t id, Read read)
    -> std::optional<decltype(read(std::declval<const Statement&>()))> {
    Statement st(c, std::string("SELECT ") + columns + " FROM " + table + " WHERE id = ?");
    st.bind_all(id);
    if (!st.step())
        return std::nullopt;
    return read(st);
}

}  // namespace

std::optional<Place> load_place(Connection& c, PlaceId id) {
    return load_by_id(c, "places", place_columns, id, read_place);
}
std::optional<Driver> load_driver(Connection& c, DriverId id) {
    return load_by_id(c, "drivers", driver_columns, id,
                      [&](const Statement& st) { return read_driver(c, st); });
}
std::optional<Vehicle> load_vehicle(Connection& c, VehicleId id) {
    return load_by_id(c, "vehicles", vehicle_columns, id, read_vehicle);
}
std::optional<Patient> load_patient(Connection& c, PatientId id) {
    return load_by_id(c, "patients", patient_columns, id, read_patient);
}

bool patient_on_driver_routes(Connection& c, PatientId patient, DriverId driver, ServiceDays days) {
    // requests_by_patient, then each request's stops and their route.
    Statement st(c,
                 "SELECT 1 FROM requests "
                 "JOIN route_stops ON route_stops.request_id = requests.id "
                 "JOIN routes ON routes.id = route_stops.route_id "
                 "WHERE requests.patient_id = ?1 AND requests.service_date BETWEEN ?3 AND ?4 "
                 "AND routes.driver_id = ?2 AND routes.service_date BETWEEN ?3 AND ?4 LIMIT 1");
    st.bind_all(patient, driver, format_date(days.first), format_date(days.last));
    return st.step();
}

}  // namespace lifeline::storage
