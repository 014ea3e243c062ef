#include "lifeline/storage/dispatch_store.h"

#include "fleet_rows.h"
#include "lifeline/storage/trip_store.h"
#include "sql_time.h"

namespace lifeline::storage {
namespace {

std::optional<std::string> date_text(const std::optional<LocalDate>& d) {
    if (!d)
        return std::nullopt;
    return format_date(*d);
}
LocalDate date_of(const std::string& text) {
    return parse_date(text).value_or(LocalDate{});
}

constexpr const char* request_columns =
    "id, patient_id, direction, service_date, pickup_place_id, pickup_lat, pickup_lon, "
    "pickup_address, dropoff_place_id, dropoff_lat, dropoff_lon, dropoff_address, arrive_by, "
    "ready_at, passengers, wheelchair, status, cancel_reason, unserved_reason, source, "
    "schedule_key, session_date, notes, created_at, updated_at, linked_request_id, cancelled_at, "
    "cancel_batch_id, suspension_id, pinned_vehicle_id";

RideRequest read_request(const Statement& st) {
    RideRequest r;
    r.id = st.get_int(0);
    r.patient_id = st.get_int(1);
    r.direction = direction_from(st.get_text(2)).value_or(Direction::other);
    r.service_date = date_of(st.get_text(3));
    r.pickup.place_id = st.get_opt_int(4);
    r.pickup.location = {st.get_double(5), st.get_double(6)};
    r.pickup.address = st.get_text(7);
    r.dropoff.place_id = st.get_opt_int(8);
    r.dropoff.location = {st.get_double(9), st.get_double(10)};
    r.dropoff.address = st.get_text(11);
    r.arrive_by = instant(st.get_opt_int(12));
    r.ready_at = instant(st.get_opt_int(13));
    r.passengers = int(st.get_int(14));
    r.wheelchair = st.get_int(15) != 0;
    r.status = request_status_from(st.get_text(16)).value_or(RequestStatus::pending);
    if (auto c = st.get_opt_text(17))
        r.cancel_reason = cancel_reason_from(*c);
    r.unserved_reason = st.get_text(18);
    r.source = request_source_from(st.get_text(19)).value_or(RequestSource::manual);
    r.schedule_key = st.get_opt_text(20);
    if (auto d = st.get_opt_text(21))
        r.session_date = parse_date(*d);
    r.notes = st.get_text(22);
    r.created_at = Instant{std::chrono::seconds{st.get_int(23)}};
    r.updated_at = Instant{std::chrono::seconds{st.get_int(24)}};
    r.linked_request_id = st.get_opt_int(25);
    r.cancelled_at = instant(st.get_opt_int(26));
    r.cancel_batch_id = st.get_opt_int(27);
    r.suspension_id = st.get_opt_int(28);
    r.pinned_vehicle = st.get_opt_int(29);
    return r;
}

std::vector<RideRequest> read_requests(Statement& st) {
    std::vector<RideRequest> out;
    while (st.step())
        out.push_back(read_request(st));
    return out;
}

constexpr const char* route_columns =
    "id, service_date, vehicle_id, driver_id, status, planned_km, starts_at, ends_at";

Route read_route_row(const Statement& st) {
    Route r;
    r.id = st.get_int(0);
    r.service_date = date_of(st.get_text(1));
    r.vehicle_id = st.get_int(2);
    r.driver_id = st.get_int(3);
    r.status = route_status_from(st.get_text(4)).value_or(RouteStatus::planned);
    r.planned_km = st.get_double(5);
    r.starts_at = instant(st.get_opt_int(6));
    r.ends_at = instant(st.get_opt_int(7));
    return r;
}

void load_stops(Connection& c, Route& r) {
    Statement st(c,
                 "SELECT request_id, kind, eta FROM route_stops WHERE route_id = ? ORDER BY seq");
    st.bind_all(r.id);
    while (st.step())
        r.stops.push_back({st.get_int(0), stop_kind_from(st.get_text(1)).value_or(StopKind::pickup),
                           Instant{std::chrono::seconds{st.get_int(2)}}});
}

void write_stops(Connection& c, const Route& r) {
    Statement del(c, "DELETE FROM route_stops WHERE route_id = ?");
    del.bind_all(r.id);
    del.run();
    int seq = 0;
    for (const RouteStop& s : r.stops) {
        Statement st(c,
                     "INSERT INTO route_stops (route_id, seq, request_id, kind, eta) "
                     "VALUES (?, ?, ?, ?, ?)");
        st.bind_all(r.id, ++seq, s.request_id, to_string(s.kind), secs(s.eta));
        st.run();
    }
}

class Tx : public DispatchTx {
  public:
    Tx(Connection& c, const Clock& clock) : c_(c), clock_(clock) {}

