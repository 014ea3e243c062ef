// lifeline-bench plan: day plans of a replayed year, stopped on convergence, against the full
// time budget. Reads the busiest days of a database written by `lifeline simulate`, maps
// each day's rides to the engine as dispatch does (every ride of the day, as if none had
// been planned yet), and solves it twice: until converged (several seeds) and for the whole
// budget. Prints one CSV row per day and seed, then the time percentiles and cost gaps.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bench.h"
#include "lifeline/core/dispatch/dispatch.h"
#include "lifeline/core/settings.h"
#include "lifeline/core/simulate/simulate.h"
#include "lifeline/core/time.h"
#include "lifeline/match/match.h"
#include "lifeline/storage/database.h"
#include "lifeline/storage/dispatch_store.h"
#include "lifeline/storage/settings_store.h"

namespace lifeline::bench {
namespace {

struct PlanArgs {
    std::string db;
    long days = 10;
    long seeds = 5;
    long cap_ms = 5000;
};

const char* plan_help =
    "usage: lifeline-bench plan --db FILE [options]\n"
    "\n"
    "Plans the busiest days of a database written by 'lifeline simulate' (every ride of\n"
    "the day that was not cancelled in advance), until converged and for the whole\n"
    "budget, and prints CSV: date,requests,vehicles,seed,converged_ms,iterations,\n"
    "converged_km,budget_km,gap_pct,served, then the time percentiles and the gaps.\n"
    "\n"
    "  --db FILE          the database (required; it is only read)\n"
    "  --days N           the N busiest days (default 10)\n"
    "  --seeds N          converged plans per day, seeds 1..N (default 5)\n"
    "  --cap-ms N         the time budget: the cap, and the full plan's time (default 5000)\n"
    "  --help             this text\n";

int parse_plan(int argc, char** argv, PlanArgs& args) {
    for (int k = 1; k < argc; ++k) {
        const std::string_view a = argv[k];
        if (a == "--help" || a == "-h") {
            std::fputs(plan_help, stdout);
            return 0;
        }
        if (k + 1 >= argc) {
            std::fprintf(stderr, "lifeline-bench plan: %s needs a value (see --help)\n", argv[k]);
            return 2;
        }
        const std::string_view value = argv[++k];
        long number = 0;
        const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
        const bool numeric = ec == std::errc{} && ptr == value.data() + value.size() && number > 0;
        if (a == "--db")
            args.db = value;
        else if (a == "--days" && numeric)
            args.days = number;
        else if (a == "--seeds" && numeric)
            args.seeds = number;
        else if (a == "--cap-ms" && numeric)
            args.cap_ms = number;
        else {
            std::fprintf(stderr, "lifeline-bench plan: bad option %s (see --help)\n", argv[k - 1]);
            return 2;
        }
    }
    if (args.db.empty()) {
        std::fprintf(stderr, "lifeline-bench plan: --db is required (see --help)\n");
        return 2;
    }
    return -1;
}

bool plannable(const RideRequest& r) {
    return r.status != RequestStatus::cancelled && !r.will_call();
}

// The `count` dates of the replayed year with the most plannable requests, busiest first (earlier
// on ties).
std::vector<LocalDate> busiest_days(DispatchStore& store, long count) {
    std::map<LocalDate, int> per_day;
    store.read([&](DispatchTx& tx) {
        const Scenario year = jilin_2022();
        for (auto day = std::chrono::sys_days{year.first}; day <= std::chrono::sys_days{year.last};
             day += std::chrono::days{1}) {
            const LocalDate d{day};
            int n = 0;
            for (const auto& r : tx.requests_of_day(d))
                n += plannable(r) ? 1 : 0;
            if (n > 0)
                per_day[d] = n;
        }
    });
    std::vector<std::pair<int, LocalDate>> order;
    for (const auto& [d, n] : per_day)
        order.push_back({-n, d});
    std::sort(order.begin(), order.end());
    std::vector<LocalDate> out;
    for (std::size_t k = 0; k < order.size() && static_cast<long>(k) < count; ++k)
        out.push_back(order[k].second);
    return out;
}

DayProblem day_problem(DispatchStore& store, const Settings& settings, LocalDate date) {
    DayInputs in;
    in.date = date;
    in.zone = find_zone(settings.time_zone);
    in.matcher = settings.matcher;
    store.read([&](DispatchTx& tx) {
        in.drivers = tx.active_drivers();
        in.vehicles = tx.active_vehicles();
        for (auto r : tx.requests_of_day(date)) {
            if (!plannable(r))
                continue;
            r.status = RequestStatus::pending;
            if (auto p = tx.patient(r.patient_id))
                in.patients.emplace(r.patient_id, *p);
            in.requests.push_back(r);
        }
    });
    return map_day(in);
}

struct Solved {
    double ms = 0;
    double km = 0;
    std::size_t served = 0;
    std::int64_t iterations = 0;
    bool feasible = false;
};

Solved solve_day(const match::Problem& problem, long cap_ms, bool converge, std::uint64_t seed) {
    match::SolveOptions o;
    o.time_limit_ms = cap_ms;
    o.until_converged = converge;
    o.seed = seed;
    match::SolveStats stats;
    const match::Solution s = match::solve(problem, o, &stats);
    return {stats.seconds * 1000.0, static_cast<double>(match::total_distance(problem, s)) / 1000.0,
            match::served_count(s), stats.iterations, match::check(problem, s).ok()};
}

double percentile(std::vector<double> v, double p) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(k, v.size() - 1)];
}

}  // namespace

