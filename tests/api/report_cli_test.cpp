// `lifeline report` from the database file gives what the API gives, without a server.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "fixture.h"

using namespace lifeline::test;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("lifeline report renders the API's reports from the database file",
          "[api][reports][cli]") {
    SeededFleet f;
    REQUIRE(
        f.driver1.post("/api/v1/trips", f.trip(f.sedan_id, 1000, 1052.3, f.walker_id, "2022-03-14"))
            .status == 201);
    REQUIRE(
        f.driver2.post("/api/v1/trips", f.trip(f.van_id, 5000, 5040, f.wheelchair_id, "2022-04-01"))
            .status == 201);
    lifeline::testing::TempDir out;

    SECTION("csv tables are byte for byte the API's") {
        for (const std::string table : {"totals", "drivers", "vehicles", "days", "odometer"}) {
            const std::string file = out.file(table + ".csv");
            auto [status, text] =
                run_lifeline({"report", "monthly", "--db", f.server.db_path(), "--month", "2022-03",
                              "--format", "csv", "--table", table, "--out", file});
            INFO(text);
            REQUIRE(status == 0);
            auto api =
                f.dispatcher.get("/api/v1/reports/monthly?month=2022-03&format=csv&table=" + table);
            REQUIRE(api.status == 200);
            CHECK(slurp(file) == api.text);
        }
        const std::string months = out.file("months.csv");
        auto [status, text] =
            run_lifeline({"report", "totals", "--db", f.server.db_path(), "--from", "2022-01",
                          "--to", "2022-12", "--format", "csv", "--out", months});
        INFO(text);
        REQUIRE(status == 0);
        CHECK(slurp(months) ==
              f.dispatcher.get("/api/v1/reports/totals?from=2022-01&to=2022-12&format=csv").text);
    }
    SECTION("json to stdout and html to a file") {
        auto [status, text] = run_lifeline(
            {"report", "statements", "--db", f.server.db_path(), "--month", "2022-03"});
        REQUIRE(status == 0);
        CHECK(text.find("\"km\":52.3") != std::string::npos);
        const std::string page = out.file("march.html");
        auto html = run_lifeline({"report", "monthly", "--db", f.server.db_path(), "--month",
                                  "2022-03", "--format", "html", "--out", page});
        REQUIRE(html.first == 0);
        CHECK(slurp(page).find("<svg") != std::string::npos);
        // In the organisation's language (Chinese by default), or the one asked for.
        CHECK(slurp(page).find("<html lang=\"zh-CN\"") != std::string::npos);
        CHECK(slurp(page).find("2022年3月月度报表") != std::string::npos);
        const std::string english = out.file("march-en.html");
        auto en = run_lifeline({"report", "monthly", "--db", f.server.db_path(), "--month",
                                "2022-03", "--format", "html", "--lang", "en", "--out", english});
        REQUIRE(en.first == 0);
        CHECK(slurp(english).find("<html lang=\"en\"") != std::string::npos);
        CHECK(slurp(english).find("Monthly report, March 2022") != std::string::npos);
    }
    SECTION("bad input is one line and exit status 1") {
        auto missing =
            run_lifeline({"report", "monthly", "--db", out.file("none.db"), "--month", "2022-03"});
        CHECK(missing.first == 1);
        CHECK(missing.second.find("no database at") != std::string::npos);
        auto table = run_lifeline({"report", "monthly", "--db", f.server.db_path(), "--month",
                                   "2022-03", "--format", "csv", "--table", "nope"});
        CHECK(table.first == 1);
        CHECK(table.second.find("table: must be one of") != std::string::npos);
        auto month = run_lifeline({"report", "totals", "--db", f.server.db_path(), "--from",
                                   "2022-13", "--to", "2022-12"});
        CHECK(month.first == 1);
        auto lang = run_lifeline({"report", "monthly", "--db", f.server.db_path(), "--month",
                                  "2022-03", "--format", "html", "--lang", "fr"});
        CHECK(lang.first == 1);
        CHECK(lang.second.find("--lang must be zh-CN or en") != std::string::npos);
    }
}
