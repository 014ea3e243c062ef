#include "lifeline/core/fleet.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "lifeline/core/audit.h"
#include "lifeline/core/text.h"
#include "patch.h"

namespace lifeline {
namespace {

constexpr int max_page = 500;
constexpr Minutes end_of_day{24 * 60};
constexpr int min_session_minutes = 30;
constexpr int max_session_minutes = 720;
constexpr int max_seats = 60;
constexpr int max_wheelchair_spaces = 10;

void require_dispatcher(const Actor& actor) {
    if (!actor.is_dispatcher())
        throw_forbidden("only a dispatcher manages the fleet");
}

// ---- text -------------------------------------------------------------------------

// Leading or trailing blank: ASCII white space, NO-BREAK SPACE or IDEOGRAPHIC SPACE
// (a Chinese keyboard types the latter).
std::size_t blank_prefix(std::string_view s) {
    if (s.empty())
        return 0;
    if (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r'))
        return 1;
    if (s.substr(0, 2) == "\xC2\xA0")
        return 2;
    if (s.substr(0, 3) == "\xE3\x80\x80")
        return 3;
    return 0;
}

std::size_t blank_suffix(std::string_view s) {
    if (s.empty())
        return 0;
    const char last = s.back();
    if (last == ' ' || (last >= '\t' && last <= '\r'))
        return 1;
    if (s.size() >= 2 && s.substr(s.size() - 2) == "\xC2\xA0")
        return 2;
    if (s.size() >= 3 && s.substr(s.size() - 3) == "\xE3\x80\x80")
        return 3;
    return 0;
}

std::string trimmed(std::string_view s) {
    while (std::size_t n = blank_prefix(s))
        s.remove_prefix(n);
    while (std::size_t n = blank_suffix(s))
        s.remove_suffix(n);
    return std::string(s);
}

void trim(std::string& s) {
    s = trimmed(s);
}
void trim(std::optional<std::string>& s) {
    if (s)
        trim(*s);
}

enum class Text { optional, required };
enum class Lines { one, many };

void check_text(FieldErrors& errs, const char* field, const std::string& s, std::size_t max,
                Text required = Text::optional, Lines lines = Lines::one) {
    auto length = utf8_length(s);
    if (!length) {
        errs.add(field, "is not valid UTF-8");
        return;
    }
    if (required == Text::required && s.empty()) {
        errs.add(field, "is required");
        return;
    }
    if (*length > max) {
        errs.add(field, "must be at most " + std::to_string(max) + " characters");
        return;
    }
    const bool control = std::any_of(s.begin(), s.end(), [&](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        if (lines == Lines::many && (c == '\n' || c == '\r' || c == '\t'))
            return false;
        return c < 0x20 || c == 0x7F;
    });
    if (control)
        errs.add(field, "must not contain control characters");
}

// ---- numbers, places, times ---------------------------------------------------------

void check_lat(FieldErrors& errs, const char* field, double lat) {
    if (!std::isfinite(lat) || lat < -90 || lat > 90)
        errs.add(field, "must be a latitude between -90 and 90");
}

void check_lon(FieldErrors& errs, const char* field, double lon) {
    if (!std::isfinite(lon) || lon < -180 || lon > 180)
        errs.add(field, "must be a longitude between -180 and 180");
}

void check_range(FieldErrors& errs, const char* field, int value, int lo, int hi) {
    if (value < lo || value > hi)
        errs.add(field, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
}

void check_kind(FieldErrors& errs, PlaceKind kind) {
    if (!place_kind_from(to_string(kind)))
        errs.add("kind", "must be dialysis_center, hospital, home or other");
}

void check_mobility(FieldErrors& errs, Mobility mobility) {
    if (!mobility_from(to_string(mobility)))
        errs.add("mobility", "must be ambulatory or wheelchair");
}

std::string at(const char* list, std::size_t i, const char* name) {
    return std::string(list) + "[" + std::to_string(i) + "]." + name;
}

// Canonical order, so a driver reads back as written and snapshots compare.
void sort_shifts(std::vector<Shift>& shifts) {
    std::stable_sort(shifts.begin(), shifts.end(), [](const Shift& a, const Shift& b) {
        return a.weekday != b.weekday ? a.weekday < b.weekday : a.start < b.start;
    });
}

void check_shifts(FieldErrors& errs, const std::vector<Shift>& shifts, const FleetLimits& limits) {
    if (shifts.size() > limits.max_shifts) {
        errs.add("shifts", "at most " + std::to_string(limits.max_shifts) + " shifts a week");
        return;
    }
    bool shaped = true;
    for (std::size_t i = 0; i < shifts.size(); ++i) {
        const Shift& s = shifts[i];
        const std::size_t before = errs.list().size();
        if (s.weekday < 1 || s.weekday > 7)
            errs.add(at("shifts", i, "weekday"), "must be an ISO weekday 1 (Monday) to 7 (Sunday)");
        if (s.start < Minutes{0} || s.start >= end_of_day)
            errs.add(at("shifts", i, "start"), "must be a time from 00:00 to 23:59");
        if (s.end <= Minutes{0} || s.end > end_of_day)
            errs.add(at("shifts", i, "end"), "must be a time from 00:01 to 24:00");
        else if (s.end <= s.start)
            errs.add(at("shifts", i, "end"), "must be after start");
        if (errs.list().size() != before)
            shaped = false;
    }
    if (!shaped)
        return;
    // Overlaps are found in weekday/start order but reported at the caller's index.
    std::vector<std::size_t> order(shifts.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const Shift &x = shifts[a], &y = shifts[b];
        return x.weekday != y.weekday ? x.weekday < y.weekday : x.start < y.start;
    });
    for (std::size_t k = 1; k < order.size(); ++k) {
        const Shift& prev = shifts[order[k - 1]];
        const Shift& cur = shifts[order[k]];
        if (cur.weekday == prev.weekday && cur.start < prev.end)
            errs.add(at("shifts", order[k], "start"),
                     "overlaps another shift on weekday " + std::to_string(cur.weekday));
    }
}

void check_absence(FieldErrors& errs, const std::string& prefix, const Absence& a,
                   const FleetLimits& limits) {
    const std::size_t before = errs.list().size();
    if (!a.from.ok())
        errs.add(prefix + "from", "must be a valid date");
    if (!a.to.ok())
        errs.add(prefix + "to", "must be a valid date");
    if (errs.list().size() != before)
        return;
    const auto days = (std::chrono::sys_days{a.to} - std::chrono::sys_days{a.from}).count() + 1;
    if (days < 1)
        errs.add(prefix + "to", "must not be before from");
    else if (days > limits.max_absence_days)
        errs.add(prefix + "to",
                 "an absence spans at most " + std::to_string(limits.max_absence_days) + " days");
}

void sort_schedule(DialysisSchedule& s) {
    std::sort(s.weekdays.begin(), s.weekdays.end());
}

void check_schedule(FieldErrors& errs, const DialysisSchedule& s) {
    if (s.weekdays.empty())
        errs.add("schedule.weekdays", "needs at least one weekday");
    std::vector<unsigned> seen;
    for (std::size_t i = 0; i < s.weekdays.size(); ++i) {
        const unsigned d = s.weekdays[i];
        const std::string field = "schedule.weekdays[" + std::to_string(i) + "]";
        if (d < 1 || d > 7)
            errs.add(field, "must be an ISO weekday 1 (Monday) to 7 (Sunday)");
        else if (std::find(seen.begin(), seen.end(), d) != seen.end())
            errs.add(field, "is listed twice");
        seen.push_back(d);
    }
    if (s.appointment < Minutes{0} || s.appointment >= end_of_day)
        errs.add("schedule.appointment", "must be a time from 00:00 to 23:59");
    check_range(errs, "schedule.duration_minutes", s.duration_minutes, min_session_minutes,
                max_session_minutes);
}

// ---- the four kinds: normalise, then check what is given -----------------------------

void normalize(Place& p) {
    trim(p.name);
    trim(p.address);
}

void check(FieldErrors& errs, const Place& p, const FleetLimits& l) {
    check_text(errs, "name", p.name, l.max_name, Text::required);
    check_text(errs, "address", p.address, l.max_address, Text::optional, Lines::many);
    check_lat(errs, "lat", p.location.lat);
    check_lon(errs, "lon", p.location.lon);
    check_kind(errs, p.kind);
}

void normalize(PlacePatch& p) {
    trim(p.name);
    trim(p.address);
}

void check(FieldErrors& errs, const PlacePatch& p, const FleetLimits& l) {
    if (p.name)
        check_text(errs, "name", *p.name, l.max_name, Text::required);
    if (p.address)
        check_text(errs, "address", *p.address, l.max_address, Text::optional, Lines::many);
    if (p.lat)
        check_lat(errs, "lat", *p.lat);
    if (p.lon)
        check_lon(errs, "lon", *p.lon);
    if (p.kind)
        check_kind(errs, *p.kind);
}

void normalize(Driver& d) {
    trim(d.name);
    trim(d.phone);
    trim(d.group);
}

void check(FieldErrors& errs, const Driver& d, const FleetLimits& l) {
    check_text(errs, "name", d.name, l.max_name, Text::required);
    check_text(errs, "phone", d.phone, l.max_phone);
    check_text(errs, "group", d.group, l.max_group);
    check_lat(errs, "home.lat", d.home.lat);
    check_lon(errs, "home.lon", d.home.lon);
    check_shifts(errs, d.shifts, l);
    for (std::size_t i = 0; i < d.absences.size(); ++i)
        check_absence(errs, "absences[" + std::to_string(i) + "].", d.absences[i], l);
}

void normalize(DriverPatch& d) {
    trim(d.name);
    trim(d.phone);
    trim(d.group);
}

void check(FieldErrors& errs, const DriverPatch& d, const FleetLimits& l) {
    if (d.name)
        check_text(errs, "name", *d.name, l.max_name, Text::required);
    if (d.phone)
        check_text(errs, "phone", *d.phone, l.max_phone);
    if (d.group)
        check_text(errs, "group", *d.group, l.max_group);
    if (d.home) {
        check_lat(errs, "home.lat", d.home->lat);
        check_lon(errs, "home.lon", d.home->lon);
    }
    if (d.shifts)
        check_shifts(errs, *d.shifts, l);
}

void normalize(Vehicle& v) {
    trim(v.plate);
    trim(v.description);
}

void check_plate(FieldErrors& errs, const std::string& plate, const FleetLimits& l) {
    check_text(errs, "plate", plate, l.max_plate, Text::required);
}

void check(FieldErrors& errs, const Vehicle& v, const FleetLimits& l) {
    check_plate(errs, v.plate, l);
    check_text(errs, "description", v.description, l.max_description, Text::optional, Lines::many);
    check_range(errs, "seats", v.seats, 1, max_seats);
    check_range(errs, "wheelchair_spaces", v.wheelchair_spaces, 0, max_wheelchair_spaces);
    if (!std::isfinite(v.odometer_km) || v.odometer_km < 0 || v.odometer_km > l.max_odometer)
        errs.add("odometer_km",
                 "must be a reading between 0 and " + std::to_string(std::int64_t(l.max_odometer)));
}

void normalize(VehiclePatch& v) {
    trim(v.plate);
    trim(v.description);
}

void check(FieldErrors& errs, const VehiclePatch& v, const FleetLimits& l) {
    if (v.plate)
        check_plate(errs, *v.plate, l);
    if (v.description)
        check_text(errs, "description", *v.description, l.max_description, Text::optional,
                   Lines::many);
    if (v.seats)
        check_range(errs, "seats", *v.seats, 1, max_seats);
    if (v.wheelchair_spaces)
        check_range(errs, "wheelchair_spaces", *v.wheelchair_spaces, 0, max_wheelchair_spaces);
}

void normalize(Patient& p) {
    trim(p.name);
    trim(p.phone);
    trim(p.address);
    trim(p.notes);
}

void check(FieldErrors& errs, const Patient& p, const FleetLimits& l) {
    check_text(errs, "name", p.name, l.max_name, Text::required);
    check_text(errs, "phone", p.phone, l.max_phone);
    check_text(errs, "address", p.address, l.max_address, Text::optional, Lines::many);
    check_lat(errs, "lat", p.location.lat);
    check_lon(errs, "lon", p.location.lon);
    check_mobility(errs, p.mobility);
    check_text(errs, "notes", p.notes, l.max_notes, Text::optional, Lines::many);
    if (p.schedule)
        check_schedule(errs, *p.schedule);
}

void normalize(PatientPatch& p) {
    trim(p.name);
    trim(p.phone);
    trim(p.address);
    trim(p.notes);
}

void check(FieldErrors& errs, const PatientPatch& p, const FleetLimits& l) {
    if (p.name)
        check_text(errs, "name", *p.name, l.max_name, Text::required);
    if (p.phone)
        check_text(errs, "phone", *p.phone, l.max_phone);
    if (p.address)
        check_text(errs, "address", *p.address, l.max_address, Text::optional, Lines::many);
    if (p.lat)
        check_lat(errs, "lat", *p.lat);
    if (p.lon)
        check_lon(errs, "lon", *p.lon);
    if (p.mobility)
        check_mobility(errs, *p.mobility);
    if (p.notes)
        check_text(errs, "notes", *p.notes, l.max_notes, Text::optional, Lines::many);
    if (p.schedule && *p.schedule)
        check_schedule(errs, **p.schedule);
}

// A dialysis schedule generates rides to a center, so it cannot exist without one.
// Checked on the whole patient, after a patch is applied.
void check_schedule_has_center(const Patient& p, bool center_given) {
    if (p.schedule && !p.center_id)
        throw_invalid("a patient with a dialysis schedule needs a center",
                      {{center_given ? "center_id" : "schedule",
                        "a patient with a dialysis schedule needs a center_id"}});
}

// ---- rules that need the database --------------------------------------------------

void check_default_driver(FleetTx& tx, const std::optional<DriverId>& id, FieldErrors& errs) {
    if (!id)
        return;
    auto driver = tx.driver(*id);
    if (!driver)
        errs.add("driver_id", "no driver with id " + std::to_string(*id));
    else if (!driver->active)
        errs.add("driver_id", "the driver is deactivated");
}

void check_center(FleetTx& tx, const std::optional<PlaceId>& id, FieldErrors& errs) {
    if (!id)
        return;
    auto place = tx.place(*id);
    if (!place)
        errs.add("center_id", "no place with id " + std::to_string(*id));
    else if (place->kind != PlaceKind::dialysis_center && place->kind != PlaceKind::hospital)
        errs.add("center_id", "must be a dialysis center or a hospital");
    else if (!place->active)
        errs.add("center_id", "the place is deactivated");
}

void check_plate_free(FleetTx& tx, const std::string& plate, VehicleId self) {
    if (tx.plate_taken(plate, self))
        throw_conflict("another vehicle has this plate",
                       {{"plate", "is already the plate of another vehicle"}});
}

// ---- audit and pages ---------------------------------------------------------------

AuditEntry audit_entry(Instant at, const Actor& actor, const char* entity, std::int64_t id,
                       std::string action, std::string before, std::string after) {
    AuditEntry e;
    e.user_id = actor.user_id;
    e.username = actor.username;
    e.at = at;
    e.entity = entity;
    e.entity_id = id;
    e.action = std::move(action);
    e.before = std::move(before);
    e.after = std::move(after);
    return e;
}

const char* update_action(bool was_active, bool is_active) {
    return was_active && !is_active ? "deactivate" : "update";
}

void check_page(FieldErrors& errs, const PageRequest& page) {
    if (page.limit < 1 || page.limit > max_page)
        errs.add("limit", "must be between 1 and " + std::to_string(max_page));
    if (page.after && *page.after < 0)
        errs.add("cursor", "is not a cursor of this list");
}

// An empty search is no search.
void normalize_query(FieldErrors& errs, std::optional<std::string>& q, const FleetLimits& l) {
    if (!q)
        return;
    trim(*q);
    if (q->empty()) {
        q.reset();
        return;
    }
    check_text(errs, "q", *q, l.max_query);
}

using detail::assign_if;

std::string not_found_text(const char* kind, std::int64_t id) {
    return std::string("no ") + kind + " with id " + std::to_string(id);
}

// ---- creation steps shared by create_* and import_* ----------------------------------

void prepare(Place& place, FieldErrors& errs, const FleetLimits& l) {
    place.id = 0;
    normalize(place);
    check(errs, place, l);
}

void prepare(Driver& driver, FieldErrors& errs, const FleetLimits& l) {
    driver.id = 0;
    normalize(driver);
    check(errs, driver, l);
    sort_shifts(driver.shifts);
}

void prepare(Vehicle& vehicle, FieldErrors& errs, const FleetLimits& l) {
    vehicle.id = 0;
    normalize(vehicle);
    check(errs, vehicle, l);
}

void prepare(Patient& patient, FieldErrors& errs, const FleetLimits& l) {
    patient.id = 0;
    normalize(patient);
    check(errs, patient, l);
    if (!errs.empty())
        return;
    try {
        check_schedule_has_center(patient, false);
    } catch (const Error& e) {
        for (const FieldError& fe : e.errors())
            errs.add(fe.field, fe.message);
        if (e.errors().empty())
            errs.add("center_id", e.what());
    }
    if (patient.schedule)
        sort_schedule(*patient.schedule);
}

Place insert(FleetTx& tx, const Actor& actor, Instant at, const Place& place) {
    const PlaceId id = tx.insert_place(place);
    Place after = *tx.place(id);
    tx.audit(audit_entry(at, actor, "place", id, "create", "", audit_snapshot(after)));
    return after;
}

Driver insert(FleetTx& tx, const Actor& actor, Instant at, const Driver& driver) {
    const DriverId id = tx.insert_driver(driver);
    tx.replace_shifts(id, driver.shifts);
    for (const Absence& a : driver.absences)
        tx.add_absence(id, a);
    Driver after = *tx.driver(id);
    tx.audit(audit_entry(at, actor, "driver", id, "create", "", audit_snapshot(after)));
    return after;
}

Vehicle insert(FleetTx& tx, const Actor& actor, Instant at, const Vehicle& vehicle) {
    FieldErrors refs;
    check_default_driver(tx, vehicle.driver_id, refs);
    refs.throw_if_any("the vehicle names something that does not exist or cannot be used",
                      ErrorKind::unprocessable);
    check_plate_free(tx, vehicle.plate, 0);
    const VehicleId id = tx.insert_vehicle(vehicle);
    Vehicle after = *tx.vehicle(id);
    tx.audit(audit_entry(at, actor, "vehicle", id, "create", "", audit_snapshot(after)));
    return after;
}

Patient insert(FleetTx& tx, const Actor& actor, Instant at, const Patient& patient) {
    FieldErrors refs;
    check_center(tx, patient.center_id, refs);
    refs.throw_if_any("the patient names something that does not exist or cannot be used",
                      ErrorKind::unprocessable);
    const PatientId id = tx.insert_patient(patient);
    Patient after = *tx.patient(id);
    tx.audit(audit_entry(at, actor, "patient", id, "create", "", audit_snapshot(after)));
    return after;
}

std::string line_prefix(std::size_t line) {
    return "line " + std::to_string(line) + ": ";
}

// All rows or none: every row is checked before anything is written (each bad field
// named with its line), then every row is written in one transaction; a rule that
// needs the database (a plate taken, an unknown center) names its line too.
template <class T>
std::vector<T> import_all(FleetStore& store, const Actor& actor, Instant at,
                          std::vector<ImportRow<T>> rows, const FleetLimits& limits) {
    require_dispatcher(actor);
    FieldErrors errs;
    if (rows.empty())
        errs.add("body", "has no rows to import");
    for (auto& row : rows) {
        FieldErrors row_errs;
        prepare(row.item, row_errs, limits);
        for (const FieldError& fe : row_errs.list())
            errs.add(line_prefix(row.line) + fe.field, fe.message);
    }
    errs.throw_if_any("some rows have invalid fields; nothing was imported");
    return store.transact([&](FleetTx& tx) {
        std::vector<T> out;
        out.reserve(rows.size());
        for (const auto& row : rows) {
            try {
                out.push_back(insert(tx, actor, at, row.item));
            } catch (const Error& e) {
                std::vector<FieldError> named;
                for (const FieldError& fe : e.errors())
                    named.push_back({line_prefix(row.line) + fe.field, fe.message});
                if (named.empty())
                    named.push_back({"line " + std::to_string(row.line), e.what()});
                throw Error(e.kind(), line_prefix(row.line) + e.what() + "; nothing was imported",
                            std::move(named));
            }
        }
        return out;
    });
}

// What creating, reading and listing share for every kind of record.
template <class T>
T create_checked(FleetStore& store, const Actor& actor, Instant at, T record,
                 const FleetLimits& limits) {
    require_dispatcher(actor);
    FieldErrors errs;
    prepare(record, errs, limits);
    errs.throw_if_any();
    return store.transact([&](FleetTx& tx) { return insert(tx, actor, at, record); });
}

template <class T>
T found_or_not_found(std::optional<T> record, const char* kind, std::int64_t id) {
    if (!record)
        throw_not_found(not_found_text(kind, id));
    return std::move(*record);
}

// `list(filter)` after the search text is normalized and it and the page are checked.
template <class Filter, class List>
auto list_checked(Filter filter, const PageRequest& page, const FleetLimits& limits, List list) {
    FieldErrors errs;
    normalize_query(errs, filter.q, limits);
    check_page(errs, page);
    errs.throw_if_any();
    return list(filter);
}

}  // namespace

// ---- places ----------------------------------------------------------------------

Place Fleet::create_place(const Actor& actor, const Place& input) {
    return create_checked(store_, actor, clock_.now(), input, limits_);
}

std::vector<Place> Fleet::import_places(const Actor& actor, std::vector<ImportRow<Place>> rows) {
    return import_all(store_, actor, clock_.now(), std::move(rows), limits_);
}

Place Fleet::get_place(const Actor& actor, PlaceId id) {
    require_dispatcher(actor);
    return found_or_not_found(store_.find_place(id), "place", id);
}

Page<Place> Fleet::list_places(const Actor& actor, const PlaceFilter& filter,
                               const PageRequest& page) {
    require_dispatcher(actor);
    return list_checked(filter, page, limits_,
                        [&](const PlaceFilter& f) { return store_.list_places(f, page); });
}

Place Fleet::update_place(const Actor& actor, PlaceId id, const PlacePatch& input) {
    require_dispatcher(actor);
    PlacePatch patch = input;
    normalize(patch);
    FieldErrors errs;
    check(errs, patch, limits_);
    errs.throw_if_any();

    return store_.transact([&](FleetTx& tx) {
        const Place before = found_or_not_found(tx.place(id), "place", id);
        Place place = before;
        assign_if(place.name, patch.name);
        assign_if(place.address, patch.address);
        assign_if(place.location.lat, patch.lat);
        assign_if(place.location.lon, patch.lon);
        assign_if(place.kind, patch.kind);
        assign_if(place.active, patch.active);
        const std::string before_text = audit_snapshot(before);
        if (audit_snapshot(place) == before_text)
            return before;  // nothing changes
        tx.update_place(place);
        Place after = *tx.place(id);
        tx.audit(audit_entry(clock_.now(), actor, "place", id,
                             update_action(before.active, after.active), before_text,
                             audit_snapshot(after)));
        return after;
    });
}

// ---- drivers ----------------------------------------------------------------------

Driver Fleet::create_driver(const Actor& actor, const Driver& input) {
    return create_checked(store_, actor, clock_.now(), input, limits_);
}

std::vector<Driver> Fleet::import_drivers(const Actor& actor, std::vector<ImportRow<Driver>> rows) {
    return import_all(store_, actor, clock_.now(), std::move(rows), limits_);
}

Driver Fleet::get_driver(const Actor& actor, DriverId id) {
    require_dispatcher(actor);
    return found_or_not_found(store_.find_driver(id), "driver", id);
}

Page<Driver> Fleet::list_drivers(const Actor& actor, const DriverFilter& filter,
                                 const PageRequest& page) {
    require_dispatcher(actor);
    return list_checked(filter, page, limits_,
                        [&](const DriverFilter& f) { return store_.list_drivers(f, page); });
}

Driver Fleet::update_driver(const Actor& actor, DriverId id, const DriverPatch& input) {
    require_dispatcher(actor);
    DriverPatch patch = input;
    normalize(patch);
    FieldErrors errs;
    check(errs, patch, limits_);
    errs.throw_if_any();
    if (patch.shifts)
        sort_shifts(*patch.shifts);

    return store_.transact([&](FleetTx& tx) {
        const Driver before = found_or_not_found(tx.driver(id), "driver", id);
        Driver driver = before;
        assign_if(driver.name, patch.name);
        assign_if(driver.phone, patch.phone);
        assign_if(driver.group, patch.group);
        assign_if(driver.home, patch.home);
        assign_if(driver.shifts, patch.shifts);
        assign_if(driver.wheelchair_trained, patch.wheelchair_trained);
        assign_if(driver.active, patch.active);
        const std::string before_text = audit_snapshot(before);
        if (audit_snapshot(driver) == before_text)
            return before;
        tx.update_driver(driver);
        if (patch.shifts)
            tx.replace_shifts(id, driver.shifts);
        Driver after = *tx.driver(id);
        tx.audit(audit_entry(clock_.now(), actor, "driver", id,
                             update_action(before.active, after.active), before_text,
                             audit_snapshot(after)));
        return after;
    });
}

Driver Fleet::add_absence(const Actor& actor, DriverId id, const Absence& absence) {
    require_dispatcher(actor);
    FieldErrors errs;
    check_absence(errs, "", absence, limits_);
    errs.throw_if_any();

    return store_.transact([&](FleetTx& tx) {
        auto before = tx.driver(id);
        if (!before)
            throw_not_found(not_found_text("driver", id));
        tx.add_absence(id, absence);
        Driver after = *tx.driver(id);
        tx.audit(audit_entry(clock_.now(), actor, "driver", id, "add_absence",
                             audit_snapshot(*before), audit_snapshot(after)));
        return after;
    });
}

// ---- vehicles ---------------------------------------------------------------------

Vehicle Fleet::create_vehicle(const Actor& actor, const Vehicle& input) {
    return create_checked(store_, actor, clock_.now(), input, limits_);
}

std::vector<Vehicle> Fleet::import_vehicles(const Actor& actor,
                                            std::vector<ImportRow<Vehicle>> rows) {
    return import_all(store_, actor, clock_.now(), std::move(rows), limits_);
}

Vehicle Fleet::get_vehicle(const Actor& actor, VehicleId id) {
    require_dispatcher(actor);
    return found_or_not_found(store_.find_vehicle(id), "vehicle", id);
}

Page<Vehicle> Fleet::list_vehicles(const Actor& actor, const VehicleFilter& filter,
                                   const PageRequest& page) {
    require_dispatcher(actor);
    return list_checked(filter, page, limits_,
                        [&](const VehicleFilter& f) { return store_.list_vehicles(f, page); });
}

Vehicle Fleet::update_vehicle(const Actor& actor, VehicleId id, const VehiclePatch& input) {
    require_dispatcher(actor);
    VehiclePatch patch = input;
    normalize(patch);
    FieldErrors errs;
    check(errs, patch, limits_);
    errs.throw_if_any();

    return store_.transact([&](FleetTx& tx) {
        const Vehicle before = found_or_not_found(tx.vehicle(id), "vehicle", id);
        Vehicle vehicle = before;
        assign_if(vehicle.plate, patch.plate);
        assign_if(vehicle.description, patch.description);
        assign_if(vehicle.seats, patch.seats);
        assign_if(vehicle.wheelchair_spaces, patch.wheelchair_spaces);
        assign_if(vehicle.driver_id, patch.driver_id);
        assign_if(vehicle.active, patch.active);
        const std::string before_text = audit_snapshot(before);
        if (audit_snapshot(vehicle) == before_text)
            return before;
        // Only what the patch names is checked against the database: a vehicle whose
        // default driver has since been deactivated can still have its seats changed.
        FieldErrors refs;
        if (patch.driver_id && vehicle.driver_id != before.driver_id)
            check_default_driver(tx, vehicle.driver_id, refs);
        refs.throw_if_any("the vehicle names something that does not exist or cannot be used",
                          ErrorKind::unprocessable);
        if (patch.plate)
            check_plate_free(tx, vehicle.plate, id);
        tx.update_vehicle(vehicle);
        Vehicle after = *tx.vehicle(id);
        tx.audit(audit_entry(clock_.now(), actor, "vehicle", id,
                             update_action(before.active, after.active), before_text,
                             audit_snapshot(after)));
        return after;
    });
}

// ---- patients ---------------------------------------------------------------------

Patient Fleet::create_patient(const Actor& actor, const Patient& input) {
    return create_checked(store_, actor, clock_.now(), input, limits_);
}

std::vector<Patient> Fleet::import_patients(const Actor& actor,
                                            std::vector<ImportRow<Patient>> rows) {
    return import_all(store_, actor, clock_.now(), std::move(rows), limits_);
}

Patient Fleet::get_patient(const Actor& actor, PatientId id) {
    require_dispatcher(actor);
    return found_or_not_found(store_.find_patient(id), "patient", id);
}

Page<Patient> Fleet::list_patients(const Actor& actor, const PatientFilter& filter,
                                   const PageRequest& page) {
    require_dispatcher(actor);
    return list_checked(filter, page, limits_,
                        [&](const PatientFilter& f) { return store_.list_patients(f, page); });
}

Patient Fleet::update_patient(const Actor& actor, PatientId id, const PatientPatch& input) {
    require_dispatcher(actor);
    PatientPatch patch = input;
    normalize(patch);
    FieldErrors errs;
    check(errs, patch, limits_);
    errs.throw_if_any();
    if (patch.schedule && *patch.schedule)
        sort_schedule(**patch.schedule);

    return store_.transact([&](FleetTx& tx) {
        const Patient before = found_or_not_found(tx.patient(id), "patient", id);
        Patient patient = before;
        assign_if(patient.name, patch.name);
        assign_if(patient.phone, patch.phone);
        assign_if(patient.address, patch.address);
        assign_if(patient.location.lat, patch.lat);
        assign_if(patient.location.lon, patch.lon);
        assign_if(patient.mobility, patch.mobility);
        assign_if(patient.escort, patch.escort);
        assign_if(patient.ride_alone, patch.ride_alone);
        assign_if(patient.notes, patch.notes);
        assign_if(patient.center_id, patch.center_id);
        assign_if(patient.schedule, patch.schedule);
        assign_if(patient.active, patch.active);
        const std::string before_text = audit_snapshot(before);
        if (audit_snapshot(patient) == before_text)
            return before;
        check_schedule_has_center(patient, patch.center_id.has_value());
        FieldErrors refs;
        if (patch.center_id && patient.center_id != before.center_id)
            check_center(tx, patient.center_id, refs);
        refs.throw_if_any("the patient names something that does not exist or cannot be used",
                          ErrorKind::unprocessable);
        tx.update_patient(patient);
        Patient after = *tx.patient(id);
        tx.audit(audit_entry(clock_.now(), actor, "patient", id,
                             update_action(before.active, after.active), before_text,
                             audit_snapshot(after)));
        return after;
    });
}

Patient Fleet::patient_for(const Actor& actor, PatientId id) {
    if (actor.is_dispatcher())
        return get_patient(actor, id);
    if (!actor.driver_id)
        throw_forbidden("this account is not linked to a driver");
    const LocalDate today = local_date(clock_.now(), find_zone(settings_.get().time_zone));
    auto patient =
        store_.find_patient_of_driver(id, *actor.driver_id, driver_patient_days(today, today));
    // Not "forbidden": whether some other patient exists is not the driver's to know.
    if (!patient)
        throw_not_found(not_found_text("patient", id));
    return *patient;
}

// ---- audit snapshots --------------------------------------------------------------

std::string audit_snapshot(const Place& p) {
    AuditObject o;
    o.add("id", p.id);
    o.add("name", p.name);
    o.add("address", p.address);
    o.add("lat", p.location.lat);
    o.add("lon", p.location.lon);
    o.add("kind", to_string(p.kind));
    o.add("active", p.active);
    return o.str();
}

std::string audit_snapshot(const Driver& d) {
    AuditObject o;
    o.add("id", d.id);
    o.add("name", d.name);
    o.add("phone", d.phone);
    o.add("group", d.group);
    o.add("home_lat", d.home.lat);
    o.add("home_lon", d.home.lon);
    std::vector<std::string> shifts;
    for (const Shift& s : d.shifts) {
        AuditObject so;
        so.add("weekday", std::int64_t(s.weekday));
        so.add("start", format_clock(s.start));
        so.add("end", format_clock(s.end));
        shifts.push_back(so.str());
    }
    o.add_raw_array("shifts", shifts);
    std::vector<std::string> absences;
    for (const Absence& a : d.absences) {
        AuditObject ao;
        ao.add("from", format_date(a.from));
        ao.add("to", format_date(a.to));
        absences.push_back(ao.str());
    }
    o.add_raw_array("absences", absences);
    o.add("wheelchair_trained", d.wheelchair_trained);
    o.add("active", d.active);
    return o.str();
}

std::string audit_snapshot(const Vehicle& v) {
    AuditObject o;
    o.add("id", v.id);
    o.add("plate", v.plate);
    o.add("description", v.description);
    o.add("seats", std::int64_t(v.seats));
    o.add("wheelchair_spaces", std::int64_t(v.wheelchair_spaces));
    if (v.driver_id)
        o.add("driver_id", *v.driver_id);
    o.add("odometer_km", v.odometer_km);
    o.add("active", v.active);
    return o.str();
}

std::string audit_snapshot(const Patient& p) {
    AuditObject o;
    o.add("id", p.id);
    o.add("name", p.name);
    o.add("phone", p.phone);
    o.add("address", p.address);
    o.add("lat", p.location.lat);
    o.add("lon", p.location.lon);
    o.add("mobility", to_string(p.mobility));
    o.add("escort", p.escort);
    o.add("ride_alone", p.ride_alone);
    o.add("notes", p.notes);
    if (p.center_id)
        o.add("center_id", *p.center_id);
    if (p.schedule) {
        std::vector<std::string> days;
        for (unsigned d : p.schedule->weekdays)
            days.push_back(std::to_string(d));
        o.add_raw_array("schedule_weekdays", days);
        o.add("schedule_appointment", format_clock(p.schedule->appointment));
        o.add("schedule_duration_minutes", std::int64_t(p.schedule->duration_minutes));
    }
    o.add("active", p.active);
    return o.str();
}

}  // namespace lifeline
