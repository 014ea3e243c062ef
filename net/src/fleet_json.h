#pragma once
// The readers of new fleet entities from JSON (net/src/api_fleet.cpp), shared with the
// CSV import so that a row is read exactly as a POST body is.

#include "api_common.h"
#include "lifeline/core/model.h"

namespace lifeline::net {

Place read_place_fields(Fields& f);
Driver read_driver_fields(Fields& f);
Vehicle read_vehicle_fields(Fields& f);
Patient read_patient_fields(Fields& f);

}  // namespace lifeline::net
