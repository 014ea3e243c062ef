#include "lifeline/core/reports/reports.h"

#include <date/tz.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "lifeline/core/audit.h"
#include "lifeline/core/geo.h"

namespace lifeline {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

// Distances and fractions compare within half a meter / half a cent.
constexpr double km_epsilon = 0.0005;
constexpr double money_epsilon = 0.005;

void require_dispatcher(const Actor& actor, const char* what) {
    if (!actor.is_dispatcher())
        throw_forbidden(msg("reports.dispatcher_only", {{"what", what}}));
}

LocalDate first_of(LocalDate d) {
    return LocalDate{d.year(), d.month(), std::chrono::day{1}};
}

LocalDate next_month(LocalDate first) {
    const auto ym = std::chrono::year_month{first.year(), first.month()} + std::chrono::months{1};
    return ym / std::chrono::day{1};
}

std::int64_t day_number(LocalDate d) {
    return sys_days{d}.time_since_epoch().count();
}

LocalDate date_of_day_number(std::int64_t n) {
    return LocalDate{sys_days{days{n}}};
}

struct MonthSpan {
    LocalDate first;
    LocalDate next;
    Instant from;
    Instant to;
};

MonthSpan month_span(LocalDate month, const date::time_zone* zone) {
    MonthSpan s;
    s.first = first_of(month);
    s.next = next_month(s.first);
    s.from = local_midnight(s.first, zone);
    s.to = local_midnight(s.next, zone);
    return s;
}

ReportHeader header_of(const Settings& settings, Instant now) {
    return ReportHeader{settings.organisation, settings.time_zone, now};
}

// SQLite's round() to an integer, as the port rounds each trip's km: half away from zero
// by truncating |x| + 0.5 (not std::llround, which differs just below a half).
std::int64_t round_like_sql(double x) {
    return x >= 0 ? std::int64_t(x + 0.5) : -std::int64_t(-x + 0.5);
}

// floor((t + offset) / 1 day), in days since 1970-01-01.
std::int64_t day_of(Instant t, std::chrono::seconds offset) {
    const std::int64_t s = (t.time_since_epoch() + offset).count();
    return s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
}

// What the report needs of a trip's rides.
struct TripRides {
    std::int64_t completed = 0;
    std::int64_t no_shows = 0;
    std::int64_t cancelled = 0;  // on board
    // Every completed ride carries pickup and drop-off readings (true without any).
    bool measured = true;
    // Then: first pickup → last drop-off reading of the completed rides, in whole meters,
    // never negative (0 without completed rides).
    WholeMeters occupied_meters = 0;
};

TripRides rides_of(const MonthTrip& trip, const std::vector<MonthRide>& all) {
    TripRides out;
    std::optional<Kilometers> first_pickup, last_dropoff;
    for (std::size_t i = trip.first_ride; i < trip.first_ride + trip.ride_count; ++i) {
        const MonthRide& r = all[i];
        switch (r.outcome) {
            case RideOutcome::completed:
                ++out.completed;
                if (!r.odometer_pickup || !r.odometer_dropoff)
                    out.measured = false;
                if (r.odometer_pickup && (!first_pickup || *r.odometer_pickup < *first_pickup))
                    first_pickup = r.odometer_pickup;
                if (r.odometer_dropoff && (!last_dropoff || *r.odometer_dropoff > *last_dropoff))
                    last_dropoff = r.odometer_dropoff;
                break;
            case RideOutcome::no_show:
                ++out.no_shows;
                break;
            case RideOutcome::cancelled:
                ++out.cancelled;
                break;
            case RideOutcome::aboard:
                break;
        }
    }
    if (first_pickup && last_dropoff)
        out.occupied_meters =
            std::max<WholeMeters>(0, round_like_sql((*last_dropoff - *first_pickup) * 1000));
    return out;
}

// Each trip of the month next to the trip before it on the same vehicle (in the order
// started_at, id; for the first, the vehicle's last trip before the month), where the
// readings do not meet. Open trips take part with their start reading.
std::vector<OdometerAnomaly> odometer_anomalies(const MonthFacts& facts,
                                                const std::map<VehicleId, std::string>& plates) {
    std::map<VehicleId, const MonthTrip*> previous;
    for (const MonthTrip& p : facts.previous_trips)
        previous[p.vehicle_id] = &p;
    std::vector<OdometerAnomaly> out;
    for (const MonthTrip& trip : facts.trips) {
        const MonthTrip*& prev = previous[trip.vehicle_id];
        if (prev)
            if (auto a = odometer_gap(*prev, trip)) {
                if (auto it = plates.find(trip.vehicle_id); it != plates.end())
                    a->plate = it->second;
                out.push_back(*a);
            }
        prev = &trip;
    }
    return out;
}

double amount_of(WholeMeters meters, double rate) {
    // km × rate in cents, rounded half away from zero.
    return double(std::llround(double(meters) * rate / 10.0)) / 100.0;
}

}  // namespace

