#include "lifeline/core/ledger/positions.h"

#include <cmath>
#include <string>

#include "lifeline/core/errors.h"

namespace lifeline {
namespace {

void check_one(const Trip& trip, const Position& p, const std::string& prefix, Instant now,
               std::vector<FieldError>& errs) {
    if (!std::isfinite(p.lat) || p.lat < -90 || p.lat > 90)
        errs.emplace_back(prefix + "lat", msg("field.latitude"));
    if (!std::isfinite(p.lon) || p.lon < -180 || p.lon > 180)
        errs.emplace_back(prefix + "lon", msg("field.longitude"));
    if (p.accuracy_m &&
        (!std::isfinite(*p.accuracy_m) || *p.accuracy_m < 0 || *p.accuracy_m > 100'000))
        errs.emplace_back(prefix + "accuracy_m", msg("position.accuracy", {{"max", 100'000}}));
    if (p.at > now + position_clock_tolerance)
        errs.emplace_back(prefix + "at", msg("position.in_future"));
    else if (p.at < trip.started_at)
        errs.emplace_back(prefix + "at", msg("time.before_trip_start"));
    else if (trip.ended_at && p.at > *trip.ended_at)
        errs.emplace_back(prefix + "at", msg("position.after_trip"));
}

}  // namespace

std::vector<FieldError> check_positions(const Trip& trip, const std::vector<Position>& batch,
                                        Instant now) {
    std::vector<FieldError> errs;
    if (batch.empty())
        errs.emplace_back("positions", msg("position.empty"));
    if (batch.size() > max_positions_per_batch)
        errs.emplace_back("positions", msg("position.too_many",
                                           {{"max", std::int64_t(max_positions_per_batch)}}));
    for (std::size_t i = 0; i < batch.size() && i < max_positions_per_batch; ++i)
        check_one(trip, batch[i], "positions[" + std::to_string(i) + "].", now, errs);
    return errs;
}

std::int64_t Positions::record(const Actor& actor, TripId id, const std::vector<Position>& batch) {
    return store_.transact([&](PositionTx& tx) -> std::int64_t {
        auto trip = tx.trip(id);
        if (!trip || (!actor.is_dispatcher() && trip->driver_id != actor.driver_id))
            throw_not_found(msg("trip.not_found", {{"id", id}}));
        if (actor.driver_id != trip->driver_id)
            throw_forbidden(msg("position.driver_only"));
        auto errs = check_positions(*trip, batch, clock_.now());
        if (!errs.empty())
            throw_unprocessable(msg("position.batch_refused"), std::move(errs));
        return tx.insert(id, batch);
    });
}

std::vector<Position> Positions::of_trip(const Actor& actor, TripId id) {
    auto trip = store_.trip(id);
    if (!trip || (!actor.is_dispatcher() && trip->driver_id != actor.driver_id))
        throw_not_found(msg("trip.not_found", {{"id", id}}));
    return store_.of_trip(id);
}

std::vector<VehiclePosition> Positions::latest(const Actor& actor) {
    if (!actor.is_dispatcher())
        throw_forbidden(msg("position.dispatchers_only"));
    return store_.latest_per_vehicle();
}

std::int64_t Positions::purge() {
    const int days = settings_.get().position_retention_days;
    return store_.delete_before(clock_.now() - std::chrono::days{days});
}

}  // namespace lifeline
