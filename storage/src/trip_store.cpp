#include "lifeline/storage/trip_store.h"

#include "fleet_rows.h"
#include "sql_time.h"

namespace lifeline::storage {
namespace {

constexpr const char* trip_columns =
    "id, driver_id, vehicle_id, route_id, started_at, ended_at, odometer_start, odometer_end";

Trip read_trip_header(const Statement& st) {
    Trip t;
    t.id = st.get_int(0);
    t.driver_id = st.get_int(1);
    t.vehicle_id = st.get_int(2);
    t.route_id = st.get_opt_int(3);
    t.started_at = Instant{std::chrono::seconds{st.get_int(4)}};
    t.ended_at = instant(st.get_opt_int(5));
    t.odometer_start = st.get_double(6);
    t.odometer_end = st.get_opt_double(7);
    return t;
}

void load_rides(Connection& c, Trip& t) {
    Statement st(c,
                 "SELECT id, request_id, patient_id, picked_up_at, dropped_off_at, recorded_at, "
                 "odometer_pickup, odometer_dropoff, outcome FROM rides WHERE trip_id = ? "
                 "ORDER BY id");
    st.bind_all(t.id);
    while (st.step()) {
        Ride r;
        r.id = st.get_int(0);
        r.request_id = st.get_opt_int(1);
        r.patient_id = st.get_int(2);
        r.picked_up_at = instant(st.get_opt_int(3));
        r.dropped_off_at = instant(st.get_opt_int(4));
        r.recorded_at = instant(st.get_opt_int(5));
        r.odometer_pickup = st.get_opt_double(6);
        r.odometer_dropoff = st.get_opt_double(7);
        r.outcome = ride_outcome_from(st.get_text(8)).value_or(RideOutcome::completed);
        t.rides.push_back(r);
    }
}

std::optional<Trip> load_trip(Connection& c, TripId id) {
    Statement st(c, std::string("SELECT ") + trip_columns + " FROM trips WHERE id = ?");
    st.bind_all(id);
    if (!st.step())
        return std::nullopt;
    Trip t = read_trip_header(st);
    load_rides(c, t);
    return t;
}

void write_ride(Connection& c, TripId trip, Ride& r) {
    if (r.id == 0) {
        Statement st(c,
                     "INSERT INTO rides (trip_id, request_id, patient_id, picked_up_at, "
                     "dropped_off_at, recorded_at, odometer_pickup, odometer_dropoff, outcome) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        st.bind_all(trip, r.request_id, r.patient_id, secs(r.picked_up_at), secs(r.dropped_off_at),
                    secs(r.recorded_at), r.odometer_pickup, r.odometer_dropoff,
                    to_string(r.outcome));
        st.run();
        r.id = c.last_insert_id();
        return;
    }
    Statement st(c,
                 "UPDATE rides SET request_id = ?, patient_id = ?, picked_up_at = ?, "
                 "dropped_off_at = ?, recorded_at = ?, odometer_pickup = ?, odometer_dropoff = ?, "
                 "outcome = ? WHERE id = ? AND trip_id = ?");
    st.bind_all(r.request_id, r.patient_id, secs(r.picked_up_at), secs(r.dropped_off_at),
                secs(r.recorded_at), r.odometer_pickup, r.odometer_dropoff, to_string(r.outcome),
                r.id, trip);
    st.run();
}

class Tx : public LedgerTx {
  public:
    Tx(Connection& c, const Clock& clock) : c_(c), clock_(clock) {}

    std::optional<Vehicle> vehicle(VehicleId id) override { return load_vehicle(c_, id); }
    std::optional<Driver> driver(DriverId id) override {
        Statement st(c_, "SELECT name, active FROM drivers WHERE id = ?");
        st.bind_all(id);
        if (!st.step())
            return std::nullopt;
        Driver d;
        d.id = id;
        d.name = st.get_text(0);
        d.active = st.get_int(1) != 0;
        return d;
    }
    std::optional<Patient> patient(PatientId id) override { return load_patient(c_, id); }

