#pragma once
// The fleet's fields, declared once (docs/architecture.md, "Fields declared once").
//
// Each entity (place, driver, vehicle, patient) has one table below: a tuple of small
// descriptors, one per field, in the order the field is shown, stored and audited. A
// descriptor says the field's wire name, its kind (text, integer, number, boolean,
// enumeration, reference), its limits, its database column, whether a PATCH may change
// it and whether the audit snapshot records it. Every layer walks the table with its own
// code per kind: core/src/fleet/fleet.cpp validates, applies patches and writes audit
// snapshots; storage/src/fleet_rows.cpp derives the column lists, binds and reads rows;
// net/src/fleet_json.h reads and writes JSON and types CSV cells, and api_fleet.cpp
// registers the list/create/get/patch routes of each entity.
//
// A field whose shape is its own (a driver's home, shifts and absences, a patient's
// dialysis schedule) is listed as `special(name, Tag{})`; each layer handles its tag
// explicitly, in the table's order. No JSON or SQL here: names and rules only.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "lifeline/core/model.h"

namespace lifeline {

// Limits of the fleet's input, in characters (Unicode code points, not bytes).
struct FleetLimits {
    std::size_t max_name = 200;
    std::size_t max_phone = 40;
    std::size_t max_address = 500;
    std::size_t max_notes = 2000;
    std::size_t max_plate = 20;
    std::size_t max_description = 500;
    std::size_t max_color = 20;
    std::size_t max_group = 200;
    std::size_t max_query = 200;
    std::size_t max_shifts = 50;
    int max_absence_days = 366;
    Kilometers max_odometer = 10'000'000;
};

// Patches: only the fields given change. For a nullable field the outer optional says
// "given", the inner one the new value (std::nullopt inside: set to null). Deactivating
// is `active = false`; nothing of the fleet is ever deleted. A field the table marks
// `create_only` has no member here.
struct PlacePatch {
    std::optional<std::string> name{};
    std::optional<std::string> address{};
    std::optional<double> lat{};
    std::optional<double> lon{};
    std::optional<PlaceKind> kind{};
    std::optional<bool> active{};
};

struct DriverPatch {
    std::optional<std::string> name{};
    std::optional<std::string> phone{};
    std::optional<std::string> group{};
    std::optional<GeoPoint> home{};
    std::optional<std::vector<Shift>> shifts{};  // replaces the whole week
    std::optional<bool> wheelchair_trained{};
    std::optional<bool> active{};
};

struct VehiclePatch {
    std::optional<std::string> plate{};
    std::optional<std::string> description{};
    std::optional<std::string> color{};
    std::optional<int> seats{};
    std::optional<int> wheelchair_spaces{};
    std::optional<std::optional<DriverId>> driver_id{};
    std::optional<bool> active{};
};

struct PatientPatch {
    std::optional<std::string> name{};
    std::optional<std::string> phone{};
    std::optional<std::string> address{};
    std::optional<double> lat{};
    std::optional<double> lon{};
    std::optional<Mobility> mobility{};
    std::optional<bool> escort{};
    std::optional<bool> ride_alone{};
    std::optional<std::string> notes{};
    std::optional<std::optional<PlaceId>> center_id{};
    std::optional<std::optional<DialysisSchedule>> schedule{};
    std::optional<bool> active{};
};

namespace fields {

enum class Presence { optional, required };  // required text must not be empty
enum class Lines { one, many };              // many: \n, \r and \t are allowed

// How a descriptor reaches its value: a member, or a member of a member
// (Place::location.lat).
template <class E, class M>
struct Member {
    M E::*member;
    constexpr M& operator()(E& e) const { return e.*member; }
    constexpr const M& operator()(const E& e) const { return e.*member; }
};

template <class E, class O, class M>
struct Inner {
    O E::*outer;
    M O::*inner;
    constexpr M& operator()(E& e) const { return (e.*outer).*inner; }
    constexpr const M& operator()(const E& e) const { return (e.*outer).*inner; }
};

template <class E, class O, class M>
constexpr Inner<E, O, M> inner(O E::*outer, M O::*member) {
    return {outer, member};
}

// What every plain field has. `patch == nullptr`: set on create only (the field is not
// a known field of a PATCH body and is left alone by UPDATE).
template <class E, class P, class T, class Get>
struct Base {
    using Entity = E;
    using Patch = P;
    const char* name;
    Get get;
    std::optional<T> P::*patch;
    const char* column;
    bool audited = true;

