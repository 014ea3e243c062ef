// The run sheets as one printable page: a sheet per route on A4, in the organisation's
// language, with empty boxes for what the driver writes by hand. Built with the reports'
// page and table (reports/html_page.h) and the printed documents' words and dates
// (reports/print.h): XHTML-style, inline CSS, no script, every stored string escaped.
#include "lifeline/core/dispatch/run_sheets.h"
#include "lifeline/core/reports/print.h"
#include "lifeline/core/time.h"
#include "reports/html_page.h"

namespace lifeline {
namespace {

using html::e;
using html::HtmlPage;
using html::Table;

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

std::string needs(const RunSheetStop& s, Language l) {
    std::string out =
        s.wheelchair ? print_text(l, "sheet.wheelchair") : print_text(l, "sheet.walks");
    if (s.escort)
        out += " · " + print_text(l, "sheet.escort");
    if (s.passengers > 1)
        out += " · " + print_text(l, "sheet.passengers", {{"n", std::to_string(s.passengers)}});
    return out;
}

std::string stops_table(const RunSheet& sheet, Language l) {
    Table t({print_text(l, "sheet.col.seq"), print_text(l, "sheet.col.planned"),
             print_text(l, "sheet.col.stop"), print_text(l, "sheet.col.patient"),
             print_text(l, "sheet.col.phone"), print_text(l, "sheet.col.needs"),
             print_text(l, "sheet.col.place"), print_text(l, "sheet.col.notes"),
             print_text(l, "sheet.col.actual")},
            {true, false, false, false, false, false, false, false, false});
    for (const RunSheetStop& s : sheet.stops) {
        const std::string place =
            (s.place.empty() ? "" : "<span class=\"place\">" + e(s.place) + "</span><br/>") +
            e(s.address);
        const std::string kind = s.kind == StopKind::pickup ? print_text(l, "sheet.pickup")
                                                            : print_text(l, "sheet.dropoff");
        t.row_markup({std::to_string(s.seq), "<span class=\"time\">" + e(s.time) + "</span>",
                      "<span class=\"kind\">" + kind + "</span>",
                      "<span class=\"who\">" + e(s.patient_name) + "</span>",
                      "<span class=\"who\">" + e(s.phone) + "</span>", e(needs(s, l)), place,
                      multiline(s.notes), "<span class=\"box\"></span>"});
    }
    return t.str(print_text(l, "sheet.no_stops"));
}

std::string sheet_html(const RunSheetDay& day, const RunSheet& sheet, Language l) {
    // Our own words, free of markup characters: written as they are.
    const auto w = [l](PrintKey key) { return print_text(l, key); };
    std::string b = "<section class=\"sheet\" data-route=\"" + std::to_string(sheet.route_id) +
                    "\">\n<header>\n";
    b += "<h1>" + e(day.organisation) + " — " + w("sheet.title") + "</h1>\n";
    b += "<p class=\"meta\"><b>" + e(sheet_date(day.date, l)) + "</b> · " + w("sheet.route") +
         " #" + std::to_string(sheet.route_id);
    if (!sheet.starts.empty())
        b += " · " + w("sheet.planned") + " " + e(sheet.starts) + "–" + e(sheet.ends);
    b += "</p>\n<p class=\"meta\">" + w("sheet.driver") + ": <b>" + e(sheet.driver_name) + "</b>" +
         (sheet.driver_phone.empty() ? "" : " (" + e(sheet.driver_phone) + ")") + " · " +
         w("sheet.vehicle") + ": <b>" + e(sheet.plate) + "</b>" +
         (sheet.vehicle.empty() ? "" : " (" + e(sheet.vehicle) + ")") + "</p>\n</header>\n";
    b += stops_table(sheet, l);
    b += "<div class=\"hand\"><div>" + w("sheet.odometer_start") +
         "<span class=\"box wide\"></span></div><div>" + w("sheet.odometer_end") +
         "<span class=\"box wide\"></span></div><div class=\"sign\">" + w("sheet.signature") +
         "<span></span></div></div>\n";
    b += "<p class=\"note\">" + e(print_text(l, "sheet.times_local", {{"zone", day.time_zone}})) +
         "</p>\n";
    return b + "</section>\n";
}

}  // namespace

const char* run_sheets_style() {
    return style;
}

std::string sheet_date(LocalDate d, SheetLanguage lang) {
    return print_date_weekday(d, lang);
}

std::string run_sheets_html(const RunSheetDay& day, SheetLanguage lang) {
    const std::string title = print_text(lang, "sheet.title");
    HtmlPage page(day.organisation + " — " + print_text(lang, "sheet.title") + " " +
                      sheet_date(day.date, lang),
                  style, lang == Language::en ? "en" : "zh-CN");
    std::string b;
    for (const RunSheet& sheet : day.sheets)
        b += sheet_html(day, sheet, lang);
    if (day.sheets.empty())
        b += "<section class=\"sheet\">\n<header>\n<h1>" + e(day.organisation) + " — " + title +
             "</h1>\n<p class=\"meta\"><b>" + e(sheet_date(day.date, lang)) + "</b></p>\n" +
             "</header>\n<p>" + print_text(lang, "sheet.no_routes") + "</p>\n</section>\n";
    return std::move(page.raw(b)).finish();
}

}  // namespace lifeline
