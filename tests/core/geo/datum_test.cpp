// The one datum module: WGS-84, GCJ-02 and BD-09 against published reference points,
// each inverse to 0.5 m over Jilin City and over mainland China, and nothing moved
// outside China.
#include <catch2/catch.hpp>

#include <algorithm>

#include "lifeline/core/geo.h"
#include "lifeline/core/geo/datum.h"

using namespace lifeline;

namespace {

// Published points are given to 8 or more decimals; 1e-6° is about 0.1 m.
constexpr double published_tolerance_deg = 1e-6;
constexpr double round_trip_tolerance_m = 0.5;

void check_near(GeoPoint got, GeoPoint want, double tolerance_deg) {
    INFO("got " << got.lat << ", " << got.lon << "; want " << want.lat << ", " << want.lon);
    CHECK(std::abs(got.lat - want.lat) <= tolerance_deg);
    CHECK(std::abs(got.lon - want.lon) <= tolerance_deg);
}

struct City {
    const char* name;
    GeoPoint at;
};

}  // namespace

TEST_CASE("WGS-84 to GCJ-02 matches published reference points", "[core][geo][datum]") {
    // Test vectors of the eviltransform project (github.com/googollee/eviltransform,
    // go/transform_test.go: Shanghai, Shenzhen, Beijing), given as WGS-84 → GCJ-02.
    struct Vector {
        GeoPoint wgs84, gcj02;
    };
    const Vector vectors[] = {
        {{31.1774276, 121.5272106}, {31.17530398364597, 121.531541859215}},
        {{22.543847, 113.912316}, {22.540796131694766, 113.9171764808363}},
        {{39.911954, 116.377817}, {39.91334545536069, 116.38404722455657}},
        // The gcoord project's unit tests (github.com/hujiulong/gcoord,
        // test/unit/crs/WGS84.spec.ts): lon 123, lat 45.
        {{45.0, 123.0}, {45.00197815, 123.00607541}},
    };
    for (const Vector& v : vectors) {
        check_near(wgs84_to_gcj02(v.wgs84), v.gcj02, published_tolerance_deg);
        // The inverse takes the published GCJ-02 point back to within 0.5 m.
        CHECK(haversine_m(gcj02_to_wgs84(v.gcj02), v.wgs84) <= round_trip_tolerance_m);
    }
}

TEST_CASE("GCJ-02 and BD-09 match published reference points", "[core][geo][datum]") {
    // The gcoord project's unit tests (github.com/hujiulong/gcoord, test/unit/crs/
    // GCJ02.spec.ts, WGS84.spec.ts, BD09.spec.ts), all at lon 123, lat 45.
    const GeoPoint p{45.0, 123.0};
    check_near(gcj02_to_bd09(p), {45.00636899, 123.00636499}, published_tolerance_deg);
    check_near(wgs84_to_bd09(p), {45.0083293, 123.0124491}, published_tolerance_deg);
    // gcoord's BD-09 → GCJ-02 is Baidu's one-step approximation, which leaves a residual of
    // a few 1e-6°; ours iterates past it, so the published value is met to 5e-6° (~0.5 m).
    check_near(bd09_to_gcj02(p), {44.99365430, 122.99363304}, 5e-6);
    // And the published forward points come back to within 0.5 m.
    CHECK(haversine_m(bd09_to_gcj02({45.00636899, 123.00636499}), p) <= round_trip_tolerance_m);
    CHECK(haversine_m(bd09_to_wgs84({45.0083293, 123.0124491}), p) <= round_trip_tolerance_m);
}

TEST_CASE("each inverse comes back to within 0.5 m over Jilin City and mainland China",
          "[core][geo][datum]") {
    std::vector<GeoPoint> grid;
    // Jilin City and its counties, every 0.01° (about 1 km).
    for (double lat = 43.5; lat <= 44.2; lat += 0.01)
        for (double lon = 126.0; lon <= 127.0; lon += 0.01)
            grid.push_back({lat, lon});
    // Mainland China, every 0.25° (off round numbers, so that no point lies exactly on the
    // outline, where inside and outside are a matter of rounding).
    for (double lat = 18.0013; lat <= 53.5; lat += 0.25)
        for (double lon = 73.5017; lon <= 135.0; lon += 0.25)
            if (in_mainland_china({lat, lon}))
                grid.push_back({lat, lon});
    REQUIRE(grid.size() > 10000);

    double worst_gcj = 0, worst_bd = 0, worst_wgs_bd = 0, least_offset = 1e9;
    for (GeoPoint p : grid) {
        const GeoPoint g = wgs84_to_gcj02(p);
        least_offset = std::min(least_offset, haversine_m(g, p));
        worst_gcj = std::max(worst_gcj, haversine_m(gcj02_to_wgs84(g), p));
        worst_bd = std::max(worst_bd, haversine_m(bd09_to_gcj02(gcj02_to_bd09(p)), p));
        worst_wgs_bd = std::max(worst_wgs_bd, haversine_m(bd09_to_wgs84(wgs84_to_bd09(p)), p));
    }
    CHECK(least_offset > 1.0);  // every point of the grid was really moved
    CHECK(worst_gcj <= round_trip_tolerance_m);
    CHECK(worst_bd <= round_trip_tolerance_m);
    CHECK(worst_wgs_bd <= round_trip_tolerance_m);
}

