// The reports as one self-contained printable page: inline CSS for A4, inline SVG charts,
// no scripts and no external resources. The markup is XHTML-style (void elements closed
// with "/>") so that the page is also well-formed XML; every stored string is escaped.
#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "lifeline/core/reports/report_render.h"
#include "reports/html_page.h"

namespace lifeline {
namespace {

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}
std::string n(std::int64_t v) {
    // Thousands separated by a thin comma, as the year-end figures are quoted.
    std::string digits = std::to_string(v < 0 ? -v : v);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return v < 0 ? "-" + out : out;
}
// "382,246.2": km to the tenth (half away from zero), thousands separated like counts.
std::string km(WholeMeters m) {
    const std::int64_t tenths = (m < 0 ? m - 50 : m + 50) / 100;
    const std::int64_t abs_tenths = tenths < 0 ? -tenths : tenths;
    return (tenths < 0 ? "-" : "") + n(abs_tenths / 10) + "." + std::to_string(abs_tenths % 10);
}
using html::e;
using html::HtmlPage;
using html::Table;

// "2026-11-21 11:05", local to the organisation's zone: what a volunteer reads on paper.
std::string local_time(Instant t, const std::string& zone) {
    const auto local = find_zone(zone)->to_local(t);
    const auto day = date::floor<date::days>(local);
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(local - day).count();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s %02d:%02d",
                  format_date(LocalDate{std::chrono::sys_days{day.time_since_epoch()}}).c_str(),
                  int(minutes / 60), int(minutes % 60));
    return buf;
}

constexpr const char* style = R"css(
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       "Helvetica Neue", Arial, sans-serif; font-size: 9.5pt; color: #1d2327; margin: 0 auto;
       max-width: 186mm; line-height: 1.35; }
