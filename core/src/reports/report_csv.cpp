// The reports as CSV tables (RFC 4180, UTF-8 with a byte-order mark, CRLF).
#include <cmath>
#include <cstdio>

#include "lifeline/core/reports/report_render.h"

namespace lifeline {
namespace {

constexpr const char* bom = "\xEF\xBB\xBF";

// Fixed decimals, so that a column reads the same in every row and every locale.
std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}
std::string km(WholeMeters m) {
    return fixed(km_of(m), 3);
}
std::string hours(WholeSeconds s) {
    return fixed(double(s) / 3600.0, 2);
}

class Csv {
  public:
    Csv() : out_(bom) {}
    Csv& row(std::initializer_list<std::string> fields) {
        bool first = true;
        for (const std::string& f : fields) {
            if (!first)
                out_ += ',';
            out_ += csv_field(f);
            first = false;
        }
        out_ += "\r\n";
        return *this;
    }
    std::string str() && { return std::move(out_); }

  private:
    std::string out_;
};

// A stored name as a cell. A cell starting with =, +, -, @ or a control character is a
// formula to a spreadsheet program; a leading apostrophe keeps it text (OWASP's advice
// against CSV injection). Only names, groups and plates pass here, never numbers.
std::string text(std::string_view s) {
    if (!s.empty() && std::string_view("=+-@\t\r").find(s.front()) != std::string_view::npos)
        return "'" + std::string(s);
    return std::string(s);
}

std::string n(std::int64_t v) {
    return std::to_string(v);
}

[[noreturn]] void unknown_table(const std::vector<std::string>& tables) {
    std::string list;
    for (const auto& t : tables)
        list += (list.empty() ? "" : ", ") + t;
    throw_invalid_field("table", msg("field.one_of_list", {{"list", list}}));
}

}  // namespace

std::string csv_field(std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos)
        return std::string(s);
    std::string out = "\"";
    for (char c : s) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

const std::vector<std::string>& monthly_csv_tables() {
    static const std::vector<std::string> t{"totals", "drivers", "vehicles", "days", "odometer"};
    return t;
}
const std::vector<std::string>& totals_csv_tables() {
    static const std::vector<std::string> t{"months", "goals"};
    return t;
}
const std::vector<std::string>& statements_csv_tables() {
    static const std::vector<std::string> t{"statements", "trips"};
    return t;
}

std::string monthly_csv(const MonthlyReport& r, std::string_view table) {
    Csv csv;
    const std::string month = format_month(r.month);
    if (table == "totals") {
        const MonthTotals& t = r.totals;
        const Occupancy& o = r.occupancy;
        csv.row({"month", "metric", "value"});
        csv.row({month, "rides", n(t.rides)});
        csv.row({month, "no_shows", n(t.no_shows)});
        csv.row({month, "rides_cancelled", n(t.rides_cancelled)});
        csv.row({month, "cancellations", n(t.cancellations_total)});
        for (const auto& [reason, count] : t.cancellations)
            csv.row({month, "cancellations_" + reason, n(count)});
        csv.row({month, "trips", n(t.trips)});
        csv.row({month, "open_trips", n(t.open_trips)});
        csv.row({month, "km", km(t.meters)});
        csv.row({month, "volunteer_hours", hours(t.seconds)});
        csv.row({month, "patients_served", n(t.patients_served)});
        csv.row({month, "drivers_active", n(t.drivers_active)});
        csv.row({month, "vehicles_active", n(t.vehicles_active)});
        csv.row({month, "occupied_km", km(o.occupied_meters)});
        csv.row({month, "empty_km", km(o.empty_meters)});
        csv.row({month, "occupied_km_measured", km(o.measured_occupied_meters)});
        csv.row({month, "occupied_km_estimated", km(o.estimated_occupied_meters)});
        csv.row({month, "occupancy_is_estimate", o.estimated ? "yes" : "no"});
    } else if (table == "drivers") {
        csv.row({"month", "driver_id", "name", "group", "trips", "rides", "km", "hours"});
        for (const DriverLine& d : r.drivers)
            csv.row({month, n(d.driver_id), text(d.name), text(d.group), n(d.trips), n(d.rides),
                     km(d.meters), hours(d.seconds)});
    } else if (table == "vehicles") {
        csv.row({"month", "vehicle_id", "plate", "trips", "km", "first_odometer", "last_odometer"});
        for (const VehicleLine& v : r.vehicles)
            csv.row({month, n(v.vehicle_id), text(v.plate), n(v.trips), km(v.meters),
                     fixed(v.first_odometer, 1), fixed(v.last_odometer, 1)});
    } else if (table == "days") {
        csv.row({"date", "trips", "rides", "km"});
        for (const DayLine& d : r.days)
            csv.row({format_date(d.date), n(d.trips), n(d.rides), km(d.meters)});
    } else if (table == "odometer") {
        csv.row({"issue", "vehicle_id", "plate", "previous_trip_id", "previous_started_at",
                 "previous_reading", "trip_id", "started_at", "odometer_start", "gap_km"});
        for (const OdometerAnomaly& a : r.odometer)
            csv.row({to_string(a.issue), n(a.vehicle_id), text(a.plate), n(a.previous_trip),
                     format_instant(a.previous_started_at), fixed(a.previous_reading, 1), n(a.trip),
                     format_instant(a.started_at), fixed(a.odometer_start, 1), fixed(a.gap_km, 1)});
    } else {
        unknown_table(monthly_csv_tables());
    }
    return std::move(csv).str();
}

