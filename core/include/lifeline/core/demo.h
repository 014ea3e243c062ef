#pragma once
// A small demo fleet in Jilin City, created through the same facades a dispatcher and
// a driver use: dialysis centers, volunteer drivers and their cars, patients with
// schedules, a dispatcher and a driver account, and a few days of logged trips.

#include <string>

#include "lifeline/core/accounts.h"
#include "lifeline/core/fleet.h"
#include "lifeline/core/ledger.h"

namespace lifeline {

struct DemoCredentials {
    std::string dispatcher_username = "dispatcher";
    std::string driver_username = "driver";
    std::string password;  // the same for both demo accounts
};

// Seeds the demo fleet when the database holds no drivers yet; returns false when it
// already had some (the demo data is left as it is). `today` anchors the logged trips.
bool seed_demo(Fleet& fleet, Accounts& accounts, Ledger& ledger, const Actor& admin,
               const DemoCredentials& credentials, Instant today);

}  // namespace lifeline
