// Run sheets: a day's routes as sheets in the order they are driven, each stop with its
// planned local time and what the driver needs; the printable page in both languages.
#include <catch2/catch.hpp>

#include <string>

#include "lifeline/core/dispatch/run_sheets.h"
#include "lifeline/core/time.h"

using namespace lifeline;

namespace {

LocalDate nov30() {
    return LocalDate{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{30}};
}

Instant at(const char* rfc3339) {
    return *parse_instant(rfc3339);
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1))
        ++n;
    return n;
}

// Two routes of the 30th in Jilin: the later one has the smaller id; the earlier one
// carries a wheelchair user with an escort to the center and back, and a request whose
// record is gone.
RunSheetInputs day_inputs() {
    RunSheetInputs in;
    in.organisation = "吉林市志愿车队";
    in.time_zone = "Asia/Shanghai";
    in.date = nov30();
    Place center;
    center.id = 7;
    center.name = "吉林市中心医院";
    in.places.push_back(center);
    Driver d1;
    d1.id = 1;
    d1.name = "王建国";
    d1.phone = "13904321000";
    Driver d2;
    d2.id = 2;
    d2.name = "李红梅";
    in.drivers = {d1, d2};
    Vehicle v1;
    v1.id = 11;
    v1.plate = "吉B·A0001";
    v1.description = "面包车";
    v1.color = "白色";
    Vehicle v2;
    v2.id = 12;
    v2.plate = "吉B·V0002";
    in.vehicles = {v1, v2};
    Patient p;
    p.id = 5;
    p.name = "<b>&\"";
    p.phone = "15843212000";
    p.escort = true;
    p.notes = "三楼，无电梯";
    in.patients.push_back(p);
    RideRequest q;
    q.id = 100;
    q.patient_id = 5;
    q.wheelchair = true;
    q.passengers = 2;
    q.pickup.address = "昌邑区1号";
    q.dropoff.place_id = 7;
    q.dropoff.address = "吉林市中心医院, 船营区";
    q.notes = "带透析包";
    in.requests.push_back(q);

    Route late;
    late.id = 3;
    late.driver_id = 2;
    late.vehicle_id = 12;
    late.starts_at = at("2026-11-30T05:00:00Z");  // 13:00 local
    late.ends_at = at("2026-11-30T16:20:00Z");    // 00:20 the next day
    Route early;
    early.id = 8;
    early.driver_id = 1;
    early.vehicle_id = 11;
    early.starts_at = at("2026-11-29T22:00:00Z");  // 06:00 local
    early.ends_at = at("2026-11-30T00:10:00Z");
    early.stops = {{100, StopKind::pickup, at("2026-11-29T22:09:02Z")},
                   {999, StopKind::pickup, at("2026-11-29T22:20:00Z")},
                   {100, StopKind::dropoff, at("2026-11-29T22:30:59Z")}};
    in.routes = {late, early};
    return in;
}

}  // namespace

TEST_CASE("run sheets list the day's routes as driven, stops in order at local times",
          "[core][dispatch][runsheet]") {
    const RunSheetDay day = build_run_sheets(day_inputs());
    CHECK(day.organisation == "吉林市志愿车队");
    REQUIRE(day.sheets.size() == 2);
    const RunSheet& first = day.sheets[0];
    CHECK(first.route_id == 8);  // starts at 06:00, before route 3 at 13:00
    CHECK(day.sheets[1].route_id == 3);
    CHECK(first.driver_name == "王建国");
    CHECK(first.driver_phone == "13904321000");
    CHECK(first.plate == "吉B·A0001");
    CHECK(first.vehicle == "面包车 · 白色");
    CHECK(first.starts == "06:00");
    CHECK(first.ends == "08:10");
    CHECK(day.sheets[1].ends == "00:20 +1");  // past midnight says so

    // The stop whose request is gone is left out; the others keep their order.
    REQUIRE(first.stops.size() == 2);
    const RunSheetStop& pickup = first.stops[0];
    CHECK(pickup.seq == 1);
    CHECK(pickup.kind == StopKind::pickup);
    CHECK(pickup.time == "06:09");  // local, to the minute
    CHECK(pickup.patient_name == "<b>&\"");
    CHECK(pickup.phone == "15843212000");
    CHECK(pickup.wheelchair);
    CHECK(pickup.escort);
    CHECK(pickup.passengers == 2);
    CHECK(pickup.place.empty());
    CHECK(pickup.address == "昌邑区1号");
    CHECK(pickup.notes == "三楼，无电梯\n带透析包");
    const RunSheetStop& dropoff = first.stops[1];
    CHECK(dropoff.seq == 2);
    CHECK(dropoff.kind == StopKind::dropoff);
    CHECK(dropoff.time == "06:30");
    CHECK(dropoff.place == "吉林市中心医院");
    CHECK(dropoff.address == "船营区");  // the place's name is printed once
    CHECK(day.sheets[1].stops.empty());
}

