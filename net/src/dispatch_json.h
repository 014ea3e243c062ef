#pragma once
// Shared by the dispatch handlers (api_dispatch.cpp, api_cancel.cpp, api_fleet.cpp): a
// request's JSON, reading a body's fields with every error collected, and the answers
// other handlers give too: what generating requests did (after a patient's schedule
// changed) and the requests a change took off their routes (after a driver's absence).

#include <vector>

#include "api_common.h"
#include "lifeline/core/dispatch/dispatch.h"
#include "lifeline/core/ledger/ledger.h"

namespace lifeline::net {

json::object request_json(const RideRequest& r);

// Every request of a day, all pages; and the pickups and drop-offs drivers logged on the
// trips around the day (what route_progress reads). The day view and the day's map.
std::vector<RideRequest> requests_of(Dispatch& dispatch, const Actor& a, LocalDate date);
std::vector<StopLog> stops_logged(Ledger& ledger, const Actor& a, LocalDate date);

template <class Read>
auto read_body(const Request& req, Read read) {
    json::object body = parse_object(req);
    FieldErrors errs;
    Fields f(body, errs);
    auto value = read(f);
    f.finish();
    errs.throw_if_any();
    return value;
}

// Reads an optional body: an empty one is `{}`.
template <class Read>
auto read_optional_body(const Request& req, Read read) {
    if (req.body.empty()) {
        json::object empty;
        FieldErrors errs;
        Fields f(empty, errs);
        return read(f);
    }
    return read_body(req, read);
}

inline json::object generate_json(const GenerateResult& g) {
    json::array kept;
    for (RequestId id : g.kept_assigned)
        kept.push_back(id);
    return json::object{{"created", g.created}, {"updated", g.updated},
                        {"removed", g.removed}, {"unchanged", g.unchanged},
                        {"past", g.past},       {"kept_assigned", std::move(kept)}};
}

// Each with its reason's message code and parameters, for a client to word it.
inline json::array unassigned_json(const std::vector<Unassigned>& list) {
    json::array un;
    for (const Unassigned& u : list)
        un.push_back(json::object{{"request_id", u.request_id},
                                  {"code", u.code},
                                  {"reason", u.reason},
                                  {"reason_code", u.message.code},
                                  {"reason_params", message_params_json(u.message.params)}});
    return un;
}

}  // namespace lifeline::net
