// Signing in under attack: the limits per username and address, slowing instead of
// locking, X-Forwarded-For from trusted proxies only, a flood of failed sign-ins, and
// usernames and passwords as people type them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <thread>

#include "fixture.h"

using namespace lifeline::test;
using Headers = std::vector<std::pair<std::string, std::string>>;

namespace {

const std::string login_path = "/api/v1/auth/login";

ApiResult sign_in(Api& api, const std::string& username, const std::string& password,
                  const std::string& forwarded_for = {}) {
    Headers headers;
    if (!forwarded_for.empty())
        headers.emplace_back("X-Forwarded-For", forwarded_for);
    return api.post(login_path, json::object{{"username", username}, {"password", password}},
                    headers);
}

void check_throttled(const ApiResult& r) {
    INFO(r.text);
    REQUIRE(r.status == 429);
    CHECK(r.raw.header("Content-Type").value_or("") == "application/problem+json");
    auto retry = r.raw.header("Retry-After");
    REQUIRE(retry);
    CHECK(std::stoi(*retry) >= 1);
    CHECK(std::string(r.obj().at("detail").as_string()).find("try again in") != std::string::npos);
    CHECK(!r.obj().contains("token"));
}

// Five wrong passwords for `username` from `forwarded_for` (or the peer).
void fail_five_times(Api& api, const std::string& username, const std::string& forwarded_for) {
    for (int i = 0; i < 5; ++i) {
        INFO("attempt " << i + 1);
        CHECK(sign_in(api, username, "wrong-guess-" + std::to_string(i), forwarded_for).status ==
              401);
    }
}

// The peak resident memory of a process (VmHWM), in MiB.
double peak_rss_mib(int pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;
    }
    FAIL("no VmHWM in /proc/" << pid << "/status");
    return 0;
}

struct Flood {
    int unauthorized = 0, throttled = 0, other = 0;
    double peak_rss_mib = 0;
    std::vector<double> get_ms;  // the signed-in user's GETs while the flood ran

    double get_percentile(double p) const {
        auto v = get_ms;
        std::sort(v.begin(), v.end());
        return v.empty() ? 0 : v[std::min(v.size() - 1, std::size_t(p * double(v.size())))];
    }
};

// `n` concurrent failed sign-ins (one connection each, released together), the client
// address of the i-th from `address_of(i)`, while a signed-in dispatcher GETs places.
template <class AddressOf>
Flood flood(SeededFleet& f, int n, AddressOf address_of) {
    std::atomic<int> ready{0}, done{0}, unauthorized{0}, throttled{0}, other{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> attackers;
    for (int i = 0; i < n; ++i) {
        attackers.emplace_back([&, i] {
            HttpClient client("127.0.0.1", f.server.port());
            client.connect();
            ++ready;
            while (!go)
                std::this_thread::yield();
            Headers headers{{"Content-Type", "application/json"}};
            if (auto a = address_of(i); !a.empty())
                headers.emplace_back("X-Forwarded-For", a);
            auto r = client.request(
                "POST", login_path,
                R"({"username":"admin","password":"wrong-guess-)" + std::to_string(i) + "\"}",
                headers);
            if (r.status == 401)
                ++unauthorized;
            else if (r.status == 429 && r.header("Retry-After"))
                ++throttled;
            else
                ++other;
            ++done;
        });
    }
    while (ready < n)
        std::this_thread::yield();
    Flood out;
    go = true;
    while (done < n || out.get_ms.size() < 100) {
        auto started = std::chrono::steady_clock::now();
        auto r = f.dispatcher.get("/api/v1/places");
        out.get_ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                .count());
        CHECK(r.status == 200);
    }
    for (auto& t : attackers)
        t.join();
    out.unauthorized = unauthorized;
    out.throttled = throttled;
    out.other = other;
    out.peak_rss_mib = peak_rss_mib(f.server.pid());
    return out;
}

}  // namespace

