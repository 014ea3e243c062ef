#include "lifeline/storage/position_store.h"

#include "sql_time.h"

namespace lifeline::storage {
namespace {

std::optional<Trip> trip_header(Connection& c, TripId id) {
    Statement st(c,
                 "SELECT id, driver_id, vehicle_id, started_at, ended_at FROM trips WHERE id = ?");
    st.bind_all(id);
    if (!st.step())
        return std::nullopt;
    Trip t;
    t.id = st.get_int(0);
    t.driver_id = st.get_int(1);
    t.vehicle_id = st.get_int(2);
    t.started_at = instant_of(st.get_int(3));
    t.ended_at = instant(st.get_opt_int(4));
    return t;
}

Position read_position(const Statement& st, int first) {
    Position p;
    p.at = instant_of(st.get_int(first));
    p.lat = st.get_double(first + 1);
    p.lon = st.get_double(first + 2);
    p.accuracy_m = st.get_opt_double(first + 3);
    return p;
}

class Tx final : public PositionTx {
  public:
    explicit Tx(Connection& c) : c_(c) {}
    std::optional<Trip> trip(TripId id) override { return trip_header(c_, id); }
    std::int64_t insert(TripId trip, const std::vector<Position>& positions) override {
        std::int64_t added = 0;
        for (const Position& p : positions) {
            Statement st(c_,
                         "INSERT INTO positions (trip_id, at, lat, lon, accuracy_m) "
                         "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
            st.bind_all(trip, secs(p.at), p.lat, p.lon, p.accuracy_m);
            st.run();
            added += c_.changes();
        }
        return added;
    }

  private:
    Connection& c_;
};

}  // namespace

std::int64_t SqlitePositionStore::transact(const std::function<std::int64_t(PositionTx&)>& work) {
    return db_.write([&](Connection& c) {
        Tx tx(c);
        return work(tx);
    });
}

std::optional<Trip> SqlitePositionStore::trip(TripId id) {
    return db_.read([&](Connection& c) { return trip_header(c, id); });
}

std::vector<Position> SqlitePositionStore::of_trip(TripId id) {
    return db_.read([&](Connection& c) {
        Statement st(c,
                     "SELECT at, lat, lon, accuracy_m FROM positions WHERE trip_id = ? "
                     "ORDER BY at");
        st.bind_all(id);
        std::vector<Position> out;
        while (st.step())
            out.push_back(read_position(st, 0));
        return out;
    });
}

std::vector<VehiclePosition> SqlitePositionStore::latest_per_vehicle() {
    return db_.read([&](Connection& c) {
        // Each vehicle's latest trip with positions (trips_by_vehicle), and that trip's
        // latest position (the primary key): a few milliseconds with a year of positions
        // every 30 s, where grouping all positions by vehicle took about a hundred.
        Statement st(c,
                     "SELECT t.vehicle_id, t.driver_id, t.id, t.ended_at IS NULL, p.at, p.lat, "
                     "p.lon, p.accuracy_m FROM (SELECT vehicle_id, max(started_at) AS started "
                     "FROM trips WHERE EXISTS (SELECT 1 FROM positions WHERE trip_id = trips.id) "
                     "GROUP BY vehicle_id) v JOIN trips t ON t.vehicle_id = v.vehicle_id AND "
                     "t.started_at = v.started JOIN positions p ON p.trip_id = t.id AND p.at = "
                     "(SELECT max(at) FROM positions WHERE trip_id = t.id) ORDER BY t.vehicle_id, "
                     "p.at DESC");
        std::vector<VehiclePosition> out;
        while (st.step()) {
            VehiclePosition v;
            v.vehicle_id = st.get_int(0);
            if (!out.empty() && out.back().vehicle_id == v.vehicle_id)
                continue;  // two trips started at the same second: the later position
            v.driver_id = st.get_int(1);
            v.trip_id = st.get_int(2);
            v.trip_open = st.get_int(3) != 0;
            v.position = read_position(st, 4);
            out.push_back(v);
        }
        return out;
    });
}

std::int64_t SqlitePositionStore::delete_before(Instant cutoff) {
    return db_.write([&](Connection& c) {
        Statement st(c, "DELETE FROM positions WHERE at < ?");
        st.bind_all(secs(cutoff));
        st.run();
        return std::int64_t(c.changes());
    });
}

}  // namespace lifeline::storage
