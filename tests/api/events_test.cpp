// Live changes: GET /api/v1/events streams Server-Sent Events after each committed write
// (a trip opened and finished, an event logged, a request changed), resumable with
// Last-Event-ID, signed in, a driver seeing only their own, with bounded streams.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "fixture.h"
#include "sse_client.h"

using namespace lifeline::test;
using namespace std::chrono_literals;

namespace {

std::vector<std::pair<std::string, std::string>> bearer(const Api& api) {
    return {{"Authorization", "Bearer " + api.token()}};
}

json::object data_of(const SseEvent& e) {
    return json::parse(e.data).as_object();
}

// The next event within 2 s; fails the test if none comes.
json::object expect_event(SseClient& s, std::string* id = nullptr) {
    auto e = s.next(2s);
    REQUIRE(e);
    if (id)
        *id = e->id;
    return data_of(*e);
}

// A ride of today at 07:30 on the sedan's route (driver1), and the route's id.
std::pair<std::int64_t, std::int64_t> ride_on_sedan(SeededFleet& f, const std::string& day) {
    auto r = require_created(f.dispatcher.post(
        "/api/v1/requests", json::object{{"patient_id", f.walker_id},
                                         {"direction", "to_center"},
                                         {"arrive_by", day + "T08:30:00+08:00"}}));
    auto a = f.dispatcher.post("/api/v1/requests/" + std::to_string(r.id()) + "/assign",
                               json::object{{"vehicle_id", f.sedan_id}});
    INFO(a.text);
    REQUIRE(a.status == 200);
    return {r.id(), a.obj().at("route").at("id").as_int64()};
}

}  // namespace

TEST_CASE("a board's stream gets each committed change within 2 s", "[api][events]") {
    SeededFleet f;
    const std::string day = shanghai_date(0);
    SseClient board(f.server.port(), "/api/v1/events", bearer(f.dispatcher));
    REQUIRE(board.status() == 200);
    CHECK(board.header("Content-Type").value_or("").rfind("text/event-stream", 0) == 0);
    CHECK(board.header("Cache-Control") == "no-store");

    const auto [request, route] = ride_on_sedan(f, day);
    auto changed = expect_event(board);
    CHECK(changed.at("type") == "request.changed");
    CHECK(changed.at("request_id") == request);
    auto routed = expect_event(board);
    CHECK(routed.at("type") == "request.changed");
    CHECK(expect_event(board).at("type") == "route.changed");

    auto trip = require_created(
        f.driver1.post("/api/v1/trips", json::object{{"vehicle_id", f.sedan_id},
                                                     {"route_id", route},
                                                     {"started_at", day + "T07:00:00+08:00"},
                                                     {"odometer_start", 6000.0}}));
    std::string opened_id;
    auto opened = expect_event(board, &opened_id);
    CHECK(opened.at("type") == "trip.opened");
    CHECK(opened.at("trip_id") == trip.id());
    CHECK(opened.at("route_id") == route);
    CHECK(opened.at("driver_id") == f.driver_id1);

    const std::string t = "/api/v1/trips/" + std::to_string(trip.id());
    REQUIRE(f.driver1
                .post(t + "/events", json::object{{"type", "pickup"},
                                                  {"request_id", request},
                                                  {"at", day + "T07:40:00+08:00"},
                                                  {"odometer", 6005.0}})
                .status == 201);
    std::string logged_id;
    auto logged = expect_event(board, &logged_id);
    CHECK(logged.at("type") == "event.logged");
    CHECK(logged.at("event") == "pickup");
    CHECK(logged.at("request_id") == request);
    CHECK(logged.at("route_id") == route);
    CHECK(std::stoull(logged_id) > std::stoull(opened_id));  // ids increase

    REQUIRE(f.driver1
                .post(t + "/events", json::object{{"type", "dropoff"},
                                                  {"request_id", request},
                                                  {"at", day + "T08:10:00+08:00"},
                                                  {"odometer", 6012.0}})
                .status == 201);
    CHECK(expect_event(board).at("event") == "dropoff");
    REQUIRE(f.driver1
                .post(t + "/finish",
                      json::object{{"ended_at", day + "T08:30:00+08:00"}, {"odometer_end", 6020.0}})
                .status == 200);
    auto finished = expect_event(board);
    CHECK(finished.at("type") == "trip.finished");
    CHECK(finished.at("status") == "finished");

    // A refused write announces nothing.
    auto refused = f.driver1.post(
        t + "/events",
        json::object{{"type", "pickup"}, {"request_id", request}, {"at", day + "T09:00:00+08:00"}});
    CHECK(refused.status >= 400);
    CHECK_FALSE(board.next(500ms));

    // A request changed by the dispatcher.
    auto other = require_created(
        f.dispatcher.post("/api/v1/requests", json::object{{"patient_id", f.walker_id},
                                                           {"direction", "home"},
                                                           {"ready_at", day + "T13:00:00+08:00"}}));
    CHECK(expect_event(board).at("request_id") == other.id());
    REQUIRE(f.dispatcher
                .patch("/api/v1/requests/" + std::to_string(other.id()),
                       json::object{{"notes", "轮椅放后备箱"}})
                .status == 200);
    auto patched = expect_event(board);
    CHECK(patched.at("type") == "request.changed");
    CHECK(patched.at("request_id") == other.id());
}

