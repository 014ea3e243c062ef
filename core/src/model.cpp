#include "lifeline/core/model.h"

#include <array>
#include <utility>

namespace lifeline {
namespace {

template <class E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<E, const char*>, N>& table, std::string_view s) {
    for (const auto& [value, name] : table)
        if (s == name)
            return value;
    return std::nullopt;
}

template <class E, std::size_t N>
const char* name_of(const std::array<std::pair<E, const char*>, N>& table, E e) {
    for (const auto& [value, name] : table)
        if (value == e)
            return name;
    return "?";
}

constexpr std::array<std::pair<PlaceKind, const char*>, 4> place_kinds{{
    {PlaceKind::dialysis_center, "dialysis_center"},
    {PlaceKind::hospital, "hospital"},
    {PlaceKind::home, "home"},
    {PlaceKind::other, "other"},
}};
constexpr std::array<std::pair<Mobility, const char*>, 2> mobilities{{
    {Mobility::ambulatory, "ambulatory"},
    {Mobility::wheelchair, "wheelchair"},
}};
constexpr std::array<std::pair<Role, const char*>, 3> roles{{
    {Role::admin, "admin"},
    {Role::dispatcher, "dispatcher"},
    {Role::driver, "driver"},
}};
constexpr std::array<std::pair<RideOutcome, const char*>, 4> outcomes{{
    {RideOutcome::aboard, "aboard"},
    {RideOutcome::completed, "completed"},
    {RideOutcome::no_show, "no_show"},
    {RideOutcome::cancelled, "cancelled"},
}};

}  // namespace

const char* to_string(PlaceKind k) {
    return name_of(place_kinds, k);
}
const char* to_string(Mobility m) {
    return name_of(mobilities, m);
}
const char* to_string(Role r) {
    return name_of(roles, r);
}
const char* to_string(RideOutcome o) {
    return name_of(outcomes, o);
}
std::optional<PlaceKind> place_kind_from(std::string_view s) {
    return lookup(place_kinds, s);
}
std::optional<Mobility> mobility_from(std::string_view s) {
    return lookup(mobilities, s);
}
std::optional<Role> role_from(std::string_view s) {
    return lookup(roles, s);
}
std::optional<RideOutcome> ride_outcome_from(std::string_view s) {
    return lookup(outcomes, s);
}

}  // namespace lifeline
