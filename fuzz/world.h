#pragma once
// The world every fuzz harness runs in: a small fleet in a fresh SQLite file and the real
// router over it (every /api/v1 route, register_api), with signed-in tokens. Whenever an
// input wrote to the database, the harness puts the file back to the seeded state, so
// every input starts from the same data and a finding reproduces from its file alone.
// (Only the count of failed sign-ins, which Accounts keeps in memory, carries over.)

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "lifeline/net/http.h"

namespace lifeline::fuzz {

struct Ids {
    std::int64_t center = 0, patient = 0;
    std::int64_t driver1 = 0, driver2 = 0;
    std::int64_t vehicle1 = 0, vehicle2 = 0;  // driver1's and driver2's
    std::int64_t finished_trip = 0;           // driver1's, on vehicle1
    std::int64_t open_trip = 0;               // driver2's, on vehicle2
};

struct Tokens {
    std::string admin, dispatcher, driver1, driver2;
};

class World {
  public:
    // Built on first use (seeding takes a second: password hashing), once per process.
    static World& get();

    // Runs one request through the router, as the server's workers do; thread-safe.
    net::Response call(net::Request& request);
    // A request with a JSON or CSV body, signed in with `token` (none when empty).
    net::Response call(std::string method, std::string target, std::string body,
                       std::string_view token, std::string content_type = "application/json");

    // Back to the seeded database if the last inputs wrote to it. Call between inputs,
    // when no request is running.
    void reset_if_written();

    const Ids& ids() const { return ids_; }
    const Tokens& tokens() const { return tokens_; }

    // Aborts (a finding) when the router answered 500: an unexpected exception, i.e. a
    // bug, since every bad input must get a 4xx naming what is wrong. With the variable
    // LIFELINE_FUZZ_VERBOSE set, prints every answer (to replay a finding).
    static void require_not_internal_error(const net::Request& request, const net::Response& r);

    ~World();

  private:
    World();
    struct Live;
    void open();
    void close();
    void seed();

    std::string dir_, db_path_, template_path_;
    std::shared_mutex mutex_;  // calls share it; a reset takes it alone
    std::unique_ptr<Live> live_;
    Ids ids_;
    Tokens tokens_;
};

}  // namespace lifeline::fuzz
