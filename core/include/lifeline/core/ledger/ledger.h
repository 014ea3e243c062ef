#pragma once
// The trip ledger (docs/design.md §3): open a trip, log pickups, drop-offs and no-shows, finish
// it, log a whole finished trip at once, and dispatcher corrections with a reason.
// Every rule of the ledger lives here; storage only provides atomic units of work.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lifeline/core/clock.h"
#include "lifeline/core/dispatch/dispatch_model.h"
#include "lifeline/core/errors.h"
#include "lifeline/core/model.h"
#include "lifeline/core/reports/reports.h"
#include "lifeline/core/settings.h"

namespace lifeline {

// What a unit of work may read and write; every call sees the state of the same
// transaction, so a check and the write it guards are atomic.
class LedgerTx {
  public:
    virtual ~LedgerTx() = default;
    virtual std::optional<Vehicle> vehicle(VehicleId id) = 0;
    // The driver's own fields; shifts and absences are not needed by the ledger.
    virtual std::optional<Driver> driver(DriverId id) = 0;
    virtual std::optional<Patient> patient(PatientId id) = 0;
    // The patient a request is for, if the request exists.
    virtual std::optional<PatientId> request_patient(RequestId id) = 0;
    // Whether dispatch has the patient on one of the driver's routes within `days`.
    virtual bool patient_on_driver_routes(PatientId patient, DriverId driver, ServiceDays days) = 0;
    virtual std::optional<Trip> trip(TripId id) = 0;
    virtual std::optional<TripId> open_trip_of(VehicleId id) = 0;
    // Inserts the trip and its rides, setting their ids.
    virtual void insert_trip(Trip& trip, UserId created_by) = 0;
    // Writes the trip's fields and its rides (rides with id 0 are inserted and get ids).
    virtual void update_trip(Trip& trip) = 0;
    // Sets the vehicle's odometer_km to its latest trip's latest reading.
    virtual void refresh_vehicle_odometer(VehicleId id) = 0;
    virtual void audit(const AuditEntry& entry) = 0;

