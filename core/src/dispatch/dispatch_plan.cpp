// Dispatch: a day mapped to the matching engine (docs/design.md §5), day plans, real-time
// insertion (assign, will-call ready) and the drivers' manifests.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "dispatch_internal.h"
#include "lifeline/core/dispatch/dispatch.h"
#include "lifeline/core/geo.h"

namespace lifeline {

using namespace dispatch_detail;

namespace {

constexpr match::Time minute_ms = 60'000;
// Windows that a request leaves open reach this far past midnight: any shift ends before.
constexpr match::Time open_end = 48 * 60 * minute_ms;

// Calls the matching engine. Dispatch builds every problem from validated data, so an
// engine refusal (match::Error) is a bug of ours, never the caller's input: internal.
template <class Call>
auto engine(Call&& call) -> decltype(call()) {
    try {
        return call();
    } catch (const match::Error& e) {
        std::string what =
            std::string("the matching engine refused dispatch's problem: ") + e.what();
        for (const std::string& reason : e.reasons())
            what += "; " + reason;
        throw Error::internal(what);
    }
}

bool covers(const Absence& a, LocalDate d) {
    return a.from <= d && d <= a.to;
}

}  // namespace

std::optional<ShiftSpan> shift_on(const Driver& driver, LocalDate date) {
    if (!driver.active)
        return std::nullopt;
    for (const Absence& a : driver.absences)
        if (covers(a, date))
            return std::nullopt;
    std::optional<ShiftSpan> span;
    const unsigned weekday = iso_weekday(date);
    for (const Shift& s : driver.shifts) {
        if (s.weekday != weekday)
            continue;
        // A split shift is one span: the engine keeps a vehicle to one route a day.
        if (!span)
            span = ShiftSpan{s.start, s.end};
        span->start = std::min(span->start, s.start);
        span->end = std::max(span->end, s.end);
    }
    return span;
}

Instant DayProblem::at(match::Time t) const {
    return origin + std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::milliseconds{(t + 500) / 1000 * 1000});
}

match::Time DayProblem::tick(Instant t) const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t - origin).count();
}

DayProblem map_day(const DayInputs& in) {
    DayProblem dp;
    dp.origin = local_midnight(in.date, in.zone);
    const MatcherDefaults& m = in.matcher;
    const match::Time service = match::Time(m.service_minutes) * minute_ms;
    std::vector<GeoPoint> points;

    struct OnShift {
        const Driver* driver;
        const Vehicle* vehicle;
        ShiftSpan span;
    };
    std::vector<OnShift> on_shift;
    std::vector<const Vehicle*> vehicles;
    for (const Vehicle& v : in.vehicles)
        if (v.active)
            vehicles.push_back(&v);
    std::sort(vehicles.begin(), vehicles.end(),
              [](const Vehicle* a, const Vehicle* b) { return a->id < b->id; });
    for (const Driver& d : in.drivers) {
        auto span = shift_on(d, in.date);
        if (!span)
            continue;
        // A shift already over plans nothing (one that ends before it starts is the
        // engine's to refuse).
        if (in.vehicles_from && span->start < span->end &&
            local_instant(in.date, span->end, in.zone) <= *in.vehicles_from)
            continue;
        auto v = std::find_if(vehicles.begin(), vehicles.end(),
                              [&](const Vehicle* x) { return x->driver_id == d.id; });
        if (v == vehicles.end())
            continue;  // a volunteer without a car drives nobody
        on_shift.push_back({&d, *v, *span});
        points.push_back(d.home);
    }

    std::vector<const RideRequest*> requests;
    for (const RideRequest& r : in.requests) {
        if (r.will_call())
            continue;
        requests.push_back(&r);
        points.push_back(r.pickup.location);
        points.push_back(r.dropoff.location);
    }
    auto travel =
        std::make_shared<GreatCircleTravel>(std::move(points), m.detour_factor, m.speed_kmh);
    dp.problem.travel = travel;

    match::LocationId loc = 0;
    for (const OnShift& s : on_shift) {
        match::Vehicle v;
        v.start = v.end = loc++;
        v.capacity = {s.vehicle->seats,
                      s.driver->wheelchair_trained ? s.vehicle->wheelchair_spaces : 0};
        v.shift_start = dp.tick(local_instant(in.date, s.span.start, in.zone));
        v.shift_end = dp.tick(local_instant(in.date, s.span.end, in.zone));
        if (in.vehicles_from)  // nobody leaves in the past
            v.shift_start = std::max(v.shift_start, dp.tick(*in.vehicles_from));
        v.max_duration = v.shift_end - v.shift_start;
        dp.problem.vehicles.push_back(v);
        dp.vehicles.push_back({s.driver->id, s.vehicle->id});
    }

    const match::Time early = match::Time(m.early_tolerance_minutes) * minute_ms;
    const match::Time late = match::Time(m.late_tolerance_minutes) * minute_ms;
    const match::Time min_ride = match::Time(m.min_ride_minutes) * minute_ms;
    for (const RideRequest* r : requests) {
        match::Request q;
        q.pickup = {loc, 0, open_end, service};
        q.dropoff = {loc + 1, 0, open_end, service};
        loc += 2;
        if (r->ready_at) {
            q.pickup.earliest = dp.tick(*r->ready_at);
            q.pickup.latest = q.pickup.earliest + late;
        }
        if (r->arrive_by) {
            q.dropoff.latest = dp.tick(*r->arrive_by);
            q.dropoff.earliest = q.dropoff.latest - early;
        }
        q.pickup.earliest = std::max<match::Time>(0, q.pickup.earliest);
        q.dropoff.earliest = std::max<match::Time>(0, q.dropoff.earliest);
        if (q.pickup.latest < q.pickup.earliest || q.dropoff.latest < q.dropoff.earliest ||
            q.dropoff.latest > open_end || q.pickup.latest > open_end) {
            dp.invalid.push_back(r->id);
            continue;
        }
        const int seats = std::max(0, r->passengers - (r->wheelchair ? 1 : 0));
        q.load = {seats, r->wheelchair ? 1 : 0};
        const match::Time direct = travel->time(q.pickup.location, q.dropoff.location);
        if (in.not_before) {
            // The latest the pickup can be and still reach the drop-off in time.
            const match::Time nb = dp.tick(*in.not_before);
            const match::Time latest_pickup =
                std::min(q.pickup.latest, q.dropoff.latest - direct - q.pickup.service);
            if (latest_pickup >= nb)
                q.pickup.earliest = std::max(q.pickup.earliest, nb);
            else if (in.lead_exempt.count(r->id))
                dp.held.push_back(r->id);
            else {
                dp.too_soon.push_back(r->id);
                continue;
            }
        }
        q.max_ride =
            std::max(min_ride, match::Time(std::ceil(m.ride_time_factor * double(direct))));
        auto p = in.patients.find(r->patient_id);
        q.ride_alone = p != in.patients.end() && p->second.ride_alone;
        dp.problem.requests.push_back(q);
        dp.request_ids.push_back(r->id);
    }
    return dp;
}