    std::optional<Patient> patient(PatientId id) override { return load_patient(c_, id); }
    std::vector<Patient> scheduled_patients() override {
        Statement st(c_, std::string("SELECT ") + patient_columns +
                             " FROM patients WHERE active = 1 AND schedule_days IS NOT NULL "
                             "AND center_id IS NOT NULL ORDER BY id");
        std::vector<Patient> out;
        while (st.step())
            out.push_back(read_patient(st));
        return out;
    }
    std::optional<Place> place(PlaceId id) override { return load_place(c_, id); }
    std::optional<Driver> driver(DriverId id) override { return load_driver(c_, id); }
    std::optional<Vehicle> vehicle(VehicleId id) override { return load_vehicle(c_, id); }
    std::vector<Driver> active_drivers() override {
        Statement st(c_, std::string("SELECT ") + driver_columns +
                             " FROM drivers WHERE active = 1 ORDER BY id");
        std::vector<Driver> out;
        while (st.step())
            out.push_back(read_driver(c_, st));
        return out;
    }
    std::vector<Vehicle> active_vehicles() override {
        Statement st(c_, std::string("SELECT ") + vehicle_columns +
                             " FROM vehicles WHERE active = 1 ORDER BY id");
        std::vector<Vehicle> out;
        while (st.step())
            out.push_back(read_vehicle(st));
        return out;
    }
    std::optional<Holiday> holiday(LocalDate date) override {
        Statement st(c_, "SELECT move_to FROM holidays WHERE date = ?");
        st.bind_all(format_date(date));
        if (!st.step())
            return std::nullopt;
        Holiday h{date, std::nullopt};
        if (auto m = st.get_opt_text(0))
            h.move_to = parse_date(*m);
        return h;
    }

    std::optional<RideRequest> request(RequestId id) override {
        Statement st(c_, std::string("SELECT ") + request_columns + " FROM requests WHERE id = ?");
        st.bind_all(id);
        if (!st.step())
            return std::nullopt;
        return read_request(st);
    }
    std::optional<RideRequest> request_by_key(const std::string& key) override {
        Statement st(
            c_, std::string("SELECT ") + request_columns + " FROM requests WHERE schedule_key = ?");
        st.bind_all(key);
        if (!st.step())
            return std::nullopt;
        return read_request(st);
    }
    std::vector<RideRequest> requests_of_day(LocalDate date) override {
        Statement st(c_, std::string("SELECT ") + request_columns +
                             " FROM requests WHERE service_date = ? ORDER BY id");
        st.bind_all(format_date(date));
        return read_requests(st);
    }
    std::vector<RideRequest> schedule_requests(LocalDate from, LocalDate to,
                                               std::optional<PatientId> patient) override {
        Statement st(c_, std::string("SELECT ") + request_columns +
                             " FROM requests WHERE session_date IS NOT NULL "
                             "AND session_date BETWEEN ?1 AND ?2 "
                             "AND (?3 IS NULL OR patient_id = ?3) ORDER BY id");
        st.bind_all(format_date(from), format_date(to), patient);
        return read_requests(st);
    }
    std::vector<Route> routes_of_day(LocalDate date) override {
        std::vector<Route> out;
        {
            Statement st(c_, std::string("SELECT ") + route_columns +
                                 " FROM routes WHERE service_date = ? ORDER BY id");
            st.bind_all(format_date(date));
            while (st.step())
                out.push_back(read_route_row(st));
        }
        for (Route& r : out)
            load_stops(c_, r);
        return out;
    }
    std::optional<Route> route(RouteId id) override {
        std::optional<Route> r;
        {
            Statement st(c_, std::string("SELECT ") + route_columns + " FROM routes WHERE id = ?");
            st.bind_all(id);
            if (!st.step())
                return std::nullopt;
            r = read_route_row(st);
        }
        load_stops(c_, *r);
        return r;
    }

