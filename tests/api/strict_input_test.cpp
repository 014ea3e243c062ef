// Strict input over HTTP: a JSON body that names a key twice, and a request with two
// Authorization headers, are refused with 400 naming the field, and change nothing.
#include <catch2/catch.hpp>

#include <algorithm>

#include "fixture.h"

using namespace lifeline::test;

namespace {

std::size_t count_of(Api& api, const std::string& collection) {
    auto r = api.get("/api/v1/" + collection + "?limit=500");
    INFO(r.text);
    REQUIRE(r.status == 200);
    return r.obj().at("items").as_array().size();
}

void require_refused(const ApiResult& r, const std::string& field) {
    INFO(r.text);
    REQUIRE(r.status == 400);
    CHECK(r.raw.header("Content-Type") == "application/problem+json");
    CHECK(r.error_fields() == std::vector<std::string>{field});
}

}  // namespace

TEST_CASE("a JSON body naming a key twice is refused, naming the key, and changes nothing",
          "[api][strict]") {
    SeededFleet f;
    const std::size_t places = count_of(f.admin, "places");
    const std::size_t drivers = count_of(f.admin, "drivers");

    SECTION("at the top level") {
        auto r = f.admin.send("POST", "/api/v1/places",
                              R"({"name":"Clinic","address":"A","lat":43.8,"lon":126.5,)"
                              R"("kind":"dialysis_center","name":"Other clinic"})");
        require_refused(r, "name");
        CHECK(count_of(f.admin, "places") == places);
    }
    SECTION("spelt differently with an escape, it is still the same key") {
        auto r = f.admin.send("POST", "/api/v1/places",
                              R"({"name":"Clinic","address":"A","lat":43.8,"lon":126.5,)"
                              R"("kind":"dialysis_center","n\u0061me":"Other clinic"})");
        require_refused(r, "name");
        CHECK(count_of(f.admin, "places") == places);
    }
    SECTION("inside an object of an array, named by its path") {
        auto r = f.admin.send(
            "POST", "/api/v1/drivers",
            R"({"name":"Zhao","phone":"13904321001","group":"g",)"
            R"("home":{"lat":43.83,"lon":126.54},"wheelchair_trained":false,"shifts":[)"
            R"({"weekday":1,"start":"06:00","end":"14:00"},)"
            R"({"weekday":2,"start":"06:00","end":"14:00","weekday":3}]})");
        require_refused(r, "shifts[1].weekday");
        CHECK(count_of(f.admin, "drivers") == drivers);
    }
    SECTION("the same key in two different objects is fine") {
        auto r = f.admin.send(
            "POST", "/api/v1/drivers",
            R"({"name":"Zhao","phone":"13904321001","group":"g",)"
            R"("home":{"lat":43.83,"lon":126.54},"wheelchair_trained":false,"shifts":[)"
            R"({"weekday":1,"start":"06:00","end":"14:00"},)"
            R"({"weekday":2,"start":"06:00","end":"14:00"}]})");
        INFO(r.text);
        CHECK(r.status == 201);
        CHECK(count_of(f.admin, "drivers") == drivers + 1);
    }
    SECTION("malformed JSON is still named as the body") {
        auto r = f.admin.send("POST", "/api/v1/places", R"({"name":"Clinic",})");
        require_refused(r, "body");
    }
}

TEST_CASE("a request with two Authorization headers is refused before it is read",
          "[api][strict]") {
    SeededFleet f;
    const std::size_t places = count_of(f.admin, "places");
    // The admin's own token, and a second credential after it.
    auto r = f.admin.send("POST", "/api/v1/places",
                          R"({"name":"Clinic","address":"A","lat":43.8,"lon":126.5,)"
                          R"("kind":"dialysis_center"})",
                          {{"Authorization", "Bearer " + f.dispatcher.token()}});
    require_refused(r, "Authorization");
    CHECK(count_of(f.admin, "places") == places);
}
