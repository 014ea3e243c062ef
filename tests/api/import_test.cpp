// CSV import: POST /api/v1/import/{kind}, all rows or none, errors named by line.
#include <catch2/catch.hpp>

#include <algorithm>

#include "fixture.h"

namespace lifeline::test {
namespace {

ApiResult import_csv(Api& api, const std::string& kind, const std::string& csv,
                     std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.emplace_back("Content-Type", "text/csv; charset=utf-8");
    return api.send("POST", "/api/v1/import/" + kind, csv, headers);
}

std::size_t count(Api& api, const std::string& kind) {
    auto r = api.get("/api/v1/" + kind + "?limit=500");
    REQUIRE(r.status == 200);
    return r.obj().at("items").as_array().size();
}

bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("CSV import writes every row of places in one go", "[api][import]") {
    SeededFleet f;
    const auto before = count(f.dispatcher, "places");
    auto r =
        import_csv(f.dispatcher, "places",
                   "\xEF\xBB\xBFname,address,lat,lon,kind\r\n"
                   "\"吉林市 北华大学附属医院, 透析室\",\"He said \"\"north\"\"\",43.87,126.56,"
                   "dialysis_center\r\n"
                   "Home of 王,,43.8,126.5,home\r\n");
    INFO(r.text);
    REQUIRE(r.status == 201);
    CHECK(r.obj().at("imported").as_int64() == 2);
    CHECK(r.obj().at("ids").as_array().size() == 2);
    CHECK(count(f.dispatcher, "places") == before + 2);
    auto first = f.dispatcher.get("/api/v1/places/" +
                                  std::to_string(r.obj().at("ids").as_array()[0].as_int64()));
    CHECK(first.obj().at("name").as_string() == "吉林市 北华大学附属医院, 透析室");
    CHECK(first.obj().at("address").as_string() == "He said \"north\"");
}

TEST_CASE("CSV import with a bad row names its line and writes nothing", "[api][import]") {
    SeededFleet f;
    const auto before = count(f.dispatcher, "places");
    auto r = import_csv(f.dispatcher, "places",
                        "name,address,lat,lon,kind\n"
                        "Good,,43.9,126.5,hospital\n"
                        "Bad,,91,126.5,hospital\n");
    REQUIRE(r.status == 400);
    CHECK(has(r.error_fields(), "line 3: lat"));
    CHECK(count(f.dispatcher, "places") == before);

    SECTION("a rule checked in the database (a plate taken) also names its line") {
        auto v = import_csv(f.dispatcher, "vehicles", "plate,seats\nJL-100,4\njl-100,4\n");
        INFO(v.text);
        CHECK(v.status == 409);
        CHECK(has(v.error_fields(), "line 3: plate"));
        auto list = f.dispatcher.get("/api/v1/vehicles?q=JL-100");
        CHECK(list.obj().at("items").as_array().empty());
    }
    SECTION("an unclosed quote is a 400 naming the body") {
        auto q = import_csv(f.dispatcher, "places", "name,lat,lon\n\"open,1,2\n");
        CHECK(q.status == 400);
        CHECK(has(q.error_fields(), "body"));
    }
}

TEST_CASE("CSV import of a number beyond any integer names its cell and writes nothing",
          "[api][import]") {
    // Such a cell was once cast to a 64-bit integer, which is undefined behaviour for a
    // value out of range (UBSan stops the server); now it is read as the number it is.
    SeededFleet f;
    const auto before = count(f.dispatcher, "vehicles");
    auto r = import_csv(f.dispatcher, "vehicles",
                        "plate,seats,odometer_km\n"
                        "JL-200,666666666666666666666666666666666666666666666660,1e300\n"
                        "JL-201,-1e19,nan\n");
    INFO(r.text);
    REQUIRE(r.status == 400);
    const auto fields = r.error_fields();
    CHECK(has(fields, "line 2: seats"));
    CHECK(has(fields, "line 2: odometer_km"));
    CHECK(has(fields, "line 3: seats"));
    CHECK(has(fields, "line 3: odometer_km"));
    CHECK(count(f.dispatcher, "vehicles") == before);
}

TEST_CASE("CSV import of drivers and patients reads shifts and schedules", "[api][import]") {
    SeededFleet f;
    auto d = import_csv(f.dispatcher, "drivers",
                        "name,phone,group,home_lat,home_lon,wheelchair_trained,shifts\n"
                        "李明,13800000000,CAPD,43.8,126.5,true,1 07:00-15:00; 3 07:00-15:00\n");
    INFO(d.text);
    REQUIRE(d.status == 201);
    auto driver = f.dispatcher.get("/api/v1/drivers/" +
                                   std::to_string(d.obj().at("ids").as_array()[0].as_int64()));
    CHECK(driver.obj().at("shifts").as_array().size() == 2);
    CHECK(driver.obj().at("wheelchair_trained").as_bool());

    auto p = import_csv(f.dispatcher, "patients",
                        "name,lat,lon,mobility,center_id,weekdays,appointment,duration_minutes\n"
                        "王芳,43.8,126.5,wheelchair," +
                            std::to_string(f.center_id) + ",1 3 5,07:30,240\n");
    INFO(p.text);
    REQUIRE(p.status == 201);
    auto patient = f.dispatcher.get("/api/v1/patients/" +
                                    std::to_string(p.obj().at("ids").as_array()[0].as_int64()));
    CHECK(patient.obj().at("schedule").at("weekdays").as_array().size() == 3);
}

TEST_CASE("CSV import is for dispatchers and honours Idempotency-Key", "[api][import]") {
    SeededFleet f;
    CHECK(import_csv(f.driver1, "places", "name,lat,lon\nX,1,2\n").status == 403);
    CHECK(import_csv(f.dispatcher, "trips", "name,lat,lon\nX,1,2\n").status == 404);
    const std::string csv = "plate,seats,odometer_km\nJL-7,4,100\n";
    auto a = import_csv(f.dispatcher, "vehicles", csv, {{"Idempotency-Key", "import-1"}});
    auto b = import_csv(f.dispatcher, "vehicles", csv, {{"Idempotency-Key", "import-1"}});
    REQUIRE(a.status == 201);
    CHECK(b.text == a.text);
    CHECK(f.dispatcher.get("/api/v1/vehicles?q=JL-7").obj().at("items").as_array().size() == 1);
}

}  // namespace lifeline::test
