#include "lifeline/core/clock.h"

namespace lifeline {

Instant SystemClock::now() const {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

const Clock& system_clock() {
    static const SystemClock clock;
    return clock;
}

}  // namespace lifeline
