#pragma once
// Internal: the Problem flattened into a node table the solver indexes directly.
//
// Node 2r is the pickup and 2r+1 the drop-off of request r; node 2R+2v is the start and
// 2R+2v+1 the end of vehicle v (R requests). Small problems get dense node-to-node
// matrices so the hot loops avoid the virtual TravelModel call.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "lifeline/match/problem.h"

namespace lifeline::match::detail {

class Nodes {
  public:
    // `dense_limit`: build node matrices when the node count is at most this.
    Nodes(const Problem& problem, std::size_t dense_limit);

    int requests() const { return requests_; }
    int vehicles() const { return vehicles_; }
    int size() const { return static_cast<int>(loc_.size()); }

    static int pickup(RequestIndex r) { return 2 * r; }
    static int dropoff(RequestIndex r) { return 2 * r + 1; }
    int start(VehicleIndex v) const { return 2 * requests_ + 2 * v; }
    int end(VehicleIndex v) const { return 2 * requests_ + 2 * v + 1; }
    bool is_request(int node) const { return node < 2 * requests_; }
    bool is_pickup(int node) const { return node < 2 * requests_ && (node & 1) == 0; }
    bool is_dropoff(int node) const { return node < 2 * requests_ && (node & 1) == 1; }
    static RequestIndex request_of(int node) { return node >> 1; }

    Time earliest(int node) const { return earliest_[static_cast<std::size_t>(node)]; }
    Time latest(int node) const { return latest_[static_cast<std::size_t>(node)]; }
    Time service(int node) const { return service_[static_cast<std::size_t>(node)]; }
    Load delta(int node) const { return delta_[static_cast<std::size_t>(node)]; }
    LocationId location(int node) const { return loc_[static_cast<std::size_t>(node)]; }
    Time max_ride(RequestIndex r) const { return max_ride_[static_cast<std::size_t>(r)]; }
    bool alone(RequestIndex r) const { return alone_[static_cast<std::size_t>(r)] != 0; }
    Load capacity(VehicleIndex v) const { return capacity_[static_cast<std::size_t>(v)]; }
    Time max_duration(VehicleIndex v) const { return max_duration_[static_cast<std::size_t>(v)]; }

    Time time(int a, int b) const {
        if (!tmat_.empty())
            return tmat_[index(a, b)];
        return travel_->time(location(a), location(b));
    }
    Distance distance(int a, int b) const {
        if (!dmat_.empty())
            return dmat_[index(a, b)];
        return travel_->distance(location(a), location(b));
    }

  private:
    std::size_t index(int a, int b) const {
        return static_cast<std::size_t>(a) * loc_.size() + static_cast<std::size_t>(b);
    }

    int requests_ = 0;
    int vehicles_ = 0;
    std::vector<LocationId> loc_;
    std::vector<Time> earliest_, latest_, service_;
    std::vector<Load> delta_;
    std::vector<Time> max_ride_;
    std::vector<std::uint8_t> alone_;
    std::vector<Load> capacity_;
    std::vector<Time> max_duration_;
    const TravelModel* travel_ = nullptr;
    std::vector<Time> tmat_;
    std::vector<Distance> dmat_;
};

}  // namespace lifeline::match::detail
