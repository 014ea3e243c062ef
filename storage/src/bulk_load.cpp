#include "lifeline/storage/bulk_load.h"

#include "sql_time.h"

namespace lifeline::storage {

std::int64_t bulk_load_trips(Database& db, UserId created_by,
                             const std::function<bool(Trip&)>& next) {
    return db.write([&](Connection& c) {
        std::int64_t count = 0;
        Trip trip;
        while (true) {
            trip = Trip{};
            if (!next(trip))
                break;
            Statement t(c,
                        "INSERT INTO trips (driver_id, vehicle_id, route_id, started_at, ended_at, "
                        "odometer_start, odometer_end, created_by, completed_rides) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
            t.bind_all(trip.driver_id, trip.vehicle_id, trip.route_id, secs(trip.started_at),
                       secs(trip.ended_at), trip.odometer_start, trip.odometer_end, created_by,
                       trip.completed_rides());
            t.run();
            const std::int64_t id = c.last_insert_id();
            for (const Ride& r : trip.rides) {
                Statement st(c,
                             "INSERT INTO rides (trip_id, request_id, patient_id, picked_up_at, "
                             "dropped_off_at, recorded_at, odometer_pickup, odometer_dropoff, "
                             "outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
                st.bind_all(id, r.request_id, r.patient_id, secs(r.picked_up_at),
                            secs(r.dropped_off_at), secs(r.recorded_at), r.odometer_pickup,
                            r.odometer_dropoff, to_string(r.outcome));
                st.run();
            }
            ++count;
        }
        c.exec(
            "UPDATE vehicles SET odometer_km = coalesce((SELECT coalesce(t.odometer_end, "
            "t.odometer_start) FROM trips t WHERE t.vehicle_id = vehicles.id "
            "ORDER BY t.started_at DESC, t.id DESC LIMIT 1), odometer_km)");
        return count;
    });
}

LedgerSize ledger_size(Database& db) {
    return db.read([](Connection& c) {
        LedgerSize size;
        Statement trips(c, "SELECT count(*) FROM trips");
        trips.step();
        size.trips = trips.get_int(0);
        Statement rides(c, "SELECT count(*) FROM rides");
        rides.step();
        size.rides = rides.get_int(0);
        return size;
    });
}

}  // namespace lifeline::storage
