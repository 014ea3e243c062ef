#pragma once
// Run sheets (docs/dispatch.md §7): for drivers without a smartphone, the dispatcher prints
// each route of a day on one A4 sheet — the stops in order with their planned local times,
// who is picked up or dropped off where, what they need, and boxes to write the times and
// odometer readings by hand. The model is built by a pure function from the day's routes;
// the page is a pure string builder, in Chinese or English.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lifeline/core/dispatch/dispatch_model.h"
#include "lifeline/core/messages.h"
#include "lifeline/core/model.h"

namespace lifeline {

// The language of a printed sheet: that of every printed document (reports/print.h).
using SheetLanguage = Language;
// "zh-CN", "en"
std::optional<SheetLanguage> sheet_language_from(std::string_view s);
const char* to_string(SheetLanguage l);

struct RunSheetStop {
    int seq = 0;
    StopKind kind = StopKind::pickup;
    std::string time;  // planned, local "HH:MM" ("+1" after it when past midnight)
    RequestId request_id = 0;
    RequestStatus status = RequestStatus::scheduled;
    std::string patient_name;
    std::string phone;
    bool wheelchair = false;
    bool escort = false;
    int passengers = 1;
    std::string place;    // the place's name, when the stop is at a known place
    std::string address;  // the stop's address
    std::string notes;    // the patient's and the request's
};

struct RunSheet {
    RouteId route_id = 0;
    RouteStatus status = RouteStatus::planned;
    std::string driver_name;
    std::string driver_phone;
    std::string plate;
    std::string vehicle;  // description and colour, as a patient looks for the car
    std::string starts;   // local "HH:MM", empty when the route has no start
    std::string ends;
    std::vector<RunSheetStop> stops;
};

struct RunSheetDay {
    std::string organisation;
    std::string time_zone;
    LocalDate date{};
    std::vector<RunSheet> sheets;  // by start time, then route id
};

// What the day's sheets are made of: the routes and every record their stops name (the
// lists may hold more; a stop whose request is missing is left out).
struct RunSheetInputs {
    std::string organisation;
    std::string time_zone;  // IANA
    LocalDate date{};
    std::vector<Route> routes;
    std::vector<RideRequest> requests;
    std::vector<Patient> patients;
    std::vector<Driver> drivers;
    std::vector<Vehicle> vehicles;
    std::vector<Place> places;
};

RunSheetDay build_run_sheets(const RunSheetInputs& in);

// One self-contained page: a sheet per route (CSS @page A4, a page break after each), no
// script, every stored string escaped, `lang` set. A day without routes is one page that
// says so.
std::string run_sheets_html(const RunSheetDay& day, SheetLanguage lang);
// The page's stylesheet, exactly as it stands in its <style> element (for a
// Content-Security-Policy hash).
const char* run_sheets_style();
// "2026年11月30日 星期一" / "Monday 30 November 2026"
std::string sheet_date(LocalDate d, SheetLanguage lang);

}  // namespace lifeline