std::optional<OdometerAnomaly> odometer_gap(const MonthTrip& previous, const MonthTrip& trip) {
    if (std::abs(trip.odometer_start - previous.last_reading()) <= km_epsilon)
        return std::nullopt;
    OdometerAnomaly a;
    a.previous_reading = previous.last_reading();
    // To the meter: readings are decimal km, their difference in binary is not.
    a.gap_km = double(std::llround((trip.odometer_start - a.previous_reading) * 1000.0)) / 1000.0;
    a.issue = a.gap_km < 0 ? OdometerIssue::backwards : OdometerIssue::unlogged;
    a.vehicle_id = trip.vehicle_id;
    a.previous_trip = previous.id;
    a.previous_started_at = previous.started_at;
    a.trip = trip.id;
    a.started_at = trip.started_at;
    a.odometer_start = trip.odometer_start;
    return a;
}

const char* to_string(OdometerIssue i) {
    return i == OdometerIssue::backwards ? "backwards" : "unlogged";
}

std::string format_month(LocalDate d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u", int(d.year()), unsigned(d.month()));
    return buf;
}

std::vector<OffsetSegment> offset_segments(Instant from, Instant to, const std::string& zone_name) {
    const date::time_zone* zone = find_zone(zone_name);
    std::vector<OffsetSegment> out;
    Instant t = from;
    while (t < to) {
        date::sys_info info = zone->get_info(t);
        Instant end = std::min<Instant>(to, Instant{info.end.time_since_epoch()});
        if (end <= t)  // cannot happen with a sane database; never loop forever
            end = to;
        out.push_back({t, end, info.offset});
        t = end;
    }
    return out;
}

