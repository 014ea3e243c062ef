#pragma once
// The fleet (docs/design.md §3): places, drivers with their weekly shifts and absences,
// vehicles, and patients with their dialysis schedules. Every rule about them lives
// here; storage only provides atomic units of work and reads.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "lifeline/core/clock.h"
#include "lifeline/core/dispatch/dispatch_model.h"
#include "lifeline/core/errors.h"
#include "lifeline/core/fleet/fleet_fields.h"
#include "lifeline/core/model.h"
#include "lifeline/core/settings.h"

namespace lifeline {

// What a unit of work may read and write; every call sees the state of the same
// transaction, so a check and the write it guards are atomic.
class FleetTx {
  public:
    virtual ~FleetTx() = default;
    virtual std::optional<Place> place(PlaceId id) = 0;
    virtual std::optional<Driver> driver(DriverId id) = 0;  // with shifts and absences
    virtual std::optional<Vehicle> vehicle(VehicleId id) = 0;
    virtual std::optional<Patient> patient(PatientId id) = 0;

    // Inserts return the new id; updates write every field of the row.
    virtual PlaceId insert_place(const Place& place) = 0;
    virtual void update_place(const Place& place) = 0;
    // Driver rows only: shifts and absences are written by the two calls below.
    virtual DriverId insert_driver(const Driver& driver) = 0;
    virtual void update_driver(const Driver& driver) = 0;
    virtual void replace_shifts(DriverId id, const std::vector<Shift>& shifts) = 0;
    virtual AbsenceId add_absence(DriverId id, const Absence& absence) = 0;
    virtual void update_absence(DriverId id, const Absence& absence) = 0;  // by absence.id
    virtual void remove_absence(DriverId id, AbsenceId absence) = 0;
    virtual VehicleId insert_vehicle(const Vehicle& vehicle) = 0;
    // Leaves odometer_km alone: the ledger keeps it at the last logged reading.
    virtual void update_vehicle(const Vehicle& vehicle) = 0;
    virtual PatientId insert_patient(const Patient& patient) = 0;
    virtual void update_patient(const Patient& patient) = 0;

    // Whether a vehicle other than `except` has this plate, ignoring case.
    virtual bool plate_taken(std::string_view plate, VehicleId except) = 0;
    virtual void audit(const AuditEntry& entry) = 0;
};

// List filters. `q` is a case-insensitive substring of the names a dispatcher searches
// by: places by name or address, drivers and patients by name or phone, vehicles by
// plate or description.
struct PlaceFilter {
    std::optional<bool> active{};
    std::optional<std::string> q{};
};

struct DriverFilter {
    std::optional<bool> active{};
    std::optional<std::string> q{};
};

struct VehicleFilter {
    std::optional<bool> active{};
    std::optional<std::string> q{};
};

struct PatientFilter {
    std::optional<bool> active{};
    std::optional<std::string> q{};
    std::optional<PlaceId> center_id{};
};

// A search of patients, drivers, places or vehicles by name (characters, pinyin,
// initials) or phone (docs/architecture.md, "Search keys").
enum class SearchKind { patient, driver, place, vehicle };

struct SearchQuery {
    SearchKind kind = SearchKind::patient;
    std::string q;
    int limit = 20;
    std::optional<bool> active{};
};

// One record found: what a picker shows (a patient's or driver's phone, a place's
// address, a vehicle's colour and description in `detail`).
struct SearchHit {
    std::int64_t id = 0;
    std::string name;
    std::string phone;
    std::string detail;
    bool active = true;
};

// Who the search answers for: everyone of the kind, or (a driver) only the patients on
// the driver's routes within `days`.
struct SearchScope {
    std::optional<DriverId> driver{};
    ServiceDays days{};
};

// The port storage implements. `transact` is one atomic, durable write; the reads see
// committed state. Lists are in id order, `page.after` excluded.
class FleetStore {
  public:
    virtual ~FleetStore() = default;

    // Runs `work(FleetTx&)` as one atomic unit and returns its result after COMMIT. An
    // exception from `work` rolls everything back and is rethrown.
    template <class F>
    auto transact(F&& work) -> std::invoke_result_t<F&, FleetTx&> {
        using R = std::invoke_result_t<F&, FleetTx&>;
        if constexpr (std::is_void_v<R>) {
            run_transaction([&](FleetTx& tx) { work(tx); });
        } else {
            std::optional<R> result;
            run_transaction([&](FleetTx& tx) { result.emplace(work(tx)); });
            return std::move(*result);
        }
    }

    virtual std::optional<Place> find_place(PlaceId id) = 0;
    virtual std::optional<Driver> find_driver(DriverId id) = 0;
    virtual std::optional<Vehicle> find_vehicle(VehicleId id) = 0;
    virtual std::optional<Patient> find_patient(PatientId id) = 0;
    virtual Page<Place> list_places(const PlaceFilter& filter, const PageRequest& page) = 0;
    virtual Page<Driver> list_drivers(const DriverFilter& filter, const PageRequest& page) = 0;
    virtual Page<Vehicle> list_vehicles(const VehicleFilter& filter, const PageRequest& page) = 0;
    virtual Page<Patient> list_patients(const PatientFilter& filter, const PageRequest& page) = 0;

    // The patient, if dispatch has them on a stop of one of `driver`'s routes whose
    // service date is within `days`. Rides the driver logged do not count.
    virtual std::optional<Patient> find_patient_of_driver(PatientId patient, DriverId driver,
                                                          ServiceDays days) = 0;

