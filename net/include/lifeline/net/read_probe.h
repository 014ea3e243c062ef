#pragma once
// A health probe's proof that a resource answers, bought at most once per interval.

#include <atomic>
#include <chrono>
#include <functional>
#include <utility>

namespace lifeline::net {

// Proves a resource (the database, for GET /healthz) answers by running `read`, at most
// once per `interval`: a monitor's probes, or a flood of them, cost the resource nothing
// more than that. A read that throws is not remembered: check() throws (the probe answers
// 500) and the next check() reads again.
class ReadProbe {
  public:
    ReadProbe(std::function<void()> read, std::chrono::milliseconds interval)
        : read_(std::move(read)), interval_(interval) {}

    void check() {
        const auto now = std::chrono::steady_clock::now();
        if (now < next_read_.load(std::memory_order_relaxed))
            return;
        read_();
        next_read_.store(now + interval_, std::memory_order_relaxed);
    }

  private:
    std::function<void()> read_;
    std::chrono::milliseconds interval_;
    // The clock's epoch until the first read succeeds: due at once.
    std::atomic<std::chrono::steady_clock::time_point> next_read_{};
};

}  // namespace lifeline::net
