#include "lifeline/core/dispatch/dispatch_model.h"

#include "enum_names.h"

namespace lifeline {
namespace {

using detail::lookup;
using detail::name_of;
using detail::Names;

constexpr Names<Direction, 3> directions{{
    {Direction::to_center, "to_center"},
    {Direction::home, "home"},
    {Direction::other, "other"},
}};
constexpr Names<RequestStatus, 7> statuses{{
    {RequestStatus::pending, "pending"},
    {RequestStatus::scheduled, "scheduled"},
    {RequestStatus::in_progress, "in_progress"},
    {RequestStatus::completed, "completed"},
    {RequestStatus::no_show, "no_show"},
    {RequestStatus::cancelled, "cancelled"},
    {RequestStatus::unserved, "unserved"},
}};
constexpr Names<CancelReason, 5> cancel_reasons{{
    {CancelReason::patient, "patient"},
    {CancelReason::late_cancel, "late_cancel"},
    {CancelReason::holiday, "holiday"},
    {CancelReason::weather, "weather"},
    {CancelReason::other, "other"},
}};
constexpr Names<RequestSource, 2> sources{{
    {RequestSource::schedule, "schedule"},
    {RequestSource::manual, "manual"},
}};
constexpr Names<RouteStatus, 3> route_statuses{{
    {RouteStatus::planned, "planned"},
    {RouteStatus::started, "started"},
    {RouteStatus::finished, "finished"},
}};
constexpr Names<StopKind, 2> stop_kinds{{
    {StopKind::pickup, "pickup"},
    {StopKind::dropoff, "dropoff"},
}};

}  // namespace

const char* to_string(Direction d) {
    return name_of(directions, d);
}
const char* to_string(RequestStatus s) {
    return name_of(statuses, s);
}
const char* to_string(CancelReason r) {
    return name_of(cancel_reasons, r);
}
const char* to_string(RequestSource s) {
    return name_of(sources, s);
}
const char* to_string(RouteStatus s) {
    return name_of(route_statuses, s);
}
const char* to_string(StopKind k) {
    return name_of(stop_kinds, k);
}
std::optional<Direction> direction_from(std::string_view s) {
    return lookup(directions, s);
}
std::optional<RequestStatus> request_status_from(std::string_view s) {
    return lookup(statuses, s);
}
std::optional<CancelReason> cancel_reason_from(std::string_view s) {
    return lookup(cancel_reasons, s);
}
std::optional<RequestSource> request_source_from(std::string_view s) {
    return lookup(sources, s);
}
std::optional<RouteStatus> route_status_from(std::string_view s) {
    return lookup(route_statuses, s);
}
std::optional<StopKind> stop_kind_from(std::string_view s) {
    return lookup(stop_kinds, s);
}

ServiceDays driver_patient_days(LocalDate first, LocalDate last) {
    using std::chrono::days;
    using std::chrono::sys_days;
    return {LocalDate{sys_days{first} - days{1}}, LocalDate{sys_days{last} + days{1}}};
}

}  // namespace lifeline
