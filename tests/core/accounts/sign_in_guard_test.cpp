// The sign-in limits (core/sign_in_guard.h) with explicit times: no test waits for a
// window to pass.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "lifeline/core/accounts/sign_in_guard.h"

using namespace lifeline;
using namespace std::chrono_literals;
using Reason = SignInRefusal::Reason;

namespace {

const Instant t0 = Instant{} + std::chrono::hours{24 * 365 * 52};

std::string addr(int i) {
    return "198.51.100." + std::to_string(i);
}

}  // namespace

TEST_CASE("a username and address pair waits after five failures — nobody else does",
          "[core][sign-in]") {
    SignInLimiter limiter({});
    for (int i = 0; i < 5; ++i)
        CHECK(!limiter.admit("admin", addr(1), t0 + std::chrono::seconds(i)));
    auto refused = limiter.admit("admin", addr(1), t0 + 10s);
    CHECK(refused.reason == Reason::pair);
    CHECK(refused.wait == 15min - 10s);  // until the oldest failure leaves the window
    SECTION("the same username from another address") {
        CHECK(!limiter.admit("admin", addr(2), t0 + 10s));
    }
    SECTION("another username from the same address") {
        CHECK(!limiter.admit("dispatcher", addr(1), t0 + 10s));
    }
    SECTION("the pair again once its oldest failure has left the window") {
        CHECK(limiter.admit("admin", addr(1), t0 + 15min - 1s));
        CHECK(!limiter.admit("admin", addr(1), t0 + 15min));
    }
}

TEST_CASE("an attempt counts before its password is judged", "[core][sign-in]") {
    // Five attempts still being checked, as from five concurrent requests: the sixth is
    // refused without waiting for any verdict.
    SignInLimiter limiter({});
    for (int i = 0; i < 5; ++i)
        REQUIRE(!limiter.admit("admin", addr(1), t0));
    CHECK(limiter.admit("admin", addr(1), t0).reason == Reason::pair);

    SECTION("a success forgets the pair's failures") {
        limiter.succeeded("admin", addr(1), t0);
        CHECK(!limiter.admit("admin", addr(1), t0 + 1s));
    }
    SECTION("an attempt never judged is taken back") {
        limiter.cancelled("admin", addr(1), t0);
        CHECK(!limiter.admit("admin", addr(1), t0 + 1s));
        CHECK(limiter.admit("admin", addr(1), t0 + 1s).reason == Reason::pair);
    }
}

TEST_CASE("a username failing from many addresses is slowed, never locked", "[core][sign-in]") {
    SignInLimiter limiter({});
    for (int i = 0; i < 30; ++i)
        REQUIRE(!limiter.admit("admin", addr(i), t0 + std::chrono::seconds(i)));
    const Instant at = t0 + 40s;
    // An address that has not failed on it yet — the real user — gets straight in.
    CHECK(!limiter.admit("admin", addr(200), at));
    // An address that has failed on it waits a second at most, however long it tries.
    auto slowed = limiter.admit("admin", addr(3), at);
    CHECK(slowed.reason == Reason::username);
    CHECK(slowed.wait == 1s);
    CHECK(!limiter.admit("admin", addr(3), at + 1s));
    // Once a second from one of 250 addresses (each under its own pair limit), for over
    // half an hour: every attempt is admitted.
    int admitted = 0;
    for (int s = 2; s < 2000; ++s)
        admitted += !limiter.admit("admin", addr(1000 + s % 250), at + std::chrono::seconds(s));
    CHECK(admitted == 1998);
}

TEST_CASE("an address failing on many usernames is slowed, never locked", "[core][sign-in]") {
    SignInLimiter limiter({});
    for (int i = 0; i < 20; ++i)
        REQUIRE(!limiter.admit("user" + std::to_string(i), addr(1), t0));
    auto slowed = limiter.admit("admin", addr(1), t0);
    CHECK(slowed.reason == Reason::address);
    CHECK(slowed.wait == 1s);
    CHECK(!limiter.admit("admin", addr(1), t0 + 1s));
    CHECK(!limiter.admit("admin", addr(2), t0 + 1s));  // other addresses are not slowed
}

TEST_CASE("the limiter forgets what has left the window", "[core][sign-in]") {
    SignInLimiter limiter({});
    for (int i = 0; i < 1000; ++i)
        REQUIRE(!limiter.admit("user" + std::to_string(i), addr(i % 250),
                               t0 + std::chrono::seconds(i)));
    CHECK(limiter.tracked() > 1000);
    for (int i = 0; i < 256; ++i)
        limiter.admit("admin", addr(1), t0 + 2h);
    CHECK(limiter.tracked() <= 3);
}

TEST_CASE("no more password hashes run at once than the gate has slots", "[core][sign-in]") {
    HashGate gate(2, 3, std::chrono::milliseconds(10000));
    std::atomic<int> running{0}, most{0}, turned_away{0}, hashed{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < 20; ++i) {
        threads.emplace_back([&] {
            while (!go)
                std::this_thread::yield();
            auto slot = gate.enter();
            if (!slot) {
                ++turned_away;
                return;
            }
            int now_running = ++running;
            int seen = most;
            while (now_running > seen && !most.compare_exchange_weak(seen, now_running)) {
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));  // "hashing"
            --running;
            ++hashed;
        });
    }
    go = true;
    for (auto& t : threads)
        t.join();
    CHECK(most <= 2);
    // Two ran and three waited their turn; the other fifteen were turned away at once.
    CHECK(hashed == 5);
    CHECK(turned_away == 15);
}

TEST_CASE("a waiter gives up when no slot frees in time", "[core][sign-in]") {
    HashGate gate(1, 4, std::chrono::milliseconds(20));
    auto held = gate.enter();
    REQUIRE(held);
    auto started = std::chrono::steady_clock::now();
    CHECK(!gate.enter());
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
}
