#pragma once
// The fleet's port over SQLite: places, drivers (with shifts and absences), vehicles and
// patients. A unit of work runs on the database's writer and is durable when
// `transact` returns; reads use the read connections.

#include "lifeline/core/fleet/fleet.h"
#include "lifeline/storage/database.h"

namespace lifeline::storage {

class SqliteFleetStore : public FleetStore {
  public:
    explicit SqliteFleetStore(Database& db) : db_(db) {}

    std::optional<Place> find_place(PlaceId id) override;
    std::optional<Driver> find_driver(DriverId id) override;
    std::optional<Vehicle> find_vehicle(VehicleId id) override;
    std::optional<Patient> find_patient(PatientId id) override;
    Page<Place> list_places(const PlaceFilter& filter, const PageRequest& page) override;
    Page<Driver> list_drivers(const DriverFilter& filter, const PageRequest& page) override;
    Page<Vehicle> list_vehicles(const VehicleFilter& filter, const PageRequest& page) override;
    Page<Patient> list_patients(const PatientFilter& filter, const PageRequest& page) override;
    std::optional<Patient> find_patient_of_driver(PatientId patient, DriverId driver,
                                                  ServiceDays days) override;
    std::vector<SearchHit> search(const SearchQuery& query, const SearchScope& scope) override;

  protected:
    void run_transaction(const std::function<void(FleetTx&)>& work) override;

  private:
    Database& db_;
};

}  // namespace lifeline::storage
