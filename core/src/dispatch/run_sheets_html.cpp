// The run sheets as one printable page: a sheet per route on A4, in the organisation's
// language, with empty boxes for what the driver writes by hand. Built with the reports'
// page and table (reports/html_page.h): XHTML-style, inline CSS, no script, every stored
// string escaped.
#include <array>

#include "lifeline/core/dispatch/run_sheets.h"
#include "lifeline/core/time.h"
#include "reports/html_page.h"

namespace lifeline {
namespace {

using html::e;
using html::HtmlPage;
using html::Table;

// What a sheet says, in each language.
struct Labels {
    const char* lang;
    const char* title;  // of the page and of each sheet
    const char* route;
    const char* driver;
    const char* vehicle;
    const char* planned;  // the route's planned span
    std::array<const char*, 9> columns;
    const char* pickup;
    const char* dropoff;
    const char* wheelchair;
    const char* walks;
    const char* escort;
    const char* passengers;  // "%d" is replaced by the count
    const char* odometer_start;
    const char* odometer_end;
    const char* signature;
    const char* times_local;  // "%s" is replaced by the zone
    const char* no_stops;
    const char* no_routes;
    std::array<const char*, 7> weekdays;  // Monday first
    std::array<const char*, 12> months;
};

constexpr Labels zh{
    "zh-CN",
    "路单",
    "路线",
    "司机",
    "车辆",
    "计划",
    {"序号", "计划时间", "上/下车", "患者", "电话", "轮椅/陪同", "地点", "备注", "实际时间"},
    "上车",
    "下车",
    "轮椅",
    "可步行",
    "有陪同",
    "共%d人",
    "出车里程 (km)",
    "收车里程 (km)",
    "司机签名",
    "时间均为当地时间（%s）。请在方框内手写实际时间和里程表读数。",
    "这条路线没有站点。",
    "这一天没有路线。",
    {"星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"},
    {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"},
};

constexpr Labels en{
    "en",
    "Run sheet",
    "Route",
    "Driver",
    "Vehicle",
    "Planned",
    {"#", "Planned", "Stop", "Patient", "Phone", "Wheelchair / escort", "Place", "Notes",
     "Actual time"},
    "Pick up",
    "Drop off",
    "wheelchair",
    "walks",
    "escort",
    "%d people",
    "Odometer at start (km)",
    "Odometer at end (km)",
    "Driver's signature",
    "Times are local (%s). Write the actual times and odometer readings in the boxes.",
    "This route has no stops.",
    "No routes on this day.",
    {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"},
    {"January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"},
};

const Labels& labels(SheetLanguage lang) {
    return lang == SheetLanguage::en ? en : zh;
}

std::string replaced(const char* pattern, const std::string& value) {
    std::string s = pattern;
    for (const char* token : {"%d", "%s"})
        if (auto at = s.find(token); at != std::string::npos)
            s.replace(at, 2, value);
    return s;
}

constexpr const char* style = R"css(
@page { size: A4 portrait; margin: 10mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       "Helvetica Neue", Arial, sans-serif; font-size: 9.5pt; color: #111; margin: 0 auto;
       max-width: 190mm; line-height: 1.3; }
.sheet { page-break-after: always; break-after: page; padding: 2mm 0; }
.sheet:last-child { page-break-after: auto; break-after: auto; }
header { border-bottom: 2px solid #111; margin-bottom: 3mm; padding-bottom: 1.5mm; }
h1 { font-size: 15pt; margin: 0 0 1mm 0; }
p.meta { margin: 0.5mm 0; font-size: 10.5pt; }
p.meta b { font-weight: 700; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #555; padding: 1.2mm 1.2mm; text-align: left; vertical-align: top; }
th { background: #eee; font-weight: 700; font-size: 8.5pt; }
td.num, th.num { text-align: right; }
tr { page-break-inside: avoid; break-inside: avoid; }
.kind { white-space: nowrap; font-weight: 700; }
.time { white-space: nowrap; font-size: 11pt; font-weight: 700; }
.place { font-weight: 700; }
.who { white-space: nowrap; }
.box { display: inline-block; width: 20mm; height: 9mm; border: 1.5px solid #111; }
.wide { width: 38mm; }
.hand { display: flex; gap: 8mm; margin-top: 6mm; align-items: flex-end; flex-wrap: wrap; }
.hand div { font-size: 10pt; }
.hand .box { display: block; margin-top: 1mm; }
.sign { flex: 1; min-width: 50mm; }
.sign span { display: block; border-bottom: 1.5px solid #111; height: 10mm; }
.note { font-size: 8.5pt; margin-top: 3mm; }
)css";

std::string multiline(const std::string& text) {
    std::string out;
    for (char c : e(text)) {
        if (c == '\n')
            out += "<br/>";
        else
            out += c;
    }
    return out;
}

std::string needs(const RunSheetStop& s, const Labels& l) {
    std::string out = s.wheelchair ? l.wheelchair : l.walks;
    if (s.escort)
        out += std::string(" · ") + l.escort;
    if (s.passengers > 1)
        out += " · " + replaced(l.passengers, std::to_string(s.passengers));
    return out;
}

std::string stops_table(const RunSheet& sheet, const Labels& l) {
    std::vector<std::string> heads(l.columns.begin(), l.columns.end());
    Table t(heads, {true, false, false, false, false, false, false, false, false});
    for (const RunSheetStop& s : sheet.stops) {
        const std::string place =
            (s.place.empty() ? "" : "<span class=\"place\">" + e(s.place) + "</span><br/>") +
            e(s.address);
        t.row_markup({std::to_string(s.seq), "<span class=\"time\">" + e(s.time) + "</span>",
                      std::string("<span class=\"kind\">") +
                          (s.kind == StopKind::pickup ? l.pickup : l.dropoff) + "</span>",
                      "<span class=\"who\">" + e(s.patient_name) + "</span>",
                      "<span class=\"who\">" + e(s.phone) + "</span>", e(needs(s, l)), place,
                      multiline(s.notes), "<span class=\"box\"></span>"});
    }
    return t.str(l.no_stops);
}

std::string sheet_html(const RunSheetDay& day, const RunSheet& sheet, SheetLanguage lang) {
    const Labels& l = labels(lang);
    std::string b = "<section class=\"sheet\" data-route=\"" + std::to_string(sheet.route_id) +
                    "\">\n<header>\n";
    b += "<h1>" + e(day.organisation) + " — " + l.title + "</h1>\n";
    b += "<p class=\"meta\"><b>" + e(sheet_date(day.date, lang)) + "</b> · " + l.route + " #" +
         std::to_string(sheet.route_id);
    if (!sheet.starts.empty())
        b += std::string(" · ") + l.planned + " " + e(sheet.starts) + "–" + e(sheet.ends);
    b += "</p>\n<p class=\"meta\">" + std::string(l.driver) + ": <b>" + e(sheet.driver_name) +
         "</b>" + (sheet.driver_phone.empty() ? "" : " (" + e(sheet.driver_phone) + ")") + " · " +
         l.vehicle + ": <b>" + e(sheet.plate) + "</b>" +
         (sheet.vehicle.empty() ? "" : " (" + e(sheet.vehicle) + ")") + "</p>\n</header>\n";
    b += stops_table(sheet, l);
    b += "<div class=\"hand\"><div>" + std::string(l.odometer_start) +
         "<span class=\"box wide\"></span></div><div>" + l.odometer_end +
         "<span class=\"box wide\"></span></div><div class=\"sign\">" + l.signature +
         "<span></span></div></div>\n";
    b += "<p class=\"note\">" + e(replaced(l.times_local, day.time_zone)) + "</p>\n";
    return b + "</section>\n";
}

}  // namespace

const char* run_sheets_style() {
    return style;
}

std::string sheet_date(LocalDate d, SheetLanguage lang) {
    const Labels& l = labels(lang);
    const unsigned weekday = iso_weekday(d);
    const unsigned month = unsigned(d.month());
    const std::string year = std::to_string(int(d.year())), day = std::to_string(unsigned(d.day()));
    if (lang == SheetLanguage::en)
        return std::string(l.weekdays[weekday - 1]) + " " + day + " " + l.months[month - 1] + " " +
               year;
    return year + "年" + l.months[month - 1] + "月" + day + "日 " + l.weekdays[weekday - 1];
}

std::string run_sheets_html(const RunSheetDay& day, SheetLanguage lang) {
    const Labels& l = labels(lang);
    HtmlPage page(day.organisation + " — " + l.title + " " + sheet_date(day.date, lang), style,
                  l.lang);
    std::string b;
    for (const RunSheet& sheet : day.sheets)
        b += sheet_html(day, sheet, lang);
    if (day.sheets.empty())
        b += "<section class=\"sheet\">\n<header>\n<h1>" + e(day.organisation) + " — " + l.title +
             "</h1>\n<p class=\"meta\"><b>" + e(sheet_date(day.date, lang)) + "</b></p>\n" +
             "</header>\n<p>" + l.no_routes + "</p>\n</section>\n";
    return std::move(page.raw(b)).finish();
}

}  // namespace lifeline
