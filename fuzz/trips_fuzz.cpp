// libFuzzer harness: the trip ledger's JSON readers (net/src/api_trips.cpp) and the
// ledger's own checks of a trip's shape (core Ledger), through the real routes.
//
// Input: one selector byte, then the request body. The selector counts from '0', so the
// seeds are text: "0{…}".
//   selector % 5 = 0: POST  /api/v1/trips               as driver1 (opens or logs a trip)
//                  1: POST  /api/v1/trips               as the dispatcher
//                  2: PATCH /api/v1/trips/{finished}    as the dispatcher (a correction)
//                  3: POST  /api/v1/trips/{open}/events as driver2
//                  4: POST  /api/v1/trips/{open}/finish as driver2
// Any answer of 500 or more is a finding, as is any sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string>

#include "world.h"

using lifeline::fuzz::World;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return -1;  // not worth keeping in the corpus
    World& world = World::get();
    const auto& ids = world.ids();
    const auto& tokens = world.tokens();
    const std::string trips = "/api/v1/trips";
    const std::string finished = trips + "/" + std::to_string(ids.finished_trip);
    const std::string open = trips + "/" + std::to_string(ids.open_trip);

    lifeline::net::Request request;
    request.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::string token;
    switch (static_cast<unsigned char>(data[0] - '0') % 5) {
        case 0:
            request.method = "POST", request.target = trips, token = tokens.driver1;
            break;
        case 1:
            request.method = "POST", request.target = trips, token = tokens.dispatcher;
            break;
        case 2:
            request.method = "PATCH", request.target = finished, token = tokens.dispatcher;
            break;
        case 3:
            request.method = "POST", request.target = open + "/events", token = tokens.driver2;
            break;
        default:
            request.method = "POST", request.target = open + "/finish", token = tokens.driver2;
            break;
    }
    request.path = request.target;
    request.remote = "127.0.0.1";
    request.headers.push_back({"Content-Type", "application/json"});
    request.headers.push_back({"Authorization", "Bearer " + token});

    const auto response = world.call(request);
    World::require_not_internal_error(request, response);
    world.reset_if_written();
    return 0;
}
