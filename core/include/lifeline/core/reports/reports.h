#pragma once
// Reports (docs/design.md §1, §4; docs/reports.md): the monthly mileage and ride report, running
// totals toward the year's goals, odometer integrity, occupied vs empty km, and the
// volunteers' monthly mileage statements with their approval.
//
// Periods are local to the organisation's zone: a trip belongs to the month (and day) in
// which it started, local time. Core computes those boundaries as UTC instants; the port
// answers with the month's finished trips and their rides, which core groups by driver,
// vehicle and local day, and with aggregates computed in SQL where the volume is larger
// (totals over years). Distances are summed in whole meters (each trip's km rounded to
// the meter once) so that days add up to their month and months to their year exactly.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lifeline/core/errors.h"
#include "lifeline/core/model.h"
#include "lifeline/core/settings.h"

namespace lifeline {

using WholeMeters = std::int64_t;  // distances in reports: integer sums are exact
using WholeSeconds = std::int64_t;

inline double km_of(WholeMeters m) {
    return double(m) / 1000.0;
}

// ---------------------------------------------------------------------------------------
// What the port answers.

// A part of a period in which the zone's UTC offset is constant; the local day of an
// instant t in it is floor((t + offset) / 86400) days after 1970-01-01.
struct OffsetSegment {
    Instant from{};
    Instant to{};  // exclusive
    std::chrono::seconds offset{0};
};

struct MonthQuery {
    Instant from{};         // local midnight of the 1st, as UTC
    Instant to{};           // local midnight of the next 1st
    LocalDate first_day{};  // for requests, whose service_date is local
    LocalDate next_first_day{};
};

// A ride of one of the month's finished trips: what the grouping needs of it.
struct MonthRide {
    RideOutcome outcome = RideOutcome::completed;
    PatientId patient_id = 0;
    std::optional<RequestId> request_id;
    std::optional<Kilometers> odometer_pickup;
    std::optional<Kilometers> odometer_dropoff;
};

// A trip that started in the month, with its rides: the grain every table of the monthly
// report rolls up from (core groups the finished ones by driver, vehicle and local day) and
// what the odometer check walks, open trips included.
struct MonthTrip {
    TripId id = 0;
    DriverId driver_id = 0;
    VehicleId vehicle_id = 0;
    Instant started_at{};
    Kilometers odometer_start = 0;
    std::optional<Kilometers> odometer_end;
    bool finished = false;       // its end time and end reading are both logged
    WholeMeters meters = 0;      // when finished: odometer_end − odometer_start, to the meter
    WholeSeconds seconds = 0;    // when finished: ended_at − started_at
    std::size_t first_ride = 0;  // its rides are MonthFacts::rides[first_ride, +ride_count)
    std::size_t ride_count = 0;