TEST_CASE("a stream resumed with Last-Event-ID gets exactly the missed events", "[api][events]") {
    SeededFleet f;
    const std::string day = shanghai_date(0);
    std::string last;
    {
        SseClient first(f.server.port(), "/api/v1/events", bearer(f.dispatcher));
        require_created(f.dispatcher.post("/api/v1/requests",
                                          json::object{{"patient_id", f.walker_id},
                                                       {"direction", "home"},
                                                       {"ready_at", day + "T13:00:00+08:00"}}));
        expect_event(first, &last);
    }  // the board drops off
    std::vector<std::int64_t> missed;
    for (const char* at : {"14:00", "15:00"})
        missed.push_back(
            require_created(
                f.dispatcher.post("/api/v1/requests",
                                  json::object{{"patient_id", f.walker_id},
                                               {"direction", "home"},
                                               {"ready_at", day + "T" + at + ":00+08:00"}}))
                .id());
    auto headers = bearer(f.dispatcher);
    headers.emplace_back("Last-Event-ID", last);
    SseClient resumed(f.server.port(), "/api/v1/events", headers);
    REQUIRE(resumed.status() == 200);
    std::string id1, id2;
    CHECK(expect_event(resumed, &id1).at("request_id") == missed[0]);
    CHECK(expect_event(resumed, &id2).at("request_id") == missed[1]);
    CHECK(std::stoull(id1) == std::stoull(last) + 1);
    CHECK(std::stoull(id2) == std::stoull(last) + 2);
    CHECK_FALSE(resumed.next(300ms));  // nothing more, nothing twice

    // An id this server never gave (from before a restart, or made up) asks for a reload.
    for (const char* bad : {"99999999999999999", "0", "yesterday"}) {
        auto h = bearer(f.dispatcher);
        h.emplace_back("Last-Event-ID", bad);
        SseClient stale(f.server.port(), "/api/v1/events", h);
        INFO("Last-Event-ID: " << bad);
        std::string reset_id;
        CHECK(expect_event(stale, &reset_id).at("type") == "reset");
        CHECK(reset_id == id2);  // resuming from the reset's id misses nothing
    }
}

TEST_CASE("streams are signed in, a driver sees only their own trips, and are bounded",
          "[api][events]") {
    SeededFleet f;
    const std::string day = shanghai_date(0);
    {
        SseClient nobody(f.server.port(), "/api/v1/events");
        CHECK(nobody.status() == 401);
        CHECK(nobody.header("Content-Type") == "application/problem+json");
        SseClient bad(f.server.port(), "/api/v1/events?access_token=nonsense");
        CHECK(bad.status() == 401);
    }
    // EventSource cannot send a header: the token may come as ?access_token=.
    SseClient own(f.server.port(), "/api/v1/events?access_token=" + f.driver1.token());
    REQUIRE(own.status() == 200);
    SseClient other(f.server.port(), "/api/v1/events", bearer(f.driver2));
    REQUIRE(other.status() == 200);

    const auto [request, route] = ride_on_sedan(f, day);
    auto routed = expect_event(own);  // the driver's route changed; the request is not theirs
    CHECK(routed.at("type") == "route.changed");
    CHECK(routed.at("route_id") == route);
    require_created(
        f.driver1.post("/api/v1/trips", json::object{{"vehicle_id", f.sedan_id},
                                                     {"route_id", route},
                                                     {"started_at", day + "T07:00:00+08:00"},
                                                     {"odometer_start", 6000.0}}));
    CHECK(expect_event(own).at("type") == "trip.opened");
    CHECK_FALSE(other.next(500ms));  // nothing of driver1's reaches driver2
    (void)request;

    // At most 4 streams per account: the 5th is 429 with Retry-After, the 4 go on.
    std::vector<std::unique_ptr<SseClient>> tabs;
    for (int i = 0; i < 4; ++i) {
        tabs.push_back(
            std::make_unique<SseClient>(f.server.port(), "/api/v1/events", bearer(f.dispatcher)));
        REQUIRE(tabs.back()->status() == 200);
    }
    SseClient fifth(f.server.port(), "/api/v1/events", bearer(f.dispatcher));
    CHECK(fifth.status() == 429);
    CHECK(fifth.header("Retry-After"));
    CHECK(fifth.header("Content-Type") == "application/problem+json");
    // A stream that closes frees its place.
    tabs.pop_back();
    bool reopened = false;
    for (int i = 0; i < 50 && !reopened; ++i) {
        SseClient again(f.server.port(), "/api/v1/events", bearer(f.dispatcher));
        reopened = again.status() == 200;
        if (!reopened)
            std::this_thread::sleep_for(20ms);
    }
    CHECK(reopened);
}

