// Reports over HTTP: /api/v1/reports/… as JSON (default), CSV or printable HTML.
#include <cmath>

#include "api_common.h"
#include "api_routes.h"
#include "lifeline/core/clock.h"
#include "lifeline/core/reports/print.h"
#include "lifeline/core/reports/report_render.h"
#include "lifeline/core/reports/reports.h"
#include "lifeline/net/report_json.h"
#include "lifeline/net/router.h"

namespace lifeline::net {
namespace {

// Hours with two decimals: volunteer time is reported, not billed to the second.
double hours_of(WholeSeconds s) {
    return std::round(double(s) / 36.0) / 100.0;
}

json::object header_json(const ReportHeader& h) {
    return json::object{{"organisation", h.organisation},
                        {"time_zone", h.time_zone},
                        {"generated_at", format_instant(h.generated_at)}};
}

json::object monthly_json(const MonthlyReport& r) {
    json::object o = header_json(r.header);
    o["month"] = format_month(r.month);
    o["from"] = format_instant(r.from);
    o["to"] = format_instant(r.to);

    const MonthTotals& t = r.totals;
    json::object reasons;
    for (const auto& [reason, n] : t.cancellations)
        reasons[reason] = n;
    o["totals"] = json::object{
        {"rides", t.rides},
        {"no_shows", t.no_shows},
        {"rides_cancelled", t.rides_cancelled},
        {"cancellations", {{"total", t.cancellations_total}, {"by_reason", std::move(reasons)}}},
        {"trips", t.trips},
        {"open_trips", t.open_trips},
        {"km", km_of(t.meters)},
        {"volunteer_hours", hours_of(t.seconds)},
        {"patients_served", t.patients_served},
        {"drivers_active", t.drivers_active},
        {"vehicles_active", t.vehicles_active},
    };
    const Occupancy& occ = r.occupancy;
    o["occupancy"] = json::object{
        {"occupied_km", km_of(occ.occupied_meters)},
        {"empty_km", km_of(occ.empty_meters)},
        {"measured_occupied_km", km_of(occ.measured_occupied_meters)},
        {"estimated_occupied_km", km_of(occ.estimated_occupied_meters)},
        {"measured_trips", occ.measured_trips},
        {"estimated_trips", occ.estimated_trips},
        {"estimated", occ.estimated},
    };
    json::array drivers;
    for (const DriverLine& d : r.drivers)
        drivers.push_back(json::object{{"driver_id", d.driver_id},
                                       {"name", d.name},
                                       {"group", d.group},
                                       {"trips", d.trips},
                                       {"rides", d.rides},
                                       {"km", km_of(d.meters)},
                                       {"hours", hours_of(d.seconds)}});
    o["drivers"] = std::move(drivers);
    json::array vehicles;
    for (const VehicleLine& v : r.vehicles)
        vehicles.push_back(json::object{{"vehicle_id", v.vehicle_id},
                                        {"plate", v.plate},
                                        {"trips", v.trips},
                                        {"km", km_of(v.meters)},
                                        {"first_odometer", v.first_odometer},
                                        {"last_odometer", v.last_odometer}});
    o["vehicles"] = std::move(vehicles);
    json::array days;
    for (const DayLine& d : r.days)
        days.push_back(json::object{{"date", format_date(d.date)},
                                    {"trips", d.trips},
                                    {"rides", d.rides},
                                    {"km", km_of(d.meters)}});
    o["days"] = std::move(days);
    json::array odometer;
    for (const OdometerAnomaly& a : r.odometer)
        odometer.push_back(
            json::object{{"issue", to_string(a.issue)},
                         {"vehicle_id", a.vehicle_id},
                         {"plate", a.plate},
                         {"previous_trip_id", a.previous_trip},
                         {"previous_started_at", format_instant(a.previous_started_at)},
                         {"previous_reading", a.previous_reading},
                         {"trip_id", a.trip},
                         {"started_at", format_instant(a.started_at)},
                         {"odometer_start", a.odometer_start},
                         {"gap_km", a.gap_km}});
    o["odometer"] = std::move(odometer);
    return o;
}

json::object totals_json(const TotalsReport& r) {
    json::object o = header_json(r.header);
    o["from"] = format_month(r.from_month);
    o["to"] = format_month(r.to_month);
    o["totals"] = json::object{{"trips", r.trips}, {"rides", r.rides}, {"km", km_of(r.meters)}};
    json::array months;
    for (const MonthTotalsLine& m : r.months)
        months.push_back(json::object{{"month", format_month(m.month)},
                                      {"trips", m.trips},
                                      {"rides", m.rides},
                                      {"km", km_of(m.meters)},
                                      {"cumulative_rides", m.cumulative_rides},
                                      {"cumulative_km", km_of(m.cumulative_meters)},
                                      {"goal_pace_rides", m.goal_pace_rides},
                                      {"goal_pace_km", m.goal_pace_km}});
    o["months"] = std::move(months);
    const GoalProgress& p = r.progress;
    o["goals"] = json::object{
        {"rides", p.goals.rides},
        {"km", p.goals.km},
        {"from", format_date(p.goals.from)},
        {"to", format_date(p.goals.to)},
        {"as_of", format_instant(p.as_of)},
        {"rides_to_date", p.rides},
        {"km_to_date", km_of(p.meters)},
        {"rides_fraction", p.rides_fraction},
        {"km_fraction", p.km_fraction},
        {"projected_rides", number_json(p.projected_rides)},
        {"projected_km", number_json(p.projected_km)},
    };
    return o;
}

json::object statement_json(const MileageStatement& s) {
    json::array trips;
    for (const StatementTrip& t : s.trips)
        trips.push_back(json::object{{"trip_id", t.id},
                                     {"vehicle_id", t.vehicle_id},
                                     {"plate", t.plate},
                                     {"started_at", format_instant(t.started_at)},
                                     {"ended_at", format_instant(t.ended_at)},
                                     {"odometer_start", t.odometer_start},
                                     {"odometer_end", t.odometer_end},
                                     {"km", km_of(t.meters)},
                                     {"rides", t.rides}});
    json::value approval = nullptr;
    if (s.approval)
        approval = json::object{{"approved_by", s.approval->approved_by},
                                {"approved_by_name", s.approval->approved_by_name},
                                {"approved_at", format_instant(s.approval->approved_at)},
                                {"km", s.approval->km},
                                {"amount", s.approval->amount}};
    return json::object{{"driver_id", s.driver_id},
                        {"driver_name", s.driver_name},
                        {"group", s.group},
                        {"month", format_month(s.month)},
                        {"trips", std::move(trips)},
                        {"km", km_of(s.meters)},
                        {"per_km_rate", s.per_km_rate},
                        {"currency", s.currency},
                        {"amount", s.amount},
                        {"approval", std::move(approval)},
                        {"changed_since_approval", s.changed_since_approval}};
}

json::object statements_json(const StatementsReport& r) {
    json::object o = header_json(r.header);
    o["month"] = format_month(r.month);
    json::array items;
    for (const MileageStatement& s : r.statements)
        items.push_back(statement_json(s));
    o["statements"] = std::move(items);
    return o;
}

enum class Format { json, csv, html };

struct Output {
    Format format = Format::json;
    std::string table;                // csv only; empty: the report's first table
    Language lang = Language::zh_CN;  // html only
};

// ?format=, ?table= and ?lang= (default: the organisation's language), every bad one named.
Output output_of(const Request& q, const Settings& settings, FieldErrors& errs) {
    Output out;
    out.lang = print_language_from(settings.language).value_or(Language::zh_CN);
    if (auto l = q.query_param("lang")) {
        if (auto lang = print_language_from(*l))
            out.lang = *lang;
        else
            errs.add("lang", msg("print.lang"));
    }
    if (auto f = q.query_param("format")) {
        if (*f == "json")
            out.format = Format::json;
        else if (*f == "csv")
            out.format = Format::csv;
        else if (*f == "html")
            out.format = Format::html;
        else
            errs.add("format", msg("reports.format"));
    }
    if (auto t = q.query_param("table")) {
        if (out.format != Format::csv)
            errs.add("table", msg("reports.table_csv_only"));
        out.table = std::string(*t);
    }
    return out;
}

LocalDate month_param(const Request& q, const char* name, FieldErrors& errs) {
    auto text = q.query_param(name);
    if (!text) {
        errs.add(name, msg("field.month_required"));
        return {};
    }
    auto m = parse_month(*text);
    if (!m) {
        errs.add(name, msg("field.not_month"));
        return {};
    }
    return *m;
}

Response text_response(std::string body, const char* content_type, const std::string& filename) {
    Response res;
    res.status = 200;
    res.content_type = content_type;
    res.body = std::move(body);
    if (!filename.empty())
        res.set_header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    return res;
}

Response csv_response(std::string body, const std::string& name) {
    return text_response(std::move(body), "text/csv; charset=utf-8", name + ".csv");
}

Response html_response(std::string body, Language lang) {
    Response res = text_response(std::move(body), "text/html; charset=utf-8", "");
    res.set_header("Content-Language", std::string(to_tag(lang)));
    return res;
}

Response raw_json(std::string body) {
    Response res;
    res.status = 200;
    res.content_type = "application/json";
    res.body = std::move(body);
    return res;
}

std::string table_or(const Output& out, const std::vector<std::string>& tables) {
    return out.table.empty() ? tables.front() : out.table;
}

Response monthly(Services& s, Request& q) {
    Actor actor = authenticate(s, q);
    require_dispatcher(actor);
    FieldErrors errs;
    LocalDate month = month_param(q, "month", errs);
    Output out = output_of(q, s.settings.get(), errs);
    errs.throw_if_any();
    MonthlyReport r = s.reports.monthly(actor, month, s.clock.now());
    switch (out.format) {
        case Format::csv: {
            std::string table = table_or(out, monthly_csv_tables());
            std::string body = monthly_csv(r, table);
            return csv_response(std::move(body),
                                "lifeline-monthly-" + format_month(r.month) + "-" + table);
        }
        case Format::html:
            return html_response(monthly_html(r, out.lang), out.lang);
        case Format::json:
        default:
            return raw_json(monthly_json_text(r));
    }
}

Response totals(Services& s, Request& q) {
    Actor actor = authenticate(s, q);
    require_dispatcher(actor);
    FieldErrors errs;
    LocalDate from = month_param(q, "from", errs);
    LocalDate to = month_param(q, "to", errs);
    Output out = output_of(q, s.settings.get(), errs);
    errs.throw_if_any();
    TotalsReport r = s.reports.totals(actor, from, to, s.clock.now());
    switch (out.format) {
        case Format::csv: {
            std::string table = table_or(out, totals_csv_tables());
            std::string body = totals_csv(r, table);
            return csv_response(std::move(body), "lifeline-totals-" + format_month(r.from_month) +
                                                     "-" + format_month(r.to_month) + "-" + table);
        }
        case Format::html:
            return html_response(totals_html(r, out.lang), out.lang);
        case Format::json:
        default:
            return raw_json(totals_json_text(r));
    }
}

Response statements(Services& s, Request& q) {
    Actor actor = authenticate(s, q);
    FieldErrors errs;
    LocalDate month = month_param(q, "month", errs);
    std::optional<DriverId> driver;
    if (q.query_param("driver_id")) {
        driver = query_id(q, "driver_id");
        if (!driver)
            errs.add("driver_id", msg("field.not_id"));
    }
    Output out = output_of(q, s.settings.get(), errs);
    errs.throw_if_any();
    StatementsReport r = s.reports.statements(actor, month, driver, s.clock.now());
    switch (out.format) {
        case Format::csv: {
            std::string table = table_or(out, statements_csv_tables());
            std::string body = statements_csv(r, table);
            return csv_response(std::move(body),
                                "lifeline-statements-" + format_month(r.month) + "-" + table);
        }
        case Format::html:
            return html_response(statements_html(r, out.lang), out.lang);
        case Format::json:
        default:
            return raw_json(statements_json_text(r));
    }
}

Response approve(Services& s, Request& q) {
    Actor actor = authenticate(s, q);
    require_dispatcher(actor);
    json::object body = parse_object(q);
    FieldErrors errs;
    Fields f(body, errs);
    auto driver = f.id("driver_id", Need::required);
    auto month_text = f.text("month", Need::required, 7);
    std::optional<LocalDate> month;
    if (month_text) {
        month = parse_month(*month_text);
        if (!month)
            errs.add("month", msg("field.not_month"));
    }
    f.finish();
    errs.throw_if_any();
    return raw_json(statement_json_text(s.reports.approve(actor, *driver, *month, s.clock.now())));
}

}  // namespace

std::string monthly_json_text(const MonthlyReport& r) {
    return to_json_text(monthly_json(r));
}
std::string totals_json_text(const TotalsReport& r) {
    return to_json_text(totals_json(r));
}
std::string statements_json_text(const StatementsReport& r) {
    return to_json_text(statements_json(r));
}
std::string statement_json_text(const MileageStatement& s) {
    return to_json_text(statement_json(s));
}

void register_report_routes(Router& r, Services& s) {
    r.add("GET", "/api/v1/reports/monthly", [&s](Request& q) { return monthly(s, q); });
    r.add("GET", "/api/v1/reports/totals", [&s](Request& q) { return totals(s, q); });
    r.add("GET", "/api/v1/reports/statements", [&s](Request& q) { return statements(s, q); });
    r.add("POST", "/api/v1/reports/statements/approve",
          idempotent(s, [&s](Request& q) { return approve(s, q); }));
}

}  // namespace lifeline::net
