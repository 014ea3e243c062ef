#pragma once
// The signed-in sessions the server has recently checked, by token digest: a bearer
// token's check costs a hash lookup instead of a read of SQLite. Correct under revocation:
// the account store drops a session or every session of a user once a write that changes
// them (logout, a password, role or driver change, a deactivation, a language) is
// committed, and each hit is checked against the instant the caller gives, so an expired
// token is refused as the database would refuse it. A lookup that read the database
// before such a drop cannot put the old state back (the epoch, below).

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "lifeline/core/model.h"

namespace lifeline::storage {

class SessionCache {
  public:
    // At most `capacity` sessions are kept; beyond that an arbitrary one of the same
    // shard makes room.
    explicit SessionCache(std::size_t capacity = 16384);

    // The user of the session `digest` if it is cached and unexpired at `at`.
    std::optional<User> find(const std::string& digest, Instant at);

    // Taken before the database is read for a miss, and given back to put().
    std::uint64_t epoch() const { return epoch_.load(std::memory_order_acquire); }
    // Keeps a session read from the database, unless something was dropped since `epoch`
    // (the read may have seen the state before that drop's commit).
    void put(std::uint64_t epoch, const std::string& digest, const User& user, Instant expires);

    void drop_session(const std::string& digest);
    void drop_user(UserId user);

    std::size_t size() const;

  private:
    struct Entry {
        User user;
        Instant expires;
    };
    struct Shard {
        mutable std::mutex mutex;
        std::unordered_map<std::string, Entry> entries;
    };
    static constexpr std::size_t shard_count = 16;

    Shard& shard_of(const std::string& digest);

    std::size_t per_shard_;
    std::atomic<std::uint64_t> epoch_{0};
    std::array<Shard, shard_count> shards_;
};

}  // namespace lifeline::storage
