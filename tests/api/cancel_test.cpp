// Cancelling and restoring over HTTP: a session's two legs cancelled together, a snow day
// cancelled at once with its count and restored, cancelled requests read-only until
// restored, patients' suspensions (hospital stays), and the holidays' list and removal.
// Every refusal is problem+json naming the field, and writes nothing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "fixture.h"

using namespace lifeline::test;

namespace {

// Wednesday, two days after the rehearsal's Monday: both patients have a session.
const std::string wednesday = shanghai_date(2);
const std::string friday = shanghai_date(4);

json::array day(Api& api, const std::string& date) {
    auto r = api.get("/api/v1/requests?limit=500&date=" + date);
    INFO(r.text);
    REQUIRE(r.status == 200);
    return r.obj().at("items").as_array();
}

json::object leg(Api& api, const std::string& date, std::int64_t patient, const char* direction) {
    for (const auto& v : day(api, date))
        if (v.at("patient_id").as_int64() == patient && v.at("direction").as_string() == direction)
            return v.as_object();
    FAIL("no " << direction << " request of patient " << patient << " on " << date);
    throw 0;
}

json::object request(Api& api, std::int64_t id) {
    auto r = api.get("/api/v1/requests/" + std::to_string(id));
    INFO(r.text);
    REQUIRE(r.status == 200);
    return r.obj();
}

std::string status_of(Api& api, std::int64_t id) {
    return std::string(request(api, id).at("status").as_string());
}

bool names_field(const ApiResult& r, const std::string& field, const std::string& words = "") {
    if (!r.body.is_object() || !r.obj().contains("errors"))
        return false;
    for (const auto& e : r.obj().at("errors").as_array())
        if (e.at("field").as_string() == field &&
            std::string(e.at("message").as_string()).find(words) != std::string::npos)
            return true;
    return false;
}

std::string path(std::int64_t id, const char* tail = "") {
    return "/api/v1/requests/" + std::to_string(id) + tail;
}

std::int64_t count_status(Api& api, const std::string& date, const char* status) {
    auto items = day(api, date);
    return std::count_if(items.begin(), items.end(), [&](const json::value& v) {
        return v.at("status").as_string() == status;
    });
}

// The fleet's week of requests, as the server's daily generation makes them.
void generate_week(SeededFleet& f) {
    auto r = f.dispatcher.post("/api/v1/schedule/generate",
                               json::object{{"from", shanghai_date(0)}, {"to", shanghai_date(6)}});
    INFO(r.text);
    REQUIRE(r.status == 200);
}

}  // namespace

TEST_CASE("the two legs of a session are linked; cancelling one cancels both unless told not to",
          "[api][cancel]") {
    SeededFleet f;
    generate_week(f);
    auto there = leg(f.dispatcher, wednesday, f.walker_id, "to_center");
    auto back = leg(f.dispatcher, wednesday, f.walker_id, "home");
    CHECK(there.at("linked_request_id").as_int64() == back.at("id").as_int64());
    CHECK(back.at("linked_request_id").as_int64() == there.at("id").as_int64());

    SECTION("by default both, saying which") {
        auto r = f.dispatcher.post(path(there.at("id").as_int64(), "/cancel"),
                                   json::object{{"reason", "patient"}});
        INFO(r.text);
        REQUIRE(r.status == 200);
        CHECK(r.obj().at("status") == "cancelled");
        const auto& also = r.obj().at("also_cancelled").as_array();
        REQUIRE(also.size() == 1);
        CHECK(also[0].at("id") == back.at("id"));
        CHECK(status_of(f.dispatcher, back.at("id").as_int64()) == "cancelled");
        CHECK(request(f.dispatcher, back.at("id").as_int64()).at("cancel_reason") == "patient");
    }
    SECTION("only the one asked, with also_linked: false") {
        auto r = f.dispatcher.post(path(back.at("id").as_int64(), "/cancel"),
                                   json::object{{"reason", "patient"}, {"also_linked", false}});
        INFO(r.text);
        REQUIRE(r.status == 200);
        CHECK(r.obj().at("also_cancelled").as_array().empty());
        CHECK(status_of(f.dispatcher, there.at("id").as_int64()) == "pending");
        // Cancelling the other later leaves the first as it is.
        auto second = f.dispatcher.post(path(there.at("id").as_int64(), "/cancel"),
                                        json::object{{"reason", "patient"}});
        REQUIRE(second.status == 200);
        CHECK(second.obj().at("also_cancelled").as_array().empty());
    }
    SECTION("a bad also_linked is 400 naming it, and nothing is cancelled") {
        auto r = f.dispatcher.post(path(there.at("id").as_int64(), "/cancel"),
                                   json::object{{"reason", "patient"}, {"also_linked", "yes"}});
        INFO(r.text);
        CHECK(r.status == 400);
        CHECK(names_field(r, "also_linked"));
        CHECK(status_of(f.dispatcher, there.at("id").as_int64()) == "pending");
        CHECK(status_of(f.dispatcher, back.at("id").as_int64()) == "pending");
    }
}

