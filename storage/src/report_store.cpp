#include "lifeline/storage/report_store.h"

#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>

#include "lifeline/storage/trip_store.h"

#include "sql_time.h"

namespace lifeline::storage {
namespace {

// A finished trip: both its end time and its end reading are logged.
#define FINISHED "t.ended_at IS NOT NULL AND t.odometer_end IS NOT NULL"
// A trip's km in whole meters, rounded once, so that sums of sums are exact.
#define TRIP_METERS "CAST(round((t.odometer_end - t.odometer_start) * 1000) AS INTEGER)"

// Query plans: the planner has no statistics (no ANALYZE), so the statements steer it.
// Trips are read by start time through the covering index trips_for_reports, ordered in
// its order (started_at, id) so that no temporary b-tree is needed, and their rides through
// rides_for_reports, trips the outer loop (see docs/reports.md, "Performance").

// Trips of [?1, ?2) in index order, one row per ride (one with NULL ride columns for a
// trip without rides); core groups the finished ones by driver, vehicle and local day and
// checks the odometer readings of all of them.
constexpr const char* month_trips_sql =
    "SELECT t.id, t.driver_id, t.vehicle_id, t.started_at, " TRIP_METERS
    ", t.ended_at - t.started_at, (" FINISHED
    "), t.odometer_start, t.odometer_end, "
    "  r.outcome, r.patient_id, r.odometer_pickup, r.odometer_dropoff, r.request_id "
    "FROM trips t LEFT JOIN rides r ON r.trip_id = t.id "
    "WHERE t.started_at >= ?1 AND t.started_at < ?2 ORDER BY t.started_at, t.id";

// A vehicle's plate and its last trip before ?2 (a seek in trips_by_vehicle).
constexpr const char* vehicle_before_sql =
    "SELECT v.plate, p.id, p.started_at, p.odometer_start, p.odometer_end FROM vehicles v "
    "LEFT JOIN trips p ON p.id = (SELECT x.id FROM trips x WHERE x.vehicle_id = v.id "
    "  AND x.started_at < ?2 ORDER BY x.started_at DESC, x.id DESC LIMIT 1) "
    "WHERE v.id = ?1";

constexpr const char* driver_sql = "SELECT id, name, civic_group FROM drivers WHERE id = ?";

// Where a ride went: the request's pickup and drop-off, else the patient's home and their
// center.
constexpr const char* ride_positions_sql =
    "SELECT coalesce(q.pickup_lat, p.lat), coalesce(q.pickup_lon, p.lon), "
    "  coalesce(q.dropoff_lat, c.lat), coalesce(q.dropoff_lon, c.lon) "
    "FROM patients p LEFT JOIN requests q ON q.id = ?2 "
    "LEFT JOIN places c ON c.id = p.center_id WHERE p.id = ?1";

constexpr const char* cancellations_sql =
    "SELECT coalesce(cancel_reason, 'other'), count(*) FROM requests "
    "WHERE service_date >= ?1 AND service_date < ?2 AND status = 'cancelled' "
    "GROUP BY 1 ORDER BY 1";

// A period's finished trips, km and completed rides from the trips index alone: each trip
// carries its count of completed rides (written with it, migration 2).
constexpr const char* period_sql = "SELECT count(*), coalesce(sum(" TRIP_METERS
                                   "), 0), coalesce(sum(t.completed_rides), 0) FROM trips t "
                                   "WHERE t.started_at >= ?1 AND t.started_at < ?2 AND " FINISHED;

#define OWN_TRIP_COLUMNS                                                          \
    "SELECT t.id, t.driver_id, t.vehicle_id, v.plate, t.started_at, t.ended_at, " \
    "t.odometer_start, t.odometer_end, " TRIP_METERS                              \
    ", t.completed_rides "                                                        \
    "FROM trips t JOIN vehicles v ON v.id = t.vehicle_id AND v.driver_id = t.driver_id "

constexpr const char* own_trips_of_driver_sql = OWN_TRIP_COLUMNS
    "WHERE t.driver_id = ?1 AND t.started_at >= ?2 AND t.started_at < ?3 AND " FINISHED
    " ORDER BY t.started_at, t.id";

constexpr const char* own_trips_sql =
    OWN_TRIP_COLUMNS "WHERE t.started_at >= ?1 AND t.started_at < ?2 AND " FINISHED
                     " ORDER BY t.driver_id, t.started_at, t.id";

constexpr const char* approvals_sql =
    "SELECT a.driver_id, a.month, a.km, a.amount, a.approved_by, coalesce(u.username, ''), "
    "a.approved_at FROM statement_approvals a LEFT JOIN users u ON u.id = a.approved_by "
    "WHERE a.month = ?1 AND (?2 IS NULL OR a.driver_id = ?2) ORDER BY a.driver_id";

RideOutcome outcome_of(const std::string& text) {
    if (auto o = ride_outcome_from(text))
        return *o;
    throw std::runtime_error("unknown ride outcome '" + text + "'");
}

void read_trips(Connection& c, const MonthQuery& q, MonthFacts& f) {
    Statement st(c, month_trips_sql);
    st.bind_all(secs(q.from), secs(q.to));
    while (st.step()) {
        const TripId id = st.get_int(0);
        if (f.trips.empty() || f.trips.back().id != id) {
            MonthTrip t;
            t.id = id;
            t.driver_id = st.get_int(1);
            t.vehicle_id = st.get_int(2);
            t.started_at = instant_of(st.get_int(3));
            t.meters = st.get_int(4);
            t.seconds = st.get_int(5);
            t.finished = st.get_int(6) != 0;
            t.odometer_start = st.get_double(7);
            t.odometer_end = st.get_opt_double(8);
            t.first_ride = f.rides.size();
            f.trips.push_back(t);
        }
        if (st.is_null(9))
            continue;
        MonthRide r;
        r.outcome = outcome_of(st.get_text(9));
        r.patient_id = st.get_int(10);
        r.odometer_pickup = st.get_opt_double(11);
        r.odometer_dropoff = st.get_opt_double(12);
        r.request_id = st.get_opt_int(13);
        f.rides.push_back(r);
        ++f.trips.back().ride_count;
    }
}

// The completed rides of finished trips without a reading on every completed ride, by
// their positions (occupied km are estimated from them; core's rule for a measured trip).
void read_unmeasured_legs(Connection& c, MonthFacts& f) {
    const auto completed = [](const MonthRide& r) { return r.outcome == RideOutcome::completed; };
    std::map<std::pair<std::optional<RequestId>, PatientId>, std::int64_t> rides;
    for (const MonthTrip& t : f.trips) {
        const auto first = f.rides.begin() + std::ptrdiff_t(t.first_ride);
        const auto last = first + std::ptrdiff_t(t.ride_count);
        const bool measured = std::all_of(first, last, [&](const MonthRide& r) {
            return !completed(r) || (r.odometer_pickup && r.odometer_dropoff);
        });
        if (!t.finished || measured)
            continue;
        for (auto r = first; r != last; ++r)
            if (completed(*r))
                ++rides[{r->request_id, r->patient_id}];
    }
    std::map<std::array<double, 4>, std::int64_t> legs;
    Statement st(c, ride_positions_sql);
    for (const auto& [ride, count] : rides) {
        st.reset();
        st.bind_all(ride.second, ride.first);
        // A ride with no request and a patient without a center has no drop-off position:
        // nothing to estimate from.
        if (!st.step() || st.is_null(0) || st.is_null(1) || st.is_null(2) || st.is_null(3))
            continue;
        legs[{st.get_double(0), st.get_double(1), st.get_double(2), st.get_double(3)}] += count;
    }
    for (const auto& [at, count] : legs)
        f.unmeasured_legs.push_back({{at[0], at[1]}, {at[2], at[3]}, count});
}

template <class Id>
std::vector<Id> distinct(std::vector<Id> ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

// The plates of the month's vehicles and the last trip of each before the month.
void read_vehicles(Connection& c, const MonthQuery& q, MonthFacts& f) {
    std::vector<VehicleId> ids;
    for (const MonthTrip& t : f.trips)
        ids.push_back(t.vehicle_id);
    Statement st(c, vehicle_before_sql);
    for (VehicleId id : distinct(std::move(ids))) {
        st.reset();
        st.bind_all(id, secs(q.from));
        if (!st.step())
            continue;
        f.vehicles.push_back({id, st.get_text(0)});
        if (st.is_null(1))
            continue;
        MonthTrip p;
        p.id = st.get_int(1);
        p.vehicle_id = id;
        p.started_at = instant_of(st.get_int(2));
        p.odometer_start = st.get_double(3);
        p.odometer_end = st.get_opt_double(4);
        f.previous_trips.push_back(p);
    }
}

std::vector<NamedDriver> read_drivers(Connection& c, std::vector<DriverId> ids) {
    std::vector<NamedDriver> out;
    Statement st(c, driver_sql);
    for (DriverId id : distinct(std::move(ids))) {
        st.reset();
        st.bind_all(id);
        if (st.step())
            out.push_back({st.get_int(0), st.get_text(1), st.get_text(2)});
    }
    return out;
}

}  // namespace

MonthFacts SqliteReportStore::month(const MonthQuery& q) {
    return db_.read([&](Connection& c) {
        Transaction snapshot(c, Transaction::Kind::snapshot);
        MonthFacts f;
        read_trips(c, q, f);
        read_unmeasured_legs(c, f);
        {
            Statement st(c, cancellations_sql);
            st.bind_all(format_date(q.first_day), format_date(q.next_first_day));
            while (st.step())
                f.cancellations.emplace_back(st.get_text(0), st.get_int(1));
        }
        read_vehicles(c, q, f);
        std::vector<DriverId> drivers;
        for (const MonthTrip& t : f.trips)
            drivers.push_back(t.driver_id);
        f.drivers = read_drivers(c, std::move(drivers));
        return f;
    });
}

std::vector<PeriodFacts> SqliteReportStore::periods(const std::vector<Interval>& intervals) {
    return db_.read([&](Connection& c) {
        Transaction snapshot(c, Transaction::Kind::snapshot);
        std::vector<PeriodFacts> out;
        out.reserve(intervals.size());
        for (const Interval& i : intervals) {
            Statement st(c, period_sql);
            st.bind_all(secs(i.from), secs(i.to));
            st.step();
            PeriodFacts p;
            p.trips = st.get_int(0);
            p.meters = st.get_int(1);
            p.rides = st.get_int(2);
            out.push_back(p);
        }
        return out;
    });
}

std::vector<StatementTrip> SqliteReportStore::own_vehicle_trips(std::optional<DriverId> driver,
                                                                Instant from, Instant to) {
    return db_.read([&](Connection& c) {
        Transaction snapshot(c, Transaction::Kind::snapshot);
        Statement st(c, driver ? own_trips_of_driver_sql : own_trips_sql);
        if (driver)
            st.bind_all(*driver, secs(from), secs(to));
        else
            st.bind_all(secs(from), secs(to));
        std::vector<StatementTrip> out;
        while (st.step()) {
            StatementTrip t;
            t.id = st.get_int(0);
            t.driver_id = st.get_int(1);
            t.vehicle_id = st.get_int(2);
            t.plate = st.get_text(3);
            t.started_at = instant_of(st.get_int(4));
            t.ended_at = instant_of(st.get_int(5));
            t.odometer_start = st.get_double(6);
            t.odometer_end = st.get_double(7);
            t.meters = st.get_int(8);
            t.rides = st.get_int(9);
            out.push_back(t);
        }
        return out;
    });
}

std::vector<NamedDriver> SqliteReportStore::drivers(const std::vector<DriverId>& ids) {
    return db_.read([&](Connection& c) { return read_drivers(c, ids); });
}

std::vector<StatementApproval> SqliteReportStore::approvals(const std::string& month,
                                                            std::optional<DriverId> driver) {
    return db_.read([&](Connection& c) {
        Statement st(c, approvals_sql);
        st.bind_all(month, driver);
        std::vector<StatementApproval> out;
        while (st.step()) {
            StatementApproval a;
            a.driver_id = st.get_int(0);
            a.month = st.get_text(1);
            a.km = st.get_double(2);
            a.amount = st.get_double(3);
            a.approved_by = st.get_int(4);
            a.approved_by_name = st.get_text(5);
            a.approved_at = instant_of(st.get_int(6));
            out.push_back(a);
        }
        return out;
    });
}

void SqliteReportStore::approve(const StatementApproval& a, const AuditEntry& audit) {
    db_.write([&](Connection& c) {
        Statement exists(c, "SELECT 1 FROM statement_approvals WHERE driver_id = ? AND month = ?");
        exists.bind_all(a.driver_id, a.month);
        if (exists.step())
            throw_conflict(lifeline::msg("reports.already_approved",
                                         {{"driver", a.driver_id}, {"month", a.month}}),
                           {{"month", msg("reports.statement_approved")}});
        Statement st(c,
                     "INSERT INTO statement_approvals (driver_id, month, km, amount, "
                     "approved_by, approved_at) VALUES (?, ?, ?, ?, ?, ?)");
        st.bind_all(a.driver_id, a.month, a.km, a.amount, a.approved_by, secs(a.approved_at));
        st.run();
        insert_audit(c, audit);
    });
}

}  // namespace lifeline::storage
