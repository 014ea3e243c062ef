#pragma once
// The search keys of fleet records (lifeline/storage/search_keys.h): written with every
// save of a place, driver, vehicle or patient, and read by FleetStore::search.

#include <vector>

#include "lifeline/core/fleet/fleet.h"
#include "lifeline/storage/sqlite.h"

namespace lifeline::storage {

// Replaces the record's keys and sort key; inside the caller's transaction.
void index_for_search(Connection& c, const Place& place);
void index_for_search(Connection& c, const Driver& driver);
void index_for_search(Connection& c, const Vehicle& vehicle);
void index_for_search(Connection& c, const Patient& patient);

// Keys for every record that has none: the rows before search keys existed, and rows
// written around the fleet's store (a bulk load). One transaction; quick when none.
void index_unindexed(Connection& c);

std::vector<SearchHit> search_records(Connection& c, const SearchQuery& query,
                                      const SearchScope& scope);

}  // namespace lifeline::storage
