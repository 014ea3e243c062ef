#include "world.h"

#include <boost/json.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>

#include "lifeline/net/api.h"
#include "lifeline/net/events.h"
#include "lifeline/net/metrics.h"
#include "lifeline/net/router.h"
#include "lifeline/storage/services.h"

namespace lifeline::fuzz {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* password = "fuzz-password-1";

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "fuzz world: %s\n", what.c_str());
    std::abort();
}

// In memory when the machine has /dev/shm: a write's fsync then costs nothing, and
// durability is not what the harnesses test (tests/api/durability_test.cpp does).
std::string make_temp_dir() {
    std::error_code ec;
    const fs::path base = fs::is_directory("/dev/shm", ec) && access("/dev/shm", W_OK) == 0
                              ? fs::path("/dev/shm")
                              : fs::temp_directory_path();
    std::string pattern = (base / "lifeline-fuzz-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
        fail("cannot create a temporary directory");
    return pattern;
}

void remove_db_files(const std::string& path) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"})
        fs::remove(path + suffix, ec);
}

}  // namespace

// Built in this order, destroyed in the reverse one. The database alone can be closed and
// opened again in place (reset_if_written): every store and facade refers to it, and
// building them anew would cost a password hash each time (Accounts' dummy hash).
struct World::Live {
    explicit Live(const std::string& path)
        : db(std::in_place, storage::Database::Options{path}),
          app(*db),
          services{*db,         app.crypto,   app.accounts,  app.fleet,      app.ledger,
                   app.audit,   app.settings, metrics,       app.dispatch,   app.reports,
                   db->clock(), events,       app.positions, app.calibration} {
        net::register_api(router, services);
    }
    std::optional<storage::Database> db;
    storage::SqliteServices app;
    net::Metrics metrics;
    net::EventHub events{0};
    net::Services services;
    net::Router router;
};

World& World::get() {
    static World world;
    return world;
}

World::World() : dir_(make_temp_dir()) {
    db_path_ = dir_ + "/lifeline.db";
    template_path_ = dir_ + "/seeded.db";
    open();
    seed();
    close();  // checkpoints: the seeded state is now the one file
    fs::copy_file(db_path_, template_path_);
    open();
}

