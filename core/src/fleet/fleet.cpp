#include "lifeline/core/fleet/fleet.h"

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

void require_dispatcher(const Actor& actor) {
    if (!actor.is_dispatcher())
        throw_forbidden(msg("fleet.dispatcher_only"));
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

using fields::Lines;
using Text = fields::Presence;

void check_text(FieldErrors& errs, const char* field, const std::string& s, std::size_t max,
                Text required = Text::optional, Lines lines = Lines::one) {
    auto length = utf8_length(s);
    if (!length) {
        errs.add(field, msg("field.not_utf8"));
        return;
    }
    if (required == Text::required && s.empty()) {
        errs.add(field, msg("field.required"));
        return;
    }
    if (*length > max) {
        errs.add(field, msg("field.too_long_chars", {{"max", std::int64_t(max)}}));
        return;
    }
    const bool control = std::any_of(s.begin(), s.end(), [&](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        if (lines == Lines::many && (c == '\n' || c == '\r' || c == '\t'))
            return false;
        return c < 0x20 || c == 0x7F;
    });
    if (control)
        errs.add(field, msg("field.control_chars"));
}

// ---- numbers, places, times ---------------------------------------------------------

void check_lat(FieldErrors& errs, const char* field, double lat) {
    if (!std::isfinite(lat) || lat < -90 || lat > 90)
        errs.add(field, msg("field.latitude"));
}

void check_lon(FieldErrors& errs, const char* field, double lon) {
    if (!std::isfinite(lon) || lon < -180 || lon > 180)
        errs.add(field, msg("field.longitude"));
}

void check_range(FieldErrors& errs, const char* field, int value, int lo, int hi) {
    if (value < lo || value > hi)
        errs.add(field, msg("field.out_of_range", {{"min", lo}, {"max", hi}}));
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
        errs.add("shifts", msg("shift.too_many", {{"max", std::int64_t(limits.max_shifts)}}));
        return;
    }
    bool shaped = true;
    for (std::size_t i = 0; i < shifts.size(); ++i) {
        const Shift& s = shifts[i];
        const std::size_t before = errs.list().size();
        if (s.weekday < 1 || s.weekday > 7)
            errs.add(at("shifts", i, "weekday"), msg("field.weekday"));
        if (s.start < Minutes{0} || s.start >= end_of_day)
            errs.add(at("shifts", i, "start"), msg("shift.start"));
        if (s.end <= Minutes{0} || s.end > end_of_day)
            errs.add(at("shifts", i, "end"), msg("shift.end"));
        else if (s.end <= s.start)
            errs.add(at("shifts", i, "end"), msg("shift.end_after_start"));
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
                     msg("shift.overlaps", {{"weekday", std::int64_t(cur.weekday)}}));
    }
}

void check_absence(FieldErrors& errs, const std::string& prefix, const Absence& a,
                   const FleetLimits& limits) {
    const std::size_t before = errs.list().size();
    if (!a.from.ok())
        errs.add(prefix + "from", msg("field.not_valid_date"));
    if (!a.to.ok())
        errs.add(prefix + "to", msg("field.not_valid_date"));
    if (errs.list().size() != before)
        return;
    const auto days = (std::chrono::sys_days{a.to} - std::chrono::sys_days{a.from}).count() + 1;
    if (days < 1)
        errs.add(prefix + "to", msg("field.to_before_from"));
    else if (days > limits.max_absence_days)
        errs.add(prefix + "to",
                 msg("absence.too_long", {{"max", std::int64_t(limits.max_absence_days)}}));
}

void sort_schedule(DialysisSchedule& s) {
    std::sort(s.weekdays.begin(), s.weekdays.end());
}

void check_schedule(FieldErrors& errs, const DialysisSchedule& s) {
    if (s.weekdays.empty())
        errs.add("schedule.weekdays", msg("schedule.needs_weekday"));
    std::vector<unsigned> seen;
    for (std::size_t i = 0; i < s.weekdays.size(); ++i) {
        const unsigned d = s.weekdays[i];
        const std::string field = "schedule.weekdays[" + std::to_string(i) + "]";
        if (d < 1 || d > 7)
            errs.add(field, msg("field.weekday"));
        else if (std::find(seen.begin(), seen.end(), d) != seen.end())
            errs.add(field, msg("field.listed_twice"));
        seen.push_back(d);
    }
    if (s.appointment < Minutes{0} || s.appointment >= end_of_day)
        errs.add("schedule.appointment", msg("shift.start"));
    check_range(errs, "schedule.duration_minutes", s.duration_minutes, min_session_minutes,
                max_session_minutes);
}

