#include "lifeline/core/ledger/ledger.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "lifeline/core/audit.h"
#include "lifeline/core/text.h"
#include "patch.h"

namespace lifeline {
namespace {

using detail::assign_if;

using std::chrono::minutes;

// A phone's clock may run a little ahead; anything further is a typo.
constexpr auto clock_skew = minutes{10};

std::string ride_field(std::size_t i, const char* name) {
    return "rides[" + std::to_string(i) + "]." + name;
}

bool finite_reading(Kilometers km, const LedgerLimits& limits) {
    return std::isfinite(km) && km >= 0 && km <= limits.max_odometer;
}

// Rules on one trip that need nothing but the trip itself. `finished` says whether the
// trip carries ended_at / odometer_end (a whole or finished trip).
void check_trip_shape(const Trip& t, const LedgerLimits& limits, Instant now, FieldErrors& errs) {
    if (!finite_reading(t.odometer_start, limits))
        errs.add("odometer_start", msg("odometer.reading_range", {{"max", limits.max_odometer}}));
    if (t.started_at > now + clock_skew)
        errs.add("started_at", msg("field.in_future"));
    if (t.ended_at && *t.ended_at < t.started_at)
        errs.add("ended_at", msg("time.ended_before_started"));
    if (t.ended_at && *t.ended_at > now + clock_skew)
        errs.add("ended_at", msg("field.in_future"));
    if (t.odometer_end) {
        if (!finite_reading(*t.odometer_end, limits))
            errs.add("odometer_end", msg("odometer.reading_range", {{"max", limits.max_odometer}}));
        else if (*t.odometer_end < t.odometer_start)
            errs.add("odometer_end", msg("odometer.end_below_start"));
        else if (*t.odometer_end - t.odometer_start > limits.max_trip_km)
            errs.add("odometer_end", msg("odometer.trip_too_long", {{"max", limits.max_trip_km}}));
    }
    if (t.rides.size() > limits.max_rides)
        errs.add("rides", msg("trip.too_many_rides", {{"max", std::int64_t(limits.max_rides)}}));

    auto within_span = [&](Instant at) {
        return at >= t.started_at && (!t.ended_at || at <= *t.ended_at);
    };
    auto within_readings = [&](Kilometers km) {
        return km >= t.odometer_start && (!t.odometer_end || km <= *t.odometer_end);
    };
    for (std::size_t i = 0; i < t.rides.size(); ++i) {
        const Ride& r = t.rides[i];
        if (r.patient_id <= 0 && !r.request_id)
            errs.add(ride_field(i, "patient_id"), msg("ride.names_patient"));
        if (r.picked_up_at && !within_span(*r.picked_up_at))
            errs.add(ride_field(i, "picked_up_at"), msg("time.outside_trip"));
        if (r.dropped_off_at && !within_span(*r.dropped_off_at))
            errs.add(ride_field(i, "dropped_off_at"), msg("time.outside_trip"));
        if (r.recorded_at && !within_span(*r.recorded_at))
            errs.add(ride_field(i, "recorded_at"), msg("time.outside_trip"));
        if (r.picked_up_at && r.dropped_off_at && *r.dropped_off_at < *r.picked_up_at)
            errs.add(ride_field(i, "dropped_off_at"), msg("time.dropoff_before_pickup"));
        if (r.odometer_pickup && !within_readings(*r.odometer_pickup))
            errs.add(ride_field(i, "odometer_pickup"), msg("odometer.outside_trip"));
        if (r.odometer_dropoff && !within_readings(*r.odometer_dropoff))
            errs.add(ride_field(i, "odometer_dropoff"), msg("odometer.outside_trip"));
        switch (r.outcome) {
            case RideOutcome::completed:
                if (!r.picked_up_at)
                    errs.add(ride_field(i, "picked_up_at"), msg("ride.completed_needs_time"));
                if (!r.dropped_off_at)
                    errs.add(ride_field(i, "dropped_off_at"), msg("ride.completed_needs_time"));
                break;
            case RideOutcome::aboard:
                if (t.ended_at)
                    errs.add(ride_field(i, "outcome"), msg("ride.nobody_aboard"));
                if (!r.picked_up_at)
                    errs.add(ride_field(i, "picked_up_at"), msg("ride.aboard_needs_pickup"));
                break;
            case RideOutcome::no_show:
            case RideOutcome::cancelled:
                if (r.dropped_off_at)
                    errs.add(ride_field(i, "dropped_off_at"), msg("ride.not_taken_no_dropoff"));
                break;
        }
    }
}

// Rules that need the database: ids exist, the vehicle can carry the patients.
void check_trip_references(LedgerTx& tx, Trip& t, FieldErrors& errs,
                           std::optional<Vehicle>& vehicle) {
    vehicle = tx.vehicle(t.vehicle_id);
    if (!vehicle)
        errs.add("vehicle_id", msg("vehicle.not_found", {{"id", t.vehicle_id}}));
    else if (!vehicle->active)
        errs.add("vehicle_id", msg("vehicle.deactivated"));
    auto driver = tx.driver(t.driver_id);
    if (!driver)
        errs.add("driver_id", msg("driver.not_found", {{"id", t.driver_id}}));
    else if (!driver->active)
        errs.add("driver_id", msg("driver.deactivated"));
    if (t.route_id) {
        auto route = tx.route(*t.route_id);
        if (!route)
            errs.add("route_id", msg("route.not_found", {{"id", *t.route_id}}));
        else if (route->vehicle_id != t.vehicle_id)
            errs.add("route_id", msg("route.other_vehicle"));
        else if (route->driver_id != t.driver_id)
            errs.add("route_id", msg("route.other_driver"));
    }

    for (std::size_t i = 0; i < t.rides.size(); ++i) {
        Ride& r = t.rides[i];
        if (r.request_id) {
            auto owner = tx.request_patient(*r.request_id);
            if (!owner) {
                errs.add(ride_field(i, "request_id"),
                         msg("request.not_found", {{"id", *r.request_id}}));
                continue;
            }
            if (r.patient_id > 0 && r.patient_id != *owner) {
                errs.add(ride_field(i, "patient_id"), msg("ride.not_request_patient"));
                continue;
            }
            r.patient_id = *owner;
        }
        if (r.patient_id <= 0)
            continue;
        auto patient = tx.patient(r.patient_id);
        if (!patient) {
            errs.add(ride_field(i, "patient_id"), msg("patient.not_found", {{"id", r.patient_id}}));
            continue;
        }
        if (vehicle && patient->mobility == Mobility::wheelchair &&
            r.outcome != RideOutcome::no_show && r.outcome != RideOutcome::cancelled &&
            vehicle->wheelchair_spaces == 0)
            errs.add(ride_field(i, "patient_id"), msg("ride.wheelchair_no_space"));
    }
}

// The refusal a driver meets for a patient they may not log. It reads the same whether
// the patient exists or not, and echoes nothing about them.
Message not_on_routes() {
    return msg("privacy.not_on_your_routes");
}

// The service days whose routes give a driver the right to log a patient on a trip from
// `first` to `last` (the days around them, as for reading the patient).
ServiceDays driver_days(Instant first, Instant last, const date::time_zone* zone) {
    return driver_patient_days(local_date(std::min(first, last), zone),
                               local_date(std::max(first, last), zone));
}

// A driver's whole trip: each ride's patient (named, or the request's) must be on one of
// the driver's routes of those days. Checked before anything that would tell the driver
// about the patient.
void check_driver_may_log(LedgerTx& tx, const Trip& t, ServiceDays days, FieldErrors& errs) {
    for (std::size_t i = 0; i < t.rides.size(); ++i) {
        const Ride& r = t.rides[i];
        PatientId patient = r.patient_id;
        if (patient <= 0 && r.request_id)
            patient = tx.request_patient(*r.request_id).value_or(0);
        if (patient <= 0)
            continue;  // an unknown request is named by the reference checks
        if (!tx.patient_on_driver_routes(patient, t.driver_id, days))
            errs.add(ride_field(i, r.patient_id > 0 ? "patient_id" : "request_id"),
                     not_on_routes());
    }
}

std::string left_field(std::size_t i, const char* name) {
    return "stops_left[" + std::to_string(i) + "]." + name;
}

// The requests still waiting on a route (scheduled: neither picked up, done, nor
// given up), in the order of their first stop.
std::vector<RequestId> waiting_on_route(LedgerTx& tx, RouteId route) {
    std::vector<RequestId> out;
    for (const RouteStop& s : tx.route_stops(route)) {
        if (std::find(out.begin(), out.end(), s.request_id) != out.end())
            continue;
        if (tx.request_status(s.request_id) == RequestStatus::scheduled)
            out.push_back(s.request_id);
    }
    return out;
}

std::optional<RequestId> waiting_ride_of(LedgerTx& tx, RouteId route, PatientId patient) {
    for (RequestId id : waiting_on_route(tx, route))
        if (tx.request_patient(id) == patient)
            return id;
    return std::nullopt;
}

// Every request waiting on the route is named once in `left`, and nothing else is: a
// finished trip leaves no ride on its route without an answer.
void check_stops_left(const Trip& trip, const std::vector<RequestId>& waiting,
                      const std::vector<LeftStop>& left) {
    FieldErrors errs;
    if (!trip.route_id && !left.empty())
        errs.add("stops_left", msg("trip.no_route"));
    for (std::size_t i = 0; trip.route_id && i < left.size(); ++i)
        if (std::find(waiting.begin(), waiting.end(), left[i].request_id) == waiting.end())
            errs.add(left_field(i, "request_id"), msg("trip.stop_not_waiting"));
    std::string missing;
    for (RequestId w : waiting)
        if (std::none_of(left.begin(), left.end(),
                         [&](const LeftStop& s) { return s.request_id == w; }))
            missing += (missing.empty() ? "" : ", ") + std::to_string(w);
    if (!missing.empty())
        errs.add("stops_left", msg("trip.stops_unanswered", {{"ids", missing}}));
    errs.throw_if_any(msg("trip.stops_unanswered_detail"), ErrorKind::unprocessable);
}

// "left by 志愿者1 at 10:42", and the driver's note: what the dispatcher reads on the board.
std::string handed_back_reason(LedgerTx& tx, const Trip& trip, const date::time_zone* zone,
                               const std::string& note) {
    auto driver = tx.driver(trip.driver_id);
    const std::string who = driver ? driver->name : "driver " + std::to_string(trip.driver_id);
    const std::string time = format_clock(local_clock(*trip.ended_at, zone));
    if (note.empty())
        return msg("unserved.left_by", {{"driver", who}, {"time", time}}).text;
    return msg("unserved.left_by_note", {{"driver", who}, {"time", time}, {"note", note}}).text;
}

Trip load_own_trip(LedgerTx& tx, const Actor& actor, TripId id) {
    auto trip = tx.trip(id);
    // Another driver's trip is "not found": its existence is not theirs to know.
    if (!trip || (!actor.is_dispatcher() && trip->driver_id != actor.driver_id))
        throw_not_found(msg("trip.not_found", {{"id", id}}));
    if (actor.role != Role::driver || trip->driver_id != actor.driver_id)
        throw_forbidden(msg("trip.driver_only_events"));
    return *trip;
}

// A ride's outcome as the status of the request it serves.
std::optional<RequestStatus> request_status_of(RideOutcome outcome) {
    switch (outcome) {
        case RideOutcome::aboard:
            return RequestStatus::in_progress;
        case RideOutcome::completed:
            return RequestStatus::completed;
        case RideOutcome::no_show:
            return RequestStatus::no_show;
        case RideOutcome::cancelled:
            return std::nullopt;  // the ledger records it; dispatch keeps its own reason
    }
    return std::nullopt;
}

void move_requests(LedgerTx& tx, const Trip& t) {
    for (const Ride& r : t.rides)
        if (r.request_id)
            if (auto status = request_status_of(r.outcome))
                tx.set_request_status(*r.request_id, *status);
}

AuditEntry audit_entry(Instant at, const Actor& actor, const Trip& t, std::string action,
                       std::string before, std::string reason) {
    AuditEntry e;
    e.user_id = actor.user_id;
    e.username = actor.username;
    e.at = at;
    e.entity = "trip";
    e.entity_id = t.id;
    e.action = std::move(action);
    e.before = std::move(before);
    e.after = audit_snapshot(t);
    e.reason = std::move(reason);
    return e;
}

// The trip an input asks for, logged by `actor`: a dispatcher names the driver, a driver
// is themselves (and may not confirm an odometer correction).
Trip trip_of(const Actor& actor, const TripInput& in, FieldErrors& errs) {
    Trip t;
    if (actor.is_dispatcher()) {
        if (!in.driver_id)
            errs.add("driver_id", msg("field.required"));
        t.driver_id = in.driver_id.value_or(0);
    } else {
        if (!actor.driver_id)
            throw_forbidden(msg("auth.not_linked"));
        if (in.driver_id && *in.driver_id != *actor.driver_id)
            throw_forbidden(msg("trip.own_only"));
        if (in.confirm_odometer_correction)
            errs.add("confirm_odometer_correction", msg("trip.dispatcher_confirms"));
        t.driver_id = *actor.driver_id;
    }
    t.vehicle_id = in.vehicle_id;
    t.route_id = in.route_id;
    t.started_at = in.started_at;
    t.odometer_start = in.odometer_start;
    t.ended_at = in.ended_at;
    t.odometer_end = in.odometer_end;
    t.rides = in.rides;
    return t;
}

// A route is driven by one trip at a time: a planned one, or a started one whose last
// trip ended with stops kept for the next (not by a whole trip, which would finish it).
void check_route_drivable(LedgerTx& tx, RouteId id, bool whole) {
    auto route = tx.route(id);
    const bool resumable =
        !whole && route->status == RouteStatus::started && !tx.open_trip_on_route(id);
    if (route->status != RouteStatus::planned && !resumable)
        throw_conflict(
            msg("route.state", {term("status", std::string(to_string(route->status)))}),
            {{"route_id", route->status == RouteStatus::started
                              ? msg("route.being_driven")
                              : msg("route.already",
                                    {term("status", std::string(to_string(route->status)))})}});
}

std::string close_field(std::size_t i, const char* name) {
    return "rides[" + std::to_string(i) + "]." + name;
}

// The answers of a close that need nothing but themselves: each ride named once, and an
// outcome a patient who was picked up can have.
void check_aboard_answers(const std::vector<AboardOutcome>& answers, const LedgerLimits& limits,
                          FieldErrors& errs) {
    if (answers.size() > limits.max_rides)
        errs.add("rides", msg("trip.too_many_rides", {{"max", std::int64_t(limits.max_rides)}}));
    for (std::size_t i = 0; i < answers.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j)
            if (answers[j].ride_id == answers[i].ride_id)
                errs.add(close_field(i, "ride_id"), msg("field.listed_twice"));
        if (answers[i].outcome != RideOutcome::completed &&
            answers[i].outcome != RideOutcome::cancelled)
            errs.add(close_field(i, "outcome"), msg("trip.close_outcome"));
    }
}

// Applies the dispatcher's answer for each patient still aboard the trip being closed
// (whose ended_at is set): delivered at `at`, or taken off at `at`. Every ride aboard
// must be answered, and only those; each time lies between the pickup and the end.
void answer_aboard(Trip& t, const std::vector<AboardOutcome>& answers) {
    FieldErrors errs;
    for (std::size_t i = 0; i < answers.size(); ++i) {
        const AboardOutcome& a = answers[i];
        auto ride = std::find_if(t.rides.begin(), t.rides.end(),
                                 [&](const Ride& r) { return r.id == a.ride_id; });
        if (ride == t.rides.end()) {
            errs.add(close_field(i, "ride_id"),
                     msg("trip.close_ride_unknown", {{"id", a.ride_id}}));
            continue;
        }
        if (ride->outcome != RideOutcome::aboard) {
            errs.add(close_field(i, "ride_id"),
                     msg("trip.close_ride_not_aboard", {{"id", a.ride_id}}));
            continue;
        }
        const Instant at = a.at.value_or(*t.ended_at);
        if (ride->picked_up_at && at < *ride->picked_up_at)
            errs.add(a.at ? close_field(i, "at") : "ended_at", msg("trip.close_before_pickup"));
        else if (at > *t.ended_at)
            errs.add(close_field(i, "at"), msg("trip.close_after_end"));
    }
    errs.throw_if_any(msg("trip.close_rides_detail"), ErrorKind::unprocessable);
    for (const AboardOutcome& a : answers) {
        Ride& r = *std::find_if(t.rides.begin(), t.rides.end(),
                                [&](const Ride& x) { return x.id == a.ride_id; });
        r.outcome = a.outcome;
        (a.outcome == RideOutcome::completed ? r.dropped_off_at : r.recorded_at) =
            a.at.value_or(*t.ended_at);
    }
    std::string left;
    for (const Ride& r : t.rides)
        if (r.outcome == RideOutcome::aboard)
            left += (left.empty() ? "" : ", ") + std::to_string(r.id);
    if (!left.empty())
        throw_unprocessable(msg("trip.close_rides_detail"),
                            {{"rides", msg("trip.close_aboard_unanswered", {{"ids", left}})}});
}

// A request whose patient was taken off a trip before the destination goes back to
// dispatch, with the dispatcher's reason, rather than stay "in progress" on a closed trip.
void hand_back_taken_off(LedgerTx& tx, const Trip& before, const Trip& after,
                         const std::string& reason) {
    for (const Ride& r : after.rides) {
        if (!r.request_id || r.outcome != RideOutcome::cancelled)
            continue;
        const bool was_aboard = std::any_of(
            before.rides.begin(), before.rides.end(),
            [&](const Ride& b) { return b.id == r.id && b.outcome == RideOutcome::aboard; });
        if (was_aboard)
            tx.hand_back(
                *r.request_id, before.route_id.value_or(0),
                msg("unserved.taken_off_at_close", {{"trip", before.id}, {"reason", reason}}).text);
    }
}

}  // namespace

