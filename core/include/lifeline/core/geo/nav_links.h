#pragma once
// Links that open turn-by-turn navigation to a stop in the phone's map app (docs/ui.md,
// "Navigation"): Amap with GCJ-02 coordinates, Baidu with BD-09, and a plain geo: URI
// (RFC 5870, WGS-84) for any other app. The coordinates are converted by the one datum
// module (geo/datum.h), so the page that shows the links does no arithmetic of its own.

#include <string>
#include <string_view>

#include "lifeline/core/model.h"

namespace lifeline {

struct NavLinks {
    std::string amap;   // https://uri.amap.com/navigation?to=lon,lat,label&… (opens the app)
    std::string baidu;  // baidumap://map/direction?destination=name:…|latlng:lat,lon&…
    std::string geo;    // geo:lat,lon?q=lat,lon(label)
};

// Links to `wgs84`, shown in the app as `label` (the stop's address: never a patient's
// name, which has no business in a map provider's logs). An empty label is left out.
NavLinks nav_links(GeoPoint wgs84, std::string_view label);

// Percent-encodes every byte but A-Z a-z 0-9 - . _ ~ (RFC 3986 unreserved), UTF-8 intact.
std::string percent_encode(std::string_view text);

}  // namespace lifeline
