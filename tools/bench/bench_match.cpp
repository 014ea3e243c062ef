// lifeline-bench match: solve DARP / PDPTW benchmark instances and compare with the best
// known costs. lifeline-bench insert: real-time insertion latency on a synthetic live plan.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench.h"
#include "lifeline/match/instances.h"
#include "lifeline/match/match.h"

namespace lifeline::bench {
namespace {

namespace fs = std::filesystem;

struct MatchArgs {
    std::string dir = "tests/data/darp";
    long time_limit_ms = 5000;
    long iterations = 0;
    unsigned long seed = 1;
    int threads = 1;
    bool until_converged = false;
    match::Objective objective = match::Objective::distance;
    std::string out;
    std::string format = "cordeau";
    std::vector<std::string> only;
};

const char* match_help =
    "usage: lifeline-bench match [options]\n"
    "\n"
    "Solves every instance in a directory and prints CSV:\n"
    "instance,best_known,cost,gap_pct,vehicles_used,served,requests,seconds,feasible,\n"
    "best_known_vehicles and a final average row (with how many instances reached their\n"
    "best-known vehicle count). best_known comes from bks.csv in the directory, if any.\n"
    "\n"
    "  --dir DIR            instance directory (default tests/data/darp)\n"
    "  --time-limit-ms N    search time per instance (default 5000)\n"
    "  --iterations N       also stop after N iterations per search (default: none)\n"
    "  --seed N             random seed (default 1)\n"
    "  --threads N          independent searches, best kept (default 1)\n"
    "  --until-converged    stop each search once it has converged (the time limit is a cap)\n"
    "  --objective O        distance (default) or vehicles: fewest vehicles, then distance\n"
    "  --out DIR            write DIR/<instance>.json with the routes\n"
    "  --format F           cordeau (default) or lilim\n"
    "  --only A,B           solve only the named instances\n"
    "  --help               this text\n";

bool parse_long(const char* text, long& out) {
    const std::string_view s(text);
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && ptr == s.data() + s.size();
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, sep))
        if (!item.empty())
            out.push_back(item);
    return out;
}

// Returns -1 on success, else the exit code.
int parse_match(int argc, char** argv, MatchArgs& args) {
    for (int k = 1; k < argc; ++k) {
        const std::string a = argv[k];
        if (a == "--help" || a == "-h") {
            std::fputs(match_help, stdout);
            return 0;
        }
        if (a == "--until-converged") {
            args.until_converged = true;
            continue;
        }
        if (k + 1 >= argc) {
            std::fprintf(stderr, "lifeline-bench match: %s needs a value (see --help)\n",
                         a.c_str());
            return 2;
        }
        const char* value = argv[++k];
        long number = 0;
        const bool numeric = parse_long(value, number);
        if (a == "--dir") {
            args.dir = value;
        } else if (a == "--out") {
            args.out = value;
        } else if (a == "--format") {
            args.format = value;
            if (args.format != "cordeau" && args.format != "lilim") {
                std::fprintf(stderr, "lifeline-bench match: unknown format '%s'\n", value);
                return 2;
            }
        } else if (a == "--objective") {
            const std::string_view o = value;
            if (o != "distance" && o != "vehicles") {
                std::fprintf(stderr, "lifeline-bench match: unknown objective '%s'\n", value);
                return 2;
            }
            args.objective =
                o == "vehicles" ? match::Objective::vehicles : match::Objective::distance;
        } else if (a == "--only") {
            args.only = split(value, ',');
        } else if (a == "--time-limit-ms" && numeric && number >= 0) {
            args.time_limit_ms = number;
        } else if (a == "--iterations" && numeric && number >= 0) {
            args.iterations = number;
        } else if (a == "--seed" && numeric && number >= 0) {
            args.seed = static_cast<unsigned long>(number);
        } else if (a == "--threads" && numeric && number >= 1 && number <= 256) {
            args.threads = static_cast<int>(number);
        } else {
            std::fprintf(stderr, "lifeline-bench match: bad option %s %s (see --help)\n", a.c_str(),
                         value);
            return 2;
        }
    }
    return -1;
}

struct BestKnown {
    double cost = 0;    // distance (Li & Lim) or routing cost (Cordeau)
    int vehicles = -1;  // Li & Lim only; -1: not given
};