std::optional<LeftStopOutcome> left_stop_outcome_from(std::string_view s) {
    if (s == "no_show")
        return LeftStopOutcome::no_show;
    if (s == "handed_back")
        return LeftStopOutcome::handed_back;
    if (s == "kept")
        return LeftStopOutcome::kept;
    return std::nullopt;
}

std::optional<TripEventType> trip_event_type_from(std::string_view s) {
    if (s == "pickup")
        return TripEventType::pickup;
    if (s == "dropoff")
        return TripEventType::dropoff;
    if (s == "no_show")
        return TripEventType::no_show;
    return std::nullopt;
}

Trip Ledger::open_or_log(const Actor& actor, const TripInput& in) {
    FieldErrors errs;
    const Trip t = trip_of(actor, in, errs);

    const bool whole = in.ended_at || in.odometer_end;
    if (whole && !in.ended_at)
        errs.add("ended_at", msg("trip.ended_needs_odometer"));
    if (whole && !in.odometer_end)
        errs.add("odometer_end", msg("trip.odometer_needs_ended"));
    if (!whole && !in.rides.empty())
        errs.add("rides", msg("trip.open_rides"));
    if (in.confirm_odometer_correction && in.reason.empty())
        errs.add("reason", msg("trip.reason_for_correction"));
    if (!fits(in.reason, limits_.max_reason))
        errs.add("reason", msg("field.too_long"));
    check_trip_shape(t, limits_, clock_.now(), errs);
    errs.throw_if_any();

    const date::time_zone* zone = find_zone(settings_.get().time_zone);
    return store_.transact([&](LedgerTx& tx) {
        Trip trip = t;
        if (!actor.is_dispatcher()) {
            FieldErrors access;
            check_driver_may_log(
                tx, trip,
                driver_days(trip.started_at, trip.ended_at.value_or(trip.started_at), zone),
                access);
            access.throw_if_any(msg("privacy.ride_not_on_routes"), ErrorKind::unprocessable);
        }
        FieldErrors refs;
        std::optional<Vehicle> vehicle;
        check_trip_references(tx, trip, refs, vehicle);
        refs.throw_if_any(msg("refs.trip"), ErrorKind::unprocessable);

        bool corrected = false;
        if (trip.odometer_start < vehicle->odometer_km) {
            if (!in.confirm_odometer_correction)
                throw_unprocessable(msg("odometer.below_last_detail"),
                                    {{"odometer_start", msg("odometer.below_last",
                                                            {{"last", vehicle->odometer_km}})}});
            corrected = true;
        }
        if (!whole && tx.open_trip_of(trip.vehicle_id))
            throw_conflict(msg("trip.open_exists"),
                           {{"vehicle_id", msg("trip.open_exists_field")}});
        if (trip.route_id)
            check_route_drivable(tx, *trip.route_id, whole);

        tx.insert_trip(trip, actor.user_id);
        tx.refresh_vehicle_odometer(trip.vehicle_id);
        if (trip.route_id)
            tx.set_route_status(*trip.route_id,
                                whole ? RouteStatus::finished : RouteStatus::started);
        move_requests(tx, trip);
        // The trip itself records who logged it (created_by); the audit log holds what
        // departs from the rules: an accepted odometer correction.
        if (corrected)
            tx.audit(audit_entry(clock_.now(), actor, trip, "create_with_odometer_correction", "",
                                 in.reason));
        return trip;
    });
}

