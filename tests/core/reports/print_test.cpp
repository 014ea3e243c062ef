// The printed documents' words and formats: every label in both languages, dates, times
// and numbers the local way, and each report in one language only — names of people,
// groups, places and plates excepted.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "lifeline/core/reports/print.h"
#include "lifeline/core/reports/report_render.h"

using namespace lifeline;

namespace {

LocalDate ymd(int y, unsigned m, unsigned d) {
    return LocalDate{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

Instant at(const char* rfc3339) {
    return *parse_instant(rfc3339);
}

// A character of the CJK Unified Ideographs or CJK punctuation (UTF-8 E3–E9 lead bytes).
bool has_cjk(std::string_view s) {
    for (std::size_t i = 0; i + 2 < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0xE3 && c <= 0xE9 && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80)
            return true;
    }
    // Full-width punctuation (，：（）) is EF BC xx.
    return s.find("\xEF\xBC") != std::string_view::npos;
}

std::set<std::string> params_of(std::string_view text) {
    static const std::regex param(R"(\{[a-z_]+\})");
    std::set<std::string> out;
    const std::string s(text);
    for (auto it = std::sregex_iterator(s.begin(), s.end(), param); it != std::sregex_iterator();
         ++it)
        out.insert(it->str());
    return out;
}

// What a reader sees: the text between the tags (the style sheet left out), entities
// decoded, with every name of the report's data removed.
std::string visible_text(const std::string& html, const std::vector<std::string>& names) {
    std::string text;
    bool in_tag = false;
    for (std::size_t i = html.find("</style>"); i < html.size(); ++i) {
        if (html[i] == '<')
            in_tag = true;
        else if (html[i] == '>')
            in_tag = false, text += ' ';
        else if (!in_tag)
            text += html[i];
    }
    for (const auto& [entity, c] : std::vector<std::pair<std::string, std::string>>{
             {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}})
        for (auto p = text.find(entity); p != std::string::npos; p = text.find(entity, p))
            text.replace(p, entity.size(), c);
    for (const std::string& name : names)
        for (auto p = text.find(name); p != std::string::npos; p = text.find(name, p))
            text.replace(p, name.size(), " ");
    return text;
}

// The people, groups, plates and places of a report, in the script of `lang`'s readers
// or not: they are printed as stored.
struct Names {
    std::string org, driver, group, plate;
    std::vector<std::string> all() const { return {org, driver, group, plate, "Asia/Shanghai"}; }
};

MonthlyReport month_with_everything(const Names& n) {
    MonthlyReport r;
    r.header = {n.org, "Asia/Shanghai", at("2026-11-30T02:00:00Z")};
    r.month = ymd(2022, 3, 1);
    r.totals.rides = 1234;
    r.totals.trips = 400;
    r.totals.open_trips = 1;
    r.totals.meters = 32'681'200;
    r.totals.seconds = 3600 * 2050;
    r.totals.cancellations = {
        {"patient", 19}, {"late_cancel", 2}, {"holiday", 0}, {"weather", 6}, {"other", 0}};
    r.occupancy.estimated = true;
    r.occupancy.estimated_trips = 3;
    for (unsigned d = 1; d <= 31; ++d)
        r.days.push_back(DayLine{ymd(2022, 3, d), 5, 20, 976'500});
    for (int i = 0; i < 27; ++i)  // more than the chart shows
        r.drivers.push_back(DriverLine{i + 1, n.driver, n.group, 10, 30, 1000'000 - i, 36000});
    r.vehicles.push_back(VehicleLine{1, n.plate, 13, 208'000, 75587.3, 76166.4});
    OdometerAnomaly gap;
    gap.plate = n.plate;
    gap.started_at = at("2022-03-13T22:30:00Z");
    gap.previous_started_at = at("2022-03-12T22:30:00Z");
    gap.gap_km = 24.2;
    r.odometer.push_back(gap);
    gap.issue = OdometerIssue::backwards;
    gap.gap_km = -3;
    r.odometer.push_back(gap);
    return r;
}

TotalsReport year_with_everything(const Names& n) {
    TotalsReport r;
    r.header = {n.org, "Asia/Shanghai", at("2026-11-30T02:00:00Z")};
    r.from_month = ymd(2022, 1, 1);
    r.to_month = ymd(2022, 12, 1);
    for (unsigned m = 1; m <= 12; ++m)
        r.months.push_back(MonthTotalsLine{ymd(2022, m, 1), 200, 600, 32'000'000, 600 * m,
                                           32'000'000 * m, 608.8 * m, 31666.7 * m});
    r.rides = 7200;
    r.meters = 384'000'000;
    r.progress.as_of = at("2022-12-31T16:00:00Z");
    r.progress.projected_rides = 7200;
    r.progress.projected_km = 384000;
    return r;
}

StatementsReport statements_with_everything(const Names& n) {
    StatementsReport r;
    r.header = {n.org, "Asia/Shanghai", at("2026-11-30T02:00:00Z")};
    r.month = ymd(2022, 3, 1);
    MileageStatement s;
    s.driver_name = n.driver;
    s.group = n.group;
    s.month = r.month;
    s.trips.push_back(StatementTrip{392, 1, 1, n.plate, at("2022-03-13T22:30:00Z"),
                                    at("2022-03-14T00:10:00Z"), 75587.3, 75603.4, 16'100, 4});
    s.meters = 16'100;
    s.per_km_rate = 0.5;
    s.currency = "CNY";
    s.amount = 8.05;
    s.approval =
        StatementApproval{1, "2022-03", 16.1, 8.05, 2, n.driver, at("2026-11-30T02:05:00Z")};
    s.changed_since_approval = true;
    r.statements.push_back(s);
    MileageStatement none = s;
    none.trips.clear();
    none.approval.reset();
    r.statements.push_back(none);
    return r;
}

MonthlyReport empty_month(const Names& n) {
    MonthlyReport r;
    r.header = {n.org, "Asia/Shanghai", at("2026-11-30T02:00:00Z")};
    r.month = ymd(2022, 3, 1);
    return r;
}

std::vector<std::string> every_document(const Names& n, Language lang) {
    return {monthly_html(month_with_everything(n), lang),
            totals_html(year_with_everything(n), lang),
            statements_html(statements_with_everything(n), lang),
            statements_html(StatementsReport{empty_month(n).header, ymd(2022, 3, 1), {}}, lang),
            monthly_html(empty_month(n), lang)};
}

// The words of a label in one language, without its parameters: what must not show in a
// document of the other language.
std::vector<std::string> fixed_words(std::string_view text) {
    static const std::regex param(R"(\{[a-z_]+\})");
    std::vector<std::string> out;
    const std::string s(text);
    for (auto it = std::sregex_token_iterator(s.begin(), s.end(), param, -1);
         it != std::sregex_token_iterator(); ++it) {
        std::string piece = it->str();
        if (piece.size() >= 4)
            out.push_back(piece);
    }
    return out;
}

}  // namespace

TEST_CASE("every printed label has Chinese and English words with the same parameters",
          "[core][report][print]") {
    std::set<std::string_view> keys;
    for (const PrintLabel& l : print_labels) {
        INFO(l.key);
        CHECK(keys.insert(l.key).second);
        CHECK_FALSE(l.zh.empty());
        CHECK_FALSE(l.en.empty());
        CHECK(params_of(l.zh) == params_of(l.en));
        CHECK_FALSE(has_cjk(l.en));
        // A Chinese label is Chinese, unless it is only its parameters or a unit symbol.
        if (l.zh != l.en)
            CHECK(has_cjk(l.zh));
    }
    CHECK(keys.size() > 100);
}

TEST_CASE("printed dates, times and numbers are written the local way", "[core][report][print]") {
    const auto* shanghai = find_zone("Asia/Shanghai");
    const auto* berlin = find_zone("Europe/Berlin");
    CHECK(print_date(ymd(2022, 3, 14), Language::zh_CN) == "2022年3月14日");
    CHECK(print_date(ymd(2022, 3, 14), Language::en) == "14 March 2022");
    CHECK(print_date_weekday(ymd(2026, 12, 7), Language::zh_CN) == "2026年12月7日 星期一");
    CHECK(print_date_weekday(ymd(2026, 12, 7), Language::en) == "Monday 7 December 2026");
    CHECK(print_month(ymd(2022, 3, 1), Language::zh_CN) == "2022年3月");
    CHECK(print_month(ymd(2022, 3, 1), Language::en) == "March 2022");
    CHECK(print_month_short(ymd(2022, 12, 1), Language::zh_CN) == "12月");
    CHECK(print_month_short(ymd(2022, 12, 1), Language::en) == "Dec");
    CHECK(print_day(ymd(2022, 3, 5), Language::zh_CN) == "3月5日");
    CHECK(print_day(ymd(2022, 3, 5), Language::en) == "5 Mar");
    // 22:30 UTC is 06:30 the next morning in Jilin.
    const Instant evening = at("2022-03-13T22:30:00Z");
    CHECK(print_time(evening, shanghai) == "06:30");
    CHECK(print_date_time(evening, shanghai, Language::zh_CN) == "2022年3月14日 06:30");
    CHECK(print_date_time(evening, shanghai, Language::en) == "14 March 2022 06:30");
    CHECK(print_day_time(evening, shanghai, Language::zh_CN) == "3月14日 06:30");
    CHECK(print_day_time(evening, berlin, Language::en) == "13 Mar 23:30");
    CHECK(print_time(at("2022-03-27T01:30:00Z"), berlin) == "03:30");  // summer time began

    CHECK(print_count(0) == "0");
    CHECK(print_count(999) == "999");
    CHECK(print_count(7306) == "7,306");
    CHECK(print_count(-1234567) == "-1,234,567");
    CHECK(print_km(382'246'200) == "382,246.2");
    CHECK(print_km(999'950) == "1,000.0");
    CHECK(print_km(-3'050) == "-3.1");
    CHECK(print_decimal(1234.5, 2) == "1,234.50");
    CHECK(print_decimal(-0.04, 1) == "0.0");
    CHECK(print_decimal(-1234.56, 1) == "-1,234.6");
    CHECK(print_percent(1.0176567) == "101.8%");

    CHECK(print_language_from("zh-CN") == Language::zh_CN);
    CHECK(print_language_from("en") == Language::en);
    for (const char* bad : {"", "zh", "en-US", "EN", "fr"})
        CHECK_FALSE(print_language_from(bad));
    CHECK(print_text(Language::zh_CN, "sheet.passengers", {{"n", "2"}}) == "共2人");
    CHECK(print_text(Language::en, "statement.rate", {{"rate", "0.50"}, {"currency", "CNY"}}) ==
          "at 0.50 CNY per km");
}

TEST_CASE("a report printed in Chinese has no English words, in English no Chinese",
          "[core][report][print]") {
    SECTION("Chinese") {
        const Names n{"吉林志愿者车队", "王建国", "民建", "吉B·A1000"};
        for (const std::string& html : every_document(n, Language::zh_CN)) {
            CHECK(html.find("<html lang=\"zh-CN\"") != std::string::npos);
            const std::string text = visible_text(html, n.all());
            INFO(text);
            for (const PrintLabel& l : print_labels)
                for (const std::string& words : fixed_words(l.en))
                    if (std::regex_search(words, std::regex("[A-Za-z]{2,}"))) {
                        INFO("English label " << l.key << ": " << words);
                        CHECK(text.find(words) == std::string::npos);
                    }
            // No Latin word at all but the currency's code where it has no Chinese name.
            static const std::regex latin(R"([A-Za-z]{2,})");
            std::smatch m;
            CHECK_FALSE(std::regex_search(text, m, latin));
            INFO("found: " << m.str());
        }
    }
    SECTION("English") {
        const Names n{"Jilin volunteers", "Wang Jianguo", "CNDCA", "JL-B-A1000"};
        for (const std::string& html : every_document(n, Language::en)) {
            CHECK(html.find("<html lang=\"en\"") != std::string::npos);
            const std::string text = visible_text(html, n.all());
            INFO(text);
            CHECK_FALSE(has_cjk(text));
            for (const PrintLabel& l : print_labels)
                for (const std::string& words : fixed_words(l.zh))
                    if (has_cjk(words))
                        CHECK(text.find(words) == std::string::npos);
        }
    }
}
