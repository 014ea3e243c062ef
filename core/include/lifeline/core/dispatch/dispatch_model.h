#pragma once
// Dispatch's value types (docs/design.md §3): ride requests, holidays, and a day's routes with
// their ordered stops. The ledger uses the statuses too: a driver's events move them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lifeline/core/model.h"

namespace lifeline {

enum class Direction { to_center, home, other };
enum class RequestStatus {
    pending,
    scheduled,
    in_progress,
    completed,
    no_show,
    cancelled,
    unserved
};
enum class CancelReason { patient, late_cancel, holiday, weather, other };
enum class RequestSource { schedule, manual };
enum class RouteStatus { planned, started, finished };
enum class StopKind { pickup, dropoff };

// One end of a ride: a known place, or a point with its address.
struct Endpoint {
    std::optional<PlaceId> place_id;
    GeoPoint location;
    std::string address;
};

struct RideRequest {
    RequestId id = 0;
    PatientId patient_id = 0;
    Direction direction = Direction::other;
    LocalDate service_date{};
    Endpoint pickup;
    Endpoint dropoff;
    std::optional<Instant> arrive_by;  // the drop-off happens by then
    std::optional<Instant> ready_at;   // the pickup happens from then; none: will-call
    int passengers = 1;                // the patient and an escort, if any
    bool wheelchair = false;
    RequestStatus status = RequestStatus::pending;
    std::optional<CancelReason> cancel_reason;
    std::string unserved_reason;  // why the last plan left it out, in a dispatcher's words
    RequestSource source = RequestSource::manual;
    std::optional<std::string> schedule_key;  // "<patient>:<session date>:<direction>"
    std::optional<LocalDate> session_date;    // a schedule's session, before any holiday move
    std::string notes;
    Instant created_at{};
    Instant updated_at{};
    // Assigned by hand to this vehicle: planning the day keeps it there until unpinned.
    std::optional<VehicleId> pinned_vehicle;

    // A return without a ready time waits for the clinic's call.
    bool will_call() const { return !arrive_by && !ready_at; }
    bool open() const {
        return status == RequestStatus::pending || status == RequestStatus::scheduled ||
               status == RequestStatus::unserved;
    }
};

struct Holiday {
    LocalDate date{};
    std::optional<LocalDate> move_to;  // none: closed
};

struct RouteStop {
    RequestId request_id = 0;
    StopKind kind = StopKind::pickup;
    Instant eta{};  // planned start of service
};

struct Route {
    RouteId id = 0;
    LocalDate service_date{};
    VehicleId vehicle_id = 0;
    DriverId driver_id = 0;
    RouteStatus status = RouteStatus::planned;
    double planned_km = 0;
    std::optional<Instant> starts_at;  // leaves the driver's home
    std::optional<Instant> ends_at;    // back home
    std::vector<RouteStop> stops;
};

const char* to_string(Direction d);
const char* to_string(RequestStatus s);
const char* to_string(CancelReason r);
const char* to_string(RequestSource s);
const char* to_string(RouteStatus s);
const char* to_string(StopKind k);
std::optional<Direction> direction_from(std::string_view s);
std::optional<RequestStatus> request_status_from(std::string_view s);
std::optional<CancelReason> cancel_reason_from(std::string_view s);
std::optional<RequestSource> request_source_from(std::string_view s);
std::optional<RouteStatus> route_status_from(std::string_view s);
std::optional<StopKind> stop_kind_from(std::string_view s);

// Privacy by dispatch: a driver may read a patient, and log rides and events for them,
// only while dispatch has the patient on one of the driver's routes with a service date
// from the day before the first day to the day after the last. What a driver logs never
// widens it.
struct ServiceDays {
    LocalDate first;
    LocalDate last;
};
ServiceDays driver_patient_days(LocalDate first, LocalDate last);

}  // namespace lifeline