namespace {

// What one pass over a month's finished trips gathers beside the report's totals.
struct MonthTally {
    std::map<DriverId, DriverLine> drivers;
    std::map<VehicleId, VehicleLine> vehicles;
    std::map<std::int64_t, DayLine> by_day;  // every day of the month, by day number
    WholeMeters measured_trip_meters = 0;
    std::vector<PatientId> patients;  // one entry per completed ride
};

// Adds a finished trip to the month's totals and occupancy, and its patients to the tally.
void add_trip_to_totals(const MonthTrip& trip, const TripRides& rides, const MonthFacts& facts,
                        MonthTally& tally, MonthlyReport& r) {
    for (std::size_t i = trip.first_ride; i < trip.first_ride + trip.ride_count; ++i)
        if (facts.rides[i].outcome == RideOutcome::completed)
            tally.patients.push_back(facts.rides[i].patient_id);

    MonthTotals& t = r.totals;
    t.trips += 1;
    t.rides += rides.completed;
    t.no_shows += rides.no_shows;
    t.rides_cancelled += rides.cancelled;
    t.meters += trip.meters;
    t.seconds += trip.seconds;
    if (rides.measured) {
        Occupancy& occ = r.occupancy;
        occ.measured_trips += 1;
        occ.measured_occupied_meters += std::min(trip.meters, rides.occupied_meters);
        tally.measured_trip_meters += trip.meters;
    }
}

void add_trip_to_driver_and_vehicle(const MonthTrip& trip, const TripRides& rides,
                                    MonthTally& tally) {
    DriverLine& dl = tally.drivers[trip.driver_id];
    dl.driver_id = trip.driver_id;
    dl.trips += 1;
    dl.rides += rides.completed;
    dl.meters += trip.meters;
    dl.seconds += trip.seconds;

    VehicleLine& vl = tally.vehicles[trip.vehicle_id];
    if (vl.trips == 0)
        vl.first_odometer = trip.odometer_start;
    vl.vehicle_id = trip.vehicle_id;
    vl.trips += 1;
    vl.meters += trip.meters;
    vl.last_odometer = trip.last_reading();
}

void add_trip_to_day(const MonthTrip& trip, const TripRides& rides, std::int64_t local_day,
                     MonthTally& tally) {
    DayLine& day = tally.by_day[local_day];
    if (day.date == LocalDate{})
        day.date = date_of_day_number(local_day);
    day.trips += 1;
    day.rides += rides.completed;
    day.meters += trip.meters;
}

// One pass over the month's trips: open ones are only counted, finished ones go to the
// totals, their driver, vehicle and local day.
MonthTally tally_trips(const MonthFacts& facts, const MonthSpan& span, const std::string& zone,
                       MonthlyReport& r) {
    MonthTally tally;
    for (LocalDate d = span.first; d < span.next; d = LocalDate{sys_days{d} + days{1}})
        tally.by_day[day_number(d)].date = d;

    // A trip belongs to the local day it started: the day of its offset segment. The
    // segments cover the month and the trips come by start time, so one pass finds them.
    const std::vector<OffsetSegment> segments = offset_segments(span.from, span.to, zone);
    std::size_t segment = 0;
    for (const MonthTrip& trip : facts.trips) {
        if (!trip.finished) {
            r.totals.open_trips += 1;
            continue;
        }
        const TripRides rides = rides_of(trip, facts.rides);
        add_trip_to_totals(trip, rides, facts, tally, r);
        add_trip_to_driver_and_vehicle(trip, rides, tally);

        while (segment + 1 < segments.size() && trip.started_at >= segments[segment].to)
            ++segment;
        const std::int64_t local_day =
            segments.empty() ? 0 : day_of(trip.started_at, segments[segment].offset);
        add_trip_to_day(trip, rides, local_day, tally);
    }
    return tally;
}

// Distinct patients, active drivers and vehicles, and cancellations by reason.
void count_people_and_cancellations(MonthTally& tally, const MonthFacts& facts, MonthTotals& t) {
    std::vector<PatientId>& patients = tally.patients;
    std::sort(patients.begin(), patients.end());
    t.patients_served =
        std::int64_t(std::unique(patients.begin(), patients.end()) - patients.begin());

    t.drivers_active = std::int64_t(tally.drivers.size());
    t.vehicles_active = std::int64_t(tally.vehicles.size());
    // Every reason is listed, in a fixed order, so that tables line up month to month.
    for (const char* reason : {"patient", "late_cancel", "holiday", "weather", "other"}) {
        std::int64_t n = 0;
        for (const auto& [stored, count] : facts.cancellations)
            if (stored == reason)
                n += count;
        t.cancellations.emplace_back(reason, n);
        t.cancellations_total += n;
    }
}

// Occupied km: measured where every completed ride of a trip has readings, otherwise
// the rides' great-circle distance × the detour factor, never more than those trips'
// km. Marked as an estimate whenever any trip needed it.
void estimate_occupancy(const MonthFacts& facts, const Settings& settings,
                        WholeMeters measured_trip_meters, MonthlyReport& r) {
    const MonthTotals& t = r.totals;
    Occupancy& occ = r.occupancy;
    occ.estimated_trips = t.trips - occ.measured_trips;
    double estimate_km = 0;
    for (const RideLeg& leg : facts.unmeasured_legs)
        estimate_km += haversine_m(leg.pickup, leg.dropoff) / 1000.0 *
                       settings.matcher.detour_factor * double(leg.rides);
    const WholeMeters unmeasured_meters = t.meters - measured_trip_meters;
    occ.estimated_occupied_meters =
        std::clamp<WholeMeters>(std::llround(estimate_km * 1000.0), 0, unmeasured_meters);
    occ.occupied_meters = occ.measured_occupied_meters + occ.estimated_occupied_meters;
    occ.empty_meters = t.meters - occ.occupied_meters;
    occ.estimated = occ.estimated_trips > 0;
}

// The drivers' lines with their names and groups, most km first.
std::vector<DriverLine> named_driver_lines(std::map<DriverId, DriverLine>& drivers,
                                           const std::vector<NamedDriver>& named) {
    std::map<DriverId, const NamedDriver*> names;
    for (const NamedDriver& d : named)
        names[d.id] = &d;
    std::vector<DriverLine> out;
    for (auto& [id, line] : drivers) {
        if (auto it = names.find(id); it != names.end()) {
            line.name = it->second->name;
            line.group = it->second->group;
        }
        out.push_back(line);
    }
    std::sort(out.begin(), out.end(), [](const DriverLine& a, const DriverLine& b) {
        return a.meters != b.meters ? a.meters > b.meters : a.driver_id < b.driver_id;
    });
    return out;
}

// The vehicles' lines with their plates, by plate.
std::vector<VehicleLine> plated_vehicle_lines(std::map<VehicleId, VehicleLine>& vehicles,
                                              std::map<VehicleId, std::string>& plates) {
    std::vector<VehicleLine> out;
    for (auto& [id, line] : vehicles) {
        line.plate = plates[id];
        out.push_back(line);
    }
    std::sort(out.begin(), out.end(), [](const VehicleLine& a, const VehicleLine& b) {
        return a.plate != b.plate ? a.plate < b.plate : a.vehicle_id < b.vehicle_id;
    });
    return out;
}

// The odometer anomalies by plate, then start time.
std::vector<OdometerAnomaly> sorted_odometer_anomalies(
    const MonthFacts& facts, const std::map<VehicleId, std::string>& plates) {
    std::vector<OdometerAnomaly> out = odometer_anomalies(facts, plates);
    std::sort(out.begin(), out.end(), [](const OdometerAnomaly& a, const OdometerAnomaly& b) {
        if (a.plate != b.plate)
            return a.plate < b.plate;
        if (a.started_at != b.started_at)
            return a.started_at < b.started_at;
        return a.trip < b.trip;
    });
    return out;
}

}  // namespace

