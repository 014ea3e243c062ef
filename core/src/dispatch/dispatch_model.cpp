#include "lifeline/core/dispatch/dispatch_model.h"

#include <algorithm>
#include <chrono>

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

namespace {

bool stop_done(StopKind kind, RequestStatus s) {
    if (s == RequestStatus::completed || s == RequestStatus::no_show)
        return true;
    return kind == StopKind::pickup && s == RequestStatus::in_progress;
}

std::int64_t minutes_after(Instant t, Instant plan) {
    return t > plan ? std::chrono::duration_cast<std::chrono::minutes>(t - plan).count() : 0;
}

}  // namespace

RouteProgress route_progress(const Route& route, const std::vector<RideRequest>& requests,
                             const std::vector<StopLog>& logged, Instant now) {
    RouteProgress p;
    p.total = int(route.stops.size());
    std::optional<std::size_t> last_done;
    for (std::size_t i = 0; i < route.stops.size(); ++i) {
        const RouteStop& stop = route.stops[i];
        auto req = std::find_if(requests.begin(), requests.end(),
                                [&](const RideRequest& r) { return r.id == stop.request_id; });
        if (req != requests.end() && stop_done(stop.kind, req->status)) {
            ++p.done;
            last_done = i;
        } else if (!p.next) {
            p.next = i;
        }
    }
    if (route.status == RouteStatus::finished)
        return p;
    if (p.next)
        p.late_min = minutes_after(now, route.stops[*p.next].eta);
    if (last_done) {
        const RouteStop& stop = route.stops[*last_done];
        for (const StopLog& log : logged)
            if (log.request_id == stop.request_id && log.kind == stop.kind)
                p.late_min = std::max(p.late_min, minutes_after(log.at, stop.eta));
    }
    return p;
}

}  // namespace lifeline
