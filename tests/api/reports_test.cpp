// Reports over HTTP: the monthly, totals and statement reports in JSON, CSV and HTML,
// who may read them, and the audited, idempotent approval of a mileage statement.
#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <vector>

#include "fixture.h"

using namespace lifeline::test;

namespace {

using CsvRows = std::vector<std::vector<std::string>>;

// RFC 4180, written independently of the server's writer: quoted fields may hold commas,
// doubled quotes and line breaks; records end with CRLF.
CsvRows parse_csv(const std::string& text) {
    const std::string bom = "\xEF\xBB\xBF";
    REQUIRE(text.compare(0, bom.size(), bom) == 0);
    CsvRows rows(1);
    std::string field;
    bool quoted = false;
    for (std::size_t i = bom.size(); i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().push_back(field);
            field.clear();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            rows.back().push_back(field);
            field.clear();
            rows.emplace_back();
            ++i;
        } else {
            field += c;
        }
    }
    REQUIRE_FALSE(quoted);
    REQUIRE(field.empty());
    REQUIRE(rows.back().empty());  // the last record ends with CRLF
    rows.pop_back();
    return rows;
}

std::size_t column(const CsvRows& rows, const std::string& name) {
    for (std::size_t i = 0; i < rows.at(0).size(); ++i)
        if (rows[0][i] == name)
            return i;
    FAIL("no column " << name);
    return 0;
}

// Every element opened is closed in order (void elements written as "<x/>"), no stray
// '<' in text, and the style sheet holds no markup: the page is well-formed XML-ish.
void require_well_formed(const std::string& html) {
    std::vector<std::string> open;
    std::size_t i = html.find("<html");
    REQUIRE(i != std::string::npos);
    while (i < html.size()) {
        const std::size_t lt = html.find('<', i);
        if (lt == std::string::npos)
            break;
        const std::size_t gt = html.find('>', lt);
        REQUIRE(gt != std::string::npos);
        const std::string tag = html.substr(lt + 1, gt - lt - 1);
        REQUIRE_FALSE(tag.empty());
        REQUIRE(tag.find('<') == std::string::npos);
        if (tag[0] == '/') {
            INFO("closing " << tag << " at " << lt);
            REQUIRE_FALSE(open.empty());
            CHECK(open.back() == tag.substr(1));
            open.pop_back();
        } else if (tag.back() != '/') {
            const std::string name = tag.substr(0, tag.find_first_of(" \n"));
            open.push_back(name);
            if (name == "style") {  // raw text up to its end tag
                const std::size_t end = html.find("</style>", gt);
                REQUIRE(end != std::string::npos);
                REQUIRE(html.substr(gt + 1, end - gt - 1).find('<') == std::string::npos);
                i = end;
                continue;
            }
        }
        i = gt + 1;
    }
    INFO("unclosed: " << (open.empty() ? "" : open.back()));
    CHECK(open.empty());
}

struct ReportFleet : SeededFleet {
    ReportFleet() {
        // A name with a comma and quotes, and a plate-free Chinese group, in every format.
        auto r = admin.patch("/api/v1/drivers/" + std::to_string(driver_id1),
                             json::object{{"name", "王建国, \"老王\" <b>"}});
        INFO(r.text);
        REQUIRE(r.status == 200);
        log(driver1, trip(sedan_id, 1000, 1052.3, walker_id, "2022-03-14"));
        log(driver1, trip(sedan_id, 1060, 1090, walker_id, "2022-03-16"));  // 7.7 km unlogged
        log(driver2, trip(van_id, 5000, 5040, wheelchair_id, "2022-03-15"));
        log(driver2, trip(van_id, 5040, 5070, wheelchair_id, "2022-04-01"));
    }
    void log(Api& who, const json::object& trip) {
        auto r = who.post("/api/v1/trips", trip);
        INFO(r.text);
        REQUIRE(r.status == 201);
    }
};

}  // namespace

