// A vehicle's colour: free text of at most 20 characters, optional, shown, patched,
// imported from CSV and audited like every other field of a vehicle.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "fixture.h"

namespace lifeline::test {
namespace {

const std::string vehicles = "/api/v1/vehicles";

std::string vehicle_path(std::int64_t id) {
    return vehicles + "/" + std::to_string(id);
}

}  // namespace

TEST_CASE("a vehicle's colour is written, read, patched and audited", "[api][crud][color]") {
    SeededFleet f;
    auto created = f.dispatcher.post(
        vehicles, json::object{{"plate", "吉B·C0L0R"}, {"seats", 4}, {"color", " 白色 "}});
    INFO(created.text);
    REQUIRE(created.status == 201);
    CHECK(created.obj().at("color").as_string() == "白色");  // trimmed like other text
    const std::int64_t id = created.obj().at("id").as_int64();
    CHECK(f.dispatcher.get(vehicle_path(id)).obj().at("color").as_string() == "白色");

    auto listed = f.dispatcher.get(vehicles + "?q=C0L0R");
    REQUIRE(listed.status == 200);
    REQUIRE(listed.obj().at("items").as_array().size() == 1);
    CHECK(listed.obj().at("items").as_array()[0].at("color").as_string() == "白色");

    SECTION("a vehicle without one has an empty colour") {
        auto plain = f.dispatcher.get(vehicle_path(f.sedan_id));
        CHECK(plain.obj().at("color").as_string() == "");
    }

    SECTION("PATCH changes it and the audit log has it before and after") {
        auto patched = f.dispatcher.patch(vehicle_path(id), json::object{{"color", "银色"}});
        INFO(patched.text);
        REQUIRE(patched.status == 200);
        CHECK(patched.obj().at("color").as_string() == "银色");
        CHECK(patched.obj().at("seats").as_int64() == 4);

        auto audit = f.admin.get("/api/v1/audit?entity=vehicle&id=" + std::to_string(id));
        REQUIRE(audit.status == 200);
        const auto& items = audit.obj().at("items").as_array();
        REQUIRE(items.size() == 2);
        CHECK(items[0].at("action").as_string() == "create");
        CHECK(items[0].at("after").at("color").as_string() == "白色");
        CHECK(items[1].at("action").as_string() == "update");
        CHECK(items[1].at("before").at("color").as_string() == "白色");
        CHECK(items[1].at("after").at("color").as_string() == "银色");
    }

    SECTION("a bad colour is a problem naming the field, and changes nothing") {
        const std::string before = f.dispatcher.get(vehicle_path(id)).text;
        auto too_long =
            f.dispatcher.patch(vehicle_path(id), json::object{{"color", std::string(21, 'x')}});
        CHECK(too_long.status == 400);
        CHECK(names(too_long, "color"));
        CHECK(too_long.text.find("must be at most 20 characters") != std::string::npos);

        auto not_text = f.dispatcher.patch(vehicle_path(id), json::object{{"color", 7}});
        CHECK(not_text.status == 400);
        CHECK(names(not_text, "color"));

        auto control =
            f.dispatcher.post(vehicles, json::object{{"plate", "JL-CTRL"}, {"color", "白\n色"}});
        CHECK(control.status == 400);
        CHECK(names(control, "color"));
        CHECK(f.dispatcher.get(vehicle_path(id)).text == before);
        CHECK(f.dispatcher.get(vehicles + "?q=JL-CTRL").obj().at("items").as_array().empty());
    }

    SECTION("twenty Chinese characters are within the limit") {
        std::string twenty;
        for (int i = 0; i < 20; ++i)
            twenty += "白";
        auto r = f.dispatcher.patch(vehicle_path(id), json::object{{"color", twenty}});
        CHECK(r.status == 200);
    }
}

TEST_CASE("CSV import reads a colour column", "[api][import][color]") {
    SeededFleet f;
    auto r = f.dispatcher.send("POST", "/api/v1/import/vehicles",
                               "plate,seats,color\nJL-201,4,白色\nJL-202,7,\n",
                               {{"Content-Type", "text/csv; charset=utf-8"}});
    INFO(r.text);
    REQUIRE(r.status == 201);
    const auto& ids = r.obj().at("ids").as_array();
    REQUIRE(ids.size() == 2);
    CHECK(f.dispatcher.get(vehicle_path(ids[0].as_int64())).obj().at("color").as_string() ==
          "白色");
    CHECK(f.dispatcher.get(vehicle_path(ids[1].as_int64())).obj().at("color").as_string() == "");

    auto bad = f.dispatcher.send("POST", "/api/v1/import/vehicles",
                                 "plate,color\nJL-203," + std::string(21, 'y') + "\n",
                                 {{"Content-Type", "text/csv; charset=utf-8"}});
    CHECK(bad.status == 400);
    CHECK(names(bad, "line 2: color"));
}

}  // namespace lifeline::test