Trip Ledger::add_event(const Actor& actor, TripId id, const TripEvent& ev) {
    FieldErrors errs;
    if (!ev.request_id && !ev.patient_id)
        errs.add("patient_id", msg("event.names_patient"));
    if (ev.at > clock_.now() + clock_skew)
        errs.add("at", msg("field.in_future"));
    if (ev.odometer && !finite_reading(*ev.odometer, limits_))
        errs.add("odometer", msg("odometer.reading_range", {{"max", limits_.max_odometer}}));
    errs.throw_if_any();

    const date::time_zone* zone = find_zone(settings_.get().time_zone);
    return store_.transact([&](LedgerTx& tx) {
        Trip trip = load_own_trip(tx, actor, id);
        if (!trip.open())
            throw_conflict(msg("trip.finished"), {{"id", msg("trip.finished")}});
        // Only the trip's driver logs events (load_own_trip): the patient must be on their
        // routes before anything about the patient or the request is looked at.
        {
            PatientId named = ev.patient_id.value_or(0);
            if (named <= 0 && ev.request_id)
                named = tx.request_patient(*ev.request_id).value_or(0);
            if (named > 0 && !tx.patient_on_driver_routes(
                                 named, trip.driver_id, driver_days(trip.started_at, ev.at, zone)))
                throw_unprocessable(
                    msg("privacy.not_on_routes"),
                    {{ev.patient_id ? "patient_id" : "request_id", not_on_routes()}});
        }
        FieldErrors e;
        if (ev.at < trip.started_at)
            e.add("at", msg("time.before_trip_start"));
        if (ev.odometer && *ev.odometer < trip.odometer_start)
            e.add("odometer", msg("odometer.below_trip_start"));
        e.throw_if_any();

        PatientId patient = ev.patient_id.value_or(0);
        if (ev.request_id) {
            auto owner = tx.request_patient(*ev.request_id);
            if (!owner)
                throw_unprocessable(
                    msg("event.unknown_request"),
                    {{"request_id", msg("request.not_found", {{"id", *ev.request_id}})}});
            if (ev.patient_id && *ev.patient_id != *owner)
                throw_unprocessable(msg("event.not_request_patient"),
                                    {{"patient_id", msg("ride.not_request_patient")}});
            patient = *owner;
        }
        auto aboard = std::find_if(trip.rides.begin(), trip.rides.end(), [&](const Ride& r) {
            return r.patient_id == patient && r.outcome == RideOutcome::aboard;
        });

        switch (ev.type) {
            case TripEventType::pickup:
            case TripEventType::no_show: {
                if (aboard != trip.rides.end())
                    throw_conflict(msg("patient.already_aboard_detail"),
                                   {{"patient_id", msg("patient.already_aboard")}});
                Ride r;
                r.request_id = ev.request_id;
                // A ride logged by patient number is the patient's next ride waiting on
                // the trip's route, so the request moves and is not left on the route.
                if (!r.request_id && trip.route_id)
                    r.request_id = waiting_ride_of(tx, *trip.route_id, patient);
                r.patient_id = patient;
                if (ev.type == TripEventType::pickup) {
                    r.outcome = RideOutcome::aboard;
                    r.picked_up_at = ev.at;
                    r.odometer_pickup = ev.odometer;
                } else {
                    r.outcome = RideOutcome::no_show;
                    r.recorded_at = ev.at;
                }
                trip.rides.push_back(r);
                break;
            }
            case TripEventType::dropoff:
                if (aboard == trip.rides.end())
                    throw_conflict(msg("patient.not_aboard_detail"),
                                   {{"patient_id", msg("patient.not_aboard")}});
                if (ev.at < *aboard->picked_up_at)
                    throw_invalid(msg("time.before_pickup_detail"),
                                  {{"at", msg("time.before_pickup")}});
                aboard->dropped_off_at = ev.at;
                aboard->odometer_dropoff = ev.odometer;
                aboard->outcome = RideOutcome::completed;
                break;
        }
        FieldErrors refs;
        std::optional<Vehicle> vehicle;
        check_trip_references(tx, trip, refs, vehicle);
        refs.throw_if_any(msg("refs.event"), ErrorKind::unprocessable);
        tx.update_trip(trip);
        move_requests(tx, trip);
        return trip;
    });
}

