#pragma once
// The /api/v1 surface: every route of docs/design.md §4 that is built, registered on a Router.
// Handlers only translate HTTP/JSON to facade calls and back.

#include <string>

namespace lifeline {
class Accounts;
class AuditLog;
class SettingsService;
class Crypto;
class Fleet;
class Ledger;
class Reports;
class Dispatch;
class Clock;
class Positions;
class Calibration;
namespace storage {
class Database;
}
}  // namespace lifeline

namespace lifeline::net {

class Metrics;
class Router;
class EventHub;

struct Services {
    storage::Database& db;
    Crypto& crypto;
    Accounts& accounts;
    Fleet& fleet;
    Ledger& ledger;
    AuditLog& audit;
    SettingsService& settings;
    Metrics& metrics;
    Dispatch& dispatch;
    Reports& reports;
    const Clock& clock;  // the database's: what "now" is for every handler
    EventHub& events;    // live changes for GET /api/v1/events
    Positions& positions;
    Calibration& calibration;
};

// Registers /healthz, /metrics, /api/v1/openapi.yaml and every /api/v1 route.
// `services` must outlive the router.
void register_api(Router& router, Services& services);

}  // namespace lifeline::net
