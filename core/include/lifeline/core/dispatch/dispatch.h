#pragma once
// Dispatch (docs/design.md §4, §5): requests from dialysis schedules, holidays, manual and
// will-call requests, day plans by the matching engine, real-time assignment, and the
// drivers' manifests. Every rule lives here; storage provides atomic units of work
// (DispatchStore::transact) and consistent reads (DispatchStore::read).
//
// A year's replay drives exactly these calls: generate → plan_day → (Ledger: trips with
// route_id and events with request_id) → the next day.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "lifeline/core/clock.h"
#include "lifeline/core/dispatch/dispatch_model.h"
#include "lifeline/core/dispatch/run_sheets.h"
#include "lifeline/core/errors.h"
#include "lifeline/core/settings.h"
#include "lifeline/match/match.h"

namespace date {
class time_zone;
}

namespace lifeline {

// What a unit of work may read and write; every call sees the same transaction (or,
// through DispatchStore::read, the same snapshot, where the writes throw).
class DispatchTx {
  public:
    virtual ~DispatchTx() = default;

    virtual std::optional<Patient> patient(PatientId id) = 0;
    // Active patients with a schedule and a center.
    virtual std::vector<Patient> scheduled_patients() = 0;
    virtual std::optional<Place> place(PlaceId id) = 0;
    virtual std::optional<Driver> driver(DriverId id) = 0;  // with shifts and absences
    virtual std::optional<Vehicle> vehicle(VehicleId id) = 0;
    virtual std::vector<Driver> active_drivers() = 0;  // with shifts and absences
    virtual std::vector<Vehicle> active_vehicles() = 0;
    virtual std::optional<Holiday> holiday(LocalDate date) = 0;

    virtual std::optional<RideRequest> request(RequestId id) = 0;
    virtual std::optional<RideRequest> request_by_key(const std::string& schedule_key) = 0;
    virtual std::vector<RideRequest> requests_of_day(LocalDate date) = 0;
    // Requests from schedules whose session falls in [from, to] (before holiday moves),
    // of one patient or of all.
    virtual std::vector<RideRequest> schedule_requests(LocalDate from, LocalDate to,
                                                       std::optional<PatientId> patient) = 0;
    virtual std::vector<Route> routes_of_day(LocalDate date) = 0;  // with stops, by id
    virtual std::optional<Route> route(RouteId id) = 0;

    virtual RequestId insert_request(const RideRequest& request) = 0;
    virtual void update_request(const RideRequest& request) = 0;  // every field
    // Only a request no route stop or ride refers to.
    virtual void delete_request(RequestId id) = 0;
    virtual void put_holiday(const Holiday& holiday) = 0;
    // The two legs of one session point at each other.
    virtual void link_requests(RequestId a, RequestId b) = 0;
    virtual std::vector<Holiday> holidays(LocalDate from, LocalDate to) = 0;
    virtual void delete_holiday(LocalDate date) = 0;

    // Requests of a patient whose service date is in [from, to].
    virtual std::vector<RideRequest> requests_of_patient(PatientId patient, LocalDate from,
                                                         LocalDate to) = 0;
    virtual std::vector<RideRequest> requests_of_batch(CancelBatchId batch) = 0;
    virtual std::vector<RideRequest> requests_of_suspension(SuspensionId suspension) = 0;
    virtual CancelBatchId insert_batch(const CancelBatch& batch) = 0;
    virtual std::optional<CancelBatch> batch(CancelBatchId id) = 0;
    virtual std::vector<CancelBatch> batches_of_day(LocalDate date) = 0;
    virtual void set_batch_restored(CancelBatchId id, Instant at) = 0;
    virtual std::vector<Suspension> suspensions(PatientId patient) = 0;  // by from date
    virtual std::optional<Suspension> suspension(SuspensionId id) = 0;
    virtual SuspensionId insert_suspension(const Suspension& s) = 0;
    virtual void update_suspension(const Suspension& s) = 0;
    virtual void delete_suspension(SuspensionId id) = 0;
    virtual void audit(const AuditEntry& entry) = 0;

