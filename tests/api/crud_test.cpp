// The fleet and accounts over HTTP: create → get → list → patch → deactivate for places,
// drivers, vehicles, patients and users; paging, search, audit; and every bad input
// answered with problem+json naming the field, with nothing written.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "fixture.h"

using namespace lifeline::test;

namespace {

const std::string v1 = "/api/v1";

std::string str(std::int64_t v) {
    return std::to_string(v);
}

// JSON equality where 1000 and 1000.0 are the same number.
// The record an answer carries, without what the write did besides (a patient's answer
// also says which requests their schedule made: "requests").
json::value record_of(json::value answer) {
    answer.as_object().erase("requests");
    return answer;
}

bool same_value(const json::value& a, const json::value& b) {
    if (a.is_number() && b.is_number())
        return std::abs(a.to_number<double>() - b.to_number<double>()) < 1e-9;
    if (a.kind() != b.kind())
        return false;
    if (a.is_object()) {
        const auto &x = a.get_object(), &y = b.get_object();
        if (x.size() != y.size())
            return false;
        for (const auto& kv : x) {
            auto* other = y.if_contains(kv.key());
            if (!other || !same_value(kv.value(), *other))
                return false;
        }
        return true;
    }
    if (a.is_array()) {
        const auto &x = a.get_array(), &y = b.get_array();
        if (x.size() != y.size())
            return false;
        for (std::size_t i = 0; i < x.size(); ++i)
            if (!same_value(x[i], y[i]))
                return false;
        return true;
    }
    return a == b;
}

// Every item of a list, page by page; REQUIREs that no id comes twice.
std::vector<json::object> list_all(Api& api, const std::string& collection,
                                   const std::string& query = "", int limit = 500) {
    std::vector<json::object> out;
    std::set<std::int64_t> seen;
    std::string cursor;
    for (int guard = 0; guard < 1000; ++guard) {
        std::string target = v1 + "/" + collection + "?limit=" + std::to_string(limit) + query;
        if (!cursor.empty())
            target += "&cursor=" + cursor;
        auto page = api.get(target);
        INFO(target << ": " << page.text);
        REQUIRE(page.status == 200);
        const auto& items = page.obj().at("items").as_array();
        REQUIRE(int(items.size()) <= limit);
        for (const auto& item : items) {
            REQUIRE(seen.insert(item.at("id").as_int64()).second);
            out.push_back(item.as_object());
        }
        if (page.obj().at("next_cursor").is_null())
            return out;
        cursor = std::string(page.obj().at("next_cursor").as_string());
    }
    FAIL("the pages of " << collection << " never end");
    return out;
}

std::vector<std::int64_t> ids_of(const std::vector<json::object>& items) {
    std::vector<std::int64_t> ids;
    for (const auto& i : items)
        ids.push_back(i.at("id").as_int64());
    return ids;
}

bool contains(const std::vector<std::int64_t>& ids, std::int64_t id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// Percent-encodes a query value (UTF-8 bytes and reserved characters), as a browser does.
std::string q(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out = "&q=";
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += char(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

// Everything the API can show of the database, as text: equal before and after a
// refused request proves it wrote nothing.
std::string everything(SeededFleet& f) {
    std::string out;
    for (const char* c : {"places", "drivers", "vehicles", "patients", "trips"})
        out += f.dispatcher.get(v1 + "/" + c + "?limit=500").text + "\n";
    for (const char* c : {"users", "audit"})
        out += f.admin.get(v1 + "/" + c + "?limit=500").text + "\n";
    return out;
}

std::vector<std::string> audit_actions(Api& admin, const std::string& entity, std::int64_t id) {
    auto r = admin.get(v1 + "/audit?entity=" + entity + "&id=" + str(id));
    INFO(r.text);
    REQUIRE(r.status == 200);
    std::vector<std::string> actions;
    for (const auto& e : r.obj().at("items").as_array()) {
        CHECK(e.at("entity") == entity.c_str());
        CHECK(e.at("entity_id").as_int64() == id);
        actions.emplace_back(e.at("action").as_string());
    }
    return actions;
}

struct Kind {
    std::string collection;  // URL segment
    std::string entity;      // audit entity name
    json::object create;
    json::object patch;  // exactly one field
    std::string search;  // a Chinese substring of the created record only
};

}  // namespace

TEST_CASE("places, drivers, vehicles and patients make the full round trip", "[api][crud]") {
    SeededFleet f;
    const std::vector<Kind> kinds{
        {"places",
         "place",
         {{"name", "吉化第二透析中心"},
          {"address", "龙潭区 遵义东路 8 号"},
          {"lat", 43.905},
          {"lon", 126.561},
          {"kind", "dialysis_center"},
          {"active", true}},
         {{"address", "龙潭区 遵义东路 10 号"}},
         "第二透析"},
        {"drivers",
         "driver",
         {{"name", "刘德明"},
          {"phone", "+8613804320001"},
          {"group", "红十字会志愿队"},
          {"home", {{"lat", 43.82}, {"lon", 126.53}}},
          {"shifts", json::array{{{"weekday", 1}, {"start", "06:00"}, {"end", "12:00"}},
                                 {{"weekday", 1}, {"start", "18:00"}, {"end", "24:00"}},
                                 {{"weekday", 6}, {"start", "00:00"}, {"end", "08:30"}}}},
          {"wheelchair_trained", true},
          {"active", true}},
         {{"phone", "+8613804320002"}},
         "德明"},
        {"vehicles",
         "vehicle",
         {{"plate", "吉B·C0303"},
          {"description", "金杯 轮椅升降车"},
          {"seats", 6},
          {"wheelchair_spaces", 2},
          {"driver_id", f.driver_id2},
          {"odometer_km", 42000.5},
          {"active", true}},
         {{"seats", 5}},
         "轮椅升降"},
        {"patients",
         "patient",
         {{"name", "吴淑珍"},
          {"phone", "+8615904321111"},
          {"address", "丰满区 吉林大街 5 号"},
          {"lat", 43.79},
          {"lon", 126.57},
          {"mobility", "wheelchair"},
          {"escort", true},
          {"ride_alone", true},
          {"notes", "需要家属陪同\n三楼无电梯"},
          {"center_id", f.center_id},
          {"schedule",
           {{"weekdays", {2, 4, 6}}, {"appointment", "13:00"}, {"duration_minutes", 240}}},
          {"active", true}},
         {{"notes", "一楼"}},
         "淑珍"},
    };

    for (const Kind& k : kinds) {
        INFO("collection: " << k.collection);
        const std::string base = v1 + "/" + k.collection;

        // create: 201, Location, and the record as sent
        auto created = f.dispatcher.post(base, k.create);
        INFO(created.text);
        REQUIRE(created.status == 201);
        const auto id = created.id();
        const std::string path = base + "/" + str(id);
        CHECK(created.raw.header("Location") == path);
        for (const auto& kv : k.create) {
            INFO("field " << std::string(kv.key()));
            CHECK(same_value(created.obj().at(kv.key()), kv.value()));
        }

        // get: the same record
        auto got = f.dispatcher.get(path);
        REQUIRE(got.status == 200);
        CHECK(same_value(got.body, record_of(created.body)));

        // list: contains it, as it reads
        auto all = list_all(f.dispatcher, k.collection);
        auto listed = std::find_if(all.begin(), all.end(),
                                   [&](const json::object& o) { return o.at("id") == id; });
        REQUIRE(listed != all.end());
        CHECK(same_value(*listed, got.body));

        // patch: only the given field changes
        auto patched = f.dispatcher.patch(path, k.patch);
        INFO(patched.text);
        REQUIRE(patched.status == 200);
        auto after = f.dispatcher.get(path);
        REQUIRE(after.status == 200);
        CHECK(same_value(after.body, record_of(patched.body)));
        for (const auto& kv : got.obj()) {
            INFO("field " << std::string(kv.key()));
            if (auto* given = k.patch.if_contains(kv.key()))
                CHECK(same_value(after.obj().at(kv.key()), *given));
            else
                CHECK(same_value(after.obj().at(kv.key()), kv.value()));
        }

        // search: a Chinese substring finds this record and no other
        auto found = ids_of(list_all(f.dispatcher, k.collection, q(k.search)));
        CHECK(found == std::vector<std::int64_t>{id});

        // deactivate: still listed, and the active filter sees it
        auto off = f.dispatcher.patch(path, json::object{{"active", false}});
        REQUIRE(off.status == 200);
        CHECK(off.obj().at("active") == false);
        CHECK(contains(ids_of(list_all(f.dispatcher, k.collection)), id));
        auto inactive = list_all(f.dispatcher, k.collection, "&active=false");
        CHECK(ids_of(inactive) == std::vector<std::int64_t>{id});
        CHECK(!contains(ids_of(list_all(f.dispatcher, k.collection, "&active=true")), id));
        CHECK(f.dispatcher.get(path).obj().at("active") == false);

        // the audit log: create, update, deactivate
        CHECK(audit_actions(f.admin, k.entity, id) ==
              std::vector<std::string>{"create", "update", "deactivate"});

        // unknown and non-numeric ids
        for (const std::string bad : {"999999", "abc", "0", "-1", "1.5", "1e3"}) {
            INFO("id " << bad);
            auto r = f.dispatcher.get(base + "/" + bad);
            CHECK(r.status == 404);
            CHECK(r.raw.header("Content-Type").value_or("") == "application/problem+json");
            CHECK(f.dispatcher.patch(base + "/" + bad, k.patch).status == 404);
        }
    }
}

TEST_CASE("cursor pagination walks every item once, and search is by substring", "[api][crud]") {
    SeededFleet f;
    for (int i = 0; i < 4; ++i) {
        const std::string n = std::to_string(i);
        require_created(f.dispatcher.post(
            v1 + "/places",
            json::object{{"name", "社区卫生服务站 " + n}, {"lat", 43.8}, {"lon", 126.5}}));
        require_created(f.dispatcher.post(
            v1 + "/drivers",
            json::object{{"name", "志愿者" + n}, {"home", {{"lat", 43.8}, {"lon", 126.5}}}}));
        require_created(
            f.dispatcher.post(v1 + "/vehicles", json::object{{"plate", "吉B·P000" + n}}));
        require_created(f.dispatcher.post(
            v1 + "/patients", json::object{{"name", "患者" + n}, {"lat", 43.8}, {"lon", 126.5}}));
    }
    for (const char* c : {"places", "drivers", "vehicles", "patients", "trips"}) {
        INFO(c);
        auto whole = ids_of(list_all(f.dispatcher, c));
        auto paged = ids_of(list_all(f.dispatcher, c, "", 2));
        CHECK(paged == whole);  // same items, same order, none twice (list_all REQUIREs)
        if (std::string(c) != "trips") {
            CHECK(whole.size() >= 5);
        }
    }
    auto users_whole = ids_of(list_all(f.admin, "users"));
    CHECK(ids_of(list_all(f.admin, "users", "", 2)) == users_whole);
    CHECK(users_whole.size() == 4);

    // Substrings anywhere in the name; LIKE's wildcards are taken literally.
    CHECK(list_all(f.dispatcher, "places", q("卫生服务")).size() == 4);
    CHECK(list_all(f.dispatcher, "places", q("中心医院")).size() == 1);
    CHECK(list_all(f.dispatcher, "drivers", q("建国")).size() == 1);
    CHECK(list_all(f.dispatcher, "patients", q("秀英")).size() == 1);
    CHECK(list_all(f.dispatcher, "vehicles", q("吉B")).size() == 6);
    CHECK(list_all(f.dispatcher, "vehicles", q("p000")).size() == 4);  // plates ignore case
    CHECK(list_all(f.dispatcher, "places", q("%")).empty());
    CHECK(list_all(f.dispatcher, "places", q("_")).empty());

    // Bad paging is a 400 naming the parameter.
    require_problem(f.dispatcher.get(v1 + "/places?limit=0"), 400, "limit");
    require_problem(f.dispatcher.get(v1 + "/places?limit=501"), 400, "limit");
    require_problem(f.dispatcher.get(v1 + "/places?cursor=abc"), 400, "cursor");
    require_problem(f.dispatcher.get(v1 + "/places?active=maybe"), 400, "active");
}

TEST_CASE("drivers keep their weekly shifts and absences", "[api][crud]") {
    SeededFleet f;
    auto d = require_created(f.dispatcher.post(
        v1 + "/drivers",
        json::object{
            {"name", "陈立新"},
            {"home", {{"lat", 43.8}, {"lon", 126.5}}},
            {"shifts", json::array{{{"weekday", 7}, {"start", "20:00"}, {"end", "24:00"}},
                                   {{"weekday", 3}, {"start", "07:00"}, {"end", "11:00"}},
                                   {{"weekday", 3}, {"start", "11:00"}, {"end", "15:00"}}}}}));
    const std::string path = v1 + "/drivers/" + str(d.id());
    // Read back in week order; a shift may end at midnight, and touching shifts are fine.
    auto shifts = f.dispatcher.get(path).obj().at("shifts").as_array();
    REQUIRE(shifts.size() == 3);
    CHECK(shifts[0] == json::value{{"weekday", 3}, {"start", "07:00"}, {"end", "11:00"}});
    CHECK(shifts[1] == json::value{{"weekday", 3}, {"start", "11:00"}, {"end", "15:00"}});
    CHECK(shifts[2] == json::value{{"weekday", 7}, {"start", "20:00"}, {"end", "24:00"}});

    // Replacing the shifts replaces them all; other fields stay.
    auto replaced = f.dispatcher.patch(
        path, json::object{
                  {"shifts", json::array{{{"weekday", 5}, {"start", "00:00"}, {"end", "24:00"}}}}});
    INFO(replaced.text);
    REQUIRE(replaced.status == 200);
    CHECK(replaced.obj().at("shifts") ==
          json::array{{{"weekday", 5}, {"start", "00:00"}, {"end", "24:00"}}});
    CHECK(replaced.obj().at("name") == "陈立新");

    // Absences accumulate.
    auto a1 = f.dispatcher.post(path + "/absences",
                                json::object{{"from", "2022-04-01"}, {"to", "2022-04-10"}});
    INFO(a1.text);
    REQUIRE(a1.status == 201);
    auto a2 = f.dispatcher.post(path + "/absences",
                                json::object{{"from", "2022-05-01"}, {"to", "2022-05-01"}});
    REQUIRE(a2.status == 201);
    auto got = f.dispatcher.get(path);
    const auto& absences = got.obj().at("absences").as_array();
    REQUIRE(absences.size() == 2);
    CHECK(absences[0].at("from") == "2022-04-01");
    CHECK(absences[0].at("to") == "2022-04-10");
    CHECK(absences[1].at("from") == "2022-05-01");
    CHECK(absences[1].at("to") == "2022-05-01");
    CHECK(absences[0].at("id").as_int64() != absences[1].at("id").as_int64());
    CHECK(got.obj().at("shifts").as_array().size() == 1);
    CHECK(audit_actions(f.admin, "driver", d.id()) ==
          std::vector<std::string>{"create", "update", "add_absence", "add_absence"});

    CHECK(f.dispatcher
              .post(v1 + "/drivers/999999/absences",
                    json::object{{"from", "2022-04-01"}, {"to", "2022-04-02"}})
              .status == 404);
    CHECK(f.dispatcher
              .post(v1 + "/drivers/abc/absences",
                    json::object{{"from", "2022-04-01"}, {"to", "2022-04-02"}})
              .status == 404);
}

TEST_CASE("patients' dialysis schedules are set, changed and cleared", "[api][crud]") {
    SeededFleet f;
    const std::string path = v1 + "/patients/" + str(f.walker_id);
    auto changed = f.dispatcher.patch(
        path,
        json::object{
            {"schedule",
             {{"weekdays", {6, 2, 4}}, {"appointment", "12:30"}, {"duration_minutes", 210}}}});
    INFO(changed.text);
    REQUIRE(changed.status == 200);
    CHECK(changed.obj().at("schedule") == json::value{{"weekdays", {2, 4, 6}},
                                                      {"appointment", "12:30"},
                                                      {"duration_minutes", 210}});
    CHECK(changed.obj().at("center_id").as_int64() == f.center_id);

    // A schedule needs a center: the center cannot go while the schedule stays.
    require_problem(f.dispatcher.patch(path, json::object{{"center_id", nullptr}}), 400,
                    "center_id");
    CHECK(f.dispatcher.get(path).obj().at("center_id").as_int64() == f.center_id);

    auto cleared = f.dispatcher.patch(path, json::object{{"schedule", nullptr}});
    REQUIRE(cleared.status == 200);
    CHECK(cleared.obj().at("schedule").is_null());
    auto no_center = f.dispatcher.patch(path, json::object{{"center_id", nullptr}});
    REQUIRE(no_center.status == 200);
    CHECK(no_center.obj().at("center_id").is_null());
    auto got = f.dispatcher.get(path);
    CHECK(got.obj().at("schedule").is_null());
    CHECK(got.obj().at("center_id").is_null());
    CHECK(got.obj().at("name") == "孙秀英");

    // Created without a center and without a schedule.
    auto plain = require_created(f.dispatcher.post(
        v1 + "/patients",
        json::object{{"name", "郑玉兰"}, {"lat", 43.8}, {"lon", 126.5}, {"center_id", nullptr}}));
    CHECK(plain.obj().at("center_id").is_null());
    CHECK(plain.obj().at("schedule").is_null());
    CHECK(plain.obj().at("mobility") == "ambulatory");

    // The center_id filter.
    auto at_center = ids_of(list_all(f.dispatcher, "patients", "&center_id=" + str(f.center_id)));
    CHECK(at_center == std::vector<std::int64_t>{f.wheelchair_id});
    CHECK(audit_actions(f.admin, "patient", f.walker_id) ==
          std::vector<std::string>{"create", "update", "update", "update"});
}

TEST_CASE("accounts make the full round trip", "[api][crud]") {
    SeededFleet f;
    const std::string base = v1 + "/users";
    auto created = f.admin.post(base, json::object{{"username", "coordinator"},
                                                   {"password", "tide-pool-47"},
                                                   {"role", "dispatcher"}});
    INFO(created.text);
    REQUIRE(created.status == 201);
    const auto id = created.id();
    const std::string path = base + "/" + str(id);
    CHECK(created.raw.header("Location") == path);
    CHECK(created.obj().at("username") == "coordinator");
    CHECK(created.obj().at("role") == "dispatcher");
    CHECK(created.obj().at("driver_id").is_null());
    CHECK(created.obj().at("active") == true);
    CHECK(!created.obj().contains("password"));
    CHECK(created.text.find("argon2") == std::string::npos);

    auto got = f.admin.get(path);
    REQUIRE(got.status == 200);
    CHECK(got.body == created.body);
    CHECK(contains(ids_of(list_all(f.admin, "users")), id));

    // A new password changes nothing else, and the new password signs in.
    auto pw = f.admin.patch(path, json::object{{"password", "amber-kite-52"}});
    REQUIRE(pw.status == 200);
    CHECK(pw.body == got.body);
    Api coordinator = Api::login(f.server, "coordinator", "amber-kite-52");
    CHECK(coordinator.get(v1 + "/places").status == 200);

    auto promoted = f.admin.patch(path, json::object{{"role", "admin"}});
    REQUIRE(promoted.status == 200);
    CHECK(promoted.obj().at("role") == "admin");
    CHECK(promoted.obj().at("username") == "coordinator");
    CHECK(promoted.obj().at("active") == true);

    auto off = f.admin.patch(path, json::object{{"active", false}});
    REQUIRE(off.status == 200);
    CHECK(off.obj().at("active") == false);
    auto listed = list_all(f.admin, "users");
    auto it = std::find_if(listed.begin(), listed.end(),
                           [&](const json::object& o) { return o.at("id") == id; });
    REQUIRE(it != listed.end());
    CHECK(it->at("active") == false);

    CHECK(audit_actions(f.admin, "user", id) ==
          std::vector<std::string>{"create", "update", "update", "update"});
    for (const std::string bad : {"999999", "abc", "0"}) {
        INFO("id " << bad);
        CHECK(f.admin.get(base + "/" + bad).status == 404);
        CHECK(f.admin.patch(base + "/" + bad, json::object{{"active", true}}).status == 404);
    }
}

TEST_CASE("every bad input is a problem naming the field, and writes nothing",
          "[api][crud][validation]") {
    SeededFleet f;
    const auto home_place =
        require_created(
            f.dispatcher.post(
                v1 + "/places",
                json::object{{"name", "患者家"}, {"lat", 43.8}, {"lon", 126.5}, {"kind", "home"}}))
            .id();
    const auto admin_id = f.admin.get(v1 + "/auth/me").id();

    const json::object place{{"name", "吉林市人民医院"}, {"lat", 43.84}, {"lon", 126.55}};
    const json::object driver{{"name", "高建华"}, {"home", {{"lat", 43.8}, {"lon", 126.5}}}};
    const json::object vehicle{{"plate", "吉B·N0009"}, {"seats", 4}};
    const json::object patient{{"name", "何丽娟"}, {"lat", 43.86}, {"lon", 126.55}};
    const json::object user{
        {"username", "newcomer"}, {"password", user_password}, {"role", "dispatcher"}};
    auto with = [](json::object o, std::initializer_list<std::pair<std::string, json::value>> kv) {
        for (const auto& [k, v] : kv)
            o[k] = v;
        return o;
    };
    auto shift = [](int day, const char* start, const char* end) {
        return json::value{{"weekday", day}, {"start", start}, {"end", end}};
    };
    std::string long_name;
    for (int i = 0; i < 201; ++i)
        long_name += "医";
    std::string max_name;
    for (int i = 0; i < 200; ++i)
        max_name += "医";

    const std::string places = v1 + "/places", drivers = v1 + "/drivers",
                      vehicles = v1 + "/vehicles", patients = v1 + "/patients",
                      users = v1 + "/users";
    const std::string center = places + "/" + str(f.center_id);
    const std::string driver1 = drivers + "/" + str(f.driver_id1);
    const std::string van = vehicles + "/" + str(f.van_id);
    const std::string walker = patients + "/" + str(f.walker_id);

    struct Bad {
        std::string what;
        Api* api;
        std::string method, target;
        std::string body;
        int status;
        std::string field;
    };
    Api* d = &f.dispatcher;
    Api* a = &f.admin;
    auto j = [](const json::value& v) { return json::serialize(v); };
    const std::vector<Bad> bad{
        // places
        {"lat 91", d, "POST", places, j(with(place, {{"lat", 91}})), 400, "lat"},
        {"lon -181", d, "POST", places, j(with(place, {{"lon", -181}})), 400, "lon"},
        {"no lat", d, "POST", places, j(json::object{{"name", "x"}, {"lon", 1}}), 400, "lat"},
        {"empty name", d, "POST", places, j(with(place, {{"name", ""}})), 400, "name"},
        {"blank name", d, "POST", places, j(with(place, {{"name", " \u3000 "}})), 400, "name"},
        {"201 characters", d, "POST", places,
         j(with(place, {{"name", json::string(long_name.c_str())}})), 400, "name"},
        {"unknown kind", d, "POST", places, j(with(place, {{"kind", "clinic"}})), 400, "kind"},
        {"lat as text", d, "POST", places, j(with(place, {{"lat", "43.8"}})), 400, "lat"},
        {"name as number", d, "POST", places, j(with(place, {{"name", 5}})), 400, "name"},
        {"unknown field", d, "POST", places, j(with(place, {{"colour", "red"}})), 400, "colour"},
        {"control character", d, "POST", places,
         j(with(place, {{"name",
                         "a\x07"
                         "b"}})),
         400, "name"},
        {"malformed JSON", d, "POST", places, "{\"name\": ", 400, "body"},
        {"an array body", d, "POST", places, "[]", 400, "body"},
        {"no body", d, "POST", places, "", 400, "body"},
        {"patch lat 91", d, "PATCH", center, j(json::object{{"lat", 91}}), 400, "lat"},
        {"patch empty name", d, "PATCH", center, j(json::object{{"name", ""}}), 400, "name"},
        {"patch long name", d, "PATCH", center,
         j(json::object{{"name", json::string(long_name.c_str())}}), 400, "name"},
        {"patch kind", d, "PATCH", center, j(json::object{{"kind", "clinic"}}), 400, "kind"},
        {"patch active as text", d, "PATCH", center, j(json::object{{"active", "no"}}), 400,
         "active"},
        {"patch unknown field", d, "PATCH", center, j(json::object{{"id", 7}}), 400, "id"},
        // drivers
        {"shift weekday 8", d, "POST", drivers,
         j(with(driver, {{"shifts", json::array{shift(8, "06:00", "10:00")}}})), 400,
         "shifts[0].weekday"},
        {"overlapping shifts", d, "POST", drivers,
         j(with(driver,
                {{"shifts", json::array{shift(1, "06:00", "14:00"), shift(1, "13:00", "18:00")}}})),
         400, "shifts[1].start"},
        {"shift ends before it starts", d, "POST", drivers,
         j(with(driver, {{"shifts", json::array{shift(2, "14:00", "06:00")}}})), 400,
         "shifts[0].end"},
        {"shift at 25:00", d, "POST", drivers,
         j(with(driver, {{"shifts", json::array{shift(2, "25:00", "26:00")}}})), 400,
         "shifts[0].start"},
        {"home lat 91", d, "POST", drivers, j(with(driver, {{"home", {{"lat", 91}, {"lon", 1}}}})),
         400, "home.lat"},
        {"wheelchair_trained as text", d, "POST", drivers,
         j(with(driver, {{"wheelchair_trained", "yes"}})), 400, "wheelchair_trained"},
        {"driver name 201", d, "POST", drivers,
         j(with(driver, {{"name", json::string(long_name.c_str())}})), 400, "name"},
        {"patch overlapping shifts", d, "PATCH", driver1,
         j(json::object{
             {"shifts", json::array{shift(3, "08:00", "12:00"), shift(3, "06:00", "09:00")}}}),
         400, "shifts[0].start"},
        {"absence ends before it starts", d, "POST", driver1 + "/absences",
         j(json::object{{"from", "2022-05-03"}, {"to", "2022-05-01"}}), 400, "to"},
        {"absence date as words", d, "POST", driver1 + "/absences",
         j(json::object{{"from", "May 1"}, {"to", "2022-05-01"}}), 400, "from"},
        {"absence unknown field", d, "POST", driver1 + "/absences",
         j(json::object{{"from", "2022-05-01"}, {"to", "2022-05-01"}, {"reason", "sick"}}), 400,
         "reason"},
        // vehicles
        {"unknown default driver", d, "POST", vehicles, j(with(vehicle, {{"driver_id", 9999}})),
         422, "driver_id"},
        {"duplicate plate, other case", d, "POST", vehicles,
         j(with(vehicle, {{"plate", "吉b·a0001"}})), 409, "plate"},
        {"seats as text", d, "POST", vehicles, j(with(vehicle, {{"seats", "four"}})), 400, "seats"},
        {"no seats", d, "POST", vehicles, j(with(vehicle, {{"seats", 0}})), 400, "seats"},
        {"negative wheelchair spaces", d, "POST", vehicles,
         j(with(vehicle, {{"wheelchair_spaces", -1}})), 400, "wheelchair_spaces"},
        {"empty plate", d, "POST", vehicles, j(with(vehicle, {{"plate", ""}})), 400, "plate"},
        {"driver_id as text", d, "POST", vehicles, j(with(vehicle, {{"driver_id", "1"}})), 400,
         "driver_id"},
        {"patch duplicate plate", d, "PATCH", van, j(json::object{{"plate", "吉B·a0001"}}), 409,
         "plate"},
        {"patch unknown driver", d, "PATCH", van, j(json::object{{"driver_id", 9999}}), 422,
         "driver_id"},
        {"patch the odometer", d, "PATCH", van, j(json::object{{"odometer_km", 1}}), 400,
         "odometer_km"},
        // patients
        {"unknown mobility", d, "POST", patients, j(with(patient, {{"mobility", "crutches"}})), 400,
         "mobility"},
        {"unknown center", d, "POST", patients, j(with(patient, {{"center_id", 9999}})), 422,
         "center_id"},
        {"a home as center", d, "POST", patients, j(with(patient, {{"center_id", home_place}})),
         422, "center_id"},
        {"schedule weekday 8", d, "POST", patients,
         j(with(patient, {{"center_id", f.center_id},
                          {"schedule", {{"weekdays", {1, 8}}, {"appointment", "07:30"}}}})),
         400, "schedule.weekdays[1]"},
        {"schedule without center", d, "POST", patients,
         j(with(patient, {{"schedule", {{"weekdays", {1}}, {"appointment", "07:30"}}}})), 400,
         "schedule"},
        {"schedule at 7:30pm", d, "POST", patients,
         j(with(patient, {{"center_id", f.center_id},
                          {"schedule", {{"weekdays", {1}}, {"appointment", "7:30pm"}}}})),
         400, "schedule.appointment"},
        {"escort as text", d, "POST", patients, j(with(patient, {{"escort", "no"}})), 400,
         "escort"},
        {"patient lat 91", d, "POST", patients, j(with(patient, {{"lat", 91}})), 400, "lat"},
        {"patch unknown center", d, "PATCH", walker, j(json::object{{"center_id", 9999}}), 422,
         "center_id"},
        {"patch schedule weekday 8", d, "PATCH", walker,
         j(json::object{{"schedule", {{"weekdays", {8}}, {"appointment", "07:30"}}}}), 400,
         "schedule.weekdays[0]"},
        {"patch schedule field", d, "PATCH", walker,
         j(json::object{{"schedule", {{"weekdays", {1}}, {"appointment", "07:30"}, {"room", 3}}}}),
         400, "schedule.room"},
        // users
        {"unknown role", a, "POST", users, j(with(user, {{"role", "superuser"}})), 400, "role"},
        {"username with a space", a, "POST", users, j(with(user, {{"username", "new comer"}})), 400,
         "username"},
        {"short password", a, "POST", users, j(with(user, {{"password", "short"}})), 400,
         "password"},
        {"username taken", a, "POST", users, j(with(user, {{"username", "driver1"}})), 409,
         "username"},
        {"driver account without driver", a, "POST", users, j(with(user, {{"role", "driver"}})),
         400, "driver_id"},
        {"unknown driver", a, "POST", users,
         j(with(user, {{"role", "driver"}, {"driver_id", 9999}})), 422, "driver_id"},
        {"driver with an account already", a, "POST", users,
         j(with(user, {{"role", "driver"}, {"driver_id", f.driver_id1}})), 409, "driver_id"},
        {"user unknown field", a, "POST", users, j(with(user, {{"email", "x@example.org"}})), 400,
         "email"},
        {"the last admin", a, "PATCH", users + "/" + str(admin_id),
         j(json::object{{"active", false}}), 409, "active"},
    };

    // The longest name that is allowed is allowed (the limit is characters, not bytes).
    CHECK(require_created(
              f.dispatcher.post(places, with(place, {{"name", json::string(max_name.c_str())}})))
              .obj()
              .at("name") == max_name.c_str());

    for (const Bad& b : bad) {
        INFO(b.what << ": " << b.method << " " << b.target << " " << b.body);
        const std::string before = everything(f);
        auto r = b.api->send(b.method, b.target, b.body);
        require_problem(r, b.status, b.field);
        CHECK(everything(f) == before);
    }
}