TEST_CASE("a cancelled request is read-only until restored, and restore brings back both legs",
          "[api][cancel]") {
    SeededFleet f;
    generate_week(f);
    auto there = leg(f.dispatcher, wednesday, f.wheelchair_id, "to_center");
    const std::int64_t id = there.at("id").as_int64();
    const std::int64_t back = there.at("linked_request_id").as_int64();
    REQUIRE(f.dispatcher.post(path(id, "/cancel"), json::object{{"reason", "weather"}}).status ==
            200);
    const json::object cancelled = request(f.dispatcher, id);

    auto patch = f.dispatcher.patch(path(id), json::object{{"notes", "call first"}});
    INFO(patch.text);
    CHECK(patch.status == 409);
    CHECK(names_field(patch, "status", "restore it first"));
    auto assign = f.dispatcher.post(path(id, "/assign"), json::object{});
    CHECK(assign.status == 409);
    CHECK(names_field(assign, "status", "restore it first"));
    auto ready = f.dispatcher.post(path(back, "/ready"), json::object{});
    CHECK(ready.status == 409);
    CHECK(names_field(ready, "status", "restore it first"));
    CHECK(request(f.dispatcher, id) == cancelled);

    auto restored = f.dispatcher.post(path(id, "/restore"), json::object{});
    INFO(restored.text);
    REQUIRE(restored.status == 200);
    CHECK(restored.obj().at("restored").as_array().size() == 2);
    const json::object now = request(f.dispatcher, id);
    CHECK(now.at("status") == "pending");
    CHECK(now.at("cancel_reason").is_null());
    CHECK(now.at("cancelled_at").is_null());
    CHECK(status_of(f.dispatcher, back) == "pending");
    // Open again: it changes.
    CHECK(f.dispatcher.patch(path(id), json::object{{"notes", "call first"}}).status == 200);

    auto again = f.dispatcher.post(path(id, "/restore"), json::object{});
    CHECK(again.status == 409);
    CHECK(names_field(again, "status", "only a cancelled request is restored"));
    // The restore is in the audit log.
    auto audit = f.admin.get("/api/v1/audit?entity=request&id=" + std::to_string(id));
    INFO(audit.text);
    REQUIRE(audit.status == 200);
    CHECK(audit.text.find("\"restore\"") != std::string::npos);
}

