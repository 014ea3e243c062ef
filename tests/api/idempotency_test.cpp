// Idempotency-Key on every POST (docs/design.md §4): a retry with the same key and body gets the
// first answer byte for byte and writes nothing; another body with the key is 422; keys
// belong to one account; refused requests leave no trace; concurrent retries write once.
#include <catch2/catch.hpp>

#include <ctime>
#include <functional>
#include <latch>
#include <thread>

#include "fixture.h"

using namespace lifeline::test;

namespace {

const std::string v1 = "/api/v1";

using Headers = std::vector<std::pair<std::string, std::string>>;

Headers key(const std::string& k) {
    return {{"Idempotency-Key", k}};
}

std::string ago(std::chrono::minutes ago) {
    return before_rehearsal(ago);
}

std::size_t count(Api& api, const std::string& collection) {
    auto r = api.get(v1 + "/" + collection + "?limit=500");
    INFO(r.text);
    REQUIRE(r.status == 200);
    REQUIRE(r.obj().at("next_cursor").is_null());
    return r.obj().at("items").as_array().size();
}

bool replayed(const ApiResult& r) {
    return r.raw.header("Idempotent-Replayed") == std::optional<std::string>("true");
}

void require_key_reused(const ApiResult& r) {
    INFO(r.text);
    REQUIRE(r.status == 422);
    CHECK(r.raw.header("Content-Type").value_or("") == "application/problem+json");
    CHECK(names(r, "Idempotency-Key"));
    CHECK(!replayed(r));
}

// Sends the request twice with `k`; REQUIREs the second to be the first, replayed.
ApiResult send_twice(Api& api, const std::string& target, const json::value& body,
                     const std::string& k, int status) {
    auto first = api.post(target, body, key(k));
    INFO("first: " << first.text);
    REQUIRE(first.status == status);
    CHECK(!replayed(first));
    auto second = api.post(target, body, key(k));
    INFO("second: " << second.text);
    CHECK(second.status == first.status);
    CHECK(second.text == first.text);
    CHECK(replayed(second));
    CHECK(second.raw.header("Content-Type") == first.raw.header("Content-Type"));
    CHECK(second.raw.header("Location") == first.raw.header("Location"));
    return first;
}

struct Answer {
    int status = 0;
    std::string text;
    bool replayed = false;
    std::string error;
};

// `n` clients, each on its own connection, send the same request at the same moment.
std::vector<Answer> burst(const LiveServer& server, const std::string& token, int n,
                          const std::string& target, const json::value& body,
                          const std::string& k) {
    std::vector<Answer> answers(static_cast<std::size_t>(n));
    std::vector<std::unique_ptr<Api>> clients;
    for (int i = 0; i < n; ++i)
        clients.push_back(std::make_unique<Api>(server, token));
    std::latch go(n);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i)
        threads.emplace_back([&, i] {
            go.arrive_and_wait();
            try {
                auto r = clients[std::size_t(i)]->post(target, body, key(k));
                answers[std::size_t(i)] = {r.status, r.text, replayed(r), ""};
            } catch (const std::exception& e) {
                answers[std::size_t(i)].error = e.what();
            }
        });
    for (auto& t : threads)
        t.join();
    return answers;
}

void require_one_answer(const std::vector<Answer>& answers, int status) {
    int fresh = 0;
    for (std::size_t i = 0; i < answers.size(); ++i) {
        INFO("client " << i << ": " << answers[i].error << answers[i].text);
        CHECK(answers[i].error.empty());
        CHECK(answers[i].status == status);
        CHECK(answers[i].text == answers.front().text);
        fresh += answers[i].replayed ? 0 : 1;
    }
    CHECK(fresh == 1);  // one request did the work; the rest got its answer
}

}  // namespace

