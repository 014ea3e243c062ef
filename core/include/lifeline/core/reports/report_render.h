#pragma once
// The reports as CSV and HTML text: pure string builders, no I/O, shared by the HTTP API
// and the `lifeline report` command (JSON is the API's own format and lives in net/).
//
// CSV: UTF-8 with a byte-order mark (spreadsheet programs then show Chinese names
// correctly), CRLF line ends and RFC 4180 quoting; one table per call.
// HTML: one self-contained printable document for A4, inline CSS and inline SVG charts, no
// external resources; every stored string is escaped.

#include <string>
#include <string_view>
#include <vector>

#include "lifeline/core/messages.h"
#include "lifeline/core/reports/reports.h"

namespace lifeline {

// The tables each report offers as CSV; the first is the default.
const std::vector<std::string>& monthly_csv_tables();  // totals, drivers, vehicles, days, odometer
const std::vector<std::string>& totals_csv_tables();   // months, goals
const std::vector<std::string>& statements_csv_tables();  // statements, trips

// Throw Error(invalid) naming "table" for a table the report does not have.
std::string monthly_csv(const MonthlyReport& r, std::string_view table);
std::string totals_csv(const TotalsReport& r, std::string_view table);
std::string statements_csv(const StatementsReport& r, std::string_view table);

// In `lang` (docs/reports.md, "Languages"): words, dates, local times and numbers.
std::string monthly_html(const MonthlyReport& r, Language lang);
std::string totals_html(const TotalsReport& r, Language lang);
std::string statements_html(const StatementsReport& r, Language lang);

// RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled.
std::string csv_field(std::string_view s);
// &, <, >, " and ' as character references.
std::string html_escape(std::string_view s);

}  // namespace lifeline
