// The Reports facade over real SQLite: local month and day boundaries (also across DST),
// months adding up to the year, odometer integrity, occupancy and mileage statements.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "lifeline/core/errors.h"
#include "lifeline/core/fleet/fleet.h"
#include "lifeline/core/geo.h"
#include "lifeline/core/ledger/ledger.h"
#include "lifeline/core/reports/reports.h"
#include "lifeline/core/settings.h"
#include "lifeline/storage/database.h"
#include "lifeline/storage/fleet_store.h"
#include "lifeline/storage/report_store.h"
#include "lifeline/storage/settings_store.h"
#include "lifeline/storage/trip_store.h"
#include "temp_dir.h"

using namespace lifeline;
using namespace lifeline::storage;
using lifeline::testing::TempDir;

namespace {

LocalDate ymd(int y, unsigned m, unsigned d) {
    return LocalDate{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

Instant at(const char* rfc3339) {
    auto t = parse_instant(rfc3339);
    REQUIRE(t);
    return *t;
}

struct ReportFixture {
    TempDir dir;
    // Later than every trip the tests log, whatever the day they run.
    ManualClock clock{*parse_instant("2026-06-01T12:00:00+08:00")};
    Database db{{dir.file("reports.db"), 256, 64, &clock}};
    SqliteFleetStore fleet_store{db};
    SqliteTripStore trip_store{db};
    SqliteSettingsStore settings_store{db};
    SqliteReportStore report_store{db};
    SettingsService settings{settings_store, clock};
    Fleet fleet{fleet_store, settings, clock};
    Ledger ledger{trip_store, settings, clock};
    Reports reports{report_store, settings};
    Actor admin{1, "admin", Role::admin, std::nullopt};
    Actor dispatcher{2, "dispatch-li", Role::dispatcher, std::nullopt};
    Instant now = at("2026-01-01T00:00:00Z");

    PlaceId center = 0;
    DriverId wang = 0, li = 0;
    VehicleId sedan = 0, van = 0;  // sedan: Wang's own car; van: Li's
    PatientId sun = 0, zhou = 0;

    ReportFixture() {
        db.write([](Connection& c) {
            c.exec(
                "INSERT INTO users (id, username, password_hash, role, created_at) VALUES "
                "(1, 'admin', 'x', 'admin', 0), (2, 'dispatch-li', 'x', 'dispatcher', 0)");
        });
        Place p;
        p.name = "吉林市中心医院";
        p.location = {43.845, 126.542};
        p.kind = PlaceKind::dialysis_center;
        center = fleet.create_place(admin, p).id;
        wang = driver("王建国");
        li = driver("李红梅, \"Plum\"");
        sedan = vehicle("吉B·A0001", wang, 1000);
        van = vehicle("吉B·V0002", li, 5000);
        sun = patient("孙秀英", {43.88, 126.58});
        zhou = patient("周志强", {43.80, 126.50});
    }

    DriverId driver(const std::string& name) {
        Driver d;
        d.name = name;
        d.group = "民建";
        d.home = {43.83, 126.54};
        return fleet.create_driver(admin, d).id;
    }
    VehicleId vehicle(const std::string& plate, DriverId owner, double odometer) {
        Vehicle v;
        v.plate = plate;
        v.seats = 4;
        v.driver_id = owner;
        v.odometer_km = odometer;
        return fleet.create_vehicle(admin, v).id;
    }
    PatientId patient(const std::string& name, GeoPoint home) {
        Patient p;
        p.name = name;
        p.location = home;
        p.center_id = center;
        return fleet.create_patient(admin, p).id;
    }

    void use_zone(const std::string& zone) {
        SettingsPatch p;
        p.time_zone = zone;
        settings.update(admin, p);
    }

    // A finished trip of one hour with one completed ride in its middle.
    Trip trip(DriverId d, VehicleId v, Instant start, double odo_start, double odo_end,
              std::optional<std::pair<double, double>> readings = std::nullopt, PatientId who = 0,
              bool correction = false) {
        TripInput in;
        in.driver_id = d;
        in.vehicle_id = v;
        in.started_at = start;
        in.ended_at = start + std::chrono::hours{1};
        in.odometer_start = odo_start;
        in.odometer_end = odo_end;
        Ride r;
        r.patient_id = who ? who : sun;
        r.picked_up_at = start + std::chrono::minutes{10};
        r.dropped_off_at = start + std::chrono::minutes{40};
        if (readings) {
            r.odometer_pickup = readings->first;
            r.odometer_dropoff = readings->second;
        }
        in.rides.push_back(r);
        if (correction) {
            in.confirm_odometer_correction = true;
            in.reason = "dashboard replaced";
        }
        return ledger.open_or_log(dispatcher, in);
    }
};

const DayLine& day_of(const MonthlyReport& r, unsigned d) {
    for (const DayLine& line : r.days)
        if (line.date.day() == std::chrono::day{d})
            return line;
    FAIL("no day " << d);
    return r.days.front();
}

}  // namespace

TEST_CASE("monthly report splits at local midnight", "[storage][report]") {
    ReportFixture f;
    // 15:59:59Z is still 23:59:59 on 31 March in Shanghai; 16:30Z is 00:30 on 1 April.
    f.trip(f.wang, f.sedan, at("2022-03-31T15:59:59Z"), 1000, 1010);
    f.trip(f.wang, f.sedan, at("2022-03-31T16:30:00Z"), 1010, 1030);

    auto march = f.reports.monthly(f.dispatcher, ymd(2022, 3, 1), f.now);
    auto april = f.reports.monthly(f.dispatcher, ymd(2022, 4, 1), f.now);
    CHECK(march.from == at("2022-02-28T16:00:00Z"));
    CHECK(march.to == at("2022-03-31T16:00:00Z"));
    CHECK(march.totals.trips == 1);
    CHECK(march.totals.meters == 10'000);
    CHECK(day_of(march, 31).meters == 10'000);
    CHECK(march.days.size() == 31);
    CHECK(april.totals.trips == 1);
    CHECK(april.totals.meters == 20'000);
    CHECK(april.totals.rides == 1);
    CHECK(day_of(april, 1).trips == 1);
    CHECK(april.days.size() == 30);
}

TEST_CASE("monthly report days follow Europe/Berlin across both DST changes", "[storage][report]") {
    ReportFixture f;
    f.use_zone("Europe/Berlin");
    // March 2022: CET (+1) until 27 March 01:00Z, then CEST (+2).
    f.trip(f.wang, f.sedan, at("2022-02-28T23:30:00Z"), 1000, 1001);  // 1 Mar 00:30 CET
    f.trip(f.wang, f.sedan, at("2022-03-26T23:30:00Z"), 1001, 1003);  // 27 Mar 00:30 CET
    f.trip(f.wang, f.sedan, at("2022-03-27T22:30:00Z"), 1003, 1007);  // 28 Mar 00:30 CEST
    f.trip(f.wang, f.sedan, at("2022-03-31T21:30:00Z"), 1007, 1015);  // 31 Mar 23:30 CEST
    f.trip(f.wang, f.sedan, at("2022-03-31T22:30:00Z"), 1015, 1031);  // 1 Apr 00:30 CEST
    // October 2022: CEST until 30 October 01:00Z, then CET.
    f.trip(f.wang, f.sedan, at("2022-10-29T22:30:00Z"), 1031, 1032);  // 30 Oct 00:30 CEST
    f.trip(f.wang, f.sedan, at("2022-10-30T22:30:00Z"), 1032, 1034);  // 30 Oct 23:30 CET
    f.trip(f.wang, f.sedan, at("2022-10-30T23:30:00Z"), 1034, 1038);  // 31 Oct 00:30 CET

    auto march = f.reports.monthly(f.dispatcher, ymd(2022, 3, 1), f.now);
    CHECK(march.from == at("2022-02-28T23:00:00Z"));
    CHECK(march.to == at("2022-03-31T22:00:00Z"));
    CHECK(march.totals.trips == 4);
    CHECK(day_of(march, 1).meters == 1'000);
    CHECK(day_of(march, 26).meters == 0);
    CHECK(day_of(march, 27).meters == 2'000);
    CHECK(day_of(march, 28).meters == 4'000);
    CHECK(day_of(march, 31).meters == 8'000);

    auto october = f.reports.monthly(f.dispatcher, ymd(2022, 10, 1), f.now);
    CHECK(october.totals.trips == 3);
    CHECK(day_of(october, 29).trips == 0);
    CHECK(day_of(october, 30).meters == 3'000);
    CHECK(day_of(october, 31).meters == 4'000);

    WholeMeters days = 0;
    for (const DayLine& d : october.days)
        days += d.meters;
    CHECK(days == october.totals.meters);
}

TEST_CASE("twelve monthly reports add up exactly to the year", "[storage][report]") {
    ReportFixture f;
    f.use_zone("Europe/Berlin");
    // Trips every ~31 hours through 2022 and a bit beyond, at every hour of the day, with
    // odd fractions of a km; some rides measured, some no-shows.
    double odo_sedan = 1000, odo_van = 5000;
    Instant t = at("2021-12-31T20:00:00Z");
    std::uint64_t seed = 7;
    int n = 0;
    while (t < at("2023-01-01T02:00:00Z")) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        const double km = 3.0 + double((seed >> 33) % 90000) / 1000.0;  // 3 to 93 km, in m
        const bool on_van = (n % 3) == 0;
        double& odo = on_van ? odo_van : odo_sedan;
        std::optional<std::pair<double, double>> readings;
        if (n % 4 == 0)
            readings = std::pair{odo + 1.0, odo + km - 0.5};
        f.trip(on_van ? f.li : f.wang, on_van ? f.van : f.sedan, t, odo, odo + km, readings,
               n % 2 ? f.sun : f.zhou);
        odo += km;
        t += std::chrono::minutes{31 * 60 + 17};
        ++n;
    }

    std::int64_t trips = 0, rides = 0;
    WholeMeters meters = 0;
    for (unsigned m = 1; m <= 12; ++m) {
        auto r = f.reports.monthly(f.dispatcher, ymd(2022, m, 1), f.now);
        trips += r.totals.trips;
        rides += r.totals.rides;
        meters += r.totals.meters;

        // Within a month, days, drivers and vehicles each add up to the totals.
        WholeMeters by_day = 0, by_driver = 0, by_vehicle = 0;
        std::int64_t rides_by_day = 0;
        for (const auto& d : r.days) {
            by_day += d.meters;
            rides_by_day += d.rides;
        }
        for (const auto& d : r.drivers)
            by_driver += d.meters;
        for (const auto& v : r.vehicles)
            by_vehicle += v.meters;
        CHECK(by_day == r.totals.meters);
        CHECK(rides_by_day == r.totals.rides);
        CHECK(by_driver == r.totals.meters);
        CHECK(by_vehicle == r.totals.meters);
        CHECK(r.occupancy.occupied_meters + r.occupancy.empty_meters == r.totals.meters);
        CHECK(r.odometer.empty());
    }
    auto year = f.reports.totals(f.dispatcher, ymd(2022, 1, 1), ymd(2022, 12, 1), f.now);
    REQUIRE(year.months.size() == 12);
    CHECK(year.trips == trips);
    CHECK(year.rides == rides);
    CHECK(year.meters == meters);
    CHECK(year.months.back().cumulative_meters == meters);
    // The goal period is 2022 (the default): its progress is the year's.
    CHECK(year.progress.rides == rides);
    CHECK(year.progress.meters == meters);
    CHECK(year.progress.rides_fraction == Approx(double(rides) / 7306.0));
    REQUIRE(year.progress.projected_km);
    CHECK(*year.progress.projected_km == Approx(km_of(meters)));
    CHECK(year.months.back().goal_pace_km == Approx(380000.0));
    CHECK(trips > 270);  // the trips before and after 2022 are outside
    CHECK(trips < n);

    SECTION("mid-year, progress is projected at the pace so far") {
        auto mid = f.reports.totals(f.dispatcher, ymd(2022, 1, 1), ymd(2022, 6, 1),
                                    at("2022-07-01T12:00:00Z"));
        CHECK(mid.progress.as_of == at("2022-07-01T12:00:00Z"));
        REQUIRE(mid.progress.projected_rides);
        CHECK(*mid.progress.projected_rides > double(mid.progress.rides) * 1.9);
        // Progress is of the goal period up to now, whatever months the report shows.
        for (auto [from, to] : {std::pair{3u, 5u}, std::pair{1u, 12u}, std::pair{8u, 9u}}) {
            auto other = f.reports.totals(f.dispatcher, ymd(2022, from, 1), ymd(2022, to, 1),
                                          at("2022-07-01T12:00:00Z"));
            CHECK(other.progress.rides == mid.progress.rides);
            CHECK(other.progress.meters == mid.progress.meters);
        }
        WholeMeters first_half = 0;
        for (const auto& m : mid.months)
            first_half += m.meters;
        CHECK(mid.progress.meters > first_half);  // and the first half-day of July
    }
}

TEST_CASE("ride counts in totals and statements follow every correction of a trip's rides",
          "[storage][report]") {
    // Totals and statements count rides from each trip's completed_rides (saved with it);
    // the monthly report counts them from the rides themselves. They must always agree.
    ReportFixture f;
    const Trip first = f.trip(f.wang, f.sedan, at("2022-03-02T01:00:00Z"), 1000, 1050);
    f.trip(f.wang, f.sedan, at("2022-03-09T01:00:00Z"), 1050, 1080);
    const auto rides_everywhere = [&] {
        const auto month = f.reports.monthly(f.dispatcher, ymd(2022, 3, 1), f.now);
        const auto totals = f.reports.totals(f.dispatcher, ymd(2022, 3, 1), ymd(2022, 3, 1), f.now);
        const auto statements = f.reports.statements(f.dispatcher, ymd(2022, 3, 1), f.wang, f.now);
        std::int64_t on_statement = 0;
        for (const auto& t : statements.statements.at(0).trips)
            on_statement += t.rides;
        CHECK(totals.rides == month.totals.rides);
        CHECK(on_statement == month.totals.rides);
        return month.totals.rides;
    };
    const auto correct_rides = [&](std::vector<Ride> rides) {
        TripCorrection c;
        c.rides = std::move(rides);
        c.reason = "rides entered wrongly";
        return f.ledger.correct(f.dispatcher, first.id, c).rides;
    };
    REQUIRE(rides_everywhere() == 2);

    std::vector<Ride> rides = first.rides;
    const Ride taken = rides[0];
    rides[0].outcome = RideOutcome::no_show;
    rides[0].picked_up_at.reset();
    rides[0].dropped_off_at.reset();
    rides = correct_rides(rides);
    CHECK(rides_everywhere() == 1);

    Ride extra = taken;
    extra.id = 0;
    extra.patient_id = f.zhou;
    rides.push_back(extra);
    rides.push_back(extra);
    rides = correct_rides(rides);
    REQUIRE(rides.size() == 3);
    CHECK(rides_everywhere() == 3);

    rides.pop_back();  // a mistaken ride removed
    rides = correct_rides(rides);
    CHECK(rides_everywhere() == 2);

    // The no-show was a ride after all.
    rides[0].outcome = RideOutcome::completed;
    rides[0].picked_up_at = taken.picked_up_at;
    rides[0].dropped_off_at = taken.dropped_off_at;
    correct_rides(rides);
    CHECK(rides_everywhere() == 3);

    correct_rides({});
    CHECK(rides_everywhere() == 1);
}

TEST_CASE("odometer readings that go backwards or skip km are listed, not fixed",
          "[storage][report]") {
    ReportFixture f;
    auto feb = f.trip(f.wang, f.sedan, at("2022-02-27T01:00:00Z"), 1000, 1050);
    // First March trip skips 20 km after February's last reading.
    auto skip = f.trip(f.wang, f.sedan, at("2022-03-02T01:00:00Z"), 1070, 1100);
    // A dispatcher accepted a reading below the last one.
    auto back =
        f.trip(f.wang, f.sedan, at("2022-03-03T01:00:00Z"), 1090, 1120, std::nullopt, 0, true);
    f.trip(f.wang, f.sedan, at("2022-03-04T01:00:00Z"), 1120, 1130);  // clean
    f.trip(f.li, f.van, at("2022-03-04T01:00:00Z"), 5000, 5010);      // clean
    // Still open, and 5 km above the last reading: checked, though not yet counted.
    TripInput open;
    open.driver_id = f.wang;
    open.vehicle_id = f.sedan;
    open.started_at = at("2022-03-05T01:00:00Z");
    open.odometer_start = 1135;
    const Trip still_open = f.ledger.open_or_log(f.dispatcher, open);

    auto r = f.reports.monthly(f.dispatcher, ymd(2022, 3, 1), f.now);
    REQUIRE(r.odometer.size() == 3);
    const auto& a = r.odometer[0];
    CHECK(a.issue == OdometerIssue::unlogged);
    CHECK(a.previous_trip == feb.id);
    CHECK(a.trip == skip.id);
    CHECK(a.gap_km == Approx(20.0));
    CHECK(a.plate == "吉B·A0001");
    const auto& b = r.odometer[1];
    CHECK(b.issue == OdometerIssue::backwards);
    CHECK(b.previous_trip == skip.id);
    CHECK(b.trip == back.id);
    CHECK(b.gap_km == Approx(-10.0));
    const auto& c = r.odometer[2];
    CHECK(c.issue == OdometerIssue::unlogged);
    CHECK(c.trip == still_open.id);
    CHECK(c.previous_reading == Approx(1130));
    CHECK(c.gap_km == Approx(5.0));
    // The km stay as logged: every trip counts its own readings.
    CHECK(r.totals.meters == (30 + 30 + 10 + 10) * 1000);
    CHECK(r.totals.trips == 4);
    CHECK(r.totals.open_trips == 1);
    REQUIRE(r.vehicles.size() == 2);
    CHECK(r.vehicles[0].trips == 3);
    CHECK(r.vehicles[0].first_odometer == Approx(1070));
    CHECK(r.vehicles[0].last_odometer == Approx(1130));
}

TEST_CASE("occupied km are measured from readings, else estimated and marked",
          "[storage][report]") {
    ReportFixture f;
    f.trip(f.wang, f.sedan, at("2022-03-02T01:00:00Z"), 1000, 1040,
           std::pair{1010.0, 1030.0});  // 20 km aboard
    auto r = f.reports.monthly(f.dispatcher, ymd(2022, 3, 1), f.now);
    CHECK(r.occupancy.measured_trips == 1);
    CHECK(r.occupancy.occupied_meters == 20'000);
    CHECK(r.occupancy.empty_meters == 20'000);
    CHECK_FALSE(r.occupancy.estimated);

    f.trip(f.wang, f.sedan, at("2022-03-03T01:00:00Z"), 1040, 1080);  // no readings
    r = f.reports.monthly(f.dispatcher, ymd(2022, 3, 1), f.now);
    CHECK(r.occupancy.estimated);
    CHECK(r.occupancy.estimated_trips == 1);
    const double expected = lifeline::haversine_m({43.88, 126.58}, {43.845, 126.542}) / 1000.0 *
                            1.3;  // home → center × detour
    CHECK(km_of(r.occupancy.estimated_occupied_meters) == Approx(expected).margin(0.001));
    CHECK(r.occupancy.occupied_meters + r.occupancy.empty_meters == r.totals.meters);
}

TEST_CASE("a mileage statement counts own-car km at the per-km rate and is approved once",
          "[storage][report]") {
    ReportFixture f;
    SettingsPatch rate;
    rate.per_km_rate = 0.8;
    f.settings.update(f.admin, rate);
    f.trip(f.wang, f.sedan, at("2022-03-02T01:00:00Z"), 1000, 1052.3);
    f.trip(f.wang, f.sedan, at("2022-03-09T01:00:00Z"), 1052.3, 1083.4);
    f.trip(f.wang, f.van, at("2022-03-10T01:00:00Z"), 5000, 5040);  // not his car
    f.trip(f.li, f.van, at("2022-03-11T01:00:00Z"), 5040, 5050);

    auto all = f.reports.statements(f.dispatcher, ymd(2022, 3, 1), std::nullopt, f.now);
    REQUIRE(all.statements.size() == 2);
    const auto& wang = all.statements[0];
    CHECK(wang.driver_id == f.wang);
    CHECK(wang.trips.size() == 2);
    CHECK(wang.meters == 83'400);
    CHECK(wang.amount == Approx(66.72));
    CHECK(wang.currency == "CNY");
    CHECK_FALSE(wang.approval);
    CHECK(all.statements[1].meters == 10'000);

    Actor driver{9, "wang", Role::driver, f.wang};
    SECTION("a driver reads their own statement only") {
        auto own = f.reports.statements(driver, ymd(2022, 3, 1), std::nullopt, f.now);
        REQUIRE(own.statements.size() == 1);
        CHECK(own.statements[0].driver_id == f.wang);
        CHECK_THROWS_AS(f.reports.statements(driver, ymd(2022, 3, 1), f.li, f.now), Error);
        CHECK_THROWS_AS(f.reports.approve(driver, f.wang, ymd(2022, 3, 1), f.now), Error);
        CHECK_THROWS_AS(f.reports.monthly(driver, ymd(2022, 3, 1), f.now), Error);
    }
    SECTION("approval is stored with the audit entry, and only once") {
        auto approved = f.reports.approve(f.dispatcher, f.wang, ymd(2022, 3, 1), f.now);
        REQUIRE(approved.approval);
        CHECK(approved.approval->amount == Approx(66.72));
        auto again = f.reports.statements(f.dispatcher, ymd(2022, 3, 1), f.wang, f.now);
        REQUIRE(again.statements[0].approval);
        CHECK(again.statements[0].approval->approved_by_name == "dispatch-li");
        CHECK_FALSE(again.statements[0].changed_since_approval);
        const auto audits = f.db.read([](Connection& c) {
            Statement st(c,
                         "SELECT count(*) FROM audit_log WHERE entity = 'statement' "
                         "AND action = 'approve'");
            st.step();
            return st.get_int(0);
        });
        CHECK(audits == 1);
        try {
            f.reports.approve(f.dispatcher, f.wang, ymd(2022, 3, 1), f.now);
            FAIL("approved twice");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::conflict);
        }
    }
    SECTION("an unknown driver is not found") {
        try {
            f.reports.statements(f.dispatcher, ymd(2022, 3, 1), 999, f.now);
            FAIL("found");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::not_found);
        }
    }
}

TEST_CASE("offset segments split a month at DST changes only", "[storage][report]") {
    auto segs = offset_segments(parse_instant("2022-02-28T23:00:00Z").value(),
                                parse_instant("2022-03-31T22:00:00Z").value(), "Europe/Berlin");
    REQUIRE(segs.size() == 2);
    CHECK(segs[0].offset == std::chrono::hours{1});
    CHECK(segs[0].to == parse_instant("2022-03-27T01:00:00Z").value());
    CHECK(segs[1].offset == std::chrono::hours{2});
    CHECK(offset_segments(parse_instant("2022-02-28T16:00:00Z").value(),
                          parse_instant("2022-03-31T16:00:00Z").value(), "Asia/Shanghai")
              .size() == 1);
}