TEST_CASE("every POST replays its first answer for the same key and body", "[api][idempotency]") {
    SeededFleet f;
    const std::string absences = v1 + "/drivers/" + std::to_string(f.driver_id2) + "/absences";
    auto absence_count = [&]() -> std::size_t {
        auto r = f.dispatcher.get(v1 + "/drivers/" + std::to_string(f.driver_id2));
        REQUIRE(r.status == 200);
        return r.obj().at("absences").as_array().size();
    };
    auto counter = [](Api& api, const char* collection) {
        return [&api, collection] { return count(api, collection); };
    };
    auto trip = f.trip(f.sedan_id, 1000, 1040, f.walker_id);
    auto other_trip = f.trip(f.sedan_id, 1000, 1041, f.walker_id);

    struct Row {
        std::string what;
        Api* api;
        std::string target;
        json::value body, other_body;
        int status;
        std::function<std::size_t()> written;
    };
    const std::vector<Row> rows{
        {"a place", &f.dispatcher, v1 + "/places",
         json::object{{"name", "吉林医药学院附属医院"}, {"lat", 43.87}, {"lon", 126.56}},
         json::object{{"name", "吉林医药学院附属医院"}, {"lat", 43.87}, {"lon", 126.57}}, 201,
         counter(f.dispatcher, "places")},
        {"a driver", &f.dispatcher, v1 + "/drivers",
         json::object{{"name", "马国庆"}, {"home", {{"lat", 43.8}, {"lon", 126.5}}}},
         json::object{{"name", "马国强"}, {"home", {{"lat", 43.8}, {"lon", 126.5}}}}, 201,
         counter(f.dispatcher, "drivers")},
        {"an absence", &f.dispatcher, absences,
         json::object{{"from", "2022-06-01"}, {"to", "2022-06-07"}},
         json::object{{"from", "2022-06-01"}, {"to", "2022-06-08"}}, 201, absence_count},
        {"a vehicle", &f.dispatcher, v1 + "/vehicles",
         json::object{{"plate", "吉B·K1234"}, {"seats", 4}},
         json::object{{"plate", "吉B·K1235"}, {"seats", 4}}, 201,
         counter(f.dispatcher, "vehicles")},
        {"a patient", &f.dispatcher, v1 + "/patients",
         json::object{{"name", "冯桂芝"}, {"lat", 43.85}, {"lon", 126.52}},
         json::object{{"name", "冯桂芝"}, {"lat", 43.85}, {"lon", 126.53}}, 201,
         counter(f.dispatcher, "patients")},
        {"an account", &f.admin, v1 + "/users",
         json::object{
             {"username", "night-shift"}, {"password", user_password}, {"role", "dispatcher"}},
         json::object{{"username", "night-shift"}, {"password", user_password}, {"role", "admin"}},
         201, counter(f.admin, "users")},
        {"a whole trip", &f.driver1, v1 + "/trips", trip, other_trip, 201,
         counter(f.dispatcher, "trips")},
    };

    for (const Row& row : rows) {
        INFO("POST " << row.target << ": " << row.what);
        const auto before = row.written();
        const std::string k = "retry-" + row.what;
        auto first = send_twice(*row.api, row.target, row.body, k, row.status);
        CHECK(row.written() == before + 1);
        // The same key with another body is refused and writes nothing.
        require_key_reused(row.api->post(row.target, row.other_body, key(k)));
        CHECK(row.written() == before + 1);
        // …and the key still answers the first request.
        auto third = row.api->post(row.target, row.body, key(k));
        CHECK(third.text == first.text);
        CHECK(replayed(third));
    }

    // A key is also bound to its path: the same key and body elsewhere is refused.
    require_key_reused(f.dispatcher.post(
        v1 + "/patients",
        json::object{{"name", "吉林医药学院附属医院"}, {"lat", 43.87}, {"lon", 126.56}},
        key("retry-a place")));

    // Sign-in never stores its answer: it holds a token.
    Api anonymous(f.server);
    const json::object login{{"username", "driver2"}, {"password", user_password}};
    auto t1 = anonymous.post(v1 + "/auth/login", login, key("sign-in"));
    auto t2 = anonymous.post(v1 + "/auth/login", login, key("sign-in"));
    REQUIRE(t1.status == 200);
    REQUIRE(t2.status == 200);
    CHECK(!replayed(t2));
    CHECK(t1.obj().at("token") != t2.obj().at("token"));
}