Trip Ledger::finish(const Actor& actor, TripId id, const TripFinish& f) {
    FieldErrors named;
    for (std::size_t i = 0; i < f.stops_left.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j)
            if (f.stops_left[j].request_id == f.stops_left[i].request_id)
                named.add(left_field(i, "request_id"), msg("trip.stop_twice"));
        if (!fits(f.stops_left[i].note, limits_.max_reason))
            named.add(left_field(i, "note"), msg("field.too_long"));
    }
    if (f.stops_left.size() > limits_.max_rides)
        named.add("stops_left",
                  msg("trip.too_many_stops", {{"max", std::int64_t(limits_.max_rides)}}));
    named.throw_if_any();

    const date::time_zone* zone = find_zone(settings_.get().time_zone);
    return store_.transact([&](LedgerTx& tx) {
        Trip trip = load_own_trip(tx, actor, id);
        if (!trip.open())
            throw_conflict(msg("trip.finished"), {{"id", msg("trip.finished")}});
        FieldErrors errs;
        for (const Ride& r : trip.rides)
            if (r.outcome == RideOutcome::aboard)
                errs.add("rides", msg("trip.patient_still_aboard", {{"id", r.patient_id}}));
        if (!errs.empty())
            throw_conflict(msg("trip.a_patient_aboard"), errs.list());
        trip.ended_at = f.ended_at;
        trip.odometer_end = f.odometer_end;
        check_trip_shape(trip, limits_, clock_.now(), errs);
        errs.throw_if_any();

        const std::vector<RequestId> waiting =
            trip.route_id ? waiting_on_route(tx, *trip.route_id) : std::vector<RequestId>{};
        check_stops_left(trip, waiting, f.stops_left);
        bool kept = false;
        for (const LeftStop& s : f.stops_left) {
            switch (s.outcome) {
                case LeftStopOutcome::no_show: {
                    Ride r;
                    r.request_id = s.request_id;
                    r.patient_id = tx.request_patient(s.request_id).value_or(0);
                    r.outcome = RideOutcome::no_show;
                    r.recorded_at = f.ended_at;
                    trip.rides.push_back(r);
                    break;
                }
                case LeftStopOutcome::handed_back:
                    tx.hand_back(s.request_id, *trip.route_id,
                                 handed_back_reason(tx, trip, zone, s.note));
                    break;
                case LeftStopOutcome::kept:
                    kept = true;
                    break;
            }
        }
        errs = FieldErrors{};
        check_trip_shape(trip, limits_, clock_.now(), errs);  // the no-shows' rides
        errs.throw_if_any();
        tx.update_trip(trip);
        tx.refresh_vehicle_odometer(trip.vehicle_id);
        move_requests(tx, trip);
        // With stops kept the route stays started: the driver's next trip drives it on.
        if (trip.route_id && !kept)
            tx.set_route_status(*trip.route_id, RouteStatus::finished);
        return trip;
    });
}

