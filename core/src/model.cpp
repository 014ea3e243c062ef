#include "lifeline/core/model.h"

#include "enum_names.h"

namespace lifeline {
namespace {

using detail::lookup;
using detail::name_of;
using detail::Names;

constexpr Names<PlaceKind, 4> place_kinds{{
    {PlaceKind::dialysis_center, "dialysis_center"},
    {PlaceKind::hospital, "hospital"},
    {PlaceKind::home, "home"},
    {PlaceKind::other, "other"},
}};
constexpr Names<Mobility, 2> mobilities{{
    {Mobility::ambulatory, "ambulatory"},
    {Mobility::wheelchair, "wheelchair"},
}};
constexpr Names<Role, 3> roles{{
    {Role::admin, "admin"},
    {Role::dispatcher, "dispatcher"},
    {Role::driver, "driver"},
}};
constexpr Names<RideOutcome, 4> outcomes{{
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