// A dialysis schedule generates rides to a center, so it cannot exist without one.
// Checked on the whole patient, after a patch is applied.
void check_schedule_has_center(const Patient& p, bool center_given) {
    if (p.schedule && !p.center_id)
        throw_invalid(msg("patient.needs_center_detail"),
                      {{center_given ? "center_id" : "schedule", msg("patient.needs_center")}});
}

// ---- rules that need the database --------------------------------------------------

void check_default_driver(FleetTx& tx, const std::optional<DriverId>& id, FieldErrors& errs) {
    if (!id)
        return;
    auto driver = tx.driver(*id);
    if (!driver)
        errs.add("driver_id", msg("driver.not_found", {{"id", *id}}));
    else if (!driver->active)
        errs.add("driver_id", msg("driver.deactivated"));
}

void check_center(FleetTx& tx, const std::optional<PlaceId>& id, FieldErrors& errs) {
    if (!id)
        return;
    auto place = tx.place(*id);
    if (!place)
        errs.add("center_id", msg("place.not_found", {{"id", *id}}));
    else if (place->kind != PlaceKind::dialysis_center && place->kind != PlaceKind::hospital)
        errs.add("center_id", msg("place.not_center"));
    else if (!place->active)
        errs.add("center_id", msg("place.deactivated"));
}

void check_plate_free(FleetTx& tx, const std::string& plate, VehicleId self) {
    if (tx.plate_taken(plate, self))
        throw_conflict(msg("vehicle.plate_taken_detail"), {{"plate", msg("vehicle.plate_taken")}});
}

// ---- audit and pages ---------------------------------------------------------------

AuditEntry audit_entry(Instant at, const Actor& actor, const char* entity, std::int64_t id,
                       std::string action, std::string before, std::string after) {
    return audit_record(at, actor, entity, id, std::move(action), std::move(before),
                        std::move(after));
}

const char* update_action(bool was_active, bool is_active) {
    return was_active && !is_active ? "deactivate" : "update";
}