Trip Ledger::correct(const Actor& actor, TripId id, const TripCorrection& c) {
    if (!actor.is_dispatcher())
        throw_forbidden(msg("trip.dispatcher_corrects"));
    FieldErrors errs;
    if (c.reason.empty())
        errs.add("reason", msg("trip.reason_required"));
    if (!fits(c.reason, limits_.max_reason))
        errs.add("reason", msg("field.too_long"));
    errs.throw_if_any();

    return store_.transact([&](LedgerTx& tx) {
        auto found = tx.trip(id);
        if (!found)
            throw_not_found(msg("trip.not_found", {{"id", id}}));
        const Trip before = *found;
        Trip t = before;
        assign_if(t.driver_id, c.driver_id);
        assign_if(t.vehicle_id, c.vehicle_id);
        assign_if(t.started_at, c.started_at);
        assign_if(t.ended_at, c.ended_at);
        assign_if(t.odometer_start, c.odometer_start);
        assign_if(t.odometer_end, c.odometer_end);
        assign_if(t.rides, c.rides);
        if (t.ended_at.has_value() != t.odometer_end.has_value())
            errs.add(t.ended_at ? "odometer_end" : "ended_at", msg("trip.correction_needs_end"));
        check_trip_shape(t, limits_, clock_.now(), errs);
        errs.throw_if_any();
        FieldErrors refs;
        std::optional<Vehicle> vehicle;
        t.route_id.reset();  // routes are checked by dispatch; a correction keeps the link
        check_trip_references(tx, t, refs, vehicle);
        refs.throw_if_any(msg("refs.correction"), ErrorKind::unprocessable);
        t.route_id = before.route_id;
        if (t.open() && t.vehicle_id != before.vehicle_id && tx.open_trip_of(t.vehicle_id))
            throw_conflict(msg("trip.open_exists"),
                           {{"vehicle_id", msg("trip.open_exists_plain")}});
        tx.update_trip(t);
        tx.refresh_vehicle_odometer(t.vehicle_id);
        move_requests(tx, t);
        if (t.vehicle_id != before.vehicle_id)
            tx.refresh_vehicle_odometer(before.vehicle_id);
        Trip after = *tx.trip(id);
        tx.audit(
            audit_entry(clock_.now(), actor, after, "correct", audit_snapshot(before), c.reason));
        return after;
    });
}