    std::optional<PatientId> request_patient(RequestId id) override {
        Statement st(c_, "SELECT patient_id FROM requests WHERE id = ?");
        st.bind_all(id);
        if (!st.step())
            return std::nullopt;
        return st.get_int(0);
    }
    bool patient_on_driver_routes(PatientId patient, DriverId driver, ServiceDays days) override {
        return storage::patient_on_driver_routes(c_, patient, driver, days);
    }

    std::optional<Trip> trip(TripId id) override { return load_trip(c_, id); }

    std::optional<TripId> open_trip_of(VehicleId id) override {
        Statement st(c_, "SELECT id FROM trips WHERE vehicle_id = ? AND ended_at IS NULL");
        st.bind_all(id);
        if (!st.step())
            return std::nullopt;
        return st.get_int(0);
    }

    // A trip is always written with all its rides, and its row carries the count of the
    // completed ones (reports sum it; tests compare it with the rides).
    void insert_trip(Trip& t, UserId created_by) override {
        Statement st(c_,
                     "INSERT INTO trips (driver_id, vehicle_id, route_id, started_at, ended_at, "
                     "odometer_start, odometer_end, created_by, completed_rides) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        st.bind_all(t.driver_id, t.vehicle_id, t.route_id, secs(t.started_at), secs(t.ended_at),
                    t.odometer_start, t.odometer_end, created_by, t.completed_rides());
        st.run();
        t.id = c_.last_insert_id();
        for (Ride& r : t.rides)
            write_ride(c_, t.id, r);
    }

    void update_trip(Trip& t) override {
        Statement st(
            c_,
            "UPDATE trips SET driver_id = ?, vehicle_id = ?, route_id = ?, started_at = ?, "
            "ended_at = ?, odometer_start = ?, odometer_end = ?, completed_rides = ? WHERE id = ?");
        st.bind_all(t.driver_id, t.vehicle_id, t.route_id, secs(t.started_at), secs(t.ended_at),
                    t.odometer_start, t.odometer_end, t.completed_rides(), t.id);
        st.run();
        // Rides no longer in the trip (a correction may remove a mistaken one) go.
        std::string keep;
        for (const Ride& r : t.rides)
            if (r.id != 0)
                keep += (keep.empty() ? "" : ",") + std::to_string(r.id);
        Statement del(c_,
                      "DELETE FROM rides WHERE trip_id = ? AND id NOT IN "
                      "(SELECT value FROM json_each('[' || ? || ']'))");
        del.bind_all(t.id, keep);
        del.run();
        for (Ride& r : t.rides)
            write_ride(c_, t.id, r);
    }

    void refresh_vehicle_odometer(VehicleId id) override {
        // The latest trip's latest reading: the end if finished, else the start.
        Statement st(c_,
                     "UPDATE vehicles SET odometer_km = coalesce(("
                     "  SELECT coalesce(odometer_end, odometer_start) FROM trips "
                     "  WHERE vehicle_id = ?1 ORDER BY started_at DESC, id DESC LIMIT 1), "
                     "  odometer_km) WHERE id = ?1");
        st.bind(1, id);
        st.run();
    }

    void audit(const AuditEntry& e) override { insert_audit(c_, e); }

    std::optional<Route> route(RouteId id) override {
        Statement st(c_,
                     "SELECT service_date, vehicle_id, driver_id, status FROM routes WHERE id = ?");
        st.bind_all(id);
        if (!st.step())
            return std::nullopt;
        Route r;
        r.id = id;
        r.service_date = parse_date(st.get_text(0)).value_or(LocalDate{});
        r.vehicle_id = st.get_int(1);
        r.driver_id = st.get_int(2);
        r.status = route_status_from(st.get_text(3)).value_or(RouteStatus::planned);
        return r;
    }
    void set_route_status(RouteId id, RouteStatus status) override {
        Statement st(c_, "UPDATE routes SET status = ? WHERE id = ?");
        st.bind_all(to_string(status), id);
        st.run();
    }
    void set_request_status(RequestId id, RequestStatus status) override {
        Statement st(c_, "UPDATE requests SET status = ?, updated_at = ? WHERE id = ?");
        st.bind_all(to_string(status), secs(clock_.now()), id);
        st.run();
    }

