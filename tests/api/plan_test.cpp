// Plans that respect the dispatcher: schedules make their requests at once, hand
// assignments are pinned through re-planning, absences take their stops off the routes,
// planning today keeps a lead time, and overdue rides are flagged. The server's clock is
// the rehearsal's: Monday 2026-11-30 10:00 in Jilin.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "fixture.h"

using namespace lifeline::test;

namespace {

const std::string v1 = "/api/v1";

std::string str(std::int64_t id) {
    return std::to_string(id);
}

json::array items(Api& api, const std::string& query) {
    auto r = api.get(v1 + "/requests?limit=500&" + query);
    INFO(r.text);
    REQUIRE(r.status == 200);
    return r.obj().at("items").as_array();
}

std::int64_t request_of(Api& api, const std::string& date, std::int64_t patient,
                        const std::string& direction) {
    for (const auto& v : items(api, "date=" + date))
        if (v.at("patient_id").as_int64() == patient && v.at("direction").as_string() == direction)
            return v.at("id").as_int64();
    FAIL("no " << direction << " request of patient " << patient << " on " << date);
    return 0;
}

json::object get_request(Api& api, std::int64_t id) {
    auto r = api.get(v1 + "/requests/" + str(id));
    REQUIRE(r.status == 200);
    return r.obj();
}

// The vehicle whose route of `date` has the request, or 0.
std::int64_t vehicle_of(Api& api, const std::string& date, std::int64_t request) {
    auto r = api.get(v1 + "/days/" + date + "/routes");
    REQUIRE(r.status == 200);
    for (const auto& route : r.obj().at("routes").as_array())
        for (const auto& s : route.at("stops").as_array())
            if (s.at("request_id").as_int64() == request)
                return route.at("vehicle_id").as_int64();
    return 0;
}

ApiResult plan(Api& api, const std::string& date) {
    auto r = api.post(v1 + "/days/" + date + "/plan", json::object{{"time_limit_ms", 300}});
    INFO(r.text);
    REQUIRE(r.status == 200);
    CHECK(r.obj().at("stats").at("checked") == true);
    return r;
}

const json::object* unassigned(const ApiResult& plan, std::int64_t request) {
    for (const auto& u : plan.obj().at("unassigned").as_array())
        if (u.at("request_id").as_int64() == request)
            return &u.as_object();
    return nullptr;
}

bool names_field(const ApiResult& r, const std::string& field) {
    return r.text.find("\"field\":\"" + field + "\"") != std::string::npos;
}

json::object schedule(std::initializer_list<int> days, const char* at, int minutes) {
    json::array weekdays;
    for (int d : days)
        weekdays.push_back(d);
    return json::object{
        {"weekdays", std::move(weekdays)}, {"appointment", at}, {"duration_minutes", minutes}};
}

}  // namespace

TEST_CASE("a new or edited schedule makes its requests at once, today from now on",
          "[api][plan][schedule]") {
    SeededFleet f;
    const std::string today = shanghai_date(0);  // Monday 2026-11-30, 10:00 now
    auto p = f.dispatcher.post(v1 + "/patients",
                               json::object{{"name", "赵桂兰"},
                                            {"phone", "15843219999"},
                                            {"address", "龙潭区"},
                                            {"lat", 43.9},
                                            {"lon", 126.56},
                                            {"center_id", f.center_id},
                                            {"schedule", schedule({1, 3, 5}, "13:00", 120)}});
    INFO(p.text);
    REQUIRE(p.status == 201);
    // Today 13:00 (still ahead), Wednesday, Friday and next Monday: 4 sessions, 2 rides each.
    CHECK(p.obj().at("requests").at("created").as_int64() == 8);
    CHECK(p.obj().at("requests").at("past").as_int64() == 0);
    const auto patient = p.id();
    auto mine = items(f.dispatcher, "patient_id=" + str(patient));
    CHECK(mine.size() == 8);
    std::set<std::string> dates;
    for (const auto& r : mine)
        dates.insert(std::string(r.at("service_date").as_string()));
    CHECK(dates ==
          std::set<std::string>{today, shanghai_date(2), shanghai_date(4), shanghai_date(7)});

    // The seeded patients' 07:30 session of today had passed when they were made.
    CHECK(items(f.dispatcher, "patient_id=" + str(f.walker_id) + "&date=" + today).empty());
    CHECK(items(f.dispatcher, "patient_id=" + str(f.walker_id)).size() == 6);

    // One ride assigned by hand; then the schedule moves to Tuesday and Thursday.
    const auto wednesday = request_of(f.dispatcher, shanghai_date(2), patient, "to_center");
    REQUIRE(f.dispatcher
                .post(v1 + "/requests/" + str(wednesday) + "/assign",
                      json::object{{"vehicle_id", f.sedan_id}})
                .status == 200);
    auto edit = f.dispatcher.patch(v1 + "/patients/" + str(patient),
                                   json::object{{"schedule", schedule({2, 4}, "13:00", 120)}});
    INFO(edit.text);
    REQUIRE(edit.status == 200);
    const auto& did = edit.obj().at("requests");
    CHECK(did.at("created").as_int64() == 4);  // Tuesday and Thursday
    CHECK(did.at("removed").as_int64() == 7);  // every unassigned one of Mon/Wed/Fri
    CHECK(did.at("kept_assigned") == json::array{wednesday});
    CHECK(get_request(f.dispatcher, wednesday).at("status") == "scheduled");
    CHECK(items(f.dispatcher, "patient_id=" + str(patient)).size() == 5);

    // Generating a range again makes nothing twice.
    const json::object week{{"from", shanghai_date(1)}, {"to", shanghai_date(7)}};
    auto again = f.dispatcher.post(v1 + "/schedule/generate", week);
    INFO(again.text);
    REQUIRE(again.status == 200);
    CHECK(again.obj().at("created").as_int64() == 0);
}