TEST_CASE("a trip's events and finish replay without a second ride", "[api][idempotency]") {
    SeededFleet f;
    f.put_on_route(f.sedan_id, f.walker_id, today_in_shanghai());
    auto open = send_twice(f.driver1, v1 + "/trips",
                           json::object{{"vehicle_id", f.sedan_id},
                                        {"started_at", ago(std::chrono::minutes{90})},
                                        {"odometer_start", 1000.0}},
                           "open", 201);
    CHECK(count(f.dispatcher, "trips") == 1);
    const std::string trip = v1 + "/trips/" + std::to_string(open.id());

    const json::object pickup{{"type", "pickup"},
                              {"patient_id", f.walker_id},
                              {"at", ago(std::chrono::minutes{80})},
                              {"odometer", 1006.0}};
    auto picked = send_twice(f.driver1, trip + "/events", pickup, "pickup", 201);
    CHECK(picked.obj().at("rides").as_array().size() == 1);
    // Without its key, the retried pickup is a second pickup, and refused.
    CHECK(f.driver1.post(trip + "/events", pickup).status == 409);
    // A no-show is not a pickup: the key refuses it.
    auto no_show = pickup;
    no_show["type"] = "no_show";
    require_key_reused(f.driver1.post(trip + "/events", no_show, key("pickup")));

    auto dropped = send_twice(f.driver1, trip + "/events",
                              json::object{{"type", "dropoff"},
                                           {"patient_id", f.walker_id},
                                           {"at", ago(std::chrono::minutes{60})},
                                           {"odometer", 1019.0}},
                              "dropoff", 201);
    // The pickup's key still answers the pickup, as it was then.
    auto late = f.driver1.post(trip + "/events", pickup, key("pickup"));
    CHECK(late.text == picked.text);
    CHECK(replayed(late));

    const json::object finish{{"ended_at", ago(std::chrono::minutes{50})},
                              {"odometer_end", 1025.0}};
    auto finished = send_twice(f.driver1, trip + "/finish", finish, "finish", 200);
    CHECK(finished.obj().at("status") == "finished");
    auto other = finish;
    other["odometer_end"] = 1026.0;
    require_key_reused(f.driver1.post(trip + "/finish", other, key("finish")));

    auto now = f.dispatcher.get(trip);
    REQUIRE(now.status == 200);
    const auto& rides = now.obj().at("rides").as_array();
    REQUIRE(rides.size() == 1);
    CHECK(rides[0].at("outcome") == "completed");
    CHECK(now.obj().at("odometer_end").to_number<double>() == Approx(1025.0));
    CHECK(count(f.dispatcher, "trips") == 1);
    CHECK(dropped.obj().at("rides").as_array()[0].at("outcome") == "completed");
}

TEST_CASE("keys belong to one account", "[api][idempotency]") {
    SeededFleet f;
    auto mine = f.driver1.post(v1 + "/trips", f.trip(f.sedan_id, 1000, 1030, f.walker_id),
                               key("monday-morning"));
    auto theirs = f.driver2.post(v1 + "/trips", f.trip(f.van_id, 5000, 5020, f.wheelchair_id),
                                 key("monday-morning"));
    INFO(mine.text << "\n" << theirs.text);
    REQUIRE(mine.status == 201);
    REQUIRE(theirs.status == 201);
    CHECK(!replayed(theirs));
    CHECK(mine.id() != theirs.id());
    CHECK(theirs.obj().at("driver_id").as_int64() == f.driver_id2);
    CHECK(count(f.dispatcher, "trips") == 2);

    // Each replays their own.
    auto again = f.driver2.post(v1 + "/trips", f.trip(f.van_id, 5000, 5020, f.wheelchair_id),
                                key("monday-morning"));
    CHECK(again.text == theirs.text);
    CHECK(replayed(again));
    // The same key and the same body from another account is that account's own request.
    auto place = json::object{{"name", "北华大学附属医院"}, {"lat", 43.83}, {"lon", 126.6}};
    auto p1 = f.dispatcher.post(v1 + "/places", place, key("monday-morning"));
    auto p2 = f.admin.post(v1 + "/places", place, key("monday-morning"));
    REQUIRE(p1.status == 201);
    REQUIRE(p2.status == 201);
    CHECK(p1.id() != p2.id());
    CHECK(!replayed(p2));
    CHECK(count(f.dispatcher, "trips") == 2);
}

TEST_CASE("a refused request leaves its key unused and writes nothing", "[api][idempotency]") {
    SeededFleet f;
    auto trip = f.trip(f.sedan_id, 1000, 1040, f.walker_id);

    // Bad input (400), then a corrected retry with a new key.
    auto bad = trip;
    bad["odometer_end"] = 990.0;
    auto r = f.driver1.post(v1 + "/trips", bad, key("attempt-1"));
    CHECK(r.status == 400);
    CHECK(!replayed(r));
    CHECK(count(f.dispatcher, "trips") == 0);
    auto again = f.driver1.post(v1 + "/trips", bad, key("attempt-1"));
    CHECK(again.status == 400);
    CHECK(count(f.dispatcher, "trips") == 0);
    send_twice(f.driver1, v1 + "/trips", trip, "attempt-2", 201);
    CHECK(count(f.dispatcher, "trips") == 1);

    // A rule the database checks (422), then a corrected retry with a new key.
    auto next = f.trip(f.sedan_id, 1040, 1070, f.walker_id, "2022-03-15");
    auto below = next;
    below["odometer_start"] = 900.0;  // below the sedan's 1040 km
    r = f.driver1.post(v1 + "/trips", below, key("attempt-3"));
    INFO(r.text);
    CHECK(r.status == 422);
    CHECK(count(f.dispatcher, "trips") == 1);
    send_twice(f.driver1, v1 + "/trips", next, "attempt-4", 201);
    CHECK(count(f.dispatcher, "trips") == 2);

    // A conflict (409) on a fleet record, then a corrected retry with a new key.
    const auto vehicles = count(f.dispatcher, "vehicles");
    json::object van{{"plate", "吉b·v0002"}, {"seats", 3}};
    r = f.dispatcher.post(v1 + "/vehicles", van, key("van-1"));
    CHECK(r.status == 409);
    CHECK(count(f.dispatcher, "vehicles") == vehicles);
    van["plate"] = "吉B·V0003";
    send_twice(f.dispatcher, v1 + "/vehicles", van, "van-2", 201);
    CHECK(count(f.dispatcher, "vehicles") == vehicles + 1);

    const auto places = count(f.dispatcher, "places");
    r = f.dispatcher.post(v1 + "/places", json::object{{"name", "x"}, {"lat", 91}, {"lon", 0}},
                          key("place-1"));
    CHECK(r.status == 400);
    CHECK(count(f.dispatcher, "places") == places);

    // A key that is empty or too long is itself bad input.
    auto trip3 = f.trip(f.sedan_id, 1070, 1090, f.walker_id, "2022-03-16");
    auto empty = f.driver1.post(v1 + "/trips", trip3, key(""));
    auto huge = f.driver1.post(v1 + "/trips", trip3, key(std::string(201, 'k')));
    CHECK(empty.status == 400);
    CHECK(names(empty, "Idempotency-Key"));
    CHECK(huge.status == 400);
    CHECK(names(huge, "Idempotency-Key"));
    CHECK(count(f.dispatcher, "trips") == 2);
}