    virtual RouteId insert_route(const Route& route) = 0;  // with its stops
    virtual void update_route(const Route& route) = 0;     // fields, and stops replaced
    virtual void delete_route(RouteId id) = 0;
};

struct RequestFilter {
    std::optional<LocalDate> date{};
    std::optional<RequestStatus> status{};
    std::optional<PatientId> patient_id{};
};

class DispatchStore {
  public:
    virtual ~DispatchStore() = default;

    // One atomic, durable write; an exception from `work` rolls it back and is rethrown.
    template <class F>
    auto transact(F&& work) -> std::invoke_result_t<F&, DispatchTx&> {
        return run(work, true);
    }
    // A consistent snapshot of committed state (writes throw).
    template <class F>
    auto read(F&& work) -> std::invoke_result_t<F&, DispatchTx&> {
        return run(work, false);
    }

    // In id order, `page.after` excluded.
    virtual Page<RideRequest> list_requests(const RequestFilter& filter,
                                            const PageRequest& page) = 0;

  protected:
    virtual void run_transaction(const std::function<void(DispatchTx&)>& work) = 0;
    virtual void run_read(const std::function<void(DispatchTx&)>& work) = 0;

  private:
    template <class F>
    auto run(F& work, bool write) -> std::invoke_result_t<F&, DispatchTx&> {
        using R = std::invoke_result_t<F&, DispatchTx&>;
        auto go = [&](const std::function<void(DispatchTx&)>& w) {
            write ? run_transaction(w) : run_read(w);
        };
        if constexpr (std::is_void_v<R>) {
            go([&](DispatchTx& tx) { work(tx); });
        } else {
            std::optional<R> result;
            go([&](DispatchTx& tx) { result.emplace(work(tx)); });
            return std::move(*result);
        }
    }
};

// ---- inputs and answers -------------------------------------------------------------

// One end of a new request: a place, or a point with an address. Absent: the patient's
// home (pickup of a to_center/other ride, drop-off of a home ride) or their center.
struct EndpointInput {
    std::optional<PlaceId> place_id;
    std::optional<GeoPoint> location;
    std::string address;
};

struct RequestInput {
    PatientId patient_id = 0;
    Direction direction = Direction::other;
    std::optional<LocalDate> service_date;  // default: the local date of arrive_by/ready_at
    std::optional<EndpointInput> pickup;
    std::optional<EndpointInput> dropoff;
    std::optional<Instant> arrive_by;
    std::optional<Instant> ready_at;
    std::optional<int> passengers;   // default: 1, plus the patient's escort
    std::optional<bool> wheelchair;  // default: the patient's mobility
    std::string notes;
};

// Only the fields given change; for arrive_by/ready_at the inner nullopt clears it.
struct RequestPatch {
    std::optional<std::optional<Instant>> arrive_by;
    std::optional<std::optional<Instant>> ready_at;
    std::optional<int> passengers;
    std::optional<bool> wheelchair;
    std::optional<std::string> notes;
    std::optional<EndpointInput> pickup;
    std::optional<EndpointInput> dropoff;
};

struct GenerateResult {
    int created = 0;    // new requests (a closed holiday's arrive cancelled)
    int updated = 0;    // unplanned requests brought in line with the schedule or holiday
    int removed = 0;    // unplanned requests of sessions the schedule no longer has
    int unchanged = 0;  // already there as the schedule says, or planned/started/past
    int past = 0;       // sessions of today not made: their pickup time has passed
    // Assigned requests (on a route) the schedule no longer matches: left on their route
    // for the dispatcher to cancel or keep.
    std::vector<RequestId> kept_assigned;
};

// Cancelling one request; the other leg of its session goes too unless told otherwise.
struct CancelOrder {
    CancelReason reason = CancelReason::other;
    std::string note;
    bool also_linked = true;
};

struct Cancellation {
    RideRequest request;
    std::vector<RideRequest> also;  // the other leg, cancelled with it
};

// A day, a period of it, or one center's part of it, cancelled at once.
struct BulkCancel {
    LocalDate date{};
    std::optional<Minutes> from;  // a ride's time (arrive_by or ready_at), local, from…
    std::optional<Minutes> to;    // …to (excluded)
    std::optional<PlaceId> place_id;
    CancelReason reason = CancelReason::weather;
    std::string note;
    bool dry_run = false;
    std::optional<int> expected_count;  // the count the dispatcher confirmed
};

struct BulkCancelResult {
    std::optional<CancelBatch> batch;  // none on a dry run
    std::vector<RideRequest> requests;
};

struct Restoration {
    std::optional<CancelBatch> batch;
    std::vector<RideRequest> restored;
};

struct SuspensionChange {
    std::optional<Suspension> suspension;  // none once removed
    std::vector<RideRequest> cancelled;    // requests of the period it cancelled
    std::vector<RideRequest> restored;     // requests it gave back
    GenerateResult generated;              // sessions made for the days it freed
};

struct PlanOptions {
    std::optional<std::int64_t> time_limit_ms;  // default: the settings' matcher time limit
    std::uint64_t seed = 1;
    std::int64_t max_iterations = 0;  // 0: stop on time (set for reproducible replays)
    // Stop once the search has converged (docs/matching.md); the time limit stays a cap.
    // false: search for the whole time limit.
    bool until_converged = true;
};

struct Unassigned {
    Unassigned(RequestId id, std::string c, Message why)
        : request_id(id), code(std::move(c)), reason(why.text), message(std::move(why)) {}
    RequestId request_id = 0;
    // The engine's reason, or "will_call", "no_vehicle_on_shift", "too_soon" (today's
    // pickup before now + the lead time), "pin_not_honoured", "driver_absent".
    std::string code;
    std::string reason;  // in a dispatcher's words (English; `message` in any language)
    Message message;     // "unserved.<…>" with its parameters
};

struct PlanStats {
    int requests = 0;  // requests given to the engine
    int assigned = 0;
    int unassigned = 0;
    int will_call = 0;  // returns still waiting for the clinic, not planned
    int vehicles = 0;   // drivers on shift with a vehicle
    int routes = 0;     // routes with stops, frozen ones included
    int frozen_routes = 0;
    int pinned = 0;    // requests pinned to their vehicle (kept there, or listed unassigned)
    int too_soon = 0;  // today's requests whose pickup is before now + the lead time
    double planned_km = 0;
    std::int64_t iterations = 0;
    double solve_ms = 0;
    double queued_ms = 0;    // waiting for a free planner (DispatchLimits::planners)
    bool converged = false;  // the search stopped on convergence, before its time limit
    bool checked = false;    // the engine's independent check accepted the plan
};

struct DayPlan {
    LocalDate date{};
    std::vector<Route> routes;
    std::vector<Unassigned> unassigned;
    PlanStats stats;
};

// A day's plan as searched, before it is saved: the search needs no lock, the save is
// one short write that refuses the draft if the day changed meanwhile.
struct DayPlanDraft {
    DayPlan plan;                     // frozen routes and the unassigned; new routes not yet in
    std::vector<Route> fresh;         // the new routes, without ids
    std::set<RouteId> frozen_before;  // the started and finished routes the search saw
    std::set<RouteId> kept_planned;   // planned routes of vehicles out on a route: kept
};

struct Assignment {
    RideRequest request;
    std::optional<Route> route;  // the route it joined
    bool assigned = false;
    std::string reason;  // why not, when not assigned (English)
    Message why;         // the same as a message: "unserved.<…>" with its parameters
};

struct ManifestStop {
    int seq = 0;
    StopKind kind = StopKind::pickup;
    Instant eta{};
    RequestId request_id = 0;
    RequestStatus status = RequestStatus::scheduled;
    PatientId patient_id = 0;  // the phone matches a ride logged by patient number
    std::string patient_name;
    std::string phone;
    std::string address;
    GeoPoint location;
    Mobility mobility = Mobility::ambulatory;
    bool escort = false;
    int passengers = 1;
    std::string notes;  // the patient's and the request's
};

struct ManifestRoute {
    RouteId id = 0;
    VehicleId vehicle_id = 0;
    std::string plate;
    RouteStatus status = RouteStatus::planned;
    std::optional<Instant> starts_at;
    std::optional<Instant> ends_at;
    std::vector<ManifestStop> stops;
};

struct Manifest {
    DriverId driver_id = 0;
    std::string driver_name;
    LocalDate date{};
    std::vector<ManifestRoute> routes;
};

struct DispatchLimits {
    int max_generate_days = 366;
    int max_notes = 2000;
    int max_address = 500;
    std::int64_t max_time_limit_ms = 60'000;
    int max_reason = 200;           // a suspension's reason, in characters
    int max_suspension_days = 366;  // one suspension's length
    // Day plans searching at once; more wait their turn, so that planners never hold every
    // core and the server's other requests are still answered. 0: half the cores, at least 1.
    int planners = 0;
};

// ---- the mapping of a day to the engine (docs/design.md §5), exposed for tests -------------

// A driver's working span on `date`: the day's weekly shifts (merged when split) unless
// an absence covers the date. Local minutes after midnight.
struct ShiftSpan {
    Minutes start{0};
    Minutes end{0};
};
std::optional<ShiftSpan> shift_on(const Driver& driver, LocalDate date);

struct DayInputs {
    LocalDate date{};
    const date::time_zone* zone = nullptr;
    MatcherDefaults matcher;
    std::vector<Driver> drivers;
    std::vector<Vehicle> vehicles;
    std::vector<RideRequest> requests;  // the ones to map (none of them will-call)
    std::map<PatientId, Patient> patients;
    // Planning today: no vehicle leaves before `vehicles_from` (now), and a request whose
    // pickup cannot be at or after `not_before` (now + the lead time) is left out as too
    // soon — unless it is in `lead_exempt` (it is on a vehicle already): then it is mapped
    // with its own windows and listed in DayProblem::held.
    std::optional<Instant> vehicles_from;
    std::optional<Instant> not_before;
    std::set<RequestId> lead_exempt;
};

struct DayVehicle {
    DriverId driver_id = 0;
    VehicleId vehicle_id = 0;
};

struct DayProblem {
    match::Problem problem;
    Instant origin{};                    // tick 0: local midnight of the date
    std::vector<RequestId> request_ids;  // engine request index → request id
    std::vector<DayVehicle> vehicles;    // engine vehicle index → driver and vehicle
    std::vector<RequestId> invalid;      // requests whose times make no sense that day
    std::vector<RequestId> too_soon;     // pickups before DayInputs::not_before
    std::vector<RequestId> held;         // too soon, but on a vehicle already (lead_exempt)

