#pragma once
// The web UI's files (net/web/*), compiled into the binary by net/embed_web.cmake.

#include <cstddef>

namespace lifeline::net {

struct WebAsset {
    const char* name;          // file name under net/web/: "app.js"
    const char* content_type;  // "text/javascript; charset=utf-8"
    const char* etag;          // quoted strong validator: "\"3f2a…\""
    const unsigned char* data;
    std::size_t size;
};

extern const WebAsset web_assets[];
extern const std::size_t web_asset_count;

}  // namespace lifeline::net
