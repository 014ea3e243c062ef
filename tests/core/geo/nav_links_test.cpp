// Navigation links to a stop: each map app gets the datum it routes in.
#include <catch2/catch.hpp>

#include <cstdio>

#include "lifeline/core/geo/datum.h"
#include "lifeline/core/geo/nav_links.h"

using namespace lifeline;

namespace {

std::string six(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", v);
    return buf;
}

}  // namespace

TEST_CASE("navigation links carry GCJ-02 to Amap, BD-09 to Baidu and WGS-84 to geo:",
          "[core][geo][nav]") {
    const GeoPoint stop{43.88, 126.58};  // Changyi district, Jilin City
    const GeoPoint g = wgs84_to_gcj02(stop);
    const GeoPoint b = wgs84_to_bd09(stop);
    const NavLinks links = nav_links(stop, "昌邑区 1号");
    const std::string label = "%E6%98%8C%E9%82%91%E5%8C%BA%201%E5%8F%B7";
    CHECK(links.amap == "https://uri.amap.com/navigation?to=" + six(g.lon) + "," + six(g.lat) +
                            "," + label + "&mode=car&src=lifeline&callnative=1");
    CHECK(links.baidu == "baidumap://map/direction?destination=name:" + label +
                             "|latlng:" + six(b.lat) + "," + six(b.lon) +
                             "&coord_type=bd09ll&mode=driving&src=webapp.lifeline.driver");
    CHECK(links.geo == "geo:43.880000,126.580000?q=43.880000,126.580000(" + label + ")");
    // The converted coordinates are not the stored ones: Jilin City is offset by hundreds
    // of metres in both datums.
    CHECK(six(g.lat) != "43.880000");
    CHECK(six(b.lon) != six(g.lon));
}

TEST_CASE("a stop without an address gets links without a label", "[core][geo][nav]") {
    const NavLinks links = nav_links({43.845, 126.542}, "");
    CHECK(links.amap.find("to=") != std::string::npos);
    CHECK(links.amap.find(",&") == std::string::npos);
    CHECK(links.baidu.find("destination=latlng:") != std::string::npos);
    CHECK(links.geo == "geo:43.845000,126.542000?q=43.845000,126.542000");
}

TEST_CASE("labels are percent-encoded so they cannot break the link", "[core][geo][nav]") {
    CHECK(percent_encode("a-Z_0.9~") == "a-Z_0.9~");
    CHECK(percent_encode("a&b=c|d,e(f)#g\n") == "a%26b%3Dc%7Cd%2Ce%28f%29%23g%0A");
    const NavLinks links = nav_links({43.845, 126.542}, "A&mode=walk");
    CHECK(links.amap.find("&mode=walk") == std::string::npos);
    CHECK(links.geo.find("(A%26mode%3Dwalk)") != std::string::npos);
}
