#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "lifeline/core/errors.h"
#include "lifeline/core/fleet/fleet.h"
#include "lifeline/storage/database.h"
#include "lifeline/storage/fleet_store.h"
#include "lifeline/storage/settings_store.h"
#include "temp_dir.h"

using namespace lifeline;
using namespace lifeline::storage;
using lifeline::testing::TempDir;
using std::chrono::day;
using std::chrono::hours;
using std::chrono::year;

namespace {

struct FleetFixture {
    TempDir dir;
    // A Monday morning in Jilin, whatever the hour the tests run.
    ManualClock clock{*parse_instant("2022-03-14T09:30:00+08:00")};
    Database db{{dir.file("fleet.db"), 256, 64, &clock}};
    SqliteFleetStore store{db};
    SqliteSettingsStore settings_store{db};
    SettingsService settings{settings_store, clock};
    Fleet fleet{store, settings, clock};
    Actor dispatcher{7, "dispatch-wang", Role::dispatcher, std::nullopt};
    Actor admin{1, "admin", Role::admin, std::nullopt};

    std::int64_t count(const std::string& table) {
        return db.read([&](Connection& c) {
            Statement st(c, "SELECT count(*) FROM " + table);  // test-owned table names
            st.step();
            return st.get_int(0);
        });
    }

    struct Counts {
        std::int64_t places, drivers, shifts, absences, vehicles, patients, audit;
        bool operator==(const Counts&) const = default;
    };
    Counts counts() {
        return {count("places"),          count("drivers"),  count("driver_shifts"),
                count("driver_absences"), count("vehicles"), count("patients"),
                count("audit_log")};
    }
};

Minutes hm(int h, int m = 0) {
    return Minutes{h * 60 + m};
}
LocalDate day_of(int y, unsigned m, unsigned d) {
    return LocalDate{year{y}, std::chrono::month{m}, day{d}};
}

Place center(std::string name = "吉林市中心医院血液透析中心") {
    Place p;
    p.name = std::move(name);
    p.address = "吉林省吉林市船营区南京街4号";
    p.location = {43.8436, 126.5494};
    p.kind = PlaceKind::dialysis_center;
    return p;
}

Driver volunteer(std::string name = "张伟") {
    Driver d;
    d.name = std::move(name);
    d.phone = "+86 138 0443 1234";
    d.group = "吉林市青年志愿者协会";
    d.home = {43.85, 126.56};
    d.shifts = {{3, hm(13), hm(24)}, {1, hm(7), hm(12)}};
    return d;
}

Vehicle van(std::string plate = "吉B12345") {
    Vehicle v;
    v.plate = std::move(plate);
    v.description = "白色金杯面包车";
    v.seats = 7;
    v.wheelchair_spaces = 1;
    v.odometer_km = 48210.5;
    return v;
}

Patient patient(std::optional<PlaceId> center_id = std::nullopt, std::string name = "李秀英") {
    Patient p;
    p.name = std::move(name);
    p.phone = "0432-6245 1234";
    p.address = "昌邑区解放东路12号3单元";
    p.location = {43.88, 126.57};
    p.mobility = Mobility::wheelchair;
    p.escort = true;
    p.notes = "需要轮椅，家属陪同";
    p.center_id = center_id;
    if (center_id)
        p.schedule = DialysisSchedule{{5, 1, 3}, hm(7, 30), 240};
    return p;
}

std::string repeat(const std::string& unit, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i)
        out += unit;
    return out;
}

// Runs `f`, which must throw an Error of `kind`; returns the fields it names.
std::vector<std::string> failing_fields(ErrorKind kind, const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        CHECK(int(e.kind()) == int(kind));
        std::vector<std::string> fields;
        for (const auto& fe : e.errors())
            fields.push_back(fe.field);
        return fields;
    }
    FAIL("expected an error");
    return {};
}

std::vector<std::string> invalid_fields(const std::function<void()>& f) {
    return failing_fields(ErrorKind::invalid, f);
}

ErrorKind kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("expected an error");
    return ErrorKind::internal;
}

struct AuditRow {
    std::int64_t user_id;
    std::string username, entity;
    std::int64_t entity_id;
    std::string action, before, after;
};