TEST_CASE("a snow day: the count first, then one write of the period, restored on its day",
          "[api][cancel]") {
    SeededFleet f;
    generate_week(f);
    const std::int64_t open_before = count_status(f.dispatcher, wednesday, "pending");
    REQUIRE(open_before == 4);  // two patients, there and back

    // Only the morning: the rides to the center (07:30), and their rides home with them.
    json::object order{{"date", wednesday},   {"from", "06:00"}, {"to", "09:00"},
                       {"reason", "weather"}, {"note", "大雪"},  {"dry_run", true}};
    auto preview = f.dispatcher.post("/api/v1/cancel-batches", order);
    INFO(preview.text);
    REQUIRE(preview.status == 200);
    CHECK(preview.obj().at("dry_run") == true);
    CHECK(preview.obj().at("count") == 4);
    CHECK(count_status(f.dispatcher, wednesday, "pending") == 4);  // a count writes nothing

    SECTION("a count that changed meanwhile is 409 naming expected_count, nothing written") {
        order["dry_run"] = false;
        order["expected_count"] = 3;
        auto r = f.dispatcher.post("/api/v1/cancel-batches", order);
        INFO(r.text);
        CHECK(r.status == 409);
        CHECK(names_field(r, "expected_count"));
        CHECK(count_status(f.dispatcher, wednesday, "pending") == 4);
    }
    SECTION("the confirmed count cancels them in one batch, and the batch is restored") {
        order["dry_run"] = false;
        order["expected_count"] = 4;
        auto r = f.dispatcher.post("/api/v1/cancel-batches", order);
        INFO(r.text);
        REQUIRE(r.status == 201);
        CHECK(r.obj().at("count") == 4);
        const auto batch = r.obj().at("batch").as_object();
        CHECK(batch.at("reason") == "weather");
        CHECK(batch.at("from") == "06:00");
        CHECK(count_status(f.dispatcher, wednesday, "cancelled") == 4);
        for (const auto& v : day(f.dispatcher, wednesday)) {
            CHECK(v.at("cancel_batch_id") == batch.at("id"));
            CHECK(v.at("notes") == "");  // the note is the batch's
        }
        // Friday is untouched.
        CHECK(count_status(f.dispatcher, friday, "cancelled") == 0);

        auto list = f.dispatcher.get("/api/v1/cancel-batches?date=" + wednesday);
        INFO(list.text);
        REQUIRE(list.status == 200);
        REQUIRE(list.obj().at("items").as_array().size() == 1);
        CHECK(list.obj().at("items").at(0).at("still_cancelled").as_array().size() == 4);

        const std::string restore =
            "/api/v1/cancel-batches/" + std::to_string(batch.at("id").as_int64()) + "/restore";
        auto back = f.dispatcher.post(restore, json::object{});
        INFO(back.text);
        REQUIRE(back.status == 200);
        CHECK(back.obj().at("restored").as_array().size() == 4);
        CHECK(count_status(f.dispatcher, wednesday, "pending") == 4);
        auto twice = f.dispatcher.post(restore, json::object{});
        CHECK(twice.status == 409);
        CHECK(names_field(twice, "restored_at"));

        auto audit = f.admin.get("/api/v1/audit?entity=cancel_batch&id=" +
                                 std::to_string(batch.at("id").as_int64()));
        INFO(audit.text);
        REQUIRE(audit.status == 200);
        CHECK(audit.obj().at("items").as_array().size() == 2);  // cancel, restore
    }
    SECTION("one center only, and an afternoon with no ride there is nothing to cancel") {
        order["place_id"] = f.center_id;
        order["from"] = "15:00";
        order["to"] = "18:00";
        auto count = f.dispatcher.post("/api/v1/cancel-batches", order);
        REQUIRE(count.status == 200);
        CHECK(count.obj().at("count") == 0);
        order["dry_run"] = false;
        auto r = f.dispatcher.post("/api/v1/cancel-batches", order);
        INFO(r.text);
        CHECK(r.status == 422);
        CHECK(names_field(r, "date"));
        auto list = f.dispatcher.get("/api/v1/cancel-batches?date=" + wednesday);
        CHECK(list.obj().at("items").as_array().empty());
    }
}

TEST_CASE("a bulk cancel's bad input names every field and writes nothing", "[api][cancel]") {
    SeededFleet f;
    generate_week(f);
    SECTION("no date, no reason, a time that is not one") {
        auto r = f.dispatcher.post("/api/v1/cancel-batches",
                                   json::object{{"from", "7 am"}, {"dry_run", false}});
        INFO(r.text);
        CHECK(r.status == 400);
        CHECK(names_field(r, "date"));
        CHECK(names_field(r, "reason"));
        CHECK(names_field(r, "from"));
    }
    SECTION("to before from, and an unknown place") {
        auto r = f.dispatcher.post(
            "/api/v1/cancel-batches",
            json::object{
                {"date", wednesday}, {"from", "10:00"}, {"to", "08:00"}, {"reason", "weather"}});
        INFO(r.text);
        CHECK(r.status == 422);
        CHECK(names_field(r, "to", "after from"));
        auto p = f.dispatcher.post(
            "/api/v1/cancel-batches",
            json::object{{"date", wednesday}, {"place_id", 999}, {"reason", "weather"}});
        CHECK(p.status == 422);
        CHECK(names_field(p, "place_id"));
    }
    CHECK(count_status(f.dispatcher, wednesday, "cancelled") == 0);
    auto list = f.dispatcher.get("/api/v1/cancel-batches?date=" + wednesday);
    CHECK(list.obj().at("items").as_array().empty());
    // A driver cannot cancel a day.
    CHECK(f.driver1
              .post("/api/v1/cancel-batches",
                    json::object{{"date", wednesday}, {"reason", "weather"}})
              .status == 403);
}

