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

using CancelBatchId = std::int64_t;
using SuspensionId = std::int64_t;

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
    // The other leg of a schedule's session (to the center ↔ home), if any.
    std::optional<RequestId> linked_request_id;
    // Set while cancelled: when, and by which period cancellation or suspension.
    std::optional<Instant> cancelled_at;
    std::optional<CancelBatchId> cancel_batch_id;
    std::optional<SuspensionId> suspension_id;
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

// A patient who needs no rides from `from` to `to` (local dates, both included):
// in hospital, travelling. Requests are not made for those days; rides resume by
// themselves after `to`.
struct Suspension {
    SuspensionId id = 0;
    PatientId patient_id = 0;
    LocalDate from{};
    LocalDate to{};
    std::string reason;
    Instant created_at{};
};

// The rides of a day, or of a period of it, cancelled at once (a snow day).
struct CancelBatch {
    CancelBatchId id = 0;
    LocalDate date{};
    std::optional<Minutes> from;  // local wall clock; none: from the start of the day
    std::optional<Minutes> to;    // none: to its end
    std::optional<PlaceId> place_id;
    CancelReason reason = CancelReason::weather;
    std::string note;
    int count = 0;
    Instant created_at{};
    UserId user_id = 0;
    std::string username;
    std::optional<Instant> restored_at;
    std::vector<RequestId> still_cancelled;  // its requests not restored one by one
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

// How far a route has come, for the board: stops done of all, the next stop, and how late
// it runs against the plan. A pickup is done once its request is picked up, completed or
// a no-show; a drop-off once it is completed or a no-show. Late by the most of: the next
// stop's planned time passed (now − eta), and the last done stop's logged time after its
// eta; whole minutes, 0 when on time, and 0 for a finished route.
struct StopLog {
    RequestId request_id = 0;
    StopKind kind = StopKind::pickup;
    Instant at{};  // when the driver logged it
};
struct RouteProgress {
    int done = 0;
    int total = 0;
    std::optional<std::size_t> next;  // index into the route's stops
    std::int64_t late_min = 0;
};
RouteProgress route_progress(const Route& route, const std::vector<RideRequest>& requests,
                             const std::vector<StopLog>& logged, Instant now);

}  // namespace lifeline