TEST_CASE("the printed run sheets are one escaped page, a sheet per route, in either language",
          "[core][dispatch][runsheet]") {
    const RunSheetDay day = build_run_sheets(day_inputs());

    SECTION("Chinese") {
        const std::string html = run_sheets_html(day, SheetLanguage::zh_CN);
        CHECK(html.find("<html lang=\"zh-CN\"") != std::string::npos);
        CHECK(count(html, "<section class=\"sheet\"") == 2);
        CHECK(html.find("2026年11月30日 星期一") != std::string::npos);
        CHECK(html.find("上车") != std::string::npos);
        CHECK(html.find("下车") != std::string::npos);
        CHECK(html.find("出车里程") != std::string::npos);
        CHECK(html.find("司机签名") != std::string::npos);
        CHECK(html.find("这条路线没有站点。") != std::string::npos);
        CHECK(html.find("轮椅 · 有陪同 · 共2人") != std::string::npos);
    }
    SECTION("English") {
        const std::string html = run_sheets_html(day, SheetLanguage::en);
        CHECK(html.find("<html lang=\"en\"") != std::string::npos);
        CHECK(count(html, "<section class=\"sheet\"") == 2);
        CHECK(html.find("Monday 30 November 2026") != std::string::npos);
        CHECK(html.find("Pick up") != std::string::npos);
        CHECK(html.find("Odometer at start (km)") != std::string::npos);
        CHECK(html.find("wheelchair · escort · 2 people") != std::string::npos);
    }
    for (SheetLanguage lang : {SheetLanguage::zh_CN, SheetLanguage::en}) {
        const std::string html = run_sheets_html(day, lang);
        // The first route's stops in order, at local times; never a UTC instant.
        const auto p = html.find(">06:09<"), d = html.find(">06:30<");
        CHECK(p != std::string::npos);
        CHECK(d != std::string::npos);
        CHECK(p < d);
        CHECK(html.find("2026-11-29T") == std::string::npos);
        CHECK(html.find("<b>&\"") == std::string::npos);
        CHECK(html.find("&lt;b&gt;&amp;&quot;") != std::string::npos);
        CHECK(html.find("三楼，无电梯<br/>带透析包") != std::string::npos);
        CHECK(html.find("<script") == std::string::npos);
        CHECK(html.find(std::string("<style>") + run_sheets_style() + "</style>") !=
              std::string::npos);
        CHECK(count(html, "<span class=\"box\"></span>") == 2);       // a time box per stop
        CHECK(count(html, "<span class=\"box wide\"></span>") == 4);  // odometer boxes
    }
}

TEST_CASE("a day without routes prints one page that says so", "[core][dispatch][runsheet]") {
    RunSheetInputs in = day_inputs();
    in.routes.clear();
    const RunSheetDay day = build_run_sheets(in);
    CHECK(day.sheets.empty());
    CHECK(run_sheets_html(day, SheetLanguage::en).find("No routes on this day.") !=
          std::string::npos);
    CHECK(run_sheets_html(day, SheetLanguage::zh_CN).find("这一天没有路线。") != std::string::npos);
}

TEST_CASE("run sheet dates are written the local way", "[core][dispatch][runsheet]") {
    const LocalDate d{std::chrono::year{2027}, std::chrono::month{1}, std::chrono::day{3}};
    CHECK(sheet_date(d, SheetLanguage::zh_CN) == "2027年1月3日 星期日");
    CHECK(sheet_date(d, SheetLanguage::en) == "Sunday 3 January 2027");
    CHECK(sheet_language_from("zh-CN") == SheetLanguage::zh_CN);
    CHECK(sheet_language_from("en") == SheetLanguage::en);
    CHECK_FALSE(sheet_language_from("fr"));
}
