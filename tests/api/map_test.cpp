// The board's map: the tile settings and the policy that allows exactly their host, the
// datum conversions of the location pickers, and the day's map — routes, unassigned
// requests, vehicles' last positions in the tiles' datum, and each route's lateness by
// its vehicle's live position, followed over the live stream.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>

#include "fixture.h"
#include "sse_client.h"

using namespace lifeline::test;
using namespace std::chrono_literals;

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

std::string image_sources(Api& anonymous) {
    auto page = anonymous.get("/");
    REQUIRE(page.status == 200);
    const std::string csp = page.raw.header("Content-Security-Policy").value_or("");
    const auto from = csp.find("img-src ");
    REQUIRE(from != std::string::npos);
    return csp.substr(from, csp.find(';', from) - from);
}

std::string error_code(const ApiResult& r, const std::string& field) {
    for (const auto& e : r.obj().at("errors").as_array())
        if (e.at("field") == field.c_str())
            return std::string(e.at("code").as_string());
    return {};
}

// A ride of today, to the center by 13:00, on the sedan's route (driver1): request, route.
std::pair<std::int64_t, std::int64_t> ride_on_sedan(SeededFleet& f) {
    auto r = require_created(f.dispatcher.post(
        "/api/v1/requests", json::object{{"patient_id", f.walker_id},
                                         {"direction", "to_center"},
                                         {"arrive_by", shanghai_date(0) + "T13:00:00+08:00"}}));
    auto a = f.dispatcher.post("/api/v1/requests/" + std::to_string(r.id()) + "/assign",
                               json::object{{"vehicle_id", f.sedan_id}});
    INFO(a.text);
    REQUIRE(a.status == 200);
    return {r.id(), a.obj().at("route").at("id").as_int64()};
}

json::object day_map(SeededFleet& f) {
    auto m = f.dispatcher.get("/api/v1/days/" + shanghai_date(0) + "/map");
    INFO(m.text);
    REQUIRE(m.status == 200);
    return m.obj();
}

}  // namespace

TEST_CASE("the map's tiles are settings, and the pages' policy allows exactly their host",
          "[api][settings][map]") {
    SeededFleet f;
    Api anonymous(f.server);
    auto got = f.dispatcher.get("/api/v1/settings").obj();
    CHECK(got.at("map_tile_url") == "https://tile.openstreetmap.org/{z}/{x}/{y}.png");
    CHECK(got.at("map_tile_attribution") == "© OpenStreetMap contributors");
    CHECK(image_sources(anonymous) == "img-src 'self' data: https://tile.openstreetmap.org");

    // What a policy or Leaflet could not carry is refused, naming the field with its code,
    // in the reader's language, and nothing is written.
    for (const char* bad :
         {"", "ftp://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org/{z}/{x}.png",
          "https://a.{s}.example.org/{z}/{x}/{y}.png",
          "https://tiles.example.org/{z}/{x}/{y}.png; script-src *",
          "https://tiles.example.org:port/{z}/{x}/{y}.png", "//tiles.example.org/{z}/{x}/{y}.png",
          "javascript:{z}{x}{y}"}) {
        auto r = f.admin.send(
            "PUT", "/api/v1/settings", json::serialize(json::object{{"map_tile_url", bad}}),
            Headers{{"Content-Type", "application/json"}, {"Accept-Language", "zh-CN"}});
        INFO(bad << " → " << r.text);
        REQUIRE(r.status == 400);
        CHECK(r.error_fields() == std::vector<std::string>{"map_tile_url"});
        CHECK(error_code(r, "map_tile_url") == "settings.map_tile_url");
        CHECK(r.text.find("地图瓦片网址") != std::string::npos);
    }
    auto two_lines =
        f.admin.put("/api/v1/settings", json::object{{"map_tile_attribution", "a\nb"}});
    REQUIRE(two_lines.status == 400);
    CHECK(error_code(two_lines, "map_tile_attribution") == "settings.map_tile_attribution");
    CHECK(f.admin.get("/api/v1/audit?entity=settings").obj().at("items").as_array().empty());
    CHECK(image_sources(anonymous) == "img-src 'self' data: https://tile.openstreetmap.org");
    CHECK(
        f.dispatcher.put("/api/v1/settings", json::object{{"map_tile_url", "http://x/{z}/{x}/{y}"}})
            .status == 403);

    // A local tile server: the policy follows the setting at the next page load.
    auto ok = f.admin.put("/api/v1/settings",
                          json::object{{"map_tile_url", "http://127.0.0.1:8089/t/{z}/{x}/{y}.png"},
                                       {"map_tile_attribution", "本地瓦片 Local tiles"}});
    INFO(ok.text);
    REQUIRE(ok.status == 200);
    CHECK(ok.obj().at("map_tile_attribution") == "本地瓦片 Local tiles");
    CHECK(image_sources(anonymous) == "img-src 'self' data: http://127.0.0.1:8089");
    // Subdomains {s} (a, b, c) as the host's first label: every subdomain of the rest.
    REQUIRE(
        f.admin
            .put("/api/v1/settings",
                 json::object{{"map_tile_url", "https://{s}.Tiles.example.org/{z}/{x}/{y}.png"}})
            .status == 200);
    CHECK(image_sources(anonymous) == "img-src 'self' data: https://*.tiles.example.org");
}

