#include "lifeline/core/geo/datum.h"

#include <cmath>
#include <iterator>
#include <numbers>

#include "../enum_names.h"

namespace lifeline {
namespace {

using detail::lookup;
using detail::name_of;
using detail::Names;

constexpr Names<Datum, 3> datums{{
    {Datum::wgs84, "wgs84"},
    {Datum::gcj02, "gcj02"},
    {Datum::bd09, "bd09"},
}};

constexpr double pi = std::numbers::pi;

struct LonLat {
    double lon;
    double lat;
};

// Mainland China, Hainan, Hong Kong and Macau, clockwise from the Amur's source, as
// (longitude, latitude). At sea the line keeps off the coast (so the coastal islands are
// in) and passes between the mainland and Taiwan, Korea and Vietnam's islands; on land it
// follows the borders coarsely.
constexpr LonLat mainland_outline[] = {
    // Russia: the Amur and the Ussuri.
    {121.2, 53.35},
    {123.5, 53.6},
    {125.5, 53.2},
    {126.8, 51.9},
    {127.7, 50.2},
    {129.3, 49.4},
    {130.7, 48.9},
    {131.0, 47.7},
    {132.6, 47.75},
    {134.8, 48.4},
    {134.1, 47.0},
    {133.7, 46.0},
    {132.9, 45.05},
    {132.0, 45.25},
    {131.1, 44.9},
    {131.3, 44.4},
    {131.25, 43.4},
    {130.8, 42.85},
    {130.65, 42.4},
    // North Korea: the Tumen and the Yalu.
    {130.3, 42.6},
    {129.95, 42.98},
    {129.5, 42.45},
    {128.9, 42.05},
    {128.05, 41.99},
    {128.2, 41.45},
    {126.9, 41.78},
    {126.1, 41.05},
    {125.3, 40.6},
    {124.4, 40.05},
    {124.15, 39.8},
    // The Yellow Sea and the East China Sea, west of Korea's islands; then the Taiwan
    // Strait, west of Taiwan and Penghu.
    {123.7, 38.5},
    {123.2, 37.0},
    {124.0, 34.0},
    {124.0, 30.5},
    {123.0, 28.0},
    {120.7, 25.9},
    {119.6, 24.8},
    {118.6, 23.0},
    // The South China Sea, round Hong Kong and Hainan; the Gulf of Tonkin.
    {117.0, 22.0},
    {114.8, 21.6},
    {111.5, 19.0},
    {110.0, 17.8},
    {108.3, 17.8},
    {108.2, 21.4},
    {107.9, 21.6},
    // Vietnam, Laos, Myanmar.
    {107.3, 21.75},
    {106.7, 22.0},
    {106.7, 22.85},
    {105.85, 22.95},
    {105.35, 23.4},
    {104.8, 23.0},
    {104.0, 22.55},
    {103.0, 22.6},
    {102.15, 22.4},
    {101.7, 21.15},
    {101.15, 21.55},
    {100.2, 21.45},
    {99.3, 22.1},
    {99.5, 22.9},
    {98.9, 23.2},
    {98.7, 23.9},
    {97.55, 23.9},
    {97.55, 24.75},
    {97.7, 25.2},
    {98.7, 25.9},
    {98.7, 27.5},
    {97.4, 28.25},
    // India, Bhutan, Nepal.
    {96.2, 29.0},
    {95.4, 29.3},
    {94.3, 29.3},
    {93.3, 28.6},
    {92.0, 27.9},
    {91.65, 27.8},
    {90.5, 28.3},
    {89.5, 28.1},
    {89.0, 27.3},
    {88.8, 27.4},
    {88.6, 28.1},
    {88.1, 27.9},
    {86.9, 28.0},
    {85.9, 28.3},
    {84.0, 29.2},
    {82.0, 30.2},
    {81.2, 30.1},
    // India, Pakistan, Afghanistan, Tajikistan, Kyrgyzstan, Kazakhstan.
    {79.3, 30.9},
    {78.75, 31.8},
    {78.4, 32.5},
    {78.1, 34.6},
    {77.8, 35.5},
    {76.2, 36.0},
    {74.9, 37.2},
    {74.8, 38.6},
    {73.5, 39.45},
    {73.8, 39.7},
    {75.6, 40.6},
    {77.6, 41.0},
    {78.6, 41.5},
    {80.2, 42.05},
    {80.2, 43.0},
    {80.3, 44.2},
    {80.8, 45.0},
    {82.5, 45.2},
    {82.3, 46.5},
    {82.9, 47.2},
    {85.5, 47.05},
    {86.0, 48.4},
    {87.3, 49.15},
    // Mongolia.
    {87.8, 48.6},
    {88.9, 48.0},
    {90.1, 47.8},
    {91.0, 46.6},
    {90.9, 45.9},
    {93.5, 44.95},
    {95.3, 44.25},
    {96.4, 42.75},
    {100.0, 42.6},
    {102.0, 42.2},
    {104.6, 41.65},
    {106.8, 42.3},
    {109.3, 42.45},
    {111.9, 43.7},
    {113.6, 44.8},
    {116.5, 46.3},
    {119.9, 46.7},
    {118.0, 47.8},
    {115.6, 47.9},
    {116.7, 49.85},
    // Russia: the Argun.
    {117.9, 49.55},
    {119.2, 50.3},
    {120.0, 51.6},
};

// The published GCJ-02 offset, in metres along the Krasovsky ellipsoid before it is
// turned into degrees; x and y are the longitude and latitude less 105° and 35°.
double offset_lat(double x, double y) {
    double d =
        -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::abs(x));
    d += (20.0 * std::sin(6.0 * x * pi) + 20.0 * std::sin(2.0 * x * pi)) * 2.0 / 3.0;
    d += (20.0 * std::sin(y * pi) + 40.0 * std::sin(y / 3.0 * pi)) * 2.0 / 3.0;
    d += (160.0 * std::sin(y / 12.0 * pi) + 320.0 * std::sin(y * pi / 30.0)) * 2.0 / 3.0;
    return d;
}

double offset_lon(double x, double y) {
    double d = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::abs(x));
    d += (20.0 * std::sin(6.0 * x * pi) + 20.0 * std::sin(2.0 * x * pi)) * 2.0 / 3.0;
    d += (20.0 * std::sin(x * pi) + 40.0 * std::sin(x / 3.0 * pi)) * 2.0 / 3.0;
    d += (150.0 * std::sin(x / 12.0 * pi) + 300.0 * std::sin(x / 30.0 * pi)) * 2.0 / 3.0;
    return d;
}