// bks.csv: instance, then best_known_cost (Cordeau) or best_known_vehicles and
// best_known_distance (Li & Lim). Keeps file order.
std::vector<std::pair<std::string, BestKnown>> read_bks(const fs::path& file) {
    std::vector<std::pair<std::string, BestKnown>> out;
    std::ifstream in(file);
    std::string line;
    if (!std::getline(in, line))
        return out;
    const auto header = split(line, ',');
    auto column = [&](const char* name) {
        const auto at = std::find(header.begin(), header.end(), name);
        return at == header.end() ? std::ptrdiff_t{-1} : at - header.begin();
    };
    const std::ptrdiff_t cost_col =
        column("best_known_cost") >= 0 ? column("best_known_cost") : column("best_known_distance");
    const std::ptrdiff_t vehicles_col = column("best_known_vehicles");
    while (std::getline(in, line)) {
        const auto cells = split(line, ',');
        auto cell = [&](std::ptrdiff_t col) {
            return col >= 0 && static_cast<std::ptrdiff_t>(cells.size()) > col
                       ? cells[static_cast<std::size_t>(col)]
                       : std::string();
        };
        if (cell(cost_col).empty())
            continue;
        BestKnown bk;
        bk.cost = std::strtod(cell(cost_col).c_str(), nullptr);
        if (!cell(vehicles_col).empty())
            bk.vehicles = std::atoi(cell(vehicles_col).c_str());
        out.push_back({cells[0], bk});
    }
    return out;
}

std::string shortest(double value) {
    char buffer[64];
    const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return ec == std::errc{} ? std::string(buffer, ptr) : std::to_string(value);
}

void write_json(const fs::path& dir, const match::Instance& inst, const match::Solution& solution,
                double cost) {
    std::ofstream out(dir / (inst.name + ".json"));
    out << "{\"instance\":\"" << inst.name << "\",\"cost\":" << shortest(cost) << ",\"routes\":[";
    bool first = true;
    for (const auto& route : solution.routes) {
        if (route.stops.empty())
            continue;
        out << (first ? "" : ",") << '[';
        first = false;
        const auto nodes = route_nodes(inst, route);
        for (std::size_t k = 0; k < nodes.size(); ++k)
            out << (k ? "," : "") << nodes[k];
        out << ']';
    }
    out << "]}\n";
}

// Instances in bks.csv order first, then any other .txt files by name; only those of
// `only` when it is not empty.
std::vector<std::string> instance_names(const fs::path& dir,
                                        const std::vector<std::pair<std::string, BestKnown>>& bks,
                                        const std::vector<std::string>& only) {
    std::map<std::string, BestKnown> best_known(bks.begin(), bks.end());
    std::vector<std::string> names;
    for (const auto& [name, cost] : bks)
        if (fs::exists(dir / (name + ".txt")))
            names.push_back(name);
    std::vector<std::string> others;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == ".txt" && !best_known.count(entry.path().stem().string()))
            others.push_back(entry.path().stem().string());
    std::sort(others.begin(), others.end());
    names.insert(names.end(), others.begin(), others.end());
    if (!only.empty())
        names.erase(std::remove_if(names.begin(), names.end(),
                                   [&](const std::string& n) {
                                       return std::find(only.begin(), only.end(), n) == only.end();
                                   }),
                    names.end());
    return names;
}

// What the average row sums up.
struct Totals {
    double gap_sum = 0, seconds_sum = 0;
    int gap_count = 0, count = 0;
    std::size_t served_sum = 0, requests_sum = 0;
    bool all_feasible = true;
    int vehicles_known = 0, at_best_vehicles = 0;  // instances with a best-known fleet size
};