void check_page(FieldErrors& errs, const PageRequest& page) {
    if (page.limit < 1 || page.limit > max_page)
        errs.add("limit", msg("field.out_of_range", {{"min", 1}, {"max", std::int64_t(max_page)}}));
    if (page.after && *page.after < 0)
        errs.add("cursor", msg("field.bad_list_cursor"));
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

// "driver.not_found" {id}: the catalog has one per kind of record.
Message not_found(const char* kind, std::int64_t id) {
    return msg(std::string(kind) + ".not_found", {{"id", id}});
}

// ---- the field tables (fleet_fields.h), walked -----------------------------------------

using fields::is_special;
using fields::is_text;

template <class E>
using PatchOf = typename FleetEntity<E>::Patch;

// "a, b, c" → "a, b or c"
std::string one_of(std::string_view names) {
    const auto last = names.rfind(", ");
    if (last == std::string_view::npos)
        return std::string(names);
    return std::string(names.substr(0, last)) + " or " + std::string(names.substr(last + 2));
}

// The rule of one value, per kind. Booleans and references have none here (whether a
// referenced record exists is checked in the transaction).
template <class F, class V>
void check_value(FieldErrors&, const F&, const V&, const FleetLimits&) {}

template <class E, class P, class G>
void check_value(FieldErrors& errs, const fields::Text<E, P, G>& f, const std::string& v,
                 const FleetLimits& l) {
    check_text(errs, f.name, v, l.*f.max, f.presence, f.lines);
}

template <class E, class P, class G>
void check_value(FieldErrors& errs, const fields::Integer<E, P, G>& f, int v, const FleetLimits&) {
    check_range(errs, f.name, v, f.lo, f.hi);
}

template <class E, class P, class G>
void check_value(FieldErrors& errs, const fields::Number<E, P, G>& f, double v,
                 const FleetLimits& l) {
    const double hi = f.limit ? l.*f.limit : f.hi;
    if (!std::isfinite(v) || v < f.lo || v > hi)
        errs.add(f.name,
                 msg("field.out_of_range_what",
                     {{"what", f.what}, {"min", std::int64_t(f.lo)}, {"max", std::int64_t(hi)}}));
}

template <class E, class P, class T, class G>
void check_value(FieldErrors& errs, const fields::Enum<E, P, T, G>& f, T v, const FleetLimits&) {
    if (!f.from(f.to(v)))
        errs.add(f.name, msg("field.one_of",
                             {{"choices", one_of(f.names)}, {"list", std::string(f.names)}}));
}

// The special fields: their rules on a new record and on a patch.
void check_special(FieldErrors& errs, fields::Home, const Driver& d, const FleetLimits&) {
    check_lat(errs, "home.lat", d.home.lat);
    check_lon(errs, "home.lon", d.home.lon);
}
void check_special(FieldErrors& errs, fields::Home, const DriverPatch& d, const FleetLimits&) {
    if (d.home) {
        check_lat(errs, "home.lat", d.home->lat);
        check_lon(errs, "home.lon", d.home->lon);
    }
}
void check_special(FieldErrors& errs, fields::Shifts, const Driver& d, const FleetLimits& l) {
    check_shifts(errs, d.shifts, l);
}
void check_special(FieldErrors& errs, fields::Shifts, const DriverPatch& d, const FleetLimits& l) {
    if (d.shifts)
        check_shifts(errs, *d.shifts, l);
}
void check_special(FieldErrors& errs, fields::Absences, const Driver& d, const FleetLimits& l) {
    for (std::size_t i = 0; i < d.absences.size(); ++i)
        check_absence(errs, "absences[" + std::to_string(i) + "].", d.absences[i], l);
}
void check_special(FieldErrors&, fields::Absences, const DriverPatch&, const FleetLimits&) {
    // Absences are added one at a time (Fleet::add_absence), never patched.
}
void check_special(FieldErrors& errs, fields::Schedule, const Patient& p, const FleetLimits&) {
    if (p.schedule)
        check_schedule(errs, *p.schedule);
}
void check_special(FieldErrors& errs, fields::Schedule, const PatientPatch& p, const FleetLimits&) {
    if (p.schedule && *p.schedule)
        check_schedule(errs, **p.schedule);
}

void apply_special(fields::Home, Driver& d, const DriverPatch& p) {
    assign_if(d.home, p.home);
}
void apply_special(fields::Shifts, Driver& d, const DriverPatch& p) {
    assign_if(d.shifts, p.shifts);
}
void apply_special(fields::Absences, Driver&, const DriverPatch&) {}
void apply_special(fields::Schedule, Patient& p, const PatientPatch& patch) {
    assign_if(p.schedule, patch.schedule);
}

// Canonical order, after the checks (which name items at the caller's index), so a
// record reads back as written and snapshots compare.
template <class R>
void canonical(R&) {}
void canonical(Driver& d) {
    sort_shifts(d.shifts);
}
void canonical(DriverPatch& d) {
    if (d.shifts)
        sort_shifts(*d.shifts);
}
void canonical(Patient& p) {
    if (p.schedule)
        sort_schedule(*p.schedule);
}
void canonical(PatientPatch& p) {
    if (p.schedule && *p.schedule)
        sort_schedule(**p.schedule);
}

// Text is trimmed of blanks before it is checked.
template <class E>
void normalize(E& record) {
    fields::each(FleetEntity<E>::table, [&](const auto& f) {
        if constexpr (is_text<std::decay_t<decltype(f)>>)
            trim(f.get(record));
    });
}

template <class E>
void normalize_patch(PatchOf<E>& patch) {
    fields::each(FleetEntity<E>::table, [&](const auto& f) {
        if constexpr (is_text<std::decay_t<decltype(f)>>)
            if (f.patch)
                trim(patch.*f.patch);
    });
}

template <class E>
void check(FieldErrors& errs, const E& record, const FleetLimits& l) {
    fields::each(FleetEntity<E>::table, [&](const auto& f) {
        if constexpr (is_special<std::decay_t<decltype(f)>>)
            check_special(errs, f.tag, record, l);
        else
            check_value(errs, f, f.get(record), l);
    });
}

template <class E>
void check_patch(FieldErrors& errs, const PatchOf<E>& patch, const FleetLimits& l) {
    fields::each(FleetEntity<E>::table, [&](const auto& f) {
        if constexpr (is_special<std::decay_t<decltype(f)>>)
            check_special(errs, f.tag, patch, l);
        else if (f.patch && patch.*f.patch)
            check_value(errs, f, *(patch.*f.patch), l);
    });
}

template <class E>
void apply(E& record, const PatchOf<E>& patch) {
    fields::each(FleetEntity<E>::table, [&](const auto& f) {
        if constexpr (is_special<std::decay_t<decltype(f)>>)
            apply_special(f.tag, record, patch);
        else if (f.patch)
            assign_if(f.get(record), patch.*f.patch);
    });
}

// ---- audit snapshots, per kind -------------------------------------------------------

template <class E, class P, class G>
void audit_value(AuditObject& o, const fields::Text<E, P, G>& f, const std::string& v) {
    o.add(f.name, v);
}
template <class E, class P, class G>
void audit_value(AuditObject& o, const fields::Integer<E, P, G>& f, int v) {
    o.add(f.name, std::int64_t(v));
}
template <class E, class P, class G>
void audit_value(AuditObject& o, const fields::Number<E, P, G>& f, double v) {
    o.add(f.name, v);
}
template <class E, class P, class G>
void audit_value(AuditObject& o, const fields::Boolean<E, P, G>& f, bool v) {
    o.add(f.name, v);
}
template <class E, class P, class T, class G>
void audit_value(AuditObject& o, const fields::Enum<E, P, T, G>& f, T v) {
    o.add(f.name, f.to(v));
}
template <class E, class P, class G>
void audit_value(AuditObject& o, const fields::Reference<E, P, G>& f,
                 const std::optional<std::int64_t>& v) {
    if (v)  // null fields are omitted
        o.add(f.name, *v);
}

void audit_special(AuditObject& o, fields::Home, const Driver& d) {
    o.add("home_lat", d.home.lat);
    o.add("home_lon", d.home.lon);
}

void audit_special(AuditObject& o, fields::Shifts, const Driver& d) {
    std::vector<std::string> shifts;
    for (const Shift& s : d.shifts) {
        AuditObject so;
        so.add("weekday", std::int64_t(s.weekday));
        so.add("start", format_clock(s.start));
        so.add("end", format_clock(s.end));
        shifts.push_back(so.str());
    }
    o.add_raw_array("shifts", shifts);
}

void audit_special(AuditObject& o, fields::Absences, const Driver& d) {
    std::vector<std::string> absences;
    for (const Absence& a : d.absences) {
        AuditObject ao;
        ao.add("from", format_date(a.from));
        ao.add("to", format_date(a.to));
        absences.push_back(ao.str());
    }
    o.add_raw_array("absences", absences);
}

void audit_special(AuditObject& o, fields::Schedule, const Patient& p) {
    if (!p.schedule)
        return;
    std::vector<std::string> days;
    for (unsigned d : p.schedule->weekdays)
        days.push_back(std::to_string(d));
    o.add_raw_array("schedule_weekdays", days);
    o.add("schedule_appointment", format_clock(p.schedule->appointment));
    o.add("schedule_duration_minutes", std::int64_t(p.schedule->duration_minutes));
}

template <class E>
std::string snapshot(const E& record) {
    AuditObject o;
    o.add("id", std::int64_t(record.id));
    fields::each(FleetEntity<E>::table, [&](const auto& f) {
        if constexpr (is_special<std::decay_t<decltype(f)>>)
            audit_special(o, f.tag, record);
        else if (f.audited)
            audit_value(o, f, f.get(record));
    });
    return o.str();
}

// ---- what is special to each entity ----------------------------------------------------

template <class E>
struct Of {};

std::optional<Place> load(FleetTx& tx, PlaceId id, Of<Place>) {
    return tx.place(id);
}
std::optional<Driver> load(FleetTx& tx, DriverId id, Of<Driver>) {
    return tx.driver(id);
}
std::optional<Vehicle> load(FleetTx& tx, VehicleId id, Of<Vehicle>) {
    return tx.vehicle(id);
}
std::optional<Patient> load(FleetTx& tx, PatientId id, Of<Patient>) {
    return tx.patient(id);
}

std::optional<Place> find(FleetStore& s, PlaceId id, Of<Place>) {
    return s.find_place(id);
}
std::optional<Driver> find(FleetStore& s, DriverId id, Of<Driver>) {
    return s.find_driver(id);
}
std::optional<Vehicle> find(FleetStore& s, VehicleId id, Of<Vehicle>) {
    return s.find_vehicle(id);
}
std::optional<Patient> find(FleetStore& s, PatientId id, Of<Patient>) {
    return s.find_patient(id);
}

Page<Place> list(FleetStore& s, const PlaceFilter& f, const PageRequest& page) {
    return s.list_places(f, page);
}
Page<Driver> list(FleetStore& s, const DriverFilter& f, const PageRequest& page) {
    return s.list_drivers(f, page);
}
Page<Vehicle> list(FleetStore& s, const VehicleFilter& f, const PageRequest& page) {
    return s.list_vehicles(f, page);
}
Page<Patient> list(FleetStore& s, const PatientFilter& f, const PageRequest& page) {
    return s.list_patients(f, page);
}

// Rules of a whole new record beyond its fields'.
template <class E>
void check_whole(FieldErrors&, const E&) {}

void check_whole(FieldErrors& errs, const Patient& patient) {
    if (!errs.empty())
        return;
    try {
        check_schedule_has_center(patient, false);
    } catch (const Error& e) {
        for (const FieldError& fe : e.errors())
            errs.add(fe.field, fe.as_message());
        if (e.errors().empty())
            errs.add("center_id", e.detail());
    }
}

// A new record: the rules that need the database, then its writes; returns its id.
PlaceId write_new(FleetTx& tx, const Place& place) {
    return tx.insert_place(place);
}

DriverId write_new(FleetTx& tx, const Driver& driver) {
    const DriverId id = tx.insert_driver(driver);
    tx.replace_shifts(id, driver.shifts);
    for (const Absence& a : driver.absences)
        tx.add_absence(id, a);
    return id;
}

VehicleId write_new(FleetTx& tx, const Vehicle& vehicle) {
    FieldErrors refs;
    check_default_driver(tx, vehicle.driver_id, refs);
    refs.throw_if_any(msg("refs.vehicle"), ErrorKind::unprocessable);
    check_plate_free(tx, vehicle.plate, 0);
    return tx.insert_vehicle(vehicle);
}

PatientId write_new(FleetTx& tx, const Patient& patient) {
    FieldErrors refs;
    check_center(tx, patient.center_id, refs);
    refs.throw_if_any(msg("refs.patient"), ErrorKind::unprocessable);
    return tx.insert_patient(patient);
}

// A changed record (`before` patched): the rules that need the database, then its writes.
void write_changed(FleetTx& tx, const Place&, const Place& place, const PlacePatch&) {
    tx.update_place(place);
}

void write_changed(FleetTx& tx, const Driver&, const Driver& driver, const DriverPatch& patch) {
    tx.update_driver(driver);
    if (patch.shifts)
        tx.replace_shifts(driver.id, driver.shifts);
}

void write_changed(FleetTx& tx, const Vehicle& before, const Vehicle& vehicle,
                   const VehiclePatch& patch) {
    // Only what the patch names is checked against the database: a vehicle whose
    // default driver has since been deactivated can still have its seats changed.
    FieldErrors refs;
    if (patch.driver_id && vehicle.driver_id != before.driver_id)
        check_default_driver(tx, vehicle.driver_id, refs);
    refs.throw_if_any(msg("refs.vehicle"), ErrorKind::unprocessable);
    if (patch.plate)
        check_plate_free(tx, vehicle.plate, vehicle.id);
    tx.update_vehicle(vehicle);
}

void write_changed(FleetTx& tx, const Patient& before, const Patient& patient,
                   const PatientPatch& patch) {
    check_schedule_has_center(patient, patch.center_id.has_value());
    FieldErrors refs;
    if (patch.center_id && patient.center_id != before.center_id)
        check_center(tx, patient.center_id, refs);
    refs.throw_if_any(msg("refs.patient"), ErrorKind::unprocessable);
    tx.update_patient(patient);
}

// ---- phone numbers -----------------------------------------------------------------

// A patient's or driver's phone, stored in E.164 so that one number is one text and a
// tel: link dials it from anywhere. Empty stays empty (no phone).
void normalize_phone(FieldErrors& errs, std::string& phone, const PhoneRule& rule) {
    if (phone.empty() || !rule.phones)
        return;
    auto e164 = rule.phones->to_e164(phone, rule.region);
    if (!e164) {
        errs.add("phone", msg("phone.not_dialable", {{"region", rule.region}}));
        return;
    }
    phone = *e164;
}

template <class R>
void normalize_phones(FieldErrors&, R&, const PhoneRule&) {}
void normalize_phones(FieldErrors& errs, Driver& d, const PhoneRule& rule) {
    normalize_phone(errs, d.phone, rule);
}
void normalize_phones(FieldErrors& errs, Patient& p, const PhoneRule& rule) {
    normalize_phone(errs, p.phone, rule);
}
void normalize_phones(FieldErrors& errs, DriverPatch& d, const PhoneRule& rule) {
    if (d.phone)
        normalize_phone(errs, *d.phone, rule);
}
void normalize_phones(FieldErrors& errs, PatientPatch& p, const PhoneRule& rule) {
    if (p.phone)
        normalize_phone(errs, *p.phone, rule);
}

// Malformed fields are 400; a phone that is text but no number that can be dialled is
// 422. With both, one 400 names them all, so one round trip fixes everything.
void throw_field_errors(FieldErrors& errs, const FieldErrors& phone_errs,
                        Message detail = msg("request.invalid_fields")) {
    if (errs.empty()) {
        phone_errs.throw_if_any(msg("phone.not_dialable_detail"), ErrorKind::unprocessable);
        return;
    }
    for (const FieldError& fe : phone_errs.list())
        errs.add(fe.field, fe.as_message());
    errs.throw_if_any(std::move(detail));
}

// ---- create, import, read, list and patch, for every entity ----------------------------

template <class E>
void prepare(E& record, FieldErrors& errs, FieldErrors& phone_errs, const FleetLimits& l,
             const PhoneRule& phones) {
    record.id = 0;
    normalize(record);
    check(errs, record, l);
    normalize_phones(phone_errs, record, phones);
    check_whole(errs, record);
    canonical(record);
}

template <class E>
E insert(FleetTx& tx, const Actor& actor, Instant at, const E& record) {
    const std::int64_t id = write_new(tx, record);
    E after = *load(tx, id, Of<E>{});
    tx.audit(audit_entry(at, actor, FleetEntity<E>::name, id, "create", "", audit_snapshot(after)));
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
                          std::vector<ImportRow<T>> rows, const FleetLimits& limits,
                          const PhoneRule& phones) {
    require_dispatcher(actor);
    FieldErrors errs;
    FieldErrors phone_errs;
    if (rows.empty())
        errs.add("body", msg("import.no_rows"));
    for (auto& row : rows) {
        FieldErrors row_errs;
        FieldErrors row_phone_errs;
        prepare(row.item, row_errs, row_phone_errs, limits, phones);
        for (const FieldError& fe : row_errs.list())
            errs.add(line_prefix(row.line) + fe.field, fe.as_message());
        for (const FieldError& fe : row_phone_errs.list())
            phone_errs.add(line_prefix(row.line) + fe.field, fe.as_message());
    }
    throw_field_errors(errs, phone_errs, msg("import.invalid_rows"));
    return store.transact([&](FleetTx& tx) {
        std::vector<T> out;
        out.reserve(rows.size());
        for (const auto& row : rows) {
            try {
                out.push_back(insert(tx, actor, at, row.item));
            } catch (const Error& e) {
                std::vector<FieldError> named;
                for (const FieldError& fe : e.errors())
                    named.emplace_back(line_prefix(row.line) + fe.field, fe.as_message());
                if (named.empty())
                    named.emplace_back("line " + std::to_string(row.line), e.detail());
                Message why = e.detail();
                why.params.push_back(Arg("line", std::int64_t(row.line)).param);
                throw Error(e.kind(), wrap("import.row_refused", "why", why), std::move(named));
            }
        }
        return out;
    });
}

template <class E>
E create_record(FleetStore& store, const Actor& actor, Instant at, E record,
                const FleetLimits& limits, const PhoneRule& phones) {
    require_dispatcher(actor);
    FieldErrors errs;
    FieldErrors phone_errs;
    prepare(record, errs, phone_errs, limits, phones);
    throw_field_errors(errs, phone_errs);
    return store.transact([&](FleetTx& tx) { return insert(tx, actor, at, record); });
}

template <class T>
T found_or_not_found(std::optional<T> record, const char* kind, std::int64_t id) {
    if (!record)
        throw_not_found(not_found(kind, id));
    return std::move(*record);
}

template <class E>
E get_record(FleetStore& store, const Actor& actor, std::int64_t id) {
    require_dispatcher(actor);
    return found_or_not_found(find(store, id, Of<E>{}), FleetEntity<E>::name, id);
}

// The list after the search text is normalized and it and the page are checked.
template <class Filter>
auto list_records(FleetStore& store, const Actor& actor, Filter filter, const PageRequest& page,
                  const FleetLimits& limits) {
    require_dispatcher(actor);
    FieldErrors errs;
    normalize_query(errs, filter.q, limits);
    check_page(errs, page);
    errs.throw_if_any();
    return list(store, filter, page);
}

template <class E>
E update_record(FleetStore& store, const Clock& clock, const Actor& actor, std::int64_t id,
                PatchOf<E> patch, const FleetLimits& limits, const PhoneRule& phones) {
    require_dispatcher(actor);
    normalize_patch<E>(patch);
    FieldErrors errs;
    check_patch<E>(errs, patch, limits);
    FieldErrors phone_errs;
    normalize_phones(phone_errs, patch, phones);
    throw_field_errors(errs, phone_errs);
    canonical(patch);

    return store.transact([&](FleetTx& tx) {
        const char* name = FleetEntity<E>::name;
        const E before = found_or_not_found(load(tx, id, Of<E>{}), name, id);
        E record = before;
        apply(record, patch);
        const std::string before_text = audit_snapshot(before);
        if (audit_snapshot(record) == before_text)
            return before;  // nothing changes
        write_changed(tx, before, record, patch);
        E after = *load(tx, id, Of<E>{});
        tx.audit(audit_entry(clock.now(), actor, name, id,
                             update_action(before.active, after.active), before_text,
                             audit_snapshot(after)));
        return after;
    });
}

}  // namespace

