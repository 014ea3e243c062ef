// A bearer token is checked from memory once the server has read it; every way a session
// ends must still take effect on the very next request: logout, a new password, a new
// role, a deactivated account. (Expiry is checked on each use against the server's clock:
// tests/storage/sessions_test.cpp, which can move the clock.) Each token is used first,
// so that it is the remembered check that must refuse it.

#include <catch2/catch.hpp>

#include "fixture.h"

using namespace lifeline::test;

namespace {

struct SignedIn {
    std::int64_t user_id = 0;
    Api api;
};

SignedIn dispatcher_signed_in(const LiveServer& server, Api& admin, const std::string& name) {
    auto created = require_created(admin.post(
        "/api/v1/users",
        json::object{{"username", name}, {"password", user_password}, {"role", "dispatcher"}}));
    SignedIn s{created.id(), Api::login(server, name, user_password)};
    // Both kinds of read: one answered on the I/O thread (a vehicle), one on a worker.
    REQUIRE(s.api.get("/api/v1/vehicles/999999").status == 404);
    REQUIRE(s.api.get("/api/v1/auth/me").status == 200);
    return s;
}

void check_refused_at_once(Api& api) {
    auto quick = api.get("/api/v1/vehicles/999999");
    INFO(quick.text);
    CHECK(quick.status == 401);
    auto me = api.get("/api/v1/auth/me");
    INFO(me.text);
    CHECK(me.status == 401);
    CHECK(me.raw.header("Content-Type").value_or("") == "application/problem+json");
}

}  // namespace

TEST_CASE("a used token is refused on the very next request once its session ends", "[api][auth]") {
    LiveServer server(std::nullopt, {"--clock-start", rehearsal});
    Api admin = Api::login(server, "admin", admin_password);
    SECTION("logout") {
        auto s = dispatcher_signed_in(server, admin, "logout.wang");
        REQUIRE(s.api.post("/api/v1/auth/logout", json::object{}).status == 204);
        check_refused_at_once(s.api);
    }
    SECTION("a new password") {
        auto s = dispatcher_signed_in(server, admin, "password.wang");
        auto r = admin.patch("/api/v1/users/" + std::to_string(s.user_id),
                             json::object{{"password", "Another-Orchid-Lantern-77"}});
        INFO(r.text);
        REQUIRE(r.status == 200);
        check_refused_at_once(s.api);
    }
    SECTION("a new role") {
        auto s = dispatcher_signed_in(server, admin, "role.wang");
        auto r = admin.patch("/api/v1/users/" + std::to_string(s.user_id),
                             json::object{{"role", "admin"}});
        INFO(r.text);
        REQUIRE(r.status == 200);
        check_refused_at_once(s.api);
    }
    SECTION("deactivated") {
        auto s = dispatcher_signed_in(server, admin, "off.wang");
        auto r = admin.patch("/api/v1/users/" + std::to_string(s.user_id),
                             json::object{{"active", false}});
        INFO(r.text);
        REQUIRE(r.status == 200);
        check_refused_at_once(s.api);
    }
}

TEST_CASE("a refused change of an account leaves its sessions signed in", "[api][auth]") {
    LiveServer server(std::nullopt, {"--clock-start", rehearsal});
    Api admin = Api::login(server, "admin", admin_password);
    auto s = dispatcher_signed_in(server, admin, "kept.wang");
    // A weak password is refused: nothing is written, the session goes on.
    auto r = admin.patch("/api/v1/users/" + std::to_string(s.user_id),
                         json::object{{"password", "password"}});
    INFO(r.text);
    REQUIRE(r.status == 422);
    CHECK(s.api.get("/api/v1/auth/me").status == 200);
    CHECK(s.api.get("/api/v1/vehicles/999999").status == 404);
}
