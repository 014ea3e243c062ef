#pragma once
// The matching engine's own error. The engine sits below the domain and knows nothing of
// its error vocabulary: a caller maps this to its own (dispatch treats it as a bug of its
// own, since it builds every problem from validated data).

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace lifeline::match {

// Thrown for a problem or options the engine cannot work on (see validate()), or a call
// it cannot honour (insert() of an unknown request). `reasons` lists every fault found,
// one message each.
class Error : public std::runtime_error {
  public:
    explicit Error(const std::string& detail, std::vector<std::string> reasons = {})
        : std::runtime_error(detail), reasons_(std::move(reasons)) {}

    const std::vector<std::string>& reasons() const noexcept { return reasons_; }

  private:
    std::vector<std::string> reasons_;
};

}  // namespace lifeline::match