PhoneRule Fleet::phone_rule() {
    if (!phones_)
        return {};
    return {phones_, settings_.get().phone_region};
}

// ---- places ----------------------------------------------------------------------

Place Fleet::create_place(const Actor& actor, const Place& input) {
    return create_record(store_, actor, clock_.now(), input, limits_, phone_rule());
}
std::vector<Place> Fleet::import_places(const Actor& actor, std::vector<ImportRow<Place>> rows) {
    return import_all(store_, actor, clock_.now(), std::move(rows), limits_, phone_rule());
}
Place Fleet::get_place(const Actor& actor, PlaceId id) {
    return get_record<Place>(store_, actor, id);
}
Page<Place> Fleet::list_places(const Actor& actor, const PlaceFilter& filter,
                               const PageRequest& page) {
    return list_records(store_, actor, filter, page, limits_);
}
Place Fleet::update_place(const Actor& actor, PlaceId id, const PlacePatch& patch) {
    return update_record<Place>(store_, clock_, actor, id, patch, limits_, phone_rule());
}

// ---- drivers ----------------------------------------------------------------------

Driver Fleet::create_driver(const Actor& actor, const Driver& input) {
    return create_record(store_, actor, clock_.now(), input, limits_, phone_rule());
}
std::vector<Driver> Fleet::import_drivers(const Actor& actor, std::vector<ImportRow<Driver>> rows) {
    return import_all(store_, actor, clock_.now(), std::move(rows), limits_, phone_rule());
}
Driver Fleet::get_driver(const Actor& actor, DriverId id) {
    return get_record<Driver>(store_, actor, id);
}
Page<Driver> Fleet::list_drivers(const Actor& actor, const DriverFilter& filter,
                                 const PageRequest& page) {
    return list_records(store_, actor, filter, page, limits_);
}
Driver Fleet::update_driver(const Actor& actor, DriverId id, const DriverPatch& patch) {
    return update_record<Driver>(store_, clock_, actor, id, patch, limits_, phone_rule());
}

