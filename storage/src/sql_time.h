#pragma once
// Instants are stored as INTEGER seconds since the Unix epoch (UTC); these convert at the
// column boundary, NULL for an absent instant.

#include <chrono>
#include <cstdint>
#include <optional>

#include "lifeline/core/time.h"

namespace lifeline::storage {

inline std::int64_t secs(Instant t) {
    return t.time_since_epoch().count();
}

inline std::optional<std::int64_t> secs(const std::optional<Instant>& t) {
    if (!t)
        return std::nullopt;
    return secs(*t);
}

inline Instant instant_of(std::int64_t s) {
    return Instant{std::chrono::seconds{s}};
}

inline std::optional<Instant> instant(const std::optional<std::int64_t>& s) {
    if (!s)
        return std::nullopt;
    return instant_of(*s);
}

}  // namespace lifeline::storage
