// Dispatch: requests from schedules, holidays, manual requests, patches and cancellation.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "dispatch_internal.h"
#include "lifeline/core/audit.h"
#include "lifeline/core/dispatch/dispatch.h"
#include "patch.h"

namespace lifeline {

using detail::assign_if;

namespace dispatch_detail {

void require_dispatcher(const Actor& actor) {
    if (!actor.is_dispatcher())
        throw_forbidden(msg("dispatch.dispatcher_only"));
}

LocalDate add_days(LocalDate d, int days) {
    return LocalDate{std::chrono::sys_days{d} + std::chrono::days{days}};
}

Message request_text(RequestId id) {
    return msg("request.not_found", {{"id", id}});
}

void detach(DispatchTx& tx, RideRequest& request) {
    for (Route route : tx.routes_of_day(request.service_date)) {
        auto before = route.stops.size();
        std::erase_if(route.stops, [&](const RouteStop& s) { return s.request_id == request.id; });
        if (route.stops.size() == before)
            continue;
        if (route.stops.empty() && route.status == RouteStatus::planned)
            tx.delete_route(route.id);
        else
            tx.update_route(route);
    }
    if (request.status == RequestStatus::scheduled || request.status == RequestStatus::unserved)
        request.status = RequestStatus::pending;
    request.unserved_reason.clear();
    request.pinned_vehicle.reset();  // off its route, the hand assignment no longer holds
}

void refuse_cancelled(const RideRequest& r) {
    if (r.status == RequestStatus::cancelled)
        throw_conflict(msg("request.cancelled_restore_first", {{"id", r.id}}),
                       {{"status", msg("request.cancelled_restore_field")}});
}

void cancel_open(DispatchTx& tx, RideRequest& r, CancelReason reason, const std::string& note,
                 Instant now) {
    detach(tx, r);
    r.status = RequestStatus::cancelled;
    r.cancel_reason = reason;
    r.cancelled_at = now;
    if (!note.empty())
        r.notes = r.notes.empty() ? note : r.notes + "\n" + note;
    r.updated_at = now;
}

void uncancel(RideRequest& r, Instant now) {
    r.status = RequestStatus::pending;
    r.cancel_reason.reset();
    r.cancelled_at.reset();
    r.cancel_batch_id.reset();
    r.suspension_id.reset();
    r.updated_at = now;
}

AuditEntry audit_entry(const Actor& actor, Instant at, const char* entity, std::int64_t id,
                       std::string action, std::string after, std::string reason) {
    return audit_record(at, actor, entity, id, std::move(action), {}, std::move(after),
                        std::move(reason));
}

}  // namespace dispatch_detail

using namespace dispatch_detail;

namespace {

constexpr int max_passengers = 8;

std::string place_label(const Place& p) {
    return p.address.empty() ? p.name : p.name + ", " + p.address;
}

Endpoint home_of(const Patient& p) {
    return Endpoint{std::nullopt, p.location, p.address};
}

Endpoint endpoint_of(const Place& p) {
    return Endpoint{p.id, p.location, place_label(p)};
}

bool same(const Endpoint& a, const Endpoint& b) {
    return a.place_id == b.place_id && a.location.lat == b.location.lat &&
           a.location.lon == b.location.lon && a.address == b.address;
}

// The fields a schedule decides; the rest (notes, status history) is the dispatcher's.
bool same_session(const RideRequest& a, const RideRequest& b) {
    return a.direction == b.direction && a.service_date == b.service_date &&
           same(a.pickup, b.pickup) && same(a.dropoff, b.dropoff) && a.arrive_by == b.arrive_by &&
           a.ready_at == b.ready_at && a.passengers == b.passengers &&
           a.wheelchair == b.wheelchair && a.status == b.status &&
           a.cancel_reason == b.cancel_reason;
}

void copy_session(RideRequest& to, const RideRequest& from) {
    to.direction = from.direction;
    to.service_date = from.service_date;
    to.pickup = from.pickup;
    to.dropoff = from.dropoff;
    to.arrive_by = from.arrive_by;
    to.ready_at = from.ready_at;
    to.passengers = from.passengers;
    to.wheelchair = from.wheelchair;
    to.status = from.status;
    to.cancel_reason = from.cancel_reason;
    to.unserved_reason.clear();
}

// How the schedules are brought to the requests of a range of session dates.
struct SyncRules {
    bool update = false;           // also update and remove unplanned requests
    LocalDate not_before{};        // ...only of sessions and service dates from then on
    bool include_planned = false;  // ...and take planned (unstarted) ones off their routes
    // Sessions not made yet whose ride to the center should arrive before this are not made
    // (nor their return): the patient was not taken there.
    std::optional<Instant> sessions_from;
};

bool session_past(const std::vector<RideRequest>& session, const SyncRules& rules) {
    if (!rules.sessions_from)
        return false;
    for (const RideRequest& r : session)
        if (r.direction == Direction::to_center && r.arrive_by &&
            *r.arrive_by < *rules.sessions_from)
            return true;
    return false;
}

// Whether an assigned request (on a route, so left alone) differs from its session now.
bool assigned_differs(const RideRequest& have, const RideRequest& want, const SyncRules& rules) {
    if (!rules.update || have.status != RequestStatus::scheduled ||
        have.service_date < rules.not_before)
        return false;
    RideRequest target = have;
    copy_session(target, want);
    target.status = have.status;
    target.cancel_reason = have.cancel_reason;
    return !same_session(have, target);
}

class Sessions {
  public:
    Sessions(DispatchTx& tx, const date::time_zone* zone, Instant now)
        : tx_(tx), zone_(zone), now_(now) {}