TEST_CASE("generating a bad range is refused naming the date, and writes nothing",
          "[api][plan][schedule]") {
    SeededFleet f;
    const auto before = items(f.dispatcher, "").size();
    auto backwards = f.dispatcher.post(v1 + "/schedule/generate",
                                       json::object{{"from", "2027-01-10"}, {"to", "2027-01-03"}});
    CHECK(backwards.status == 422);
    CHECK(names_field(backwards, "to"));
    auto too_long = f.dispatcher.post(v1 + "/schedule/generate",
                                      json::object{{"from", "2027-01-01"}, {"to", "2028-06-01"}});
    CHECK(too_long.status == 422);
    CHECK(names_field(too_long, "to"));
    auto no_from = f.dispatcher.post(v1 + "/schedule/generate", json::object{{"to", "2027-01-03"}});
    CHECK(no_from.status == 400);
    CHECK(names_field(no_from, "from"));
    CHECK(items(f.dispatcher, "").size() == before);
    CHECK(f.driver1
              .post(v1 + "/schedule/generate",
                    json::object{{"from", "2027-01-03"}, {"to", "2027-01-03"}})
              .status == 403);
}

TEST_CASE("a hand assignment is pinned: planning keeps it on its vehicle until unpinned",
          "[api][plan][pin]") {
    SeededFleet f;
    const std::string day = shanghai_date(2);  // Wednesday: both patients ride, 07:30
    REQUIRE(
        f.dispatcher
            .patch(v1 + "/drivers/" + str(f.driver_id2), json::object{{"wheelchair_trained", true}})
            .status == 200);
    // Both patients live at the same address: unpinned, one vehicle (the van) takes both.
    const auto walker = request_of(f.dispatcher, day, f.walker_id, "to_center");
    auto assigned = f.dispatcher.post(v1 + "/requests/" + str(walker) + "/assign",
                                      json::object{{"vehicle_id", f.sedan_id}});
    INFO(assigned.text);
    REQUIRE(assigned.status == 200);
    CHECK(assigned.obj().at("request").at("pinned") == true);
    CHECK(assigned.obj().at("request").at("pinned_vehicle_id").as_int64() == f.sedan_id);

    for (int round = 0; round < 2; ++round) {
        auto p = plan(f.dispatcher, day);
        CHECK(p.obj().at("stats").at("pinned").as_int64() == 1);
        CHECK(unassigned(p, walker) == nullptr);
        CHECK(vehicle_of(f.dispatcher, day, walker) == f.sedan_id);
        CHECK(get_request(f.dispatcher, walker).at("status") == "scheduled");
        CHECK(get_request(f.dispatcher, walker).at("pinned") == true);
    }

    // Unpinned, it stays where it is until the next plan, which may move it.
    auto unpinned = f.dispatcher.post(v1 + "/requests/" + str(walker) + "/unpin", json::object{});
    INFO(unpinned.text);
    REQUIRE(unpinned.status == 200);
    CHECK(unpinned.obj().at("pinned") == false);
    CHECK(vehicle_of(f.dispatcher, day, walker) == f.sedan_id);
    auto p = plan(f.dispatcher, day);
    CHECK(p.obj().at("stats").at("pinned").as_int64() == 0);
    CHECK(vehicle_of(f.dispatcher, day, walker) == f.van_id);

    // Unpinning what is not pinned is refused, naming `pinned`, and changes nothing.
    const auto before = get_request(f.dispatcher, walker);
    auto twice = f.dispatcher.post(v1 + "/requests/" + str(walker) + "/unpin", json::object{});
    CHECK(twice.status == 409);
    CHECK(names_field(twice, "pinned"));
    CHECK(get_request(f.dispatcher, walker) == before);
    CHECK(f.dispatcher.post(v1 + "/requests/999999/unpin", json::object{}).status == 404);
}

