#pragma once
// Shared by the dispatch_*.cpp files.

#include <string>

#include "lifeline/core/dispatch/dispatch.h"

namespace lifeline::dispatch_detail {

void require_dispatcher(const Actor& actor);
LocalDate add_days(LocalDate d, int days);
std::string request_text(RequestId id);

// Takes the request's stops off its route (a route left empty and unstarted goes) and
// makes it pending again. Stops of a patient already picked up are never taken off.
void detach(DispatchTx& tx, RideRequest& request);

}  // namespace lifeline::dispatch_detail