Driver Fleet::add_absence(const Actor& actor, DriverId id, const Absence& absence, Absence* added) {
    require_dispatcher(actor);
    FieldErrors errs;
    check_absence(errs, "", absence, limits_);
    errs.throw_if_any();

    return store_.transact([&](FleetTx& tx) {
        auto before = tx.driver(id);
        if (!before)
            throw_not_found(not_found("driver", id));
        Absence stored = absence;
        stored.id = tx.add_absence(id, absence);
        if (added)
            *added = stored;
        Driver after = *tx.driver(id);
        tx.audit(audit_entry(clock_.now(), actor, "driver", id, "add_absence",
                             audit_snapshot(*before), audit_snapshot(after)));
        return after;
    });
}

namespace {

const Absence& absence_of(const Driver& d, AbsenceId absence) {
    for (const Absence& a : d.absences)
        if (a.id == absence)
            return a;
    throw_not_found(msg("absence.not_found", {{"driver", d.id}, {"id", absence}}));
}

}  // namespace

Driver Fleet::update_absence(const Actor& actor, DriverId id, AbsenceId absence,
                             std::optional<LocalDate> from, std::optional<LocalDate> to,
                             Absence* changed) {
    require_dispatcher(actor);
    return store_.transact([&](FleetTx& tx) {
        auto before = tx.driver(id);
        if (!before)
            throw_not_found(not_found("driver", id));
        Absence a = absence_of(*before, absence);
        if (from)
            a.from = *from;
        if (to)
            a.to = *to;
        FieldErrors errs;
        check_absence(errs, "", a, limits_);
        errs.throw_if_any();
        tx.update_absence(id, a);
        if (changed)
            *changed = a;
        Driver after = *tx.driver(id);
        tx.audit(audit_entry(clock_.now(), actor, "driver", id, "update_absence",
                             audit_snapshot(*before), audit_snapshot(after)));
        return after;
    });
}

