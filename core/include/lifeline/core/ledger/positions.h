#pragma once
// Live positions of a trip (docs/security.md, "Positions"): the driver's phone sends its
// WGS-84 position in batches while a trip is open; dispatchers and that trip's driver read
// them; they are deleted after the organisation's retention period.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "lifeline/core/clock.h"
#include "lifeline/core/errors.h"
#include "lifeline/core/model.h"
#include "lifeline/core/settings.h"

namespace lifeline {

struct Position {
    Instant at{};
    double lat = 0;  // WGS-84 degrees
    double lon = 0;
    std::optional<double> accuracy_m;  // the phone's estimate, metres
};

// A vehicle's latest known position, from the trips it drove.
struct VehiclePosition {
    VehicleId vehicle_id = 0;
    DriverId driver_id = 0;
    TripId trip_id = 0;
    bool trip_open = false;
    Position position;
};

// What a unit of work may read and write, inside one transaction.
class PositionTx {
  public:
    virtual ~PositionTx() = default;
    virtual std::optional<Trip> trip(TripId id) = 0;  // its header; rides are not needed
    // Inserts the positions; a position at an instant the trip already has is skipped.
    // Returns how many were new.
    virtual std::int64_t insert(TripId trip, const std::vector<Position>& positions) = 0;
};

class PositionStore {
  public:
    virtual ~PositionStore() = default;
    virtual std::int64_t transact(const std::function<std::int64_t(PositionTx&)>& work) = 0;
    virtual std::optional<Trip> trip(TripId id) = 0;
    virtual std::vector<Position> of_trip(TripId id) = 0;  // oldest first
    virtual std::vector<VehiclePosition> latest_per_vehicle() = 0;
    // Deletes every position taken before `cutoff`; returns how many.
    virtual std::int64_t delete_before(Instant cutoff) = 0;
};

// A batch holds at most this many positions (a phone offline for four hours at one
// position every 30 s).
inline constexpr std::size_t max_positions_per_batch = 500;
// A phone's clock may run a little ahead of the server's.
inline constexpr std::chrono::seconds position_clock_tolerance{120};

class Positions {
  public:
    Positions(PositionStore& store, SettingsService& settings, const Clock& clock)
        : store_(store), settings_(settings), clock_(clock) {}

    // Records a batch for the trip. Only the trip's own driver sends positions. Each must
    // lie within the trip's interval — from started_at to ended_at, or to now (with a
    // small tolerance) while it is open — so a phone that was offline still delivers
    // what it queued during the trip. Every bad position is named
    // (positions[i].lat …) and nothing is written. Returns how many were new.
    std::int64_t record(const Actor& actor, TripId trip, const std::vector<Position>& batch);
    // The trip's positions: dispatchers, and the trip's driver (others: not found).
    std::vector<Position> of_trip(const Actor& actor, TripId trip);
    // Each vehicle's latest position (dispatchers only).
    std::vector<VehiclePosition> latest(const Actor& actor);
    // Deletes positions older than the retention setting; returns how many.
    std::int64_t purge();

  private:
    PositionStore& store_;
    SettingsService& settings_;
    const Clock& clock_;
};

// Every bad field of a batch for `trip` at `now` (exposed for tests).
std::vector<FieldError> check_positions(const Trip& trip, const std::vector<Position>& batch,
                                        Instant now);

}  // namespace lifeline