Trip Ledger::close(const Actor& actor, TripId id, const TripClose& c) {
    if (!actor.is_dispatcher())
        throw_forbidden(msg("trip.dispatcher_closes"));
    FieldErrors errs;
    if (!c.ended_at)
        errs.add("ended_at", msg("trip.close_required"));
    if (!c.odometer_end)
        errs.add("odometer_end", msg("trip.close_required"));
    if (c.reason.empty())
        errs.add("reason", msg("trip.close_required"));
    else if (!fits(c.reason, limits_.max_reason))
        errs.add("reason",
                 msg("field.too_long_chars", {{"max", std::int64_t(limits_.max_reason)}}));
    errs.throw_if_any();
    check_aboard_answers(c.rides, limits_, errs);
    errs.throw_if_any(msg("trip.close_rides_detail"), ErrorKind::unprocessable);

    return store_.transact([&](LedgerTx& tx) {
        auto found = tx.trip(id);
        if (!found)
            throw_not_found(msg("trip.not_found", {{"id", id}}));
        if (!found->open())
            throw_conflict(msg("trip.closed_correct_instead"), {{"id", msg("trip.finished")}});
        const Trip before = *found;
        Trip t = before;
        t.ended_at = c.ended_at;
        t.odometer_end = c.odometer_end;
        {
            // The trip's own end first: the answers' times are measured against it.
            Trip ends = t;
            ends.rides.clear();
            check_trip_shape(ends, limits_, clock_.now(), errs);
            errs.throw_if_any();
        }
        answer_aboard(t, c.rides);
        check_trip_shape(t, limits_, clock_.now(), errs);
        errs.throw_if_any();
        // Requests still waiting on the route stay there for the driver's next trip or
        // for the dispatcher; the route is not finished behind dispatch's back.
        tx.update_trip(t);
        tx.refresh_vehicle_odometer(t.vehicle_id);
        move_requests(tx, t);
        hand_back_taken_off(tx, before, t, c.reason);
        Trip after = *tx.trip(id);
        tx.audit(
            audit_entry(clock_.now(), actor, after, "close", audit_snapshot(before), c.reason));
        return after;
    });
}