    Instant at(match::Time tick) const;
    match::Time tick(Instant t) const;
};

// Vehicles from drivers on shift (each with their first active vehicle, from and back to
// their home), requests with their windows, loads and ride limits.
DayProblem map_day(const DayInputs& in);

// The reason an engine leaves a request out, in a dispatcher's words.
std::string describe(match::UnservedReason reason);
// The same as a message: "unserved.<reason>" (core/messages.h).
Message describe_message(match::UnservedReason reason);

// Admits at most a fixed number of day-plan searches at once (dispatch_plan.cpp).
class PlannerPool;
std::shared_ptr<PlannerPool> make_planner_pool(int planners);

// ---- the facade ---------------------------------------------------------------------

class Dispatch {
  public:
    Dispatch(DispatchStore& store, SettingsService& settings, const Clock& clock,
             DispatchLimits limits = {})
        : store_(store),
          settings_(settings),
          clock_(clock),
          limits_(limits),
          planners_(make_planner_pool(limits.planners)) {}

    // Expands every schedule into the requests of [from, to], idempotently; unplanned
    // requests of dates from today on follow the schedules and holidays as they are now.
    GenerateResult generate(const Actor& actor, LocalDate from, LocalDate to);
    // After a patient's schedule, center or home changed: their future unplanned requests
    // follow it (past, planned and started ones are left alone).
    // Also after a new patient: their requests of today (pickups from now on) and the next
    // 7 days are made at once.
    GenerateResult patient_changed(const Actor& actor, PatientId patient);
    // Sessions of that date move to `move_to`, or are cancelled (reason holiday).
    GenerateResult put_holiday(const Actor& actor, const Holiday& holiday);
    std::optional<Holiday> get_holiday(const Actor& actor, LocalDate date);

