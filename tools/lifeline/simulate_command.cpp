#include "simulate_command.h"

#include <boost/program_options.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <stdexcept>

#include "lifeline/storage/database.h"
#include "lifeline/storage/services.h"

namespace po = boost::program_options;

namespace lifeline::cli {
namespace {

std::string fixed(double v, int decimals) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(decimals) << v;
    return s.str();
}

void print_totals(const Scenario& scenario, std::uint64_t seed, const YearTotals& t, double seconds,
                  std::ostream& out) {
    const auto& c = t.cancellations;
    out << "simulated " << scenario.name << " (seed " << seed << "): " << t.days << " days in "
        << fixed(seconds, 1) << " s\n"
        << "  rides completed  " << t.rides_completed << "\n"
        << "  km (odometers)   " << fixed(t.km, 1) << "\n"
        << "  no-shows         " << t.no_shows << "\n"
        << "  cancellations    " << t.cancelled() << " (patient " << c[0] << ", late_cancel "
        << c[1] << ", holiday " << c[2] << ", weather " << c[3] << ", other " << c[4] << ")\n"
        << "  unserved         " << t.unserved << " of " << t.requests << " requests\n"
        << "  trips            " << t.trips << "\n"
        << "  volunteer hours  " << fixed(t.volunteer_hours, 1) << "\n"
        << "  patients         " << t.patients << "\n"
        << "  drivers          " << t.drivers << " (vehicles " << t.vehicles << ", absences "
        << t.absences << ")\n"
        << "  holidays         " << t.holidays << "\n"
        << "  planning         " << fixed(t.plan_ms / 1000, 1) << " s in the matcher, "
        << t.plan_iterations << " iterations\n";
}

}  // namespace

YearTotals replay_year(SimulationFacades facades, const Actor& admin, const Scenario& scenario,
                       const SimulationAccounts& accounts, std::uint64_t seed, std::ostream& out) {
    if (!facades.fleet.list_drivers(admin, {}, PageRequest{1, std::nullopt}).items.empty())
        throw std::runtime_error(
            "the database already has drivers: simulate needs an empty database (use a new --db)");
    const auto start = std::chrono::steady_clock::now();
    out << "simulating " << scenario.name << " (seed " << seed << ")…" << std::endl;
    YearTotals totals =
        simulate(facades, admin, scenario, accounts, seed, [&](const SimulationProgress& p) {
            auto next = LocalDate{std::chrono::sys_days{p.date} + std::chrono::days{1}};
            if (next.month() == p.date.month())
                return;
            double s =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            out << "  " << format_date(p.date).substr(0, 7) << ": " << p.totals->rides_completed
                << " rides, " << fixed(p.totals->km, 0) << " km (" << fixed(s, 1) << " s, matcher "
                << fixed(p.totals->plan_ms / 1000, 1) << " s)" << std::endl;
        });
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    print_totals(scenario, seed, totals, seconds, out);
    return totals;
}

int run_simulate(int argc, char** argv) {
    po::options_description desc("options");
    desc.add_options()("help,h", "show this help")("db", po::value<std::string>()->required(),
                                                   "database file (new, or without drivers)")(
        "scenario", po::value<std::string>()->default_value("jilin-2022"),
        "scenario to replay (jilin-2022)")("seed", po::value<std::uint64_t>()->default_value(1),
                                           "random seed; the same seed gives the same year")(
        "password", po::value<std::string>()->default_value("lifeline-demo"),
        "password of the dispatcher and driver accounts the replay creates");
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
        if (vm.count("help")) {
            std::cout << "usage: lifeline simulate --db PATH [--scenario jilin-2022] [--seed N]\n\n"
                         "Builds a volunteer fleet and replays a year through dispatch and the\n"
                         "trip ledger (docs/simulation.md). When the database has no admin\n"
                         "account, 'admin' is created with LIFELINE_ADMIN_PASSWORD.\n\n"
                      << desc << "\n";
            return 0;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw std::runtime_error(e.what());
    }
    const std::string path = vm["db"].as<std::string>();
    auto scenario = find_scenario(vm["scenario"].as<std::string>());
    if (!scenario)
        throw std::runtime_error("unknown --scenario '" + vm["scenario"].as<std::string>() +
                                 "' (known: jilin-2022)");
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty())
        std::filesystem::create_directories(parent);

    storage::Database db({path});
    storage::SqliteServices app(db);

    Actor admin{0, "admin", Role::admin, std::nullopt};
    if (!app.fleet.list_drivers(admin, {}, PageRequest{1, std::nullopt}).items.empty())
        throw std::runtime_error(
            "the database already has drivers: simulate needs an empty database (use a new --db)");
    if (!app.account_store.has_admin()) {
        const char* pw = std::getenv("LIFELINE_ADMIN_PASSWORD");
        if (!pw || !*pw)
            throw std::runtime_error(
                "the database has no admin account: set LIFELINE_ADMIN_PASSWORD (8 or more "
                "characters) to create 'admin'");
        app.accounts.ensure_admin(pw);
        std::cout << "created the admin account 'admin'\n";
    }
    auto stored = app.account_store.find_by_name("admin");
    if (!stored || stored->user.role != Role::admin)
        throw std::runtime_error("the database has no account named 'admin' with the admin role");
    admin.user_id = stored->user.id;

    SimulationAccounts creds;
    creds.password = vm["password"].as<std::string>();
    replay_year({app.fleet, app.accounts, app.dispatch, app.ledger, app.settings}, admin, *scenario,
                creds, vm["seed"].as<std::uint64_t>(), std::cout);
    db.close();
    return 0;
}

}  // namespace lifeline::cli
