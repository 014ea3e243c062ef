#pragma once
// Dispatch's port over SQLite: requests, holidays, routes and their stops, and the fleet
// rows a plan needs. `transact` runs on the writer and is durable when it returns;
// `read` runs on a read connection inside one snapshot.

#include "lifeline/core/dispatch/dispatch.h"
#include "lifeline/storage/database.h"

namespace lifeline::storage {

class SqliteDispatchStore : public DispatchStore {
  public:
    explicit SqliteDispatchStore(Database& db) : db_(db) {}

    Page<RideRequest> list_requests(const RequestFilter& filter, const PageRequest& page) override;

  protected:
    void run_transaction(const std::function<void(DispatchTx&)>& work) override;
    void run_read(const std::function<void(DispatchTx&)>& work) override;

  private:
    Database& db_;
};

}  // namespace lifeline::storage
