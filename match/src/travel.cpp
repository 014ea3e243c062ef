#include "lifeline/match/travel.h"

#include <stdexcept>
#include <utility>

namespace lifeline::match {

MatrixTravel::MatrixTravel(std::size_t size, std::vector<Time> times,
                           std::vector<Distance> distances)
    : size_(size), times_(std::move(times)), distances_(std::move(distances)) {
    if (times_.size() != size_ * size_ || distances_.size() != size_ * size_)
        throw std::invalid_argument("MatrixTravel: matrices must be size x size");
}

}  // namespace lifeline::match
