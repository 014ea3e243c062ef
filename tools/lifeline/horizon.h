#pragma once
// Keeps a week of requests ahead: at start-up and after each local midnight, expands
// the patients' schedules into the requests of today and the next six days through
// Dispatch::generate (idempotent, so a restart costs nothing).

#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include "lifeline/core/clock.h"
#include "lifeline/core/dispatch/dispatch.h"
#include "lifeline/core/settings.h"

namespace lifeline::cli {

class ScheduleHorizon {
  public:
    ScheduleHorizon(Dispatch& dispatch, SettingsService& settings, const Clock& clock, int days = 7)
        : dispatch_(dispatch), settings_(settings), clock_(clock), days_(days), thread_([this] {
              run();
          }) {}

    ~ScheduleHorizon() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }

    ScheduleHorizon(const ScheduleHorizon&) = delete;
    ScheduleHorizon& operator=(const ScheduleHorizon&) = delete;

  private:
    void run() {
        const Actor system{0, "schedule", Role::admin, std::nullopt};
        Instant wake;
        for (;;) {
            try {
                const LocalDate today = dispatch_.today();
                const LocalDate last{std::chrono::sys_days{today} + std::chrono::days{days_ - 1}};
                dispatch_.generate(system, today, last);
                const auto* zone = find_zone(settings_.get().time_zone);
                const LocalDate tomorrow{std::chrono::sys_days{today} + std::chrono::days{1}};
                // A minute past midnight, so the new local date has surely begun.
                wake = local_midnight(tomorrow, zone) + std::chrono::minutes{1};
            } catch (const std::exception& e) {
                std::cerr << "lifeline: generating the week's requests failed: " << e.what()
                          << "\n";
                wake = clock_.now() + std::chrono::minutes{5};
            }
            std::unique_lock lock(mutex_);
            // The server's clock may run from another instant than the wall clock's: wait
            // for the time left on it.
            if (cv_.wait_for(lock, wake - clock_.now(), [this] { return stopping_; }))
                return;
        }
    }

    Dispatch& dispatch_;
    SettingsService& settings_;
    const Clock& clock_;
    int days_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;  // last: starts once everything above is ready
};

}  // namespace lifeline::cli