    // The reading the vehicle's next trip should start from: the end, or the start while
    // the trip is open.
    Kilometers last_reading() const { return odometer_end.value_or(odometer_start); }
};

// Completed rides on trips without readings, by their pickup and drop-off positions.
struct RideLeg {
    GeoPoint pickup;
    GeoPoint dropoff;
    std::int64_t rides = 0;
};

struct PlatedVehicle {
    VehicleId id = 0;
    std::string plate;
};

struct NamedDriver {
    DriverId id = 0;
    std::string name;
    std::string group;
};

struct MonthFacts {
    std::vector<MonthTrip> trips;  // every trip that started in the month, by started_at, id
    std::vector<MonthRide> rides;  // of those trips
    // The last trip before the month of each vehicle in `trips` that had one (no rides).
    std::vector<MonthTrip> previous_trips;
    std::vector<PlatedVehicle> vehicles;  // every vehicle in `trips`
    std::vector<NamedDriver> drivers;     // every driver in `trips`
    std::vector<RideLeg> unmeasured_legs;
    std::vector<std::pair<std::string, std::int64_t>> cancellations;  // reason, requests
};

// Rides, trips and km of finished trips that started in [from, to).
struct Interval {
    Instant from{};
    Instant to{};
};

struct PeriodFacts {
    std::int64_t trips = 0;
    std::int64_t rides = 0;
    WholeMeters meters = 0;
};

// A finished trip in the driver's own vehicle (its default driver is the trip's driver).
struct StatementTrip {
    TripId id = 0;
    DriverId driver_id = 0;
    VehicleId vehicle_id = 0;
    std::string plate;
    Instant started_at{};
    Instant ended_at{};
    Kilometers odometer_start = 0;
    Kilometers odometer_end = 0;
    WholeMeters meters = 0;
    std::int64_t rides = 0;
};

struct StatementApproval {
    DriverId driver_id = 0;
    std::string month;  // "YYYY-MM"
    double km = 0;
    double amount = 0;
    UserId approved_by = 0;
    std::string approved_by_name;
    Instant approved_at{};
};

// The port storage implements. Each call reads one consistent snapshot.
class ReportStore {
  public:
    virtual ~ReportStore() = default;
    virtual MonthFacts month(const MonthQuery& q) = 0;
    virtual std::vector<PeriodFacts> periods(const std::vector<Interval>& intervals) = 0;
    // Own-vehicle trips in [from, to) of one driver, or of every driver (by driver, time).
    virtual std::vector<StatementTrip> own_vehicle_trips(std::optional<DriverId> driver,
                                                         Instant from, Instant to) = 0;
    virtual std::vector<NamedDriver> drivers(const std::vector<DriverId>& ids) = 0;
    virtual std::vector<StatementApproval> approvals(const std::string& month,
                                                     std::optional<DriverId> driver) = 0;
    // Records the approval and its audit entry atomically; a second approval of the same
    // driver and month is a conflict.
    virtual void approve(const StatementApproval& approval, const AuditEntry& audit) = 0;
};

// ---------------------------------------------------------------------------------------
// The reports.

struct Occupancy {
    WholeMeters occupied_meters = 0;  // measured + estimated
    WholeMeters empty_meters = 0;
    WholeMeters measured_occupied_meters = 0;
    WholeMeters estimated_occupied_meters = 0;
    std::int64_t measured_trips = 0;
    std::int64_t estimated_trips = 0;  // trips without readings on every ride
    bool estimated = false;            // any part of the figure is an estimate
};

struct MonthTotals {
    std::int64_t rides = 0;  // completed
    std::int64_t no_shows = 0;
    std::int64_t rides_cancelled = 0;                                 // cancelled on board a trip
    std::vector<std::pair<std::string, std::int64_t>> cancellations;  // requests, by reason
    std::int64_t cancellations_total = 0;
    std::int64_t trips = 0;  // finished
    std::int64_t open_trips = 0;
    WholeMeters meters = 0;
    WholeSeconds seconds = 0;  // volunteer hours = seconds / 3600
    std::int64_t patients_served = 0;
    std::int64_t drivers_active = 0;
    std::int64_t vehicles_active = 0;
};

struct DriverLine {
    DriverId driver_id = 0;
    std::string name;
    std::string group;
    std::int64_t trips = 0;
    std::int64_t rides = 0;
    WholeMeters meters = 0;
    WholeSeconds seconds = 0;
};

struct VehicleLine {
    VehicleId vehicle_id = 0;
    std::string plate;
    std::int64_t trips = 0;
    WholeMeters meters = 0;
    Kilometers first_odometer = 0;
    Kilometers last_odometer = 0;
};

struct DayLine {
    LocalDate date{};
    std::int64_t trips = 0;
    std::int64_t rides = 0;
    WholeMeters meters = 0;
};

enum class OdometerIssue { backwards, unlogged };
const char* to_string(OdometerIssue i);

struct OdometerAnomaly {
    OdometerIssue issue = OdometerIssue::unlogged;
    VehicleId vehicle_id = 0;
    std::string plate;
    TripId previous_trip = 0;
    Instant previous_started_at{};
    Kilometers previous_reading = 0;
    TripId trip = 0;
    Instant started_at{};
    Kilometers odometer_start = 0;
    double gap_km = 0;  // odometer_start − previous_reading: negative when backwards
};

// The odometer check of one trip against the trip before it on the same vehicle: an
// anomaly when the trip does not start where the previous one left the odometer (its end,
// or its start while open). The monthly report and the trips screen both ask it. The
// plate is left empty.
std::optional<OdometerAnomaly> odometer_gap(const MonthTrip& previous, const MonthTrip& trip);

struct ReportHeader {
    std::string organisation;
    std::string time_zone;
    Instant generated_at{};
};

struct MonthlyReport {
    ReportHeader header;
    LocalDate month{};  // the 1st
    Instant from{};
    Instant to{};
    MonthTotals totals;
    Occupancy occupancy;
    std::vector<DriverLine> drivers;    // by km, most first
    std::vector<VehicleLine> vehicles;  // by plate
    std::vector<DayLine> days;          // every day of the month
    std::vector<OdometerAnomaly> odometer;
};

struct MonthTotalsLine {
    LocalDate month{};
    std::int64_t trips = 0;
    std::int64_t rides = 0;
    WholeMeters meters = 0;
    std::int64_t cumulative_rides = 0;
    WholeMeters cumulative_meters = 0;
    // Where a steady pace toward the goals would be at the month's end (0 before the goal
    // period, the whole goal after it).
    double goal_pace_rides = 0;
    double goal_pace_km = 0;
};

struct GoalProgress {
    Goals goals;
    Instant period_from{};  // local midnight of goals.from
    Instant period_to{};    // local midnight after goals.to
    Instant as_of{};        // now, within the period
    std::int64_t rides = 0;
    WholeMeters meters = 0;
    double rides_fraction = 0;  // of the goal
    double km_fraction = 0;
    // At the pace so far, by the end of the period; absent before the period starts.
    std::optional<double> projected_rides;
    std::optional<double> projected_km;
};

struct TotalsReport {
    ReportHeader header;
    LocalDate from_month{};
    LocalDate to_month{};  // inclusive
    std::vector<MonthTotalsLine> months;
    std::int64_t trips = 0;
    std::int64_t rides = 0;
    WholeMeters meters = 0;
    GoalProgress progress;
};

struct MileageStatement {
    DriverId driver_id = 0;
    std::string driver_name;
    std::string group;
    LocalDate month{};
    std::vector<StatementTrip> trips;
    WholeMeters meters = 0;
    double per_km_rate = 0;
    std::string currency;
    double amount = 0;  // km × rate, rounded to cents
    std::optional<StatementApproval> approval;
    // The ledger was corrected after approval: the approved figures differ.
    bool changed_since_approval = false;
};

struct StatementsReport {
    ReportHeader header;
    LocalDate month{};
    std::vector<MileageStatement> statements;  // by driver id
};

// Limits of a request.
struct ReportLimits {
    int max_months = 240;  // a totals report covers at most 20 years
};

class Reports {
  public:
    Reports(ReportStore& store, SettingsService& settings, ReportLimits limits = {})
        : store_(store), settings_(settings), limits_(limits) {}

