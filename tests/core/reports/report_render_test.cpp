// The printable report's number formats: km to the tenth with thousands separated, as the
// year-end figures are quoted ("382,246.2 km").
#include <catch2/catch.hpp>

#include <string>

#include "lifeline/core/reports/report_render.h"

using namespace lifeline;

namespace {

TotalsReport year_with_months(std::initializer_list<WholeMeters> meters) {
    TotalsReport r;
    r.header.organisation = "Lifeline";
    r.header.time_zone = "Asia/Shanghai";
    r.from_month = LocalDate{std::chrono::year{2022}, std::chrono::month{1}, std::chrono::day{1}};
    r.to_month = r.from_month;
    unsigned m = 1;
    for (WholeMeters x : meters) {
        MonthTotalsLine line;
        line.month =
            LocalDate{std::chrono::year{2022}, std::chrono::month{m++}, std::chrono::day{1}};
        line.meters = x;
        line.cumulative_meters = r.meters += x;
        r.months.push_back(line);
    }
    return r;
}

bool has_cell(const std::string& html, const std::string& text) {
    return html.find(">" + text + "<") != std::string::npos;
}

}  // namespace

TEST_CASE("printed km are rounded to the tenth and grouped by thousands", "[core][report]") {
    const std::string html = totals_html(
        year_with_months({382'246'200, 999'950, 12'350, 12'349, 49, 50, 0}), Language::en);
    CHECK(has_cell(html, "382,246.2"));
    CHECK(has_cell(html, "1,000.0"));  // 999.95 rounds up across the separator
    CHECK(has_cell(html, "12.4"));     // half a tenth rounds away from zero
    CHECK(has_cell(html, "12.3"));
    CHECK(has_cell(html, "0.0"));
    CHECK(has_cell(html, "0.1"));
    CHECK(has_cell(html, "383,270.9"));  // the year, and the last month's cumulative km
    CHECK_FALSE(has_cell(html, "382246.2"));
}

TEST_CASE("the printed odometer check sums the gaps per vehicle before listing them",
          "[core][report]") {
    MonthlyReport r;
    r.header.organisation = "Lifeline";
    r.header.time_zone = "Asia/Shanghai";
    r.month = LocalDate{std::chrono::year{2022}, std::chrono::month{3}, std::chrono::day{1}};
    const auto gap = [](const char* plate, OdometerIssue issue, double km) {
        OdometerAnomaly a;
        a.plate = plate;
        a.issue = issue;
        a.gap_km = km;
        return a;
    };
    r.odometer = {gap("吉B·A1000", OdometerIssue::unlogged, 24.2),
                  gap("吉B·A1000", OdometerIssue::backwards, -36.0),
                  gap("吉B·A1000", OdometerIssue::unlogged, 1200.05),
                  gap("吉B·C1074", OdometerIssue::unlogged, 0.3)};
    const std::string html = monthly_html(r, Language::en);
    CHECK(html.find("4 gaps on 2 vehicles: 3 with unlogged km (1,224.6 km), 1 going backwards "
                    "(36.0 km).") != std::string::npos);
    CHECK(html.find("<td>吉B·A1000</td><td class=\"num\">2</td><td class=\"num\">1,224.3</td>"
                    "<td class=\"num\">1</td><td class=\"num\">36.0</td>") != std::string::npos);
    CHECK(html.find("<td>吉B·C1074</td><td class=\"num\">1</td><td class=\"num\">0.3</td>") !=
          std::string::npos);
}
