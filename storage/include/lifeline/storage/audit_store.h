#pragma once

#include "lifeline/core/audit.h"
#include "lifeline/storage/database.h"

namespace lifeline::storage {

class SqliteAuditStore : public AuditStore {
  public:
    explicit SqliteAuditStore(Database& db) : db_(db) {}
    Page<AuditEntry> list(const AuditFilter& filter, const PageRequest& page) override;

  private:
    Database& db_;
};

}  // namespace lifeline::storage
