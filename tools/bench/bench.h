#pragma once
// Entry points of the lifeline-bench subcommands; argv[0] is the subcommand name.

namespace lifeline::bench {

int run_match(int argc, char** argv);   // bench_match.cpp: DARP benchmark instances
int run_insert(int argc, char** argv);  // bench_insert.cpp: real-time insertion latency
int run_http(int argc, char** argv);    // bench_http.cpp: durable writes vs reads over HTTP
int run_report(int argc, char** argv);  // bench_report.cpp: reports over 1,000,000 trips
int run_search(int argc, char** argv);  // bench_search.cpp: search over 100,000 patients
int run_plan(int argc, char** argv);    // bench_plan.cpp: day plans, converged vs the budget
int run_reference_server(int argc, char** argv);  // reference_server.cpp: the HTTP ceiling

}  // namespace lifeline::bench