Message describe_message(match::UnservedReason reason) {
    return msg("unserved." + std::string(match::to_string(reason)));
}

std::string describe(match::UnservedReason reason) {
    return describe_message(reason).text;
}

namespace {

std::int64_t minutes_of(match::Time ms) {
    return std::int64_t((ms + minute_ms - 1) / minute_ms);
}

bool done(const RideRequest& r, StopKind kind) {
    if (r.status == RequestStatus::completed || r.status == RequestStatus::no_show)
        return true;
    return kind == StopKind::pickup && r.status == RequestStatus::in_progress;
}

// A route as the engine sees it: its stops in the day's request indices.
struct Mapped {
    match::Route route;
    bool ok = true;
};

// The planned or refreshed stops and times of engine route `er` as a Route.
void fill_route(const DayProblem& dp, const match::Route& er, Route& out) {
    const auto& travel = *dp.problem.travel;
    const match::Vehicle& v = dp.problem.vehicles[std::size_t(er.vehicle)];
    out.stops.clear();
    match::Distance dist = 0;
    match::LocationId at = v.start;
    for (std::size_t i = 0; i < er.stops.size(); ++i) {
        const auto& s = er.stops[i];
        const auto& q = dp.problem.requests[std::size_t(s.request)];
        const match::LocationId here = s.pickup ? q.pickup.location : q.dropoff.location;
        dist += travel.distance(at, here);
        at = here;
        RouteStop stop;
        stop.request_id = dp.request_ids[std::size_t(s.request)];
        stop.kind = s.pickup ? StopKind::pickup : StopKind::dropoff;
        stop.eta = dp.at(i < er.service_start.size() ? er.service_start[i] : 0);
        out.stops.push_back(stop);
    }
    dist += travel.distance(at, v.end);
    out.planned_km = double(dist) / 1000.0;
    if (!er.stops.empty() && er.service_start.size() == er.stops.size()) {
        const auto& first = dp.problem.requests[std::size_t(er.stops.front().request)];
        const auto& last = er.stops.back();
        const auto& lq = dp.problem.requests[std::size_t(last.request)];
        const match::LocationId first_loc =
            er.stops.front().pickup ? first.pickup.location : first.dropoff.location;
        const match::LocationId last_loc = last.pickup ? lq.pickup.location : lq.dropoff.location;
        const match::Place& last_place = last.pickup ? lq.pickup : lq.dropoff;
        out.starts_at = dp.at(er.service_start.front() - travel.time(v.start, first_loc));
        out.ends_at =
            dp.at(er.service_start.back() + last_place.service + travel.time(last_loc, v.end));
    }
}

void require_checked(const match::Problem& problem, const match::Solution& solution) {
    const match::CheckReport report = match::check(problem, solution);
    if (report.ok())
        return;
    std::string what = "the matching engine's plan failed its independent check: ";
    what += std::string(match::to_string(report.violations.front().kind)) + " (" +
            report.violations.front().detail + ")";
    throw Error::internal(what);
}

struct DayData {
    std::vector<Route> routes;
    std::vector<RideRequest> requests;
    std::vector<Driver> drivers;
    std::vector<Vehicle> vehicles;
    std::map<PatientId, Patient> patients;
};

DayData load_day(DispatchTx& tx, LocalDate date) {
    DayData d;
    d.routes = tx.routes_of_day(date);
    d.requests = tx.requests_of_day(date);
    d.drivers = tx.active_drivers();
    d.vehicles = tx.active_vehicles();
    for (const auto& r : d.requests)
        if (!d.patients.count(r.patient_id))
            if (auto p = tx.patient(r.patient_id))
                d.patients.emplace(r.patient_id, *p);
    return d;
}

std::set<RouteId> frozen_ids(const std::vector<Route>& routes) {
    std::set<RouteId> ids;
    for (const auto& r : routes)
        if (r.status != RouteStatus::planned)
            ids.insert(r.id);
    return ids;
}

}  // namespace

