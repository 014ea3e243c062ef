// The reports as one self-contained printable page in the organisation's language (or the
// one asked for): inline CSS for A4, inline SVG charts, no scripts and no external
// resources. The markup is XHTML-style (void elements closed with "/>") so that the page
// is also well-formed XML; every stored string is escaped. Words, dates and numbers come
// from the printed documents' one table and formats (reports/print.h).
#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "lifeline/core/reports/print.h"
#include "lifeline/core/reports/report_render.h"
#include "reports/html_page.h"

namespace lifeline {
namespace {

using html::e;
using html::HtmlPage;
using html::Table;

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// The language and the zone a document is printed in.
struct Doc {
    Language lang;
    const date::time_zone* zone;
    std::string t(PrintKey key, PrintArgs args = {}) const { return print_text(lang, key, args); }
    const char* tag() const { return lang == Language::en ? "en" : "zh-CN"; }
    std::string money(double amount, const std::string& currency) const {
        return print_decimal(amount, 2) + " " + currency_word(currency);
    }
    // The yuan as a Chinese reader writes it; any other currency by its code.
    std::string currency_word(const std::string& currency) const {
        return lang == Language::zh_CN && currency == "CNY" ? "元" : currency;
    }
};

Doc doc_of(const ReportHeader& h, Language lang) {
    return Doc{lang, find_zone(h.time_zone)};
}

// Kept short for paper: a month's report of a fleet of volunteers' own cars runs to a few
// A4 pages (docs/reports.md), summary first; a table's header repeats on every page and no
// row is split across two.
constexpr const char* style = R"css(
@page { size: A4; margin: 12mm 11mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       "Helvetica Neue", Arial, sans-serif; font-size: 8.5pt; color: #1d2327; margin: 0 auto;
       max-width: 188mm; line-height: 1.3; }
header { border-bottom: 2px solid #1f6f8b; margin-bottom: 3mm; padding-bottom: 1.5mm; }
h1 { font-size: 14pt; margin: 0 0 1mm 0; color: #1f6f8b; }
h2 { font-size: 10.5pt; margin: 3.5mm 0 1.5mm 0; color: #1f6f8b; break-after: avoid; }
h3 { font-size: 9pt; margin: 2.5mm 0 1mm 0; break-after: avoid; }
p { margin: 1mm 0; }
p.meta { margin: 0; color: #5a6570; font-size: 8pt; }
.figures { display: flex; flex-wrap: wrap; gap: 1.5mm; }
.figure { border: 1px solid #d5dde3; border-radius: 1.5mm; padding: 1mm 2.5mm; min-width: 26mm; }
.figure b { display: block; font-size: 12pt; }
.figure span { color: #5a6570; font-size: 7.5pt; }
.pair { display: flex; gap: 5mm; align-items: flex-start; }
.pair > div { flex: 1; min-width: 0; }
table { border-collapse: collapse; width: 100%; break-inside: auto; }
thead { display: table-header-group; }
th, td { border-bottom: 1px solid #e1e6ea; padding: 0.5mm 1.2mm; text-align: left;
         vertical-align: top; }
td { white-space: nowrap; }
td.wrap { white-space: normal; font-size: 7.5pt; }
table.gaps th { white-space: normal; }
table.gaps td.wrap { width: 64%; }
.gap { white-space: nowrap; margin-right: 2mm; }
th { background: #eef4f7; font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; }
table.days td:nth-child(4n+1), table.days th:nth-child(4n+1),
table.pairs td:nth-child(3), table.pairs th:nth-child(3) { border-left: 1px solid #c9d3da; }
.chart { break-inside: avoid; margin: 0.5mm 0 1mm 0; }
.chart svg { width: 100%; height: auto; }
.note { color: #5a6570; font-size: 7.5pt; }
.warn { color: #a03c1c; }
.statement { break-after: page; }
.statement:last-child { break-after: auto; }
.sign { display: flex; gap: 10mm; margin-top: 12mm; }
.sign div { flex: 1; border-top: 1px solid #1d2327; padding-top: 1mm; font-size: 8.5pt; }
)css";

std::string header_html(const ReportHeader& h, const Doc& d, const std::string& title) {
    return "<header>\n<h1>" + e(title) + "</h1>\n<p class=\"meta\">" + e(h.organisation) + " · " +
           e(h.time_zone) + " · " +
           e(d.t("generated", {{"time", print_date_time(h.generated_at, d.zone, d.lang)}})) +
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
                      const std::vector<double>& values, const char* color, int decimals,
                      double height = chart_h) {
    const double top =
        nice_max(values.empty() ? 0 : *std::max_element(values.begin(), values.end()));
    const double plot_w = chart_w - pad_l - pad_r, plot_h = height - pad_t - pad_b;
    std::string s = svg_open(title, height);
    for (int i = 0; i <= 2; ++i) {
        const double v = top * i / 2, y = pad_t + plot_h - plot_h * i / 2;
        s += "<line x1=\"" + fixed(pad_l, 1) + "\" y1=\"" + fixed(y, 1) + "\" x2=\"" +
             fixed(chart_w - pad_r, 1) + "\" y2=\"" + fixed(y, 1) +
             "\" stroke=\"#e1e6ea\" stroke-width=\"1\"/>";
        s += text_at(pad_l - 4, y + 3, print_decimal(v, decimals), "end");
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
            s += text_at(x + slot * 0.35, height - 6, labels[i], "middle");
    }
    return s + svg_close;
}

// Horizontal bars with the label left of each bar and the value right of it.
std::string hbar_chart(const std::string& title, const std::vector<std::string>& labels,
                       const std::vector<double>& values, const char* color) {
    const double row = 12, label_w = 150, value_w = 60;
    const double h = pad_t + row * double(std::max<std::size_t>(labels.size(), 1)) + 6;
    const double top =
        nice_max(values.empty() ? 0 : *std::max_element(values.begin(), values.end()));
    const double plot_w = chart_w - label_w - value_w;
    std::string s = svg_open(title, h);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const double y = pad_t + row * double(i);
        const double w = plot_w * values[i] / top;
        s += text_at(label_w - 6, y + 10, labels[i], "end");
        s += "<rect x=\"" + fixed(label_w, 1) + "\" y=\"" + fixed(y + 2, 1) + "\" width=\"" +
             fixed(w, 1) + "\" height=\"" + fixed(row - 5, 1) + "\" fill=\"" + color + "\"/>";
        s += text_at(label_w + w + 4, y + 10, print_decimal(values[i], 1));
    }
    return s + svg_close;
}

// Lines over month labels: `actual` solid, `goal` dashed (a steady pace toward the goal);
// `legend` names both.
struct LineNames {
    std::string actual, goal, legend;
};
std::string line_chart(const std::string& title, const std::vector<std::string>& labels,
                       const std::vector<double>& actual, const std::vector<double>& goal,
                       const char* color, const LineNames& names) {
    double peak = 0;
    for (double v : actual)
        peak = std::max(peak, v);
    for (double v : goal)
        peak = std::max(peak, v);
    const double top = nice_max(peak);
    // Room right of the last point for half a month label ("Dec"), so that every label
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
        s += text_at(pad_l - 4, y + 3, print_count(std::int64_t(top * i / 2)), "end");
    }
    s += "<polyline fill=\"none\" stroke=\"#8a96a0\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\" "
         "points=\"" +
         points(goal) + "\"><title>" + e(names.goal) + "</title></polyline>";
    s += "<polyline fill=\"none\" stroke=\"" + std::string(color) +
         "\" stroke-width=\"2.5\" points=\"" + points(actual) + "\"><title>" + e(names.actual) +
         "</title></polyline>";
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels.size() <= 13 || i % (labels.size() / 12 + 1) == 0)
            s += text_at(pad_l + step * double(i), chart_h - 6, labels[i], "middle");
    s += text_at(pad_l + 6, pad_t + 10, names.legend);
    return s + svg_close;
}

// Gaps per vehicle, with each vehicle's unlogged gaps condensed into one cell: on a fleet of
// volunteers' own cars, driven privately between trips, nearly every trip starts above
// the last reading, and a row per gap ran to pages. A gap going backwards is a mistyped
// reading to correct: those keep a row each (odometer_backwards_html).
struct VehicleGaps {
    std::string plate;
    std::int64_t unlogged = 0, backwards = 0;
    WholeMeters unlogged_m = 0, backwards_m = 0;
    std::string cells;  // the unlogged gaps, markup
};

WholeMeters gap_meters(const OdometerAnomaly& a) {
    return std::llround(std::abs(a.gap_km) * 1000.0);
}

std::vector<VehicleGaps> gaps_by_vehicle(const std::vector<OdometerAnomaly>& gaps, const Doc& d,
                                         VehicleGaps& all) {
    std::vector<VehicleGaps> vehicles;  // the gaps come sorted by plate
    for (const OdometerAnomaly& a : gaps) {
        if (vehicles.empty() || vehicles.back().plate != a.plate)
            vehicles.push_back(VehicleGaps{a.plate, 0, 0, 0, 0, ""});
        const WholeMeters m = gap_meters(a);
        for (VehicleGaps* s : {&vehicles.back(), &all}) {
            if (a.issue == OdometerIssue::backwards) {
                s->backwards += 1;
                s->backwards_m += m;
            } else {
                s->unlogged += 1;
                s->unlogged_m += m;
            }
        }
        if (a.issue == OdometerIssue::unlogged)
            vehicles.back().cells += "<span class=\"gap\">" +
                                     e(print_day(local_date(a.started_at, d.zone), d.lang)) + " #" +
                                     std::to_string(a.trip) + " +" + e(print_km(m)) + "</span> ";
    }
    return vehicles;
}

std::string odometer_summary_html(const std::vector<OdometerAnomaly>& gaps, const Doc& d) {
    VehicleGaps all;
    const std::vector<VehicleGaps> vehicles = gaps_by_vehicle(gaps, d, all);
    const PrintArgs args = {{"gaps", print_count(std::int64_t(gaps.size()))},
                            {"vehicles", print_count(std::int64_t(vehicles.size()))},
                            {"unlogged", print_count(all.unlogged)},
                            {"unlogged_km", print_km(all.unlogged_m)},
                            {"backwards", print_count(all.backwards)},
                            {"backwards_km", print_km(all.backwards_m)}};
    const std::string sentence = gaps.size() == 1       ? d.t("odo.summary_single", args)
                                 : vehicles.size() == 1 ? d.t("odo.summary_one", args)
                                                        : d.t("odo.summary", args);
    Table t({d.t("col.plate"), d.t("col.unlogged"), d.t("col.unlogged_km"), d.t("col.backwards"),
             d.t("col.backwards_km"), d.t("h.unlogged")},
            {false, true, true, true, true, false});
    t.cell_class(5, "wrap");  // the condensed list wraps; every other cell keeps to one line
    for (const VehicleGaps& s : vehicles)
        t.row_markup({e(s.plate), e(print_count(s.unlogged)), e(print_km(s.unlogged_m)),
                      e(print_count(s.backwards)), e(print_km(s.backwards_m)), s.cells});
    return "<p>" + e(sentence) + "</p>\n" + t.table_class("gaps").str("");
}

std::string odometer_backwards_html(const std::vector<OdometerAnomaly>& gaps, const Doc& d) {
    Table odo({d.t("col.plate"), d.t("col.issue"), d.t("col.previous_trip"), d.t("col.its_reading"),
               d.t("col.trip"), d.t("col.started"), d.t("col.start_reading"), d.t("col.gap_km")},
              {false, false, true, true, true, false, true, true});
    for (const OdometerAnomaly& a : gaps)
        if (a.issue == OdometerIssue::backwards)
            odo.row({a.plate, d.t("odo.backwards"), "#" + std::to_string(a.previous_trip),
                     print_decimal(a.previous_reading, 1), "#" + std::to_string(a.trip),
                     print_day_time(a.started_at, d.zone, d.lang),
                     print_decimal(a.odometer_start, 1), print_decimal(a.gap_km, 1)});
    const std::string table = odo.str("");
    return table.empty() ? "" : "<h3>" + e(d.t("h.backwards")) + "</h3>\n" + table;
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

std::string hours(WholeSeconds s) {
    return print_decimal(double(s) / 3600.0, 1);
}

std::string monthly_figures_html(const MonthTotals& t, const Doc& d) {
    std::string b = "<section class=\"figures\">\n";
    b += figure(print_count(t.rides), d.t("fig.rides"));
    b += figure(print_km(t.meters), d.t("fig.km"));
    b += figure(print_count(t.trips), d.t("fig.trips"));
    b += figure(hours(t.seconds), d.t("fig.hours"));
    b += figure(print_count(t.patients_served), d.t("fig.patients"));
    b += figure(print_count(t.drivers_active), d.t("fig.drivers"));
    b += figure(print_count(t.no_shows), d.t("fig.no_shows"));
    b += figure(print_count(t.cancellations_total), d.t("fig.cancellations"));
    b += "</section>\n";
    return b;
}

// Km and rides per day, kept low: the days table below has the figures.
std::string daily_charts_html(const std::vector<DayLine>& days, const std::string& month,
                              const Doc& d) {
    std::vector<std::string> day_labels;
    std::vector<double> day_km, day_rides;
    for (const DayLine& x : days) {
        day_labels.push_back(std::to_string(unsigned(x.date.day())));
        day_km.push_back(km_of(x.meters));
        day_rides.push_back(double(x.rides));
    }
    const std::string km_title = d.t("chart.km_per_day"), rides_title = d.t("chart.rides_per_day");
    return "<h2>" + e(km_title) + "</h2>\n" +
           bar_chart(d.t("chart.of_month", {{"chart", km_title}, {"month", month}}), day_labels,
                     day_km, "#1f6f8b", 0, 130) +
           "<h2>" + e(rides_title) + "</h2>\n" +
           bar_chart(d.t("chart.of_month", {{"chart", rides_title}, {"month", month}}), day_labels,
                     day_rides, "#e07a2f", 0, 130);
}

// The 25 drivers with the most km; the table lists them all.
std::string driver_chart_html(const std::vector<DriverLine>& drivers, const std::string& month,
                              const Doc& d) {
    const std::size_t shown = std::min<std::size_t>(drivers.size(), 25);
    std::vector<std::string> driver_labels;
    std::vector<double> driver_km;
    for (std::size_t i = 0; i < shown; ++i) {
        driver_labels.push_back(drivers[i].name);
        driver_km.push_back(km_of(drivers[i].meters));
    }
    const std::string title = d.t("chart.km_per_driver");
    std::string b = "<h2>" + e(title) + "</h2>\n";
    if (shown == 0)
        b += "<p class=\"note\">" + e(d.t("no_trips_month")) + "</p>\n";
    else
        b += hbar_chart(d.t("chart.of_month", {{"chart", title}, {"month", month}}), driver_labels,
                        driver_km, "#3c8d5a");
    if (drivers.size() > shown)
        b += "<p class=\"note\">" +
             e(d.t("drivers_shown", {{"shown", print_count(std::int64_t(shown))},
                                     {"all", print_count(std::int64_t(drivers.size()))}})) +
             "</p>\n";
    return b;
}

std::string reason_word(const std::string& reason, const Doc& d) {
    if (reason == "patient")
        return d.t("reason.patient");
    if (reason == "late_cancel")
        return d.t("reason.late_cancel");
    if (reason == "holiday")
        return d.t("reason.holiday");
    if (reason == "weather")
        return d.t("reason.weather");
    if (reason == "other")
        return d.t("reason.other");
    return reason;
}

// The month's measures in two column pairs, to keep the summary on the first page.
std::string monthly_totals_html(const MonthTotals& t, const Occupancy& o, const Doc& d) {
    std::string b = "<h2>" + e(d.t("h.summary")) + "</h2>\n";
    const std::string mark = o.estimated ? " *" : "";
    std::vector<std::pair<std::string, std::string>> rows{
        {d.t("row.rides"), print_count(t.rides)},
        {d.t("row.no_shows"), print_count(t.no_shows)},
        {d.t("row.rides_cancelled"), print_count(t.rides_cancelled)}};
    for (const auto& [reason, count] : t.cancellations)
        rows.push_back({d.t("row.cancelled_requests", {{"reason", reason_word(reason, d)}}),
                        print_count(count)});
    rows.insert(rows.end(), {{d.t("row.trips"), print_count(t.trips)},
                             {d.t("row.open_trips"), print_count(t.open_trips)},
                             {d.t("row.km"), print_km(t.meters)},
                             {d.t("row.hours"), hours(t.seconds)},
                             {d.t("row.patients"), print_count(t.patients_served)},
                             {d.t("row.drivers"), print_count(t.drivers_active)},
                             {d.t("row.vehicles"), print_count(t.vehicles_active)},
                             {d.t("row.occupied"), print_km(o.occupied_meters) + mark},
                             {d.t("row.empty"), print_km(o.empty_meters) + mark}});
    Table totals({d.t("col.measure"), d.t("col.value"), d.t("col.measure"), d.t("col.value")},
                 {false, true, false, true});
    const std::size_t half = (rows.size() + 1) / 2;
    for (std::size_t i = 0; i < half; ++i) {
        const bool right = half + i < rows.size();
        totals.row({rows[i].first, rows[i].second, right ? rows[half + i].first : "",
                    right ? rows[half + i].second : ""});
    }
    b += totals.table_class("pairs").str("");
    if (o.estimated)
        b += "<p class=\"note\">" +
             e(d.t("estimated_note", {{"trips", print_count(o.estimated_trips)},
                                      {"km", print_km(o.estimated_occupied_meters)},
                                      {"measured", print_km(o.measured_occupied_meters)},
                                      {"measured_trips", print_count(o.measured_trips)}})) +
             "</p>\n";
    return b;
}

std::string drivers_table_html(const std::vector<DriverLine>& lines, const Doc& d) {
    std::string b = "<h2>" + e(d.t("h.drivers")) + "</h2>\n";
    Table drivers({d.t("col.driver"), d.t("col.group"), d.t("col.trips"), d.t("col.rides"),
                   d.t("col.km"), d.t("col.hours")},
                  {false, false, true, true, true, true});
    for (const DriverLine& x : lines)
        drivers.row({x.name, x.group, print_count(x.trips), print_count(x.rides),
                     print_km(x.meters), hours(x.seconds)});
    b += drivers.str(d.t("no_trips_month"));
    return b;
}

std::string vehicles_table_html(const std::vector<VehicleLine>& lines, const Doc& d) {
    std::string b = "<h2>" + e(d.t("h.vehicles")) + "</h2>\n";
    Table vehicles({d.t("col.plate"), d.t("col.trips"), d.t("col.km"), d.t("col.first_odometer"),
                    d.t("col.last_odometer")},
                   {false, true, true, true, true});
    for (const VehicleLine& v : lines)
        vehicles.row({v.plate, print_count(v.trips), print_km(v.meters),
                      print_decimal(v.first_odometer, 1), print_decimal(v.last_odometer, 1)});
    b += vehicles.str(d.t("no_trips_month"));
    return b;
}

std::string odometer_integrity_html(const std::vector<OdometerAnomaly>& anomalies, const Doc& d) {
    std::string b = "<h2>" + e(d.t("h.odometer")) + "</h2>\n";
    if (anomalies.empty())
        return b + "<p class=\"note\">" + e(d.t("odo.none")) + "</p>\n";
    b += odometer_summary_html(anomalies, d);
    b += odometer_backwards_html(anomalies, d);
    b += "<p class=\"note warn\">" + e(d.t("odo.listed_as_logged")) + "</p>\n";
    return b;
}

// The days in three blocks side by side, a third of the month each.
std::string days_table_html(const std::vector<DayLine>& lines, const Doc& d) {
    constexpr std::size_t blocks = 3;
    std::string b = "<h2>" + e(d.t("h.days")) + "</h2>\n";
    std::vector<std::string> heads;
    std::vector<bool> numeric;
    for (std::size_t k = 0; k < blocks; ++k) {
        heads.insert(heads.end(),
                     {d.t("col.date"), d.t("col.trips"), d.t("col.rides"), d.t("col.km")});
        numeric.insert(numeric.end(), {false, true, true, true});
    }
    Table days(heads, numeric);
    const std::size_t rows = (lines.size() + blocks - 1) / blocks;
    for (std::size_t r = 0; r < rows; ++r) {
        std::vector<std::string> cells;
        for (std::size_t k = 0; k < blocks; ++k) {
            const std::size_t i = k * rows + r;
            if (i < lines.size())
                cells.insert(cells.end(),
                             {print_day(lines[i].date, d.lang), print_count(lines[i].trips),
                              print_count(lines[i].rides), print_km(lines[i].meters)});
            else
                cells.insert(cells.end(), {"", "", "", ""});
        }
        days.row(cells);
    }
    return b + days.table_class("days").str("");
}

}  // namespace

std::string monthly_html(const MonthlyReport& r, Language lang) {
    const Doc d = doc_of(r.header, lang);
    const std::string month = print_month(r.month, lang);
    const std::string title =
        d.t("title_with_org",
            {{"org", r.header.organisation}, {"title", d.t("monthly.title", {{"month", month}})}});
    HtmlPage page(title, style, d.tag());
    std::string b = header_html(r.header, d, title);
    b += monthly_figures_html(r.totals, d);
    b += monthly_totals_html(r.totals, r.occupancy, d);
    b += daily_charts_html(r.days, month, d);
    b += driver_chart_html(r.drivers, month, d);
    b += drivers_table_html(r.drivers, d);
    b += vehicles_table_html(r.vehicles, d);
    b += odometer_integrity_html(r.odometer, d);
    b += days_table_html(r.days, d);
    return std::move(page.raw(b)).finish();
}

namespace {

std::string totals_figures_html(const TotalsReport& r, const Doc& d) {
    const GoalProgress& p = r.progress;
    std::string b = "<section class=\"figures\">\n";
    b += figure(print_count(r.rides), d.t("fig.rides_total"));
    b += figure(print_km(r.meters), d.t("fig.km_total"));
    b += figure(print_count(r.trips), d.t("fig.trips"));
    b += figure(print_percent(p.rides_fraction),
                d.t("fig.of_rides_goal", {{"goal", print_count(p.goals.rides)}}));
    b += figure(print_percent(p.km_fraction),
                d.t("fig.of_km_goal", {{"goal", print_count(std::int64_t(p.goals.km))}}));
    b += "</section>\n";
    return b;
}

std::string totals_charts_html(const TotalsReport& r, const Doc& d) {
    const GoalProgress& p = r.progress;
    std::vector<std::string> labels;
    std::vector<double> cum_km, goal_km, cum_rides, goal_rides;
    for (const MonthTotalsLine& m : r.months) {
        labels.push_back(print_month_short(m.month, d.lang));
        cum_km.push_back(km_of(m.cumulative_meters));
        goal_km.push_back(m.goal_pace_km);
        cum_rides.push_back(double(m.cumulative_rides));
        goal_rides.push_back(m.goal_pace_rides);
    }
    const auto names = [&](const std::string& actual, const std::string& goal) {
        return LineNames{actual, goal, d.t("legend.dashed", {{"actual", actual}, {"goal", goal}})};
    };
    const std::string km_title = d.t("h.cumulative_km"), rides_title = d.t("h.cumulative_rides");
    std::string b =
        "<h2>" + e(km_title) + "</h2>\n" +
        line_chart(km_title, labels, cum_km, goal_km, "#1f6f8b",
                   names(d.t("legend.km_so_far"),
                         d.t("legend.km_pace", {{"goal", print_count(std::int64_t(p.goals.km))}})));
    b += "<h2>" + e(rides_title) + "</h2>\n" +
         line_chart(rides_title, labels, cum_rides, goal_rides, "#e07a2f",
                    names(d.t("legend.rides_so_far"),
                          d.t("legend.rides_pace", {{"goal", print_count(p.goals.rides)}})));
    return b;
}

std::string totals_progress_html(const GoalProgress& p, const Doc& d) {
    std::string b = "<h2>" + e(d.t("h.progress")) + "</h2>\n";
    Table goals({d.t("col.measure"), d.t("col.goal"), d.t("col.so_far"), d.t("col.share"),
                 d.t("col.projected")},
                {false, true, true, true, true});
    goals.row({d.t("row.rides_goal"), print_count(p.goals.rides), print_count(p.rides),
               print_percent(p.rides_fraction),
               p.projected_rides ? print_count(std::llround(*p.projected_rides)) : "—"});
    goals.row({d.t("row.km_goal"), print_count(std::int64_t(p.goals.km)), print_km(p.meters),
               print_percent(p.km_fraction),
               p.projected_km ? print_km(std::llround(*p.projected_km * 1000)) : "—"});
    b += goals.str("");
    b += "<p class=\"note\">" +
         e(d.t("goal_period", {{"from", print_date(p.goals.from, d.lang)},
                               {"to", print_date(p.goals.to, d.lang)},
                               {"as_of", print_date_time(p.as_of, d.zone, d.lang)}})) +
         "</p>\n";
    return b;
}

std::string totals_months_html(const std::vector<MonthTotalsLine>& lines, const Doc& d) {
    std::string b = "<h2>" + e(d.t("h.months")) + "</h2>\n";
    Table months({d.t("col.month"), d.t("col.trips"), d.t("col.rides"), d.t("col.km"),
                  d.t("col.rides_so_far"), d.t("col.km_so_far")},
                 {false, true, true, true, true, true});
    for (const MonthTotalsLine& m : lines)
        months.row({print_month(m.month, d.lang), print_count(m.trips), print_count(m.rides),
                    print_km(m.meters), print_count(m.cumulative_rides),
                    print_km(m.cumulative_meters)});
    return b + months.str("");
}

}  // namespace

std::string totals_html(const TotalsReport& r, Language lang) {
    const Doc d = doc_of(r.header, lang);
    const std::string title =
        d.t("title_with_org",
            {{"org", r.header.organisation},
             {"title", d.t("totals.title", {{"from", print_month(r.from_month, lang)},
                                            {"to", print_month(r.to_month, lang)}})}});
    HtmlPage page(title, style, d.tag());
    std::string b = header_html(r.header, d, title);
    b += totals_figures_html(r, d);
    b += totals_charts_html(r, d);
    b += totals_progress_html(r.progress, d);
    b += totals_months_html(r.months, d);
    return std::move(page.raw(b)).finish();
}

namespace {

std::string statement_trips_html(const MileageStatement& s, const Doc& d) {
    Table trips(
        {d.t("col.trip"), d.t("col.vehicle"), d.t("col.started"), d.t("col.ended"),
         d.t("col.odometer_start"), d.t("col.odometer_end"), d.t("col.km"), d.t("col.rides")},
        {true, false, false, false, true, true, true, true});
    for (const StatementTrip& t : s.trips)
        trips.row({"#" + std::to_string(t.id), t.plate,
                   print_day_time(t.started_at, d.zone, d.lang),
                   print_day_time(t.ended_at, d.zone, d.lang), print_decimal(t.odometer_start, 1),
                   print_decimal(t.odometer_end, 1), print_km(t.meters), print_count(t.rides)});
    return "<h2>" + e(d.t("h.trips")) + "</h2>\n" + trips.str(d.t("statement.no_trips"));
}

std::string statement_approval_html(const MileageStatement& s, const Doc& d) {
    if (!s.approval)
        return "<p class=\"note\">" + e(d.t("statement.not_approved")) + "</p>\n";
    std::string b = "<p>" +
                    e(d.t("statement.approved",
                          {{"name", s.approval->approved_by_name},
                           {"time", print_date_time(s.approval->approved_at, d.zone, d.lang)},
                           {"km", print_decimal(s.approval->km, 1)},
                           {"amount", print_decimal(s.approval->amount, 2)},
                           {"currency", d.currency_word(s.currency)}})) +
                    "</p>\n";
    if (s.changed_since_approval)
        b += "<p class=\"warn\">" + e(d.t("statement.changed")) + "</p>\n";
    return b;
}

std::string statement_html(const ReportHeader& h, const MileageStatement& s, const Doc& d) {
    std::string b = "<section class=\"statement\">\n";
    b += header_html(h, d, d.t("statement.title", {{"month", print_month(s.month, d.lang)}}));
    b += "<section class=\"figures\">\n";
    b += figure(s.driver_name, s.group.empty() ? d.t("statement.volunteer") : s.group);
    b += figure(print_km(s.meters), d.t("statement.km_own"));
    b += figure(d.money(s.amount, s.currency),
                d.t("statement.rate", {{"rate", print_decimal(s.per_km_rate, 2)},
                                       {"currency", d.currency_word(s.currency)}}));
    b += "</section>\n";
    b += statement_trips_html(s, d);
    b += "<p class=\"note\">" + e(d.t("times_local", {{"zone", h.time_zone}})) + "</p>\n";
    b += statement_approval_html(s, d);
    b += "<div class=\"sign\"><div>" + e(d.t("sign.volunteer")) + "</div><div>" +
         e(d.t("sign.coordinator")) + "</div><div>" + e(d.t("sign.date")) + "</div></div>\n";
    return b + "</section>\n";
}

}  // namespace

std::string statements_html(const StatementsReport& r, Language lang) {
    const Doc d = doc_of(r.header, lang);
    const std::string title =
        d.t("title_with_org",
            {{"org", r.header.organisation},
             {"title", d.t("statements.title", {{"month", print_month(r.month, lang)}})}});
    HtmlPage page(title, style, d.tag());
    std::string b;
    if (r.statements.empty())
        b += header_html(r.header, d, title) + "<p class=\"note\">" + e(d.t("statements.none")) +
             "</p>\n";
    for (const MileageStatement& s : r.statements)
        b += statement_html(r.header, s, d);
    return std::move(page.raw(b)).finish();
}

}  // namespace lifeline
