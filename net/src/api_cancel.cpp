// Cancelling and restoring over HTTP: /cancel-batches (a day or period at once, counted
// first, and restored), /requests/{id}/restore, /patients/{id}/suspensions, and the list
// and removal of /holidays.
#include "api_common.h"
#include "api_routes.h"
#include "dispatch_json.h"
#include "lifeline/core/dispatch/dispatch.h"
#include "lifeline/net/router.h"

namespace lifeline::net {
namespace {

constexpr std::size_t note_chars = 2000;

json::array requests_json(const std::vector<RideRequest>& rs) {
    json::array a;
    for (const RideRequest& r : rs)
        a.push_back(request_json(r));
    return a;
}

json::array ids_json(const std::vector<RideRequest>& rs) {
    json::array a;
    for (const RideRequest& r : rs)
        a.push_back(r.id);
    return a;
}

json::value clock_json(const std::optional<Minutes>& m) {
    if (!m)
        return nullptr;
    return json::value(format_clock(*m));
}

json::object batch_json(const CancelBatch& b) {
    json::array still;
    for (RequestId id : b.still_cancelled)
        still.push_back(id);
    return json::object{{"id", b.id},
                        {"date", format_date(b.date)},
                        {"from", clock_json(b.from)},
                        {"to", clock_json(b.to)},
                        {"place_id", id_json(b.place_id)},
                        {"reason", to_string(b.reason)},
                        {"note", b.note},
                        {"count", b.count},
                        {"created_at", format_instant(b.created_at)},
                        {"created_by", b.username},
                        {"restored_at", instant_json(b.restored_at)},
                        {"still_cancelled", std::move(still)}};
}

json::object suspension_json(const Suspension& s) {
    return json::object{{"id", s.id},
                        {"patient_id", s.patient_id},
                        {"from", format_date(s.from)},
                        {"to", format_date(s.to)},
                        {"reason", s.reason},
                        {"created_at", format_instant(s.created_at)}};
}

// Tells the live board which of the patient's rides a suspension took or gave back.
const SuspensionChange& announced(Services& s, const SuspensionChange& c) {
    publish_requests(s, c.cancelled);
    publish_requests(s, c.restored);
    return c;
}

json::object change_json(const SuspensionChange& c) {
    json::object o;
    o["suspension"] = c.suspension ? json::value(suspension_json(*c.suspension)) : nullptr;
    o["cancelled"] = ids_json(c.cancelled);
    o["restored"] = ids_json(c.restored);
    o["created"] = c.generated.created;
    return o;
}

json::object holiday_json(const Holiday& h) {
    return json::object{
        {"date", format_date(h.date)},
        {"move_to", h.move_to ? json::value(format_date(*h.move_to)) : json::value(nullptr)},
        {"closed", !h.move_to}};
}

BulkCancel read_bulk(Fields& f) {
    BulkCancel in;
    in.date = f.date("date", Need::required).value_or(LocalDate{});
    in.from = f.clock("from", Need::optional);
    in.to = f.clock("to", Need::optional);
    in.place_id = f.id("place_id", Need::optional);
    if (auto t = f.text("reason", Need::required, 20)) {
        if (auto cr = cancel_reason_from(*t))
            in.reason = *cr;
        else
            f.errors().add("reason", msg("cancel.reason"));
    }
    in.note = f.text("note", Need::optional, note_chars).value_or("");
    in.dry_run = f.boolean("dry_run", Need::optional).value_or(false);
    if (auto n = f.integer("expected_count", Need::optional, 0, 1'000'000))
        in.expected_count = int(*n);
    return in;
}

Suspension read_suspension(Fields& f) {
    Suspension s;
    s.from = f.date("from", Need::required).value_or(LocalDate{});
    s.to = f.date("to", Need::required).value_or(LocalDate{});
    s.reason = f.text("reason", Need::required, 200).value_or("");
    return s;
}

LocalDate date_param(const Request& q, const char* name, LocalDate fallback) {
    auto text = q.query_param(name);
    if (!text)
        return fallback;
    auto d = parse_date(*text);
    if (!d)
        throw_invalid_field(name, msg("field.not_date"));
    return *d;
}

void register_bulk_routes(Router& r, Services& s) {
    Dispatch& dispatch = s.dispatch;
    r.add("POST", "/api/v1/cancel-batches", idempotent(s, [&](Request& q) {
              Actor a = authenticate(s, q);
              require_dispatcher(a);
              BulkCancelResult res = dispatch.cancel_bulk(a, read_body(q, read_bulk));
              if (res.batch)
                  publish_requests(s, res.requests);
              json::object o{{"dry_run", !res.batch},
                             {"count", res.requests.size()},
                             {"request_ids", ids_json(res.requests)}};
              if (!res.batch)
                  return json_response(200, o);
              o["batch"] = batch_json(*res.batch);
              return json_response(201, o);
          }));
    r.add("GET", "/api/v1/cancel-batches", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        auto d = q.query_param("date");
        auto date = d ? parse_date(*d) : std::nullopt;
        if (!date)
            throw_invalid_field("date", msg("field.not_date"));
        json::array items;
        for (const CancelBatch& b : dispatch.cancel_batches(a, *date))
            items.push_back(batch_json(b));
        return json_response(200, json::object{{"items", std::move(items)}});
    });
    r.add("POST", "/api/v1/cancel-batches/{id}/restore", idempotent(s, [&](Request& q) {
              Actor a = authenticate(s, q);
              require_dispatcher(a);
              Restoration res = dispatch.restore_batch(a, path_id(q));
              publish_requests(s, res.restored);
              return json_response(200, json::object{{"batch", batch_json(*res.batch)},
                                                     {"restored", requests_json(res.restored)}});
          }));
    r.add("POST", "/api/v1/requests/{id}/restore", idempotent(s, [&](Request& q) {
              Actor a = authenticate(s, q);
              require_dispatcher(a);
              RequestId id = path_id(q);
              bool also = read_optional_body(q, [](Fields& f) {
                  return f.boolean("also_linked", Need::optional).value_or(true);
              });
              Restoration res = dispatch.restore_request(a, id, also);
              publish_requests(s, res.restored);
              return json_response(200, json::object{{"restored", requests_json(res.restored)}});
          }));
}

void register_suspension_routes(Router& r, Services& s) {
    Dispatch& dispatch = s.dispatch;
    r.add("GET", "/api/v1/patients/{id}/suspensions", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        json::array items;
        for (const Suspension& x : dispatch.suspensions(a, path_id(q)))
            items.push_back(suspension_json(x));
        return json_response(200, json::object{{"items", std::move(items)}});
    });
    r.add("POST", "/api/v1/patients/{id}/suspensions", idempotent(s, [&](Request& q) {
              Actor a = authenticate(s, q);
              require_dispatcher(a);
              Suspension in = read_body(q, read_suspension);
              in.patient_id = path_id(q);
              SuspensionChange c = announced(s, dispatch.add_suspension(a, in));
              Response resp = json_response(201, change_json(c));
              resp.set_header("Location", "/api/v1/patients/" + std::to_string(in.patient_id) +
                                              "/suspensions/" + std::to_string(c.suspension->id));
              return resp;
          }));
    r.add("PATCH", "/api/v1/patients/{id}/suspensions/{sid}", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        Suspension in = read_body(q, read_suspension);
        in.patient_id = path_id(q);
        in.id = path_id(q, "sid");
        return json_response(200, change_json(announced(s, dispatch.change_suspension(a, in))));
    });
    r.add("DELETE", "/api/v1/patients/{id}/suspensions/{sid}", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        return json_response(200, change_json(announced(s, dispatch.remove_suspension(
                                                               a, path_id(q), path_id(q, "sid")))));
    });
}