Driver Fleet::remove_absence(const Actor& actor, DriverId id, AbsenceId absence) {
    require_dispatcher(actor);
    return store_.transact([&](FleetTx& tx) {
        auto before = tx.driver(id);
        if (!before)
            throw_not_found(not_found("driver", id));
        absence_of(*before, absence);
        tx.remove_absence(id, absence);
        Driver after = *tx.driver(id);
        tx.audit(audit_entry(clock_.now(), actor, "driver", id, "remove_absence",
                             audit_snapshot(*before), audit_snapshot(after)));
        return after;
    });
}

// ---- vehicles ---------------------------------------------------------------------

Vehicle Fleet::create_vehicle(const Actor& actor, const Vehicle& input) {
    return create_record(store_, actor, clock_.now(), input, limits_, phone_rule());
}
std::vector<Vehicle> Fleet::import_vehicles(const Actor& actor,
                                            std::vector<ImportRow<Vehicle>> rows) {
    return import_all(store_, actor, clock_.now(), std::move(rows), limits_, phone_rule());
}
Vehicle Fleet::get_vehicle(const Actor& actor, VehicleId id) {
    return get_record<Vehicle>(store_, actor, id);
}
Page<Vehicle> Fleet::list_vehicles(const Actor& actor, const VehicleFilter& filter,
                                   const PageRequest& page) {
    return list_records(store_, actor, filter, page, limits_);
}
Vehicle Fleet::update_vehicle(const Actor& actor, VehicleId id, const VehiclePatch& patch) {
    return update_record<Vehicle>(store_, clock_, actor, id, patch, limits_, phone_rule());
}