TEST_CASE("the monthly report answers json, csv and html", "[api][reports]") {
    ReportFleet f;

    SECTION("json") {
        auto r = f.dispatcher.get("/api/v1/reports/monthly?month=2022-03");
        INFO(r.text);
        REQUIRE(r.status == 200);
        const auto& o = r.obj();
        CHECK(o.at("month") == "2022-03");
        CHECK(o.at("from") == "2022-02-28T16:00:00Z");
        const auto& t = o.at("totals").as_object();
        CHECK(t.at("rides").as_int64() == 3);
        CHECK(t.at("trips").as_int64() == 3);
        CHECK(t.at("km").to_number<double>() == Approx(122.3));
        CHECK(t.at("patients_served").as_int64() == 2);
        CHECK(t.at("drivers_active").as_int64() == 2);
        CHECK(t.at("volunteer_hours").to_number<double>() == Approx(5.0));
        CHECK(o.at("days").as_array().size() == 31);
        REQUIRE(o.at("drivers").as_array().size() == 2);
        CHECK(o.at("drivers").as_array()[0].at("name") == "王建国, \"老王\" <b>");
        const auto& odo = o.at("odometer").as_array();
        REQUIRE(odo.size() == 1);
        CHECK(odo[0].at("issue") == "unlogged");
        CHECK(odo[0].at("gap_km").to_number<double>() == Approx(7.7));
        CHECK(o.at("occupancy").at("estimated").as_bool());
    }
    SECTION("csv, one table per request, parses back") {
        auto r = f.dispatcher.get("/api/v1/reports/monthly?month=2022-03&format=csv&table=drivers");
        INFO(r.text);
        REQUIRE(r.status == 200);
        CHECK(r.raw.header("Content-Type").value_or("") == "text/csv; charset=utf-8");
        CHECK(r.raw.header("Content-Disposition")
                  .value_or("")
                  .find("lifeline-monthly-2022-03-drivers.csv") != std::string::npos);
        auto rows = parse_csv(r.text);
        REQUIRE(rows.size() == 3);
        const auto name = column(rows, "name"), km = column(rows, "km");
        CHECK(rows[1][name] == "王建国, \"老王\" <b>");
        CHECK(rows[1][km] == "82.300");
        CHECK(rows[2][name] == "李红梅");
        CHECK(rows[1][column(rows, "group")] == "民建");

        auto totals =
            parse_csv(f.dispatcher.get("/api/v1/reports/monthly?month=2022-03&format=csv").text);
        CHECK(totals[0] == std::vector<std::string>{"month", "metric", "value"});
        auto days = parse_csv(
            f.dispatcher.get("/api/v1/reports/monthly?month=2022-03&format=csv&table=days").text);
        CHECK(days.size() == 32);
        auto odo = parse_csv(
            f.dispatcher.get("/api/v1/reports/monthly?month=2022-03&format=csv&table=odometer")
                .text);
        REQUIRE(odo.size() == 2);
        CHECK(odo[1][column(odo, "plate")] == "吉B·A0001");
    }
    SECTION("html is one self-contained, well-formed page with its charts") {
        auto r = f.dispatcher.get("/api/v1/reports/monthly?month=2022-03&format=html&lang=en");
        REQUIRE(r.status == 200);
        CHECK(r.raw.header("Content-Type").value_or("") == "text/html; charset=utf-8");
        const std::string& html = r.text;
        require_well_formed(html);
        CHECK(html.find("<svg") != std::string::npos);
        CHECK(html.find("Km per day") != std::string::npos);
        CHECK(html.find("Km per driver") != std::string::npos);
        CHECK(html.find("size: A4") != std::string::npos);
        // The odometer check, summed per vehicle, each vehicle's gaps condensed in a cell
        // (local day, trip, km).
        CHECK(html.find("1 gap on 1 vehicle: 1 with unlogged km (7.7 km), 0 going backwards "
                        "(0.0 km).") != std::string::npos);
        CHECK(html.find("<td class=\"wrap\"><span class=\"gap\">16 Mar #") != std::string::npos);
        CHECK(html.find(" +7.7</span>") != std::string::npos);
        // The driver's name is escaped, and nothing is fetched from elsewhere.
        CHECK(html.find("王建国, &quot;老王&quot; &lt;b&gt;") != std::string::npos);
        CHECK(html.find("<b>\"") == std::string::npos);
        CHECK(html.find("src=") == std::string::npos);
        CHECK(html.find("href=") == std::string::npos);
        CHECK(html.find("<script") == std::string::npos);
    }
}