header { border-bottom: 2px solid #1f6f8b; margin-bottom: 4mm; padding-bottom: 2mm; }
h1 { font-size: 16pt; margin: 0 0 1mm 0; color: #1f6f8b; }
h2 { font-size: 11.5pt; margin: 5mm 0 2mm 0; color: #1f6f8b; break-after: avoid; }
p.meta { margin: 0; color: #5a6570; font-size: 8.5pt; }
.figures { display: flex; flex-wrap: wrap; gap: 2mm; }
.figure { border: 1px solid #d5dde3; border-radius: 2mm; padding: 2mm 3mm; min-width: 28mm; }
.figure b { display: block; font-size: 13pt; }
.figure span { color: #5a6570; font-size: 8pt; }
table { border-collapse: collapse; width: 100%; break-inside: auto; }
th, td { border-bottom: 1px solid #e1e6ea; padding: 1mm 1.5mm; text-align: left; }
td { white-space: nowrap; }
th { background: #eef4f7; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; }
.chart { break-inside: avoid; margin: 1mm 0 2mm 0; }
.chart svg { width: 100%; height: auto; }
.note { color: #5a6570; font-size: 8.5pt; }
.warn { color: #a03c1c; }
.statement { break-after: page; }
.statement:last-child { break-after: auto; }
.sign { display: flex; gap: 10mm; margin-top: 12mm; }
.sign div { flex: 1; border-top: 1px solid #1d2327; padding-top: 1mm; font-size: 8.5pt; }
)css";

std::string header_html(const ReportHeader& h, const std::string& title) {
    return "<header>\n<h1>" + e(title) + "</h1>\n<p class=\"meta\">" + e(h.organisation) + " · " +
           e(h.time_zone) + " · generated " + e(format_instant(h.generated_at)) +
           "</p>\n</header>\n";
}

std::string figure(const std::string& value, const std::string& label) {
    return "<div class=\"figure\"><b>" + e(value) + "</b><span>" + e(label) + "</span></div>\n";
}

// Chart geometry in SVG user units; the page scales it to the column width.
constexpr double chart_w = 700, chart_h = 170, pad_l = 44, pad_r = 10, pad_t = 12, pad_b = 22;

std::string svg_open(const std::string& title, double h = chart_h) {
    return "<div class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
           fixed(chart_w, 0) + " " + fixed(h, 0) + "\" role=\"img\" aria-label=\"" + e(title) +
           "\"><title>" + e(title) + "</title>";
}
constexpr const char* svg_close = "</svg></div>\n";

std::string text_at(double x, double y, const std::string& s, const char* anchor = "start",
                    const char* extra = "") {
    return "<text x=\"" + fixed(x, 1) + "\" y=\"" + fixed(y, 1) +
           "\" font-size=\"10\" fill=\"#5a6570\" text-anchor=\"" + anchor + "\"" + extra + ">" +
           e(s) + "</text>";
}

// A round upper bound for an axis: 1, 2 or 5 × a power of ten.
double nice_max(double v) {
    if (v <= 0)
        return 1;
    double p = 1;
    while (p * 10 <= v)
        p *= 10;
    while (p > v)
        p /= 10;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * p >= v)
            return m * p;
    return 10 * p;
}

// Vertical bars, one per label, with a value axis.
std::string bar_chart(const std::string& title, const std::vector<std::string>& labels,
                      const std::vector<double>& values, const char* color, int decimals) {
    const double top =
        nice_max(values.empty() ? 0 : *std::max_element(values.begin(), values.end()));
    const double plot_w = chart_w - pad_l - pad_r, plot_h = chart_h - pad_t - pad_b;
    std::string s = svg_open(title);
    for (int i = 0; i <= 2; ++i) {
        const double v = top * i / 2, y = pad_t + plot_h - plot_h * i / 2;
        s += "<line x1=\"" + fixed(pad_l, 1) + "\" y1=\"" + fixed(y, 1) + "\" x2=\"" +
             fixed(chart_w - pad_r, 1) + "\" y2=\"" + fixed(y, 1) +
             "\" stroke=\"#e1e6ea\" stroke-width=\"1\"/>";
        s += text_at(pad_l - 4, y + 3, fixed(v, decimals), "end");
    }
    const double slot = labels.empty() ? plot_w : plot_w / double(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const double v = i < values.size() ? values[i] : 0;
        const double h = plot_h * v / top;
        const double x = pad_l + slot * double(i) + slot * 0.15;
        s += "<rect x=\"" + fixed(x, 1) + "\" y=\"" + fixed(pad_t + plot_h - h, 1) + "\" width=\"" +
             fixed(slot * 0.7, 1) + "\" height=\"" + fixed(h, 1) + "\" fill=\"" + color +
             "\"><title>" + e(labels[i] + ": " + fixed(v, decimals)) + "</title></rect>";
        if (labels.size() <= 16 || i % 2 == 0)
            s += text_at(x + slot * 0.35, chart_h - 6, labels[i], "middle");
    }
    return s + svg_close;
}

// Horizontal bars with the label left of each bar and the value right of it.
std::string hbar_chart(const std::string& title, const std::vector<std::string>& labels,
                       const std::vector<double>& values, const char* color) {
    const double row = 16, label_w = 150, value_w = 60;
    const double h = pad_t + row * double(std::max<std::size_t>(labels.size(), 1)) + 6;
    const double top =
        nice_max(values.empty() ? 0 : *std::max_element(values.begin(), values.end()));
    const double plot_w = chart_w - label_w - value_w;
    std::string s = svg_open(title, h);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const double y = pad_t + row * double(i);
        const double w = plot_w * values[i] / top;
        s += text_at(label_w - 6, y + 11, labels[i], "end");
        s += "<rect x=\"" + fixed(label_w, 1) + "\" y=\"" + fixed(y + 2, 1) + "\" width=\"" +
             fixed(w, 1) + "\" height=\"" + fixed(row - 5, 1) + "\" fill=\"" + color + "\"/>";
        s += text_at(label_w + w + 4, y + 11, fixed(values[i], 1));
    }
    return s + svg_close;
}

// Lines over month labels: `actual` solid, `goal` dashed (a steady pace toward the goal).
std::string line_chart(const std::string& title, const std::vector<std::string>& labels,
                       const std::vector<double>& actual, const std::vector<double>& goal,
                       const char* color, const std::string& actual_name,
                       const std::string& goal_name) {
    double peak = 0;
    for (double v : actual)
        peak = std::max(peak, v);
    for (double v : goal)
        peak = std::max(peak, v);
    const double top = nice_max(peak);
    // Room right of the last point for half a month label ("2022-12"), so that every label
    // is centred on its point without running into its neighbour.
    const double line_pad_r = 24;
    const double plot_w = chart_w - pad_l - line_pad_r, plot_h = chart_h - pad_t - pad_b;
    const double step = labels.size() > 1 ? plot_w / double(labels.size() - 1) : 0;
    auto points = [&](const std::vector<double>& vs) {
        std::string p;
        for (std::size_t i = 0; i < vs.size(); ++i)
            p += (i ? " " : "") + fixed(pad_l + step * double(i), 1) + "," +
                 fixed(pad_t + plot_h - plot_h * vs[i] / top, 1);
        return p;
    };
    std::string s = svg_open(title);
    for (int i = 0; i <= 2; ++i) {
        const double y = pad_t + plot_h - plot_h * i / 2;
        s += "<line x1=\"" + fixed(pad_l, 1) + "\" y1=\"" + fixed(y, 1) + "\" x2=\"" +
             fixed(chart_w - line_pad_r, 1) + "\" y2=\"" + fixed(y, 1) +
             "\" stroke=\"#e1e6ea\" stroke-width=\"1\"/>";
        s += text_at(pad_l - 4, y + 3, n(std::int64_t(top * i / 2)), "end");
    }
    s += "<polyline fill=\"none\" stroke=\"#8a96a0\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\" "
         "points=\"" +
         points(goal) + "\"><title>" + e(goal_name) + "</title></polyline>";
    s += "<polyline fill=\"none\" stroke=\"" + std::string(color) +
         "\" stroke-width=\"2.5\" points=\"" + points(actual) + "\"><title>" + e(actual_name) +
         "</title></polyline>";
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels.size() <= 13 || i % (labels.size() / 12 + 1) == 0)
            s += text_at(pad_l + step * double(i), chart_h - 6, labels[i], "middle");
    s += text_at(pad_l + 6, pad_t + 10, actual_name + " — " + goal_name + " (dashed)");
    return s + svg_close;
}

// Gaps per vehicle, before the list of every gap: on a fleet of volunteers' own cars,
// driven privately between trips, nearly every trip starts above the last reading, and
// the list runs to pages.
std::string odometer_summary_html(const std::vector<OdometerAnomaly>& gaps) {
    if (gaps.empty())
        return "";
    struct Sums {
        std::string plate;
        std::int64_t unlogged = 0, backwards = 0;
        WholeMeters unlogged_m = 0, backwards_m = 0;
    };
    std::vector<Sums> vehicles;  // the gaps come sorted by plate
    Sums all;
    for (const OdometerAnomaly& a : gaps) {
        if (vehicles.empty() || vehicles.back().plate != a.plate)
            vehicles.push_back({a.plate});
        const WholeMeters m = std::llround(std::abs(a.gap_km) * 1000.0);
        for (Sums* s : {&vehicles.back(), &all}) {
            if (a.issue == OdometerIssue::backwards) {
                s->backwards += 1;
                s->backwards_m += m;
            } else {
                s->unlogged += 1;
                s->unlogged_m += m;
            }
        }
    }
    const auto count = [](std::size_t k, const char* one, const char* many) {
        return n(std::int64_t(k)) + " " + (k == 1 ? one : many);
    };
    std::string b = "<p>" + count(gaps.size(), "gap", "gaps") + " on " +
                    count(vehicles.size(), "vehicle", "vehicles") + ": " + n(all.unlogged) +
                    " with unlogged km (" + km(all.unlogged_m) + " km), " + n(all.backwards) +
                    " going backwards (" + km(all.backwards_m) + " km).</p>\n";
    Table t({"plate", "unlogged", "unlogged km", "backwards", "backwards km"},
            {false, true, true, true, true});
    for (const Sums& s : vehicles)
        t.row({s.plate, n(s.unlogged), km(s.unlogged_m), n(s.backwards), km(s.backwards_m)});
    return b + t.str("") + "<h3>Every gap</h3>\n";
}

std::string pct(double fraction) {
    return fixed(fraction * 100.0, 1) + " %";
}

}  // namespace

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

namespace {

std::string monthly_figures_html(const MonthTotals& t) {
    std::string b = "<section class=\"figures\">\n";
    b += figure(n(t.rides), "rides completed");
    b += figure(km(t.meters), "km driven");
    b += figure(n(t.trips), "trips");
    b += figure(fixed(double(t.seconds) / 3600.0, 1), "volunteer hours");
    b += figure(n(t.patients_served), "patients served");
    b += figure(n(t.drivers_active), "drivers active");
    b += figure(n(t.no_shows), "no-shows");
    b += figure(n(t.cancellations_total), "cancellations");
    b += "</section>\n";
    return b;
}

std::string daily_charts_html(const std::vector<DayLine>& days, const std::string& month) {
    std::vector<std::string> day_labels;
    std::vector<double> day_km, day_rides;
    for (const DayLine& d : days) {
        day_labels.push_back(std::to_string(unsigned(d.date.day())));
        day_km.push_back(km_of(d.meters));
        day_rides.push_back(double(d.rides));
    }
    std::string b = "<h2>Km per day</h2>\n" +
                    bar_chart("Km per day, " + month, day_labels, day_km, "#1f6f8b", 0);
    b += "<h2>Rides per day</h2>\n" +
         bar_chart("Rides per day, " + month, day_labels, day_rides, "#e07a2f", 0);
    return b;
}

// The 25 drivers with the most km; the table lists them all.
std::string driver_chart_html(const std::vector<DriverLine>& drivers, const std::string& month) {
    const std::size_t shown = std::min<std::size_t>(drivers.size(), 25);
    std::vector<std::string> driver_labels;
    std::vector<double> driver_km;
    for (std::size_t i = 0; i < shown; ++i) {
        driver_labels.push_back(drivers[i].name);
        driver_km.push_back(km_of(drivers[i].meters));
    }
    std::string b = "<h2>Km per driver</h2>\n";
    if (shown == 0)
        b += "<p class=\"note\">No trips this month.</p>\n";
    else
        b += hbar_chart("Km per driver, " + month, driver_labels, driver_km, "#3c8d5a");
    if (drivers.size() > shown)
        b += "<p class=\"note\">The " + std::to_string(shown) + " drivers with the most km; all " +
             std::to_string(drivers.size()) + " are in the table below.</p>\n";
    return b;
}

std::string monthly_totals_html(const MonthTotals& t, const Occupancy& o) {
    std::string b = "<h2>Totals</h2>\n";
    Table totals({"measure", "value"}, {false, true});
    totals.row({"rides completed", n(t.rides)})
        .row({"no-shows", n(t.no_shows)})
        .row({"rides cancelled on a trip", n(t.rides_cancelled)});
    for (const auto& [reason, count] : t.cancellations)
        totals.row({"requests cancelled: " + reason, n(count)});
    totals.row({"trips (finished)", n(t.trips)})
        .row({"trips still open", n(t.open_trips)})
        .row({"km", km(t.meters)})
        .row({"volunteer hours", fixed(double(t.seconds) / 3600.0, 1)})
        .row({"patients served", n(t.patients_served)})
        .row({"drivers active", n(t.drivers_active)})
        .row({"vehicles active", n(t.vehicles_active)})
        .row({"km with a patient aboard", km(o.occupied_meters) + (o.estimated ? " *" : "")})
        .row({"km empty (to the first pickup, home again)",
              km(o.empty_meters) + (o.estimated ? " *" : "")});
    b += totals.str("");
    if (o.estimated)
        b += "<p class=\"note\">* Partly estimated: " + std::to_string(o.estimated_trips) +
             " trips had no odometer readings at every pickup and drop-off; their km aboard (" +
             km(o.estimated_occupied_meters) +
             ") are great-circle distances × the detour factor. Measured: " +
             km(o.measured_occupied_meters) + " km on " + std::to_string(o.measured_trips) +
             " trips.</p>\n";
    return b;
}

std::string drivers_table_html(const std::vector<DriverLine>& lines) {
    std::string b = "<h2>Drivers</h2>\n";
    Table drivers({"driver", "group", "trips", "rides", "km", "hours"},
                  {false, false, true, true, true, true});
    for (const DriverLine& d : lines)
        drivers.row({d.name, d.group, n(d.trips), n(d.rides), km(d.meters),
                     fixed(double(d.seconds) / 3600.0, 1)});
    b += drivers.str("No trips this month.");
    return b;
}

std::string vehicles_table_html(const std::vector<VehicleLine>& lines) {
    std::string b = "<h2>Vehicles</h2>\n";
    Table vehicles({"plate", "trips", "km", "first odometer", "last odometer"},
                   {false, true, true, true, true});
    for (const VehicleLine& v : lines)
        vehicles.row({v.plate, n(v.trips), km(v.meters), fixed(v.first_odometer, 1),
                      fixed(v.last_odometer, 1)});
    b += vehicles.str("No trips this month.");
    return b;
}

std::string odometer_integrity_html(const std::vector<OdometerAnomaly>& anomalies,
                                    const std::string& time_zone) {
    std::string b = "<h2>Odometer integrity</h2>\n";
    b += odometer_summary_html(anomalies);
    Table odo({"plate", "issue", "previous trip", "its reading", "trip", "started", "start reading",
               "gap km"},
              {false, false, true, true, true, false, true, true});
    for (const OdometerAnomaly& a : anomalies)
        odo.row({a.plate, a.issue == OdometerIssue::backwards ? "goes backwards" : "unlogged km",
                 "#" + std::to_string(a.previous_trip), fixed(a.previous_reading, 1),
                 "#" + std::to_string(a.trip), local_time(a.started_at, time_zone),
                 fixed(a.odometer_start, 1), fixed(a.gap_km, 1)});
    b += odo.str("Every trip starts where the vehicle's previous trip ended.");
    if (!anomalies.empty())
        b += "<p class=\"note warn\">Listed as logged; nothing is corrected here. A dispatcher "
             "corrects a trip with a reason (audited).</p>\n";
    return b;
}

std::string days_table_html(const std::vector<DayLine>& lines) {
    std::string b = "<h2>Days</h2>\n";
    Table days({"date", "trips", "rides", "km"}, {false, true, true, true});
    for (const DayLine& d : lines)
        days.row({format_date(d.date), n(d.trips), n(d.rides), km(d.meters)});
    b += days.str("");
    return b;
}

}  // namespace

std::string monthly_html(const MonthlyReport& r) {
    const std::string month = format_month(r.month);
    const std::string title = "Monthly report " + month;
    HtmlPage page(r.header.organisation + " — " + title, style);
    std::string b = header_html(r.header, r.header.organisation + " — " + title);
    b += monthly_figures_html(r.totals);
    b += daily_charts_html(r.days, month);
    b += driver_chart_html(r.drivers, month);
    b += monthly_totals_html(r.totals, r.occupancy);
    b += drivers_table_html(r.drivers);
    b += vehicles_table_html(r.vehicles);
    b += odometer_integrity_html(r.odometer, r.header.time_zone);
    b += days_table_html(r.days);
    return std::move(page.raw(b)).finish();
}

std::string totals_html(const TotalsReport& r) {
    const std::string title =
        "Totals " + format_month(r.from_month) + " to " + format_month(r.to_month);
    HtmlPage page(r.header.organisation + " — " + title, style);
    std::string b = header_html(r.header, r.header.organisation + " — " + title);
    const GoalProgress& p = r.progress;

    b += "<section class=\"figures\">\n";
    b += figure(n(r.rides), "rides");
    b += figure(km(r.meters), "km");
    b += figure(n(r.trips), "trips");
    b += figure(pct(p.rides_fraction), "of " + n(p.goals.rides) + " rides goal");
    b += figure(pct(p.km_fraction), "of " + n(std::int64_t(p.goals.km)) + " km goal");
    b += "</section>\n";

    std::vector<std::string> labels;
    std::vector<double> cum_km, goal_km, cum_rides, goal_rides;
    for (const MonthTotalsLine& m : r.months) {
        labels.push_back(format_month(m.month));
        cum_km.push_back(km_of(m.cumulative_meters));
        goal_km.push_back(m.goal_pace_km);
        cum_rides.push_back(double(m.cumulative_rides));
        goal_rides.push_back(m.goal_pace_rides);
    }
    b += "<h2>Cumulative km against the goal</h2>\n" +
         line_chart("Cumulative km against the goal", labels, cum_km, goal_km, "#1f6f8b",
                    "km so far", "steady pace to " + n(std::int64_t(p.goals.km)) + " km");
    b += "<h2>Cumulative rides against the goal</h2>\n" +
         line_chart("Cumulative rides against the goal", labels, cum_rides, goal_rides, "#e07a2f",
                    "rides so far", "steady pace to " + n(p.goals.rides) + " rides");

    b += "<h2>Progress toward the goals</h2>\n";
    Table goals({"measure", "goal", "so far", "share", "projected at this pace"},
                {false, true, true, true, true});
    goals.row({"rides", n(p.goals.rides), n(p.rides), pct(p.rides_fraction),
               p.projected_rides ? n(std::llround(*p.projected_rides)) : "—"});
    goals.row({"km", n(std::int64_t(p.goals.km)), km(p.meters), pct(p.km_fraction),
               p.projected_km ? km(std::llround(*p.projected_km * 1000)) : "—"});
    b += goals.str("");
    b += "<p class=\"note\">Goal period " + e(format_date(p.goals.from)) + " to " +
         e(format_date(p.goals.to)) + ", figures as of " + e(format_instant(p.as_of)) + ".</p>\n";

    b += "<h2>Months</h2>\n";
    Table months({"month", "trips", "rides", "km", "rides so far", "km so far"},
                 {false, true, true, true, true, true});
    for (const MonthTotalsLine& m : r.months)
        months.row({format_month(m.month), n(m.trips), n(m.rides), km(m.meters),
                    n(m.cumulative_rides), km(m.cumulative_meters)});
    b += months.str("");
    return std::move(page.raw(b)).finish();
}

std::string statements_html(const StatementsReport& r) {
    const std::string title = "Mileage statements " + format_month(r.month);
    HtmlPage page(r.header.organisation + " — " + title, style);
    std::string b;
    if (r.statements.empty())
        b += header_html(r.header, r.header.organisation + " — " + title) +
             "<p class=\"note\">No trips in drivers' own vehicles this month.</p>\n";
    for (const MileageStatement& s : r.statements) {
        b += "<section class=\"statement\">\n";
        b += header_html(r.header, "Volunteer mileage statement " + format_month(s.month));
        b += "<section class=\"figures\">\n";
        b += figure(s.driver_name, s.group.empty() ? "volunteer" : s.group);
        b += figure(km(s.meters), "km in own vehicle");
        b += figure(fixed(s.amount, 2) + " " + s.currency,
                    "at " + fixed(s.per_km_rate, 2) + " " + s.currency + " per km");
        b += "</section>\n<h2>Trips</h2>\n";
        Table trips({"trip", "vehicle", "started", "ended", "odometer start", "odometer end", "km",
                     "rides"},
                    {true, false, false, false, true, true, true, true});
        for (const StatementTrip& t : s.trips)
            trips.row({"#" + std::to_string(t.id), t.plate,
                       local_time(t.started_at, r.header.time_zone),
                       local_time(t.ended_at, r.header.time_zone), fixed(t.odometer_start, 1),
                       fixed(t.odometer_end, 1), km(t.meters), n(t.rides)});
        b += trips.str("No trips in the driver's own vehicle this month.");
        b += "<p class=\"note\">Times are local (" + e(r.header.time_zone) + ").</p>\n";
        if (s.approval) {
            b += "<p>Approved by " + e(s.approval->approved_by_name) + " at " +
                 e(format_instant(s.approval->approved_at)) + ": " + e(fixed(s.approval->km, 1)) +
                 " km, " + e(fixed(s.approval->amount, 2)) + " " + e(s.currency) + ".</p>\n";
            if (s.changed_since_approval)
                b += "<p class=\"warn\">The ledger changed after approval: the figures above "
                     "differ from the approved ones.</p>\n";
        } else {
            b += "<p class=\"note\">Not approved yet.</p>\n";
        }
        b +=
            "<div class=\"sign\"><div>Volunteer</div><div>Coordinator</div><div>Date</div></div>\n";
        b += "</section>\n";
    }
    return std::move(page.raw(b)).finish();
}

}  // namespace lifeline
