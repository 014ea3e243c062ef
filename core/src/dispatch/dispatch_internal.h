#pragma once
// Shared by dispatch_requests.cpp and dispatch_plan.cpp.

#include <string>

#include "lifeline/core/dispatch/dispatch.h"

namespace lifeline::dispatch_detail {

void require_dispatcher(const Actor& actor);
LocalDate add_days(LocalDate d, int days);
std::string request_text(RequestId id);

// Takes the request's stops off its route (a route left empty and unstarted goes) and
// makes it pending again. Stops of a patient already picked up are never taken off.
void detach(DispatchTx& tx, RideRequest& request);

// A turn of the planner pool, held for one search: waits for a free planner when made,
// frees it when destroyed.
class PlannerTurn {
  public:
    explicit PlannerTurn(PlannerPool& pool);
    ~PlannerTurn();
    PlannerTurn(const PlannerTurn&) = delete;
    PlannerTurn& operator=(const PlannerTurn&) = delete;
    double waited_ms() const { return waited_ms_; }

  private:
    PlannerPool& pool_;
    double waited_ms_ = 0;
};

}  // namespace lifeline::dispatch_detail
