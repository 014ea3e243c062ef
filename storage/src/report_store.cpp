#include "lifeline/storage/report_store.h"

#include <stdexcept>

#include "lifeline/storage/trip_store.h"

#include "sql_time.h"

namespace lifeline::storage {
namespace {

// SQLite's integer division truncates toward zero; shifting every local time a million
// days forward keeps the dividend positive, so the quotient is the floor.
constexpr std::int64_t day_bias = 1'000'000;

// A finished trip: both its end time and its end reading are logged.
#define FINISHED "t.ended_at IS NOT NULL AND t.odometer_end IS NOT NULL"
// A trip's km in whole meters, rounded once, so that sums of sums are exact.
#define TRIP_METERS "CAST(round((t.odometer_end - t.odometer_start) * 1000) AS INTEGER)"

// Query plans: the planner has no statistics (no ANALYZE), so the statements steer it.
// Trips are read by start time through the covering index trips_for_reports, ordered or
// grouped in its order (started_at, id) so that no temporary b-tree is needed, and their rides
// through rides_for_reports; CROSS JOIN keeps trips the outer loop where a plan could
// otherwise scan every ride (see docs/reports.md, "Performance").

// Finished trips of [?1, ?2) in index order, one row per ride (one with NULL ride columns
// for a trip without rides); core groups them by driver, vehicle and local day.
constexpr const char* month_trips_sql =
    "SELECT t.id, t.driver_id, t.vehicle_id, t.started_at, " TRIP_METERS
    ", t.ended_at - t.started_at, "
    "  r.outcome, r.patient_id, r.odometer_pickup, r.odometer_dropoff "
    "FROM trips t LEFT JOIN rides r ON r.trip_id = t.id "
    "WHERE t.started_at >= ?1 AND t.started_at < ?2 AND " FINISHED " ORDER BY t.started_at, t.id";

// Completed rides on trips without a reading on every completed ride, by positions: the
// request's pickup and drop-off, else the patient's home and their center.
constexpr const char* legs_sql =
    "SELECT coalesce(q.pickup_lat, p.lat), coalesce(q.pickup_lon, p.lon), "
    "  coalesce(q.dropoff_lat, c.lat), coalesce(q.dropoff_lon, c.lon), count(*) "
    "FROM (SELECT t.id FROM trips t CROSS JOIN rides r ON r.trip_id = t.id "
    "  WHERE t.started_at >= ?1 AND t.started_at < ?2 AND " FINISHED
    "  AND r.outcome = 'completed' AND (r.odometer_pickup IS NULL OR r.odometer_dropoff IS NULL) "
    "  GROUP BY t.started_at, t.id) u "
    "CROSS JOIN rides r ON r.trip_id = u.id AND r.outcome = 'completed' "
    "JOIN patients p ON p.id = r.patient_id "
    "LEFT JOIN requests q ON q.id = r.request_id "
    "LEFT JOIN places c ON c.id = p.center_id "
    "GROUP BY 1, 2, 3, 4";

constexpr const char* open_trips_sql =
    "SELECT count(*) FROM trips t WHERE t.started_at >= ?1 AND t.started_at < ?2 AND NOT "
    "(" FINISHED ")";

constexpr const char* cancellations_sql =
    "SELECT coalesce(cancel_reason, 'other'), count(*) FROM requests "
    "WHERE service_date >= ?1 AND service_date < ?2 AND status = 'cancelled' "
    "GROUP BY 1 ORDER BY 1";

constexpr const char* vehicles_sql =
    "SELECT v.id, v.plate, v.driver_id, "
    "  (SELECT t.odometer_start FROM trips t WHERE t.vehicle_id = v.id AND t.started_at >= ?1 "
    "   AND t.started_at < ?2 AND " FINISHED
    " ORDER BY t.started_at, t.id LIMIT 1), "
    "  (SELECT t.odometer_end FROM trips t WHERE t.vehicle_id = v.id AND t.started_at >= ?1 "
    "   AND t.started_at < ?2 AND " FINISHED
    " ORDER BY t.started_at DESC, t.id DESC LIMIT 1) "
    "FROM vehicles v WHERE v.id IN "
    "  (SELECT t.vehicle_id FROM trips t WHERE t.started_at >= ?1 AND t.started_at < ?2) "
    "ORDER BY v.id";

// Each trip of the month next to the trip before it on the same vehicle (in the order
// started_at, id; for the first, the vehicle's last trip before the month), where the
// readings do not meet. The previous trip is found by a seek in trips_by_vehicle; an open
// trip's reading is its odometer_start.
constexpr const char* gaps_sql =
    "SELECT s.vehicle_id, v.plate, p.id, p.started_at, "
    "  coalesce(p.odometer_end, p.odometer_start), s.id, s.started_at, s.odometer_start "
    "FROM (SELECT t.id, t.vehicle_id, t.started_at, t.odometer_start, "
    "    (SELECT x.id FROM trips x WHERE x.vehicle_id = t.vehicle_id "
    "     AND (x.started_at, x.id) < (t.started_at, t.id) "
    "     ORDER BY x.started_at DESC, x.id DESC LIMIT 1) AS prev_id "
    "  FROM trips t WHERE t.started_at >= ?1 AND t.started_at < ?2) s "
    "CROSS JOIN trips p ON p.id = s.prev_id "
    "CROSS JOIN vehicles v ON v.id = s.vehicle_id "
    "WHERE abs(s.odometer_start - coalesce(p.odometer_end, p.odometer_start)) > 0.0005 "
    "ORDER BY v.plate, s.started_at, s.id";

constexpr const char* month_drivers_sql =
    "SELECT d.id, d.name, d.civic_group FROM drivers d WHERE d.id IN "
    "(SELECT t.driver_id FROM trips t WHERE t.started_at >= ?1 AND t.started_at < ?2) "
    "ORDER BY d.id";

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
            t.first_ride = f.rides.size();
            f.trips.push_back(t);
        }
        if (st.is_null(6))
            continue;
        MonthRide r;
        r.outcome = outcome_of(st.get_text(6));
        r.patient_id = st.get_int(7);
        r.odometer_pickup = st.get_opt_double(8);
        r.odometer_dropoff = st.get_opt_double(9);
        f.rides.push_back(r);
        ++f.trips.back().ride_count;
    }
}

