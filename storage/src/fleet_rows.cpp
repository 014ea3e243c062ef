#include "fleet_rows.h"

#include "search_index.h"

#include <sstream>
#include <type_traits>
#include <vector>

#include "lifeline/core/fleet/fleet_fields.h"

namespace lifeline::storage {
namespace {

using fields::is_special;

// The tables of the fleet; their columns come from the field tables (fleet_fields.h).
template <class E>
constexpr const char* table_name = nullptr;
template <>
constexpr const char* table_name<Place> = "places";
template <>
constexpr const char* table_name<Driver> = "drivers";
template <>
constexpr const char* table_name<Vehicle> = "vehicles";
template <>
constexpr const char* table_name<Patient> = "patients";

// ---- the special fields' columns ------------------------------------------------------

// A driver's shifts and absences live in their own tables (driver_shifts,
// driver_absences), written by FleetTx calls of their own.
std::vector<const char*> special_columns(fields::Home) {
    return {"home_lat", "home_lon"};
}
std::vector<const char*> special_columns(fields::Shifts) {
    return {};
}
std::vector<const char*> special_columns(fields::Absences) {
    return {};
}
std::vector<const char*> special_columns(fields::Schedule) {
    return {"schedule_days", "schedule_minute", "schedule_minutes"};
}

void bind_special(Statement& st, int& i, fields::Home, const Driver& d) {
    st.bind(++i, d.home.lat);
    st.bind(++i, d.home.lon);
}
void bind_special(Statement&, int&, fields::Shifts, const Driver&) {}
void bind_special(Statement&, int&, fields::Absences, const Driver&) {}
void bind_special(Statement& st, int& i, fields::Schedule, const Patient& p) {
    if (!p.schedule) {
        st.bind_null(++i);
        st.bind_null(++i);
        st.bind_null(++i);
        return;
    }
    st.bind(++i, weekdays_text(p.schedule->weekdays));
    st.bind(++i, std::int64_t(p.schedule->appointment.count()));
    st.bind(++i, std::int64_t(p.schedule->duration_minutes));
}

void read_special(const Statement& st, int& col, fields::Home, Driver& d) {
    d.home = {st.get_double(col), st.get_double(col + 1)};
    col += 2;
}
void read_special(const Statement&, int&, fields::Shifts, Driver&) {}
void read_special(const Statement&, int&, fields::Absences, Driver&) {}
void read_special(const Statement& st, int& col, fields::Schedule, Patient& p) {
    if (auto days = st.get_opt_text(col)) {
        DialysisSchedule s;
        s.weekdays = weekdays_from_text(*days);
        s.appointment = Minutes{st.get_opt_int(col + 1).value_or(0)};
        s.duration_minutes = int(st.get_opt_int(col + 2).value_or(240));
        p.schedule = s;
    }
    col += 3;
}

// ---- plain fields, per kind -----------------------------------------------------------

template <class F, class V>
void bind_value(Statement& st, int i, const F&, const V& v) {
    st.bind(i, v);  // text, integer, number, boolean, reference
}
template <class E, class P, class T, class G>
void bind_value(Statement& st, int i, const fields::Enum<E, P, T, G>& f, T v) {
    st.bind(i, f.to(v));
}

template <class E, class P, class G>
void read_value(const Statement& st, int col, const fields::Text<E, P, G>&, std::string& v) {
    v = st.get_text(col);
}
template <class E, class P, class G>
void read_value(const Statement& st, int col, const fields::Integer<E, P, G>&, int& v) {
    v = int(st.get_int(col));
}
template <class E, class P, class G>
void read_value(const Statement& st, int col, const fields::Number<E, P, G>&, double& v) {
    v = st.get_double(col);
}
template <class E, class P, class G>
void read_value(const Statement& st, int col, const fields::Boolean<E, P, G>&, bool& v) {
    v = st.get_int(col) != 0;
}
template <class E, class P, class T, class G>
void read_value(const Statement& st, int col, const fields::Enum<E, P, T, G>& f, T& v) {
    v = f.from(st.get_text(col)).value_or(v);  // an unknown name reads as the default
}
template <class E, class P, class G>
void read_value(const Statement& st, int col, const fields::Reference<E, P, G>&,
                std::optional<std::int64_t>& v) {
    v = st.get_opt_int(col);
}

// ---- an entity's columns, statements, binding and reading ------------------------------

enum class Which { all, updatable };

// The columns in table order; `updatable` leaves out what only create sets (the
// vehicle's odometer, which the ledger keeps).
template <class E>
std::vector<std::string> columns(Which which) {
    std::vector<std::string> out;
    fields::each(FleetEntity<E>::table, [&](const auto& f) {
        if constexpr (is_special<std::decay_t<decltype(f)>>) {
            for (const char* c : special_columns(f.tag))
                out.emplace_back(c);
        } else if (which == Which::all || f.patchable()) {
            out.emplace_back(f.column);
        }
    });
    return out;
}

template <class E>
void bind_fields(Statement& st, int& i, const E& record, Which which) {
    fields::each(FleetEntity<E>::table, [&](const auto& f) {
        if constexpr (is_special<std::decay_t<decltype(f)>>)
            bind_special(st, i, f.tag, record);
        else if (which == Which::all || f.patchable())
            bind_value(st, ++i, f, f.get(record));
    });
}

std::string joined(const std::vector<std::string>& items, const char* suffix = "") {
    std::string out;
    for (const std::string& item : items) {
        if (!out.empty())
            out += ", ";
        out += item + suffix;
    }
    return out;
}

template <class E>
std::string column_list() {
    return "id, " + joined(columns<E>(Which::all));
}

template <class E>
std::string insert_sql() {
    const auto cols = columns<E>(Which::all);
    std::string marks;
    for (std::size_t i = 0; i < cols.size(); ++i)
        marks += i ? ", ?" : "?";
    return std::string("INSERT INTO ") + table_name<E> + " (" + joined(cols) + ") VALUES (" +
           marks + ")";
}

template <class E>
std::string update_sql() {
    return std::string("UPDATE ") + table_name<E> + " SET " +
           joined(columns<E>(Which::updatable), " = ?") + " WHERE id = ?";
}

}  // namespace

const std::string place_columns = column_list<Place>();
const std::string driver_columns = column_list<Driver>();
const std::string vehicle_columns = column_list<Vehicle>();
const std::string patient_columns = column_list<Patient>();

namespace {

template <class E>
E read_row(const Statement& st) {
    E record;
    int col = 0;
    record.id = st.get_int(col++);
    fields::each(FleetEntity<E>::table, [&](const auto& f) {
        if constexpr (is_special<std::decay_t<decltype(f)>>)
            read_special(st, col, f.tag, record);
        else
            read_value(st, col++, f, f.get(record));
    });
    return record;
}

}  // namespace

template <class E>
std::int64_t insert_row(Connection& c, const E& record) {
    static const std::string sql = insert_sql<E>();
    Statement st(c, sql);
    int i = 0;
    bind_fields(st, i, record, Which::all);
    st.run();
    E saved = record;
    saved.id = c.last_insert_id();
    index_for_search(c, saved);
    return saved.id;
}

template <class E>
void update_row(Connection& c, const E& record) {
    static const std::string sql = update_sql<E>();
    Statement st(c, sql);
    int i = 0;
    bind_fields(st, i, record, Which::updatable);
    st.bind(++i, record.id);
    st.run();
    index_for_search(c, record);
}

template std::int64_t insert_row(Connection&, const Place&);
template std::int64_t insert_row(Connection&, const Driver&);
template std::int64_t insert_row(Connection&, const Vehicle&);
template std::int64_t insert_row(Connection&, const Patient&);
template void update_row(Connection&, const Place&);
template void update_row(Connection&, const Driver&);
template void update_row(Connection&, const Vehicle&);
template void update_row(Connection&, const Patient&);

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
    return read_row<Place>(st);
}

