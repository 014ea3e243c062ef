// Live positions of a trip: the trip's driver sends batches while the trip is open (or
// late, for instants within it); dispatchers and that driver read them; bad positions are
// refused naming each field and nothing is written; retries with the same key write once;
// positions past the retention period are deleted by the server.
#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>

#include "fixture.h"

using namespace lifeline::test;

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

json::object point(const std::string& at, double lat, double lon) {
    return json::object{{"at", at}, {"lat", lat}, {"lon", lon}, {"accuracy_m", 12.5}};
}

json::object batch(json::array points) {
    return json::object{{"positions", std::move(points)}};
}

// Opens a trip of driver1 in the sedan, started 30 minutes before the rehearsal's start.
std::string open_trip(SeededFleet& f) {
    auto r = require_created(f.driver1.post(
        "/api/v1/trips", json::object{{"vehicle_id", f.sedan_id},
                                      {"started_at", before_rehearsal(std::chrono::minutes{30})},
                                      {"odometer_start", 1000}}));
    return "/api/v1/trips/" + std::to_string(r.id());
}

std::size_t stored(Api& api, const std::string& trip) {
    auto r = api.get(trip + "/positions");
    INFO(r.text);
    REQUIRE(r.status == 200);
    return r.obj().at("items").as_array().size();
}

void require_refused(const ApiResult& r, int status, std::vector<std::string> fields) {
    INFO(r.text);
    REQUIRE(r.status == status);
    CHECK(r.raw.header("Content-Type") == "application/problem+json");
    auto got = r.error_fields();
    std::sort(got.begin(), got.end());
    std::sort(fields.begin(), fields.end());
    CHECK(got == fields);
}

}  // namespace

TEST_CASE("the trip's driver sends positions and dispatchers read them", "[api][positions]") {
    SeededFleet f;
    const std::string trip = open_trip(f);
    auto r =
        f.driver1.post(trip + "/positions",
                       batch({point(before_rehearsal(std::chrono::minutes{20}), 43.84, 126.54),
                              point(before_rehearsal(std::chrono::minutes{19}), 43.85, 126.55)}),
                       Headers{{"Idempotency-Key", "pos-1"}});
    INFO(r.text);
    REQUIRE(r.status == 201);
    CHECK(r.obj().at("recorded").as_int64() == 2);

    SECTION("a retry with the same key writes nothing more") {
        auto again = f.driver1.post(
            trip + "/positions",
            batch({point(before_rehearsal(std::chrono::minutes{20}), 43.84, 126.54),
                   point(before_rehearsal(std::chrono::minutes{19}), 43.85, 126.55)}),
            Headers{{"Idempotency-Key", "pos-1"}});
        CHECK(again.status == 201);
        CHECK(again.raw.header("Idempotent-Replayed") == std::optional<std::string>("true"));
        CHECK(stored(f.dispatcher, trip) == 2);
    }
    SECTION("a position sent twice under another key is kept once") {
        auto twice = f.driver1.post(
            trip + "/positions",
            batch({point(before_rehearsal(std::chrono::minutes{19}), 43.85, 126.55)}));
        REQUIRE(twice.status == 201);
        CHECK(twice.obj().at("recorded").as_int64() == 0);
        CHECK(stored(f.driver1, trip) == 2);
    }
    SECTION("dispatchers and the driver read them, oldest first; the other driver does not") {
        auto mine = f.driver1.get(trip + "/positions");
        REQUIRE(mine.status == 200);
        const auto& items = mine.obj().at("items").as_array();
        REQUIRE(items.size() == 2);
        CHECK(items[0].at("lat").as_double() == Approx(43.84));
        CHECK(items[1].at("accuracy_m").as_double() == Approx(12.5));
        CHECK(f.admin.get(trip + "/positions").status == 200);
        CHECK(f.driver2.get(trip + "/positions").status == 404);
    }
    SECTION("the latest position per vehicle, with its age, for dispatchers only") {
        auto latest = f.dispatcher.get("/api/v1/vehicles/positions/latest");
        INFO(latest.text);
        REQUIRE(latest.status == 200);
        const auto& items = latest.obj().at("items").as_array();
        REQUIRE(items.size() == 1);
        CHECK(items[0].at("vehicle_id").as_int64() == f.sedan_id);
        CHECK(items[0].at("lat").as_double() == Approx(43.85));
        CHECK(items[0].at("trip_open").as_bool());
        CHECK(items[0].at("age_seconds").as_int64() >= 19 * 60);
        CHECK(f.driver1.get("/api/v1/vehicles/positions/latest").status == 403);
    }
    SECTION("nobody else sends positions for the trip") {
        auto p = batch({point(before_rehearsal(std::chrono::minutes{10}), 43.84, 126.54)});
        CHECK(f.driver2.post(trip + "/positions", p).status == 404);
        CHECK(f.dispatcher.post(trip + "/positions", p).status == 403);
        CHECK(f.dispatcher.post("/api/v1/trips/999999/positions", p).status == 404);
        CHECK(stored(f.dispatcher, trip) == 2);
    }
}

