#pragma once

#include "lifeline/storage/sqlite.h"

namespace lifeline::storage {

// The schema version this build expects.
int latest_schema_version();

// Applies every numbered migration above the file's `user_version`, each step and its
// version bump in one transaction. Refuses a file newer than this build.
void migrate(Connection& conn);

// Applies the migrations up to `target` only (a test builds a file as an older release
// left it, then upgrades it).
void migrate(Connection& conn, int target);

}  // namespace lifeline::storage