DayPlan Dispatch::plan_day(const Actor& actor, LocalDate date, const PlanOptions& options) {
    return save_day(actor, draft_day(actor, date, options));
}

namespace {

// Routes the plan leaves as they are: started and finished ones, and the planned routes
// of a vehicle already out on one (requests assigned to it by hand after it left).
struct Kept {
    std::set<RequestId> requests;
    std::set<VehicleId> vehicles;
};

Kept keep_routes(const DayData& day, DayPlanDraft& draft) {
    Kept kept;
    for (const Route& r : day.routes)
        if (r.status != RouteStatus::planned)
            kept.vehicles.insert(r.vehicle_id);
    for (const Route& r : day.routes) {
        if (!kept.vehicles.count(r.vehicle_id))
            continue;
        draft.plan.routes.push_back(r);
        if (r.status == RouteStatus::planned)
            draft.kept_planned.insert(r.id);
        for (const auto& s : r.stops)
            kept.requests.insert(s.request_id);
    }
    draft.plan.stats.frozen_routes = int(draft.plan.routes.size() - draft.kept_planned.size());
    return kept;
}

// The problem as one vehicle sees it: insert() offers every vehicle an empty route, so the
// others are given no room.
class OnlyVehicle {
  public:
    explicit OnlyVehicle(const match::Problem& p) : base_(p) {}
    const match::Problem& operator()(match::VehicleIndex k) {
        auto it = views_.find(k);
        if (it == views_.end()) {
            match::Problem view = base_;
            for (std::size_t v = 0; v < view.vehicles.size(); ++v)
                if (match::VehicleIndex(v) != k)
                    view.vehicles[v].capacity = {0, 0};
            it = views_.emplace(k, std::move(view)).first;
        }
        return it->second;
    }