    RequestId insert_request(const RideRequest& r) override {
        Statement st(
            c_,
            "INSERT INTO requests (patient_id, direction, service_date, pickup_place_id, "
            "pickup_lat, pickup_lon, pickup_address, dropoff_place_id, dropoff_lat, dropoff_lon, "
            "dropoff_address, arrive_by, ready_at, passengers, wheelchair, status, cancel_reason, "
            "unserved_reason, source, schedule_key, session_date, notes, created_at, updated_at, "
            "linked_request_id, cancelled_at, cancel_batch_id, suspension_id, pinned_vehicle_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?)");
        bind_request(st, r);
        st.bind(23, secs(r.created_at));
        st.bind(24, secs(r.updated_at));
        bind_cancellation(st, r, 25);
        st.bind(29, r.pinned_vehicle);
        st.run();
        return c_.last_insert_id();
    }
    void update_request(const RideRequest& r) override {
        Statement st(
            c_,
            "UPDATE requests SET patient_id = ?, direction = ?, service_date = ?, "
            "pickup_place_id = ?, pickup_lat = ?, pickup_lon = ?, pickup_address = ?, "
            "dropoff_place_id = ?, dropoff_lat = ?, dropoff_lon = ?, dropoff_address = ?, "
            "arrive_by = ?, ready_at = ?, passengers = ?, wheelchair = ?, status = ?, "
            "cancel_reason = ?, unserved_reason = ?, source = ?, schedule_key = ?, "
            "session_date = ?, notes = ?, updated_at = ?, linked_request_id = ?, "
            "cancelled_at = ?, cancel_batch_id = ?, suspension_id = ?, pinned_vehicle_id = ? "
            "WHERE id = ?");
        bind_request(st, r);
        st.bind(23, secs(r.updated_at));
        bind_cancellation(st, r, 24);
        st.bind(28, r.pinned_vehicle);
        st.bind(29, r.id);
        st.run();
    }
    void delete_request(RequestId id) override {
        // Its session's other leg forgets it first (only if it really goes).
        Statement unlink(
            c_,
            "UPDATE requests SET linked_request_id = NULL WHERE linked_request_id = ?1 "
            "AND NOT EXISTS (SELECT 1 FROM route_stops WHERE request_id = ?1) "
            "AND NOT EXISTS (SELECT 1 FROM rides WHERE request_id = ?1)");
        unlink.bind(1, id);
        unlink.run();
        Statement st(c_,
                     "DELETE FROM requests WHERE id = ?1 "
                     "AND NOT EXISTS (SELECT 1 FROM route_stops WHERE request_id = ?1) "
                     "AND NOT EXISTS (SELECT 1 FROM rides WHERE request_id = ?1)");
        st.bind(1, id);
        st.run();
    }
    void put_holiday(const Holiday& h) override {
        Statement st(c_,
                     "INSERT INTO holidays (date, move_to) VALUES (?1, ?2) "
                     "ON CONFLICT (date) DO UPDATE SET move_to = ?2");
        st.bind_all(format_date(h.date), date_text(h.move_to));
        st.run();
    }
    RouteId insert_route(const Route& r) override {
        Statement st(c_,
                     "INSERT INTO routes (service_date, vehicle_id, driver_id, status, planned_km, "
                     "starts_at, ends_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        st.bind_all(format_date(r.service_date), r.vehicle_id, r.driver_id, to_string(r.status),
                    r.planned_km, secs(r.starts_at), secs(r.ends_at), secs(clock_.now()));
        st.run();
        Route saved = r;
        saved.id = c_.last_insert_id();
        write_stops(c_, saved);
        return saved.id;
    }
    void update_route(const Route& r) override {
        Statement st(c_,
                     "UPDATE routes SET vehicle_id = ?, driver_id = ?, status = ?, planned_km = ?, "
                     "starts_at = ?, ends_at = ? WHERE id = ?");
        st.bind_all(r.vehicle_id, r.driver_id, to_string(r.status), r.planned_km, secs(r.starts_at),
                    secs(r.ends_at), r.id);
        st.run();
        write_stops(c_, r);
    }
    void delete_route(RouteId id) override {
        Statement stops(c_, "DELETE FROM route_stops WHERE route_id = ?");
        stops.bind_all(id);
        stops.run();
        Statement st(c_, "DELETE FROM routes WHERE id = ?");
        st.bind_all(id);
        st.run();
    }

