#pragma once

#include "lifeline/core/dispatch/calibration.h"
#include "lifeline/storage/database.h"

namespace lifeline::storage {

// The finished trips calibration learns from, read from the ledger and dispatch's requests.
class SqliteCalibrationStore : public CalibrationStore {
  public:
    explicit SqliteCalibrationStore(Database& db) : db_(db) {}
    std::vector<FinishedTrip> finished_trips() override;

  private:
    Database& db_;
};

}  // namespace lifeline::storage