  private:
    const match::Problem& base_;
    std::map<match::VehicleIndex, match::Problem> views_;
};

// Inserts request `r` into `route`, of its vehicle only.
bool insert_into(OnlyVehicle& only, match::Route& route, match::RequestIndex r,
                 match::UnservedReason* why = nullptr) {
    match::Solution one;
    one.routes.push_back(route);
    const match::Problem& problem = only(route.vehicle);
    const match::Insertion ins = engine([&] { return match::insert(problem, one, r); });
    const bool ok = ins.inserted && ins.route == 0;
    if (ok)
        route = std::move(one.routes.front());
    else if (why)
        *why = ins.reason;
    return ok;
}

struct FixedOutcome {
    match::Solution solution;
    std::vector<Unassigned> broken;  // fixed requests their vehicle cannot take
};

// The fixed requests on their vehicles first, each in its time order.
void place_fixed(const DayProblem& dp, const std::map<RequestId, VehicleId>& fixed,
                 OnlyVehicle& only, FixedOutcome& out, std::set<match::RequestIndex>& placed) {
    const auto& p = dp.problem;
    std::vector<match::RequestIndex> order;
    for (std::size_t i = 0; i < dp.request_ids.size(); ++i)
        if (fixed.count(dp.request_ids[i]))
            order.push_back(match::RequestIndex(i));
    std::sort(order.begin(), order.end(), [&](auto a, auto b) {
        const auto& qa = p.requests[std::size_t(a)];
        const auto& qb = p.requests[std::size_t(b)];
        return std::pair(qa.pickup.earliest, qa.dropoff.latest) <
               std::pair(qb.pickup.earliest, qb.dropoff.latest);
    });
    for (match::RequestIndex r : order) {
        const RequestId id = dp.request_ids[std::size_t(r)];
        const VehicleId vehicle = fixed.at(id);
        auto k = std::find_if(dp.vehicles.begin(), dp.vehicles.end(),
                              [&](const DayVehicle& v) { return v.vehicle_id == vehicle; });
        if (k == dp.vehicles.end()) {
            out.broken.emplace_back(id, "pin_not_honoured",
                                    msg("unserved.pin_no_driver", {{"vehicle", vehicle}}));
            continue;
        }
        match::UnservedReason why = match::UnservedReason::fleet_full;
        if (insert_into(only, out.solution.routes[std::size_t(k - dp.vehicles.begin())], r, &why))
            placed.insert(r);
        else
            out.broken.emplace_back(id, "pin_not_honoured",
                                    wrap("unserved.pin_refused", "why",
                                         msg("unserved." + std::string(match::to_string(why)),
                                             {{"vehicle", vehicle}})));
    }
}

// Plans the day around requests fixed to a vehicle (pinned by hand, or too soon to move):
// they go on their vehicle first; the engine plans the others over the whole fleet; its
// routes are then laid over the fixed stops, and what no longer fits goes wherever it
// fits best, else stays unserved. No fixed request moves to another vehicle.
FixedOutcome solve_around(const DayProblem& dp, const std::map<RequestId, VehicleId>& fixed,
                          const match::SolveOptions& so, match::SolveStats& ss) {
    const auto& p = dp.problem;
    FixedOutcome out;
    for (std::size_t k = 0; k < p.vehicles.size(); ++k)
        out.solution.routes.push_back(match::Route{match::VehicleIndex(k), {}, 0, {}});
    std::set<match::RequestIndex> placed;
    OnlyVehicle only(p);
    place_fixed(dp, fixed, only, out, placed);

    match::Problem rest = p;
    rest.requests.clear();
    std::vector<match::RequestIndex> to_full;
    for (std::size_t i = 0; i < p.requests.size(); ++i)
        if (!fixed.count(dp.request_ids[i])) {
            rest.requests.push_back(p.requests[i]);
            to_full.push_back(match::RequestIndex(i));
        }
    std::vector<match::RequestIndex> leftovers;
    if (!rest.requests.empty()) {
        const match::Solution sol = match::solve(rest, so, &ss);
        for (const auto& u : sol.unserved)
            out.solution.unserved.push_back({to_full[std::size_t(u.request)], u.reason});
        for (const match::Route& er : sol.routes)
            for (const match::Stop& s : er.stops) {
                const match::RequestIndex r = to_full[std::size_t(s.request)];
                if (s.pickup && !insert_into(only, out.solution.routes[std::size_t(er.vehicle)], r))
                    leftovers.push_back(r);
            }
    }
    for (match::RequestIndex r : leftovers)
        engine([&] { return match::insert(p, out.solution, r); });
    for (const Unassigned& b : out.broken)
        for (std::size_t i = 0; i < dp.request_ids.size(); ++i)
            if (dp.request_ids[i] == b.request_id)
                out.solution.unserved.push_back(
                    {match::RequestIndex(i), match::UnservedReason::fleet_full});
    return out;
}

Message too_soon_reason(Instant not_before, const date::time_zone* zone, int lead) {
    return msg("unserved.too_soon",
               {{"time", format_clock(local_clock(not_before, zone))}, {"lead", lead}});
}

// Searches the day's plan (one turn of the planner pool) around the pinned requests.
void solve_day(const DayProblem& dp, const std::map<RequestId, VehicleId>& fixed,
               std::int64_t limit, const PlanOptions& options, match::Objective objective,
               PlannerPool& planners, DayPlanDraft& draft) {
    DayPlan& plan = draft.plan;
    match::Solution solution;
    if (dp.problem.vehicles.empty()) {
        for (RequestId id : dp.request_ids)
            plan.unassigned.push_back(
                fixed.count(id)
                    ? Unassigned{id, "pin_not_honoured", msg("unserved.pin_no_vehicle")}
                    : Unassigned{id, "no_vehicle_on_shift", msg("unserved.no_vehicle_on_shift")});
    } else if (!dp.problem.requests.empty()) {
        match::SolveOptions so;
        so.time_limit_ms = limit;
        so.seed = options.seed;
        so.max_iterations = options.max_iterations;
        so.until_converged = options.until_converged;
        so.objective = objective;
        match::SolveStats ss;
        std::set<RequestId> broken;
        {
            PlannerTurn turn(planners);
            plan.stats.queued_ms = turn.waited_ms();
            if (fixed.empty()) {
                solution = engine([&] { return match::solve(dp.problem, so, &ss); });
            } else {
                FixedOutcome out = engine([&] { return solve_around(dp, fixed, so, ss); });
                solution = std::move(out.solution);
                for (Unassigned& b : out.broken) {
                    broken.insert(b.request_id);
                    plan.unassigned.push_back(std::move(b));
                }
            }
        }
        plan.stats.iterations = ss.iterations;
        plan.stats.solve_ms = ss.seconds * 1000.0;
        plan.stats.converged = ss.converged;
        require_checked(dp.problem, solution);
        plan.stats.checked = true;
        for (const auto& u : solution.unserved)
            if (!broken.count(dp.request_ids[std::size_t(u.request)]))
                plan.unassigned.emplace_back(dp.request_ids[std::size_t(u.request)],
                                             std::string(match::to_string(u.reason)),
                                             describe_message(u.reason));
    } else {
        plan.stats.checked = true;  // nothing to plan: the empty plan is trivially valid
    }

    for (const match::Route& er : solution.routes) {
        if (er.stops.empty())
            continue;
        Route r;
        r.service_date = plan.date;
        r.vehicle_id = dp.vehicles[std::size_t(er.vehicle)].vehicle_id;
        r.driver_id = dp.vehicles[std::size_t(er.vehicle)].driver_id;
        fill_route(dp, er, r);
        draft.fresh.push_back(std::move(r));
    }
}

}  // namespace

