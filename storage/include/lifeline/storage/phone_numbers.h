#pragma once
// Phone numbers with libphonenumber: core's PhoneNumbers port, and the national number
// of a stored (E.164) phone for the search keys.

#include <optional>
#include <string>
#include <string_view>

#include "lifeline/core/fleet/fleet.h"

namespace lifeline::storage {

class LibPhoneNumbers final : public PhoneNumbers {
  public:
    // A number that parses in `region` and that libphonenumber holds valid (a real
    // length and prefix for its country), formatted E.164; otherwise nullopt.
    std::optional<std::string> to_e164(std::string_view text,
                                       std::string_view region) const override;
};

// The national significant number of an E.164 phone ("+8613812345678" → "13812345678");
// nullopt when `phone` does not parse.
std::optional<std::string> national_number(std::string_view phone);

}  // namespace lifeline::storage