World::~World() {
    close();
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

void World::open() {
    live_ = std::make_unique<Live>(db_path_);
}

void World::close() {
    live_.reset();
}

void World::reset_if_written() {
    std::error_code ec;
    const auto wal = fs::file_size(db_path_ + "-wal", ec);
    if (ec || wal == 0)
        return;  // nothing committed since the last reset
    std::unique_lock lock(mutex_);
    live_->db.reset();
    remove_db_files(db_path_);
    fs::copy_file(template_path_, db_path_);
    live_->db.emplace(storage::Database::Options{db_path_});
}

net::Response World::call(net::Request& request) {
    std::shared_lock lock(mutex_);
    return live_->router(request);
}

net::Response World::call(std::string method, std::string target, std::string body,
                          std::string_view token, std::string content_type) {
    net::Request r;
    r.method = std::move(method);
    r.path = target;
    r.target = std::move(target);
    r.body = std::move(body);
    r.remote = "127.0.0.1";
    r.headers.push_back({"Content-Type", std::move(content_type)});
    if (!token.empty())
        r.headers.push_back({"Authorization", "Bearer " + std::string(token)});
    return call(r);
}

void World::require_not_internal_error(const net::Request& request, const net::Response& r) {
    static const bool verbose = std::getenv("LIFELINE_FUZZ_VERBOSE") != nullptr;
    if (verbose)
        std::fprintf(stderr, "%s %s → %u %s\n", request.method.c_str(), request.target.c_str(),
                     r.status, r.body.c_str());
    if (r.status < 500)
        return;
    std::fprintf(stderr, "%s %s answered %u: %s\n", request.method.c_str(), request.target.c_str(),
                 r.status, r.body.c_str());
    std::abort();
}

void World::seed() {
    if (!live_->app.accounts.ensure_admin(password))
        fail("a fresh database already has an admin");
    const auto post = [this](const std::string& target, const json::object& body,
                             const std::string& token) {
        auto r = call("POST", target, json::serialize(body), token);
        if (r.status != 201 && r.status != 200)
            fail("seeding " + target + " answered " + std::to_string(r.status) + ": " + r.body);
        return json::parse(r.body).as_object();
    };
    const auto login = [&](const char* username) {
        json::object body{{"username", username}, {"password", password}};
        return std::string(post("/api/v1/auth/login", body, "").at("token").as_string());
    };
    const auto id = [](const json::object& o) { return o.at("id").to_number<std::int64_t>(); };

    tokens_.admin = login("admin");
    const auto& admin = tokens_.admin;
    ids_.center = id(post("/api/v1/places",
                          {{"name", "吉林市中心医院"},
                           {"lat", 43.845},
                           {"lon", 126.542},
                           {"kind", "dialysis_center"}},
                          admin));
    const auto driver = [&](const char* name) {
        return id(
            post("/api/v1/drivers",
                 {{"name", name},
                  {"phone", "13904321000"},
                  {"home", {{"lat", 43.83}, {"lon", 126.54}}},
                  {"shifts", json::array{{{"weekday", 1}, {"start", "06:00"}, {"end", "14:00"}},
                                         {{"weekday", 2}, {"start", "06:00"}, {"end", "14:00"}}}}},
                 admin));
    };
    ids_.driver1 = driver("王建国");
    ids_.driver2 = driver("李红梅");
    const auto vehicle = [&](const char* plate, std::int64_t driver_id) {
        return id(
            post("/api/v1/vehicles",
                 {{"plate", plate}, {"seats", 4}, {"driver_id", driver_id}, {"odometer_km", 1000}},
                 admin));
    };
    ids_.vehicle1 = vehicle("吉B·A0001", ids_.driver1);
    ids_.vehicle2 = vehicle("吉B·A0002", ids_.driver2);
    ids_.patient = id(post("/api/v1/patients",
                           {{"name", "孙秀英"},
                            {"phone", "15843212000"},
                            {"lat", 43.88},
                            {"lon", 126.58},
                            {"mobility", "ambulatory"},
                            {"center_id", ids_.center}},
                           admin));
    post("/api/v1/users",
         {{"username", "dispatcher"}, {"password", password}, {"role", "dispatcher"}}, admin);
    post("/api/v1/users",
         {{"username", "driver1"},
          {"password", password},
          {"role", "driver"},
          {"driver_id", ids_.driver1}},
         admin);
    post("/api/v1/users",
         {{"username", "driver2"},
          {"password", password},
          {"role", "driver"},
          {"driver_id", ids_.driver2}},
         admin);
    tokens_.dispatcher = login("dispatcher");
    tokens_.driver1 = login("driver1");
    tokens_.driver2 = login("driver2");

    // Privacy by dispatch: driver1 logs the patient's ride only once dispatch has put the
    // patient on driver1's route that day, and driver2 may ride them the day after.
    for (auto [date, vehicle_id] :
         {std::pair{"2022-03-14", ids_.vehicle1}, std::pair{"2022-03-15", ids_.vehicle2}}) {
        const auto request = id(post("/api/v1/requests",
                                     {{"patient_id", ids_.patient},
                                      {"direction", "to_center"},
                                      {"arrive_by", std::string(date) + "T07:30:00+08:00"}},
                                     admin));
        post("/api/v1/requests/" + std::to_string(request) + "/assign",
             {{"vehicle_id", vehicle_id}}, admin);
    }

    ids_.finished_trip =
        id(post("/api/v1/trips",
                {{"vehicle_id", ids_.vehicle1},
                 {"started_at", "2022-03-14T06:30:00+08:00"},
                 {"ended_at", "2022-03-14T08:10:00+08:00"},
                 {"odometer_start", 1000},
                 {"odometer_end", 1042.5},
                 {"rides", json::array{{{"patient_id", ids_.patient},
                                        {"picked_up_at", "2022-03-14T06:50:00+08:00"},
                                        {"dropped_off_at", "2022-03-14T07:20:00+08:00"},
                                        {"outcome", "completed"}}}}},
                tokens_.driver1));
    ids_.open_trip = id(post("/api/v1/trips",
                             {{"vehicle_id", ids_.vehicle2},
                              {"started_at", "2022-03-15T06:30:00+08:00"},
                              {"odometer_start", 1000}},
                             tokens_.driver2));
}

}  // namespace lifeline::fuzz
