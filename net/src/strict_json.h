#pragma once
// JSON parsing for request bodies that refuses an object naming a key twice.
// boost::json::parse keeps the last of duplicate keys silently, so {"odometer_end": 1,
// "odometer_end": 9} would mean whatever the last writer of the JSON library decided;
// here it is an error naming the key.

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace lifeline::net {

struct StrictJsonResult {
    boost::json::value value;         // null unless ok()
    boost::system::error_code error;  // syntax errors, as boost::json::parse reports them
    std::string duplicate_key;        // the path of a repeated key: "rides[0].outcome"

    bool ok() const { return !error && duplicate_key.empty(); }
};

// Parses one JSON document (standard JSON, no comments or trailing commas) in one pass.
StrictJsonResult parse_strict_json(std::string_view text);

}  // namespace lifeline::net
