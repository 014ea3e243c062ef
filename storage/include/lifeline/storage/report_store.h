#pragma once

#include "lifeline/core/reports/reports.h"
#include "lifeline/storage/database.h"

namespace lifeline::storage {

// The reports' port on SQLite: aggregates computed in SQL over the UTC bounds core
// computes from the organisation's zone, each call in one read snapshot.
class SqliteReportStore : public ReportStore {
  public:
    explicit SqliteReportStore(Database& db) : db_(db) {}

    MonthFacts month(const MonthQuery& q) override;
    std::vector<PeriodFacts> periods(const std::vector<Interval>& intervals) override;
    std::vector<StatementTrip> own_vehicle_trips(std::optional<DriverId> driver, Instant from,
                                                 Instant to) override;
    std::vector<NamedDriver> drivers(const std::vector<DriverId>& ids) override;
    std::vector<StatementApproval> approvals(const std::string& month,
                                             std::optional<DriverId> driver) override;
    void approve(const StatementApproval& approval, const AuditEntry& audit) override;

  private:
    Database& db_;
};

}  // namespace lifeline::storage
