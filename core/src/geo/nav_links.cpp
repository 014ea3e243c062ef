#include "lifeline/core/geo/nav_links.h"

#include <cstdio>

#include "lifeline/core/geo/datum.h"

namespace lifeline {
namespace {

// Six decimals: about 0.1 m, and the most Amap's URIs accept.
std::string deg(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", v);
    return buf;
}

std::string lat_lon(GeoPoint p) {
    return deg(p.lat) + "," + deg(p.lon);
}

// Amap's web URI: on a phone with Amap installed, callnative=1 hands the route to the
// app; without it, Amap's web page plans the route. Its coordinates are GCJ-02 (Amap's
// default, `coordinate=gaode`).
std::string amap_link(GeoPoint wgs84, const std::string& label) {
    const GeoPoint g = wgs84_to_gcj02(wgs84);
    std::string to = deg(g.lon) + "," + deg(g.lat);
    if (!label.empty())
        to += "," + label;
    return "https://uri.amap.com/navigation?to=" + to + "&mode=car&src=lifeline&callnative=1";
}

// Baidu's app URI, in BD-09 and saying so (coord_type=bd09ll), so the app moves nothing.
std::string baidu_link(GeoPoint wgs84, const std::string& label) {
    const std::string destination = (label.empty() ? std::string() : "name:" + label + "|") +
                                    "latlng:" + lat_lon(wgs84_to_bd09(wgs84));
    return "baidumap://map/direction?destination=" + destination +
           "&coord_type=bd09ll&mode=driving&src=webapp.lifeline.driver";
}

std::string geo_link(GeoPoint wgs84, const std::string& label) {
    const std::string at = lat_lon(wgs84);
    return "geo:" + at + "?q=" + at + (label.empty() ? std::string() : "(" + label + ")");
}

}  // namespace

std::string percent_encode(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 3);
    for (unsigned char c : text) {
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        if (unreserved) {
            out += char(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    return out;
}

NavLinks nav_links(GeoPoint wgs84, std::string_view label) {
    const std::string encoded = percent_encode(label);
    return {amap_link(wgs84, encoded), baidu_link(wgs84, encoded), geo_link(wgs84, encoded)};
}

}  // namespace lifeline