    // The two requests of `patient`'s session on `day`, where they happen.
    std::vector<RideRequest> of(const Patient& patient, LocalDate day) {
        std::vector<RideRequest> out;
        if (!patient.active || !patient.schedule || !patient.center_id)
            return out;
        const auto& sch = *patient.schedule;
        if (std::find(sch.weekdays.begin(), sch.weekdays.end(), iso_weekday(day)) ==
            sch.weekdays.end())
            return out;
        const Place* center = center_of(*patient.center_id);
        if (!center)
            return out;
        const std::optional<Holiday>& hol = holiday(day);
        const LocalDate service = hol && hol->move_to ? *hol->move_to : day;
        const bool closed = hol && !hol->move_to;
        if (suspended(patient.id, service))
            return out;  // in hospital or away: no rides that day

        RideRequest base;
        base.patient_id = patient.id;
        base.service_date = service;
        base.passengers = 1 + (patient.escort ? 1 : 0);
        base.wheelchair = patient.mobility == Mobility::wheelchair;
        base.source = RequestSource::schedule;
        base.session_date = day;
        base.created_at = base.updated_at = now_;
        if (closed) {
            base.status = RequestStatus::cancelled;
            base.cancel_reason = CancelReason::holiday;
        }
        const Instant appointment = local_instant(service, sch.appointment, zone_);
        const std::string key = std::to_string(patient.id) + ":" + format_date(day) + ":";

        RideRequest there = base;
        there.direction = Direction::to_center;
        there.pickup = home_of(patient);
        there.dropoff = endpoint_of(*center);
        there.arrive_by = appointment;
        there.schedule_key = key + "to_center";
        out.push_back(there);

        RideRequest back = base;
        back.direction = Direction::home;
        back.pickup = endpoint_of(*center);
        back.dropoff = home_of(patient);
        back.ready_at = appointment + std::chrono::minutes{sch.duration_minutes};
        back.schedule_key = key + "home";
        out.push_back(back);
        return out;
    }

  private:
    const Place* center_of(PlaceId id) {
        auto it = centers_.find(id);
        if (it == centers_.end())
            it = centers_.emplace(id, tx_.place(id)).first;
        return it->second ? &*it->second : nullptr;
    }
    bool suspended(PatientId patient, LocalDate d) {
        auto it = suspensions_.find(patient);
        if (it == suspensions_.end())
            it = suspensions_.emplace(patient, tx_.suspensions(patient)).first;
        return std::any_of(it->second.begin(), it->second.end(),
                           [&](const Suspension& s) { return s.from <= d && d <= s.to; });
    }
    const std::optional<Holiday>& holiday(LocalDate d) {
        auto it = holidays_.find(d);
        if (it == holidays_.end())
            it = holidays_.emplace(d, tx_.holiday(d)).first;
        return it->second;
    }