TEST_CASE("report requests name every bad parameter", "[api][reports]") {
    SeededFleet f;
    auto fields = [&](const std::string& target) {
        auto r = f.dispatcher.get(target);
        INFO(r.text);
        CHECK(r.status == 400);
        return r.error_fields();
    };
    CHECK(fields("/api/v1/reports/monthly") == std::vector<std::string>{"month"});
    CHECK(fields("/api/v1/reports/monthly?month=2022-13&format=xml") ==
          std::vector<std::string>{"month", "format"});
    CHECK(fields("/api/v1/reports/monthly?month=2022-03&format=csv&table=nope") ==
          std::vector<std::string>{"table"});
    CHECK(fields("/api/v1/reports/totals?from=2022-05&to=2022-01") ==
          std::vector<std::string>{"to"});
    CHECK(fields("/api/v1/reports/statements?month=2022-03&driver_id=x") ==
          std::vector<std::string>{"driver_id"});
}

TEST_CASE("only dispatchers read reports, a driver reads their own statement",
          "[api][reports][roles]") {
    ReportFleet f;
    Api anonymous(f.server);
    CHECK(anonymous.get("/api/v1/reports/monthly?month=2022-03").status == 401);
    CHECK(f.driver1.get("/api/v1/reports/monthly?month=2022-03").status == 403);
    CHECK(f.driver1.get("/api/v1/reports/monthly").status == 403);  // role before parameters
    CHECK(f.driver1.get("/api/v1/reports/totals?from=2022-01&to=2022-12").status == 403);
    CHECK(f.admin.get("/api/v1/reports/monthly?month=2022-03").status == 200);

    auto own = f.driver1.get("/api/v1/reports/statements?month=2022-03");
    INFO(own.text);
    REQUIRE(own.status == 200);
    const auto& list = own.obj().at("statements").as_array();
    REQUIRE(list.size() == 1);
    CHECK(list[0].at("driver_id").as_int64() == f.driver_id1);
    CHECK(f.driver1
              .get("/api/v1/reports/statements?month=2022-03&driver_id=" +
                   std::to_string(f.driver_id2))
              .status == 403);
    CHECK(f.driver1
              .post("/api/v1/reports/statements/approve",
                    json::object{{"driver_id", f.driver_id1}, {"month", "2022-03"}})
              .status == 403);
}

TEST_CASE("a statement is approved once, audited, and an Idempotency-Key replays the answer",
          "[api][reports]") {
    ReportFleet f;
    auto statement = f.dispatcher.get("/api/v1/reports/statements?month=2022-03&driver_id=" +
                                      std::to_string(f.driver_id1));
    REQUIRE(statement.status == 200);
    const auto& s = statement.obj().at("statements").as_array().at(0).as_object();
    CHECK(s.at("km").to_number<double>() == Approx(82.3));
    CHECK(s.at("amount").to_number<double>() == Approx(41.15));  // default 0.5 CNY per km
    CHECK(s.at("approval").is_null());

    const json::object body{{"driver_id", f.driver_id1}, {"month", "2022-03"}};
    const std::vector<std::pair<std::string, std::string>> key{{"Idempotency-Key", "approve-1"}};
    auto first = f.dispatcher.post("/api/v1/reports/statements/approve", body, key);
    INFO(first.text);
    REQUIRE(first.status == 200);
    CHECK(first.obj().at("approval").at("approved_by_name") == "dispatcher");
    CHECK(first.obj().at("approval").at("amount").to_number<double>() == Approx(41.15));

    auto replay = f.dispatcher.post("/api/v1/reports/statements/approve", body, key);
    CHECK(replay.status == 200);
    CHECK(replay.raw.header("Idempotent-Replayed").value_or("") == "true");
    CHECK(replay.text == first.text);

    auto again = f.dispatcher.post("/api/v1/reports/statements/approve", body);
    CHECK(again.status == 409);

    auto audit = f.admin.get("/api/v1/audit?entity=statement&id=" + std::to_string(f.driver_id1));
    INFO(audit.text);
    REQUIRE(audit.status == 200);
    const auto& entries = audit.obj().at("items").as_array();
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].at("action") == "approve");

    auto html = f.dispatcher.get("/api/v1/reports/statements?month=2022-03&format=html&lang=en");
    REQUIRE(html.status == 200);
    require_well_formed(html.text);
    CHECK(html.text.find("Approved by dispatcher") != std::string::npos);
    auto csv =
        parse_csv(f.dispatcher.get("/api/v1/reports/statements?month=2022-03&format=csv").text);
    REQUIRE(csv.size() == 3);
    CHECK(csv[1][column(csv, "amount")] == "41.15");
    CHECK(csv[1][column(csv, "approved_by")] == "dispatcher");
}

