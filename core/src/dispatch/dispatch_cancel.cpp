// Dispatch: cancelling a session's two legs together, a day or period cancelled at once
// (a snow day) and restored on its day, patients' suspensions (hospital stays), and the
// list and removal of holidays.
#include <algorithm>
#include <set>

#include "dispatch_internal.h"
#include "lifeline/core/audit.h"
#include "lifeline/core/dispatch/dispatch.h"

namespace lifeline {

using namespace dispatch_detail;

namespace {

std::string ids_json(const std::vector<RideRequest>& rs) {
    std::string out = "[";
    for (const RideRequest& r : rs)
        out += (out.size() > 1 ? "," : "") + std::to_string(r.id);
    return out + "]";
}

// The other leg of `r`'s session, if it is still open.
std::optional<RideRequest> open_partner(DispatchTx& tx, const RideRequest& r) {
    if (!r.linked_request_id)
        return std::nullopt;
    auto other = tx.request(*r.linked_request_id);
    if (!other || !other->open())
        return std::nullopt;
    return other;
}

// A ride's time of day on the board: its arrival or pickup time; none for a will-call.
std::optional<Minutes> time_of_day(const RideRequest& r, const date::time_zone* zone) {
    if (r.arrive_by)
        return local_clock(*r.arrive_by, zone);
    if (r.ready_at)
        return local_clock(*r.ready_at, zone);
    return std::nullopt;
}

bool in_period(const RideRequest& r, const BulkCancel& o, const date::time_zone* zone) {
    if (!r.open())
        return false;
    if (o.place_id && r.pickup.place_id != o.place_id && r.dropoff.place_id != o.place_id)
        return false;
    if (!o.from && !o.to)
        return true;
    auto t = time_of_day(r, zone);
    return t && (!o.from || *t >= *o.from) && (!o.to || *t < *o.to);
}

// The open requests a bulk cancel takes: those of the period, and the other legs of
// their sessions (a ride home is not left without the ride there).
std::vector<RideRequest> bulk_selection(DispatchTx& tx, const BulkCancel& o,
                                        const date::time_zone* zone) {
    std::vector<RideRequest> out;
    std::set<RequestId> taken;
    for (const RideRequest& r : tx.requests_of_day(o.date))
        if (in_period(r, o, zone) && taken.insert(r.id).second)
            out.push_back(r);
    const std::size_t direct = out.size();
    for (std::size_t i = 0; i < direct; ++i)
        if (auto other = open_partner(tx, out[i]); other && taken.insert(other->id).second)
            out.push_back(*other);
    std::sort(out.begin(), out.end(),
              [](const RideRequest& a, const RideRequest& b) { return a.id < b.id; });
    return out;
}

void check_bulk(const BulkCancel& o, int max_notes) {
    FieldErrors errs;
    if (o.from && o.to && *o.to <= *o.from)
        errs.add("to", msg("field.to_not_after_from"));
    if (o.note.size() > std::size_t(max_notes) * 4)
        errs.add("note", msg("field.too_long"));
    errs.throw_if_any(msg("cancel.period_invalid"), ErrorKind::unprocessable);
}

std::string batch_snapshot(const CancelBatch& b, const std::vector<RideRequest>& rs) {
    AuditObject o;
    o.add("date", format_date(b.date));
    if (b.from)
        o.add("from", format_clock(*b.from));
    if (b.to)
        o.add("to", format_clock(*b.to));
    if (b.place_id)
        o.add("place_id", std::int64_t{*b.place_id});
    o.add("reason", to_string(b.reason));
    o.add("note", b.note);
    o.add("count", std::int64_t{b.count});
    o.add_raw_array("request_ids", {ids_json(rs)});
    return o.str();
}

// Why a cancelled request cannot be restored now, as a field error; none if it can.
std::optional<FieldError> unrestorable(DispatchTx& tx, const RideRequest& r, LocalDate today,
                                       const date::time_zone* zone) {
    if (r.status != RequestStatus::cancelled)
        return FieldError{"status", msg("restore.not_cancelled",
                                        {term("status", std::string(to_string(r.status)))})};
    if (r.suspension_id)
        return FieldError{"suspension_id", msg("restore.by_suspension")};
    if (r.cancel_reason == CancelReason::holiday && r.session_date && tx.holiday(*r.session_date))
        return FieldError{"cancel_reason",
                          msg("restore.by_holiday", {{"date", format_date(*r.session_date)}})};
    const LocalDate cancelled_on = local_date(r.cancelled_at.value_or(r.updated_at), zone);
    if (cancelled_on != today)
        return FieldError{"cancelled_at",
                          msg("restore.other_day", {{"date", format_date(cancelled_on)}})};
    if (r.service_date < today)
        return FieldError{"service_date",
                          msg("restore.past", {{"date", format_date(r.service_date)}})};
    return std::nullopt;
}

}  // namespace

// ---- one request and its session's other leg ---------------------------------------------

Cancellation Dispatch::cancel(const Actor& actor, RequestId id, const CancelOrder& order) {
    require_dispatcher(actor);
    if (order.note.size() > std::size_t(limits_.max_notes) * 4)
        throw_invalid_field("note", msg("field.too_long"));
    return store_.transact([&](DispatchTx& tx) {
        auto found = tx.request(id);
        if (!found)
            throw_not_found(request_text(id));
        Cancellation out{*found, {}};
        if (!out.request.open())
            throw_conflict(
                msg("request.only_open_cancelled",
                    {term("status", std::string(to_string(out.request.status)))}),
                {{"status", msg("request.status_field",
                                {term("status", std::string(to_string(out.request.status)))})}});
        const Instant now = clock_.now();
        std::optional<RideRequest> other =
            order.also_linked ? open_partner(tx, out.request) : std::nullopt;
        cancel_open(tx, out.request, order.reason, order.note, now);
        tx.update_request(out.request);
        if (other) {
            cancel_open(tx, *other, order.reason, order.note, now);
            tx.update_request(*other);
            out.also.push_back(*other);
        }
        return out;
    });
}

Restoration Dispatch::restore_request(const Actor& actor, RequestId id, bool also_linked) {
    require_dispatcher(actor);
    const auto* zone = zone_of(settings_);
    const LocalDate day = today();
    return store_.transact([&](DispatchTx& tx) {
        auto found = tx.request(id);
        if (!found)
            throw_not_found(request_text(id));
        if (auto why = unrestorable(tx, *found, day, zone))
            throw_conflict(wrap("cancel.cannot_restore", "why", why->as_message()), {*why});
        std::vector<RideRequest> todo{*found};
        if (also_linked && found->linked_request_id)
            if (auto other = tx.request(*found->linked_request_id);
                other && !unrestorable(tx, *other, day, zone))
                todo.push_back(*other);
        const Instant now = clock_.now();
        Restoration out;
        for (RideRequest& r : todo) {
            uncancel(r, now);
            tx.update_request(r);
            tx.audit(
                audit_entry(actor, now, "request", r.id, "restore", R"({"status":"pending"})"));
            out.restored.push_back(r);
        }
        return out;
    });
}

// ---- a day or period at once -------------------------------------------------------------

BulkCancelResult Dispatch::cancel_bulk(const Actor& actor, const BulkCancel& order) {
    require_dispatcher(actor);
    check_bulk(order, limits_.max_notes);
    const auto* zone = zone_of(settings_);
    auto check_place = [&](DispatchTx& tx) {
        if (order.place_id && !tx.place(*order.place_id))
            throw_unprocessable(msg("cancel.place_missing"),
                                {{"place_id", msg("place.not_found", {{"id", *order.place_id}})}});
    };
    if (order.dry_run)
        return store_.read([&](DispatchTx& tx) {
            check_place(tx);
            return BulkCancelResult{std::nullopt, bulk_selection(tx, order, zone)};
        });
    return store_.transact([&](DispatchTx& tx) {
        check_place(tx);
        BulkCancelResult out{std::nullopt, bulk_selection(tx, order, zone)};
        const int count = int(out.requests.size());
        if (order.expected_count && *order.expected_count != count)
            throw_conflict(
                msg("cancel.count_changed", {{"count", count}}),
                {{"expected_count", msg("cancel.expected_count",
                                        {{"expected", *order.expected_count}, {"count", count}})}});
        if (count == 0)
            throw_unprocessable(msg("cancel.nothing_matches"),
                                {{"date", msg("cancel.no_open_request")}});
        const Instant now = clock_.now();
        CancelBatch b{
            0,          order.date, order.from, order.to,      order.place_id, order.reason,
            order.note, count,      now,        actor.user_id, actor.username, std::nullopt,
            {}};
        b.id = tx.insert_batch(b);
        for (RideRequest& r : out.requests) {
            // The note is the batch's; the requests' own notes stay as they were.
            cancel_open(tx, r, order.reason, {}, now);
            r.cancel_batch_id = b.id;
            tx.update_request(r);
            b.still_cancelled.push_back(r.id);
        }
        tx.audit(audit_entry(actor, now, "cancel_batch", b.id, "cancel",
                             batch_snapshot(b, out.requests), order.note));
        out.batch = b;
        return out;
    });
}

std::vector<CancelBatch> Dispatch::cancel_batches(const Actor& actor, LocalDate date) {
    require_dispatcher(actor);
    return store_.read([&](DispatchTx& tx) { return tx.batches_of_day(date); });
}

Restoration Dispatch::restore_batch(const Actor& actor, CancelBatchId id) {
    require_dispatcher(actor);
    const auto* zone = zone_of(settings_);
    const LocalDate day = today();
    return store_.transact([&](DispatchTx& tx) {
        auto b = tx.batch(id);
        if (!b)
            throw_not_found(msg("cancel.batch_not_found", {{"id", id}}));
        if (b->restored_at)
            throw_conflict(msg("cancel.already_restored"),
                           {{"restored_at", msg("cancel.restored_at",
                                                {{"at", format_instant(*b->restored_at)}})}});
        const LocalDate made = local_date(b->created_at, zone);
        if (made != day)
            throw_conflict(msg("cancel.restore_same_day", {{"date", format_date(made)}}),
                           {{"created_at", msg("cancel.made_on", {{"date", format_date(made)}})}});
        const Instant now = clock_.now();
        Restoration out;
        for (RideRequest r : tx.requests_of_batch(id)) {
            if (r.status != RequestStatus::cancelled || r.service_date < day)
                continue;
            uncancel(r, now);
            tx.update_request(r);
            out.restored.push_back(r);
        }
        tx.set_batch_restored(id, now);
        b->restored_at = now;
        b->still_cancelled.clear();
        tx.audit(audit_entry(actor, now, "cancel_batch", id, "restore",
                             batch_snapshot(*b, out.restored)));
        out.batch = b;
        return out;
    });
}

// ---- suspensions ---------------------------------------------------------------------------

namespace {

void check_suspension(const Suspension& s, const DispatchLimits& limits) {
    FieldErrors errs;
    if (s.to < s.from)
        errs.add("to", msg("field.to_before_from"));
    else if ((std::chrono::sys_days{s.to} - std::chrono::sys_days{s.from}).count() >=
             limits.max_suspension_days)
        errs.add("to", msg("list.at_most_days_plain",
                           {{"max", std::int64_t(limits.max_suspension_days)}}));
    if (s.reason.empty())
        errs.add("reason", msg("suspension.reason_required"));
    else if (s.reason.size() > std::size_t(limits.max_reason) * 4)
        errs.add("reason", msg("field.too_long"));
    errs.throw_if_any(msg("suspension.invalid"), ErrorKind::unprocessable);
}

void check_no_overlap(DispatchTx& tx, const Suspension& s) {
    for (const Suspension& o : tx.suspensions(s.patient_id))
        if (o.id != s.id && o.from <= s.to && s.from <= o.to)
            throw_conflict(msg("suspension.overlaps_detail",
                               {{"from", format_date(o.from)}, {"to", format_date(o.to)}}),
                           {{"from", msg("suspension.overlaps", {{"id", o.id}})}});
}

std::string suspension_snapshot(const Suspension& s) {
    AuditObject o;
    o.add("patient_id", std::int64_t{s.patient_id});
    o.add("from", format_date(s.from));
    o.add("to", format_date(s.to));
    o.add("reason", s.reason);
    return o.str();
}

// Cancels the patient's open requests of the suspension's days from today on.
std::vector<RideRequest> apply(DispatchTx& tx, const Suspension& s, LocalDate today, Instant now) {
    std::vector<RideRequest> out;
    const LocalDate first = std::max(s.from, today);
    if (s.to < first)
        return out;
    for (RideRequest r : tx.requests_of_patient(s.patient_id, first, s.to)) {
        if (!r.open())
            continue;
        cancel_open(tx, r, CancelReason::patient, {}, now);
        r.suspension_id = s.id;
        tx.update_request(r);
        out.push_back(r);
    }
    return out;
}

// Gives back what the suspension cancelled from today on, and frees the rest.
std::vector<RideRequest> lift(DispatchTx& tx, const Suspension& s, LocalDate today, Instant now) {
    std::vector<RideRequest> out;
    for (RideRequest r : tx.requests_of_suspension(s.id)) {
        const bool give_back = r.status == RequestStatus::cancelled && r.service_date >= today;
        if (give_back)
            uncancel(r, now);
        r.suspension_id.reset();
        tx.update_request(r);
        if (give_back)
            out.push_back(r);
    }
    return out;
}

}  // namespace

std::vector<Suspension> Dispatch::suspensions(const Actor& actor, PatientId patient) {
    require_dispatcher(actor);
    return store_.read([&](DispatchTx& tx) {
        if (!tx.patient(patient))
            throw_not_found(msg("patient.not_found", {{"id", patient}}));
        return tx.suspensions(patient);
    });
}

SuspensionChange Dispatch::add_suspension(const Actor& actor, const Suspension& input) {
    require_dispatcher(actor);
    check_suspension(input, limits_);
    const LocalDate day = today();
    return store_.transact([&](DispatchTx& tx) {
        if (!tx.patient(input.patient_id))
            throw_not_found(msg("patient.not_found", {{"id", input.patient_id}}));
        check_no_overlap(tx, input);
        const Instant now = clock_.now();
        Suspension s = input;
        s.created_at = now;
        s.id = tx.insert_suspension(s);
        SuspensionChange out{s, apply(tx, s, day, now), {}, {}};
        tx.audit(audit_entry(actor, now, "patient_suspension", s.id, "create",
                             suspension_snapshot(s), s.reason));
        return out;
    });
}

SuspensionChange Dispatch::change_suspension(const Actor& actor, const Suspension& input) {
    require_dispatcher(actor);
    check_suspension(input, limits_);
    const auto* zone = zone_of(settings_);
    const LocalDate day = today();
    return store_.transact([&](DispatchTx& tx) {
        auto old = tx.suspension(input.id);
        if (!old || old->patient_id != input.patient_id)
            throw_not_found(msg("suspension.not_found", {{"id", input.id}}));
        check_no_overlap(tx, input);
        const Instant now = clock_.now();
        Suspension s = input;
        s.created_at = old->created_at;
        SuspensionChange out;
        std::vector<RideRequest> back = lift(tx, *old, day, now);
        tx.update_suspension(s);
        out.cancelled = apply(tx, s, day, now);
        for (const RideRequest& r : back)
            if (r.service_date < s.from || r.service_date > s.to)
                out.restored.push_back(r);
        out.generated = create_missing(tx, zone, std::max(old->from, day),
                                       std::min(old->to, generated_until(tx, s.patient_id, day)),
                                       s.patient_id, now);
        out.suspension = s;
        tx.audit(audit_entry(actor, now, "patient_suspension", s.id, "update",
                             suspension_snapshot(s), s.reason));
        return out;
    });
}

SuspensionChange Dispatch::remove_suspension(const Actor& actor, PatientId patient,
                                             SuspensionId id) {
    require_dispatcher(actor);
    const auto* zone = zone_of(settings_);
    const LocalDate day = today();
    return store_.transact([&](DispatchTx& tx) {
        auto s = tx.suspension(id);
        if (!s || s->patient_id != patient)
            throw_not_found(msg("suspension.not_found", {{"id", id}}));
        const Instant now = clock_.now();
        SuspensionChange out;
        out.restored = lift(tx, *s, day, now);
        tx.delete_suspension(id);
        out.generated =
            create_missing(tx, zone, std::max(s->from, day),
                           std::min(s->to, generated_until(tx, patient, day)), patient, now);
        tx.audit(
            audit_entry(actor, now, "patient_suspension", id, "delete", suspension_snapshot(*s)));
        return out;
    });
}

// ---- holidays ----------------------------------------------------------------------------

std::vector<Holiday> Dispatch::holidays(const Actor& actor, LocalDate from, LocalDate to) {
    require_dispatcher(actor);
    if (to < from)
        throw_invalid_field("to", msg("field.to_before_from"));
    return store_.read([&](DispatchTx& tx) { return tx.holidays(from, to); });
}

}  // namespace lifeline
