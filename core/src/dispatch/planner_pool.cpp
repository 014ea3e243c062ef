// The planner pool: at most N day-plan searches at once. A search holds a core for up to
// its whole time limit; without a bound, a few dispatchers planning together would take
// every core from the requests the server is answering meanwhile.
#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "dispatch_internal.h"
#include "lifeline/core/dispatch/dispatch.h"

namespace lifeline {

class PlannerPool {
  public:
    explicit PlannerPool(int size) : free_(size) {}

    void acquire() {
        std::unique_lock lock(mutex_);
        freed_.wait(lock, [this] { return free_ > 0; });
        --free_;
    }
    void release() {
        {
            std::lock_guard lock(mutex_);
            ++free_;
        }
        freed_.notify_one();
    }

  private:
    std::mutex mutex_;
    std::condition_variable freed_;
    int free_;
};

std::shared_ptr<PlannerPool> make_planner_pool(int planners) {
    if (planners <= 0)
        planners = std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2));
    return std::make_shared<PlannerPool>(planners);
}

namespace dispatch_detail {

PlannerTurn::PlannerTurn(PlannerPool& pool) : pool_(pool) {
    const auto asked = std::chrono::steady_clock::now();
    pool_.acquire();
    waited_ms_ =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - asked).count();
}

PlannerTurn::~PlannerTurn() {
    pool_.release();
}

}  // namespace dispatch_detail
}  // namespace lifeline