// Solves one instance, verifies the plan twice (check, then in double), prints its CSV row
// and adds it to `totals`.
void solve_instance(const MatchArgs& args, const std::string& name, const match::Instance& inst,
                    const std::map<std::string, BestKnown>& best_known, Totals& totals) {
    match::SolveOptions options;
    options.time_limit_ms = args.time_limit_ms;
    options.max_iterations = args.iterations;
    options.seed = args.seed;
    options.threads = args.threads;
    options.until_converged = args.until_converged;
    options.objective = args.objective;
    match::SolveStats stats;
    const auto solution = match::solve(inst.problem, options, &stats);
    const auto report = match::check(inst.problem, solution);
    const std::string why = report.ok() ? verify_in_double(inst, solution, report, 1e-6) : "";
    const bool feasible = report.ok() && why.empty();
    if (!report.ok())
        for (const auto& v : report.violations)
            std::fprintf(stderr, "%s: %s\n", name.c_str(), v.detail.c_str());
    if (!why.empty())
        std::fprintf(stderr, "%s: double check: %s\n", name.c_str(), why.c_str());
    double cost = 0;
    int used = 0;
    for (const auto& route : solution.routes) {
        cost += route_cost(inst, route);
        used += route.stops.empty() ? 0 : 1;
    }
    const std::size_t served = match::served_count(solution);
    const std::size_t requests = inst.problem.requests.size();
    const auto bk = best_known.find(name);
    std::string bk_text, gap_text;
    if (bk != best_known.end()) {
        const double gap = 100.0 * (cost - bk->second.cost) / bk->second.cost;
        bk_text = shortest(bk->second.cost);
        char g[32];
        std::snprintf(g, sizeof g, "%.3f", gap);
        gap_text = g;
        totals.gap_sum += gap;
        ++totals.gap_count;
    }
    std::string bk_vehicles;
    if (bk != best_known.end() && bk->second.vehicles >= 0) {
        bk_vehicles = std::to_string(bk->second.vehicles);
        ++totals.vehicles_known;
        totals.at_best_vehicles += used <= bk->second.vehicles && served == requests ? 1 : 0;
    }
    std::printf("%s,%s,%.4f,%s,%d,%zu,%zu,%.2f,%s,%s\n", name.c_str(), bk_text.c_str(), cost,
                gap_text.c_str(), used, served, requests, stats.seconds, feasible ? "yes" : "no",
                bk_vehicles.c_str());
    if (std::getenv("LIFELINE_BENCH_VERBOSE"))
        std::fprintf(stderr, "%s: %lld iterations\n", name.c_str(),
                     static_cast<long long>(stats.iterations));
    std::fflush(stdout);
    if (!args.out.empty())
        write_json(args.out, inst, solution, cost);
    totals.all_feasible = totals.all_feasible && feasible && served == requests;
    totals.served_sum += served;
    totals.requests_sum += requests;
    totals.seconds_sum += stats.seconds;
    ++totals.count;
}

void print_average(const Totals& totals) {
    if (totals.count == 0)
        return;
    std::string gap_text;
    if (totals.gap_count > 0) {
        char g[32];
        std::snprintf(g, sizeof g, "%.3f", totals.gap_sum / totals.gap_count);
        gap_text = g;
    }
    std::string vehicles_text;
    if (totals.vehicles_known > 0)
        vehicles_text = std::to_string(totals.at_best_vehicles) + "/" +
                        std::to_string(totals.vehicles_known) + " at best-known vehicles";
    std::printf("average,,,%s,,%zu,%zu,%.2f,%s,%s\n", gap_text.c_str(), totals.served_sum,
                totals.requests_sum, totals.seconds_sum / totals.count,
                totals.all_feasible ? "yes" : "no", vehicles_text.c_str());
}

}  // namespace

int run_match(int argc, char** argv) {
    MatchArgs args;
    if (const int code = parse_match(argc, argv, args); code >= 0)
        return code;
    const fs::path dir(args.dir);
    if (!fs::is_directory(dir)) {
        std::fprintf(stderr, "lifeline-bench match: no directory %s\n", args.dir.c_str());
        return 1;
    }
    if (!args.out.empty())
        fs::create_directories(args.out);

    const auto bks = read_bks(dir / "bks.csv");
    const std::map<std::string, BestKnown> best_known(bks.begin(), bks.end());
    const std::vector<std::string> names = instance_names(dir, bks, args.only);
    std::printf(
        "instance,best_known,cost,gap_pct,vehicles_used,served,requests,seconds,feasible,"
        "best_known_vehicles\n");
    Totals totals;
    for (const auto& name : names) {
        const std::string path = (dir / (name + ".txt")).string();
        match::Instance inst;
        try {
            inst = args.format == "lilim" ? match::read_lilim(path) : match::read_cordeau(path);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "lifeline-bench match: %s\n", e.what());
            return 1;
        }
        solve_instance(args, name, inst, best_known, totals);
    }
    print_average(totals);
    return totals.all_feasible ? 0 : 1;
}

}  // namespace lifeline::bench
