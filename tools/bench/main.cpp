// lifeline-bench: runs one benchmark driver and prints its numbers.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "bench.h"

namespace {

struct Command {
    const char* name;
    int (*run)(int, char**);
    const char* help;
};

constexpr Command commands[] = {
    {"match", lifeline::bench::run_match, "solve the DARP benchmark instances"},
    {"plan", lifeline::bench::run_plan, "day plans of a replayed year: converged vs budget"},
    {"insert", lifeline::bench::run_insert, "time real-time insertions into a live plan"},
    {"http", lifeline::bench::run_http, "durable write vs read throughput of the server"},
    {"reference-server", lifeline::bench::run_reference_server,
     "the minimal Beast keep-alive server that 'http' compares against"},
    {"report", lifeline::bench::run_report, "monthly and totals reports over 1,000,000 trips"},
    {"search", lifeline::bench::run_search, "search of 100,000 patients by name and phone"},
};

void usage(std::FILE* out) {
    std::fprintf(out, "usage: lifeline-bench <command> [options]\n\ncommands:\n");
    for (const auto& c : commands)
        std::fprintf(out, "  %-16s %s\n", c.name, c.help);
    std::fprintf(out, "\n'lifeline-bench <command> --help' explains a command's options.\n");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    std::string_view name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
        usage(stdout);
        return 0;
    }
    for (const auto& c : commands)
        if (name == c.name)
            return c.run(argc - 1, argv + 1);
    std::fprintf(stderr, "lifeline-bench: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
