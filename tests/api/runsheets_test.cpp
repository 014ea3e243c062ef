// GET /api/v1/days/{date}/runsheets?format=html: a printable sheet per route, in the
// organisation's language or the one asked for, with local times, stops in order and every
// stored string escaped; for dispatchers only, every bad parameter named.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "fixture.h"

using namespace lifeline::test;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1))
        ++n;
    return n;
}

// "2026-11-30T23:09:02Z" → "07:09" in Jilin (UTC+8, no DST).
std::string jilin_hhmm(const std::string& utc) {
    const int hour = (std::stoi(utc.substr(11, 2)) + 8) % 24;
    return (hour < 10 ? "0" : "") + std::to_string(hour) + ":" + utc.substr(14, 2);
}

// A day with two routes: the walker, renamed `<b>&"`, to the center and home again on the
// sedan; the wheelchair user to the center on the van.
struct SheetDay {
    SeededFleet f;
    const std::string day = shanghai_date(1);  // Tuesday 1 December 2026
    std::string sheets;                        // the path
    json::array routes;

    SheetDay() : sheets("/api/v1/days/" + shanghai_date(1) + "/runsheets") {
        auto renamed = f.dispatcher.patch("/api/v1/patients/" + std::to_string(f.walker_id),
                                          json::object{{"name", "<b>&\""}, {"notes", "三楼"}});
        INFO(renamed.text);
        REQUIRE(renamed.status == 200);
        f.put_on_route(f.sedan_id, f.walker_id, day);
        f.put_on_route(f.van_id, f.wheelchair_id, day);
        auto home = require_created(f.dispatcher.post(
            "/api/v1/requests", json::object{{"patient_id", f.walker_id},
                                             {"direction", "home"},
                                             {"ready_at", day + "T11:30:00+08:00"}}));
        auto assigned =
            f.dispatcher.post("/api/v1/requests/" + std::to_string(home.id()) + "/assign",
                              json::object{{"vehicle_id", f.sedan_id}});
        INFO(assigned.text);
        REQUIRE(assigned.status == 200);
        routes = this->routes_now();
        REQUIRE(routes.size() == 2);
    }

    json::array routes_now() {
        auto r = f.dispatcher.get("/api/v1/days/" + day + "/routes");
        REQUIRE(r.status == 200);
        return r.obj().at("routes").as_array();
    }
};

// The sheet of `route` in `html` lists its stops in order, at their local times.
void check_stops_in_order(const std::string& html, const json::object& route) {
    auto at = html.find("data-route=\"" + std::to_string(route.at("id").as_int64()) + "\"");
    REQUIRE(at != std::string::npos);
    const auto& stops = route.at("stops").as_array();
    REQUIRE(stops.size() >= 2);
    for (const auto& s : stops) {
        const std::string eta(s.at("eta").as_string());
        const std::string cell = "<span class=\"time\">" + jilin_hhmm(eta) + "</span>";
        INFO("stop at " << eta << " shown as " << cell);
        at = html.find(cell, at);
        REQUIRE(at != std::string::npos);
        CHECK(html.find(eta) == std::string::npos);  // never the UTC instant
    }
}

void check_refused(const ApiResult& r, int status, std::vector<std::string> fields) {
    INFO(r.text);
    CHECK(r.status == status);
    CHECK(r.raw.header("Content-Type").value_or("") == "application/problem+json");
    if (!fields.empty())
        CHECK(r.error_fields() == fields);
}

}  // namespace