DayPlanDraft Dispatch::draft_day(const Actor& actor, LocalDate date, const PlanOptions& options) {
    require_dispatcher(actor);
    const Settings settings = settings_.get();
    const std::int64_t limit = options.time_limit_ms.value_or(settings.matcher.time_limit_ms);
    if (limit < 0 || limit > limits_.max_time_limit_ms)
        throw_invalid_field(
            "time_limit_ms",
            msg("plan.time_limit", {{"max", std::int64_t(limits_.max_time_limit_ms)}}));
    DayData day = store_.read([&](DispatchTx& tx) { return load_day(tx, date); });

    DayPlanDraft draft;
    DayPlan& plan = draft.plan;
    plan.date = date;
    const Kept kept = keep_routes(day, draft);

    DayInputs in;
    in.date = date;
    in.zone = find_zone(settings.time_zone);
    in.matcher = settings.matcher;
    in.drivers = day.drivers;
    in.patients = day.patients;
    const Instant now = clock_.now();
    if (local_date(now, in.zone) == date) {
        in.vehicles_from = now;
        in.not_before = now + std::chrono::minutes{settings.matcher.plan_lead_minutes};
    }
    // A vehicle out on its route is not planned again.
    for (const Vehicle& v : day.vehicles)
        if (!kept.vehicles.count(v.id))
            in.vehicles.push_back(v);
    std::map<RequestId, VehicleId> on_route;
    for (const Route& r : day.routes)
        for (const auto& s : r.stops)
            on_route[s.request_id] = r.vehicle_id;
    std::map<RequestId, VehicleId> fixed;
    for (const RideRequest& r : day.requests) {
        if (!r.open() || kept.requests.count(r.id))
            continue;
        if (r.will_call()) {
            ++plan.stats.will_call;
            plan.unassigned.emplace_back(r.id, "will_call", msg("unserved.will_call"));
            continue;
        }
        if (r.pinned_vehicle) {
            fixed[r.id] = *r.pinned_vehicle;
            ++plan.stats.pinned;
        }
        if (r.pinned_vehicle || on_route.count(r.id))
            in.lead_exempt.insert(r.id);
        in.requests.push_back(r);
    }
    DayProblem dp = map_day(in);
    for (RequestId id : dp.held)
        if (!fixed.count(id))
            fixed[id] = on_route.at(id);
    plan.stats.vehicles = int(dp.problem.vehicles.size());
    plan.stats.requests = int(dp.problem.requests.size());
    for (RequestId id : dp.invalid)
        plan.unassigned.push_back(
            {id, "invalid_request", describe_message(match::UnservedReason::invalid_request)});
    for (RequestId id : dp.too_soon)
        plan.unassigned.push_back(
            {id, "too_soon",
             too_soon_reason(*in.not_before, in.zone, settings.matcher.plan_lead_minutes)});
    plan.stats.too_soon = int(dp.too_soon.size());
    const match::Objective objective = settings.matcher.objective == "vehicles"
                                           ? match::Objective::vehicles
                                           : match::Objective::distance;
    solve_day(dp, fixed, limit, options, objective, *planners_, draft);
    draft.frozen_before = frozen_ids(day.routes);
    return draft;
}

DayPlan Dispatch::save_day(const Actor& actor, DayPlanDraft draft) {
    require_dispatcher(actor);
    DayPlan& plan = draft.plan;
    std::vector<Route>& fresh = draft.fresh;
    const LocalDate date = plan.date;
    store_.transact([&](DispatchTx& tx) {
        std::vector<Route> now_routes = tx.routes_of_day(date);
        if (frozen_ids(now_routes) != draft.frozen_before)
            throw_conflict(msg("dispatch.route_started"));
        for (const Route& r : now_routes)
            if (r.status == RouteStatus::planned && !draft.kept_planned.count(r.id))
                tx.delete_route(r.id);
        for (Route& r : fresh) {
            for (const auto& s : r.stops) {
                if (s.kind != StopKind::pickup)
                    continue;
                auto q = tx.request(s.request_id);
                if (!q || !q->open())
                    throw_conflict(msg("dispatch.request_changed", {{"id", s.request_id}}));
                q->status = RequestStatus::scheduled;
                q->unserved_reason.clear();
                tx.update_request(*q);
            }
            r.id = tx.insert_route(r);
        }
        for (const Unassigned& u : plan.unassigned) {
            if (u.code == "will_call")
                continue;
            auto q = tx.request(u.request_id);
            if (!q || !q->open())
                continue;
            q->status = RequestStatus::unserved;
            q->unserved_reason = u.reason;
            tx.update_request(*q);
        }
    });
    for (const Route& r : fresh)
        plan.stats.assigned += int(r.stops.size() / 2);
    for (Route& r : fresh)
        plan.routes.push_back(std::move(r));
    std::sort(plan.routes.begin(), plan.routes.end(),
              [](const Route& a, const Route& b) { return a.id < b.id; });
    for (const Route& r : plan.routes)
        plan.stats.planned_km += r.planned_km;
    plan.stats.routes = int(plan.routes.size());
    plan.stats.unassigned = int(plan.unassigned.size()) - plan.stats.will_call;
    return plan;
}

std::vector<Route> Dispatch::routes(const Actor& actor, LocalDate date) {
    require_dispatcher(actor);
    return store_.read([&](DispatchTx& tx) { return tx.routes_of_day(date); });
}

// ---- real-time insertion ------------------------------------------------------------

