// Dispatch::run_sheets: the day's routes and what their stops name, read in one snapshot,
// made into run sheets (run_sheets.cpp).
#include "lifeline/core/dispatch/dispatch.h"

#include "dispatch_internal.h"

namespace lifeline {

using dispatch_detail::require_dispatcher;

RunSheetDay Dispatch::run_sheets(const Actor& actor, LocalDate date, std::optional<RouteId> route) {
    require_dispatcher(actor);
    const Settings settings = settings_.get();
    RunSheetInputs in;
    in.organisation = settings.organisation;
    in.time_zone = settings.time_zone;
    in.date = date;
    store_.read([&](DispatchTx& tx) {
        for (Route& r : tx.routes_of_day(date))
            if (!route || r.id == *route)
                in.routes.push_back(std::move(r));
        if (route && in.routes.empty())
            throw_unprocessable(
                msg("runsheets.no_route", {{"route", *route}, {"date", format_date(date)}}),
                {{"route_id", msg("runsheets.route_not_on_day", {{"date", format_date(date)}})}});
        for (const Route& r : in.routes) {
            if (auto d = tx.driver(r.driver_id))
                in.drivers.push_back(std::move(*d));
            if (auto v = tx.vehicle(r.vehicle_id))
                in.vehicles.push_back(std::move(*v));
            for (const RouteStop& s : r.stops) {
                auto q = tx.request(s.request_id);
                if (!q)
                    continue;
                if (auto p = tx.patient(q->patient_id))
                    in.patients.push_back(std::move(*p));
                for (const Endpoint* end : {&q->pickup, &q->dropoff})
                    if (end->place_id)
                        if (auto place = tx.place(*end->place_id))
                            in.places.push_back(std::move(*place));
                in.requests.push_back(std::move(*q));
            }
        }
    });
    return build_run_sheets(in);
}

}  // namespace lifeline