// The offset itself, applied without asking where the point is.
GeoPoint gcj02_shift(GeoPoint p) {
    constexpr double a = 6378245.0;                // Krasovsky 1940 semi-major axis, metres
    constexpr double ee = 0.00669342162296594323;  // its first eccentricity squared
    const double x = p.lon - 105.0;
    const double y = p.lat - 35.0;
    const double rad_lat = p.lat / 180.0 * pi;
    const double s = std::sin(rad_lat);
    const double w = 1.0 - ee * s * s;
    const double dlat = offset_lat(x, y) * 180.0 / ((a * (1.0 - ee)) / (w * std::sqrt(w)) * pi);
    const double dlon = offset_lon(x, y) * 180.0 / (a / std::sqrt(w) * std::cos(rad_lat) * pi);
    return {p.lat + dlat, p.lon + dlon};
}

constexpr double bd_k = pi * 3000.0 / 180.0;

GeoPoint bd09_shift(GeoPoint g) {
    const double z = std::hypot(g.lon, g.lat) + 0.00002 * std::sin(g.lat * bd_k);
    const double theta = std::atan2(g.lat, g.lon) + 0.000003 * std::cos(g.lon * bd_k);
    return {z * std::sin(theta) + 0.006, z * std::cos(theta) + 0.0065};
}

