#pragma once
// `lifeline calibrate`: the travel model learned from a database's finished trips
// (docs/matching.md, "Calibration"), printed, and with --apply written to the settings.

#include <ostream>

#include "lifeline/core/dispatch/calibration.h"

namespace lifeline::cli {

// argv[0] is "calibrate"; returns the exit status.
int run_calibrate(int argc, char** argv);

// The fit as `lifeline calibrate` prints it, against the settings in use.
void print_fit(const TravelFit& fit, const MatcherDefaults& current, std::ostream& out);

}  // namespace lifeline::cli
