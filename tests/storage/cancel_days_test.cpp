// Cancelling and suspending as days pass, on a real SQLite file with a clock the test
// moves: a cancellation is restored on its own day only, and a suspension lifted after
// its days gives back nothing of the past.
#include <catch2/catch.hpp>

#include <string>

#include "lifeline/core/errors.h"
#include "lifeline/storage/database.h"
#include "lifeline/storage/services.h"
#include "temp_dir.h"

using namespace lifeline;
using namespace lifeline::storage;
using lifeline::testing::TempDir;

namespace {

LocalDate march(unsigned day) {
    return LocalDate{std::chrono::year{2022}, std::chrono::month{3}, std::chrono::day{day}};
}

// The field a refusal names.
std::string field_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const Error& e) {
        return e.errors().empty() ? "" : e.errors().front().field;
    }
    return "(no refusal)";
}

struct Week {
    TempDir dir;
    // Sunday 13 March 2022, evening in Jilin.
    ManualClock clock{*parse_instant("2022-03-13T20:00:00+08:00")};
    Database db{{dir.file("cancel.db"), 256, 64, &clock}};
    SqliteServices app{db};
    const Actor dispatcher{7, "dispatch-wang", Role::dispatcher, std::nullopt};
    PatientId patient = 0;

    Week() {
        Place c;
        c.name = "吉林市中心医院";
        c.location = {43.845, 126.542};
        c.kind = PlaceKind::dialysis_center;
        c = app.fleet.create_place(dispatcher, c);
        Patient p;
        p.name = "李秀英";
        p.location = {43.88, 126.57};
        p.center_id = c.id;
        p.schedule = DialysisSchedule{{1, 3, 5}, Minutes{7 * 60 + 30}, 240};
        patient = app.fleet.create_patient(dispatcher, p).id;
        app.dispatch.generate(dispatcher, march(14), march(20));
    }
    std::vector<RideRequest> of_day(unsigned day) {
        RequestFilter f;
        f.date = march(day);
        return app.dispatch.list_requests(dispatcher, f, PageRequest{500, std::nullopt}).items;
    }
    void next_day() { clock.advance(std::chrono::hours{24}); }
};

}  // namespace

TEST_CASE("a cancellation is restored on the day it was made, not after",
          "[storage][dispatch][cancel]") {
    Week w;
    BulkCancel order;
    order.date = march(16);
    order.reason = CancelReason::weather;
    auto batch = *w.app.dispatch.cancel_bulk(w.dispatcher, order).batch;
    REQUIRE(batch.count == 2);
    const RequestId one = w.of_day(16).front().id;

    w.next_day();
    CHECK(field_of([&] { w.app.dispatch.restore_batch(w.dispatcher, batch.id); }) == "created_at");
    CHECK(field_of([&] { w.app.dispatch.restore_request(w.dispatcher, one); }) == "cancelled_at");
    for (const RideRequest& r : w.of_day(16))
        CHECK(r.status == RequestStatus::cancelled);
    CHECK_FALSE(w.app.dispatch.cancel_batches(w.dispatcher, march(16)).front().restored_at);
}

TEST_CASE("a suspension lifted after some of its days gives back only the days to come",
          "[storage][dispatch][suspension]") {
    Week w;
    Suspension s;
    s.patient_id = w.patient;
    s.from = march(14);
    s.to = march(18);
    s.reason = "住院";
    auto added = w.app.dispatch.add_suspension(w.dispatcher, s);
    CHECK(added.cancelled.size() == 6);  // Mon, Wed, Fri: there and back

    // Thursday: Monday and Wednesday are past.
    w.next_day();
    w.next_day();
    w.next_day();
    w.next_day();
    auto removed = w.app.dispatch.remove_suspension(w.dispatcher, w.patient, added.suspension->id);
    CHECK(removed.restored.size() == 2);  // Friday's
    for (unsigned d : {14u, 16u})
        for (const RideRequest& r : w.of_day(d)) {
            CHECK(r.status == RequestStatus::cancelled);
            CHECK_FALSE(r.suspension_id);
        }
    for (const RideRequest& r : w.of_day(18))
        CHECK(r.status == RequestStatus::pending);
    // Generation after the stay makes the next week's sessions as always.
    w.app.dispatch.generate(w.dispatcher, march(21), march(21));
    CHECK(w.of_day(21).size() == 2);
}