GeoPoint bd09_unshift_approx(GeoPoint b) {
    const double x = b.lon - 0.0065;
    const double y = b.lat - 0.006;
    const double z = std::hypot(x, y) - 0.00002 * std::sin(y * bd_k);
    const double theta = std::atan2(y, x) - 0.000003 * std::cos(x * bd_k);
    return {z * std::sin(theta), z * std::cos(theta)};
}

// Inverts `forward` near `target` from the guess `start`: both offsets change by far
// less than a degree per degree, so stepping by the residual converges within a few steps.
template <class Forward>
GeoPoint invert(Forward forward, GeoPoint target, GeoPoint start) {
    GeoPoint p = start;
    for (int i = 0; i < 30; ++i) {
        const GeoPoint f = forward(p);
        const double dlat = f.lat - target.lat;
        const double dlon = f.lon - target.lon;
        if (std::abs(dlat) < 1e-9 && std::abs(dlon) < 1e-9)
            break;
        p.lat -= dlat;
        p.lon -= dlon;
    }
    return p;
}

}  // namespace

const char* to_string(Datum d) {
    return name_of(datums, d);
}

std::optional<Datum> datum_from(std::string_view s) {
    return lookup(datums, s);
}

bool in_mainland_china(GeoPoint p) {
    // Even-odd ray casting along the parallel of p.
    bool inside = false;
    const std::size_t n = std::size(mainland_outline);
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
        const LonLat a = mainland_outline[i];
        const LonLat b = mainland_outline[j];
        if ((a.lat > p.lat) != (b.lat > p.lat)) {
            const double lon_at = a.lon + (p.lat - a.lat) / (b.lat - a.lat) * (b.lon - a.lon);
            if (p.lon < lon_at)
                inside = !inside;
        }
    }
    return inside;
}

GeoPoint wgs84_to_gcj02(GeoPoint p) {
    return in_mainland_china(p) ? gcj02_shift(p) : p;
}

// The inverses take the point the offset would have come from when either it or the given
// point is inside China, and the given point itself otherwise. So every point inside comes
// back, and within a few hundred metres of the outline (the offset's size) a point is
// taken for an offset one rather than left where it is.
GeoPoint gcj02_to_wgs84(GeoPoint p) {
    const GeoPoint w = invert(gcj02_shift, p, p);
    return in_mainland_china(w) || in_mainland_china(p) ? w : p;
}

GeoPoint gcj02_to_bd09(GeoPoint p) {
    return in_mainland_china(p) ? bd09_shift(p) : p;
}

GeoPoint bd09_to_gcj02(GeoPoint p) {
    const GeoPoint g = invert(bd09_shift, p, bd09_unshift_approx(p));
    return in_mainland_china(g) || in_mainland_china(p) ? g : p;
}

GeoPoint wgs84_to_bd09(GeoPoint p) {
    return in_mainland_china(p) ? bd09_shift(gcj02_shift(p)) : p;
}

GeoPoint bd09_to_wgs84(GeoPoint p) {
    const GeoPoint g = invert(bd09_shift, p, bd09_unshift_approx(p));
    const GeoPoint w = invert(gcj02_shift, g, g);
    return in_mainland_china(w) || in_mainland_china(p) ? w : p;
}

GeoPoint convert(GeoPoint p, Datum from, Datum to) {
    if (from == to)
        return p;
    GeoPoint wgs = from == Datum::wgs84   ? p
                   : from == Datum::gcj02 ? gcj02_to_wgs84(p)
                                          : bd09_to_wgs84(p);
    switch (to) {
        case Datum::wgs84:
            return wgs;
        case Datum::gcj02:
            return from == Datum::bd09 ? bd09_to_gcj02(p) : wgs84_to_gcj02(wgs);
        case Datum::bd09:
            return from == Datum::gcj02 ? gcj02_to_bd09(p) : wgs84_to_bd09(wgs);
    }
    return p;
}

}  // namespace lifeline
