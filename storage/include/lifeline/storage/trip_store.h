#pragma once

#include "lifeline/core/ledger/ledger.h"
#include "lifeline/storage/database.h"

namespace lifeline::storage {

// The trip ledger on SQLite: each `transact` is one durable write on the writer.
class SqliteTripStore : public TripStore {
  public:
    explicit SqliteTripStore(Database& db) : db_(db) {}

    Trip transact(const std::function<Trip(LedgerTx&)>& work) override;
    std::optional<Trip> find(TripId id) override;
    Page<Trip> list(const TripFilter& filter, const PageRequest& page) override;
    std::optional<Trip> previous_on_vehicle(const Trip& trip) override;

  private:
    Database& db_;
};

// Writes one audit entry on `c` (inside the caller's transaction).
void insert_audit(Connection& c, const AuditEntry& e);

}  // namespace lifeline::storage
