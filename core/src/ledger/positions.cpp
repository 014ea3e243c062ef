#include "lifeline/core/ledger/positions.h"

#include <cmath>
#include <string>

#include "lifeline/core/errors.h"

namespace lifeline {
namespace {

void check_one(const Trip& trip, const Position& p, const std::string& prefix, Instant now,
               std::vector<FieldError>& errs) {
    if (!std::isfinite(p.lat) || p.lat < -90 || p.lat > 90)
        errs.push_back({prefix + "lat", "must be a WGS-84 latitude between -90 and 90"});
    if (!std::isfinite(p.lon) || p.lon < -180 || p.lon > 180)
        errs.push_back({prefix + "lon", "must be a WGS-84 longitude between -180 and 180"});
    if (p.accuracy_m &&
        (!std::isfinite(*p.accuracy_m) || *p.accuracy_m < 0 || *p.accuracy_m > 100'000))
        errs.push_back({prefix + "accuracy_m", "must be between 0 and 100000 metres"});
    if (p.at > now + position_clock_tolerance)
        errs.push_back({prefix + "at", "is in the future: check the phone's clock"});
    else if (p.at < trip.started_at)
        errs.push_back({prefix + "at", "is before the trip started"});
    else if (trip.ended_at && p.at > *trip.ended_at)
        errs.push_back({prefix + "at", "is after the trip ended"});
}

}  // namespace

std::vector<FieldError> check_positions(const Trip& trip, const std::vector<Position>& batch,
                                        Instant now) {
    std::vector<FieldError> errs;
    if (batch.empty())
        errs.push_back({"positions", "must hold at least one position"});
    if (batch.size() > max_positions_per_batch)
        errs.push_back({"positions", "holds more than " + std::to_string(max_positions_per_batch) +
                                         " positions: send them in smaller batches"});
    for (std::size_t i = 0; i < batch.size() && i < max_positions_per_batch; ++i)
        check_one(trip, batch[i], "positions[" + std::to_string(i) + "].", now, errs);
    return errs;
}

std::int64_t Positions::record(const Actor& actor, TripId id, const std::vector<Position>& batch) {
    return store_.transact([&](PositionTx& tx) -> std::int64_t {
        auto trip = tx.trip(id);
        if (!trip || (!actor.is_dispatcher() && trip->driver_id != actor.driver_id))
            throw_not_found("no trip with id " + std::to_string(id));
        if (actor.driver_id != trip->driver_id)
            throw_forbidden("only the trip's driver sends its positions");
        auto errs = check_positions(*trip, batch, clock_.now());
        if (!errs.empty())
            throw_unprocessable("the batch has positions that cannot be recorded", std::move(errs));
        return tx.insert(id, batch);
    });
}

std::vector<Position> Positions::of_trip(const Actor& actor, TripId id) {
    auto trip = store_.trip(id);
    if (!trip || (!actor.is_dispatcher() && trip->driver_id != actor.driver_id))
        throw_not_found("no trip with id " + std::to_string(id));
    return store_.of_trip(id);
}

std::vector<VehiclePosition> Positions::latest(const Actor& actor) {
    if (!actor.is_dispatcher())
        throw_forbidden("only dispatchers see where the vehicles are");
    return store_.latest_per_vehicle();
}

std::int64_t Positions::purge() {
    const int days = settings_.get().position_retention_days;
    return store_.delete_before(clock_.now() - std::chrono::days{days});
}

}  // namespace lifeline
