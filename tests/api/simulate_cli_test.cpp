// `lifeline simulate`: a year into an empty database file, and a refusal to replay into
// one that already has a fleet.
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>

#include "fixture.h"

using namespace lifeline::test;

namespace {

double number_after(const std::string& text, const std::string& label) {
    std::smatch m;
    std::regex re(label + R"(\s+([0-9.]+))");
    REQUIRE(std::regex_search(text, m, re));
    return std::stod(m[1].str());
}

}  // namespace

TEST_CASE("lifeline simulate replays a year into an empty database and refuses a second",
          "[cli][simulate]") {
    lifeline::testing::TempDir dir;
    const std::string db = dir.file("year.db");
    auto [rc, out] =
        run_lifeline({"simulate", "--db", db, "--scenario", "jilin-2022", "--seed", "2"},
                     {"LIFELINE_ADMIN_PASSWORD=admin-secret-1"});
    INFO(out);
    REQUIRE(rc == 0);
    CHECK(number_after(out, "rides completed") == Approx(7306).epsilon(0.05));
    CHECK(number_after(out, "km \\(odometers\\)") == Approx(380000).epsilon(0.05));

    auto [again, text] = run_lifeline({"simulate", "--db", db, "--scenario", "jilin-2022"},
                                      {"LIFELINE_ADMIN_PASSWORD=admin-secret-1"});
    INFO(text);
    CHECK(again == 1);
    CHECK(text.find("already has drivers") != std::string::npos);
    CHECK(std::count(text.begin(), text.end(), '\n') == 1);

    auto [unknown, msg] = run_lifeline({"simulate", "--db", dir.file("b.db"), "--scenario", "mars"},
                                       {"LIFELINE_ADMIN_PASSWORD=admin-secret-1"});
    CHECK(unknown == 1);
    CHECK(msg.find("unknown --scenario") != std::string::npos);
}
