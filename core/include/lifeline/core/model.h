#pragma once
// The data model of docs/design.md §3 as plain value types. Facts (trips, rides, audit) are
// never lost or silently changed; plans are recomputable.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lifeline/core/time.h"

namespace lifeline {

using PlaceId = std::int64_t;
using DriverId = std::int64_t;
using VehicleId = std::int64_t;
using PatientId = std::int64_t;
using RequestId = std::int64_t;
using RouteId = std::int64_t;
using TripId = std::int64_t;
using RideId = std::int64_t;
using UserId = std::int64_t;
using AbsenceId = std::int64_t;

using Kilometers = double;  // odometer readings, as the dashboard shows them

struct GeoPoint {
    double lat = 0;
    double lon = 0;
};

enum class PlaceKind { dialysis_center, hospital, home, other };

struct Place {
    PlaceId id = 0;
    std::string name;
    std::string address;
    GeoPoint location;
    PlaceKind kind = PlaceKind::other;
    bool active = true;
};

struct Shift {
    unsigned weekday = 1;  // ISO: Monday = 1 … Sunday = 7
    Minutes start{0};      // local wall clock
    Minutes end{0};
};

struct Absence {
    LocalDate from;
    LocalDate to;      // inclusive
    AbsenceId id = 0;  // 0 until stored
};

struct Driver {
    DriverId id = 0;
    std::string name;
    std::string phone;
    std::string group;  // the volunteer's civic group
    GeoPoint home;
    std::vector<Shift> shifts;
    std::vector<Absence> absences;
    bool wheelchair_trained = false;
    bool active = true;
};

struct Vehicle {
    VehicleId id = 0;
    std::string plate;
    std::string description;
    std::string color;  // as a patient looks for the car: "白色", "silver"
    int seats = 4;
    int wheelchair_spaces = 0;
    std::optional<DriverId> driver_id;  // default driver
    Kilometers odometer_km = 0;         // last logged reading
    bool active = true;
};

enum class Mobility { ambulatory, wheelchair };

struct DialysisSchedule {
    std::vector<unsigned> weekdays;  // ISO weekdays
    Minutes appointment{0};          // local wall clock
    int duration_minutes = 240;
};

struct Patient {
    PatientId id = 0;
    std::string name;
    std::string phone;
    std::string address;
    GeoPoint location;
    Mobility mobility = Mobility::ambulatory;
    bool escort = false;
    bool ride_alone = false;
    std::string notes;
    std::optional<PlaceId> center_id;
    std::optional<DialysisSchedule> schedule;
    bool active = true;
};

enum class Role { admin, dispatcher, driver };

struct User {
    UserId id = 0;
    std::string username;
    Role role = Role::driver;
    std::optional<DriverId> driver_id;
    bool active = true;
    std::optional<std::string> language{};  // of the UI; none: the organisation's
};

// Who is acting: taken from the bearer token, never from a request body.
struct Actor {
    UserId user_id = 0;
    std::string username;
    Role role = Role::driver;
    std::optional<DriverId> driver_id;

    bool is_dispatcher() const { return role == Role::admin || role == Role::dispatcher; }
    bool is_admin() const { return role == Role::admin; }
};

enum class RideOutcome { aboard, completed, no_show, cancelled };

struct Ride {
    RideId id = 0;
    std::optional<RequestId> request_id;
    PatientId patient_id = 0;
    std::optional<Instant> picked_up_at;
    std::optional<Instant> dropped_off_at;
    std::optional<Instant> recorded_at;  // when a no-show or cancellation was noted
    std::optional<Kilometers> odometer_pickup;
    std::optional<Kilometers> odometer_dropoff;
    RideOutcome outcome = RideOutcome::completed;
};

struct Trip {
    TripId id = 0;
    DriverId driver_id = 0;
    VehicleId vehicle_id = 0;
    std::optional<RouteId> route_id;
    Instant started_at{};
    std::optional<Instant> ended_at;
    Kilometers odometer_start = 0;
    std::optional<Kilometers> odometer_end;
    std::vector<Ride> rides;

    bool open() const { return !ended_at.has_value(); }
    std::optional<Kilometers> km() const {
        if (!odometer_end)
            return std::nullopt;
        return *odometer_end - odometer_start;
    }
    std::int64_t completed_rides() const {
        std::int64_t n = 0;
        for (const Ride& r : rides)
            n += r.outcome == RideOutcome::completed;
        return n;
    }
};

struct AuditEntry {
    std::int64_t id = 0;
    UserId user_id = 0;
    std::string username;
    Instant at{};
    std::string entity;  // "trip", "vehicle", …
    std::int64_t entity_id = 0;
    std::string action;  // "create", "update", "correct", …
    std::string before;  // JSON snapshot, empty on create
    std::string after;   // JSON snapshot
    std::string reason;
};

// A page of a list: items and the cursor of the next page, if any.
template <class T>
struct Page {
    std::vector<T> items;
    std::optional<std::int64_t> next_cursor;
};

struct PageRequest {
    int limit = 100;                    // 1..500
    std::optional<std::int64_t> after;  // cursor: the last id of the previous page
};

// Names as they appear on the wire and in the database.
const char* to_string(PlaceKind k);
const char* to_string(Mobility m);
const char* to_string(Role r);
const char* to_string(RideOutcome o);
std::optional<PlaceKind> place_kind_from(std::string_view s);
std::optional<Mobility> mobility_from(std::string_view s);
std::optional<Role> role_from(std::string_view s);
std::optional<RideOutcome> ride_outcome_from(std::string_view s);

}  // namespace lifeline
