// The message catalog: every code in both languages, each language free of the other's
// words, parameters filled, Accept-Language negotiated, and every code the sources use
// present in the catalog.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "lifeline/core/errors.h"
#include "lifeline/core/messages.h"

using namespace lifeline;

namespace {

std::set<std::string> placeholders(std::string_view pattern) {
    std::set<std::string> out;
    static const std::regex re(R"(\{(\w+)\})");
    const std::string s(pattern);
    for (auto it = std::sregex_iterator(s.begin(), s.end(), re); it != std::sregex_iterator(); ++it)
        out.insert((*it)[1]);
    return out;
}

// Sample values a client could meet: numbers, dates, a nested reason, a status word.
Message sample(const CatalogEntry& e) {
    Message m;
    m.code = std::string(e.code);
    std::set<std::string> names = placeholders(e.en);
    names.merge(placeholders(e.zh));
    for (const auto& name : names) {
        if (name == "why")
            m.params.push_back({name, "assign.off_shift", MessageParam::Kind::code});
        else if (name == "status")
            m.params.push_back({name, "cancelled", MessageParam::Kind::term});
        else if (name == "from" || name == "to" || name == "date")
            m.params.push_back({name, "2022-03-14", MessageParam::Kind::text});
        else if (name == "at")
            m.params.push_back({name, "2022-03-14T07:30:00+08:00", MessageParam::Kind::text});
        else if (name == "wait")
            m.params.push_back({name, "15 min", MessageParam::Kind::text});
        else if (name == "ids")
            m.params.push_back({name, "12, 13", MessageParam::Kind::text});
        else if (name == "path")
            m.params.push_back({name, "/api/v1/nowhere", MessageParam::Kind::text});
        else if (name == "method")
            m.params.push_back({name, "DELETE", MessageParam::Kind::text});
        else if (name == "choices" || name == "list")
            m.params.push_back({name, "wgs84, gcj02", MessageParam::Kind::text});
        else if (name == "reason" || name == "other" || name == "what")
            m.params.push_back({name, "123", MessageParam::Kind::text});
        else
            m.params.push_back({name, "12", MessageParam::Kind::number});
    }
    return m;
}

bool has_cjk(const std::string& s) {
    // UTF-8 lead bytes of U+2E80..U+9FFF (E2 BA.. to E9) and of full-width forms (EF BC..BF).
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0xE3 && c <= 0xE9)
            return true;
        if (c == 0xEF && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0xBC &&
            static_cast<unsigned char>(s[i + 1]) <= 0xBF)
            return true;
    }
    return false;
}

// Latin words a Chinese message may keep: field names and values a client sends
// (snake_case, or listed), units, formats and protocol names.
bool allowed_in_chinese(const std::string& word) {
    static const std::set<std::string> tokens{"km",         "min",
                                              "s",          "YYYY",
                                              "MM",         "DD",
                                              "HH",         "T",
                                              "true",       "false",
                                              "JSON",       "UTF",
                                              "CSV",        "Authorization",
                                              "Bearer",     "Idempotency",
                                              "Key",        "Asia",
                                              "Shanghai",   "CNY",
                                              "wgs",        "gcj",
                                              "bd",         "zh",
                                              "CN",         "en",
                                              "lat",        "lon",
                                              "api",        "v",
                                              "nowhere",    "DELETE",
                                              "pickup",     "dropoff",
                                              "home",       "other",
                                              "patient",    "holiday",
                                              "weather",    "kept",
                                              "from",       "to",
                                              "at",         "schedule",
                                              "goals",      "completed",
                                              "cancelled",  "patients",
                                              "drivers",    "vehicles",
                                              "places",     "json",
                                              "csv",        "html",
                                              "format",     "admin",
                                              "dispatcher", "driver",
                                              "place",      "vehicle",
                                              "open",       "finished",
                                              "distance",   "HTTP",
                                              "HTTPS",      "https",
                                              "chunked"};
    return word.find('_') != std::string::npos || tokens.count(word) > 0;
}