TEST_CASE("a hospital stay cancels the patient's rides of its days and lifting it brings them back",
          "[api][cancel][suspension]") {
    SeededFleet f;
    generate_week(f);
    const std::string base = "/api/v1/patients/" + std::to_string(f.walker_id) + "/suspensions";
    auto add = f.dispatcher.post(
        base, json::object{{"from", wednesday}, {"to", wednesday}, {"reason", "住院"}});
    INFO(add.text);
    REQUIRE(add.status == 201);
    const std::int64_t sid = add.obj().at("suspension").at("id").as_int64();
    CHECK(add.obj().at("cancelled").as_array().size() == 2);
    auto there = leg(f.dispatcher, wednesday, f.walker_id, "to_center");
    CHECK(there.at("status") == "cancelled");
    CHECK(there.at("suspension_id").as_int64() == sid);
    // The other patient rides as before; the walker's Friday too.
    CHECK(leg(f.dispatcher, wednesday, f.wheelchair_id, "to_center").at("status") == "pending");
    CHECK(leg(f.dispatcher, friday, f.walker_id, "to_center").at("status") == "pending");

    // Restoring one of them is refused: the suspension holds it.
    auto restore = f.dispatcher.post(path(there.at("id").as_int64(), "/restore"), json::object{});
    CHECK(restore.status == 409);
    CHECK(names_field(restore, "suspension_id"));
    // No new ride for the patient on a suspended day.
    auto manual = f.dispatcher.post("/api/v1/requests",
                                    json::object{{"patient_id", f.walker_id},
                                                 {"direction", "other"},
                                                 {"arrive_by", wednesday + "T15:00:00+08:00"},
                                                 {"dropoff", {{"place_id", f.center_id}}}});
    INFO(manual.text);
    CHECK(manual.status == 422);
    CHECK(names_field(manual, "arrive_by", "suspended"));

    auto list = f.dispatcher.get(base);
    REQUIRE(list.status == 200);
    REQUIRE(list.obj().at("items").as_array().size() == 1);
    CHECK(list.obj().at("items").at(0).at("reason") == "住院");

    SECTION("changed to Friday: Wednesday comes back, Friday goes") {
        auto r =
            f.dispatcher.patch(base + "/" + std::to_string(sid),
                               json::object{{"from", friday}, {"to", friday}, {"reason", "住院"}});
        INFO(r.text);
        REQUIRE(r.status == 200);
        CHECK(r.obj().at("restored").as_array().size() == 2);
        CHECK(r.obj().at("cancelled").as_array().size() == 2);
        CHECK(leg(f.dispatcher, wednesday, f.walker_id, "home").at("status") == "pending");
        CHECK(leg(f.dispatcher, friday, f.walker_id, "home").at("status") == "cancelled");
    }
    SECTION("removed before the day: the rides are pending again") {
        auto r = f.dispatcher.send("DELETE", base + "/" + std::to_string(sid), "");
        INFO(r.text);
        REQUIRE(r.status == 200);
        CHECK(r.obj().at("restored").as_array().size() == 2);
        auto again = leg(f.dispatcher, wednesday, f.walker_id, "to_center");
        CHECK(again.at("status") == "pending");
        CHECK(again.at("suspension_id").is_null());
        CHECK(f.dispatcher.get(base).obj().at("items").as_array().empty());
        auto audit =
            f.admin.get("/api/v1/audit?entity=patient_suspension&id=" + std::to_string(sid));
        CHECK(audit.obj().at("items").as_array().size() == 2);  // create, delete
    }
}

TEST_CASE("a suspension's bad input names the field and writes nothing",
          "[api][cancel][suspension]") {
    SeededFleet f;
    generate_week(f);
    const std::string base = "/api/v1/patients/" + std::to_string(f.walker_id) + "/suspensions";
    auto backwards = f.dispatcher.post(
        base, json::object{{"from", friday}, {"to", wednesday}, {"reason", "住院"}});
    INFO(backwards.text);
    CHECK(backwards.status == 422);
    CHECK(names_field(backwards, "to", "before from"));
    auto missing = f.dispatcher.post(base, json::object{{"from", "30/11"}});
    CHECK(missing.status == 400);
    CHECK(names_field(missing, "from"));
    CHECK(names_field(missing, "to"));
    CHECK(names_field(missing, "reason"));
    auto blank =
        f.dispatcher.post(base, json::object{{"from", wednesday}, {"to", friday}, {"reason", ""}});
    CHECK(blank.status == 422);
    CHECK(names_field(blank, "reason"));
    CHECK(f.dispatcher
              .post("/api/v1/patients/999/suspensions",
                    json::object{{"from", wednesday}, {"to", friday}, {"reason", "住院"}})
              .status == 404);
    CHECK(f.dispatcher.get(base).obj().at("items").as_array().empty());
    CHECK(count_status(f.dispatcher, wednesday, "cancelled") == 0);

    REQUIRE(
        f.dispatcher
            .post(base, json::object{{"from", wednesday}, {"to", wednesday}, {"reason", "住院"}})
            .status == 201);
    auto overlap = f.dispatcher.post(
        base, json::object{{"from", shanghai_date(1)}, {"to", friday}, {"reason", "外出"}});
    CHECK(overlap.status == 409);
    CHECK(names_field(overlap, "from", "overlaps"));
    CHECK(f.dispatcher.get(base).obj().at("items").as_array().size() == 1);
    CHECK(leg(f.dispatcher, friday, f.walker_id, "to_center").at("status") == "pending");
}

