// Live changes: GET /api/v1/events (Server-Sent Events), and how handlers announce them.
#include "api_common.h"
#include "api_routes.h"
#include "lifeline/core/accounts/accounts.h"
#include "lifeline/net/events.h"
#include "lifeline/net/router.h"
#include "lifeline/storage/database.h"

namespace lifeline::net {

void publish_after_commit(Services& s, std::optional<DriverId> driver, json::object data) {
    std::string text = to_json_text(data);
    EventHub& hub = s.events;
    s.db.after_commit([&hub, driver, text = std::move(text)] { hub.publish({driver}, text); });
}

void publish_request(Services& s, const RideRequest& r) {
    publish_after_commit(s, std::nullopt,
                         json::object{{"type", "request.changed"},
                                      {"request_id", r.id},
                                      {"service_date", format_date(r.service_date)},
                                      {"status", to_string(r.status)}});
}

void publish_requests(Services& s, const std::vector<RideRequest>& rs) {
    for (const RideRequest& r : rs)
        publish_request(s, r);
}

namespace {

// EventSource cannot send an Authorization header: this route also takes the token as
// ?access_token= (the access log never records a query).
Actor authenticate_stream(Services& s, Request& req) {
    if (!req.header("Authorization")) {
        if (auto token = req.query_param("access_token"); token && !token->empty()) {
            req.actor = s.accounts.authenticate(*token);
            return *req.actor;
        }
    }
    return authenticate(s, req);
}

Response open_stream(Services& s, Request& req) {
    Actor actor = authenticate_stream(s, req);
    if (!actor.is_dispatcher() && !actor.driver_id)
        throw_forbidden(msg("events.not_linked"));
    // A reconnecting EventSource sends the header; a page that reloads passes its last id.
    std::optional<std::string_view> last = req.header("Last-Event-ID");
    if (!last)
        last = req.query_param("last_event_id");
    Response res;
    res.status = 200;
    res.content_type = "text/event-stream; charset=utf-8";
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Accel-Buffering", "no");  // nginx: pass each event on at once
    res.stream = s.events.subscribe(actor, last);
    return res;
}

}  // namespace

void register_event_routes(Router& r, Services& s) {
    r.add("GET", "/api/v1/events", [&s](Request& q) { return open_stream(s, q); });
}

}  // namespace lifeline::net
