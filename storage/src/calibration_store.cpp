#include "lifeline/storage/calibration_store.h"

#include <algorithm>
#include <map>

#include "sql_time.h"

namespace lifeline::storage {
namespace {

// Finished trips whose rides were all completed, from dispatched requests, with both
// stops logged: the places and times of all their stops are known.
constexpr const char* trips_sql =
    "SELECT t.id, t.odometer_end - t.odometer_start, d.home_lat, d.home_lon FROM trips t "
    "JOIN drivers d ON d.id = t.driver_id WHERE t.ended_at IS NOT NULL AND t.odometer_end IS "
    "NOT NULL AND EXISTS (SELECT 1 FROM rides r WHERE r.trip_id = t.id) AND NOT EXISTS "
    "(SELECT 1 FROM rides r WHERE r.trip_id = t.id AND (r.outcome <> 'completed' OR "
    "r.request_id IS NULL OR r.picked_up_at IS NULL OR r.dropped_off_at IS NULL)) ORDER BY t.id";

constexpr const char* stops_sql =
    "SELECT r.trip_id, r.picked_up_at, q.pickup_lat, q.pickup_lon, r.dropped_off_at, "
    "q.dropoff_lat, q.dropoff_lon FROM rides r JOIN requests q ON q.id = r.request_id "
    "JOIN trips t ON t.id = r.trip_id WHERE t.ended_at IS NOT NULL AND r.outcome = 'completed' "
    "AND r.picked_up_at IS NOT NULL AND r.dropped_off_at IS NOT NULL";

std::map<TripId, std::vector<LoggedStop>> read_stops(Connection& c) {
    std::map<TripId, std::vector<LoggedStop>> stops;
    Statement st(c, stops_sql);
    while (st.step()) {
        auto& list = stops[st.get_int(0)];
        list.push_back({instant_of(st.get_int(1)), {st.get_double(2), st.get_double(3)}, true});
        list.push_back({instant_of(st.get_int(4)), {st.get_double(5), st.get_double(6)}, false});
    }
    return stops;
}

}  // namespace

std::vector<FinishedTrip> SqliteCalibrationStore::finished_trips() {
    return db_.read([&](Connection& c) {
        Transaction snapshot(c, Transaction::Kind::snapshot);
        auto stops = read_stops(c);
        std::vector<FinishedTrip> trips;
        Statement st(c, trips_sql);
        while (st.step()) {
            FinishedTrip t;
            t.id = st.get_int(0);
            t.km = st.get_double(1);
            auto lat = st.get_opt_double(2), lon = st.get_opt_double(3);
            if (lat && lon)
                t.start = t.end = GeoPoint{*lat, *lon};
            t.stops = std::move(stops[t.id]);
            std::stable_sort(t.stops.begin(), t.stops.end(),
                             [](const LoggedStop& a, const LoggedStop& b) { return a.at < b.at; });
            trips.push_back(std::move(t));
        }
        return trips;
    });
}

}  // namespace lifeline::storage
