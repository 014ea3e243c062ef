// The organisation's settings: readable when signed in, changed by an admin, audited.
#include <catch2/catch.hpp>

#include "fixture.h"

using namespace lifeline::test;

TEST_CASE("settings have defaults, are changed by an admin only, and are audited",
          "[api][settings]") {
    SeededFleet f;
    auto got = f.driver1.get("/api/v1/settings");
    INFO(got.text);
    REQUIRE(got.status == 200);
    CHECK(got.obj().at("time_zone") == "Asia/Shanghai");
    CHECK(got.obj().at("goals").at("rides").as_int64() == 7306);
    CHECK(got.obj().at("goals").at("km").to_number<double>() == Approx(380000));

    CHECK(f.dispatcher.put("/api/v1/settings", json::object{{"per_km_rate", 0.8}}).status == 403);
    CHECK(Api(f.server).get("/api/v1/settings").status == 401);

    auto bad = f.admin.put("/api/v1/settings",
                           json::object{{"time_zone", "Mars/Olympus"},
                                        {"matcher", {{"speed_kmh", 0}}},
                                        {"goals", {{"from", "2022-12-31"}, {"to", "2022-01-01"}}}});
    INFO(bad.text);
    REQUIRE(bad.status == 400);
    auto fields = bad.error_fields();
    for (const char* field : {"time_zone", "matcher.speed_kmh", "goals.to"})
        CHECK(std::find(fields.begin(), fields.end(), field) != fields.end());
    CHECK(f.admin.get("/api/v1/settings").obj().at("time_zone") == "Asia/Shanghai");

    auto ok = f.admin.put("/api/v1/settings", json::object{{"time_zone", "Europe/Berlin"},
                                                           {"per_km_rate", 0.8},
                                                           {"goals", {{"rides", 8000}}}});
    INFO(ok.text);
    REQUIRE(ok.status == 200);
    CHECK(ok.obj().at("time_zone") == "Europe/Berlin");
    CHECK(ok.obj().at("per_km_rate").to_number<double>() == Approx(0.8));
    CHECK(ok.obj().at("goals").at("rides").as_int64() == 8000);
    CHECK(ok.obj().at("goals").at("km").to_number<double>() == Approx(380000));  // unchanged

    auto audit = f.admin.get("/api/v1/audit?entity=settings");
    REQUIRE(audit.status == 200);
    auto items = audit.obj().at("items").as_array();
    REQUIRE(items.size() == 1);
    CHECK(items[0].at("before").at("time_zone") == "Asia/Shanghai");
    CHECK(items[0].at("after").at("time_zone") == "Europe/Berlin");
}

TEST_CASE("the organisation's name is counted in characters, not bytes", "[api][settings]") {
    SeededFleet f;
    // 200 Chinese characters are 600 bytes of UTF-8: the limit is 200 characters.
    std::string name;
    for (int i = 0; i < 200; ++i)
        name += "吉";
    auto ok = f.admin.put("/api/v1/settings", json::object{{"organisation", name}});
    INFO(ok.text);
    REQUIRE(ok.status == 200);
    CHECK(ok.obj().at("organisation").as_string() == name);
    auto long_name = f.admin.put("/api/v1/settings", json::object{{"organisation", name + "林"}});
    CHECK(long_name.status == 400);
    CHECK(f.admin.get("/api/v1/settings").obj().at("organisation").as_string() == name);
}

TEST_CASE("the map's datum is a setting: WGS-84 unless an admin names another",
          "[api][settings][datum]") {
    SeededFleet f;
    CHECK(f.driver1.get("/api/v1/settings").obj().at("map_datum") == "wgs84");

    // A datum the map does not know is refused, naming the field, and nothing changes.
    for (const json::value& bad :
         {json::value("WGS-84"), json::value("bd09ll"), json::value(""), json::value(3)}) {
        auto r =
            f.admin.put("/api/v1/settings", json::object{{"map_datum", bad}, {"per_km_rate", 0.9}});
        INFO(r.text);
        CHECK(r.status == 400);
        CHECK(r.error_fields() == std::vector<std::string>{"map_datum"});
    }
    auto kept = f.admin.get("/api/v1/settings").obj();
    CHECK(kept.at("map_datum") == "wgs84");
    CHECK(kept.at("per_km_rate").to_number<double>() == Approx(0.5));
    CHECK(f.admin.get("/api/v1/audit?entity=settings").obj().at("items").as_array().empty());

    CHECK(f.dispatcher.put("/api/v1/settings", json::object{{"map_datum", "gcj02"}}).status == 403);
    for (const char* datum : {"gcj02", "bd09", "wgs84", "gcj02"}) {
        auto ok = f.admin.put("/api/v1/settings", json::object{{"map_datum", datum}});
        INFO(ok.text);
        REQUIRE(ok.status == 200);
        CHECK(ok.obj().at("map_datum") == datum);
    }
    CHECK(f.driver1.get("/api/v1/settings").obj().at("map_datum") == "gcj02");
    auto audit = f.admin.get("/api/v1/audit?entity=settings").obj().at("items").as_array();
    REQUIRE(audit.size() == 4);
    CHECK(audit[0].at("before").at("map_datum") == "wgs84");  // the oldest first
    CHECK(audit[0].at("after").at("map_datum") == "gcj02");
    CHECK(audit[1].at("after").at("map_datum") == "bd09");
}