void register_holiday_list_routes(Router& r, Services& s) {
    Dispatch& dispatch = s.dispatch;
    r.add("GET", "/api/v1/holidays", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        const LocalDate today = dispatch.today();
        const LocalDate from =
            date_param(q, "from", LocalDate{std::chrono::sys_days{today} - std::chrono::days{31}});
        const LocalDate to =
            date_param(q, "to", LocalDate{std::chrono::sys_days{today} + std::chrono::days{366}});
        json::array items;
        for (const Holiday& h : dispatch.holidays(a, from, to))
            items.push_back(holiday_json(h));
        return json_response(200, json::object{{"items", std::move(items)}});
    });
    r.add("DELETE", "/api/v1/holidays/{date}", [&](Request& q) {
        Actor a = authenticate(s, q);
        require_dispatcher(a);
        auto p = q.param("date");
        auto date = p ? parse_date(*p) : std::nullopt;
        if (!date)
            throw_invalid_field("date", msg("field.not_date"));
        GenerateResult g = dispatch.remove_holiday(a, *date);
        return json_response(200,
                             json::object{{"date", format_date(*date)},
                                          {"requests", json::object{{"created", g.created},
                                                                    {"updated", g.updated},
                                                                    {"removed", g.removed},
                                                                    {"unchanged", g.unchanged}}}});
    });
}

}  // namespace

void register_cancel_routes(Router& r, Services& s) {
    register_bulk_routes(r, s);
    register_suspension_routes(r, s);
    register_holiday_list_routes(r, s);
}

}  // namespace lifeline::net
