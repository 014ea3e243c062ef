#pragma once
// Reading fleet rows into core types; shared by every store that needs a vehicle,
// driver, patient or place inside its own transaction.

#include <optional>
#include <string>

#include "lifeline/core/dispatch/dispatch_model.h"
#include "lifeline/core/model.h"
#include "lifeline/storage/sqlite.h"

namespace lifeline::storage {

std::optional<Place> load_place(Connection& c, PlaceId id);
std::optional<Driver> load_driver(Connection& c, DriverId id);
std::optional<Vehicle> load_vehicle(Connection& c, VehicleId id);
std::optional<Patient> load_patient(Connection& c, PatientId id);

// Whether dispatch has `patient` on a stop of one of `driver`'s routes whose service date
// is within `days` (the driver's right to read the patient).
bool patient_on_driver_routes(Connection& c, PatientId patient, DriverId driver, ServiceDays days);

// Column lists and row readers, so list queries read rows the same way. The columns,
// INSERT and UPDATE come from the field tables (lifeline/core/fleet/fleet_fields.h).
extern const std::string place_columns;
extern const std::string driver_columns;
extern const std::string vehicle_columns;
extern const std::string patient_columns;
Place read_place(const Statement& st);
Driver read_driver(Connection& c, const Statement& st);  // also loads shifts and absences
Vehicle read_vehicle(const Statement& st);
Patient read_patient(const Statement& st);

// Inserts a place, driver, vehicle or patient row (a driver's shifts and absences are
// written apart) and returns its id; updates every column a patch may change.
template <class E>
std::int64_t insert_row(Connection& c, const E& record);
template <class E>
void update_row(Connection& c, const E& record);

// '1,3,5' <-> {1,3,5}
std::string weekdays_text(const std::vector<unsigned>& days);
std::vector<unsigned> weekdays_from_text(const std::string& text);

}  // namespace lifeline::storage
