#pragma once
// `lifeline simulate`: a year's replay into a database file (docs/simulation.md), and
// the demo seed of `lifeline serve --demo`, which is the same replay.

#include <cstdint>
#include <ostream>
#include <string>

#include "lifeline/core/simulate/simulate.h"

namespace lifeline::cli {

// argv[0] is "simulate"; returns the exit status.
int run_simulate(int argc, char** argv);

// Replays `scenario` into an empty fleet, printing a line per month and the year's
// totals to `out`. Throws std::runtime_error when the fleet already has drivers.
YearTotals replay_year(SimulationFacades facades, const Actor& admin, const Scenario& scenario,
                       const SimulationAccounts& accounts, std::uint64_t seed, std::ostream& out);

}  // namespace lifeline::cli