namespace {

struct Live {
    DayProblem dp;
    match::Solution solution;
    std::vector<Route> routes;  // by engine vehicle index; id 0 when the vehicle has none
    match::RequestIndex target = -1;
    LocalDate date{};
};

// The day's live plan: the routes of vehicles on shift with their stops (the ones
// already served pinned as started), plus `target`.
Live live_plan(DispatchTx& tx, const Settings& settings, const RideRequest& target,
               std::vector<Driver> drivers, std::vector<Vehicle> vehicles) {
    const LocalDate date = target.service_date;
    std::vector<Route> routes = tx.routes_of_day(date);
    DayInputs in;
    in.date = date;
    in.zone = find_zone(settings.time_zone);
    in.matcher = settings.matcher;
    in.drivers = std::move(drivers);
    in.vehicles = std::move(vehicles);

    // Which vehicles are on shift decides which routes take part.
    DayInputs probe = in;
    DayProblem vehicles_only = map_day(probe);
    std::map<VehicleId, match::VehicleIndex> engine_vehicle;
    for (std::size_t k = 0; k < vehicles_only.vehicles.size(); ++k)
        engine_vehicle[vehicles_only.vehicles[k].vehicle_id] = match::VehicleIndex(k);

    std::map<RequestId, RideRequest> requests;
    std::vector<const Route*> taking_part;
    for (const Route& r : routes) {
        if (!engine_vehicle.count(r.vehicle_id) || r.status == RouteStatus::finished)
            continue;
        taking_part.push_back(&r);
        for (const auto& s : r.stops)
            if (!requests.count(s.request_id))
                if (auto q = tx.request(s.request_id))
                    requests.emplace(s.request_id, *q);
    }
    for (auto& [id, q] : requests) {
        in.requests.push_back(q);
        if (auto p = tx.patient(q.patient_id))
            in.patients.emplace(q.patient_id, *p);
    }
    in.requests.push_back(target);
    if (auto p = tx.patient(target.patient_id))
        in.patients.emplace(target.patient_id, *p);

    Live live;
    live.date = date;
    live.dp = map_day(in);
    std::map<RequestId, match::RequestIndex> index;
    for (std::size_t i = 0; i < live.dp.request_ids.size(); ++i)
        index[live.dp.request_ids[i]] = match::RequestIndex(i);
    if (!index.count(target.id))
        throw_unprocessable(msg("dispatch.times_invalid"),
                            {{"id", describe_message(match::UnservedReason::invalid_request)}});
    live.target = index[target.id];
    live.routes.resize(live.dp.vehicles.size());
    for (const Route* r : taking_part) {
        const match::VehicleIndex k = engine_vehicle[r->vehicle_id];
        match::Route er;
        er.vehicle = k;
        bool prefix = true;
        for (const auto& s : r->stops) {
            auto it = index.find(s.request_id);
            if (it == index.end())
                continue;
            er.stops.push_back({it->second, s.kind == StopKind::pickup});
            if (prefix && done(requests.at(s.request_id), s.kind))
                ++er.started;
            else
                prefix = false;
        }
        live.routes[std::size_t(k)] = *r;
        live.solution.routes.push_back(std::move(er));
    }
    return live;
}

// Writes the route of engine vehicle `k` after an insertion.
Route save_route(DispatchTx& tx, Live& live, std::size_t route_index) {
    const match::Route& er = live.solution.routes[route_index];
    const std::size_t k = std::size_t(er.vehicle);
    Route r = live.routes[k];
    if (r.id == 0) {
        r.service_date = live.date;
        r.vehicle_id = live.dp.vehicles[k].vehicle_id;
        r.driver_id = live.dp.vehicles[k].driver_id;
    }
    fill_route(live.dp, er, r);
    if (r.id == 0)
        r.id = tx.insert_route(r);
    else
        tx.update_route(r);
    return r;
}

// Why `vehicle` cannot take the request, in the words of docs/design.md §4's examples.
Message explain(const Live& live, std::size_t k, match::UnservedReason engine_reason) {
    const auto& p = live.dp.problem;
    const auto& q = p.requests[std::size_t(live.target)];
    const auto& v = p.vehicles[k];
    const auto& t = *p.travel;
    auto lateness = [&](match::Time pickup_start, match::Time dropoff_start) -> Message {
        if (dropoff_start > q.dropoff.latest)
            return msg("assign.arrives_late",
                       {{"minutes", minutes_of(dropoff_start - q.dropoff.latest)}});
        if (pickup_start > q.pickup.latest)
            return msg("assign.picks_up_late",
                       {{"minutes", minutes_of(pickup_start - q.pickup.latest)}});
        return {};
    };
    if (engine_reason != match::UnservedReason::fleet_full) {
        if (engine_reason == match::UnservedReason::window_unreachable) {
            const match::Time pick =
                std::max(v.shift_start + t.time(v.start, q.pickup.location), q.pickup.earliest);
            const match::Time drop =
                std::max(pick + q.pickup.service + t.time(q.pickup.location, q.dropoff.location),
                         q.dropoff.earliest);
            auto why = lateness(pick, drop);
            if (!why.code.empty())
                return why;
            return msg("assign.after_shift");
        }
        return describe_message(engine_reason);
    }
    // It fits the vehicle alone: where would it go if lateness were allowed?
    match::Problem relaxed = p;
    auto& rq = relaxed.requests[std::size_t(live.target)];
    rq.pickup.latest = open_end;
    rq.dropoff.latest = open_end;
    match::Solution trial = live.solution;
    const auto ins = engine([&] { return match::insert(relaxed, trial, live.target); });
    if (ins.inserted) {
        const auto& er = trial.routes[ins.route];
        auto why =
            lateness(er.service_start[ins.pickup_index], er.service_start[ins.dropoff_index]);
        if (!why.code.empty())
            return why;
    }
    bool alone = q.ride_alone;
    for (const auto& er : live.solution.routes)
        for (const auto& s : er.stops)
            alone = alone || p.requests[std::size_t(s.request)].ride_alone;
    if (alone)
        return msg("assign.ride_alone");
    return msg("assign.vehicle_full");
}

}  // namespace

