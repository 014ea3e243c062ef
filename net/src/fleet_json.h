#pragma once
// The fleet's JSON, derived from the field tables (lifeline/core/fleet/fleet_fields.h): the
// reader of a new entity and of a patch, the writer, and the typing of CSV cells. Shared
// by the routes (api_fleet.cpp) and the CSV import (api_import.cpp), so that a row is
// read exactly as a POST body is. The special fields (a driver's home and shifts, a
// patient's schedule) have their own code below, in the tables' order.

#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "api_common.h"
#include "lifeline/core/fleet/fleet_fields.h"
#include "lifeline/core/model.h"

namespace lifeline::net::fleet_json {

using fields::is_special;

// Lengths are Fleet's rules; here only an upper bound so a huge string is not copied.
constexpr std::size_t any_text = 100'000;
// Likewise for integers: Fleet checks the real range and names it.
constexpr std::int64_t any_integer = 1000;

inline Need need(fields::Presence p) {
    return p == fields::Presence::required ? Need::required : Need::optional;
}

inline json::value clock_json(Minutes m) {
    return json::value(m.count() >= 1440 ? std::string("24:00") : format_clock(m));
}

template <class T, class From>
std::optional<T> read_enum(Fields& f, std::string_view key, Need need, From from,
                           const char* allowed) {
    auto text = f.text(key, need, 40);
    if (!text)
        return std::nullopt;
    auto e = from(*text);
    if (!e)
        f.errors().add(f.field(key), msg("field.one_of_list", {{"list", allowed}}));
    return e;
}

// ---- the special fields --------------------------------------------------------------

std::optional<GeoPoint> read_point(Fields& f, std::string_view key, Need need);
std::optional<std::vector<Shift>> read_shifts(Fields& f, Need need);
// Absent: outer empty; null: inner empty.
std::optional<std::optional<DialysisSchedule>> read_schedule(Fields& f);
json::value schedule_json(const std::optional<DialysisSchedule>& s);

inline void read_special(Fields& f, fields::Home, Driver& d) {
    d.home = read_point(f, "home", Need::required).value_or(GeoPoint{});
}
inline void read_special(Fields& f, fields::Home, DriverPatch& p) {
    p.home = read_point(f, "home", Need::optional);
}
inline void read_special(Fields& f, fields::Shifts, Driver& d) {
    d.shifts = read_shifts(f, Need::optional).value_or(std::vector<Shift>{});
}
inline void read_special(Fields& f, fields::Shifts, DriverPatch& p) {
    p.shifts = read_shifts(f, Need::optional);
}
// Absences are added with POST /drivers/{id}/absences; in a body they are unknown.
inline void read_special(Fields&, fields::Absences, Driver&) {}
inline void read_special(Fields&, fields::Absences, DriverPatch&) {}
inline void read_special(Fields& f, fields::Schedule, Patient& p) {
    if (auto s = read_schedule(f))
        p.schedule = *s;
}
inline void read_special(Fields& f, fields::Schedule, PatientPatch& p) {
    p.schedule = read_schedule(f);
}

inline void write_special(json::object& o, fields::Home, const Driver& d) {
    o["home"] = json::object{{"lat", d.home.lat}, {"lon", d.home.lon}};
}
inline void write_special(json::object& o, fields::Shifts, const Driver& d) {
    json::array shifts;
    for (const Shift& s : d.shifts)
        shifts.push_back(json::object{
            {"weekday", s.weekday}, {"start", clock_json(s.start)}, {"end", clock_json(s.end)}});
    o["shifts"] = std::move(shifts);
}
inline void write_special(json::object& o, fields::Absences, const Driver& d) {
    json::array absences;
    for (const Absence& a : d.absences)
        absences.push_back(
            json::object{{"id", a.id}, {"from", format_date(a.from)}, {"to", format_date(a.to)}});
    o["absences"] = std::move(absences);
}
inline void write_special(json::object& o, fields::Schedule, const Patient& p) {
    o["schedule"] = schedule_json(p.schedule);
}

// ---- plain fields, per kind ----------------------------------------------------------

template <class E, class P, class G>
std::optional<std::string> read_value(Fields& f, const fields::Text<E, P, G>& d, Need n) {
    return f.text(d.name, n, any_text);
}
template <class E, class P, class G>
std::optional<int> read_value(Fields& f, const fields::Integer<E, P, G>& d, Need n) {
    if (auto v = f.integer(d.name, n, -any_integer, any_integer))
        return int(*v);
    return std::nullopt;
}
template <class E, class P, class G>
std::optional<double> read_value(Fields& f, const fields::Number<E, P, G>& d, Need n) {
    return f.number(d.name, n, d.lo, d.hi);
}
template <class E, class P, class G>
std::optional<bool> read_value(Fields& f, const fields::Boolean<E, P, G>& d, Need n) {
    return f.boolean(d.name, n);
}
template <class E, class P, class T, class G>
std::optional<T> read_value(Fields& f, const fields::Enum<E, P, T, G>& d, Need n) {
    return read_enum<T>(f, d.name, n, d.from, d.names);
}
template <class E, class P, class G>
std::optional<std::optional<std::int64_t>> read_value(Fields& f,
                                                      const fields::Reference<E, P, G>& d, Need) {
    return f.nullable_id(d.name);
}

// What a new entity's field must be: text and numbers as their rule says, the rest may
// be left out (the entity's default applies).
template <class F>
Need need_new(const F& d) {
    if constexpr (requires { d.presence; })
        return need(d.presence);
    else
        return Need::optional;
}

template <class F>
inline constexpr bool is_reference = false;
template <class E, class P, class G>
inline constexpr bool is_reference<fields::Reference<E, P, G>> = true;

template <class E, class P, class G>
json::value write_value(const fields::Reference<E, P, G>&, const std::optional<std::int64_t>& v) {
    return id_json(v);
}
template <class E, class P, class T, class G>
json::value write_value(const fields::Enum<E, P, T, G>& d, T v) {
    return json::value(d.to(v));
}
template <class F, class V>
json::value write_value(const F&, const V& v) {
    return json::value_from(v);  // text, integer, number, boolean
}

// ---- an entity -----------------------------------------------------------------------

// A new entity from a POST body (or a CSV row): every field of the table.
template <class E>
E read_new(Fields& f) {
    E record;
    fields::each(FleetEntity<E>::table, [&](const auto& d) {
        if constexpr (is_special<std::decay_t<decltype(d)>>) {
            read_special(f, d.tag, record);
        } else if constexpr (is_reference<std::decay_t<decltype(d)>>) {
            d.get(record) = f.id(d.name, Need::optional);  // null or absent: none
        } else if (auto v = read_value(f, d, need_new(d))) {
            d.get(record) = *v;
        }
    });
    return record;
}

// A patch from a PATCH body: the fields the table lets a patch change; any other key
// is unknown (Fields::finish).
template <class E>
typename FleetEntity<E>::Patch read_patch(Fields& f) {
    typename FleetEntity<E>::Patch patch;
    fields::each(FleetEntity<E>::table, [&](const auto& d) {
        if constexpr (is_special<std::decay_t<decltype(d)>>)
            read_special(f, d.tag, patch);
        else if (d.patchable())
            patch.*(d.patch) = read_value(f, d, Need::optional);
    });
    return patch;
}

template <class E>
json::object to_json(const E& record) {
    json::object o;
    o["id"] = record.id;
    fields::each(FleetEntity<E>::table, [&](const auto& d) {
        if constexpr (is_special<std::decay_t<decltype(d)>>)
            write_special(o, d.tag, record);
        else
            o[d.name] = write_value(d, d.get(record));
    });
    return o;
}

// ---- CSV -----------------------------------------------------------------------------

enum class Cell { text, number, boolean };

// Numbers and booleans are typed when they parse; text (enumerations too) stays text.
template <class E, class P, class G>
Cell cell_of(const fields::Text<E, P, G>&) {
    return Cell::text;
}
template <class E, class P, class T, class G>
Cell cell_of(const fields::Enum<E, P, T, G>&) {
    return Cell::text;
}
template <class E, class P, class G>
Cell cell_of(const fields::Boolean<E, P, G>&) {
    return Cell::boolean;
}
template <class E, class P, class G>
Cell cell_of(const fields::Integer<E, P, G>&) {
    return Cell::number;
}
template <class E, class P, class G>
Cell cell_of(const fields::Number<E, P, G>&) {
    return Cell::number;
}
template <class E, class P, class G>
Cell cell_of(const fields::Reference<E, P, G>&) {
    return Cell::number;
}

// The CSV columns of the special fields, and how their cells are typed.
inline std::vector<std::pair<const char*, Cell>> csv_columns(fields::Home) {
    return {{"home_lat", Cell::number}, {"home_lon", Cell::number}};
}
inline std::vector<std::pair<const char*, Cell>> csv_columns(fields::Shifts) {
    return {{"shifts", Cell::text}};
}
inline std::vector<std::pair<const char*, Cell>> csv_columns(fields::Absences) {
    return {};
}
inline std::vector<std::pair<const char*, Cell>> csv_columns(fields::Schedule) {
    return {
        {"weekdays", Cell::text}, {"appointment", Cell::text}, {"duration_minutes", Cell::number}};
}

// How a cell of `column` is typed for entity E; an unknown column is text (the reader
// then names it as unknown).
template <class E>
Cell csv_cell(std::string_view column) {
    Cell cell = Cell::text;
    fields::each(FleetEntity<E>::table, [&](const auto& d) {
        if constexpr (is_special<std::decay_t<decltype(d)>>) {
            for (const auto& [name, type] : csv_columns(d.tag))
                if (column == name)
                    cell = type;
        } else if (column == d.name) {
            cell = cell_of(d);
        }
    });
    return cell;
}

}  // namespace lifeline::net::fleet_json