    DispatchTx& tx_;
    const date::time_zone* zone_;
    Instant now_;
    std::map<PlaceId, std::optional<Place>> centers_;
    std::map<LocalDate, std::optional<Holiday>> holidays_;
    std::map<PatientId, std::vector<Suspension>> suspensions_;
};

bool updatable(const RideRequest& r, const SyncRules& rules) {
    if (!rules.update || r.service_date < rules.not_before ||
        (r.session_date && *r.session_date < rules.not_before))
        return false;
    if (r.status == RequestStatus::pending || r.status == RequestStatus::unserved)
        return true;
    if (r.status == RequestStatus::cancelled && r.cancel_reason == CancelReason::holiday)
        return true;  // a holiday undone brings its sessions back
    return rules.include_planned && r.status == RequestStatus::scheduled;
}

// Brings one wanted request of a session to the database; answers its id (0: none). A
// session that is `past` is not made when missing.
RequestId sync_one(DispatchTx& tx, const RideRequest& want, bool past,
                   const std::map<std::string, RideRequest>& existing, const SyncRules& rules,
                   Instant now, GenerateResult& result) {
    auto it = existing.find(*want.schedule_key);
    if (it == existing.end() && past) {
        ++result.past;
        return 0;
    }
    if (it == existing.end()) {
        // Another range (or patient) may hold the key: never twice.
        if (auto other = tx.request_by_key(*want.schedule_key)) {
            ++result.unchanged;
            return other->id;
        }
        ++result.created;
        return tx.insert_request(want);
    }
    RideRequest have = it->second;
    if (!updatable(have, rules)) {
        if (assigned_differs(have, want, rules))
            result.kept_assigned.push_back(have.id);
        ++result.unchanged;
        return have.id;
    }
    RideRequest target = have;
    copy_session(target, want);
    if (have.status == RequestStatus::unserved && want.status == RequestStatus::pending)
        target.status = RequestStatus::unserved;  // as it was, if nothing moved
    if (same_session(have, target)) {
        ++result.unchanged;
        return have.id;
    }
    if (have.status == RequestStatus::scheduled || have.status == RequestStatus::unserved)
        detach(tx, have);
    if (target.status != RequestStatus::cancelled) {
        target.status = RequestStatus::pending;
        target.cancelled_at.reset();
    } else if (!target.cancelled_at) {
        target.cancelled_at = now;
    }
    target.updated_at = now;
    tx.update_request(target);
    ++result.updated;
    return have.id;
}

// The two legs of a session point at each other (written once, when one is missing).
void link_session(DispatchTx& tx, const std::vector<RequestId>& ids,
                  const std::map<std::string, RideRequest>& existing,
                  const std::vector<RideRequest>& wanted) {
    if (ids.size() != 2 || !ids[0] || !ids[1])
        return;
    bool linked = true;
    for (std::size_t i = 0; i < 2; ++i) {
        auto it = existing.find(*wanted[i].schedule_key);
        linked = linked && it != existing.end() && it->second.linked_request_id == ids[1 - i];
    }
    if (!linked)
        tx.link_requests(ids[0], ids[1]);
}

GenerateResult sync(DispatchTx& tx, const date::time_zone* zone, LocalDate from, LocalDate to,
                    std::optional<PatientId> only, const SyncRules& rules, Instant now) {
    GenerateResult result;
    Sessions sessions(tx, zone, now);
    std::vector<Patient> patients;
    if (only) {
        if (auto p = tx.patient(*only))
            patients.push_back(*p);
    } else {
        patients = tx.scheduled_patients();
    }
    std::map<std::string, RideRequest> existing;
    for (auto& r : tx.schedule_requests(from, to, only))
        if (r.schedule_key)
            existing.emplace(*r.schedule_key, r);

    std::set<std::string> wanted;
    for (const Patient& p : patients) {
        for (LocalDate d = from; d <= to; d = add_days(d, 1)) {
            const std::vector<RideRequest> session = sessions.of(p, d);
            const bool past = session_past(session, rules);
            std::vector<RequestId> ids;
            for (const RideRequest& want : session) {
                wanted.insert(*want.schedule_key);
                ids.push_back(sync_one(tx, want, past, existing, rules, now, result));
            }
            link_session(tx, ids, existing, session);
        }
    }
    for (auto& [key, have] : existing) {
        if (wanted.count(key))
            continue;
        if (rules.update && have.status == RequestStatus::scheduled &&
            have.service_date >= rules.not_before && !rules.include_planned) {
            result.kept_assigned.push_back(have.id);
            continue;
        }
        if (!updatable(have, rules) || have.status == RequestStatus::scheduled)
            continue;
        tx.delete_request(have.id);
        ++result.removed;
    }
    return result;
}

}  // namespace

namespace dispatch_detail {

const date::time_zone* zone_of(SettingsService& settings) {
    return find_zone(settings.get().time_zone);
}

GenerateResult create_missing(DispatchTx& tx, const date::time_zone* zone, LocalDate from,
                              LocalDate to, PatientId patient, Instant now) {
    if (to < from)
        return {};
    return sync(tx, zone, from, to, patient, SyncRules{}, now);
}

LocalDate generated_until(DispatchTx& tx, PatientId patient, LocalDate today) {
    LocalDate last = add_days(today, 7);
    for (const auto& r : tx.schedule_requests(today, add_days(today, 400), patient))
        if (r.session_date && *r.session_date > last)
            last = *r.session_date;
    return last;
}

}  // namespace dispatch_detail

LocalDate Dispatch::today() {
    return local_date(clock_.now(), zone_of(settings_));
}

GenerateResult Dispatch::generate(const Actor& actor, LocalDate from, LocalDate to) {
    require_dispatcher(actor);
    FieldErrors errs;
    if (to < from)
        errs.add("to", msg("field.to_before_from"));
    else if ((std::chrono::sys_days{to} - std::chrono::sys_days{from}).count() >=
             limits_.max_generate_days)
        errs.add("to",
                 msg("list.at_most_days", {{"max", std::int64_t(limits_.max_generate_days)}}));
    errs.throw_if_any(ErrorKind::unprocessable);
    const auto* zone = zone_of(settings_);
    return store_.transact([&](DispatchTx& tx) {
        return sync(tx, zone, from, to, std::nullopt, SyncRules{}, clock_.now());
    });
}

GenerateResult Dispatch::patient_changed(const Actor& actor, PatientId patient) {
    require_dispatcher(actor);
    const auto* zone = zone_of(settings_);
    const LocalDate first = today();
    return store_.transact([&](DispatchTx& tx) {
        // As far ahead as requests were generated, and at least today and the next 7 days;
        // today's sessions only from now on.
        const LocalDate last = generated_until(tx, patient, first);
        SyncRules rules{true, first, false, clock_.now()};
        return sync(tx, zone, first, last, patient, rules, clock_.now());
    });
}

GenerateResult Dispatch::put_holiday(const Actor& actor, const Holiday& holiday) {
    require_dispatcher(actor);
    if (holiday.move_to && *holiday.move_to == holiday.date)
        throw_invalid_field("move_to", msg("holiday.move_other_date"));
    if (holiday.move_to &&
        (std::chrono::sys_days{*holiday.move_to} - std::chrono::sys_days{holiday.date}).count() >
            31)
        throw_invalid_field("move_to", msg("holiday.move_within"));
    const auto* zone = zone_of(settings_);
    return store_.transact([&](DispatchTx& tx) {
        tx.put_holiday(holiday);
        // The dispatcher names the date: its sessions follow even if it is past, and
        // planned ones leave their routes (started ones stay as they are).
        SyncRules rules{true,
                        LocalDate{std::chrono::year{1}, std::chrono::month{1}, std::chrono::day{1}},
                        true, std::nullopt};
        return sync(tx, zone, holiday.date, holiday.date, std::nullopt, rules, clock_.now());
    });
}

GenerateResult Dispatch::remove_holiday(const Actor& actor, LocalDate date) {
    require_dispatcher(actor);
    const auto* zone = zone_of(settings_);
    return store_.transact([&](DispatchTx& tx) {
        if (!tx.holiday(date))
            throw_not_found(msg("holiday.not_found_on", {{"date", format_date(date)}}));
        tx.delete_holiday(date);
        // As when it was put: the date's sessions follow, planned ones included.
        SyncRules rules{true,
                        LocalDate{std::chrono::year{1}, std::chrono::month{1}, std::chrono::day{1}},
                        true, std::nullopt};
        return sync(tx, zone, date, date, std::nullopt, rules, clock_.now());
    });
}

std::optional<Holiday> Dispatch::get_holiday(const Actor& actor, LocalDate date) {
    require_dispatcher(actor);
    return store_.read([&](DispatchTx& tx) { return tx.holiday(date); });
}

// ---- manual requests ----------------------------------------------------------------

namespace {

std::optional<Endpoint> resolve(DispatchTx& tx, const EndpointInput& in, const std::string& field,
                                FieldErrors& errs) {
    if (in.place_id) {
        auto place = tx.place(*in.place_id);
        if (!place) {
            errs.add(field + ".place_id", msg("place.not_found", {{"id", *in.place_id}}));
            return std::nullopt;
        }
        Endpoint e = endpoint_of(*place);
        if (!in.address.empty())
            e.address = in.address;
        return e;
    }
    if (!in.location) {
        errs.add(field, msg("request.place_or_point"));
        return std::nullopt;
    }
    return Endpoint{std::nullopt, *in.location, in.address};
}

void check_times(const RideRequest& r, FieldErrors& errs) {
    if (r.arrive_by && r.ready_at && *r.arrive_by <= *r.ready_at)
        errs.add("arrive_by", msg("request.arrive_after_ready"));
    if (r.passengers < 1 || r.passengers > max_passengers)
        errs.add("passengers", msg("request.passengers", {{"max", std::int64_t(max_passengers)}}));
    if (r.wheelchair && r.passengers < 1)
        errs.add("passengers", msg("request.wheelchair_passenger"));
}

}  // namespace

RideRequest Dispatch::create_request(const Actor& actor, const RequestInput& in) {
    require_dispatcher(actor);
    const auto* zone = zone_of(settings_);
    FieldErrors errs;
    if (in.notes.size() > std::size_t(limits_.max_notes) * 4)
        errs.add("notes", msg("field.too_long"));
    if (in.direction == Direction::other && !in.dropoff)
        errs.add("dropoff", msg("request.dropoff_required"));
    if (!in.service_date && !in.arrive_by && !in.ready_at)
        errs.add("service_date", msg("request.will_call_date"));
    errs.throw_if_any();
    return store_.transact([&](DispatchTx& tx) {
        FieldErrors e;
        auto patient = tx.patient(in.patient_id);
        if (!patient || !patient->active) {
            e.add("patient_id", patient ? msg("patient.deactivated")
                                        : msg("patient.not_found", {{"id", in.patient_id}}));
            e.throw_if_any(msg("refs.request"), ErrorKind::unprocessable);
        }
        std::optional<Endpoint> center;
        if (patient->center_id)
            if (auto c = tx.place(*patient->center_id))
                center = endpoint_of(*c);
        RideRequest r;
        r.patient_id = patient->id;
        r.direction = in.direction;
        r.source = RequestSource::manual;
        r.arrive_by = in.arrive_by;
        r.ready_at = in.ready_at;
        r.passengers = in.passengers.value_or(1 + (patient->escort ? 1 : 0));
        r.wheelchair = in.wheelchair.value_or(patient->mobility == Mobility::wheelchair);
        r.notes = in.notes;
        r.created_at = r.updated_at = clock_.now();
        if (in.service_date)
            r.service_date = *in.service_date;
        else
            r.service_date = local_date(in.arrive_by ? *in.arrive_by : *in.ready_at, zone);
        for (const Suspension& s : tx.suspensions(patient->id))
            if (s.from <= r.service_date && r.service_date <= s.to)
                e.add(in.service_date ? "service_date" : (in.arrive_by ? "arrive_by" : "ready_at"),
                      msg("request.suspended", {{"from", format_date(s.from)},
                                                {"to", format_date(s.to)},
                                                {"reason", s.reason}}));

        auto default_end = [&](bool pickup) -> std::optional<Endpoint> {
            const bool center_end = (in.direction == Direction::home) == pickup;
            if (!center_end)
                return home_of(*patient);
            if (!center)
                e.add(pickup ? "pickup" : "dropoff", msg("request.no_center"));
            return center;
        };
        auto pickup = in.pickup ? resolve(tx, *in.pickup, "pickup", e) : default_end(true);
        auto dropoff = in.dropoff ? resolve(tx, *in.dropoff, "dropoff", e) : default_end(false);
        if (pickup)
            r.pickup = *pickup;
        if (dropoff)
            r.dropoff = *dropoff;
        check_times(r, e);
        e.throw_if_any(msg("request.cannot_make"), ErrorKind::unprocessable);
        r.id = tx.insert_request(r);
        return r;
    });
}

RideRequest Dispatch::get_request(const Actor& actor, RequestId id) {
    require_dispatcher(actor);
    auto r = store_.read([&](DispatchTx& tx) { return tx.request(id); });
    if (!r)
        throw_not_found(request_text(id));
    return *r;
}

Page<RideRequest> Dispatch::list_requests(const Actor& actor, const RequestFilter& filter,
                                          const PageRequest& page) {
    require_dispatcher(actor);
    if (page.limit < 1 || page.limit > 500)
        throw_invalid_field("limit", msg("field.limit_1_500"));
    return store_.list_requests(filter, page);
}

RideRequest Dispatch::update_request(const Actor& actor, RequestId id, const RequestPatch& p) {
    require_dispatcher(actor);
    if (p.notes && p.notes->size() > std::size_t(limits_.max_notes) * 4)
        throw_invalid_field("notes", msg("field.too_long"));
    return store_.transact([&](DispatchTx& tx) {
        auto found = tx.request(id);
        if (!found)
            throw_not_found(request_text(id));
        RideRequest r = *found;
        refuse_cancelled(r);
        const bool ride_change =
            p.arrive_by || p.ready_at || p.passengers || p.wheelchair || p.pickup || p.dropoff;
        if (ride_change && !r.open())
            throw_conflict(msg("request.only_open_changes",
                               {term("status", std::string(to_string(r.status)))}),
                           {{"status", msg("request.status_field",
                                           {term("status", std::string(to_string(r.status)))})}});
        FieldErrors e;
        assign_if(r.arrive_by, p.arrive_by);
        assign_if(r.ready_at, p.ready_at);
        assign_if(r.passengers, p.passengers);
        assign_if(r.wheelchair, p.wheelchair);
        assign_if(r.notes, p.notes);
        if (p.pickup)
            if (auto ep = resolve(tx, *p.pickup, "pickup", e))
                r.pickup = *ep;
        if (p.dropoff)
            if (auto ep = resolve(tx, *p.dropoff, "dropoff", e))
                r.dropoff = *ep;
        check_times(r, e);
        e.throw_if_any(msg("request.cannot_change"), ErrorKind::unprocessable);
        if (ride_change)
            detach(tx, r);  // its plan no longer holds: plan or assign it again
        r.updated_at = clock_.now();
        tx.update_request(r);
        return r;
    });
}

RideRequest Dispatch::cancel_request(const Actor& actor, RequestId id, CancelReason reason,
                                     const std::string& note) {
    require_dispatcher(actor);
    if (note.size() > std::size_t(limits_.max_notes) * 4)
        throw_invalid_field("note", msg("field.too_long"));
    return store_.transact([&](DispatchTx& tx) {
        auto found = tx.request(id);
        if (!found)
            throw_not_found(request_text(id));
        RideRequest r = *found;
        if (!r.open())
            throw_conflict(msg("request.only_open_cancelled",
                               {term("status", std::string(to_string(r.status)))}),
                           {{"status", msg("request.status_field",
                                           {term("status", std::string(to_string(r.status)))})}});
        cancel_open(tx, r, reason, note, clock_.now());
        tx.update_request(r);
        return r;
    });
}

}  // namespace lifeline