// ---- patients ---------------------------------------------------------------------

Patient Fleet::create_patient(const Actor& actor, const Patient& input) {
    return create_record(store_, actor, clock_.now(), input, limits_, phone_rule());
}
std::vector<Patient> Fleet::import_patients(const Actor& actor,
                                            std::vector<ImportRow<Patient>> rows) {
    return import_all(store_, actor, clock_.now(), std::move(rows), limits_, phone_rule());
}
Patient Fleet::get_patient(const Actor& actor, PatientId id) {
    return get_record<Patient>(store_, actor, id);
}
Page<Patient> Fleet::list_patients(const Actor& actor, const PatientFilter& filter,
                                   const PageRequest& page) {
    return list_records(store_, actor, filter, page, limits_);
}
Patient Fleet::update_patient(const Actor& actor, PatientId id, const PatientPatch& patch) {
    return update_record<Patient>(store_, clock_, actor, id, patch, limits_, phone_rule());
}

Patient Fleet::patient_for(const Actor& actor, PatientId id) {
    if (actor.is_dispatcher())
        return get_patient(actor, id);
    if (!actor.driver_id)
        throw_forbidden(msg("auth.not_linked"));
    const LocalDate today = local_date(clock_.now(), find_zone(settings_.get().time_zone));
    auto patient =
        store_.find_patient_of_driver(id, *actor.driver_id, driver_patient_days(today, today));
    // Not "forbidden": whether some other patient exists is not the driver's to know.
    if (!patient)
        throw_not_found(not_found("patient", id));
    return *patient;
}

