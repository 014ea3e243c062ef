#pragma once
// Text as people count it: limits on names, reasons and notes are in characters
// (Unicode code points), never bytes, so a Chinese name gets the same room as a Latin one.

#include <cstddef>
#include <optional>
#include <string_view>

namespace lifeline {

// The length in Unicode code points, or nullopt if `s` is not well-formed UTF-8
// (overlong forms, surrogates and code points above U+10FFFF are refused).
std::optional<std::size_t> utf8_length(std::string_view s);

// Whether `s` is well-formed UTF-8 of at most `max` code points.
inline bool fits(std::string_view s, std::size_t max) {
    auto n = utf8_length(s);
    return n && *n <= max;
}

}  // namespace lifeline