MonthlyReport Reports::monthly(const Actor& actor, LocalDate month, Instant now) {
    require_dispatcher(actor, "the monthly report");
    const Settings settings = settings_.get();
    const date::time_zone* zone = find_zone(settings.time_zone);
    const MonthSpan span = month_span(month, zone);

    MonthQuery q;
    q.from = span.from;
    q.to = span.to;
    q.first_day = span.first;
    q.next_first_day = span.next;
    MonthFacts facts = store_.month(q);

    MonthlyReport r;
    r.header = header_of(settings, now);
    r.month = span.first;
    r.from = span.from;
    r.to = span.to;

    MonthTally tally = tally_trips(facts, span, settings.time_zone, r);
    count_people_and_cancellations(tally, facts, r.totals);
    estimate_occupancy(facts, settings, tally.measured_trip_meters, r);

    r.drivers = named_driver_lines(tally.drivers, facts.drivers);
    std::map<VehicleId, std::string> plates;
    for (const PlatedVehicle& v : facts.vehicles)
        plates[v.id] = v.plate;
    r.vehicles = plated_vehicle_lines(tally.vehicles, plates);
    for (auto& [n, day] : tally.by_day)
        r.days.push_back(day);
    r.odometer = sorted_odometer_anomalies(facts, plates);
    return r;
}