Driver read_driver(Connection& c, const Statement& st) {
    Driver d = read_row<Driver>(st);
    Statement shifts(c,
                     "SELECT weekday, start_min, end_min FROM driver_shifts WHERE driver_id = ? "
                     "ORDER BY weekday, start_min");
    shifts.bind_all(d.id);
    while (shifts.step())
        d.shifts.push_back(
            {unsigned(shifts.get_int(0)), Minutes{shifts.get_int(1)}, Minutes{shifts.get_int(2)}});
    Statement absences(c,
                       "SELECT from_date, to_date, id FROM driver_absences WHERE driver_id = ? "
                       "ORDER BY from_date, id");
    absences.bind_all(d.id);
    while (absences.step()) {
        auto from = parse_date(absences.get_text(0));
        auto to = parse_date(absences.get_text(1));
        if (from && to)
            d.absences.push_back({*from, *to, absences.get_int(2)});
    }
    return d;
}

Vehicle read_vehicle(const Statement& st) {
    return read_row<Vehicle>(st);
}

Patient read_patient(const Statement& st) {
    return read_row<Patient>(st);
}

namespace {

// "SELECT <columns> FROM <table> WHERE id = ?", written once per record type.
template <class Record>
const std::string& select_by_id() {
    static const std::string sql =
        "SELECT " + column_list<Record>() + " FROM " + table_name<Record> + " WHERE id = ?";
    return sql;
}

template <class Record, class Read>
auto load_by_id(Connection& c, std::int64_t id, Read read)
    -> std::optional<decltype(read(std::declval<const Statement&>()))> {
    Statement st(c, select_by_id<Record>());
    st.bind_all(id);
    if (!st.step())
        return std::nullopt;
    return read(st);
}

}  // namespace

std::optional<Place> load_place(Connection& c, PlaceId id) {
    return load_by_id<Place>(c, id, read_place);
}
std::optional<Driver> load_driver(Connection& c, DriverId id) {
    return load_by_id<Driver>(c, id, [&](const Statement& st) { return read_driver(c, st); });
}
std::optional<Vehicle> load_vehicle(Connection& c, VehicleId id) {
    return load_by_id<Vehicle>(c, id, read_vehicle);
}
std::optional<Patient> load_patient(Connection& c, PatientId id) {
    return load_by_id<Patient>(c, id, read_patient);
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