TEST_CASE("points are converted between datums by the server, both ways", "[api][map][datum]") {
    SeededFleet f;
    const json::object jilin{{"lat", 43.8378}, {"lon", 126.5494}};
    auto to = f.dispatcher.post(
        "/api/v1/geo/convert",
        json::object{{"from", "wgs84"}, {"to", "gcj02"}, {"points", json::array{jilin}}});
    INFO(to.text);
    REQUIRE(to.status == 200);
    const auto shown = to.obj().at("points").as_array().at(0).as_object();
    // GCJ-02 moves Jilin City by some hundreds of metres.
    const double dlat = shown.at("lat").as_double() - 43.8378;
    const double dlon = shown.at("lon").as_double() - 126.5494;
    CHECK(std::hypot(dlat, dlon) > 0.001);
    CHECK(std::hypot(dlat, dlon) < 0.02);
    auto back = f.dispatcher.post(
        "/api/v1/geo/convert",
        json::object{{"from", "gcj02"}, {"to", "wgs84"}, {"points", json::array{shown}}});
    REQUIRE(back.status == 200);
    const auto p = back.obj().at("points").as_array().at(0).as_object();
    CHECK(p.at("lat").as_double() == Approx(43.8378).margin(1e-7));
    CHECK(p.at("lon").as_double() == Approx(126.5494).margin(1e-7));

    auto bad = f.dispatcher.post(
        "/api/v1/geo/convert",
        json::object{{"from", "mars"},
                     {"to", "bd09"},
                     {"points", json::array{json::object{{"lat", 91}, {"lon", 126.5}}, 3}}});
    INFO(bad.text);
    REQUIRE(bad.status == 400);
    auto fields = bad.error_fields();
    std::sort(fields.begin(), fields.end());
    CHECK(fields == std::vector<std::string>{"from", "points[0].lat", "points[1]"});
    CHECK(Api(f.server).post("/api/v1/geo/convert", json::object{}).status == 401);
}

TEST_CASE(
    "the day's map has each route's stops in order, the unassigned and the vehicles, "
    "in the tiles' datum",
    "[api][map][datum]") {
    SeededFleet f;
    const auto [request, route] = ride_on_sedan(f);
    auto waiting = require_created(f.dispatcher.post(
        "/api/v1/requests", json::object{{"patient_id", f.wheelchair_id},
                                         {"direction", "to_center"},
                                         {"arrive_by", shanghai_date(0) + "T12:00:00+08:00"}}));
    REQUIRE(f.admin.put("/api/v1/settings", json::object{{"map_datum", "gcj02"}}).status == 200);

    auto m = day_map(f);
    CHECK(m.at("datum") == "gcj02");
    CHECK(m.at("tiles").at("url") == "https://tile.openstreetmap.org/{z}/{x}/{y}.png");
    const auto& routes = m.at("routes").as_array();
    REQUIRE(routes.size() == 1);
    CHECK(routes[0].at("id") == route);
    const auto& stops = routes[0].at("stops").as_array();
    REQUIRE(stops.size() == 2);
    CHECK(stops[0].at("seq") == 1);
    CHECK(stops[0].at("kind") == "pickup");
    CHECK(stops[1].at("seq") == 2);
    CHECK(stops[1].at("kind") == "dropoff");
    CHECK(stops[0].at("request_id") == request);
    const auto walker = f.dispatcher.get("/api/v1/patients/" + std::to_string(f.walker_id)).obj();
    CHECK(stops[0].at("lat") == walker.at("lat"));
    CHECK(stops[0].at("lon") == walker.at("lon"));
    // The point shown is the server's conversion of the stored one.
    auto conv = f.dispatcher.post(
        "/api/v1/geo/convert",
        json::object{{"from", "wgs84"},
                     {"to", "gcj02"},
                     {"points", json::array{json::object{{"lat", walker.at("lat")},
                                                         {"lon", walker.at("lon")}}}}});
    REQUIRE(conv.status == 200);
    const auto c = conv.obj().at("points").as_array().at(0);
    CHECK(stops[0].at("map_lat").as_double() == c.at("lat").as_double());
    CHECK(stops[0].at("map_lon").as_double() == c.at("lon").as_double());
    CHECK(stops[0].at("map_lat").as_double() != stops[0].at("lat").as_double());
    CHECK(routes[0].at("live").is_null());  // no trip yet

    const auto& unassigned = m.at("unassigned").as_array();
    REQUIRE(unassigned.size() == 1);
    CHECK(unassigned[0].at("request_id") == waiting.id());
    CHECK(m.at("vehicles").as_array().empty());

    CHECK(f.driver1.get("/api/v1/days/" + shanghai_date(0) + "/map").status == 403);
    CHECK(f.dispatcher.get("/api/v1/days/2026-13-01/map").status == 400);
}