TEST_CASE("points outside mainland China are not moved", "[core][geo][datum]") {
    const City outside[] = {
        {"Seoul", {37.5665, 126.9780}},
        {"Pyongyang", {39.0392, 125.7625}},
        {"Vladivostok", {43.1155, 131.8855}},
        {"Ulaanbaatar", {47.8864, 106.9057}},
        {"Tokyo", {35.6762, 139.6503}},
        {"Taipei", {25.0330, 121.5654}},
        {"Kaohsiung", {22.6273, 120.3014}},
        {"Hanoi", {21.0278, 105.8342}},
        {"Almaty", {43.2220, 76.8512}},
        {"Kathmandu", {27.7172, 85.3240}},
        {"Khabarovsk", {48.4802, 135.0719}},
        {"London", {51.5074, -0.1278}},
        {"New York", {40.7128, -74.0060}},
        {"Sydney", {-33.8688, 151.2093}},
        {"null island", {0, 0}},
    };
    for (const City& c : outside) {
        INFO(c.name);
        CHECK_FALSE(in_mainland_china(c.at));
        for (Datum from : {Datum::wgs84, Datum::gcj02, Datum::bd09})
            for (Datum to : {Datum::wgs84, Datum::gcj02, Datum::bd09}) {
                const GeoPoint q = convert(c.at, from, to);
                CHECK(q.lat == c.at.lat);
                CHECK(q.lon == c.at.lon);
            }
    }
    const City inside[] = {
        {"Jilin", {43.8378, 126.5494}},     {"Beijing", {39.9042, 116.4074}},
        {"Shanghai", {31.2304, 121.4737}},  {"Shenzhen", {22.5431, 114.0579}},
        {"Hong Kong", {22.3193, 114.1694}}, {"Macau", {22.1987, 113.5439}},
        {"Haikou", {20.0440, 110.1999}},    {"Sanya", {18.2528, 109.5120}},
        {"Urumqi", {43.8256, 87.6168}},     {"Lhasa", {29.6520, 91.1721}},
        {"Kashgar", {39.4677, 75.9898}},    {"Harbin", {45.8038, 126.5350}},
        {"Kunming", {24.8801, 102.8329}},   {"Hunchun", {42.8680, 130.3590}},
        {"Mohe", {52.9722, 122.5386}},      {"Xiamen", {24.4798, 118.0894}},
    };
    for (const City& c : inside) {
        INFO(c.name);
        CHECK(in_mainland_china(c.at));
        CHECK(haversine_m(wgs84_to_gcj02(c.at), c.at) > 50);
    }
}

TEST_CASE("convert goes between any two datums through the same functions", "[core][geo][datum]") {
    const GeoPoint jilin{43.8378, 126.5494};
    const GeoPoint g = wgs84_to_gcj02(jilin);
    const GeoPoint b = wgs84_to_bd09(jilin);
    check_near(convert(jilin, Datum::wgs84, Datum::gcj02), g, 1e-12);
    check_near(convert(jilin, Datum::wgs84, Datum::bd09), b, 1e-12);
    check_near(convert(g, Datum::gcj02, Datum::bd09), gcj02_to_bd09(g), 1e-12);
    check_near(convert(b, Datum::bd09, Datum::gcj02), bd09_to_gcj02(b), 1e-12);
    CHECK(haversine_m(convert(g, Datum::gcj02, Datum::wgs84), jilin) <= round_trip_tolerance_m);
    CHECK(haversine_m(convert(b, Datum::bd09, Datum::wgs84), jilin) <= round_trip_tolerance_m);
    check_near(convert(jilin, Datum::gcj02, Datum::gcj02), jilin, 0);
}

TEST_CASE("datums have wire names", "[core][geo][datum]") {
    for (Datum d : {Datum::wgs84, Datum::gcj02, Datum::bd09})
        CHECK(datum_from(to_string(d)) == d);
    CHECK(std::string(to_string(Datum::gcj02)) == "gcj02");
    CHECK_FALSE(datum_from("WGS84"));
    CHECK_FALSE(datum_from("bd09ll"));
    CHECK_FALSE(datum_from(""));
}