namespace {

// Inserts `req` into the live plan. When it fits nowhere: `refuse_unplaced` answers 409
// with the reason (nothing written), else the request is recorded as unserved.
Assignment insert_live(DispatchTx& tx, const Settings& settings, RideRequest req,
                       std::optional<VehicleId> forced, bool refuse_unplaced, Instant now) {
    Assignment out;
    Message why;  // why it fits nowhere
    detach(tx, req);
    std::vector<Driver> drivers = tx.active_drivers();
    std::vector<Vehicle> vehicles = tx.active_vehicles();
    if (forced) {
        auto v = tx.vehicle(*forced);
        if (!v || !v->active)
            throw_unprocessable(msg("dispatch.no_such_vehicle"),
                                {{"vehicle_id", v ? msg("vehicle.deactivated")
                                                  : msg("vehicle.not_found", {{"id", *forced}})}});
        // The driver of the vehicle's route that day, else its default driver.
        std::optional<DriverId> driver_id = v->driver_id;
        for (const Route& r : tx.routes_of_day(req.service_date))
            if (r.vehicle_id == *forced)
                driver_id = r.driver_id;
        auto refuse = [](const Message& why) {
            throw_conflict(wrap("dispatch.vehicle_refused", "why", why), {{"vehicle_id", why}});
        };
        if (!driver_id)
            refuse(msg("assign.no_driver"));
        auto driver = tx.driver(*driver_id);
        if (!driver || !shift_on(*driver, req.service_date))
            refuse(msg("assign.off_shift"));
        if (req.wheelchair && v->wheelchair_spaces == 0)
            refuse(msg("assign.no_wheelchair_space"));
        if (req.wheelchair && !driver->wheelchair_trained)
            refuse(msg("assign.not_wheelchair_trained"));
        if (req.passengers - (req.wheelchair ? 1 : 0) > v->seats)
            refuse(msg("assign.not_enough_seats"));
        Vehicle only = *v;
        only.driver_id = driver->id;
        drivers = {*driver};
        vehicles = {only};
        Live live = live_plan(tx, settings, req, drivers, vehicles);
        if (live.solution.routes.empty())
            live.solution.routes.push_back(match::Route{0, {}, 0, {}});
        const match::Insertion ins =
            engine([&] { return match::insert(live.dp.problem, live.solution, live.target); });
        if (!ins.inserted)
            refuse(explain(live, 0, ins.reason));
        require_checked(live.dp.problem, live.solution);
        out.route = save_route(tx, live, ins.route);
    } else {
        Live live = live_plan(tx, settings, req, drivers, vehicles);
        if (live.dp.problem.vehicles.empty()) {
            why = msg("unserved.no_vehicle_on_shift");
        } else {
            const match::Insertion ins =
                engine([&] { return match::insert(live.dp.problem, live.solution, live.target); });
            if (ins.inserted) {
                require_checked(live.dp.problem, live.solution);
                out.route = save_route(tx, live, ins.route);
            } else {
                why = describe_message(ins.reason);
            }
        }
    }
    out.assigned = out.route.has_value();
    if (!out.assigned && refuse_unplaced)
        throw_conflict(wrap("dispatch.no_route_fits", "why", why), {{"id", why}});
    out.reason = out.assigned ? "" : why.text;
    if (!out.assigned)
        out.why = why;
    req.status = out.assigned ? RequestStatus::scheduled : RequestStatus::unserved;
    req.unserved_reason = out.assigned ? "" : out.reason;
    req.updated_at = now;
    tx.update_request(req);
    out.request = req;
    return out;
}

}  // namespace

Assignment Dispatch::assign(const Actor& actor, RequestId id, std::optional<VehicleId> vehicle) {
    require_dispatcher(actor);
    const Settings settings = settings_.get();
    return store_.transact([&](DispatchTx& tx) {
        auto req = tx.request(id);
        if (!req)
            throw_not_found(request_text(id));
        refuse_cancelled(*req);
        if (!req->open())
            throw_conflict(
                msg("request.status_is", {term("status", std::string(to_string(req->status)))}),
                {{"status", msg("request.status_field",
                                {term("status", std::string(to_string(req->status)))})}});
        if (req->will_call())
            throw_conflict(msg("request.will_call_not_ready"),
                           {{"ready_at", msg("request.ready_unknown")}});
        Assignment out = insert_live(tx, settings, *req, vehicle, true, clock_.now());
        // The dispatcher's decision stands: plans keep it on this vehicle until unpinned.
        out.request.pinned_vehicle = out.route->vehicle_id;
        tx.update_request(out.request);
        return out;
    });
}

RideRequest Dispatch::unpin(const Actor& actor, RequestId id) {
    require_dispatcher(actor);
    return store_.transact([&](DispatchTx& tx) {
        auto req = tx.request(id);
        if (!req)
            throw_not_found(request_text(id));
        if (!req->pinned_vehicle)
            throw_conflict(msg("request.not_pinned"),
                           {{"pinned", msg("request.not_pinned_field")}});
        req->pinned_vehicle.reset();
        req->updated_at = clock_.now();
        tx.update_request(*req);
        return *req;
    });
}

namespace {

Message absence_text(const Absence& a) {
    if (a.to == a.from)
        return msg("unserved.driver_absent_day", {{"date", format_date(a.from)}});
    return msg("unserved.driver_absent",
               {{"from", format_date(a.from)}, {"to", format_date(a.to)}});
}

}  // namespace