    RideRequest create_request(const Actor& actor, const RequestInput& input);
    RideRequest get_request(const Actor& actor, RequestId id);
    Page<RideRequest> list_requests(const Actor& actor, const RequestFilter& filter,
                                    const PageRequest& page);
    RideRequest update_request(const Actor& actor, RequestId id, const RequestPatch& patch);
    // Cancels the request alone (the replay cancels each leg itself).
    RideRequest cancel_request(const Actor& actor, RequestId id, CancelReason reason,
                               const std::string& note = {});
    // Cancels the request and, by default, the other open leg of its session.
    Cancellation cancel(const Actor& actor, RequestId id, const CancelOrder& order);
    // Counts (dry run) or cancels the open requests of a day or period, in one write.
    BulkCancelResult cancel_bulk(const Actor& actor, const BulkCancel& order);
    std::vector<CancelBatch> cancel_batches(const Actor& actor, LocalDate date);
    // A cancellation is restored on the local day it was made, and only for rides not yet
    // past; the requests become pending again (plan or assign them).
    Restoration restore_batch(const Actor& actor, CancelBatchId id);
    Restoration restore_request(const Actor& actor, RequestId id, bool also_linked = true);

    std::vector<Suspension> suspensions(const Actor& actor, PatientId patient);
    SuspensionChange add_suspension(const Actor& actor, const Suspension& suspension);
    SuspensionChange change_suspension(const Actor& actor, const Suspension& suspension);
    SuspensionChange remove_suspension(const Actor& actor, PatientId patient, SuspensionId id);