TotalsReport Reports::totals(const Actor& actor, LocalDate from_month, LocalDate to_month,
                             Instant now) {
    require_dispatcher(actor, "the totals report");
    from_month = first_of(from_month);
    to_month = first_of(to_month);
    if (to_month < from_month)
        throw_invalid_field("to", msg("field.to_before_from"));
    const auto span_months = (std::chrono::year_month{to_month.year(), to_month.month()} -
                              std::chrono::year_month{from_month.year(), from_month.month()})
                                 .count() +
                             1;
    if (span_months > limits_.max_months)
        throw_invalid_field(
            "to", msg("reports.at_most_months", {{"max", std::int64_t(limits_.max_months)}}));

    const Settings settings = settings_.get();
    const date::time_zone* zone = find_zone(settings.time_zone);

    std::vector<LocalDate> firsts;
    std::vector<Instant> bounds;
    for (LocalDate d = from_month; d <= next_month(to_month); d = next_month(d)) {
        firsts.push_back(d);
        bounds.push_back(local_midnight(d, zone));
    }
    std::vector<Interval> intervals;
    for (std::size_t i = 0; i + 1 < bounds.size(); ++i)
        intervals.push_back({bounds[i], bounds[i + 1]});

    TotalsReport r;
    r.header = header_of(settings, now);
    r.from_month = from_month;
    r.to_month = to_month;

    GoalProgress& p = r.progress;
    p.goals = settings.goals;
    p.period_from = local_midnight(settings.goals.from, zone);
    p.period_to = local_midnight(LocalDate{sys_days{settings.goals.to} + days{1}}, zone);
    p.as_of = std::clamp(now, p.period_from, std::max(p.period_from, p.period_to));

    // The goal period's figures reuse the report's months that lie wholly inside
    // [period_from, as_of) (the usual case: a year's report and that year's goal); only
    // the parts before and after them are read, in the same snapshot.
    std::optional<std::size_t> reuse_first, reuse_last;  // months [first, last)
    for (std::size_t i = 0; i + 1 < bounds.size(); ++i) {
        if (bounds[i] >= p.period_from && bounds[i + 1] <= p.as_of) {
            if (!reuse_first)
                reuse_first = i;
            reuse_last = i + 1;
        }
    }
    const std::size_t month_count = intervals.size();
    if (!reuse_first) {
        if (p.as_of > p.period_from)
            intervals.push_back({p.period_from, p.as_of});
    } else {
        if (bounds[*reuse_first] > p.period_from)
            intervals.push_back({p.period_from, bounds[*reuse_first]});
        if (p.as_of > bounds[*reuse_last])
            intervals.push_back({bounds[*reuse_last], p.as_of});
    }

    std::vector<PeriodFacts> facts = store_.periods(intervals);

    const double period_seconds = double((p.period_to - p.period_from).count());
    auto pace_fraction = [&](Instant t) {
        if (period_seconds <= 0)
            return t >= p.period_to ? 1.0 : 0.0;
        return std::clamp(double((t - p.period_from).count()) / period_seconds, 0.0, 1.0);
    };
    for (std::size_t i = 0; i + 1 < bounds.size(); ++i) {
        const PeriodFacts& f = facts[i];
        MonthTotalsLine line;
        line.month = firsts[i];
        line.trips = f.trips;
        line.rides = f.rides;
        line.meters = f.meters;
        r.trips += f.trips;
        r.rides += f.rides;
        r.meters += f.meters;
        line.cumulative_rides = r.rides;
        line.cumulative_meters = r.meters;
        const double frac = pace_fraction(bounds[i + 1]);
        line.goal_pace_rides = double(settings.goals.rides) * frac;
        line.goal_pace_km = settings.goals.km * frac;
        r.months.push_back(line);
    }

    if (reuse_first) {
        for (std::size_t i = *reuse_first; i < *reuse_last; ++i) {
            p.rides += facts[i].rides;
            p.meters += facts[i].meters;
        }
    }
    for (std::size_t i = month_count; i < facts.size(); ++i) {
        p.rides += facts[i].rides;
        p.meters += facts[i].meters;
    }
    if (settings.goals.rides > 0)
        p.rides_fraction = double(p.rides) / double(settings.goals.rides);
    if (settings.goals.km > 0)
        p.km_fraction = km_of(p.meters) / settings.goals.km;
    if (now >= p.period_from && p.as_of > p.period_from) {
        const double elapsed = double((p.as_of - p.period_from).count());
        const double scale = period_seconds / elapsed;
        p.projected_rides = double(p.rides) * scale;
        p.projected_km = km_of(p.meters) * scale;
    }
    return r;
}

