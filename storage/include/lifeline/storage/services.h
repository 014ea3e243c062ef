#pragma once
// Lifeline over one SQLite database: every store and the core facade over each, wired
// once for the server, the command-line tools and the tests that run whole workflows.

#include "lifeline/core/accounts/accounts.h"
#include "lifeline/core/audit.h"
#include "lifeline/core/dispatch/calibration.h"
#include "lifeline/core/dispatch/dispatch.h"
#include "lifeline/core/fleet/fleet.h"
#include "lifeline/core/ledger/ledger.h"
#include "lifeline/core/ledger/positions.h"
#include "lifeline/core/reports/reports.h"
#include "lifeline/core/settings.h"
#include "lifeline/storage/account_store.h"
#include "lifeline/storage/audit_store.h"
#include "lifeline/storage/calibration_store.h"
#include "lifeline/storage/database.h"
#include "lifeline/storage/dispatch_store.h"
#include "lifeline/storage/fleet_store.h"
#include "lifeline/storage/phone_numbers.h"
#include "lifeline/storage/position_store.h"
#include "lifeline/storage/report_store.h"
#include "lifeline/storage/settings_store.h"
#include "lifeline/storage/trip_store.h"

namespace lifeline::storage {

// Members are built in the order declared: the stores, then the facades that use them,
// all on the database's clock.
struct SqliteServices {
    explicit SqliteServices(Database& database, DispatchLimits limits = {})
        : db(database), dispatch_limits(limits) {}
    SqliteServices(const SqliteServices&) = delete;
    SqliteServices& operator=(const SqliteServices&) = delete;

    Database& db;
    DispatchLimits dispatch_limits;
    SodiumCrypto crypto;
    PwqualityPolicy password_policy;
    LibPhoneNumbers phone_numbers;
    SqliteAccountStore account_store{db};
    SqliteFleetStore fleet_store{db};
    SqliteTripStore trip_store{db};
    SqliteAuditStore audit_store{db};
    SqliteSettingsStore settings_store{db};
    SqliteDispatchStore dispatch_store{db};
    SqliteReportStore report_store{db};
    SqlitePositionStore position_store{db};
    SqliteCalibrationStore calibration_store{db};

    const Clock& clock = db.clock();
    SettingsService settings{settings_store, clock};
    Accounts accounts{account_store, crypto, password_policy, clock};
    Fleet fleet{fleet_store, settings, clock, FleetLimits{}, &phone_numbers};
    Ledger ledger{trip_store, settings, clock};
    AuditLog audit{audit_store};
    Dispatch dispatch{dispatch_store, settings, clock, dispatch_limits};
    Reports reports{report_store, settings};
    Positions positions{position_store, settings, clock};
    Calibration calibration{calibration_store, settings};
};

}  // namespace lifeline::storage