    // Matches by key prefix (search_keys), in the names' Chinese (pinyin) collation
    // order, then id; at most `query.limit`.
    virtual std::vector<SearchHit> search(const SearchQuery& query, const SearchScope& scope) = 0;

  protected:
    virtual void run_transaction(const std::function<void(FleetTx&)>& work) = 0;
};

// One row of a bulk import: the item and the line of the file it came from, so an
// error names the line.
template <class T>
struct ImportRow {
    std::size_t line = 0;
    T item;
};

// Phone numbers of patients and drivers are stored in E.164 ("+8613812345678"). The
// parser (libphonenumber) is storage's; `region` (the settings' phone_region, "CN")
// says the country of a number written without +country code. nullopt: not a number
// that can be dialled there.
class PhoneNumbers {
  public:
    virtual ~PhoneNumbers() = default;
    virtual std::optional<std::string> to_e164(std::string_view text,
                                               std::string_view region) const = 0;
};

// A phone number rule for one write: the parser and the settings' region.
struct PhoneRule {
    const PhoneNumbers* phones = nullptr;
    std::string region;
};

class Fleet {
  public:
    // `settings` gives the organisation's time zone: a driver's days are local dates.
    // Without `phones`, phone numbers are kept as typed (trimmed).
    Fleet(FleetStore& store, SettingsService& settings, const Clock& clock, FleetLimits limits = {},
          const PhoneNumbers* phones = nullptr)
        : store_(store), settings_(settings), clock_(clock), limits_(limits), phones_(phones) {}

    // The `id` of the inputs to create is ignored; the new entity is returned.
    Place create_place(const Actor& actor, const Place& place);
    Place get_place(const Actor& actor, PlaceId id);
    Page<Place> list_places(const Actor& actor, const PlaceFilter& filter, const PageRequest& page);
    Place update_place(const Actor& actor, PlaceId id, const PlacePatch& patch);

    // A new driver may come with shifts and absences.
    Driver create_driver(const Actor& actor, const Driver& driver);
    Driver get_driver(const Actor& actor, DriverId id);
    Page<Driver> list_drivers(const Actor& actor, const DriverFilter& filter,
                              const PageRequest& page);
    Driver update_driver(const Actor& actor, DriverId id, const DriverPatch& patch);
    // `added` (if given) receives the stored absence, with its id.
    Driver add_absence(const Actor& actor, DriverId id, const Absence& absence,
                       Absence* added = nullptr);
    // Only the dates given change; 404 for an absence that is not the driver's.
    Driver update_absence(const Actor& actor, DriverId id, AbsenceId absence,
                          std::optional<LocalDate> from, std::optional<LocalDate> to,
                          Absence* changed = nullptr);
    Driver remove_absence(const Actor& actor, DriverId id, AbsenceId absence);

    // odometer_km of a new vehicle is its reading when it joins the fleet; afterwards
    // only the ledger moves it.
    Vehicle create_vehicle(const Actor& actor, const Vehicle& vehicle);
    Vehicle get_vehicle(const Actor& actor, VehicleId id);
    Page<Vehicle> list_vehicles(const Actor& actor, const VehicleFilter& filter,
                                const PageRequest& page);
    Vehicle update_vehicle(const Actor& actor, VehicleId id, const VehiclePatch& patch);

    Patient create_patient(const Actor& actor, const Patient& patient);
    Patient get_patient(const Actor& actor, PatientId id);
    Page<Patient> list_patients(const Actor& actor, const PatientFilter& filter,
                                const PageRequest& page);
    Patient update_patient(const Actor& actor, PatientId id, const PatientPatch& patch);

    // A patient as the actor may see them: a dispatcher any patient; a driver only a
    // patient dispatch has on one of the driver's routes of yesterday, today or tomorrow
    // (driver_patient_days). Any other patient is "not found" to a driver, whether or
    // not the driver has logged a ride for them.
    Patient patient_for(const Actor& actor, PatientId id);

    // Patients, drivers, places or vehicles by name or phone: a dispatcher finds any; a
    // driver only patients on the driver's routes (driver_patient_days), nothing else.
    std::vector<SearchHit> search(const Actor& actor, SearchQuery query);

    // Bulk import (CSV): every row passes the same rules as create_*; one bad row fails
    // the whole import with every bad field named "line N: field", and nothing is
    // written. Otherwise all rows are written in one transaction, in order.
    std::vector<Place> import_places(const Actor& actor, std::vector<ImportRow<Place>> rows);
    std::vector<Driver> import_drivers(const Actor& actor, std::vector<ImportRow<Driver>> rows);
    std::vector<Vehicle> import_vehicles(const Actor& actor, std::vector<ImportRow<Vehicle>> rows);
    std::vector<Patient> import_patients(const Actor& actor, std::vector<ImportRow<Patient>> rows);

  private:
    FleetStore& store_;
    SettingsService& settings_;
    const Clock& clock_;
    FleetLimits limits_;
    const PhoneNumbers* phones_;

    PhoneRule phone_rule();
};

// Audit snapshots (JSON objects; the audit log's stored format). Null fields are omitted.
std::string audit_snapshot(const Place& place);
std::string audit_snapshot(const Driver& driver);
std::string audit_snapshot(const Vehicle& vehicle);
std::string audit_snapshot(const Patient& patient);

}  // namespace lifeline