std::vector<std::string> latin_words(const std::string& s) {
    std::vector<std::string> out;
    static const std::regex re(R"([A-Za-z_]+)");
    for (auto it = std::sregex_iterator(s.begin(), s.end(), re); it != std::sregex_iterator(); ++it)
        out.push_back(it->str());
    return out;
}

}  // namespace

TEST_CASE("every message code has Chinese and English words", "[core][messages]") {
    std::set<std::string> codes;
    static const std::regex code_re(R"([a-z_]+(\.[a-z0-9_]+)+)");
    for (const CatalogEntry& e : message_catalog()) {
        INFO(e.code);
        CHECK(codes.insert(std::string(e.code)).second);  // codes are unique
        CHECK(std::regex_match(std::string(e.code), code_re));
        CHECK_FALSE(e.en.empty());
        CHECK_FALSE(e.zh.empty());
    }
    CHECK(codes.size() > 250);
}

TEST_CASE("a Chinese message has no English sentence and an English one no Chinese",
          "[core][messages]") {
    for (const CatalogEntry& e : message_catalog()) {
        const Message m = sample(e);
        const std::string zh = render(m, Language::zh_CN);
        const std::string en = render(m, Language::en);
        INFO(e.code << "\n  zh: " << zh << "\n  en: " << en);
        CHECK(zh.find('{') == std::string::npos);  // every parameter filled
        CHECK(en.find('{') == std::string::npos);
        CHECK_FALSE(has_cjk(en));
        if (e.code.substr(0, 5) != "term.")  // a status word is a phrase, not a sentence
            CHECK(has_cjk(zh));
        for (const auto& w : latin_words(zh)) {
            INFO("latin word in Chinese: " << w);
            CHECK(allowed_in_chinese(w));
        }
    }
}

TEST_CASE("messages render their parameters in the asked language", "[core][messages]") {
    const Message below = msg("odometer.below_last", {{"last", 10052.0}});
    CHECK(below.text ==
          "is below the vehicle's last logged odometer (10052 km); a dispatcher may confirm a "
          "correction");
    CHECK(render(below, Language::zh_CN).find("10052 km") != std::string::npos);
    CHECK(below.params.front().kind == MessageParam::Kind::number);

    const Message refused = wrap("dispatch.vehicle_refused", "why", msg("assign.off_shift"));
    CHECK(refused.text == "the vehicle cannot take the request: driver off shift");
    CHECK(render(refused, Language::zh_CN) == "这辆车不能接这个申请：司机不在班");

    const Message status = msg("route.state", {term("status", "finished")});
    CHECK(status.text == "the route is finished");
    CHECK(render(status, Language::zh_CN) == "路线已结束");

    // Not catalogued (yet): the English words, in every language.
    const Message loose = uncatalogued("a brand-new refusal");
    CHECK(render(loose, Language::zh_CN) == "a brand-new refusal");
    // A catalogued code missing a parameter falls back to its English text too.
    Message partial{"field.out_of_range", {{"min", "1", MessageParam::Kind::number}}, "x"};
    CHECK(render(partial, Language::zh_CN) == "x");
}

TEST_CASE("Accept-Language picks zh-CN or en by q-value", "[core][messages]") {
    CHECK(negotiate_language("zh-CN") == Language::zh_CN);
    CHECK(negotiate_language("zh") == Language::zh_CN);
    CHECK(negotiate_language("zh-Hans-CN,zh;q=0.9") == Language::zh_CN);
    CHECK(negotiate_language("en-US,en;q=0.9") == Language::en);
    CHECK(negotiate_language("en;q=0.5, zh-CN;q=0.8") == Language::zh_CN);
    CHECK(negotiate_language("zh-CN;q=0.3, en") == Language::en);
    CHECK(negotiate_language("fr, de;q=0.9, en;q=0.1") == Language::en);
    CHECK_FALSE(negotiate_language("fr, de").has_value());
    CHECK_FALSE(negotiate_language("").has_value());
    CHECK_FALSE(negotiate_language("en;q=0").has_value());
    CHECK_FALSE(negotiate_language("en;q=abc").has_value());
}