    std::vector<Holiday> holidays(const Actor& actor, LocalDate from, LocalDate to);
    // The date's sessions come back as the schedules have them.
    GenerateResult remove_holiday(const Actor& actor, LocalDate date);

    // Plans the day's open requests over the drivers on shift; replaces unstarted routes,
    // keeps started and finished ones and their requests. Throws Error(internal) if the
    // engine's independent check ever rejects the plan.
    DayPlan plan_day(const Actor& actor, LocalDate date, const PlanOptions& options = {});
    // plan_day in its two phases: the search (reads and the matching engine, no write)
    // and the save (one transaction; 409 if a route started or a request changed since).
    DayPlanDraft draft_day(const Actor& actor, LocalDate date, const PlanOptions& options = {});
    DayPlan save_day(const Actor& actor, DayPlanDraft draft);
    std::vector<Route> routes(const Actor& actor, LocalDate date);
    // Into the best route, or into `vehicle`'s (409 naming the broken constraint). A
    // request assigned by hand is pinned to its vehicle: plans keep it there.
    Assignment assign(const Actor& actor, RequestId id, std::optional<VehicleId> vehicle);
    // The request may move again when the day is planned (it stays on its route until then).
    RideRequest unpin(const Actor& actor, RequestId id);
    // A driver's absence was added or changed: the requests on their planned routes of
    // those days (from today on) come off, unserved with the reason, and are listed.
    std::vector<Unassigned> driver_absent(const Actor& actor, DriverId driver,
                                          const Absence& absence);
    // Requests of the date past their time with no pickup logged (by the server's clock):
    // on a route and its pickup's ETA has passed, or unplanned and its ready or arrival
    // time has passed.
    std::set<RequestId> overdue(const Actor& actor, LocalDate date);
    // A will-call return is ready (at `at`, default now): into the live plan at once.
    Assignment ready(const Actor& actor, RequestId id, std::optional<Instant> at = {});
    // The driver's stops of the date: for that driver or a dispatcher only.
    Manifest manifest(const Actor& actor, DriverId driver, LocalDate date);
    // The day's routes (or the one `route`, which must be of that day: 422 naming
    // route_id) as run sheets to print: for dispatchers only.
    RunSheetDay run_sheets(const Actor& actor, LocalDate date, std::optional<RouteId> route = {});

    // The organisation's local date now.
    LocalDate today();

  private:
    DispatchStore& store_;
    SettingsService& settings_;
    const Clock& clock_;
    DispatchLimits limits_;
    std::shared_ptr<PlannerPool> planners_;
};

}  // namespace lifeline
