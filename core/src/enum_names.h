#pragma once
// Wire and database names of enums: a table of (value, name) pairs per enum, and the two
// lookups every enum of the model needs.

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace lifeline::detail {

template <class E, std::size_t N>
using Names = std::array<std::pair<E, const char*>, N>;

template <class E, std::size_t N>
std::optional<E> lookup(const Names<E, N>& table, std::string_view s) {
    for (const auto& [value, name] : table)
        if (s == name)
            return value;
    return std::nullopt;
}

template <class E, std::size_t N>
const char* name_of(const Names<E, N>& table, E e) {
    for (const auto& [value, name] : table)
        if (value == e)
            return name;
    return "?";
}

}  // namespace lifeline::detail
