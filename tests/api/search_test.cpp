// Search of patients, drivers, places and vehicles by characters, pinyin, initials and
// phone (GET /api/v1/search); phones normalised to E.164 and refused with 422 naming
// `phone`; a new organisation's defaults and each user's language on the server.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include "fixture.h"

namespace lifeline::test {
namespace {

std::int64_t add_patient(SeededFleet& f, const std::string& name, const std::string& phone) {
    auto r = require_created(
        f.dispatcher.post("/api/v1/patients", json::object{{"name", name},
                                                           {"phone", phone},
                                                           {"address", "吉林市船营区"},
                                                           {"lat", 43.85},
                                                           {"lon", 126.55},
                                                           {"mobility", "ambulatory"},
                                                           {"center_id", f.center_id}}));
    return r.obj().at("id").as_int64();
}

std::vector<std::string> names(const ApiResult& r) {
    INFO(r.text);
    REQUIRE(r.status == 200);
    std::vector<std::string> out;
    for (const auto& item : r.obj().at("items").as_array())
        out.emplace_back(item.at("name").as_string());
    return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

std::string search(const std::string& q, const std::string& kind = "patient") {
    std::string out = "/api/v1/search?kind=" + kind + "&q=";
    for (unsigned char c : q) {
        const bool plain = std::isalnum(c) != 0;
        if (plain) {
            out += char(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            out += buf;
        }
    }
    return out;
}

bool names_field(const ApiResult& r, const std::string& field) {
    const auto fields = r.error_fields();
    return std::find(fields.begin(), fields.end(), field) != fields.end();
}

std::int64_t patient_count(SeededFleet& f) {
    return std::int64_t(
        f.dispatcher.get("/api/v1/patients?limit=500").obj().at("items").as_array().size());
}

}  // namespace

TEST_CASE("patients are found by characters, pinyin, initials, a mix, and phone", "[api][search]") {
    SeededFleet f;
    add_patient(f, "张伟", "138 1234 5678");
    add_patient(f, "章小明", "0432-62345678");
    add_patient(f, "单雄信", "13900001111");
    add_patient(f, "曾国藩", "13900002222");

    CHECK(names(f.dispatcher.get(search("张伟"))) == std::vector<std::string>{"张伟"});
    CHECK(names(f.dispatcher.get(search("zhangwei"))) == std::vector<std::string>{"张伟"});
    CHECK(names(f.dispatcher.get(search("zhang wei"))) == std::vector<std::string>{"张伟"});
    CHECK(names(f.dispatcher.get(search("zw"))) == std::vector<std::string>{"张伟"});
    CHECK(names(f.dispatcher.get(search("张wei"))) == std::vector<std::string>{"张伟"});
    CHECK(names(f.dispatcher.get(search("5678"))) ==
          std::vector<std::string>{"张伟", "章小明"});  // both numbers end in 5678
    CHECK(names(f.dispatcher.get(search("138-1234"))) == std::vector<std::string>{"张伟"});
    CHECK(names(f.dispatcher.get(search("0432"))) == std::vector<std::string>{"章小明"});

    SECTION("polyphonic surnames by both readings") {
        CHECK(has(names(f.dispatcher.get(search("shanxiongxin"))), "单雄信"));
        CHECK(has(names(f.dispatcher.get(search("dxx"))), "单雄信"));
        CHECK(has(names(f.dispatcher.get(search("zengguofan"))), "曾国藩"));
        CHECK(has(names(f.dispatcher.get(search("cgf"))), "曾国藩"));
    }

    SECTION("results in the Chinese pinyin order of the names") {
        // "zh" is a prefix of zhang (张, 章) and of the seeded names' pinyin, if any.
        auto found = names(f.dispatcher.get(search("zh")));
        auto zhang = std::find(found.begin(), found.end(), "张伟");
        auto zhang2 = std::find(found.begin(), found.end(), "章小明");
        REQUIRE(zhang != found.end());
        REQUIRE(zhang2 != found.end());
        CHECK(zhang < zhang2);  // zhāng wěi before zhāng xiǎo míng
        add_patient(f, "陈晨", "13700001111");
        add_patient(f, "白雪", "13700002222");
        add_patient(f, "阿兰", "13700003333");
        // Written chen, bai, a; found a, bai, chen (code point order would be 阿 陈 白).
        CHECK(names(f.dispatcher.get(search("1370000"))) ==
              std::vector<std::string>{"阿兰", "白雪", "陈晨"});
    }

    SECTION("limit and bad parameters") {
        auto one = f.dispatcher.get(search("zh") + "&limit=1");
        CHECK(names(one).size() == 1);
        auto bad = f.dispatcher.get("/api/v1/search?kind=people&q=x&limit=0");
        CHECK(bad.status == 400);
        CHECK(names_field(bad, "kind"));
        auto empty = f.dispatcher.get("/api/v1/search?kind=patient&q=%20");
        CHECK(empty.status == 400);
        CHECK(names_field(empty, "q"));
    }
}

TEST_CASE("drivers, places and vehicles are found by pinyin too", "[api][search]") {
    SeededFleet f;
    require_created(f.dispatcher.post(
        "/api/v1/places",
        json::object{
            {"name", "吉林市人民医院"}, {"lat", 43.8}, {"lon", 126.5}, {"kind", "hospital"}}));
    require_created(f.dispatcher.post(
        "/api/v1/vehicles", json::object{{"plate", "吉B·77881"}, {"seats", 4}, {"color", "白色"}}));
    CHECK(has(names(f.dispatcher.get(search("renmin", "place"))), "吉林市人民医院"));
    CHECK(has(names(f.dispatcher.get(search("jlsrmyy", "place"))), "吉林市人民医院"));
    CHECK(has(names(f.dispatcher.get(search("77881", "vehicle"))), "吉B·77881"));
    CHECK(has(names(f.dispatcher.get(search("jib77", "vehicle"))), "吉B·77881"));
    auto drivers = f.dispatcher.get(search("1390432", "driver"));
    CHECK(names(drivers).size() == 2);  // both seeded drivers' phones start 139 0432
}

TEST_CASE("a driver finds only the patients on the driver's routes", "[api][search][privacy]") {
    SeededFleet f;
    const std::int64_t mine = add_patient(f, "李明", "13900003333");
    add_patient(f, "李华", "13900004444");
    f.put_on_route(f.sedan_id, mine, shanghai_date(0));

    CHECK(names(f.driver1.get(search("li"))) == std::vector<std::string>{"李明"});
    CHECK(names(f.driver1.get(search("4444"))).empty());
    CHECK(names(f.driver2.get(search("li"))).empty());
    CHECK(names(f.dispatcher.get(search("li"))).size() == 2);
    CHECK(f.driver1.get(search("zhang", "driver")).status == 403);
    CHECK(f.driver1.get(search("ji", "place")).status == 403);
}

TEST_CASE("a driver's patients are found in the Chinese collation, each once, up to the limit",
          "[api][search][privacy]") {
    SeededFleet f;
    // Each matches "li" by several keys (李明: liming, li ming).
    for (const char* name : {"李明", "陈立", "阿丽"})
        f.put_on_route(f.sedan_id, add_patient(f, name, ""), shanghai_date(0));
    add_patient(f, "白莉", "");  // not on the driver's routes

    CHECK(names(f.driver1.get(search("li"))) == std::vector<std::string>{"阿丽", "陈立", "李明"});
    CHECK(names(f.driver1.get(search("li") + "&limit=2")) ==
          std::vector<std::string>{"阿丽", "陈立"});
    CHECK(names(f.dispatcher.get(search("li"))) ==
          std::vector<std::string>{"阿丽", "白莉", "陈立", "李明"});
}

TEST_CASE("phones are stored in E.164 and a number that cannot be dialled is 422 naming phone",
          "[api][phone]") {
    SeededFleet f;
    const std::int64_t before = patient_count(f);
    SECTION("a good number is normalised") {
        auto r = require_created(
            f.dispatcher.post("/api/v1/patients", json::object{{"name", "王芳"},
                                                               {"phone", "138 1234 5678"},
                                                               {"lat", 43.85},
                                                               {"lon", 126.55},
                                                               {"mobility", "ambulatory"}}));
        CHECK(r.obj().at("phone").as_string() == "+8613812345678");
        auto d = f.dispatcher.patch("/api/v1/drivers/" + std::to_string(f.driver_id1),
                                    json::object{{"phone", "0432-62345678"}});
        INFO(d.text);
        REQUIRE(d.status == 200);
        CHECK(d.obj().at("phone").as_string() == "+8643262345678");
    }
    SECTION("a bad number is refused and nothing is written") {
        auto r = f.dispatcher.post("/api/v1/patients", json::object{{"name", "王芳"},
                                                                    {"phone", "12345"},
                                                                    {"lat", 43.85},
                                                                    {"lon", 126.55},
                                                                    {"mobility", "ambulatory"}});
        INFO(r.text);
        CHECK(r.status == 422);
        CHECK(names_field(r, "phone"));
        CHECK(patient_count(f) == before);
        auto d = f.dispatcher.patch("/api/v1/drivers/" + std::to_string(f.driver_id1),
                                    json::object{{"phone", "abc"}});
        CHECK(d.status == 422);
        CHECK(names_field(d, "phone"));
        auto still = f.dispatcher.get("/api/v1/drivers/" + std::to_string(f.driver_id1));
        CHECK(still.obj().at("phone").as_string() == "+8613904321000");
    }
    SECTION("the region is a setting") {
        auto s = f.admin.put("/api/v1/settings", json::object{{"phone_region", "US"}});
        INFO(s.text);
        REQUIRE(s.status == 200);
        auto r = require_created(
            f.dispatcher.post("/api/v1/patients", json::object{{"name", "Ann"},
                                                               {"phone", "(201) 555-0123"},
                                                               {"lat", 43.85},
                                                               {"lon", 126.55},
                                                               {"mobility", "ambulatory"}}));
        CHECK(r.obj().at("phone").as_string() == "+12015550123");
        CHECK(f.admin.put("/api/v1/settings", json::object{{"phone_region", "china"}}).status ==
              400);
    }
}

TEST_CASE("a new organisation starts in zh-CN and Asia/Shanghai — each user's language is kept",
          "[api][defaults]") {
    SeededFleet f;
    auto s = f.dispatcher.get("/api/v1/settings");
    REQUIRE(s.status == 200);
    CHECK(s.obj().at("language").as_string() == "zh-CN");
    CHECK(s.obj().at("time_zone").as_string() == "Asia/Shanghai");
    CHECK(s.obj().at("phone_region").as_string() == "CN");

    CHECK(f.driver1.get("/api/v1/auth/me").obj().at("language").is_null());
    auto set = f.driver1.patch("/api/v1/auth/me", json::object{{"language", "en"}});
    INFO(set.text);
    REQUIRE(set.status == 200);
    CHECK(set.obj().at("language").as_string() == "en");
    // Another sign-in (another phone) gets it from the server.
    Api again = Api::login(f.server, "driver1", user_password);
    CHECK(again.get("/api/v1/auth/me").obj().at("language").as_string() == "en");
    CHECK(f.driver2.get("/api/v1/auth/me").obj().at("language").is_null());

    auto bad = f.driver1.patch("/api/v1/auth/me", json::object{{"language", "fr"}});
    CHECK(bad.status == 400);
    CHECK(names_field(bad, "language"));
    CHECK(f.driver1.get("/api/v1/auth/me").obj().at("language").as_string() == "en");
    auto cleared = f.driver1.patch("/api/v1/auth/me", json::object{{"language", nullptr}});
    REQUIRE(cleared.status == 200);
    CHECK(cleared.obj().at("language").is_null());
}

}  // namespace lifeline::test