TEST_CASE("generation skips a suspended patient's days and resumes after them",
          "[api][cancel][suspension]") {
    SeededFleet f;
    // Two weeks ahead: nothing generated yet for those days.
    const std::string from = shanghai_date(14), to = shanghai_date(20);
    auto add = f.dispatcher.post(
        "/api/v1/patients/" + std::to_string(f.walker_id) + "/suspensions",
        json::object{{"from", from}, {"to", shanghai_date(18)}, {"reason", "外出探亲"}});
    INFO(add.text);
    REQUIRE(add.status == 201);
    CHECK(add.obj().at("cancelled").as_array().empty());
    auto g =
        f.dispatcher.post("/api/v1/schedule/generate", json::object{{"from", from}, {"to", to}});
    INFO(g.text);
    REQUIRE(g.status == 200);
    // Mon 14, Wed 16, Fri 18 suspended for the walker; Mon 14…Sun 20 has three sessions.
    for (int d = 14; d <= 20; ++d) {
        const auto items = day(f.dispatcher, shanghai_date(d));
        const auto walker = std::count_if(items.begin(), items.end(), [&](const json::value& v) {
            return v.at("patient_id").as_int64() == f.walker_id;
        });
        const auto other = std::count_if(items.begin(), items.end(), [&](const json::value& v) {
            return v.at("patient_id").as_int64() == f.wheelchair_id;
        });
        INFO(shanghai_date(d));
        CHECK(walker == 0);
        CHECK(other == (d == 14 || d == 16 || d == 18 ? 2 : 0));
    }
    // The week after: back by itself.
    const std::string monday = shanghai_date(21);
    REQUIRE(f.dispatcher
                .post("/api/v1/schedule/generate", json::object{{"from", monday}, {"to", monday}})
                .status == 200);
    CHECK(leg(f.dispatcher, monday, f.walker_id, "to_center").at("status") == "pending");
}

TEST_CASE("holidays are listed and removed; removing one brings its sessions back",
          "[api][cancel][holiday]") {
    SeededFleet f;
    generate_week(f);
    REQUIRE(
        f.dispatcher.put("/api/v1/holidays/" + wednesday, json::object{{"closed", true}}).status ==
        200);
    REQUIRE(
        f.dispatcher.put("/api/v1/holidays/" + friday, json::object{{"move_to", shanghai_date(5)}})
            .status == 200);
    CHECK(count_status(f.dispatcher, wednesday, "cancelled") == 4);

    auto list = f.dispatcher.get("/api/v1/holidays");
    INFO(list.text);
    REQUIRE(list.status == 200);
    const auto& items = list.obj().at("items").as_array();
    REQUIRE(items.size() == 2);
    CHECK(items[0].at("date").as_string() == wednesday);
    CHECK(items[0].at("closed") == true);
    CHECK(items[1].at("move_to").as_string() == shanghai_date(5));

    // A holiday's cancellation is undone by removing the holiday, not by restore.
    auto there = leg(f.dispatcher, wednesday, f.walker_id, "to_center");
    auto restore = f.dispatcher.post(path(there.at("id").as_int64(), "/restore"), json::object{});
    CHECK(restore.status == 409);
    CHECK(names_field(restore, "cancel_reason", "remove the holiday"));

    auto removed = f.dispatcher.send("DELETE", "/api/v1/holidays/" + wednesday, "");
    INFO(removed.text);
    REQUIRE(removed.status == 200);
    CHECK(count_status(f.dispatcher, wednesday, "pending") == 4);
    REQUIRE(f.dispatcher.send("DELETE", "/api/v1/holidays/" + friday, "").status == 200);
    CHECK(count_status(f.dispatcher, friday, "pending") == 4);
    CHECK(f.dispatcher.get("/api/v1/holidays").obj().at("items").as_array().empty());

    auto unknown = f.dispatcher.send("DELETE", "/api/v1/holidays/" + wednesday, "");
    CHECK(unknown.status == 404);
    auto bad = f.dispatcher.get("/api/v1/holidays?from=soon");
    CHECK(bad.status == 400);
    CHECK(names_field(bad, "from"));
}
