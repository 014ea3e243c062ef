// The printable report's number formats: km to the tenth with thousands separated, as the
// year-end figures are quoted ("382,246.2 km").
#include <catch2/catch.hpp>

#include <string>

#include "lifeline/core/report_render.h"

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
        line.month = LocalDate{std::chrono::year{2022}, std::chrono::month{m++}, std::chrono::day{1}};
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
    const std::string html =
        totals_html(year_with_months({382'246'200, 999'950, 12'350, 12'349, 49, 50, 0}));
    CHECK(has_cell(html, "382,246.2"));
    CHECK(has_cell(html, "1,000.0"));   // 999.95 rounds up across the separator
    CHECK(has_cell(html, "12.4"));      // half a tenth rounds away from zero
    CHECK(has_cell(html, "12.3"));
    CHECK(has_cell(html, "0.0"));
    CHECK(has_cell(html, "0.1"));
    CHECK(has_cell(html, "383,270.9"));  // the year, and the last month's cumulative km
    CHECK_FALSE(has_cell(html, "382246.2"));
}
