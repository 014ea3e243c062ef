// Bearer tokens are checked from memory once read (storage/src/session_cache.h); these
// tests hold the cache to the database's answer: every way a session ends takes effect
// on the very next check, cached or not.

#include <catch2/catch.hpp>

#include "lifeline/core/errors.h"
#include "lifeline/storage/database.h"
#include "lifeline/storage/services.h"
#include "temp_dir.h"

using namespace lifeline;
using namespace lifeline::storage;
using lifeline::testing::TempDir;

namespace {

constexpr const char* password = "Qv7-orchid-Lantern-52";

struct SessionsFixture {
    TempDir dir;
    ManualClock clock{*parse_instant("2022-03-14T09:30:00+08:00")};
    Database db{{dir.file("sessions.db"), 256, 64, &clock}};
    SqliteServices app{db};
    Actor admin;

    SessionsFixture() {
        app.accounts.ensure_admin(password);
        admin = app.accounts.authenticate(app.accounts.login("admin", password, "10.0.0.1").token);
    }

    // A dispatcher signed in, their token checked once (so it is cached).
    std::pair<User, std::string> signed_in_dispatcher() {
        User u = app.accounts.create(admin, {"wang.dispatch", password, Role::dispatcher, {}});
        std::string token = app.accounts.login("wang.dispatch", password, "10.0.0.2").token;
        REQUIRE(app.accounts.authenticate(token).user_id == u.id);
        return {u, token};
    }
};

bool refused(Accounts& accounts, const std::string& token) {
    try {
        accounts.authenticate(token);
        return false;
    } catch (const Error& e) {
        return e.kind() == ErrorKind::unauthorized;
    }
}

}  // namespace

TEST_CASE("a checked token is refused from the instant it expires", "[storage][sessions]") {
    SessionsFixture f;
    auto [user, token] = f.signed_in_dispatcher();
    f.clock.advance(std::chrono::hours{24 * 30} - std::chrono::seconds{1});
    CHECK(f.app.accounts.authenticate(token).user_id == user.id);
    f.clock.advance(std::chrono::seconds{1});
    CHECK(refused(f.app.accounts, token));
    CHECK(refused(f.app.accounts, token));  // and stays refused
}

TEST_CASE("a checked token is refused on the next check after each way a session ends",
          "[storage][sessions]") {
    SessionsFixture f;
    auto [user, token] = f.signed_in_dispatcher();
    const UserId id = user.id;
    SECTION("logout") {
        f.app.accounts.logout(token);
    }
    SECTION("a new password") {
        UserPatch p;
        p.password = "Another-Orchid-Lantern-77";
        f.app.accounts.update(f.admin, id, p);
    }
    SECTION("a new role") {
        UserPatch p;
        p.role = Role::admin;
        f.app.accounts.update(f.admin, id, p);
    }
    SECTION("deactivated") {
        UserPatch p;
        p.active = false;
        f.app.accounts.update(f.admin, id, p);
    }
    CHECK(refused(f.app.accounts, token));
}

TEST_CASE("another session of the same account lives on after a logout", "[storage][sessions]") {
    SessionsFixture f;
    auto [user, token] = f.signed_in_dispatcher();
    std::string phone = f.app.accounts.login("wang.dispatch", password, "10.0.0.3").token;
    REQUIRE(f.app.accounts.authenticate(phone).user_id == user.id);
    f.app.accounts.logout(token);
    CHECK(refused(f.app.accounts, token));
    CHECK(f.app.accounts.authenticate(phone).user_id == user.id);
}

TEST_CASE("a change the session does not end is seen on the next check", "[storage][sessions]") {
    SessionsFixture f;
    auto [user, token] = f.signed_in_dispatcher();
    // Re-activating an active account revokes nothing but rewrites the account: the
    // cached account is read again, still a dispatcher.
    UserPatch p;
    p.active = true;
    f.app.accounts.update(f.admin, user.id, p);
    Actor a = f.app.accounts.authenticate(token);
    CHECK(a.role == Role::dispatcher);
    CHECK(a.username == "wang.dispatch");
}
