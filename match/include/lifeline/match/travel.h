#pragma once
// Travel between locations. The matcher only ever asks for time and distance between two
// location indices; where they come from (a matrix, great-circle geometry, a road network)
// is the model's business.

#include <cstddef>
#include <vector>

#include "lifeline/match/types.h"

namespace lifeline::match {

class TravelModel {
  public:
    virtual ~TravelModel() = default;

    virtual std::size_t size() const = 0;  // number of locations
    virtual Time time(LocationId from, LocationId to) const = 0;
    virtual Distance distance(LocationId from, LocationId to) const = 0;
};

// Dense matrices, row-major: time[from * size + to]. Used by the benchmark and tests, and
// by any caller that precomputes its matrix.
class MatrixTravel final : public TravelModel {
  public:
    // Throws std::invalid_argument unless both matrices are size x size.
    MatrixTravel(std::size_t size, std::vector<Time> times, std::vector<Distance> distances);

    std::size_t size() const override { return size_; }
    Time time(LocationId from, LocationId to) const override {
        return times_[static_cast<std::size_t>(from) * size_ + static_cast<std::size_t>(to)];
    }
    Distance distance(LocationId from, LocationId to) const override {
        return distances_[static_cast<std::size_t>(from) * size_ + static_cast<std::size_t>(to)];
    }

  private:
    std::size_t size_;
    std::vector<Time> times_;
    std::vector<Distance> distances_;
};

}  // namespace lifeline::match