    constexpr bool patchable() const { return patch != nullptr; }
};

// The field stored in a column whose name differs from the field's.
template <class Field>
constexpr Field in_column(Field field, const char* column) {
    field.column = column;
    return field;
}

template <class E, class P, class Get>
struct Text : Base<E, P, std::string, Get> {
    std::size_t FleetLimits::*max;
    Presence presence;
    Lines lines;
};

template <class E, class P, class Get>
struct Integer : Base<E, P, int, Get> {
    int lo;
    int hi;
};

// `what` names the quantity in the message ("must be a latitude between -90 and 90");
// `limit`, when set, replaces `hi` in the facade's rule (FleetLimits is configurable).
template <class E, class P, class Get>
struct Number : Base<E, P, double, Get> {
    double lo;
    double hi;
    const char* what;
    Presence presence;
    Kilometers FleetLimits::*limit;
};

template <class E, class P, class Get>
struct Boolean : Base<E, P, bool, Get> {};

// `names` lists the wire names, "a, b, c", in the order of the messages.
template <class E, class P, class T, class Get>
struct Enum : Base<E, P, T, Get> {
    const char* (*to)(T);
    std::optional<T> (*from)(std::string_view);
    const char* names;
};

// The id of another record, or null; whether it exists is a rule of the facade.
template <class E, class P, class Get>
struct Reference : Base<E, P, std::optional<std::int64_t>, Get> {};

// A field with a shape of its own; each layer overloads on `Tag`.
template <class E, class Tag>
struct Special {
    using Entity = E;
    const char* name;
    Tag tag;
};

// ---- constructors of descriptors ------------------------------------------------------

// The patch member of a field that only create sets: `create_only<VehiclePatch, double>`.
template <class P, class T>
inline constexpr std::optional<T> P::*create_only = nullptr;

template <class E, class P>
constexpr auto text(const char* name, std::string E::*m, std::optional<std::string> P::*patch,
                    std::size_t FleetLimits::*max, Presence presence = Presence::optional,
                    Lines lines = Lines::one) {
    using Get = Member<E, std::string>;
    return Text<E, P, Get>{{name, Get{m}, patch, name}, max, presence, lines};
}

template <class E, class P>
constexpr auto integer(const char* name, int E::*m, std::optional<int> P::*patch, int lo, int hi) {
    using Get = Member<E, int>;
    return Integer<E, P, Get>{{name, Get{m}, patch, name}, lo, hi};
}

template <class E, class P, class Get>
constexpr auto number(const char* name, Get get, std::optional<double> P::*patch, double lo,
                      double hi, const char* what, Presence presence = Presence::optional,
                      Kilometers FleetLimits::*limit = nullptr) {
    return Number<E, P, Get>{{name, get, patch, name}, lo, hi, what, presence, limit};
}

template <class E, class P>
constexpr auto boolean(const char* name, bool E::*m, std::optional<bool> P::*patch) {
    using Get = Member<E, bool>;
    return Boolean<E, P, Get>{{name, Get{m}, patch, name}};
}

template <class E, class P, class T>
constexpr auto enumeration(const char* name, T E::*m, std::optional<T> P::*patch,
                           const char* (*to)(T), std::optional<T> (*from)(std::string_view),
                           const char* names) {
    using Get = Member<E, T>;
    return Enum<E, P, T, Get>{{name, Get{m}, patch, name}, to, from, names};
}

template <class E, class P>
constexpr auto reference(const char* name, std::optional<std::int64_t> E::*m,
                         std::optional<std::optional<std::int64_t>> P::*patch) {
    using Get = Member<E, std::optional<std::int64_t>>;
    return Reference<E, P, Get>{{name, Get{m}, patch, name}};
}

template <class E, class Tag>
constexpr auto special(const char* name, Tag tag) {
    return Special<E, Tag>{name, tag};
}

template <class F>
inline constexpr bool is_special = false;
template <class E, class Tag>
inline constexpr bool is_special<Special<E, Tag>> = true;

template <class F>
inline constexpr bool is_text = false;
template <class E, class P, class G>
inline constexpr bool is_text<Text<E, P, G>> = true;

// Calls `f(descriptor)` for every field of `table`, in order.
template <class Table, class F>
constexpr void each(const Table& table, F&& f) {
    std::apply([&](const auto&... field) { (f(field), ...); }, table);
}

// ---- the special fields ---------------------------------------------------------------

struct Home {};      // Driver::home: {lat, lon}
struct Shifts {};    // Driver::shifts: the weekly shifts, their own table
struct Absences {};  // Driver::absences: added one at a time, their own table
struct Schedule {};  // Patient::schedule: weekdays, appointment and duration, or null

// ---- the tables -----------------------------------------------------------------------

inline constexpr auto place = std::tuple{
    text("name", &Place::name, &PlacePatch::name, &FleetLimits::max_name, Presence::required),
    text("address", &Place::address, &PlacePatch::address, &FleetLimits::max_address,
         Presence::optional, Lines::many),
    number<Place>("lat", inner(&Place::location, &GeoPoint::lat), &PlacePatch::lat, -90, 90,
                  "latitude", Presence::required),
    number<Place>("lon", inner(&Place::location, &GeoPoint::lon), &PlacePatch::lon, -180, 180,
                  "longitude", Presence::required),
    enumeration("kind", &Place::kind, &PlacePatch::kind, to_string, place_kind_from,
                "dialysis_center, hospital, home, other"),
    boolean("active", &Place::active, &PlacePatch::active),
};

inline constexpr auto driver = std::tuple{
    text("name", &Driver::name, &DriverPatch::name, &FleetLimits::max_name, Presence::required),
    text("phone", &Driver::phone, &DriverPatch::phone, &FleetLimits::max_phone),
    in_column(text("group", &Driver::group, &DriverPatch::group, &FleetLimits::max_group),
              "civic_group"),
    special<Driver>("home", Home{}),
    special<Driver>("shifts", Shifts{}),
    special<Driver>("absences", Absences{}),
    boolean("wheelchair_trained", &Driver::wheelchair_trained, &DriverPatch::wheelchair_trained),
    boolean("active", &Driver::active, &DriverPatch::active),
};

// The plate's uniqueness and the default driver's existence are rules of Fleet; the
// odometer is the vehicle's reading when it joins the fleet, then the ledger's.
inline constexpr auto vehicle = std::tuple{
    text("plate", &Vehicle::plate, &VehiclePatch::plate, &FleetLimits::max_plate,
         Presence::required),
    text("description", &Vehicle::description, &VehiclePatch::description,
         &FleetLimits::max_description, Presence::optional, Lines::many),
    text("color", &Vehicle::color, &VehiclePatch::color, &FleetLimits::max_color),
    integer("seats", &Vehicle::seats, &VehiclePatch::seats, 1, 60),
    integer("wheelchair_spaces", &Vehicle::wheelchair_spaces, &VehiclePatch::wheelchair_spaces, 0,
            10),
    reference("driver_id", &Vehicle::driver_id, &VehiclePatch::driver_id),
    number<Vehicle>("odometer_km", Member<Vehicle, double>{&Vehicle::odometer_km},
                    create_only<VehiclePatch, double>, 0, 10'000'000, "reading", Presence::optional,
                    &FleetLimits::max_odometer),
    boolean("active", &Vehicle::active, &VehiclePatch::active),
};

// The center's kind and the schedule's need of a center are rules of Fleet.
inline constexpr auto patient = std::tuple{
    text("name", &Patient::name, &PatientPatch::name, &FleetLimits::max_name, Presence::required),
    text("phone", &Patient::phone, &PatientPatch::phone, &FleetLimits::max_phone),
    text("address", &Patient::address, &PatientPatch::address, &FleetLimits::max_address,
         Presence::optional, Lines::many),
    number<Patient>("lat", inner(&Patient::location, &GeoPoint::lat), &PatientPatch::lat, -90, 90,
                    "latitude", Presence::required),
    number<Patient>("lon", inner(&Patient::location, &GeoPoint::lon), &PatientPatch::lon, -180, 180,
                    "longitude", Presence::required),
    enumeration("mobility", &Patient::mobility, &PatientPatch::mobility, to_string, mobility_from,
                "ambulatory, wheelchair"),
    boolean("escort", &Patient::escort, &PatientPatch::escort),
    boolean("ride_alone", &Patient::ride_alone, &PatientPatch::ride_alone),
    text("notes", &Patient::notes, &PatientPatch::notes, &FleetLimits::max_notes,
         Presence::optional, Lines::many),
    reference("center_id", &Patient::center_id, &PatientPatch::center_id),
    special<Patient>("schedule", Schedule{}),
    boolean("active", &Patient::active, &PatientPatch::active),
};

}  // namespace fields

// An entity's table and names, for code that is generic over the four.
template <class E>
struct FleetEntity;

template <>
struct FleetEntity<Place> {
    using Patch = PlacePatch;
    static constexpr const char* name = "place";
    static constexpr const char* collection = "places";
    static constexpr const auto& table = fields::place;
};

template <>
struct FleetEntity<Driver> {
    using Patch = DriverPatch;
    static constexpr const char* name = "driver";
    static constexpr const char* collection = "drivers";
    static constexpr const auto& table = fields::driver;
};

template <>
struct FleetEntity<Vehicle> {
    using Patch = VehiclePatch;
    static constexpr const char* name = "vehicle";
    static constexpr const char* collection = "vehicles";
    static constexpr const auto& table = fields::vehicle;
};

template <>
struct FleetEntity<Patient> {
    using Patch = PatientPatch;
    static constexpr const char* name = "patient";
    static constexpr const char* collection = "patients";
    static constexpr const auto& table = fields::patient;
};

}  // namespace lifeline
