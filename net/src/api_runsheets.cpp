// GET /api/v1/days/{date}/runsheets?format=html: the day's routes as printable run sheets
// (docs/dispatch.md §7), for dispatchers. The page is built in core (run_sheets.h).
#include <charconv>

#include "api_common.h"
#include "api_routes.h"
#include "lifeline/core/dispatch/dispatch.h"
#include "lifeline/net/router.h"

namespace lifeline::net {
namespace {

struct SheetQuery {
    LocalDate date{};
    SheetLanguage lang = SheetLanguage::zh_CN;
    std::optional<RouteId> route;
};

// Every bad parameter is named at once (400, as every malformed parameter), so the board or a
// bookmark is fixed in one go.
SheetQuery read_query(const Request& q, const Settings& settings) {
    SheetQuery out;
    FieldErrors errs;
    auto date = parse_date(q.param("date").value_or(""));
    if (!date)
        errs.add("date", msg("field.not_date"));
    else
        out.date = *date;
    if (auto f = q.query_param("format"); f && *f != "html")
        errs.add("format", msg("runsheets.format"));
    out.lang = sheet_language_from(settings.language).value_or(SheetLanguage::zh_CN);
    if (auto l = q.query_param("lang")) {
        if (auto lang = sheet_language_from(*l))
            out.lang = *lang;
        else
            errs.add("lang", msg("print.lang"));
    }
    if (auto r = q.query_param("route_id")) {
        std::int64_t id = 0;
        auto [end, ec] = std::from_chars(r->data(), r->data() + r->size(), id);
        if (ec != std::errc{} || end != r->data() + r->size() || id < 1)
            errs.add("route_id", msg("runsheets.route_id"));
        else
            out.route = id;
    }
    errs.throw_if_any();
    return out;
}

Response sheets(Services& s, Request& q) {
    Actor actor = authenticate(s, q);
    require_dispatcher(actor);
    const Settings settings = s.settings.get();
    const SheetQuery query = read_query(q, settings);
    const RunSheetDay day = s.dispatch.run_sheets(actor, query.date, query.route);
    Response res;
    res.status = 200;
    res.content_type = "text/html; charset=utf-8";
    res.body = run_sheets_html(day, query.lang);
    // Patients' names and phones: kept by no cache. The page loads nothing and runs
    // nothing; its one stylesheet is allowed by its hash.
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; style-src " + csp_hash_source(run_sheets_style()) +
                       "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    res.set_header("Content-Language", to_string(query.lang));
    return res;
}

}  // namespace

void register_run_sheet_routes(Router& r, Services& s) {
    r.add("GET", "/api/v1/days/{date}/runsheets", [&s](Request& q) { return sheets(s, q); });
}

}  // namespace lifeline::net