TEST_CASE("failed sign-ins hold back one username from one address, nobody else",
          "[api][sign-in]") {
    LiveServer server(std::nullopt, {"--trust-proxy", "127.0.0.1/32"});
    Api anonymous(server);
    fail_five_times(anonymous, "admin", "198.51.100.1");
    // That pair waits, even with the right password…
    check_throttled(sign_in(anonymous, "admin", admin_password, "198.51.100.1"));
    // …but the real admin, from another address, signs in at the first try,
    CHECK(sign_in(anonymous, "admin", admin_password, "198.51.100.2").status == 200);
    // and other users behind the throttled address are not held back.
    fail_five_times(anonymous, "nobody", "198.51.100.3");
    CHECK(sign_in(anonymous, "admin", admin_password, "198.51.100.3").status == 200);
}

TEST_CASE("failures on a username from many addresses never lock it", "[api][sign-in]") {
    LiveServer server(std::nullopt, {"--trust-proxy", "127.0.0.1/32"});
    Api anonymous(server);
    for (int i = 0; i < 30; ++i)
        REQUIRE(
            sign_in(anonymous, "ADMIN", "wrong-guess", "203.0.113." + std::to_string(i)).status ==
            401);
    auto real = sign_in(anonymous, "admin", admin_password, "192.0.2.80");
    INFO(real.text);
    CHECK(real.status == 200);
}

TEST_CASE("X-Forwarded-For counts only from a trusted proxy", "[api][sign-in]") {
    SECTION("from an untrusted peer the header is ignored") {
        // The peer, 127.0.0.1, is outside the trusted network.
        LiveServer server(std::nullopt, {"--trust-proxy", "10.0.0.0/8"});
        Api anonymous(server);
        fail_five_times(anonymous, "admin", "198.51.100.1");
        // Another forwarded address changes nothing: this is still the same client.
        check_throttled(sign_in(anonymous, "admin", admin_password, "198.51.100.2"));
    }
    SECTION("from a trusted proxy the right-most untrusted address is the client") {
        LiveServer server(std::nullopt,
                          {"--trust-proxy", "127.0.0.0/8", "--trust-proxy", "10.0.0.0/8"});
        Api anonymous(server);
        // A client's own claim on the left is not believed: the proxies appended the
        // real address, 198.51.100.1, and one more trusted hop, 10.1.2.3.
        fail_five_times(anonymous, "admin", "192.0.2.99, 198.51.100.1, 10.1.2.3");
        check_throttled(sign_in(anonymous, "admin", admin_password, "192.0.2.7, 198.51.100.1"));
        CHECK(sign_in(anonymous, "admin", admin_password, "198.51.100.1, 192.0.2.99").status ==
              200);
    }
}

TEST_CASE("concurrent failed sign-ins are counted before any password is checked",
          "[api][sign-in]") {
    // Before: 33 of 64 concurrent failures were checked instead of 5.
    SeededFleet f;
    auto result = flood(f, 64, [](int) { return std::string(); });
    CHECK(result.unauthorized == 5);
    CHECK(result.throttled == 59);
    CHECK(result.other == 0);
}

TEST_CASE("a flood of failed sign-ins leaves memory and signed-in users alone",
          "[api][sign-in][flood]") {
    SECTION("200 at once from one address") {
        SeededFleet f;
        auto r = flood(f, 200, [](int) { return std::string(); });
        WARN("peak RSS " << r.peak_rss_mib << " MiB; GET p50 " << r.get_percentile(0.5)
                         << " ms, p99 " << r.get_percentile(0.99) << " ms over "
                         << r.get_ms.size());
        CHECK(r.unauthorized == 5);
        CHECK(r.throttled == 195);
        if (!sanitized_build) {
            CHECK(r.peak_rss_mib <= 300);
            CHECK(r.get_percentile(0.99) <= 100);
        }
    }
    SECTION("200 at once from 200 addresses behind a trusted proxy") {
        // Every attempt passes the limits, so only the hash gate stands in the way.
        SeededFleet f{{"--trust-proxy", "127.0.0.1/32"}};
        auto r = flood(f, 200, [](int i) {
            return "198.51." + std::to_string(i / 250) + "." + std::to_string(i % 250);
        });
        WARN("peak RSS " << r.peak_rss_mib << " MiB; GET p50 " << r.get_percentile(0.5)
                         << " ms, p99 " << r.get_percentile(0.99) << " ms over " << r.get_ms.size()
                         << "; 401: " << r.unauthorized << ", 429: " << r.throttled);
        CHECK(r.unauthorized + r.throttled == 200);
        CHECK(r.throttled > 0);
        if (!sanitized_build) {
            CHECK(r.peak_rss_mib <= 300);
            CHECK(r.get_percentile(0.99) <= 100);
        }
    }
}

