// Memory after plans: planning a day allocates tens of MiB on whichever worker thread
// runs it; the server gives that memory back afterwards instead of keeping every
// worker's heap at its peak.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "fixture.h"

using namespace lifeline::test;

namespace {

// The resident set of process `pid`, in KiB, from /proc/<pid>/status.
long rss_kib(int pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stol(line.substr(6));
    }
    FAIL("no VmRSS in /proc/" << pid << "/status");
    return 0;
}

}  // namespace

TEST_CASE("the server's memory comes back after day plans", "[api][memory]") {
    if (sanitized_build) {
        WARN("the sanitizer build's allocator keeps freed memory; the Release build checks this");
        return;
    }
    SeededFleet f;
    // Twelve more patients on Mondays: 28 requests for the sedan and the van.
    for (int i = 0; i < 12; ++i) {
        require_created(f.admin.post(
            "/api/v1/patients",
            json::object{
                {"name", "patient " + std::to_string(i)},
                {"phone", "15843212000"},
                {"address", "昌邑区"},
                {"lat", 43.80 + 0.01 * i},
                {"lon", 126.50 + 0.01 * (i % 5)},
                {"mobility", "ambulatory"},
                {"center_id", f.center_id},
                {"schedule",
                 {{"weekdays", {1}}, {"appointment", "07:30"}, {"duration_minutes", 240}}}}));
    }
    const std::string monday = "2027-03-22";
    auto generated = f.dispatcher.post("/api/v1/schedule/generate",
                                       json::object{{"from", monday}, {"to", monday}});
    INFO(generated.text);
    REQUIRE(generated.status == 200);

    const auto plan = [&] {
        auto r = f.dispatcher.post("/api/v1/days/" + monday + "/plan",
                                   json::object{{"time_limit_ms", 250}});
        INFO(r.text);
        REQUIRE(r.status == 200);
    };
    plan();
    const long first = rss_kib(f.server.pid());
    constexpr int plans = 40;
    for (int i = 1; i < plans; ++i)
        plan();
    const long last = rss_kib(f.server.pid());
    INFO("VmRSS after 1 plan: " << first / 1024 << " MiB, after " << plans
                                << " plans: " << last / 1024 << " MiB");
    WARN("VmRSS after 1 plan: " << first << " KiB, after " << plans << " plans: " << last
                                << " KiB");
    CHECK(last < first + 16 * 1024);
}