TEST_CASE("a route's lateness follows its vehicle's live position, announced on the stream",
          "[api][map][positions][events]") {
    SeededFleet f;
    const auto [request, route] = ride_on_sedan(f);
    const std::string day = shanghai_date(0);
    auto trip = require_created(
        f.driver1.post("/api/v1/trips", json::object{{"vehicle_id", f.sedan_id},
                                                     {"route_id", route},
                                                     {"started_at", day + "T09:30:00+08:00"},
                                                     {"odometer_start", 6000.0}}));
    const std::string positions = "/api/v1/trips/" + std::to_string(trip.id()) + "/positions";
    SseClient board(f.server.port(), "/api/v1/events?access_token=" + f.dispatcher.token());
    const auto walker = f.dispatcher.get("/api/v1/patients/" + std::to_string(f.walker_id)).obj();
    const double lat = walker.at("lat").as_double();
    const double lon = walker.at("lon").as_double();

    // Next to the patient, hours before the pickup: on time, arriving about now.
    REQUIRE(f.driver1
                .post(positions, json::object{{"positions", json::array{json::object{
                                                                {"at", day + "T09:40:00+08:00"},
                                                                {"lat", lat + 0.001},
                                                                {"lon", lon}}}}})
                .status == 201);
    auto e = board.next(2s);
    REQUIRE(e);
    auto data = json::parse(e->data).as_object();
    CHECK(data.at("type") == "position");
    CHECK(data.at("trip_id") == trip.id());

    auto m = day_map(f);
    auto live = m.at("routes").as_array().at(0).at("live");
    INFO(json::serialize(live));
    REQUIRE(live.is_object());
    CHECK(live.at("next").at("request_id") == request);
    CHECK(live.at("next").at("kind") == "pickup");
    CHECK(live.at("late_min") == 0);
    CHECK(live.at("position_at") ==
          json::value(json::string(m.at("vehicles").as_array().at(0).at("at").as_string())));
    const auto& vehicle = m.at("vehicles").as_array().at(0);
    CHECK(vehicle.at("vehicle_id") == f.sedan_id);
    CHECK(vehicle.at("plate") ==
          f.dispatcher.get("/api/v1/vehicles/" + std::to_string(f.sedan_id)).obj().at("plate"));
    CHECK(vehicle.at("trip_open") == true);
    CHECK(vehicle.at("age_seconds").as_int64() >= 20 * 60);  // 09:40, and it is past 10:00

    // Four degrees of latitude away (some 450 km): hours of driving, late for the pickup.
    REQUIRE(f.driver1
                .post(positions, json::object{{"positions", json::array{json::object{
                                                                {"at", day + "T09:50:00+08:00"},
                                                                {"lat", lat - 4},
                                                                {"lon", lon}}}}})
                .status == 201);
    REQUIRE(board.next(2s));
    live = day_map(f).at("routes").as_array().at(0).at("live");
    INFO(json::serialize(live));
    CHECK(live.at("late_min").as_int64() > 60);
    CHECK(live.at("estimated_arrival").as_string() > live.at("next").at("eta").as_string());
}