    void link_requests(RequestId a, RequestId b) override {
        Statement st(c_,
                     "UPDATE requests SET linked_request_id = CASE id WHEN ?1 THEN ?2 ELSE ?1 END "
                     "WHERE id IN (?1, ?2)");
        st.bind_all(a, b);
        st.run();
    }
    std::vector<Holiday> holidays(LocalDate from, LocalDate to) override {
        Statement st(c_,
                     "SELECT date, move_to FROM holidays WHERE date BETWEEN ? AND ? ORDER BY date");
        st.bind_all(format_date(from), format_date(to));
        std::vector<Holiday> out;
        while (st.step()) {
            Holiday h{date_of(st.get_text(0)), std::nullopt};
            if (auto m = st.get_opt_text(1))
                h.move_to = parse_date(*m);
            out.push_back(h);
        }
        return out;
    }
    void delete_holiday(LocalDate date) override {
        Statement st(c_, "DELETE FROM holidays WHERE date = ?");
        st.bind_all(format_date(date));
        st.run();
    }
    std::vector<RideRequest> requests_of_patient(PatientId patient, LocalDate from,
                                                 LocalDate to) override {
        Statement st(c_, std::string("SELECT ") + request_columns +
                             " FROM requests WHERE patient_id = ? AND service_date BETWEEN ? AND ? "
                             "ORDER BY id");
        st.bind_all(patient, format_date(from), format_date(to));
        return read_requests(st);
    }
    std::vector<RideRequest> requests_of_batch(CancelBatchId batch) override {
        Statement st(c_, std::string("SELECT ") + request_columns +
                             " FROM requests WHERE cancel_batch_id = ? ORDER BY id");
        st.bind_all(batch);
        return read_requests(st);
    }
    std::vector<RideRequest> requests_of_suspension(SuspensionId suspension) override {
        Statement st(c_, std::string("SELECT ") + request_columns +
                             " FROM requests WHERE suspension_id = ? ORDER BY id");
        st.bind_all(suspension);
        return read_requests(st);
    }
    CancelBatchId insert_batch(const CancelBatch& b) override {
        Statement st(
            c_,
            "INSERT INTO cancel_batches (service_date, from_min, to_min, place_id, reason, "
            "note, count, created_at, user_id, username) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?)");
        st.bind_all(format_date(b.date), minutes_of(b.from), minutes_of(b.to), b.place_id,
                    to_string(b.reason), b.note, b.count, secs(b.created_at), b.user_id,
                    b.username);
        st.run();
        return c_.last_insert_id();
    }
    std::optional<CancelBatch> batch(CancelBatchId id) override {
        auto found = read_batches("WHERE id = ?", id);
        if (found.empty())
            return std::nullopt;
        return found.front();
    }
    std::vector<CancelBatch> batches_of_day(LocalDate date) override {
        return read_batches("WHERE service_date = ?", format_date(date));
    }
    void set_batch_restored(CancelBatchId id, Instant at) override {
        Statement st(c_, "UPDATE cancel_batches SET restored_at = ? WHERE id = ?");
        st.bind_all(secs(at), id);
        st.run();
    }
    std::vector<Suspension> suspensions(PatientId patient) override {
        return read_suspensions("WHERE patient_id = ?", patient);
    }
    std::optional<Suspension> suspension(SuspensionId id) override {
        auto found = read_suspensions("WHERE id = ?", id);
        if (found.empty())
            return std::nullopt;
        return found.front();
    }
    SuspensionId insert_suspension(const Suspension& s) override {
        Statement st(c_,
                     "INSERT INTO patient_suspensions (patient_id, from_date, to_date, reason, "
                     "created_at) VALUES (?, ?, ?, ?, ?)");
        st.bind_all(s.patient_id, format_date(s.from), format_date(s.to), s.reason,
                    secs(s.created_at));
        st.run();
        return c_.last_insert_id();
    }
    void update_suspension(const Suspension& s) override {
        Statement st(c_,
                     "UPDATE patient_suspensions SET from_date = ?, to_date = ?, reason = ? "
                     "WHERE id = ?");
        st.bind_all(format_date(s.from), format_date(s.to), s.reason, s.id);
        st.run();
    }
    void delete_suspension(SuspensionId id) override {
        Statement st(c_, "DELETE FROM patient_suspensions WHERE id = ?");
        st.bind_all(id);
        st.run();
    }
    void audit(const AuditEntry& e) override { insert_audit(c_, e); }

