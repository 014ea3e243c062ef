# Writes OUTPUT: a C++ source holding every file of the web UI (net/web/*) as bytes,
# with its content type and an ETag (SHA-256 of the content), for net/src/api_static.cpp.
# Usage: cmake -DWEB_DIR=… -DOUTPUT=… -P embed_web.cmake
file(GLOB web_files RELATIVE ${WEB_DIR} ${WEB_DIR}/*)
list(SORT web_files)

# The driver page's service worker names its cache after the build of the web UI and
# checks each file it keeps against its ETag, so it is given both here:
# @LIFELINE_WEB_BUILD@ becomes a SHA-256 over every file's name and SHA-256 (the
# worker's own source too), @LIFELINE_WEB_ETAGS@ a JSON object of file → ETag (unquoted).
set(service_worker driver-sw.js)
set(build_list "")
set(etags_json "")
foreach(name IN LISTS web_files)
  if(IS_DIRECTORY ${WEB_DIR}/${name})
    continue()
  endif()
  file(SHA256 ${WEB_DIR}/${name} sha)
  string(APPEND build_list "${name} ${sha}\n")
  if(NOT name STREQUAL service_worker)
    string(SUBSTRING "${sha}" 0 32 etag)
    if(etags_json)
      string(APPEND etags_json ",")
    endif()
    string(APPEND etags_json "\"${name}\":\"${etag}\"")
  endif()
endforeach()
string(SHA256 web_build "${build_list}")
string(SUBSTRING "${web_build}" 0 32 web_build)

set(body "")
set(table "")
set(index 0)

# Appends one file to the table: `source` embedded under `name`, typed by its extension.
macro(embed_file source name)
  string(REGEX MATCH "\\.[^.]+$" ext "${name}")
  if(ext STREQUAL ".html")
    set(type "text/html; charset=utf-8")
  elseif(ext STREQUAL ".css")
    set(type "text/css; charset=utf-8")
  elseif(ext STREQUAL ".js")
    set(type "text/javascript; charset=utf-8")
  elseif(ext STREQUAL ".json")
    set(type "application/json; charset=utf-8")
  elseif(ext STREQUAL ".svg")
    set(type "image/svg+xml")
  elseif(ext STREQUAL ".png")
    set(type "image/png")
  elseif(ext STREQUAL ".ico")
    set(type "image/x-icon")
  elseif(ext STREQUAL ".txt")
    set(type "text/plain; charset=utf-8")
  else()
    message(FATAL_ERROR "embed_web.cmake: no content type for ${name}")
  endif()
  file(READ ${source} hex HEX)
  file(SHA256 ${source} sha)
  string(SUBSTRING "${sha}" 0 32 etag)
  string(LENGTH "${hex}" hex_len)
  math(EXPR size "${hex_len} / 2")
  # Bytes as 0x.. initialisers; hex keeps any byte (UTF-8, NUL) exact.
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){24})" "\\1\n" bytes "${bytes}")
  string(APPEND body "const unsigned char file_${index}[] = {\n${bytes}0x00};\n")
  string(APPEND table
    "    {\"${name}\", \"${type}\", \"\\\"${etag}\\\"\", file_${index}, ${size}},\n")
  math(EXPR index "${index} + 1")
endmacro()

foreach(name IN LISTS web_files)
  if(IS_DIRECTORY ${WEB_DIR}/${name})
    continue()
  endif()
  set(source ${WEB_DIR}/${name})
  if(name STREQUAL service_worker)
    file(READ ${source} text)
    string(REPLACE "@LIFELINE_WEB_BUILD@" "${web_build}" text "${text}")
    string(REPLACE "@LIFELINE_WEB_ETAGS@" "{${etags_json}}" text "${text}")
    set(source ${OUTPUT}.${name})
    file(WRITE ${source} "${text}")
  endif()
  embed_file(${source} ${name})
endforeach()

# The map library, Debian's libjs-leaflet (LEAFLET_DIR, found by net/CMakeLists.txt):
# leaflet.js, leaflet.css and its images, served as /static/leaflet.js, leaflet.css and
# leaflet-<image>. The stylesheet names its images "images/<image>": rewritten to the
# flat names, so Leaflet's default marker finds its icon under /static/ too.
if(LEAFLET_DIR)
  embed_file(${LEAFLET_DIR}/leaflet.js leaflet.js)
  file(READ ${LEAFLET_DIR}/leaflet.css leaflet_css)
  string(REPLACE "url(images/" "url(leaflet-" leaflet_css "${leaflet_css}")
  file(WRITE ${OUTPUT}.leaflet.css "${leaflet_css}")
  embed_file(${OUTPUT}.leaflet.css leaflet.css)
  file(GLOB leaflet_images RELATIVE ${LEAFLET_DIR}/images ${LEAFLET_DIR}/images/*.png)
  list(SORT leaflet_images)
  foreach(image IN LISTS leaflet_images)
    embed_file(${LEAFLET_DIR}/images/${image} leaflet-${image})
  endforeach()
endif()

file(WRITE ${OUTPUT}.tmp
  "// Generated from net/web/ by net/embed_web.cmake at build time; do not edit.\n"
  "#include \"${WEB_DIR}/../src/web_assets.h\"\n\n"
  "namespace lifeline::net {\nnamespace {\n${body}}  // namespace\n\n"
  "const WebAsset web_assets[] = {\n${table}};\n"
  "const std::size_t web_asset_count = ${index};\n"
  "}  // namespace lifeline::net\n")
# Only touch OUTPUT when it changes, so an unrelated reconfigure recompiles nothing.
configure_file(${OUTPUT}.tmp ${OUTPUT} COPYONLY)
file(REMOVE ${OUTPUT}.tmp ${OUTPUT}.${service_worker} ${OUTPUT}.leaflet.css)