TEST_CASE("bad positions are refused naming each field, and none is written", "[api][positions]") {
    SeededFleet f;
    const std::string trip = open_trip(f);
    const std::string ok = before_rehearsal(std::chrono::minutes{5});

    SECTION("coordinates out of range, a future instant, an instant before the trip") {
        auto r = f.driver1.post(
            trip + "/positions",
            batch({point(ok, 43.84, 126.54), point(ok, 91, 126.54),
                   point(before_rehearsal(std::chrono::minutes{4}), 43.84, -181),
                   point(before_rehearsal(std::chrono::minutes{-10}), 43.84, 126.54),
                   point(before_rehearsal(std::chrono::minutes{31}), 43.84, 126.54)}));
        require_refused(
            r, 422, {"positions[1].lat", "positions[2].lon", "positions[3].at", "positions[4].at"});
    }
    SECTION("a negative accuracy, a missing field, an unknown field") {
        json::object neg = point(ok, 43.84, 126.54);
        neg["accuracy_m"] = -1;
        json::object missing{{"at", ok}, {"lat", 43.84}};
        json::object unknown = point(before_rehearsal(std::chrono::minutes{4}), 43.8, 126.5);
        unknown["speed"] = 3;
        require_refused(f.driver1.post(trip + "/positions", batch({neg})), 422,
                        {"positions[0].accuracy_m"});
        require_refused(f.driver1.post(trip + "/positions", batch({missing, unknown})), 400,
                        {"positions[0].lon", "positions[1].speed"});
    }
    SECTION("a batch over the limit, and an empty one") {
        json::array many;
        for (int i = 0; i < 501; ++i)
            many.push_back(point(ok, 43.84, 126.54));
        require_refused(f.driver1.post(trip + "/positions", batch(many)), 422, {"positions"});
        require_refused(f.driver1.post(trip + "/positions", batch({})), 422, {"positions"});
    }
    SECTION("after the trip ended") {
        auto fin = f.driver1.post(
            trip + "/finish", json::object{{"ended_at", before_rehearsal(std::chrono::minutes{2})},
                                           {"odometer_end", 1010}});
        INFO(fin.text);
        REQUIRE(fin.status == 200);
        require_refused(
            f.driver1.post(
                trip + "/positions",
                batch({point(before_rehearsal(std::chrono::minutes{1}), 43.84, 126.54)})),
            422, {"positions[0].at"});
        // What the phone queued during the trip still arrives after the finish.
        auto late = f.driver1.post(trip + "/positions", batch({point(ok, 43.84, 126.54)}));
        CHECK(late.status == 201);
        CHECK(stored(f.dispatcher, trip) == 1);
        return;
    }
    CHECK(stored(f.dispatcher, trip) == 0);
}

TEST_CASE("the retention setting is validated", "[api][positions][settings]") {
    SeededFleet f;
    CHECK(f.admin.get("/api/v1/settings").obj().at("position_retention_days").as_int64() == 90);
    for (int bad : {0, 3651}) {
        auto r = f.admin.put("/api/v1/settings", json::object{{"position_retention_days", bad}});
        require_refused(r, 400, {"position_retention_days"});
    }
    auto r = f.admin.put("/api/v1/settings", json::object{{"position_retention_days", 30}});
    REQUIRE(r.status == 200);
    CHECK(r.obj().at("position_retention_days").as_int64() == 30);
}

// Restarts the server on the same file with its clock `days` after the rehearsal, and
// waits (bounded) until the trip has `expected` positions.
bool positions_become(const std::string& db, const std::string& trip, int days,
                      std::size_t expected) {
    const std::string later =
        utc_text(rehearsal_epoch + std::time_t(days) * 86400, "%Y-%m-%dT%H:%M:%SZ");
    LiveServer server(db, {"--clock-start", later});
    Api dispatcher = Api::login(server, "dispatcher", user_password);
    for (int i = 0; i < 100; ++i) {
        if (stored(dispatcher, trip) == expected)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

TEST_CASE("positions are deleted after the retention period", "[api][positions]") {
    SeededFleet f;
    const std::string trip = open_trip(f);
    REQUIRE(f.driver1
                .post(trip + "/positions",
                      batch({point(before_rehearsal(std::chrono::minutes{20}), 43.84, 126.54)}))
                .status == 201);
    const std::string db = f.server.db_path();
    REQUIRE(f.server.stop() == 0);
    CHECK(positions_become(db, trip, 89, 1));  // kept within the default 90 days
    CHECK(positions_become(db, trip, 91, 0));
}