  private:
    static std::optional<std::int64_t> minutes_of(const std::optional<Minutes>& m) {
        if (!m)
            return std::nullopt;
        return m->count();
    }
    static void bind_cancellation(Statement& st, const RideRequest& r, int first) {
        st.bind(first, r.linked_request_id);
        st.bind(first + 1, secs(r.cancelled_at));
        st.bind(first + 2, r.cancel_batch_id);
        st.bind(first + 3, r.suspension_id);
    }
    template <class Key>
    std::vector<CancelBatch> read_batches(const char* where, const Key& key) {
        std::vector<CancelBatch> out;
        {
            Statement st(c_, std::string("SELECT id, service_date, from_min, to_min, place_id, "
                                         "reason, note, count, created_at, user_id, username, "
                                         "restored_at FROM cancel_batches ") +
                                 where + " ORDER BY id");
            st.bind_all(key);
            while (st.step()) {
                CancelBatch b;
                b.id = st.get_int(0);
                b.date = date_of(st.get_text(1));
                if (auto m = st.get_opt_int(2))
                    b.from = Minutes{*m};
                if (auto m = st.get_opt_int(3))
                    b.to = Minutes{*m};
                b.place_id = st.get_opt_int(4);
                b.reason = cancel_reason_from(st.get_text(5)).value_or(CancelReason::other);
                b.note = st.get_text(6);
                b.count = int(st.get_int(7));
                b.created_at = instant_of(st.get_int(8));
                b.user_id = st.get_int(9);
                b.username = st.get_text(10);
                b.restored_at = instant(st.get_opt_int(11));
                out.push_back(std::move(b));
            }
        }
        for (CancelBatch& b : out) {
            Statement st(c_,
                         "SELECT id FROM requests WHERE cancel_batch_id = ? AND status = "
                         "'cancelled' ORDER BY id");
            st.bind_all(b.id);
            while (st.step())
                b.still_cancelled.push_back(st.get_int(0));
        }
        return out;
    }
    template <class Key>
    std::vector<Suspension> read_suspensions(const char* where, const Key& key) {
        Statement st(c_, std::string("SELECT id, patient_id, from_date, to_date, reason, "
                                     "created_at FROM patient_suspensions ") +
                             where + " ORDER BY from_date, id");
        st.bind_all(key);
        std::vector<Suspension> out;
        while (st.step())
            out.push_back({st.get_int(0), st.get_int(1), date_of(st.get_text(2)),
                           date_of(st.get_text(3)), st.get_text(4), instant_of(st.get_int(5))});
        return out;
    }
    static void bind_request(Statement& st, const RideRequest& r) {
        st.bind_all(r.patient_id, to_string(r.direction), format_date(r.service_date),
                    r.pickup.place_id, r.pickup.location.lat, r.pickup.location.lon,
                    r.pickup.address, r.dropoff.place_id, r.dropoff.location.lat,
                    r.dropoff.location.lon, r.dropoff.address, secs(r.arrive_by), secs(r.ready_at),
                    r.passengers, r.wheelchair, to_string(r.status),
                    r.cancel_reason ? std::optional<std::string>(to_string(*r.cancel_reason))
                                    : std::nullopt,
                    r.unserved_reason, to_string(r.source), r.schedule_key,
                    date_text(r.session_date), r.notes);
    }

    Connection& c_;
    const Clock& clock_;
};

}  // namespace

void SqliteDispatchStore::run_transaction(const std::function<void(DispatchTx&)>& work) {
    db_.write([&](Connection& c) {
        Tx tx(c, db_.clock());
        work(tx);
    });
}

void SqliteDispatchStore::run_read(const std::function<void(DispatchTx&)>& work) {
    db_.read([&](Connection& c) {
        Transaction snapshot(c, Transaction::Kind::snapshot);
        Tx tx(c, db_.clock());
        work(tx);
    });
}

Page<RideRequest> SqliteDispatchStore::list_requests(const RequestFilter& f,
                                                     const PageRequest& page) {
    return db_.read([&](Connection& c) {
        Statement st(c, std::string("SELECT ") + request_columns +
                            " FROM requests WHERE (?1 IS NULL OR service_date = ?1) "
                            "AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR patient_id = ?3) "
                            "AND id > ?4 ORDER BY id LIMIT ?5");
        std::optional<std::string> status;
        if (f.status)
            status = to_string(*f.status);
        st.bind_all(date_text(f.date), status, f.patient_id, page.after.value_or(0),
                    page.limit + 1);
        Page<RideRequest> out;
        while (st.step())
            out.items.push_back(read_request(st));
        if (int(out.items.size()) > page.limit) {
            out.items.pop_back();
            out.next_cursor = out.items.back().id;
        }
        return out;
    });
}

}  // namespace lifeline::storage