    // Dispatchers and admins.
    MonthlyReport monthly(const Actor& actor, LocalDate month, Instant now);
    // Months from_month..to_month inclusive, and progress toward the settings' goals.
    TotalsReport totals(const Actor& actor, LocalDate from_month, LocalDate to_month, Instant now);
    // A dispatcher: one driver's statement, or every driver with own-vehicle trips that
    // month. A driver: only their own (another driver's is forbidden).
    StatementsReport statements(const Actor& actor, LocalDate month, std::optional<DriverId> driver,
                                Instant now);
    // A dispatcher approves one driver's statement of one month, once (409 after).
    MileageStatement approve(const Actor& actor, DriverId driver, LocalDate month, Instant now);

  private:
    MileageStatement build_statement(const NamedDriver& d, LocalDate month,
                                     std::vector<StatementTrip> trips, const Settings& settings,
                                     const std::vector<StatementApproval>& approvals);

    ReportStore& store_;
    SettingsService& settings_;
    ReportLimits limits_;
};

// "2022-03" for the month of `d`.
std::string format_month(LocalDate d);

// The parts of [from, to) in which `zone`'s UTC offset is constant (exposed for tests).
std::vector<OffsetSegment> offset_segments(Instant from, Instant to, const std::string& zone);

}  // namespace lifeline
