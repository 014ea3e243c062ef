#include "nodes.h"

namespace lifeline::match::detail {

Nodes::Nodes(const Problem& problem, std::size_t dense_limit)
    : requests_(static_cast<int>(problem.requests.size())),
      vehicles_(static_cast<int>(problem.vehicles.size())),
      travel_(problem.travel.get()) {
    const std::size_t n = 2 * problem.requests.size() + 2 * problem.vehicles.size();
    loc_.reserve(n);
    earliest_.reserve(n);
    latest_.reserve(n);
    service_.reserve(n);
    delta_.reserve(n);
    auto add = [&](LocationId l, Time e, Time lt, Time s, Load d) {
        loc_.push_back(l);
        earliest_.push_back(e);
        latest_.push_back(lt);
        service_.push_back(s);
        delta_.push_back(d);
    };
    for (const Request& r : problem.requests) {
        add(r.pickup.location, r.pickup.earliest, r.pickup.latest, r.pickup.service, r.load);
        add(r.dropoff.location, r.dropoff.earliest, r.dropoff.latest, r.dropoff.service,
            Load{} - r.load);
        max_ride_.push_back(r.max_ride);
        alone_.push_back(r.ride_alone ? 1 : 0);
    }
    for (const Vehicle& v : problem.vehicles) {
        add(v.start, v.shift_start, v.shift_end, 0, Load{});
        add(v.end, v.shift_start, v.shift_end, 0, Load{});
        capacity_.push_back(v.capacity);
        max_duration_.push_back(v.max_duration);
    }
    if (n > dense_limit)
        return;
    tmat_.resize(n * n);
    dmat_.resize(n * n);
    for (std::size_t a = 0; a < n; ++a)
        for (std::size_t b = 0; b < n; ++b) {
            tmat_[a * n + b] = travel_->time(loc_[a], loc_[b]);
            dmat_[a * n + b] = travel_->distance(loc_[a], loc_[b]);
        }
}

}  // namespace lifeline::match::detail
