// The driver's manifest carries, for every stop, links that open navigation in Amap
// (GCJ-02), Baidu (BD-09) and any geo: app (WGS-84), converted by the one datum module.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "fixture.h"
#include "lifeline/core/geo.h"
#include "lifeline/core/geo/datum.h"

using namespace lifeline::test;
using lifeline::GeoPoint;

namespace {

// The "lat,lon" or "lon,lat" pair that follows `marker` in `url`.
std::pair<double, double> pair_after(const std::string& url, const std::string& marker) {
    const auto at = url.find(marker);
    REQUIRE(at != std::string::npos);
    char* end = nullptr;
    const char* p = url.c_str() + at + marker.size();
    const double first = std::strtod(p, &end);
    REQUIRE(*end == ',');
    const double second = std::strtod(end + 1, nullptr);
    return {first, second};
}

void check_near(GeoPoint got, GeoPoint want) {
    INFO("got " << got.lat << "," << got.lon << " want " << want.lat << "," << want.lon);
    // Links carry six decimals.
    CHECK(std::abs(got.lat - want.lat) <= 6e-7);
    CHECK(std::abs(got.lon - want.lon) <= 6e-7);
}

}  // namespace

TEST_CASE("each stop of a manifest links to Amap, Baidu and geo: in the datum each uses",
          "[api][dispatch][nav]") {
    SeededFleet f;
    const std::string day = shanghai_date(1);
    f.put_on_route(f.sedan_id, f.walker_id, day);
    auto m =
        f.driver1.get("/api/v1/drivers/" + std::to_string(f.driver_id1) + "/manifest?date=" + day);
    INFO(m.text);
    REQUIRE(m.status == 200);
    const auto& stops = m.obj().at("routes").as_array().at(0).at("stops").as_array();
    REQUIRE(stops.size() == 2);

    struct Expected {
        const char* kind;
        GeoPoint at;
        const char* label;  // the address, percent-encoded
    };
    const Expected expected[] = {
        {"pickup", {43.88, 126.58}, "%E6%98%8C%E9%82%91%E5%8C%BA"},  // 昌邑区, the patient's home
        // "吉林市中心医院, 船营区": the center's name and address.
        {"dropoff",
         {43.845, 126.542},
         "%E5%90%89%E6%9E%97%E5%B8%82%E4%B8%AD%E5%BF%83%E5%8C%BB%E9%99%A2%2C%20%E8%88%B9%E8%90%A5%"
         "E5%8C%BA"},
    };
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& stop = stops[i].as_object();
        const Expected& e = expected[i];
        INFO(e.kind);
        REQUIRE(stop.at("kind") == e.kind);
        CHECK(stop.at("phone") == "+8615843212000");
        const auto& nav = stop.at("nav").as_object();
        const std::string amap(nav.at("amap").as_string());
        const std::string baidu(nav.at("baidu").as_string());
        const std::string geo(nav.at("geo").as_string());

        // Amap: its web URI, which hands over to the app; GCJ-02, longitude first.
        CHECK(amap.rfind("https://uri.amap.com/navigation?to=", 0) == 0);
        CHECK(amap.find(std::string(",") + e.label + "&mode=car") != std::string::npos);
        CHECK(amap.find("callnative=1") != std::string::npos);
        const auto [amap_lon, amap_lat] = pair_after(amap, "to=");
        check_near({amap_lat, amap_lon}, lifeline::wgs84_to_gcj02(e.at));
        // Jilin City's GCJ-02 offset is hundreds of metres: the link is really converted.
        CHECK(lifeline::haversine_m({amap_lat, amap_lon}, e.at) > 100);

        // Baidu: the app's direction URI, BD-09 and saying so, latitude first.
        CHECK(baidu.rfind("baidumap://map/direction?destination=name:", 0) == 0);
        CHECK(baidu.find("&coord_type=bd09ll&mode=driving") != std::string::npos);
        const auto [bd_lat, bd_lon] = pair_after(baidu, "|latlng:");
        check_near({bd_lat, bd_lon}, lifeline::wgs84_to_bd09(e.at));
        CHECK(lifeline::haversine_m({bd_lat, bd_lon}, e.at) > 100);

        // geo: WGS-84 as stored.
        char want[160];
        std::snprintf(want, sizeof want, "geo:%.6f,%.6f?q=%.6f,%.6f(%s)", e.at.lat, e.at.lon,
                      e.at.lat, e.at.lon, e.label);
        CHECK(geo == want);

        // The patient's name goes to no map provider.
        for (const std::string& link : {amap, baidu, geo}) {
            CHECK(link.find("孙秀英") == std::string::npos);
            CHECK(link.find("%E5%AD%99") == std::string::npos);  // 孙, encoded
        }
    }
}