    std::vector<RouteStop> route_stops(RouteId id) override {
        Statement st(
            c_, "SELECT request_id, kind, eta FROM route_stops WHERE route_id = ? ORDER BY seq");
        st.bind_all(id);
        std::vector<RouteStop> out;
        while (st.step())
            out.push_back({st.get_int(0), stop_kind_from(st.get_text(1)).value_or(StopKind::pickup),
                           Instant{std::chrono::seconds{st.get_int(2)}}});
        return out;
    }
    std::optional<RequestStatus> request_status(RequestId id) override {
        Statement st(c_, "SELECT status FROM requests WHERE id = ?");
        st.bind_all(id);
        if (!st.step())
            return std::nullopt;
        return request_status_from(st.get_text(0));
    }
    std::optional<TripId> open_trip_on_route(RouteId id) override {
        Statement st(c_, "SELECT id FROM trips WHERE route_id = ? AND ended_at IS NULL LIMIT 1");
        st.bind_all(id);
        if (!st.step())
            return std::nullopt;
        return TripId{st.get_int(0)};
    }
    void hand_back(RequestId id, RouteId route, const std::string& reason) override {
        Statement stops(c_, "DELETE FROM route_stops WHERE route_id = ? AND request_id = ?");
        stops.bind_all(route, id);
        stops.run();
        Statement req(c_,
                      "UPDATE requests SET status = 'unserved', unserved_reason = ?, "
                      "updated_at = ? WHERE id = ?");
        req.bind_all(reason, secs(clock_.now()), id);
        req.run();
    }

  private:
    Connection& c_;
    const Clock& clock_;
};

}  // namespace

void insert_audit(Connection& c, const AuditEntry& e) {
    Statement st(c,
                 "INSERT INTO audit_log (at, user_id, username, entity, entity_id, action, before, "
                 "after, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind_all(secs(e.at), e.user_id, e.username, e.entity, e.entity_id, e.action, e.before,
                e.after, e.reason);
    st.run();
}

Trip SqliteTripStore::transact(const std::function<Trip(LedgerTx&)>& work) {
    return db_.write([&](Connection& c) {
        Tx tx(c, db_.clock());
        return work(tx);
    });
}

std::optional<Trip> SqliteTripStore::find(TripId id) {
    return db_.read([&](Connection& c) {
        Transaction snapshot(c, Transaction::Kind::snapshot);
        return load_trip(c, id);
    });
}

Page<Trip> SqliteTripStore::list(const TripFilter& f, const PageRequest& page) {
    return db_.read([&](Connection& c) {
        Transaction snapshot(c, Transaction::Kind::snapshot);
        Statement st(c, std::string("SELECT ") + trip_columns +
                            " FROM trips WHERE id > ?1"
                            " AND (?2 IS NULL OR started_at >= ?2)"
                            " AND (?3 IS NULL OR started_at < ?3)"
                            " AND (?4 IS NULL OR driver_id = ?4)"
                            " AND (?5 IS NULL OR vehicle_id = ?5)"
                            " AND (?7 IS NULL OR (ended_at IS NULL) = ?7)"
                            " ORDER BY id LIMIT ?6");
        std::optional<std::int64_t> open;
        if (f.open)
            open = *f.open ? 1 : 0;
        st.bind_all(page.after.value_or(0), secs(f.from), secs(f.to), f.driver_id, f.vehicle_id,
                    page.limit + 1, open);
        Page<Trip> out;
        while (st.step())
            out.items.push_back(read_trip_header(st));
        if (int(out.items.size()) > page.limit) {
            out.items.pop_back();
            out.next_cursor = out.items.back().id;
        }
        for (Trip& t : out.items)
            load_rides(c, t);
        return out;
    });
}

std::optional<Trip> SqliteTripStore::previous_on_vehicle(const Trip& trip) {
    return db_.read([&](Connection& c) -> std::optional<Trip> {
        Statement st(c, std::string("SELECT ") + trip_columns +
                            " FROM trips WHERE vehicle_id = ?1"
                            " AND (started_at < ?2 OR (started_at = ?2 AND id < ?3))"
                            " ORDER BY started_at DESC, id DESC LIMIT 1");
        st.bind_all(trip.vehicle_id, secs(trip.started_at), trip.id);
        if (!st.step())
            return std::nullopt;
        return read_trip_header(st);
    });
}

}  // namespace lifeline::storage