TEST_CASE("the totals report runs by month toward the year's goals", "[api][reports]") {
    ReportFleet f;
    auto r = f.dispatcher.get("/api/v1/reports/totals?from=2022-01&to=2022-12");
    INFO(r.text);
    REQUIRE(r.status == 200);
    const auto& months = r.obj().at("months").as_array();
    REQUIRE(months.size() == 12);
    CHECK(months[2].at("rides").as_int64() == 3);
    CHECK(months[3].at("rides").as_int64() == 1);
    CHECK(months[11].at("cumulative_rides").as_int64() == 4);
    CHECK(r.obj().at("totals").at("km").to_number<double>() == Approx(152.3));
    const auto& goals = r.obj().at("goals").as_object();
    CHECK(goals.at("rides").as_int64() == 7306);
    CHECK(goals.at("rides_to_date").as_int64() == 4);

    auto csv = parse_csv(
        f.dispatcher.get("/api/v1/reports/totals?from=2022-01&to=2022-12&format=csv").text);
    CHECK(csv.size() == 13);
    auto goals_csv = parse_csv(
        f.dispatcher.get("/api/v1/reports/totals?from=2022-01&to=2022-12&format=csv&table=goals")
            .text);
    CHECK(goals_csv.size() == 3);

    auto html =
        f.dispatcher.get("/api/v1/reports/totals?from=2022-01&to=2022-12&format=html&lang=en");
    REQUIRE(html.status == 200);
    require_well_formed(html.text);
    CHECK(html.text.find("<polyline") != std::string::npos);
    CHECK(html.text.find("Cumulative km against the goal") != std::string::npos);
}

namespace {

// An instant as the API exchanges it ("2022-03-13T22:30:00Z"): never on a printed page.
bool has_utc_instant(const std::string& html) {
    static const std::regex instant(R"(\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?Z)");
    return std::regex_search(html, instant);
}

struct PrintedReports : ReportFleet {
    const std::vector<std::string> paths{
        "/api/v1/reports/monthly?month=2022-03&format=html",
        "/api/v1/reports/totals?from=2022-01&to=2022-12&format=html",
        "/api/v1/reports/statements?month=2022-03&format=html"};
    PrintedReports() {
        auto approved =
            dispatcher.post("/api/v1/reports/statements/approve",
                            json::object{{"driver_id", driver_id1}, {"month", "2022-03"}});
        INFO(approved.text);
        REQUIRE(approved.status == 200);
    }
    ApiResult page(std::size_t i, const std::string& lang = "") {
        auto r = dispatcher.get(paths.at(i) + (lang.empty() ? "" : "&lang=" + lang));
        INFO(paths.at(i) << " lang=" << lang << "\n" << r.text.substr(0, 300));
        REQUIRE(r.status == 200);
        require_well_formed(r.text);
        CHECK_FALSE(has_utc_instant(r.text));
        return r;
    }
};

void check_language(const ApiResult& r, const std::string& lang) {
    CHECK(r.raw.header("Content-Language").value_or("") == lang);
    CHECK(r.text.find("<html lang=\"" + lang + "\"") != std::string::npos);
}

}  // namespace