TEST_CASE("the server stops promptly with streams open", "[api][events]") {
    SeededFleet f;
    std::vector<std::unique_ptr<SseClient>> open;
    for (Api* api : {&f.dispatcher, &f.driver1, &f.admin})
        open.push_back(
            std::make_unique<SseClient>(f.server.port(), "/api/v1/events", bearer(*api)));
    const auto started = std::chrono::steady_clock::now();
    CHECK(f.server.stop() == 0);
    CHECK(std::chrono::steady_clock::now() - started < 3s);
    for (auto& s : open)
        CHECK(s->closed_within(1s));
}

TEST_CASE("the day view shows each route's progress: stops done, next stop, minutes late",
          "[api][events][dispatch]") {
    SeededFleet f;  // the server's clock: today at 10:00 in Jilin
    const std::string day = shanghai_date(0);
    const auto ride = ride_on_sedan(f, day);  // to the center by 08:30
    const std::int64_t request = ride.first;
    const std::int64_t route = ride.second;
    auto progress = [&] {
        auto view = f.dispatcher.get("/api/v1/days/" + day + "/routes");
        REQUIRE(view.status == 200);
        for (const auto& r : view.obj().at("routes").as_array())
            if (r.at("id").as_int64() == route)
                return json::value(r.at("progress"));
        FAIL("the route is not in the day view");
        return json::value();
    };
    auto p = progress().as_object();
    CHECK(p.at("done") == 0);
    CHECK(p.at("total") == 2);
    CHECK(p.at("next").at("kind") == "pickup");
    CHECK(p.at("next").at("request_id") == request);
    // The pickup was planned before 08:30 and it is 10:00: at least 90 minutes late.
    CHECK(p.at("late_min").as_int64() >= 90);

    auto trip = require_created(
        f.driver1.post("/api/v1/trips", json::object{{"vehicle_id", f.sedan_id},
                                                     {"route_id", route},
                                                     {"started_at", day + "T09:30:00+08:00"},
                                                     {"odometer_start", 6000.0}}));
    const std::string t = "/api/v1/trips/" + std::to_string(trip.id());
    REQUIRE(f.driver1
                .post(t + "/events", json::object{{"type", "pickup"},
                                                  {"request_id", request},
                                                  {"at", day + "T09:45:00+08:00"}})
                .status == 201);
    p = progress().as_object();
    CHECK(p.at("done") == 1);
    CHECK(p.at("next").at("kind") == "dropoff");
    CHECK(p.at("late_min").as_int64() >= 90);
    REQUIRE(f.driver1
                .post(t + "/events", json::object{{"type", "dropoff"},
                                                  {"request_id", request},
                                                  {"at", day + "T09:58:00+08:00"}})
                .status == 201);
    p = progress().as_object();
    CHECK(p.at("done") == 2);
    CHECK(p.at("next").is_null());
    // Nothing left to do: late by how late the last stop was logged against its plan.
    CHECK(p.at("late_min").as_int64() >= 88);
    REQUIRE(f.driver1
                .post(t + "/finish",
                      json::object{{"ended_at", day + "T09:59:00+08:00"}, {"odometer_end", 6010.0}})
                .status == 200);
    p = progress().as_object();
    CHECK(p.at("late_min") == 0);  // a finished route is not late any more
}

TEST_CASE("a period cancelled and restored reaches the board's stream, a count does not",
          "[api][events][cancel]") {
    SeededFleet f;
    const std::string day = shanghai_date(0);
    const auto [request, route] = ride_on_sedan(f, day);
    SseClient board(f.server.port(), "/api/v1/events", bearer(f.dispatcher));
    REQUIRE(board.status() == 200);

    json::object order{{"date", day}, {"reason", "weather"}, {"dry_run", true}};
    REQUIRE(f.dispatcher.post("/api/v1/cancel-batches", order).status == 200);
    CHECK_FALSE(board.next(500ms));  // a count writes and announces nothing

    order["dry_run"] = false;
    auto cancelled = f.dispatcher.post("/api/v1/cancel-batches", order);
    INFO(cancelled.text);
    REQUIRE(cancelled.status == 201);
    auto changed = expect_event(board);
    CHECK(changed.at("type") == "request.changed");
    CHECK(changed.at("request_id") == request);
    CHECK(changed.at("status") == "cancelled");

    const auto batch = cancelled.obj().at("batch").at("id").as_int64();
    REQUIRE(
        f.dispatcher
            .post("/api/v1/cancel-batches/" + std::to_string(batch) + "/restore", json::object{})
            .status == 200);
    auto restored = expect_event(board);
    CHECK(restored.at("type") == "request.changed");
    CHECK(restored.at("request_id") == request);
    CHECK(restored.at("status") != "cancelled");
}
