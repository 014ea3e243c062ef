#pragma once
// What stands between a flood of sign-in attempts and the password hash: a limiter that
// counts each attempt before its password is checked, and a gate that bounds how many
// password hashes run at once. Both are thread-safe and pure (times are passed in).

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "lifeline/core/time.h"

namespace lifeline {

struct SignInLimits {
    // Failures of one username from one address within `window`; then that pair waits
    // until the oldest of them leaves the window. Nobody else is affected.
    int pair_failures = 5;
    std::chrono::seconds window = std::chrono::minutes{15};
    // Failures on one username (from any address), or from one address (on any
    // username), within `window`, after which attempts on it are slowed to one per
    // `slow_interval` — never refused for longer than that. An address that has not
    // failed on a slowed username yet is not held back by the username's slowing, so
    // its real owner signs in at the first try while others guess at it.
    int slow_after = 20;
    std::chrono::seconds slow_interval{1};
};

// Why an attempt was not admitted, and for how long.
struct SignInRefusal {
    enum class Reason { none, pair, username, address } reason = Reason::none;
    std::chrono::seconds wait{0};
    explicit operator bool() const { return reason != Reason::none; }
};

// Counts sign-in failures per (username, address), per username and per address.
// admit() counts the attempt as a failure at once, before any password is checked, so
// that concurrent attempts cannot all slip past the count; succeeded() or cancelled()
// takes it back.
class SignInLimiter {
  public:
    explicit SignInLimiter(SignInLimits limits) : limits_(limits) {}

    // Admits the attempt (and counts it as a failure), or says why not and how long to
    // wait. `username` should already be case-folded.
    SignInRefusal admit(const std::string& username, const std::string& address, Instant at);
    // The admitted attempt at `at` signed in: its failure is taken back, and the pair's
    // earlier failures are forgotten.
    void succeeded(const std::string& username, const std::string& address, Instant at);
    // The admitted attempt at `at` was never judged (the server was busy): taken back.
    void cancelled(const std::string& username, const std::string& address, Instant at);

    // Keys held, for tests of the memory bound.
    std::size_t tracked() const;

  private:
    struct Track {
        std::deque<Instant> failures;  // newest last, at most the count that matters
        Instant last_admitted{};
    };
    void prune(Track& t, Instant at) const;
    void take_back(Track& t, Instant at);
    void sweep(Instant at);

    SignInLimits limits_;
    mutable std::mutex mutex_;
    std::map<std::string, Track> pairs_, users_, addresses_;
    unsigned admits_since_sweep_ = 0;
};

// A counting semaphore for password hashing (argon2id: 64 MiB and tens of ms of CPU
// each). At most `slots` hashes run at once; up to `waiting` more callers wait up to
// `max_wait` for a slot; anyone beyond that is turned away at once, so a flood never
// ties up the worker threads or the memory of the server.
class HashGate {
  public:
    HashGate(int slots, int waiting, std::chrono::milliseconds max_wait);

    class Slot {
      public:
        explicit Slot(HashGate* gate = nullptr) : gate_(gate) {}
        Slot(Slot&& o) noexcept : gate_(o.gate_) { o.gate_ = nullptr; }
        Slot& operator=(Slot&&) = delete;
        ~Slot();
        explicit operator bool() const { return gate_ != nullptr; }

      private:
        HashGate* gate_;
    };

    // A held slot, or an empty one when the gate is full and its waiting room too, or
    // no slot freed up within max_wait.
    Slot enter();

    int slots() const { return slots_; }

  private:
    void leave();

    const int slots_;
    const int waiting_;
    const std::chrono::milliseconds max_wait_;
    std::mutex mutex_;
    std::condition_variable freed_;
    int running_ = 0;
    int queued_ = 0;
};

}  // namespace lifeline
