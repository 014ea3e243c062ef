// libFuzzer harness: the CSV bulk import. The text goes to the RFC 4180 reader
// (net/src/csv.cpp, parse_csv) and then, whole, to POST /api/v1/import/{kind}
// (net/src/api_import.cpp): cells typed as JSON, each row read by the same reader as a
// single POST, Fleet::import_* writing all rows or none.
//
// Input: one selector byte (kind = places, drivers, vehicles, patients by (selector - '0')
// % 4, so the seeds are text: "0name,lat,lon…"), then the CSV text. Any answer of 500 or more is a
// finding, as is any sanitizer report, or an exception from parse_csv other than lifeline::Error.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "csv.h"
#include "lifeline/core/errors.h"
#include "world.h"

using lifeline::fuzz::World;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return -1;
    static const char* const kinds[] = {"places", "drivers", "vehicles", "patients"};
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

    try {
        (void)lifeline::net::parse_csv(text);
    } catch (const lifeline::Error&) {
        // a malformed CSV: the route answers 422 naming the line
    }

    World& world = World::get();
    lifeline::net::Request request;
    request.method = "POST";
    request.target = request.path =
        std::string("/api/v1/import/") + kinds[static_cast<unsigned char>(data[0] - '0') % 4];
    request.body = std::string(text);
    request.remote = "127.0.0.1";
    request.headers.push_back({"Content-Type", "text/csv"});
    request.headers.push_back({"Authorization", "Bearer " + world.tokens().dispatcher});
    const auto response = world.call(request);
    World::require_not_internal_error(request, response);
    world.reset_if_written();
    return 0;
}
