#pragma once

#include "lifeline/core/settings.h"
#include "lifeline/storage/database.h"

namespace lifeline::storage {

class SqliteSettingsStore : public SettingsStore {
  public:
    explicit SqliteSettingsStore(Database& db) : db_(db) {}
    SettingsMap load() override;
    void save(const SettingsMap& values, const AuditEntry& audit) override;

  private:
    Database& db_;
};

}  // namespace lifeline::storage