int run_plan(int argc, char** argv) {
    PlanArgs args;
    if (const int code = parse_plan(argc, argv, args); code >= 0)
        return code;
    if (!std::filesystem::exists(args.db)) {
        std::fprintf(stderr, "lifeline-bench plan: no database %s\n", args.db.c_str());
        return 1;
    }
    storage::Database db(storage::Database::Options{args.db});
    storage::SqliteDispatchStore store(db);
    storage::SqliteSettingsStore settings_store(db);
    SystemClock clock;
    const Settings settings = SettingsService(settings_store, clock).get();

    std::printf(
        "date,requests,vehicles,seed,converged_ms,iterations,converged_km,budget_km,"
        "gap_pct,served,feasible\n");
    std::vector<double> times, gaps;
    bool all_ok = true;
    for (LocalDate date : busiest_days(store, args.days)) {
        const DayProblem dp = day_problem(store, settings, date);
        const Solved full = solve_day(dp.problem, args.cap_ms, false, 1);
        for (long seed = 1; seed <= args.seeds; ++seed) {
            const Solved c = solve_day(dp.problem, args.cap_ms, true, std::uint64_t(seed));
            const double gap = full.km > 0 ? 100.0 * (c.km - full.km) / full.km : 0.0;
            const bool ok = c.feasible && full.feasible && c.served >= full.served;
            all_ok = all_ok && ok;
            times.push_back(c.ms);
            gaps.push_back(gap);
            std::printf("%s,%zu,%zu,%ld,%.1f,%lld,%.3f,%.3f,%.3f,%zu/%zu,%s\n",
                        format_date(date).c_str(), dp.problem.requests.size(),
                        dp.problem.vehicles.size(), seed, c.ms,
                        static_cast<long long>(c.iterations), c.km, full.km, gap, c.served,
                        full.served, ok ? "yes" : "no");
            std::fflush(stdout);
        }
    }
    std::printf("converged_ms p50 %.1f p99 %.1f max %.1f; gap_pct p50 %.3f max %.3f; %s\n",
                percentile(times, 0.5), percentile(times, 0.99), percentile(times, 1.0),
                percentile(gaps, 0.5), percentile(gaps, 1.0),
                all_ok ? "all feasible, served as many" : "SOME FAILED");
    return all_ok ? 0 : 1;
}

}  // namespace lifeline::bench
