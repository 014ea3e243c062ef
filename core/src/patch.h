#pragma once
// Applying a patch: a field given in the patch replaces the current value; an absent one
// keeps it.

#include <optional>

namespace lifeline::detail {

template <class T, class U>
void assign_if(T& target, const std::optional<U>& value) {
    if (value)
        target = *value;
}

}  // namespace lifeline::detail
