#pragma once
// JSON of dispatch answers that other handlers give too: what generating requests did
// (after a patient's schedule changed) and the requests a change took off their routes
// (after a driver's absence).

#include <vector>

#include "api_common.h"
#include "lifeline/core/dispatch/dispatch.h"

namespace lifeline::net {

inline json::object generate_json(const GenerateResult& g) {
    json::array kept;
    for (RequestId id : g.kept_assigned)
        kept.push_back(id);
    return json::object{{"created", g.created}, {"updated", g.updated},
                        {"removed", g.removed}, {"unchanged", g.unchanged},
                        {"past", g.past},       {"kept_assigned", std::move(kept)}};
}

inline json::array unassigned_json(const std::vector<Unassigned>& list) {
    json::array un;
    for (const Unassigned& u : list)
        un.push_back(
            json::object{{"request_id", u.request_id}, {"code", u.code}, {"reason", u.reason}});
    return un;
}

}  // namespace lifeline::net