TEST_CASE("usernames are one regardless of case", "[api][sign-in][accounts]") {
    SeededFleet f;
    auto clash = f.admin.post("/api/v1/users", json::object{{"username", "Dispatcher"},
                                                            {"password", user_password},
                                                            {"role", "dispatcher"}});
    INFO(clash.text);
    CHECK(clash.status == 409);
    CHECK(clash.error_fields() == std::vector<std::string>{"username"});
    CHECK(clash.text.find("'dispatcher'") != std::string::npos);

    Api anonymous(f.server);
    auto in = sign_in(anonymous, "DisPatcher", user_password);
    INFO(in.text);
    REQUIRE(in.status == 200);
    CHECK(in.obj().at("user").at("username") == "dispatcher");
}

TEST_CASE("easily guessed passwords are refused with advice", "[api][sign-in][accounts]") {
    SeededFleet f;
    const auto users_before = f.admin.get("/api/v1/users").body;
    struct Case {
        const char* what;
        std::string username, password;
    };
    for (const auto& c : {Case{"only spaces", "coordinator", "          "},
                          Case{"the username", "coordinator", "COORDINATOR"},
                          Case{"a dictionary word", "coordinator", "sunshine1"},
                          Case{"a simple pattern", "coordinator", "12345678"}}) {
        INFO(c.what);
        auto r = f.admin.post("/api/v1/users", json::object{{"username", c.username},
                                                            {"password", c.password},
                                                            {"role", "dispatcher"}});
        INFO(r.text);
        CHECK(r.status == 422);
        CHECK(r.raw.header("Content-Type").value_or("") == "application/problem+json");
        CHECK(r.error_fields() == std::vector<std::string>{"password"});
        CHECK(std::string(r.obj().at("errors").at(0).at("message").as_string()).find("; ") !=
              std::string::npos);  // what is wrong; what to do instead
    }
    CHECK(f.admin.get("/api/v1/users").body == users_before);

    auto user = f.admin.get("/api/v1/users").obj().at("items").at(1).at("id").as_int64();
    auto patched = f.admin.patch("/api/v1/users/" + std::to_string(user),
                                 json::object{{"password", "password"}});
    CHECK(patched.status == 422);
    CHECK(patched.error_fields() == std::vector<std::string>{"password"});
    // The old password still signs in.
    CHECK(Api::login(f.server, "dispatcher", user_password).get("/api/v1/auth/me").status == 200);
}

TEST_CASE("the server refuses an easily guessed admin password at start-up",
          "[api][sign-in][cli]") {
    lifeline::testing::TempDir dir;
    auto [status, out] =
        run_lifeline({"serve", "--db", dir.file("x.db"), "--listen", "127.0.0.1:0"},
                     {"LIFELINE_ADMIN_PASSWORD=password1"});
    INFO(out);
    CHECK(status == 1);
    CHECK(out.find("LIFELINE_ADMIN_PASSWORD") != std::string::npos);
    CHECK(out.find("too easy to guess") != std::string::npos);
}

TEST_CASE("serve refuses a --trust-proxy that is not a network", "[api][sign-in][cli]") {
    lifeline::testing::TempDir dir;
    auto [status, out] = run_lifeline({"serve", "--db", dir.file("x.db"), "--listen", "127.0.0.1:0",
                                       "--trust-proxy", "10.0.0.0/33"},
                                      {"LIFELINE_ADMIN_PASSWORD=admin-secret-1"});
    INFO(out);
    CHECK(status == 1);
    CHECK(out.find("--trust-proxy: '10.0.0.0/33' is not an address or a network") !=
          std::string::npos);
}