Trip Ledger::get(const Actor& actor, TripId id) {
    auto trip = store_.find(id);
    if (!trip || (!actor.is_dispatcher() && trip->driver_id != actor.driver_id))
        throw_not_found(msg("trip.not_found", {{"id", id}}));
    return *trip;
}

Page<Trip> Ledger::list(const Actor& actor, TripFilter filter, const PageRequest& page) {
    if (!actor.is_dispatcher()) {
        if (!actor.driver_id)
            throw_forbidden(msg("auth.not_linked"));
        if (filter.driver_id && *filter.driver_id != *actor.driver_id)
            throw_forbidden(msg("trip.see_own_only"));
        filter.driver_id = actor.driver_id;
    }
    if (filter.date) {
        const date::time_zone* zone = find_zone(settings_.get().time_zone);
        Instant from = local_midnight(*filter.date, zone);
        Instant to = local_midnight(
            LocalDate{std::chrono::sys_days{*filter.date} + std::chrono::days{1}}, zone);
        filter.from = filter.from ? std::max(*filter.from, from) : from;
        filter.to = filter.to ? std::min(*filter.to, to) : to;
    }
    return store_.list(filter, page);
}

namespace {

MonthTrip checked_trip(const Trip& t) {
    MonthTrip m;
    m.id = t.id;
    m.driver_id = t.driver_id;
    m.vehicle_id = t.vehicle_id;
    m.started_at = t.started_at;
    m.odometer_start = t.odometer_start;
    m.odometer_end = t.odometer_end;
    m.finished = !t.open();
    return m;
}

}  // namespace

