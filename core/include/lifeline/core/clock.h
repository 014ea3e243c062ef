#pragma once
// Where Lifeline learns the time. Nothing reads the wall clock but SystemClock: the
// facades and stores are given a Clock — the system's in production, a manual one in
// tests, one started at another instant for a rehearsal — so every rule about "now" (a
// trip not in the future, today's requests, a driver's days, a token's expiry) can be
// tested at any hour.

#include <atomic>
#include <chrono>
#include <cstdint>

#include "lifeline/core/time.h"

namespace lifeline {

class Clock {
  public:
    virtual ~Clock() = default;
    virtual Instant now() const = 0;
};

// The wall clock (UTC, whole seconds).
class SystemClock final : public Clock {
  public:
    Instant now() const override;
};

// The process's system clock.
const Clock& system_clock();

// A clock that says what it is told: it stands still until set or advanced.
class ManualClock final : public Clock {
  public:
    explicit ManualClock(Instant start) : seconds_(start.time_since_epoch().count()) {}
    Instant now() const override { return Instant{std::chrono::seconds{seconds_.load()}}; }
    void set(Instant t) { seconds_ = t.time_since_epoch().count(); }
    void advance(std::chrono::seconds by) { seconds_ += by.count(); }

  private:
    std::atomic<std::int64_t> seconds_;
};

// A clock that runs at the pace of `base` but started at `start`: a server rehearsing
// a day at its own hour (`lifeline serve --clock-start`), or a test that must not depend
// on the hour it runs.
class ShiftedClock final : public Clock {
  public:
    ShiftedClock(const Clock& base, Instant start) : base_(base), shift_(start - base.now()) {}
    Instant now() const override { return base_.now() + shift_; }

  private:
    const Clock& base_;
    std::chrono::seconds shift_;
};

}  // namespace lifeline