TEST_CASE("a pin the plan cannot honour is listed with its reason, never moved",
          "[api][plan][pin]") {
    SeededFleet f;
    const std::string day = shanghai_date(2);
    const auto walker = request_of(f.dispatcher, day, f.walker_id, "to_center");
    REQUIRE(f.dispatcher
                .post(v1 + "/requests/" + str(walker) + "/assign",
                      json::object{{"vehicle_id", f.sedan_id}})
                .status == 200);
    // The sedan's driver no longer works on Wednesdays.
    json::array shifts;
    for (int weekday : {1, 2, 4, 5, 6, 7})
        shifts.push_back(json::object{{"weekday", weekday}, {"start", "06:00"}, {"end", "14:00"}});
    REQUIRE(
        f.dispatcher.patch(v1 + "/drivers/" + str(f.driver_id1), json::object{{"shifts", shifts}})
            .status == 200);
    auto p = plan(f.dispatcher, day);
    const json::object* u = unassigned(p, walker);
    REQUIRE(u);
    CHECK(u->at("code") == "pin_not_honoured");
    CHECK(std::string(u->at("reason").as_string()).find("pinned to vehicle") != std::string::npos);
    CHECK(vehicle_of(f.dispatcher, day, walker) == 0);
    const auto r = get_request(f.dispatcher, walker);
    CHECK(r.at("status") == "unserved");
    CHECK(r.at("pinned") == true);
}

TEST_CASE("absences are edited and removed — one over planned stops takes them off the route",
          "[api][plan][absence]") {
    SeededFleet f;
    const std::string day = shanghai_date(2);
    const std::string driver = v1 + "/drivers/" + str(f.driver_id1);
    const auto walker = request_of(f.dispatcher, day, f.walker_id, "to_center");
    REQUIRE(f.dispatcher
                .post(v1 + "/requests/" + str(walker) + "/assign",
                      json::object{{"vehicle_id", f.sedan_id}})
                .status == 200);
    REQUIRE(vehicle_of(f.dispatcher, day, walker) == f.sedan_id);

    auto added = f.dispatcher.post(driver + "/absences", json::object{{"from", day}, {"to", day}});
    INFO(added.text);
    REQUIRE(added.status == 201);
    const auto absence = added.obj().at("absence").at("id").as_int64();
    const auto& off = added.obj().at("unassigned").as_array();
    REQUIRE(off.size() == 1);
    CHECK(off[0].at("request_id").as_int64() == walker);
    CHECK(off[0].at("code") == "driver_absent");
    const auto r = get_request(f.dispatcher, walker);
    CHECK(r.at("status") == "unserved");
    CHECK(std::string(r.at("unserved_reason").as_string()).find("driver absent " + day) == 0);
    CHECK(r.at("pinned") == false);
    CHECK(vehicle_of(f.dispatcher, day, walker) == 0);

    // Refusals name the field and change nothing.
    const std::string path = driver + "/absences/" + str(absence);
    const auto absences_now = [&] { return f.dispatcher.get(driver).obj().at("absences"); };
    const auto kept = absences_now();
    auto backwards = f.dispatcher.patch(path, json::object{{"from", shanghai_date(5)}});
    CHECK(backwards.status == 400);
    CHECK(names_field(backwards, "to"));
    auto bad_date = f.dispatcher.patch(path, json::object{{"to", "2026-13-01"}});
    CHECK(bad_date.status == 400);
    CHECK(names_field(bad_date, "to"));
    CHECK(f.dispatcher.patch(driver + "/absences/999999", json::object{{"to", day}}).status == 404);
    CHECK(f.dispatcher
              .patch(v1 + "/drivers/" + str(f.driver_id2) + "/absences/" + str(absence),
                     json::object{{"to", day}})
              .status == 404);
    CHECK(absences_now() == kept);

    // Changed: a longer absence; removed: none left.
    auto longer = f.dispatcher.patch(path, json::object{{"to", shanghai_date(4)}});
    INFO(longer.text);
    REQUIRE(longer.status == 200);
    CHECK(longer.obj().at("absence").at("to").as_string() == shanghai_date(4));
    CHECK(absences_now().as_array()[0].at("to").as_string() == shanghai_date(4));
    auto removed = f.dispatcher.send("DELETE", path, "");
    INFO(removed.text);
    REQUIRE(removed.status == 200);
    CHECK(absences_now().as_array().empty());
    CHECK(f.dispatcher.send("DELETE", path, "").status == 404);
    CHECK(f.driver1.send("DELETE", path, "").status == 403);
}