TEST_CASE("a field error keeps its code and a one-field problem names the field",
          "[core][messages]") {
    FieldErrors errs;
    errs.add("odometer", msg("odometer.reading_range", {{"max", 2000000.0}}));
    try {
        errs.throw_if_any();
        FAIL("expected a throw");
    } catch (const Error& e) {
        CHECK(e.detail_is_field());
        CHECK(e.detail().code == "odometer.reading_range");
        CHECK(std::string(e.what()) == "odometer: must be a reading between 0 and 2000000");
        REQUIRE(e.errors().size() == 1);
        CHECK(e.errors().front().code == "odometer.reading_range");
        CHECK(e.errors().front().params.front().value == "2000000");
    }
}

TEST_CASE("every message code the server uses is in the catalog", "[core][messages]") {
    // msg("code") and wrap("code", …) in the sources; a code missing from the catalog would
    // reach clients as its bare code.
    const std::filesystem::path root = LIFELINE_SOURCE_DIR;
    static const std::regex use(R"((?:\bmsg|\bwrap)\("([a-z_]+(?:\.[a-z0-9_]+)+)\")");
    int seen = 0;
    for (const char* dir : {"core/src", "net/src", "storage/src", "match/src", "tools"}) {
        if (!std::filesystem::exists(root / dir))
            continue;
        for (const auto& f : std::filesystem::recursive_directory_iterator(root / dir)) {
            const auto ext = f.path().extension();
            if (ext != ".cpp" && ext != ".h")
                continue;
            std::ifstream in(f.path());
            std::stringstream text;
            text << in.rdbuf();
            const std::string s = text.str();
            for (auto it = std::sregex_iterator(s.begin(), s.end(), use);
                 it != std::sregex_iterator(); ++it) {
                INFO(f.path().string() << ": " << (*it)[1]);
                CHECK(find_message((*it)[1].str()) != nullptr);
                ++seen;
            }
        }
    }
    CHECK(seen > 200);
}

TEST_CASE("the web UI words every message code in both its languages", "[core][messages]") {
    // The pages translate codes from their own dictionaries (docs/ui.md); a code without
    // an entry there would fall back to the server's words.
    const std::filesystem::path web = std::filesystem::path(LIFELINE_SOURCE_DIR) / "net/web";
    for (const char* file : {"i18n-en.js", "i18n-zh-CN.js"}) {
        std::ifstream in(web / file);
        REQUIRE(in);
        std::stringstream text;
        text << in.rdbuf();
        const std::string s = text.str();
        for (const CatalogEntry& e : message_catalog()) {
            INFO(file << ": " << e.code);
            CHECK(s.find("'msg." + std::string(e.code) + "':") != std::string::npos);
        }
    }
}

TEST_CASE("no refusal of the server is English text outside the catalog", "[core][messages]") {
    // The error shorthands, FieldError and problem_response take only a Message, so a
    // refusal built from a string does not compile; uncatalogued() is the one way around
    // that, kept for Error::internal (whose words go only to the log) and for tests.
    const std::filesystem::path root = LIFELINE_SOURCE_DIR;
    int files = 0;
    for (const char* dir : {"core", "net", "storage", "match", "tools"}) {
        for (const auto& f : std::filesystem::recursive_directory_iterator(root / dir)) {
            const auto ext = f.path().extension();
            if (ext != ".cpp" && ext != ".h")
                continue;
            ++files;
            const auto name = f.path().filename().string();
            if (name == "messages.cpp" || name == "messages.h")
                continue;
            std::ifstream in(f.path());
            std::stringstream text;
            text << in.rdbuf();
            const std::string s = text.str();
            std::size_t uses = 0;
            for (auto at = s.find("uncatalogued("); at != std::string::npos;
                 at = s.find("uncatalogued(", at + 1))
                ++uses;
            INFO(f.path().string());
            CHECK(uses == (name == "errors.h" ? 1u : 0u));
        }
    }
    CHECK(files > 100);
}