TEST_CASE("run sheets print a page per route in the organisation's language or the one asked",
          "[api][runsheet]") {
    SheetDay d;
    Api& dispatcher = d.f.dispatcher;

    SECTION("Chinese by default: local times, stops in order, everything escaped") {
        auto r = dispatcher.get(d.sheets + "?format=html");
        INFO(r.text.substr(0, 400));
        REQUIRE(r.status == 200);
        CHECK(r.raw.header("Content-Type").value_or("") == "text/html; charset=utf-8");
        CHECK(r.raw.header("Cache-Control").value_or("") == "no-store");
        CHECK(r.raw.header("Content-Security-Policy").value_or("").find("style-src 'sha256-") !=
              std::string::npos);
        const std::string& html = r.text;
        CHECK(html.find("<html lang=\"zh-CN\"") != std::string::npos);
        CHECK(count(html, "<section class=\"sheet\"") == 2);
        CHECK(html.find("2026年12月1日 星期二") != std::string::npos);
        for (const char* words : {"王建国", "李红梅", "吉B·A0001", "吉B·V0002", "上车", "下车",
                                  "出车里程", "收车里程", "司机签名", "三楼", "轮椅"})
            CHECK(html.find(words) != std::string::npos);
        for (const auto& route : d.routes)
            check_stops_in_order(html, route.as_object());
        CHECK(html.find("<b>&\"") == std::string::npos);
        CHECK(count(html, "&lt;b&gt;&amp;&quot;") == 4);  // there and back: four stops
        CHECK(html.find("<script") == std::string::npos);
    }
    SECTION("English when asked, and format may be left out") {
        auto r = dispatcher.get(d.sheets + "?lang=en");
        REQUIRE(r.status == 200);
        const std::string& html = r.text;
        CHECK(html.find("<html lang=\"en\"") != std::string::npos);
        CHECK(html.find("Tuesday 1 December 2026") != std::string::npos);
        for (const char* words : {"Pick up", "Drop off", "Odometer at start (km)",
                                  "Driver's signature", "wheelchair", "Asia/Shanghai"})
            CHECK(html.find(words) != std::string::npos);
        CHECK(html.find("上车") == std::string::npos);
        for (const auto& route : d.routes)
            check_stops_in_order(html, route.as_object());
        CHECK(count(html, "&lt;b&gt;&amp;&quot;") == 4);
    }
    SECTION("the organisation's language is the default") {
        auto bad = d.f.admin.put("/api/v1/settings", json::object{{"language", "fr"}});
        check_refused(bad, 400, {"language"});
        CHECK(d.f.admin.get("/api/v1/settings").obj().at("language") == "zh-CN");
        auto set = d.f.admin.put("/api/v1/settings", json::object{{"language", "en"}});
        INFO(set.text);
        REQUIRE(set.status == 200);
        CHECK(set.obj().at("language") == "en");
        CHECK(dispatcher.get(d.sheets + "?format=html").text.find("<html lang=\"en\"") !=
              std::string::npos);
        CHECK(dispatcher.get(d.sheets + "?format=html&lang=zh-CN")
                  .text.find("<html lang=\"zh-CN\"") != std::string::npos);
    }
    SECTION("one route when asked") {
        const auto& van = d.routes[0].at("vehicle_id").as_int64() == d.f.van_id
                              ? d.routes[0].as_object()
                              : d.routes[1].as_object();
        auto r = dispatcher.get(d.sheets + "?route_id=" + std::to_string(van.at("id").as_int64()));
        REQUIRE(r.status == 200);
        CHECK(count(r.text, "<section class=\"sheet\"") == 1);
        CHECK(r.text.find("吉B·V0002") != std::string::npos);
        CHECK(r.text.find("吉B·A0001") == std::string::npos);
        check_stops_in_order(r.text, van);
    }
    SECTION("a day without routes says so") {
        auto r = dispatcher.get("/api/v1/days/" + shanghai_date(3) + "/runsheets?lang=en");
        REQUIRE(r.status == 200);
        CHECK(r.text.find("No routes on this day.") != std::string::npos);
    }
}

TEST_CASE("run sheets are refused to drivers and name every bad parameter, changing nothing",
          "[api][runsheet]") {
    SheetDay d;
    Api& dispatcher = d.f.dispatcher;
    const std::string before = d.f.dispatcher.get("/api/v1/days/" + d.day + "/routes").text;

    // A malformed parameter is 400, as on every route; a route of another day is 422.
    check_refused(d.f.driver1.get(d.sheets + "?format=html"), 403, {});
    check_refused(d.f.driver2.get(d.sheets + "?format=html&route_id=1"), 403, {});
    check_refused(Api(d.f.server).get(d.sheets + "?format=html"), 401, {});
    check_refused(dispatcher.get("/api/v1/days/2026-13-01/runsheets?format=html"), 400, {"date"});
    check_refused(dispatcher.get("/api/v1/days/tomorrow/runsheets"), 400, {"date"});
    check_refused(dispatcher.get(d.sheets + "?format=pdf"), 400, {"format"});
    check_refused(dispatcher.get(d.sheets + "?format=json"), 400, {"format"});
    check_refused(dispatcher.get(d.sheets + "?lang=fr"), 400, {"lang"});
    check_refused(dispatcher.get(d.sheets + "?route_id=abc"), 400, {"route_id"});
    check_refused(dispatcher.get(d.sheets + "?route_id=0"), 400, {"route_id"});
    // Every bad parameter at once.
    check_refused(dispatcher.get("/api/v1/days/2026-02-30/runsheets?format=csv&lang=de&route_id=x"),
                  400, {"date", "format", "lang", "route_id"});
    // A route of another day.
    const std::string route = std::to_string(d.routes[0].at("id").as_int64());
    auto other_day =
        dispatcher.get("/api/v1/days/" + shanghai_date(2) + "/runsheets?route_id=" + route);
    check_refused(other_day, 422, {"route_id"});
    CHECK(other_day.text.find("leave it out") != std::string::npos);

    // A refusal says what to do next, and nothing changed.
    auto lang = dispatcher.get(d.sheets + "?lang=fr");
    CHECK(lang.text.find("zh-CN or en") != std::string::npos);
    CHECK(lang.obj().at("errors").at(0).at("code") == "print.lang");  // the printed reports' rule
    CHECK(d.f.dispatcher.get("/api/v1/days/" + d.day + "/routes").text == before);
}
