// The year's replay on a real SQLite file: deterministic per seed, sized like the Jilin
// fleet, and every fact it logs obeys the ledger's rules.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "lifeline/core/simulate/simulate.h"
#include "lifeline/storage/database.h"
#include "lifeline/storage/services.h"
#include "temp_dir.h"

using namespace lifeline;

namespace {

YearTotals replay(const std::string& path, std::uint64_t seed) {
    storage::Database db({path});
    storage::SqliteServices app(db);
    app.accounts.ensure_admin("admin-secret-1");
    Actor admin{app.account_store.find_by_name("admin")->user.id, "admin", Role::admin,
                std::nullopt};
    SimulationAccounts creds;
    creds.password = "lifeline-demo";
    YearTotals t = simulate({app.fleet, app.accounts, app.dispatch, app.ledger, app.settings},
                            admin, jilin_2022(), creds, seed);
    db.close();
    return t;
}

// The first column of the first row of `sql`.
std::int64_t scalar(const std::string& path, const char* sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    auto n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

bool same(const YearTotals& a, const YearTotals& b) {
    return a.requests == b.requests && a.rides_completed == b.rides_completed &&
           a.no_shows == b.no_shows && a.cancellations == b.cancellations &&
           a.unserved == b.unserved && a.trips == b.trips && a.km == b.km &&
           a.volunteer_hours == b.volunteer_hours && a.patients == b.patients &&
           a.drivers == b.drivers && a.absences == b.absences && a.holidays == b.holidays;
}

}  // namespace

TEST_CASE("a replayed year is reproducible, sized like the Jilin fleet, and obeys the ledger",
          "[storage][simulate]") {
    lifeline::testing::TempDir dir;
    const std::string first = dir.file("first.db"), second = dir.file("second.db");
    YearTotals a = replay(first, 1);
    YearTotals b = replay(second, 1);
    INFO("rides " << a.rides_completed << ", km " << a.km);
    CHECK(same(a, b));

    CHECK(a.rides_completed == Approx(7306).epsilon(0.05));
    CHECK(a.km == Approx(380000).epsilon(0.05));
    CHECK(a.days == 365);
    CHECK(a.no_shows > 0);
    CHECK(a.cancellations[std::size_t(CancelReason::holiday)] > 0);
    CHECK(a.cancellations[std::size_t(CancelReason::patient)] > 0);
    CHECK(a.absences > 0);

    // What the database holds is what the replay reports.
    CHECK(scalar(first, "SELECT count(*) FROM rides WHERE outcome = 'completed'") ==
          a.rides_completed);
    CHECK(scalar(first, "SELECT count(*) FROM trips WHERE ended_at IS NULL") == 0);
    CHECK(scalar(first, "SELECT count(*) FROM routes WHERE status = 'started'") == 0);
    // No odometer goes backwards: each trip of a vehicle starts at or above the reading
    // its previous trip ended with.
    CHECK(scalar(first,
                 "SELECT count(*) FROM trips t JOIN trips p ON p.vehicle_id = t.vehicle_id AND "
                 "p.id = (SELECT max(id) FROM trips q WHERE q.vehicle_id = t.vehicle_id AND "
                 "q.started_at < t.started_at) WHERE t.odometer_start < p.odometer_end") == 0);
    // Readings along a trip stay within it, and every ride lies within its trip's span.
    CHECK(scalar(first,
                 "SELECT count(*) FROM rides r JOIN trips t ON t.id = r.trip_id WHERE "
                 "r.odometer_pickup < t.odometer_start OR r.odometer_dropoff > t.odometer_end "
                 "OR r.odometer_dropoff < r.odometer_pickup") == 0);
    CHECK(scalar(first,
                 "SELECT count(*) FROM rides r JOIN trips t ON t.id = r.trip_id WHERE "
                 "r.picked_up_at < t.started_at OR r.dropped_off_at > t.ended_at OR "
                 "r.recorded_at < t.started_at OR r.recorded_at > t.ended_at") == 0);
    // Each trip's count of completed rides, saved with it, matches its rides.
    CHECK(scalar(first,
                 "SELECT count(*) FROM trips t WHERE t.completed_rides <> (SELECT count(*) "
                 "FROM rides r WHERE r.trip_id = t.id AND r.outcome = 'completed')") == 0);
    // Every trip was opened by its own driver's account.
    CHECK(scalar(first,
                 "SELECT count(*) FROM trips t JOIN users u ON u.id = t.created_by WHERE "
                 "u.role <> 'driver' OR u.driver_id <> t.driver_id") == 0);
}
