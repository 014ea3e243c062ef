#pragma once
// The one datum module of Lifeline (docs/architecture.md, "Datums"). Lifeline stores
// WGS-84, what a phone's GPS gives. China's map providers draw and route in offset
// datums: GCJ-02 (Amap, Tencent; WGS-84 moved by a published, position-dependent offset
// of up to ~700 m) and BD-09 (Baidu; GCJ-02 moved once more). Every conversion —
// the map's tile layer, the location pickers, the driver page's navigation links — goes
// through these functions; nothing else in Lifeline does this arithmetic.
//
// Outside mainland China (a coarse outline: see in_mainland_china) the three datums are
// the same and every conversion returns its input. Hong Kong and Macau count as inside
// (the map apps offset there too), Taiwan does not.

#include <optional>
#include <string_view>

#include "lifeline/core/model.h"

namespace lifeline {

enum class Datum { wgs84, gcj02, bd09 };

// "wgs84", "gcj02", "bd09".
const char* to_string(Datum d);
std::optional<Datum> datum_from(std::string_view s);

// True inside a coarse outline of mainland China, Hainan, Hong Kong and Macau, with their
// coastal waters. Land borders are followed to within some tens of kilometres: a point that
// close to a border may be taken for the other side (the fleet drives in Jilin City, far
// from any).
bool in_mainland_china(GeoPoint p);

// WGS-84 → GCJ-02: the published offset on the Krasovsky ellipsoid.
GeoPoint wgs84_to_gcj02(GeoPoint p);
// GCJ-02 → WGS-84: the offset has no closed inverse; iterates until the forward
// conversion of the result is within 1e-9° (~0.1 mm) of `p`.
GeoPoint gcj02_to_wgs84(GeoPoint p);
// GCJ-02 → BD-09: Baidu's published rotation and shift.
GeoPoint gcj02_to_bd09(GeoPoint p);
// BD-09 → GCJ-02: Baidu's approximate inverse, refined by iteration like gcj02_to_wgs84.
GeoPoint bd09_to_gcj02(GeoPoint p);
GeoPoint wgs84_to_bd09(GeoPoint p);
GeoPoint bd09_to_wgs84(GeoPoint p);

// Any of the above by name.
GeoPoint convert(GeoPoint p, Datum from, Datum to);

}  // namespace lifeline
