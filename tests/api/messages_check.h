#pragma once
// Checks of a refusal in both languages, shared by the API's message tests: the same
// status, code and parameters in each; Chinese words with no English sentence in zh-CN,
// no Chinese in en; every field error with its own catalogued code.

#include <regex>
#include <set>
#include <string>

#include "fixture.h"
#include "lifeline/core/messages.h"

namespace lifeline::test::messages {

inline bool has_cjk(const std::string& s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0xE3 && c <= 0xE9)
            return true;
    }
    return false;
}

// Latin words a Chinese answer may keep: field names (snake_case or listed), units,
// formats, protocol names, values a client sends and ids a client sent.
inline bool allowed_in_chinese(const std::string& w) {
    static const std::set<std::string> tokens{"km",          "min",        "s",
                                              "YYYY",        "MM",         "DD",
                                              "HH",          "JSON",       "Authorization",
                                              "Bearer",      "to",         "from",
                                              "at",          "odometer",   "id",
                                              "rides",       "date",       "api",
                                              "v",           "nowhere",    "T",
                                              "Z",           "CN",         "zh",
                                              "en",          "html",       "patient",
                                              "driver",      "place",      "vehicle",
                                              "vehicles",    "open",       "finished",
                                              "distance",    "HTTP",       "HTTPS",
                                              "https",       "chunked",    "true",
                                              "false",       "Host",       "Content",
                                              "Length",      "Transfer",   "Encoding",
                                              "Idempotency", "Key",        "UTF",
                                              "CSV",         "csv",        "json",
                                              "format",      "lat",        "lon",
                                              "search",      "positions",  "patients",
                                              "DELETE",      "pickup",     "dropoff",
                                              "home",        "other",      "holiday",
                                              "weather",     "kept",       "schedule",
                                              "goals",       "completed",  "cancelled",
                                              "drivers",     "places",     "admin",
                                              "dispatcher",  "ambulatory", "wheelchair",
                                              "Asia",        "Shanghai",   "CNY",
                                              "wgs",         "gcj",        "bd"};
    return w.find('_') != std::string::npos || tokens.count(w) > 0;
}

inline void check_chinese(const std::string& text) {
    INFO("zh: " << text);
    CHECK(has_cjk(text));
    static const std::regex word(R"([A-Za-z_]+)");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), word);
         it != std::sregex_iterator(); ++it) {
        INFO("latin word: " << it->str());
        CHECK(allowed_in_chinese(it->str()));
    }
}

inline void check_english(const std::string& text) {
    INFO("en: " << text);
    CHECK_FALSE(text.empty());
    CHECK_FALSE(has_cjk(text));
}

inline std::string str(const json::value& v) {
    return std::string(v.as_string());
}

// Every code a walk has met, so a test can say which it covered.
inline std::set<std::string>& codes_seen() {
    static std::set<std::string> seen;
    return seen;
}

// One answer's codes checked: the problem's and each field error's are in the catalog.
inline void check_codes(const ApiResult& r) {
    const std::string code = str(r.obj().at("code"));
    INFO("code " << code);
    CHECK(lifeline::find_message(code) != nullptr);
    codes_seen().insert(code);
    for (const auto& e : r.obj().at("errors").as_array()) {
        const std::string field_code = str(e.at("code"));
        INFO("field " << e.at("field") << " code " << field_code);
        CHECK(field_code != "field.invalid");  // every field error is catalogued
        CHECK(lifeline::find_message(field_code) != nullptr);
        CHECK(e.at("params").is_object());
        codes_seen().insert(field_code);
    }
}

// A problem's detail without the "<field>：" a one-field problem begins with (a field's
// name is an identifier, not an English word).
inline std::string without_field(const ApiResult& r) {
    std::string detail = str(r.obj().at("detail"));
    const auto& errors = r.obj().at("errors").as_array();
    if (errors.size() == 1) {
        const std::string prefix = str(errors[0].at("field")) + "：";
        if (detail.rfind(prefix, 0) == 0)
            detail.erase(0, prefix.size());
    }
    return detail;
}

// Sends the same request in both languages: the same status and codes, each language's
// words. Returns the Chinese answer.
template <class Send>
ApiResult both(Api& api, int status, const std::string& code, Send send) {
    api.set_language("en");
    ApiResult en = send();
    api.set_language("zh-CN");
    ApiResult zh = send();
    api.set_language("en");
    INFO(en.text << "\n" << zh.text);
    REQUIRE(en.status == status);
    REQUIRE(zh.status == status);
    CHECK(en.raw.header("Content-Type") == "application/problem+json");
    if (!code.empty())  // empty: any catalogued code, the same in both languages
        CHECK(str(en.obj().at("code")) == code);
    CHECK(str(zh.obj().at("code")) == str(en.obj().at("code")));
    CHECK(en.obj().at("params") == zh.obj().at("params"));
    CHECK(en.raw.header("Content-Language") == "en");
    CHECK(zh.raw.header("Content-Language") == "zh-CN");
    check_english(str(en.obj().at("detail")));
    check_chinese(without_field(zh));
    check_codes(en);
    const auto& en_errors = en.obj().at("errors").as_array();
    const auto& zh_errors = zh.obj().at("errors").as_array();
    REQUIRE(en_errors.size() == zh_errors.size());
    for (std::size_t i = 0; i < en_errors.size(); ++i) {
        const auto& e = en_errors[i].as_object();
        const auto& z = zh_errors[i].as_object();
        CHECK(e.at("field") == z.at("field"));
        CHECK(e.at("code") == z.at("code"));
        check_english(str(e.at("message")));
        check_chinese(str(z.at("message")));
    }
    return zh;
}

inline const json::object& first_error(const ApiResult& r) {
    return r.obj().at("errors").as_array().at(0).as_object();
}

// The code of the field error naming `field` ("" when none does).
inline std::string code_of(const ApiResult& r, const std::string& field) {
    for (const auto& e : r.obj().at("errors").as_array())
        if (str(e.at("field")) == field)
            return str(e.at("code"));
    return "";
}

}  // namespace lifeline::test::messages
