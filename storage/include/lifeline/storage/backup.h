#pragma once

#include <string>

namespace lifeline::storage {

// Copies the database at `source` to `destination` with SQLite's online backup API:
// consistent even while a server writes to the source. The copy is written next to
// `destination` and renamed into place, so a failed backup never leaves half a file.
// Returns the number of pages copied.
int backup(const std::string& source, const std::string& destination);

}  // namespace lifeline::storage