// ---- search -----------------------------------------------------------------------

std::vector<SearchHit> Fleet::search(const Actor& actor, SearchQuery query) {
    SearchScope scope;
    if (!actor.is_dispatcher()) {
        if (!actor.driver_id)
            throw_forbidden(msg("auth.not_linked"));
        if (query.kind != SearchKind::patient)
            throw_forbidden(msg("search.driver_patients_only"));
        const LocalDate today = local_date(clock_.now(), find_zone(settings_.get().time_zone));
        scope = {actor.driver_id, driver_patient_days(today, today)};
    }
    FieldErrors errs;
    std::optional<std::string> q = query.q;
    normalize_query(errs, q, limits_);
    if (!q)
        errs.add("q", msg("search.q_required"));
    if (query.limit < 1 || query.limit > 100)
        errs.add("limit", msg("field.out_of_range", {{"min", 1}, {"max", 100}}));
    errs.throw_if_any();
    query.q = *q;
    return store_.search(query, scope);
}

// ---- audit snapshots --------------------------------------------------------------

std::string audit_snapshot(const Place& place) {
    return snapshot(place);
}
std::string audit_snapshot(const Driver& driver) {
    return snapshot(driver);
}
std::string audit_snapshot(const Vehicle& vehicle) {
    return snapshot(vehicle);
}
std::string audit_snapshot(const Patient& patient) {
    return snapshot(patient);
}

}  // namespace lifeline
