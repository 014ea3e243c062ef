#pragma once
// `lifeline report`: the reports from a database file, without a running server.

namespace lifeline::cli {

// argv[0] is "report"; returns the exit status.
int run_report(int argc, char** argv);

}  // namespace lifeline::cli