TEST_CASE("planning today leaves out pickups within the lead time and flags overdue rides",
          "[api][plan][lead]") {
    SeededFleet f;
    const std::string today = shanghai_date(0);  // now: 10:00
    auto ride = [&](const char* key, const std::string& time, const char* direction) {
        return require_created(
                   f.dispatcher.post(v1 + "/requests",
                                     json::object{{"patient_id", f.walker_id},
                                                  {"direction", direction},
                                                  {key, today + "T" + time + ":00+08:00"}}))
            .id();
    };
    const auto soon = ride("arrive_by", "10:40", "to_center");  // picked up before 10:30
    const auto arrive_soon = ride("arrive_by", "10:20", "to_center");
    const auto past = ride("ready_at", "09:00", "home");  // already late
    const auto later = ride("ready_at", "11:30", "home");
    const auto tolerant = ride("ready_at", "10:10", "home");  // plannable

    auto p = plan(f.dispatcher, today);
    for (auto id : {soon, arrive_soon, past}) {
        const json::object* u = unassigned(p, id);
        REQUIRE(u);
        CHECK(u->at("code") == "too_soon");
        CHECK(std::string(u->at("reason").as_string()).find("too soon to plan") == 0);
    }
    CHECK(p.obj().at("stats").at("too_soon").as_int64() == 3);
    CHECK(unassigned(p, later) == nullptr);
    // Ready at 10:10, it may still be picked up from 10:30 within the 30 min tolerance.
    CHECK(unassigned(p, tolerant) == nullptr);
    CHECK(get_request(f.dispatcher, later).at("status") == "scheduled");
    // No route leaves before now.
    for (const auto& route : p.obj().at("routes").as_array())
        CHECK(route.at("starts_at").as_string() >= before_rehearsal(std::chrono::minutes{0}));

    // Overdue: past its time and not picked up, on a route (its pickup's ETA passed) or not.
    const auto assigned_late = ride("ready_at", "09:30", "home");
    auto a = f.dispatcher.post(v1 + "/requests/" + str(assigned_late) + "/assign", json::object{});
    INFO(a.text);
    REQUIRE(a.status == 200);
    auto day = f.dispatcher.get(v1 + "/days/" + today + "/routes");
    REQUIRE(day.status == 200);
    std::set<std::int64_t> overdue;
    for (const auto& id : day.obj().at("overdue").as_array())
        overdue.insert(id.as_int64());
    CHECK(overdue.count(past) == 1);
    CHECK(overdue.count(assigned_late) == 1);
    CHECK(overdue.count(later) == 0);
    for (const auto& route : day.obj().at("routes").as_array())
        for (const auto& s : route.at("stops").as_array())
            if (s.at("request_id").as_int64() == assigned_late && s.at("kind") == "pickup")
                CHECK(s.at("overdue") == true);
            else if (s.at("request_id").as_int64() == later)
                CHECK(s.at("overdue") == false);
}

TEST_CASE("the planning lead time is a setting, validated", "[api][plan][lead]") {
    SeededFleet f;
    CHECK(f.admin.get(v1 + "/settings").obj().at("matcher").at("plan_lead_minutes") == 30);
    for (int bad : {-1, 721}) {
        auto r =
            f.admin.put(v1 + "/settings", json::object{{"matcher", {{"plan_lead_minutes", bad}}}});
        CHECK(r.status == 400);
        CHECK(names_field(r, "matcher.plan_lead_minutes"));
    }
    CHECK(f.admin.get(v1 + "/settings").obj().at("matcher").at("plan_lead_minutes") == 30);
    auto ok = f.admin.put(v1 + "/settings", json::object{{"matcher", {{"plan_lead_minutes", 0}}}});
    REQUIRE(ok.status == 200);
    CHECK(ok.obj().at("matcher").at("plan_lead_minutes") == 0);
}