std::map<TripId, OdometerAnomaly> Ledger::odometer_anomalies(const Actor& actor,
                                                             const std::vector<Trip>& trips) {
    if (!actor.is_dispatcher())
        throw_forbidden(msg("odometer.dispatchers_only"));
    std::map<TripId, OdometerAnomaly> out;
    for (const Trip& t : trips) {
        auto previous = store_.previous_on_vehicle(t);
        if (!previous)
            continue;
        if (auto a = odometer_gap(checked_trip(*previous), checked_trip(t)))
            out.emplace(t.id, *a);
    }
    return out;
}

std::string audit_snapshot(const Trip& t) {
    AuditObject o;
    o.add("id", t.id);
    o.add("driver_id", t.driver_id);
    o.add("vehicle_id", t.vehicle_id);
    if (t.route_id)
        o.add("route_id", *t.route_id);
    o.add("started_at", format_instant(t.started_at));
    if (t.ended_at)
        o.add("ended_at", format_instant(*t.ended_at));
    o.add("odometer_start", t.odometer_start);
    if (t.odometer_end)
        o.add("odometer_end", *t.odometer_end);
    std::vector<std::string> rides;
    for (const Ride& r : t.rides) {
        AuditObject ro;
        ro.add("id", r.id);
        if (r.request_id)
            ro.add("request_id", *r.request_id);
        ro.add("patient_id", r.patient_id);
        if (r.picked_up_at)
            ro.add("picked_up_at", format_instant(*r.picked_up_at));
        if (r.dropped_off_at)
            ro.add("dropped_off_at", format_instant(*r.dropped_off_at));
        if (r.recorded_at)
            ro.add("recorded_at", format_instant(*r.recorded_at));
        ro.add("outcome", std::string(to_string(r.outcome)));
        rides.push_back(ro.str());
    }
    o.add_raw_array("rides", rides);
    return o.str();
}

}  // namespace lifeline