std::vector<Unassigned> Dispatch::driver_absent(const Actor& actor, DriverId driver,
                                                const Absence& absence) {
    require_dispatcher(actor);
    const LocalDate first = std::max(absence.from, today());
    const Message reason = absence_text(absence);
    return store_.transact([&](DispatchTx& tx) {
        std::vector<Unassigned> off;
        for (LocalDate d = first; d <= absence.to; d = add_days(d, 1)) {
            std::set<RequestId> ids;
            for (const Route& r : tx.routes_of_day(d))
                if (r.driver_id == driver && r.status == RouteStatus::planned)
                    for (const auto& s : r.stops)
                        ids.insert(s.request_id);
            for (RequestId id : ids) {
                auto req = tx.request(id);
                if (!req || !req->open())
                    continue;
                detach(tx, *req);
                req->status = RequestStatus::unserved;
                req->unserved_reason = reason.text;
                req->updated_at = clock_.now();
                tx.update_request(*req);
                off.emplace_back(id, "driver_absent", reason);
            }
        }
        return off;
    });
}

std::set<RequestId> Dispatch::overdue(const Actor& actor, LocalDate date) {
    require_dispatcher(actor);
    const Instant now = clock_.now();
    return store_.read([&](DispatchTx& tx) {
        std::map<RequestId, Instant> pickup_eta;
        for (const Route& r : tx.routes_of_day(date))
            for (const auto& s : r.stops)
                if (s.kind == StopKind::pickup)
                    pickup_eta[s.request_id] = s.eta;
        std::set<RequestId> late;
        for (const RideRequest& q : tx.requests_of_day(date)) {
            if (!q.open() || q.will_call())
                continue;
            auto eta = pickup_eta.find(q.id);
            const Instant due = eta != pickup_eta.end() ? eta->second
                                : q.ready_at            ? *q.ready_at
                                                        : *q.arrive_by;
            if (due < now)
                late.insert(q.id);
        }
        return late;
    });
}

Assignment Dispatch::ready(const Actor& actor, RequestId id, std::optional<Instant> at) {
    require_dispatcher(actor);
    const Settings settings = settings_.get();
    const Instant when = at.value_or(clock_.now());
    return store_.transact([&](DispatchTx& tx) {
        auto req = tx.request(id);
        if (!req)
            throw_not_found(request_text(id));
        refuse_cancelled(*req);
        if (!req->open())
            throw_conflict(
                msg("request.status_is", {term("status", std::string(to_string(req->status)))}),
                {{"status", msg("request.status_field",
                                {term("status", std::string(to_string(req->status)))})}});
        if (req->ready_at || req->arrive_by)
            throw_conflict(msg("request.has_time"), {{"ready_at", msg("request.ready_set")}});
        // The patient is ready on the day of the ride (without `at`: now, so only then).
        if (local_date(when, find_zone(settings.time_zone)) != req->service_date)
            throw_unprocessable(
                msg("request.ready_not_on_day"),
                {{"at", msg(at ? "request.must_be_on" : "request.must_be_on_give_time",
                            {{"date", format_date(req->service_date)}})}});
        req->ready_at = when;
        return insert_live(tx, settings, *req, std::nullopt, false, clock_.now());
    });
}

Manifest Dispatch::manifest(const Actor& actor, DriverId driver_id, LocalDate date) {
    if (!actor.is_dispatcher() && actor.driver_id != driver_id)
        throw_forbidden(msg("manifest.own_only"));
    // Privacy by dispatch: a driver reads the patients of their routes from yesterday to
    // tomorrow only, so their own manifests of those days only.
    if (!actor.is_dispatcher()) {
        const LocalDate now_date = today();
        const ServiceDays days = driver_patient_days(now_date, now_date);
        if (date < days.first || date > days.last)
            throw_forbidden(msg("manifest.days"));
    }
    return store_.read([&](DispatchTx& tx) {
        auto driver = tx.driver(driver_id);
        if (!driver)
            throw_not_found(msg("driver.not_found", {{"id", driver_id}}));
        Manifest m;
        m.driver_id = driver_id;
        m.driver_name = driver->name;
        m.date = date;
        for (const Route& r : tx.routes_of_day(date)) {
            if (r.driver_id != driver_id)
                continue;
            ManifestRoute mr;
            mr.id = r.id;
            mr.vehicle_id = r.vehicle_id;
            if (auto v = tx.vehicle(r.vehicle_id))
                mr.plate = v->plate;
            mr.status = r.status;
            mr.starts_at = r.starts_at;
            mr.ends_at = r.ends_at;
            int seq = 0;
            for (const auto& s : r.stops) {
                auto q = tx.request(s.request_id);
                if (!q)
                    continue;
                auto p = tx.patient(q->patient_id);
                ManifestStop ms;
                ms.seq = ++seq;
                ms.kind = s.kind;
                ms.eta = s.eta;
                ms.request_id = q->id;
                ms.status = q->status;
                ms.patient_id = q->patient_id;
                const Endpoint& e = s.kind == StopKind::pickup ? q->pickup : q->dropoff;
                ms.address = e.address;
                ms.location = e.location;
                ms.passengers = q->passengers;
                ms.mobility = q->wheelchair ? Mobility::wheelchair : Mobility::ambulatory;
                if (p) {
                    ms.patient_name = p->name;
                    ms.phone = p->phone;
                    ms.escort = p->escort;
                    ms.notes = p->notes;
                }
                if (!q->notes.empty())
                    ms.notes = ms.notes.empty() ? q->notes : ms.notes + "\n" + q->notes;
                mr.stops.push_back(std::move(ms));
            }
            m.routes.push_back(std::move(mr));
        }
        return m;
    });
}

}  // namespace lifeline