TEST_CASE("printed reports are in the organisation's language or the one asked for",
          "[api][reports][print]") {
    PrintedReports f;

    SECTION("Chinese by default: Chinese words and dates, local times, no UTC instants") {
        for (std::size_t i = 0; i < f.paths.size(); ++i)
            check_language(f.page(i), "zh-CN");
        const std::string monthly = f.page(0).text;
        for (const char* words : {"2022年3月月度报表", "每日公里", "每位司机的公里数", "里程表核对",
                                  "3月14日", "3月16日 #", "生成于 2026年11月30日 10:0"})
            CHECK(monthly.find(words) != std::string::npos);
        for (const char* words : {"Km per day", "rides completed", "Odometer", "Totals", "March"})
            CHECK(monthly.find(words) == std::string::npos);
        const std::string totals = f.page(1).text;
        for (const char* words : {"2022年1月至2022年12月汇总", "累计公里与目标",
                                  "目标期间 2022年1月1日至2022年12月31日", "7,306"})
            CHECK(totals.find(words) != std::string::npos);
        // The trips started at 06:30 in Jilin, 22:30 the day before in UTC.
        const std::string statements = f.page(2).text;
        for (const char* words :
             {"2022年3月志愿者里程报销单", "3月14日 06:30", "3月14日 08:10",
              "已由 dispatcher 于 2026年11月30日 10:0", "41.15 元", "志愿者签名"})
            CHECK(statements.find(words) != std::string::npos);
        CHECK(statements.find("22:30") == std::string::npos);
    }
    SECTION("English when asked") {
        for (std::size_t i = 0; i < f.paths.size(); ++i)
            check_language(f.page(i, "en"), "en");
        const std::string monthly = f.page(0, "en").text;
        for (const char* words :
             {"Monthly report, March 2022", "14 Mar", "generated 30 November 2026 10:0"})
            CHECK(monthly.find(words) != std::string::npos);
        for (const char* words : {"每日公里", "公里", "月度报表", "生成于"})
            CHECK(monthly.find(words) == std::string::npos);
        const std::string statements = f.page(2, "en").text;
        for (const char* words :
             {"14 Mar 06:30", "Approved by dispatcher at 30 November 2026 10:0", "41.15 CNY"})
            CHECK(statements.find(words) != std::string::npos);
        CHECK(f.page(1, "en").text.find("Goal period 1 January 2022 to 31 December 2022") !=
              std::string::npos);
    }
    SECTION("the organisation's language is the default, the one asked for wins") {
        auto set = f.admin.put("/api/v1/settings", json::object{{"language", "en"}});
        INFO(set.text);
        REQUIRE(set.status == 200);
        for (std::size_t i = 0; i < f.paths.size(); ++i) {
            check_language(f.page(i), "en");
            check_language(f.page(i, "zh-CN"), "zh-CN");
        }
    }
    SECTION("a bad lang is refused, naming it, and nothing changes") {
        const auto approvals = [&f] {
            auto r = f.dispatcher.get("/api/v1/reports/statements?month=2022-03");
            REQUIRE(r.status == 200);
            std::string out;
            for (const auto& st : r.obj().at("statements").as_array())
                out += json::serialize(st.at("approval")) + ";";
            return out;
        };
        const std::string before = approvals();
        for (const std::string& path : f.paths)
            for (const char* lang : {"fr", "zh", "EN", ""}) {
                auto r = f.dispatcher.get(path + "&lang=" + lang);
                INFO(path << " lang=" << lang << "\n" << r.text);
                CHECK(r.status == 400);
                CHECK(r.raw.header("Content-Type").value_or("") == "application/problem+json");
                CHECK(r.error_fields() == std::vector<std::string>{"lang"});
                CHECK(r.obj().at("errors").at(0).at("code") == "print.lang");
            }
        // Named with the other bad parameters, in one answer.
        auto both = f.dispatcher.get("/api/v1/reports/monthly?month=2022-13&format=html&lang=de");
        CHECK(both.error_fields() == std::vector<std::string>{"month", "lang"});
        CHECK(f.admin.get("/api/v1/settings").obj().at("language") == "zh-CN");
        CHECK(approvals() == before);
    }
}
