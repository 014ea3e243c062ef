#pragma once
// Bulk loading of finished trips for benchmark fixtures (lifeline-bench report): prepared
// inserts in one transaction, bypassing the ledger's rules and its one-write-per-trip
// durability. Never used by the server or the CLI; real trips go through Ledger.

#include <functional>

#include "lifeline/core/model.h"
#include "lifeline/storage/database.h"

namespace lifeline::storage {

// Inserts every trip `next` fills in (with its rides) until it returns false, all in one
// write transaction, then sets each vehicle's odometer_km to its last trip's end reading.
// Returns the number of trips inserted.
std::int64_t bulk_load_trips(Database& db, UserId created_by,
                             const std::function<bool(Trip&)>& next);

struct LedgerSize {
    std::int64_t trips = 0;
    std::int64_t rides = 0;
};

// How many trips and rides the ledger holds (to reuse a fixture that is already loaded).
LedgerSize ledger_size(Database& db);

}  // namespace lifeline::storage
