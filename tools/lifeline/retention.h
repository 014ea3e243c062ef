#pragma once
// Deletes live positions past the organisation's retention period (the setting
// position_retention_days): at start-up and every hour after, on the server's clock.

#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include "lifeline/core/ledger/positions.h"

namespace lifeline::cli {

class PositionRetention {
  public:
    explicit PositionRetention(Positions& positions)
        : positions_(positions), thread_([this] { run(); }) {}

    ~PositionRetention() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }

    PositionRetention(const PositionRetention&) = delete;
    PositionRetention& operator=(const PositionRetention&) = delete;

  private:
    void run() {
        for (;;) {
            try {
                positions_.purge();
            } catch (const std::exception& e) {
                std::cerr << "lifeline: deleting old positions failed: " << e.what() << "\n";
            }
            std::unique_lock lock(mutex_);
            if (cv_.wait_for(lock, std::chrono::hours{1}, [this] { return stopping_; }))
                return;
        }
    }

    Positions& positions_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;  // last: starts once everything above is ready
};

}  // namespace lifeline::cli