std::string totals_csv(const TotalsReport& r, std::string_view table) {
    Csv csv;
    if (table == "months") {
        csv.row({"month", "trips", "rides", "km", "cumulative_rides", "cumulative_km",
                 "goal_pace_rides", "goal_pace_km"});
        for (const MonthTotalsLine& m : r.months)
            csv.row({format_month(m.month), n(m.trips), n(m.rides), km(m.meters),
                     n(m.cumulative_rides), km(m.cumulative_meters), fixed(m.goal_pace_rides, 1),
                     fixed(m.goal_pace_km, 1)});
    } else if (table == "goals") {
        const GoalProgress& p = r.progress;
        auto opt = [](const std::optional<double>& v, int d) { return v ? fixed(*v, d) : ""; };
        csv.row({"measure", "goal", "to_date", "fraction", "projected", "from", "to", "as_of"});
        csv.row({"rides", n(p.goals.rides), n(p.rides), fixed(p.rides_fraction, 4),
                 opt(p.projected_rides, 0), format_date(p.goals.from), format_date(p.goals.to),
                 format_instant(p.as_of)});
        csv.row({"km", fixed(p.goals.km, 1), km(p.meters), fixed(p.km_fraction, 4),
                 opt(p.projected_km, 1), format_date(p.goals.from), format_date(p.goals.to),
                 format_instant(p.as_of)});
    } else {
        unknown_table(totals_csv_tables());
    }
    return std::move(csv).str();
}

std::string statements_csv(const StatementsReport& r, std::string_view table) {
    Csv csv;
    if (table == "statements") {
        csv.row({"month", "driver_id", "driver", "group", "trips", "km", "per_km_rate", "currency",
                 "amount", "approved_by", "approved_at", "changed_since_approval"});
        for (const MileageStatement& s : r.statements)
            csv.row({format_month(s.month), n(s.driver_id), text(s.driver_name), text(s.group),
                     n(std::int64_t(s.trips.size())), km(s.meters), fixed(s.per_km_rate, 4),
                     s.currency, fixed(s.amount, 2),
                     s.approval ? text(s.approval->approved_by_name) : "",
                     s.approval ? format_instant(s.approval->approved_at) : "",
                     s.changed_since_approval ? "yes" : "no"});
    } else if (table == "trips") {
        csv.row({"month", "driver_id", "driver", "trip_id", "plate", "started_at", "ended_at",
                 "odometer_start", "odometer_end", "km", "rides"});
        for (const MileageStatement& s : r.statements)
            for (const StatementTrip& t : s.trips)
                csv.row({format_month(s.month), n(s.driver_id), text(s.driver_name), n(t.id),
                         text(t.plate), format_instant(t.started_at), format_instant(t.ended_at),
                         fixed(t.odometer_start, 1), fixed(t.odometer_end, 1), km(t.meters),
                         n(t.rides)});
    } else {
        unknown_table(statements_csv_tables());
    }
    return std::move(csv).str();
}

}  // namespace lifeline
