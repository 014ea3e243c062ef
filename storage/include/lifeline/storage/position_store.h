#pragma once

#include "lifeline/core/ledger/positions.h"
#include "lifeline/storage/database.h"

namespace lifeline::storage {

// Trips' live positions on SQLite (table positions).
class SqlitePositionStore : public PositionStore {
  public:
    explicit SqlitePositionStore(Database& db) : db_(db) {}

    std::int64_t transact(const std::function<std::int64_t(PositionTx&)>& work) override;
    std::optional<Trip> trip(TripId id) override;
    std::vector<Position> of_trip(TripId id) override;
    std::vector<VehiclePosition> latest_per_vehicle() override;
    std::int64_t delete_before(Instant cutoff) override;

  private:
    Database& db_;
};

}  // namespace lifeline::storage