std::int64_t count_of(Connection& c, const char* sql, Instant from, Instant to) {
    Statement st(c, sql);
    st.bind_all(secs(from), secs(to));
    st.step();
    return st.get_int(0);
}

}  // namespace

MonthFacts SqliteReportStore::month(const MonthQuery& q) {
    return db_.read([&](Connection& c) {
        Transaction snapshot(c, false);
        MonthFacts f;
        read_trips(c, q, f);
        {
            Statement st(c, legs_sql);
            st.bind_all(secs(q.from), secs(q.to));
            while (st.step()) {
                // A ride with no request and a patient without a center has no drop-off
                // position: nothing to estimate from.
                if (st.is_null(0) || st.is_null(1) || st.is_null(2) || st.is_null(3))
                    continue;
                f.unmeasured_legs.push_back({{st.get_double(0), st.get_double(1)},
                                             {st.get_double(2), st.get_double(3)},
                                             st.get_int(4)});
            }
        }
        f.open_trips = count_of(c, open_trips_sql, q.from, q.to);
        {
            Statement st(c, cancellations_sql);
            st.bind_all(format_date(q.first_day), format_date(q.next_first_day));
            while (st.step())
                f.cancellations.emplace_back(st.get_text(0), st.get_int(1));
        }
        {
            Statement st(c, vehicles_sql);
            st.bind_all(secs(q.from), secs(q.to));
            while (st.step()) {
                VehicleReadings v;
                v.vehicle_id = st.get_int(0);
                v.plate = st.get_text(1);
                v.default_driver = st.get_opt_int(2);
                v.first_odometer = st.get_opt_double(3).value_or(0);
                v.last_odometer = st.get_opt_double(4).value_or(0);
                f.vehicles.push_back(v);
            }
        }
        {
            Statement st(c, gaps_sql);
            st.bind_all(secs(q.from), secs(q.to));
            while (st.step()) {
                OdometerGap g;
                g.vehicle_id = st.get_int(0);
                g.plate = st.get_text(1);
                g.previous_trip = st.get_int(2);
                g.previous_started_at = instant_of(st.get_int(3));
                g.previous_reading = st.get_double(4);
                g.trip = st.get_int(5);
                g.started_at = instant_of(st.get_int(6));
                g.odometer_start = st.get_double(7);
                f.gaps.push_back(g);
            }
        }
        {
            Statement st(c, month_drivers_sql);
            st.bind_all(secs(q.from), secs(q.to));
            while (st.step())
                f.drivers.push_back({st.get_int(0), st.get_text(1), st.get_text(2)});
        }
        return f;
    });
}

std::vector<PeriodFacts> SqliteReportStore::periods(const std::vector<Interval>& intervals) {
    return db_.read([&](Connection& c) {
        Transaction snapshot(c, false);
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
        Transaction snapshot(c, false);
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
    return db_.read([&](Connection& c) {
        std::vector<NamedDriver> out;
        for (DriverId id : ids) {
            Statement st(c, "SELECT id, name, civic_group FROM drivers WHERE id = ?");
            st.bind_all(id);
            if (st.step())
                out.push_back({st.get_int(0), st.get_text(1), st.get_text(2)});
        }
        return out;
    });
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
            throw_conflict("the statement of driver " + std::to_string(a.driver_id) + " for " +
                               a.month + " is already approved",
                           {{"month", "already approved"}});
        Statement st(c,
                     "INSERT INTO statement_approvals (driver_id, month, km, amount, "
                     "approved_by, approved_at) VALUES (?, ?, ?, ?, ?, ?)");
        st.bind_all(a.driver_id, a.month, a.km, a.amount, a.approved_by, secs(a.approved_at));
        st.run();
        insert_audit(c, audit);
    });
}

}  // namespace lifeline::storage