std::vector<AuditRow> audit_rows(Database& db) {
    return db.read([](Connection& c) {
        Statement st(c,
                     "SELECT user_id, username, entity, entity_id, action, before, after "
                     "FROM audit_log ORDER BY id");
        std::vector<AuditRow> rows;
        while (st.step())
            rows.push_back({st.get_int(0), st.get_text(1), st.get_text(2), st.get_int(3),
                            st.get_text(4), st.get_text(5), st.get_text(6)});
        return rows;
    });
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("places, drivers, vehicles and patients round-trip, Chinese names included",
          "[storage][fleet]") {
    FleetFixture f;
    const Place c = f.fleet.create_place(f.dispatcher, center());
    CHECK(c.id > 0);
    CHECK(c.name == "吉林市中心医院血液透析中心");
    CHECK(c.kind == PlaceKind::dialysis_center);
    const Place got = f.fleet.get_place(f.dispatcher, c.id);
    CHECK(got.name == c.name);
    CHECK(got.address == "吉林省吉林市船营区南京街4号");
    CHECK(got.location.lat == Approx(43.8436));
    CHECK(got.location.lon == Approx(126.5494));
    CHECK(got.active);

    Driver in = volunteer();
    in.absences = {{day_of(2022, 4, 1), day_of(2022, 4, 3)}};
    const Driver d = f.fleet.create_driver(f.dispatcher, in);
    const Driver d2 = f.fleet.get_driver(f.admin, d.id);
    CHECK(d2.name == "张伟");
    CHECK(d2.group == "吉林市青年志愿者协会");
    REQUIRE(d2.shifts.size() == 2);  // stored in weekday order
    CHECK(d2.shifts[0].weekday == 1);
    CHECK(d2.shifts[0].start == hm(7));
    CHECK(d2.shifts[1].weekday == 3);
    CHECK(d2.shifts[1].end == hm(24));
    REQUIRE(d2.absences.size() == 1);
    CHECK(d2.absences[0].from == day_of(2022, 4, 1));
    CHECK(d2.absences[0].to == day_of(2022, 4, 3));

    Vehicle vin = van();
    vin.driver_id = d.id;
    const Vehicle v =
        f.fleet.get_vehicle(f.dispatcher, f.fleet.create_vehicle(f.dispatcher, vin).id);
    CHECK(v.plate == "吉B12345");
    CHECK(v.description == "白色金杯面包车");
    CHECK(v.seats == 7);
    CHECK(v.wheelchair_spaces == 1);
    CHECK(v.driver_id == d.id);
    CHECK(v.odometer_km == Approx(48210.5));

    const Patient p =
        f.fleet.get_patient(f.dispatcher, f.fleet.create_patient(f.dispatcher, patient(c.id)).id);
    CHECK(p.name == "李秀英");
    CHECK(p.mobility == Mobility::wheelchair);
    CHECK(p.escort);
    CHECK_FALSE(p.ride_alone);
    CHECK(p.notes == "需要轮椅，家属陪同");
    CHECK(p.center_id == c.id);
    REQUIRE(p.schedule);
    CHECK(p.schedule->weekdays == std::vector<unsigned>{1, 3, 5});
    CHECK(p.schedule->appointment == hm(7, 30));
    CHECK(p.schedule->duration_minutes == 240);

    SECTION("strings are trimmed, ideographic spaces too") {
        const Patient q = f.fleet.create_patient(f.dispatcher, patient({}, " \t王芳\xE3\x80\x80 "));
        CHECK(q.name == "王芳");
    }
    SECTION("limits count characters, not bytes") {
        CHECK(f.fleet.create_patient(f.dispatcher, patient({}, repeat("赵", 200))).name.size() ==
              600);
        CHECK(invalid_fields([&] {
                  f.fleet.create_patient(f.dispatcher, patient({}, repeat("赵", 201)));
              }) == std::vector<std::string>{"name"});
    }
    SECTION("search is a case-insensitive substring of name, plate or phone") {
        f.fleet.create_driver(f.dispatcher, volunteer("王建国"));
        auto by_name = f.fleet.list_drivers(f.dispatcher, {std::nullopt, "张"}, {});
        REQUIRE(by_name.items.size() == 1);
        CHECK(by_name.items[0].id == d.id);
        CHECK(f.fleet.list_drivers(f.dispatcher, {std::nullopt, "0443"}, {}).items.size() == 2);
        auto by_plate = f.fleet.list_vehicles(f.dispatcher, {std::nullopt, "吉b123"}, {});
        REQUIRE(by_plate.items.size() == 1);
        CHECK(by_plate.items[0].id == v.id);
        CHECK(f.fleet.list_patients(f.dispatcher, {std::nullopt, "秀英"}, {}).items.size() == 1);
        CHECK(f.fleet.list_places(f.dispatcher, {std::nullopt, "透析"}, {}).items.size() == 1);
        CHECK(f.fleet.list_places(f.dispatcher, {std::nullopt, "   "}, {}).items.size() == 1);
    }
    SECTION("search takes LIKE wildcards literally") {
        f.fleet.create_place(f.dispatcher, center("100% 康复中心"));
        f.fleet.create_place(f.dispatcher, center("1000 Recovery Center"));
        auto percent = f.fleet.list_places(f.dispatcher, {std::nullopt, "0%"}, {});
        REQUIRE(percent.items.size() == 1);
        CHECK(percent.items[0].name == "100% 康复中心");
        CHECK(f.fleet.list_places(f.dispatcher, {std::nullopt, "1_0"}, {}).items.empty());
        CHECK(f.fleet.list_places(f.dispatcher, {std::nullopt, "recovery"}, {}).items.size() == 1);
    }
    SECTION("patients filter by center") {
        const Place other = f.fleet.create_place(f.dispatcher, center("北华大学附属医院"));
        f.fleet.create_patient(f.dispatcher, patient(other.id, "刘德明"));
        auto at_other =
            f.fleet.list_patients(f.dispatcher, {std::nullopt, std::nullopt, other.id}, {});
        REQUIRE(at_other.items.size() == 1);
        CHECK(at_other.items[0].name == "刘德明");
        CHECK(f.fleet.list_patients(f.dispatcher, {}, {}).items.size() == 2);
    }
    SECTION("unknown ids are not found") {
        CHECK(kind_of([&] { f.fleet.get_place(f.dispatcher, 999); }) == ErrorKind::not_found);
        CHECK(kind_of([&] { f.fleet.get_driver(f.dispatcher, 999); }) == ErrorKind::not_found);
        CHECK(kind_of([&] { f.fleet.get_vehicle(f.dispatcher, 999); }) == ErrorKind::not_found);
        CHECK(kind_of([&] { f.fleet.get_patient(f.dispatcher, 999); }) == ErrorKind::not_found);
        CHECK(kind_of([&] { f.fleet.update_place(f.dispatcher, 999, {.name = "x"}); }) ==
              ErrorKind::not_found);
        CHECK(kind_of([&] {
                  f.fleet.add_absence(f.dispatcher, 999, {day_of(2022, 4, 1), day_of(2022, 4, 1)});
              }) == ErrorKind::not_found);
    }
}

TEST_CASE("pages walk every item exactly once", "[storage][fleet]") {
    FleetFixture f;
    for (int i = 0; i < 23; ++i)
        f.fleet.create_place(f.dispatcher, center("站点 " + std::to_string(i)));
    f.fleet.create_place(f.dispatcher, [] {
        Place home = center("患者家");
        home.kind = PlaceKind::home;
        home.active = false;
        return home;
    }());

    std::set<PlaceId> seen;
    std::vector<std::size_t> sizes;
    PageRequest page{5, std::nullopt};
    for (;;) {
        auto got = f.fleet.list_places(f.dispatcher, {true, std::nullopt}, page);
        sizes.push_back(got.items.size());
        for (const Place& p : got.items) {
            CHECK(p.active);
            CHECK(seen.insert(p.id).second);
        }
        if (!got.next_cursor)
            break;
        CHECK(*got.next_cursor == got.items.back().id);
        page.after = got.next_cursor;
    }
    CHECK(seen.size() == 23);
    CHECK(sizes == std::vector<std::size_t>{5, 5, 5, 5, 3});

    SECTION("a page exactly filled has no next page") {
        auto all = f.fleet.list_places(f.dispatcher, {}, {24, std::nullopt});
        CHECK(all.items.size() == 24);
        CHECK_FALSE(all.next_cursor);
    }
    SECTION("limits outside 1..500 are refused") {
        CHECK(invalid_fields([&] {
                  f.fleet.list_places(f.dispatcher, {}, {0, std::nullopt});
              }) == std::vector<std::string>{"limit"});
        CHECK(invalid_fields([&] {
                  f.fleet.list_drivers(f.dispatcher, {}, {501, std::nullopt});
              }) == std::vector<std::string>{"limit"});
        CHECK(invalid_fields([&] {
                  f.fleet.list_vehicles(f.dispatcher, {}, {10, -1});
              }) == std::vector<std::string>{"cursor"});
        CHECK(f.fleet.list_patients(f.dispatcher, {}, {500, std::nullopt}).items.empty());
    }
}

TEST_CASE("a patch changes only the given fields and can set nullable ones to null",
          "[storage][fleet]") {
    FleetFixture f;
    const Place c = f.fleet.create_place(f.dispatcher, center());
    const Driver d = f.fleet.create_driver(f.dispatcher, volunteer());

    SECTION("place") {
        const Place p = f.fleet.update_place(f.dispatcher, c.id, {.lat = 43.9});
        CHECK(p.location.lat == Approx(43.9));
        CHECK(p.location.lon == Approx(c.location.lon));
        CHECK(p.name == c.name);
        CHECK(p.address == c.address);
        CHECK(p.kind == c.kind);
    }
    SECTION("driver: shifts replace the whole week") {
        const Driver got = f.fleet.update_driver(
            f.dispatcher, d.id,
            {.phone = "13900000000", .shifts = std::vector<Shift>{{6, hm(8), hm(16)}}});
        CHECK(got.phone == "13900000000");
        CHECK(got.name == "张伟");
        CHECK(got.group == d.group);
        REQUIRE(got.shifts.size() == 1);
        CHECK(got.shifts[0].weekday == 6);
        CHECK(f.fleet.get_driver(f.dispatcher, d.id).shifts.size() == 1);
        const Driver same = f.fleet.update_driver(f.dispatcher, d.id, {.wheelchair_trained = true});
        CHECK(same.wheelchair_trained);
        CHECK(same.shifts.size() == 1);  // not given: kept
        CHECK(f.count("driver_shifts") == 1);
    }
    SECTION("vehicle: the default driver is set and cleared") {
        const Vehicle v = f.fleet.create_vehicle(f.dispatcher, van());
        CHECK_FALSE(v.driver_id);
        const Vehicle with = f.fleet.update_vehicle(f.dispatcher, v.id, {.driver_id = d.id});
        CHECK(with.driver_id == d.id);
        CHECK(with.plate == "吉B12345");
        CHECK(with.odometer_km == Approx(48210.5));
        const Vehicle seats = f.fleet.update_vehicle(f.dispatcher, v.id, {.seats = 5});
        CHECK(seats.driver_id == d.id);  // not given: kept
        CHECK(seats.seats == 5);
        const Vehicle without =
            f.fleet.update_vehicle(f.dispatcher, v.id, {.driver_id = std::optional<DriverId>{}});
        CHECK_FALSE(without.driver_id);
        CHECK(without.seats == 5);
        CHECK_FALSE(f.fleet.get_vehicle(f.dispatcher, v.id).driver_id);
    }
    SECTION("patient: schedule and center are cleared") {
        const Patient p = f.fleet.create_patient(f.dispatcher, patient(c.id));
        const Patient renamed =
            f.fleet.update_patient(f.dispatcher, p.id, {.name = "李秀英（母）"});
        CHECK(renamed.name == "李秀英（母）");
        CHECK(renamed.center_id == c.id);
        CHECK(renamed.schedule);
        CHECK(renamed.notes == p.notes);

        const Patient moved = f.fleet.update_patient(
            f.dispatcher, p.id,
            {.schedule =
                 std::optional<DialysisSchedule>{DialysisSchedule{{2, 4, 6}, hm(13), 300}}});
        REQUIRE(moved.schedule);
        CHECK(moved.schedule->weekdays == std::vector<unsigned>{2, 4, 6});
        CHECK(moved.schedule->duration_minutes == 300);

        const Patient cleared = f.fleet.update_patient(
            f.dispatcher, p.id,
            {.center_id = std::optional<PlaceId>{}, .schedule = std::optional<DialysisSchedule>{}});
        CHECK_FALSE(cleared.center_id);
        CHECK_FALSE(cleared.schedule);
        CHECK(cleared.name == "李秀英（母）");
        const Patient again = f.fleet.get_patient(f.dispatcher, p.id);
        CHECK_FALSE(again.center_id);
        CHECK_FALSE(again.schedule);
    }
}

TEST_CASE("every validation rule refuses the input and writes nothing", "[storage][fleet]") {
    FleetFixture f;
    const Place c = f.fleet.create_place(f.dispatcher, center());
    const Driver d = f.fleet.create_driver(f.dispatcher, volunteer());
    const Vehicle v = f.fleet.create_vehicle(f.dispatcher, van());
    const Patient p = f.fleet.create_patient(f.dispatcher, patient(c.id));
    const auto before = f.counts();
    using Fields = std::vector<std::string>;

    auto place_with = [&](const std::function<void(Place&)>& change) {
        return invalid_fields([&] {
            Place x = center();
            change(x);
            f.fleet.create_place(f.dispatcher, x);
        });
    };
    auto driver_with = [&](const std::function<void(Driver&)>& change) {
        return invalid_fields([&] {
            Driver x = volunteer();
            change(x);
            f.fleet.create_driver(f.dispatcher, x);
        });
    };
    auto vehicle_with = [&](const std::function<void(Vehicle&)>& change) {
        return invalid_fields([&] {
            Vehicle x = van("吉A00001");
            change(x);
            f.fleet.create_vehicle(f.dispatcher, x);
        });
    };
    auto patient_with = [&](const std::function<void(Patient&)>& change) {
        return invalid_fields([&] {
            Patient x = patient(c.id);
            change(x);
            f.fleet.create_patient(f.dispatcher, x);
        });
    };
    const double nan = std::numeric_limits<double>::quiet_NaN();

    SECTION("every bad field is named at once") {
        CHECK(place_with([&](Place& x) {
                  x.name = "  ";
                  x.location = {91, nan};
                  x.kind = PlaceKind(42);
                  x.address = repeat("街", 501);
              }) == Fields{"name", "address", "lat", "lon", "kind"});
    }
    SECTION("places") {
        CHECK(place_with([](Place& x) { x.name = repeat("中", 201); }) == Fields{"name"});
        CHECK(place_with([](Place& x) { x.location.lat = -90.01; }) == Fields{"lat"});
        CHECK(place_with([](Place& x) { x.location.lon = 180.5; }) == Fields{"lon"});
        CHECK(place_with([](Place& x) {
                  x.location.lon = std::numeric_limits<double>::infinity();
              }) == Fields{"lon"});
        CHECK(place_with([](Place& x) { x.name = "bad \xE4\xB8"; }) == Fields{"name"});
        CHECK(place_with([](Place& x) { x.name = "line\nbreak"; }) == Fields{"name"});
        CHECK(invalid_fields([&] { f.fleet.update_place(f.dispatcher, c.id, {.name = ""}); }) ==
              Fields{"name"});
    }
    SECTION("drivers, shifts and absences") {
        CHECK(driver_with([](Driver& x) { x.name = ""; }) == Fields{"name"});
        CHECK(driver_with([](Driver& x) { x.phone = repeat("1", 41); }) == Fields{"phone"});
        CHECK(driver_with([](Driver& x) { x.group = repeat("组", 201); }) == Fields{"group"});
        CHECK(driver_with([](Driver& x) {
                  x.home = {100, 200};
              }) == Fields{"home.lat", "home.lon"});
        CHECK(driver_with([](Driver& x) {
                  x.shifts = {{0, hm(8), hm(9)}, {8, hm(8), hm(9)}};
              }) == Fields{"shifts[0].weekday", "shifts[1].weekday"});
        CHECK(driver_with([](Driver& x) {
                  x.shifts = {{2, hm(12), hm(12)}};
              }) == Fields{"shifts[0].end"});
        CHECK(driver_with([](Driver& x) {
                  x.shifts = {{2, hm(24), hm(24, 30)}};
              }) == Fields{"shifts[0].start", "shifts[0].end"});
        CHECK(driver_with([](Driver& x) {
                  x.shifts = {{2, hm(8), hm(12)}, {2, hm(11), hm(15)}, {3, hm(11), hm(15)}};
              }) == Fields{"shifts[1].start"});
        CHECK(driver_with([](Driver& x) {
                  x.absences = {{day_of(2022, 4, 5), day_of(2022, 4, 4)}};
              }) == Fields{"absences[0].to"});
        CHECK(invalid_fields([&] {
                  f.fleet.add_absence(f.dispatcher, d.id, {day_of(2022, 1, 1), day_of(2023, 1, 2)});
              }) == Fields{"to"});
        CHECK(
            invalid_fields([&] {
                f.fleet.add_absence(f.dispatcher, d.id, {day_of(2022, 2, 30), day_of(2022, 3, 2)});
            }) == Fields{"from"});
        CHECK(invalid_fields([&] {
                  f.fleet.update_driver(
                      f.dispatcher, d.id,
                      {.shifts = std::vector<Shift>{{1, hm(6), hm(10)}, {1, hm(9, 59), hm(11)}}});
              }) == Fields{"shifts[1].start"});
    }
    SECTION("vehicles") {
        CHECK(vehicle_with([](Vehicle& x) { x.plate = " "; }) == Fields{"plate"});
        CHECK(vehicle_with([](Vehicle& x) { x.plate = repeat("A", 21); }) == Fields{"plate"});
        CHECK(vehicle_with([](Vehicle& x) { x.description = repeat("车", 501); }) ==
              Fields{"description"});
        CHECK(vehicle_with([](Vehicle& x) { x.seats = 0; }) == Fields{"seats"});
        CHECK(vehicle_with([](Vehicle& x) { x.seats = 61; }) == Fields{"seats"});
        CHECK(vehicle_with([](Vehicle& x) { x.wheelchair_spaces = -1; }) ==
              Fields{"wheelchair_spaces"});
        CHECK(vehicle_with([](Vehicle& x) { x.wheelchair_spaces = 11; }) ==
              Fields{"wheelchair_spaces"});
        CHECK(vehicle_with([](Vehicle& x) { x.odometer_km = -1; }) == Fields{"odometer_km"});
        CHECK(invalid_fields([&] { f.fleet.update_vehicle(f.dispatcher, v.id, {.seats = 100}); }) ==
              Fields{"seats"});
    }
    SECTION("patients and schedules") {
        CHECK(patient_with([](Patient& x) { x.name = "\xE3\x80\x80"; }) == Fields{"name"});
        CHECK(patient_with([](Patient& x) { x.notes = repeat("注", 2001); }) == Fields{"notes"});
        CHECK(patient_with([](Patient& x) { x.address = repeat("址", 501); }) == Fields{"address"});
        CHECK(patient_with([](Patient& x) { x.mobility = Mobility(9); }) == Fields{"mobility"});
        CHECK(patient_with([](Patient& x) { x.schedule->weekdays = {}; }) ==
              Fields{"schedule.weekdays"});
        CHECK(patient_with([](Patient& x) {
                  x.schedule->weekdays = {1, 3, 1, 8};
              }) == Fields{"schedule.weekdays[2]", "schedule.weekdays[3]"});
        CHECK(patient_with([](Patient& x) { x.schedule->appointment = hm(24); }) ==
              Fields{"schedule.appointment"});
        CHECK(patient_with([](Patient& x) { x.schedule->duration_minutes = 29; }) ==
              Fields{"schedule.duration_minutes"});
        CHECK(patient_with([](Patient& x) { x.schedule->duration_minutes = 721; }) ==
              Fields{"schedule.duration_minutes"});
        CHECK(patient_with([](Patient& x) { x.center_id.reset(); }) == Fields{"schedule"});
        CHECK(invalid_fields([&] {
                  f.fleet.update_patient(f.dispatcher, p.id,
                                         {.center_id = std::optional<PlaceId>{}});
              }) == Fields{"center_id"});
        CHECK(invalid_fields([&] {
                  f.fleet.update_patient(f.dispatcher, p.id,
                                         {.phone = repeat("9", 41), .lat = 95.0});
              }) == Fields{"phone", "lat"});
    }
    CHECK(f.counts() == before);
    CHECK(f.fleet.get_patient(f.dispatcher, p.id).center_id == c.id);
}

TEST_CASE("the edges of the limits are accepted", "[storage][fleet]") {
    FleetFixture f;
    Driver d = volunteer();
    d.shifts = {{7, hm(0), hm(24)}, {1, hm(8), hm(12)}, {1, hm(12), hm(16)}};
    const Driver got = f.fleet.create_driver(f.dispatcher, d);
    CHECK(got.shifts.size() == 3);
    const Driver away =
        f.fleet.add_absence(f.dispatcher, got.id, {day_of(2024, 1, 1), day_of(2024, 12, 31)});
    CHECK(away.absences.size() == 1);  // 366 days of a leap year
    Vehicle bus = van(repeat("渝", 20));
    bus.seats = 60;
    bus.wheelchair_spaces = 10;
    CHECK(f.fleet.create_vehicle(f.dispatcher, bus).seats == 60);
    Place pole = center("North Pole");
    pole.location = {90, -180};
    CHECK(f.fleet.create_place(f.dispatcher, pole).location.lat == 90);
}

TEST_CASE("unknown or unsuitable references are unprocessable and name the field",
          "[storage][fleet]") {
    FleetFixture f;
    const Place c = f.fleet.create_place(f.dispatcher, center());
    Place home_in = center("患者家");
    home_in.kind = PlaceKind::home;
    const Place home = f.fleet.create_place(f.dispatcher, home_in);
    const auto before = f.counts();
    using Fields = std::vector<std::string>;

    Vehicle v = van();
    v.driver_id = 4242;
    CHECK(failing_fields(ErrorKind::unprocessable,
                         [&] { f.fleet.create_vehicle(f.dispatcher, v); }) == Fields{"driver_id"});
    CHECK(failing_fields(ErrorKind::unprocessable, [&] {
              f.fleet.create_patient(f.dispatcher, patient(PlaceId{4242}));
          }) == Fields{"center_id"});
    CHECK(failing_fields(ErrorKind::unprocessable, [&] {
              f.fleet.create_patient(f.dispatcher, patient(home.id));
          }) == Fields{"center_id"});
    CHECK(f.counts() == before);

    const Patient p = f.fleet.create_patient(f.dispatcher, patient(c.id));
    const Vehicle ok = f.fleet.create_vehicle(f.dispatcher, van());
    const auto after_creates = f.counts();
    CHECK(failing_fields(ErrorKind::unprocessable, [&] {
              f.fleet.update_patient(f.dispatcher, p.id, {.center_id = PlaceId{4242}});
          }) == Fields{"center_id"});
    CHECK(failing_fields(ErrorKind::unprocessable, [&] {
              f.fleet.update_vehicle(f.dispatcher, ok.id, {.driver_id = DriverId{4242}});
          }) == Fields{"driver_id"});

    SECTION("a deactivated driver cannot become a default driver") {
        const Driver d = f.fleet.create_driver(f.dispatcher, volunteer());
        f.fleet.update_driver(f.dispatcher, d.id, {.active = false});
        CHECK(failing_fields(ErrorKind::unprocessable, [&] {
                  f.fleet.update_vehicle(f.dispatcher, ok.id, {.driver_id = d.id});
              }) == Fields{"driver_id"});
    }
    SECTION("nothing was written") {
        CHECK(f.counts() == after_creates);
    }
}

TEST_CASE("a plate belongs to one vehicle, whatever its case", "[storage][fleet]") {
    FleetFixture f;
    const Vehicle a = f.fleet.create_vehicle(f.dispatcher, van("吉B12345"));
    const Vehicle b = f.fleet.create_vehicle(f.dispatcher, van("吉B67890"));
    const auto before = f.counts();
    using Fields = std::vector<std::string>;
    CHECK(failing_fields(ErrorKind::conflict, [&] {
              f.fleet.create_vehicle(f.dispatcher, van(" 吉b12345 "));
          }) == Fields{"plate"});
    CHECK(failing_fields(ErrorKind::conflict, [&] {
              f.fleet.update_vehicle(f.dispatcher, b.id, {.plate = "吉B12345"});
          }) == Fields{"plate"});
    CHECK(f.counts() == before);
    // Its own plate in another case is no clash.
    CHECK(f.fleet.update_vehicle(f.dispatcher, a.id, {.plate = "吉b12345"}).plate == "吉b12345");
}

TEST_CASE("a deactivated entity stays listed and the active filter selects it",
          "[storage][fleet]") {
    FleetFixture f;
    const Driver a = f.fleet.create_driver(f.dispatcher, volunteer("张伟"));
    const Driver b = f.fleet.create_driver(f.dispatcher, volunteer("王芳"));
    const Driver off = f.fleet.update_driver(f.dispatcher, a.id, {.active = false});
    CHECK_FALSE(off.active);
    CHECK(off.name == "张伟");

    auto all = f.fleet.list_drivers(f.dispatcher, {}, {});
    REQUIRE(all.items.size() == 2);
    CHECK_FALSE(all.items[0].active);
    CHECK(all.items[1].active);
    auto active = f.fleet.list_drivers(f.dispatcher, {true, std::nullopt}, {});
    REQUIRE(active.items.size() == 1);
    CHECK(active.items[0].id == b.id);
    auto inactive = f.fleet.list_drivers(f.dispatcher, {false, std::nullopt}, {});
    REQUIRE(inactive.items.size() == 1);
    CHECK(inactive.items[0].id == a.id);
    CHECK(f.count("drivers") == 2);

    const Vehicle v = f.fleet.create_vehicle(f.dispatcher, van());
    f.fleet.update_vehicle(f.dispatcher, v.id, {.active = false});
    CHECK(f.fleet.list_vehicles(f.dispatcher, {false, std::nullopt}, {}).items.size() == 1);
    CHECK(f.fleet.list_vehicles(f.dispatcher, {true, std::nullopt}, {}).items.empty());
    const Patient p = f.fleet.create_patient(f.dispatcher, patient());
    f.fleet.update_patient(f.dispatcher, p.id, {.active = false});
    CHECK(
        f.fleet.list_patients(f.dispatcher, {false, std::nullopt, std::nullopt}, {}).items.size() ==
        1);
    CHECK_FALSE(f.fleet.get_patient(f.dispatcher, p.id).active);
}

TEST_CASE("every write is audited with who, what, before and after", "[storage][fleet]") {
    FleetFixture f;
    const Place c = f.fleet.create_place(f.dispatcher, center());
    f.fleet.update_place(f.admin, c.id, {.name = "吉林市人民医院透析室"});
    f.fleet.update_place(f.admin, c.id, {.name = "吉林市人民医院透析室"});  // no change: no row
    f.fleet.update_place(f.dispatcher, c.id, {.active = false});
    const Driver d = f.fleet.create_driver(f.dispatcher, volunteer());
    f.fleet.add_absence(f.dispatcher, d.id, {day_of(2022, 4, 1), day_of(2022, 4, 7)});
    const Vehicle v = f.fleet.create_vehicle(f.dispatcher, van());
    f.fleet.update_vehicle(f.dispatcher, v.id, {.driver_id = d.id});
    const Patient p = f.fleet.create_patient(f.dispatcher, patient());
    f.fleet.update_patient(f.dispatcher, p.id, {.ride_alone = true});

    const auto rows = audit_rows(f.db);
    REQUIRE(rows.size() == 9);
    CHECK(rows[0].entity == "place");
    CHECK(rows[0].entity_id == c.id);
    CHECK(rows[0].action == "create");
    CHECK(rows[0].user_id == 7);
    CHECK(rows[0].username == "dispatch-wang");
    CHECK(rows[0].before.empty());
    CHECK(contains(rows[0].after, "\"name\":\"吉林市中心医院血液透析中心\""));

    CHECK(rows[1].action == "update");
    CHECK(rows[1].username == "admin");
    CHECK(contains(rows[1].before, "吉林市中心医院血液透析中心"));
    CHECK(contains(rows[1].after, "吉林市人民医院透析室"));

    CHECK(rows[2].action == "deactivate");
    CHECK(contains(rows[2].before, "\"active\":true"));
    CHECK(contains(rows[2].after, "\"active\":false"));

    CHECK(rows[3].entity == "driver");
    CHECK(contains(rows[3].after,
                   "\"shifts\":[{\"weekday\":1,\"start\":\"07:00\",\"end\":\"12:00\"}"));
    CHECK(rows[4].action == "add_absence");
    CHECK(contains(rows[4].before, "\"absences\":[]"));
    CHECK(contains(rows[4].after, "\"from\":\"2022-04-01\",\"to\":\"2022-04-07\""));

    CHECK(rows[5].entity == "vehicle");
    CHECK(rows[6].action == "update");
    CHECK_FALSE(contains(rows[6].before, "driver_id"));
    CHECK(contains(rows[6].after, "\"driver_id\":" + std::to_string(d.id)));

    CHECK(rows[7].entity == "patient");
    CHECK(rows[7].entity_id == p.id);
    CHECK(contains(rows[8].before, "\"ride_alone\":false"));
    CHECK(contains(rows[8].after, "\"ride_alone\":true"));
}

TEST_CASE("only dispatchers and admins manage the fleet", "[storage][fleet]") {
    FleetFixture f;
    const Place c = f.fleet.create_place(f.dispatcher, center());
    const Driver d = f.fleet.create_driver(f.dispatcher, volunteer());
    const Vehicle v = f.fleet.create_vehicle(f.dispatcher, van());
    const Patient p = f.fleet.create_patient(f.dispatcher, patient(c.id));
    const Actor driver{9, "zhangwei", Role::driver, d.id};
    const auto before = f.counts();

    const std::vector<std::function<void()>> calls{
        [&] { f.fleet.create_place(driver, center()); },
        [&] { f.fleet.get_place(driver, c.id); },
        [&] { f.fleet.list_places(driver, {}, {}); },
        [&] { f.fleet.update_place(driver, c.id, {.name = "x"}); },
        [&] { f.fleet.create_driver(driver, volunteer()); },
        [&] { f.fleet.get_driver(driver, d.id); },
        [&] { f.fleet.list_drivers(driver, {}, {}); },
        [&] { f.fleet.update_driver(driver, d.id, {.active = false}); },
        [&] {
            f.fleet.add_absence(driver, d.id, {day_of(2022, 4, 1), day_of(2022, 4, 2)});
        },
        [&] { f.fleet.create_vehicle(driver, van("吉A99999")); },
        [&] { f.fleet.get_vehicle(driver, v.id); },
        [&] { f.fleet.list_vehicles(driver, {}, {}); },
        [&] { f.fleet.update_vehicle(driver, v.id, {.seats = 3}); },
        [&] { f.fleet.create_patient(driver, patient()); },
        [&] { f.fleet.get_patient(driver, p.id); },
        [&] { f.fleet.list_patients(driver, {}, {}); },
        [&] { f.fleet.update_patient(driver, p.id, {.name = "x"}); },
    };
    for (std::size_t i = 0; i < calls.size(); ++i) {
        INFO("call " << i);
        CHECK(kind_of(calls[i]) == ErrorKind::forbidden);
    }
    // Forbidden before validation: a driver learns nothing about the input rules.
    CHECK(kind_of([&] { f.fleet.create_place(driver, Place{}); }) == ErrorKind::forbidden);
    CHECK(f.counts() == before);
}

TEST_CASE("a driver sees a patient only while dispatch has them on the driver's routes",
          "[storage][fleet][privacy]") {
    FleetFixture f;
    const Place c = f.fleet.create_place(f.dispatcher, center());
    const Driver zhang = f.fleet.create_driver(f.dispatcher, volunteer("张伟"));
    const Driver wang = f.fleet.create_driver(f.dispatcher, volunteer("王芳"));
    const Vehicle v1 = f.fleet.create_vehicle(f.dispatcher, van("吉B00001"));
    const Vehicle v2 = f.fleet.create_vehicle(f.dispatcher, van("吉B00002"));
    const Patient today = f.fleet.create_patient(f.dispatcher, patient(c.id, "今天"));
    const Patient yesterday = f.fleet.create_patient(f.dispatcher, patient(c.id, "昨天"));
    const Patient tomorrow = f.fleet.create_patient(f.dispatcher, patient(c.id, "明天"));
    const Patient last_week = f.fleet.create_patient(f.dispatcher, patient(c.id, "上周"));
    const Patient carried = f.fleet.create_patient(f.dispatcher, patient(c.id, "载过"));
    const Patient stranger = f.fleet.create_patient(f.dispatcher, patient(c.id, "别人"));

    // Local dates in the organisation's zone (Asia/Shanghai by default).
    const auto zone = find_zone("Asia/Shanghai");
    const auto date_in = [&](int offset) {
        return format_date(local_date(f.clock.now() + hours{24 * offset}, zone));
    };
    f.db.write([&](Connection& conn) {
        conn.exec(
            "INSERT INTO users (id, username, password_hash, role, created_at) "
            "VALUES (1, 'admin', 'x', 'admin', 0)");
        auto on_route = [&](DriverId driver, VehicleId vehicle, PatientId p,
                            const std::string& date) {
            Statement rq(conn,
                         "INSERT INTO requests (patient_id, direction, service_date, pickup_lat, "
                         "pickup_lon, dropoff_lat, dropoff_lon, status, source, created_at, "
                         "updated_at) VALUES (?, 'to_center', ?, 43.8, 126.5, 43.85, 126.54, "
                         "'scheduled', 'manual', 0, 0)");
            rq.bind_all(p, date).run();
            const auto request = conn.last_insert_id();
            Statement rt(conn,
                         "INSERT INTO routes (service_date, vehicle_id, driver_id, created_at) "
                         "VALUES (?, ?, ?, 0)");
            rt.bind_all(date, vehicle, driver).run();
            const auto route = conn.last_insert_id();
            Statement st(conn,
                         "INSERT INTO route_stops (route_id, seq, request_id, kind, eta) "
                         "VALUES (?, 0, ?, 'pickup', 0), (?, 1, ?, 'dropoff', 0)");
            st.bind_all(route, request, route, request).run();
        };
        on_route(zhang.id, v1.id, today.id, date_in(0));
        on_route(zhang.id, v1.id, yesterday.id, date_in(-1));
        on_route(zhang.id, v1.id, tomorrow.id, date_in(1));
        on_route(zhang.id, v1.id, last_week.id, date_in(-7));
        on_route(wang.id, v2.id, stranger.id, date_in(0));
        // A ride zhang logged an hour ago grants nothing: dispatch never gave them `carried`.
        Statement trip(conn,
                       "INSERT INTO trips (driver_id, vehicle_id, started_at, odometer_start, "
                       "created_by) VALUES (?, ?, ?, 100, 1)");
        trip.bind_all(zhang.id, v1.id, f.clock.now().time_since_epoch().count() - 3600).run();
        Statement ride(conn,
                       "INSERT INTO rides (trip_id, patient_id, outcome) VALUES (?, ?, 'aboard')");
        ride.bind_all(conn.last_insert_id(), carried.id).run();
    });

    const Actor driver{9, "zhangwei", Role::driver, zhang.id};
    CHECK(f.fleet.patient_for(driver, today.id).name == "今天");
    CHECK(f.fleet.patient_for(driver, yesterday.id).name == "昨天");
    CHECK(f.fleet.patient_for(driver, tomorrow.id).name == "明天");
    CHECK(kind_of([&] { f.fleet.patient_for(driver, last_week.id); }) == ErrorKind::not_found);
    CHECK(kind_of([&] { f.fleet.patient_for(driver, carried.id); }) == ErrorKind::not_found);
    CHECK(kind_of([&] { f.fleet.patient_for(driver, stranger.id); }) == ErrorKind::not_found);
    CHECK(kind_of([&] { f.fleet.patient_for(driver, 4242); }) == ErrorKind::not_found);

    const Actor other{10, "wangfang", Role::driver, wang.id};
    CHECK(kind_of([&] { f.fleet.patient_for(other, today.id); }) == ErrorKind::not_found);
    CHECK(f.fleet.patient_for(other, stranger.id).name == "别人");

    const Actor unlinked{11, "nobody", Role::driver, std::nullopt};
    CHECK(kind_of([&] { f.fleet.patient_for(unlinked, today.id); }) == ErrorKind::forbidden);

    CHECK(f.fleet.patient_for(f.dispatcher, last_week.id).name == "上周");
    CHECK(kind_of([&] { f.fleet.patient_for(f.dispatcher, 4242); }) == ErrorKind::not_found);
}
