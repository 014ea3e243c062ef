// The disk under the database fills up (a small tmpfs, when the tests run as root): the
// server stays up, answers writes 507 problem+json with Retry-After, keeps answering
// reads, loses nothing it acknowledged, and takes the same requests again once there is
// room, each exactly once thanks to its Idempotency-Key.
#include <catch2/catch.hpp>

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "fixture.h"

using namespace lifeline::test;

namespace {

// A tmpfs of `size` mounted on a fresh folder, unmounted at scope end.
class SmallDisk {
  public:
    explicit SmallDisk(const char* size) {
        ok_ = ::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0,
                      (std::string("size=") + size).c_str()) == 0;
        if (!ok_)
            why_ = std::strerror(errno);
    }
    ~SmallDisk() {
        if (ok_)
            ::umount2(dir_.path().c_str(), MNT_DETACH);
    }
    bool mounted() const { return ok_; }
    const std::string& why() const { return why_; }
    std::string file(const std::string& name) const { return dir_.file(name); }

  private:
    lifeline::testing::TempDir dir_;
    bool ok_ = false;
    std::string why_;
};

// Writes a file until the disk refuses another byte.
void fill(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f);
    std::setvbuf(f, nullptr, _IONBF, 0);
    std::vector<char> block(1 << 16, 'f');
    for (std::size_t size = block.size(); size > 0; size /= 2)
        while (std::fwrite(block.data(), 1, size, f) == size) {
        }
    std::fclose(f);
}

json::object trip_body(std::int64_t vehicle, std::int64_t driver, std::int64_t patient,
                       double odometer) {
    auto body = SeededFleet::whole_trip(vehicle, odometer, odometer + 10, patient);
    body["driver_id"] = driver;
    return body;
}

std::int64_t trip_count(Api& api) {
    std::int64_t n = 0;
    std::string cursor;
    for (;;) {
        auto r = api.get("/api/v1/trips?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor));
        REQUIRE(r.status == 200);
        n += std::int64_t(r.obj().at("items").as_array().size());
        if (r.obj().at("next_cursor").is_null())
            return n;
        cursor = std::string(r.obj().at("next_cursor").as_string());
    }
}

}  // namespace

TEST_CASE("a full disk answers 507 with Retry-After, loses nothing and recovers",
          "[api][durability][disk-full]") {
    if (::geteuid() != 0) {
        WARN(
            "not root: the full-disk test needs to mount a tmpfs (the storage tests cover the "
            "same rules with a fault-injecting VFS)");
        return;
    }
    SmallDisk disk("8m");
    if (!disk.mounted()) {
        WARN("cannot mount a tmpfs here (" << disk.why() << "); skipped");
        return;
    }
    const std::string db = disk.file("lifeline.db");
    std::int64_t acknowledged = 0;
    std::string refused_key;
    json::object refused_body;
    {
        LiveServer server(db);
        Api admin = Api::login(server, "admin", admin_password);
        const auto driver =
            require_created(admin.post("/api/v1/drivers",
                                       json::object{{"name", "赵磊"},
                                                    {"home", {{"lat", 43.8}, {"lon", 126.5}}}}))
                .id();
        const auto patient =
            require_created(
                admin.post("/api/v1/patients",
                           json::object{{"name", "沈玉兰"}, {"lat", 43.81}, {"lon", 126.55}}))
                .id();
        const auto vehicle =
            require_created(
                admin.post("/api/v1/vehicles", json::object{{"plate", "吉B·D0001"}, {"seats", 4}}))
                .id();

        fill(disk.file("filler"));
        double odometer = 0;
        ApiResult full;
        for (int i = 0; i < 3000 && full.status != 507; ++i) {
            const std::string key = "trip-" + std::to_string(i);
            auto body = trip_body(vehicle, driver, patient, odometer);
            auto r = admin.post("/api/v1/trips", body, {{"Idempotency-Key", key}});
            if (r.status == 201) {
                ++acknowledged;
                odometer += 10;
            } else {
                INFO(r.text);
                REQUIRE(r.status == 507);
                full = r;
                refused_key = key;
                refused_body = body;
            }
        }
        INFO(full.text);
        REQUIRE(full.status == 507);
        CHECK(full.raw.header("Content-Type") == "application/problem+json");
        CHECK(full.raw.header("Retry-After") == "60");
        CHECK(full.obj().at("detail").as_string().find("disk is full") != std::string::npos);
        CHECK(full.obj().at("code") == "problem.storage_full");
        // In Chinese too, with the same code (the same request, refused again).
        auto zh = admin.send("POST", "/api/v1/trips", json::serialize(refused_body),
                             {{"Idempotency-Key", refused_key}, {"Accept-Language", "zh-CN"}});
        INFO(zh.text);
        CHECK(zh.status == 507);
        CHECK(zh.obj().at("code") == "problem.storage_full");
        CHECK(zh.obj().at("detail").as_string().find("磁盘已满") != std::string::npos);

        // Still up: health, reads and sign-in checks answer; the refused trip is not there.
        CHECK(Api(server).get("/healthz").status == 200);
        CHECK(trip_count(admin) == acknowledged);
        // The same request again while the disk is still full: refused again, not lost.
        CHECK(
            admin.post("/api/v1/trips", refused_body, {{"Idempotency-Key", refused_key}}).status ==
            507);

        // Room again: the refused request goes through once, an acknowledged one replays.
        std::filesystem::remove(disk.file("filler"));
        auto retried =
            admin.post("/api/v1/trips", refused_body, {{"Idempotency-Key", refused_key}});
        INFO(retried.text);
        REQUIRE(retried.status == 201);
        CHECK(!retried.raw.header("Idempotent-Replayed"));
        ++acknowledged;
        auto replay = admin.post("/api/v1/trips", trip_body(vehicle, driver, patient, 0),
                                 {{"Idempotency-Key", "trip-0"}});
        CHECK(replay.status == 201);
        CHECK(replay.raw.header("Idempotent-Replayed") == "true");
        CHECK(trip_count(admin) == acknowledged);
        CHECK(server.stop() == 0);
    }
    // Everything acknowledged is in the file after a restart.
    LiveServer again(db);
    Api admin = Api::login(again, "admin", admin_password);
    CHECK(trip_count(admin) == acknowledged);
    again.stop();
}