    // Dispatch's side of a trip: the route it drives (stops are not needed) and the
    // requests its rides serve, moved along by the driver's events.
    virtual std::optional<Route> route(RouteId id) = 0;
    virtual void set_route_status(RouteId id, RouteStatus status) = 0;
    virtual void set_request_status(RequestId id, RequestStatus status) = 0;
    // The route's stops in order, and the status of a request.
    virtual std::vector<RouteStop> route_stops(RouteId id) = 0;
    virtual std::optional<RequestStatus> request_status(RequestId id) = 0;
    // The open trip driving the route, if any.
    virtual std::optional<TripId> open_trip_on_route(RouteId id) = 0;
    // A stop handed back to dispatch: the request's stops leave the route, and the
    // request is unserved with `reason`, waiting for the dispatcher.
    virtual void hand_back(RequestId id, RouteId route, const std::string& reason) = 0;
};

struct TripFilter {
    std::optional<Instant> from;  // started_at ≥ from
    std::optional<Instant> to;    // started_at < to
    std::optional<DriverId> driver_id;
    std::optional<VehicleId> vehicle_id;
    std::optional<bool> open;       // true: open trips only; false: finished ones only
    std::optional<LocalDate> date;  // started on this local day (the ledger sets from / to)
};

// The port storage implements; `transact` is one atomic, durable write.
class TripStore {
  public:
    virtual ~TripStore() = default;
    virtual Trip transact(const std::function<Trip(LedgerTx&)>& work) = 0;
    virtual std::optional<Trip> find(TripId id) = 0;
    virtual Page<Trip> list(const TripFilter& filter, const PageRequest& page) = 0;
    // The vehicle's trip just before `trip` (in the order started_at, id), without rides.
    virtual std::optional<Trip> previous_on_vehicle(const Trip& trip) = 0;
};

// Opening a trip, or (with ended_at and odometer_end) logging a finished one whole. A
// driver's rides must be for patients dispatch has on the driver's routes around the
// trip's days (driver_patient_days); a dispatcher may log any patient.
struct TripInput {
    std::optional<DriverId> driver_id;  // dispatchers name the driver; drivers are themselves
    VehicleId vehicle_id = 0;
    std::optional<RouteId> route_id;
    Instant started_at{};
    Kilometers odometer_start = 0;
    std::optional<Instant> ended_at;
    std::optional<Kilometers> odometer_end;
    std::vector<Ride> rides;
    // A dispatcher may accept an odometer below the vehicle's last reading (a fixed
    // typo, a replaced dashboard); the acceptance and its reason are audited.
    bool confirm_odometer_correction = false;
    std::string reason;
};

enum class TripEventType { pickup, dropoff, no_show };

struct TripEvent {
    TripEventType type = TripEventType::pickup;
    std::optional<RequestId> request_id;
    std::optional<PatientId> patient_id;
    Instant at{};
    std::optional<Kilometers> odometer;
};

// What happened to a request still waiting on the trip's route when the trip ends: the
// patient did not come (no_show), the driver gives it back to dispatch (handed_back, with
// an optional note), or it stays on the route for the driver's next trip (kept).
enum class LeftStopOutcome { no_show, handed_back, kept };

struct LeftStop {
    RequestId request_id = 0;
    LeftStopOutcome outcome = LeftStopOutcome::kept;
    std::string note;
};

// Finishing a trip. A trip on a route names every request still waiting on the route
// (scheduled, not picked up) in `stops_left`, so none is left on a finished route.
struct TripFinish {
    Instant ended_at{};
    Kilometers odometer_end = 0;
    std::vector<LeftStop> stops_left;
};

// A dispatcher's correction: only the fields given change; `reason` is required.
struct TripCorrection {
    std::optional<DriverId> driver_id;
    std::optional<VehicleId> vehicle_id;
    std::optional<Instant> started_at;
    std::optional<Instant> ended_at;
    std::optional<Kilometers> odometer_start;
    std::optional<Kilometers> odometer_end;
    std::optional<std::vector<Ride>> rides;
    std::string reason;
};

// What became of a patient still aboard a trip the dispatcher closes: delivered to the
// ride's destination (completed) or taken off before it (cancelled), at `at` (the trip's
// end when not given).
struct AboardOutcome {
    RideId ride_id = 0;
    RideOutcome outcome = RideOutcome::completed;
    std::optional<Instant> at;
};

// A dispatcher closing a trip left open (the driver forgot, the phone died): end time,
// end reading and reason are required, and every ride still aboard is answered in
// `rides`; the closing is audited with its reason.
struct TripClose {
    std::optional<Instant> ended_at;
    std::optional<Kilometers> odometer_end;
    std::string reason;
    std::vector<AboardOutcome> rides;
};

// Limits of what one trip may carry; beyond them input is refused.
struct LedgerLimits {
    Kilometers max_odometer = 10'000'000;
    Kilometers max_trip_km = 2'000;
    std::size_t max_rides = 64;
    std::size_t max_reason = 1000;
};

std::optional<TripEventType> trip_event_type_from(std::string_view s);
std::optional<LeftStopOutcome> left_stop_outcome_from(std::string_view s);

class Ledger {
  public:
    // `settings` gives the organisation's time zone: which patients a driver may log
    // depends on the local dates of the trip.
    Ledger(TripStore& store, SettingsService& settings, const Clock& clock,
           LedgerLimits limits = {})
        : store_(store), settings_(settings), clock_(clock), limits_(limits) {}

    Trip open_or_log(const Actor& actor, const TripInput& input);
    Trip add_event(const Actor& actor, TripId id, const TripEvent& event);
    Trip finish(const Actor& actor, TripId id, const TripFinish& finish);
    Trip correct(const Actor& actor, TripId id, const TripCorrection& correction);
    Trip close(const Actor& actor, TripId id, const TripClose& close);

    // A driver sees only their own trips (others are "not found").
    Trip get(const Actor& actor, TripId id);
    Page<Trip> list(const Actor& actor, TripFilter filter, const PageRequest& page);
    // Each trip's odometer check against the vehicle's trip before it (the monthly
    // report's check); trips whose readings meet have no entry. Dispatchers only.
    std::map<TripId, OdometerAnomaly> odometer_anomalies(const Actor& actor,
                                                         const std::vector<Trip>& trips);

  private:
    TripStore& store_;
    SettingsService& settings_;
    const Clock& clock_;
    LedgerLimits limits_;
};

// The audit snapshot of a trip (a JSON object; the audit log's stored format).
std::string audit_snapshot(const Trip& trip);

}  // namespace lifeline
