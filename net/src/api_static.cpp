// The web UI: GET / (dispatcher), GET /driver (driver's phone page), GET /driver-sw.js
// (the driver page's service worker) and GET /static/{file}, served from the files
// compiled into the binary (web_assets.h).
#include <string_view>

#include "api_common.h"
#include "api_routes.h"
#include "lifeline/core/dispatch/run_sheets.h"
#include "lifeline/core/settings.h"
#include "lifeline/net/router.h"
#include "web_assets.h"

namespace lifeline::net {
namespace {

// The pages load only their own scripts and styles: no inline script, no other host.
// worker-src: the driver page registers its service worker, from this origin only.
// style-src also allows the run sheets' one inline stylesheet, by its hash: the board
// opens the printable sheets it fetched (with its token) as a blob: page, which keeps the
// board's policy. img-src allows the map's tiles from exactly the host of the
// map_tile_url setting (tile_source), read for each response, so a changed setting
// applies at the next page load.
std::string content_security_policy(Services& s) {
    static const std::string style_hash = csp_hash_source(run_sheets_style());
    std::string tiles;
    try {
        if (auto source = tile_source(s.settings.get().map_tile_url))
            tiles = " " + *source;
    } catch (const std::exception&) {
        // The settings cannot be read (the database is closing): the page is still served,
        // its map without tiles.
    }
    return "default-src 'self'; script-src 'self'; style-src 'self' " + style_hash +
           "; img-src 'self' data:" + tiles +
           "; connect-src 'self'; worker-src 'self'; frame-ancestors 'none'; "
           "base-uri 'none'; form-action 'self'";
}

// The service worker is served at the root, not under /static/: a worker's default (and
// greatest) scope is the folder of its script, and it must reach /driver. driver.js
// registers it with the scope /driver, so the dispatcher's page is not controlled by it.
// It is served from that one path only.
constexpr const char* service_worker = "driver-sw.js";

const WebAsset* find_asset(std::string_view name) {
    for (std::size_t i = 0; i < web_asset_count; ++i)
        if (name == web_assets[i].name)
            return &web_assets[i];
    return nullptr;
}

std::string_view trim_space(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// RFC 9110 §13.1.2: If-None-Match is "*" or a list of entity tags, compared weakly.
bool none_match(std::string_view header, std::string_view etag) {
    while (!header.empty()) {
        const auto comma = header.find(',');
        std::string_view tag = trim_space(header.substr(0, comma));
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        if (tag == "*")
            return true;
        if (tag.substr(0, 2) == "W/")
            tag.remove_prefix(2);
        if (tag == etag)
            return true;
    }
    return false;
}

Response serve(Services& s, const Request& req, const WebAsset& asset) {
    Response res;
    const std::string_view type = asset.content_type;
    const bool html = type.substr(0, 9) == "text/html";
    res.set_header("ETag", asset.etag);
    // HTML is revalidated on every load so a new binary's pages are seen at once; the
    // assets too (no-cache means "revalidate", answered by a 304 when unchanged).
    res.set_header("Cache-Control", html ? "no-cache" : "no-cache, max-age=0");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Content-Security-Policy", content_security_policy(s));
    if (auto inm = req.header("If-None-Match"); inm && none_match(*inm, asset.etag)) {
        res.status = 304;
        res.content_type.clear();
        return res;
    }
    res.content_type = asset.content_type;
    res.body.assign(reinterpret_cast<const char*>(asset.data), asset.size);
    return res;
}

Handler page(Services& s, const char* name) {
    const WebAsset* asset = find_asset(name);
    if (!asset)
        throw std::logic_error(std::string("web UI file missing from the build: ") + name);
    return [&s, asset](Request& req) { return serve(s, req, *asset); };
}

}  // namespace

void register_static_routes(Router& r, Services& s) {
    r.add("GET", "/", page(s, "index.html"));
    r.add("GET", "/driver", page(s, "driver.html"));
    r.add("GET", "/driver-sw.js", page(s, service_worker));
    r.add("GET", "/static/{file}", [&s](Request& req) {
        const std::string_view name = req.param("file").value_or("");
        const WebAsset* asset = name == service_worker ? nullptr : find_asset(name);
        if (!asset)
            throw_not_found(msg("static.no_file"));
        return serve(s, req, *asset);
    });
}

}  // namespace lifeline::net