MileageStatement Reports::build_statement(const NamedDriver& d, LocalDate month,
                                          std::vector<StatementTrip> trips,
                                          const Settings& settings,
                                          const std::vector<StatementApproval>& approvals) {
    MileageStatement s;
    s.driver_id = d.id;
    s.driver_name = d.name;
    s.group = d.group;
    s.month = first_of(month);
    s.trips = std::move(trips);
    for (const StatementTrip& t : s.trips)
        s.meters += t.meters;
    s.per_km_rate = settings.per_km_rate;
    s.currency = settings.currency;
    s.amount = amount_of(s.meters, settings.per_km_rate);
    for (const StatementApproval& a : approvals) {
        if (a.driver_id != d.id)
            continue;
        s.approval = a;
        s.changed_since_approval = std::abs(a.km - km_of(s.meters)) > km_epsilon ||
                                   std::abs(a.amount - s.amount) > money_epsilon;
    }
    return s;
}

StatementsReport Reports::statements(const Actor& actor, LocalDate month,
                                     std::optional<DriverId> driver, Instant now) {
    if (!actor.is_dispatcher()) {
        if (!actor.driver_id)
            throw_forbidden(msg("reports.statement_reader"));
        if (driver && *driver != *actor.driver_id)
            throw_forbidden(msg("reports.own_statement"));
        driver = actor.driver_id;
    }
    const Settings settings = settings_.get();
    const date::time_zone* zone = find_zone(settings.time_zone);
    const MonthSpan span = month_span(month, zone);
    const std::string month_text = format_month(span.first);

    std::vector<StatementTrip> trips = store_.own_vehicle_trips(driver, span.from, span.to);
    std::vector<StatementApproval> approvals = store_.approvals(month_text, driver);

    std::vector<DriverId> ids;
    if (driver) {
        ids.push_back(*driver);
    } else {
        for (const StatementTrip& t : trips)
            ids.push_back(t.driver_id);
        for (const StatementApproval& a : approvals)
            ids.push_back(a.driver_id);
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    }
    std::vector<NamedDriver> named = store_.drivers(ids);
    if (driver && named.empty())
        throw_not_found(msg("driver.not_found", {{"id", *driver}}));

    StatementsReport r;
    r.header = header_of(settings, now);
    r.month = span.first;
    for (const NamedDriver& d : named) {
        std::vector<StatementTrip> own;
        for (const StatementTrip& t : trips)
            if (t.driver_id == d.id)
                own.push_back(t);
        r.statements.push_back(build_statement(d, span.first, std::move(own), settings, approvals));
    }
    return r;
}

MileageStatement Reports::approve(const Actor& actor, DriverId driver, LocalDate month,
                                  Instant now) {
    if (!actor.is_dispatcher())
        throw_forbidden(msg("reports.dispatcher_approves"));
    StatementsReport current = statements(actor, month, driver, now);
    MileageStatement s = std::move(current.statements.front());
    if (s.approval)
        throw_conflict(
            msg("reports.already_approved", {{"driver", driver}, {"month", format_month(s.month)}}),
            {{"month", msg("reports.statement_approved")}});

    StatementApproval a;
    a.driver_id = driver;
    a.month = format_month(s.month);
    a.km = km_of(s.meters);
    a.amount = s.amount;
    a.approved_by = actor.user_id;
    a.approved_by_name = actor.username;
    a.approved_at = now;

    AuditObject after;
    after.add("driver_id", std::int64_t{driver});
    after.add("month", a.month);
    after.add("trips", std::int64_t(s.trips.size()));
    after.add("km", a.km);
    after.add("per_km_rate", s.per_km_rate);
    after.add("amount", a.amount);
    after.add("currency", s.currency);

    AuditEntry e;
    e.user_id = actor.user_id;
    e.username = actor.username;
    e.at = now;
    e.entity = "statement";
    e.entity_id = driver;
    e.action = "approve";
    e.after = after.str();
    e.reason = "mileage statement " + a.month;
    store_.approve(a, e);

    s.approval = a;
    s.changed_since_approval = false;
    return s;
}

}  // namespace lifeline
