#pragma once
// Shared by the dispatch_*.cpp files.

#include <string>

#include "lifeline/core/dispatch/dispatch.h"

namespace lifeline::dispatch_detail {

void require_dispatcher(const Actor& actor);
LocalDate add_days(LocalDate d, int days);
Message request_text(RequestId id);

// Takes the request's stops off its route (a route left empty and unstarted goes) and
// makes it pending again. Stops of a patient already picked up are never taken off.
void detach(DispatchTx& tx, RideRequest& request);

// A cancelled request changes only by being restored (409 naming status otherwise).
void refuse_cancelled(const RideRequest& request);
// Takes an open request off its route and cancels it (not saved: the caller updates it).
void cancel_open(DispatchTx& tx, RideRequest& request, CancelReason reason, const std::string& note,
                 Instant now);
// Cancelled → pending, its cancellation forgotten (not saved).
void uncancel(RideRequest& request, Instant now);

const date::time_zone* zone_of(SettingsService& settings);
// Makes the missing requests of `patient`'s sessions in [from, to] (nothing else changes).
GenerateResult create_missing(DispatchTx& tx, const date::time_zone* zone, LocalDate from,
                              LocalDate to, PatientId patient, Instant now);
// The last session date `patient`'s requests were generated for, at least a week on.
LocalDate generated_until(DispatchTx& tx, PatientId patient, LocalDate today);
AuditEntry audit_entry(const Actor& actor, Instant at, const char* entity, std::int64_t id,
                       std::string action, std::string after, std::string reason = {});

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