TEST_CASE("concurrent retries with one key write once", "[api][idempotency][concurrency]") {
    SeededFleet f;
    auto trips = burst(f.server, f.driver1.token(), 8, v1 + "/trips",
                       f.trip(f.sedan_id, 1000, 1040, f.walker_id), "burst");
    require_one_answer(trips, 201);
    CHECK(count(f.dispatcher, "trips") == 1);

    f.put_on_route(f.van_id, f.wheelchair_id, today_in_shanghai());
    auto open =
        f.driver2.post(v1 + "/trips", json::object{{"vehicle_id", f.van_id},
                                                   {"started_at", ago(std::chrono::minutes{30})},
                                                   {"odometer_start", 5000.0}});
    REQUIRE(open.status == 201);
    const std::string trip = v1 + "/trips/" + std::to_string(open.id());
    auto pickups = burst(f.server, f.driver2.token(), 8, trip + "/events",
                         json::object{{"type", "pickup"},
                                      {"patient_id", f.wheelchair_id},
                                      {"at", ago(std::chrono::minutes{20})}},
                         "pickup-burst");
    require_one_answer(pickups, 201);
    auto now = f.dispatcher.get(trip);
    REQUIRE(now.status == 200);
    CHECK(now.obj().at("rides").as_array().size() == 1);

    auto places_before = count(f.dispatcher, "places");
    auto places =
        burst(f.server, f.dispatcher.token(), 8, v1 + "/places",
              json::object{{"name", "丰满区医院"}, {"lat", 43.78}, {"lon", 126.58}}, "place-burst");
    require_one_answer(places, 201);
    CHECK(count(f.dispatcher, "places") == places_before + 1);
}

namespace {

std::int64_t commits(LiveServer& server) {
    auto r = Api(server).get("/metrics");
    REQUIRE(r.status == 200);
    const std::string name = "lifeline_db_commit_batch_size_count ";
    auto at = r.text.find(name);
    REQUIRE(at != std::string::npos);
    return std::stoll(r.text.substr(at + name.size()));
}

}  // namespace

TEST_CASE("a keyed write, its key and its answer are one commit",
          "[api][idempotency][one-commit]") {
    SeededFleet f;
    auto trip = f.trip(f.sedan_id, 1000, 1040, f.walker_id);
    const auto before = commits(f.server);
    auto first = f.driver1.post(v1 + "/trips", trip, key("one-commit"));
    INFO(first.text);
    REQUIRE(first.status == 201);
    CHECK(commits(f.server) == before + 1);
    // The replay writes nothing.
    auto again = f.driver1.post(v1 + "/trips", trip, key("one-commit"));
    CHECK(again.text == first.text);
    CHECK(commits(f.server) == before + 1);
    // A refusal leaves no key behind: the corrected retry with the same key is applied.
    auto bad = f.trip(f.sedan_id, 1040, 1030, f.walker_id, "2022-03-15");
    CHECK(f.driver1.post(v1 + "/trips", bad, key("fix-me")).status == 400);
    auto fixed = f.trip(f.sedan_id, 1040, 1070, f.walker_id, "2022-03-15");
    auto applied = f.driver1.post(v1 + "/trips", fixed, key("fix-me-2"));
    CHECK(applied.status == 201);
}
