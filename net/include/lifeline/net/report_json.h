#pragma once
// The reports as JSON text (the API's format=json, and `lifeline report --format json`).
// Boost-free so that tools/ can use it without compiling Boost.JSON headers.

#include <string>

#include "lifeline/core/reports/reports.h"

namespace lifeline::net {

std::string monthly_json_text(const MonthlyReport& r);
std::string totals_json_text(const TotalsReport& r);
std::string statements_json_text(const StatementsReport& r);
std::string statement_json_text(const MileageStatement& s);

}  // namespace lifeline::net
