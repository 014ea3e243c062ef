#pragma once
// One registration function per group of routes (net/src/api_<group>.cpp).

#include "lifeline/net/api.h"

namespace lifeline::net {

void register_system_routes(Router& r, Services& s);
void register_account_routes(Router& r, Services& s);
void register_trip_routes(Router& r, Services& s);
void register_fleet_routes(Router& r, Services& s);
void register_settings_routes(Router& r, Services& s);
void register_report_routes(Router& r, Services& s);
void register_dispatch_routes(Router& r, Services& s);
void register_run_sheet_routes(Router& r, Services& s);
void register_cancel_routes(Router& r, Services& s);
void register_static_routes(Router& r, Services& s);
void register_import_routes(Router& r, Services& s);
void register_event_routes(Router& r, Services& s);
void register_position_routes(Router& r, Services& s);
void register_calibration_routes(Router& r, Services& s);
void register_map_routes(Router& r, Services& s);

}  // namespace lifeline::net
