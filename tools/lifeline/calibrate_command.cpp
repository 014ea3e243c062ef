#include "calibrate_command.h"

#include <boost/program_options.hpp>

#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "lifeline/storage/database.h"
#include "lifeline/storage/services.h"

namespace po = boost::program_options;

namespace lifeline::cli {
namespace {

std::string fixed(const std::optional<double>& v, int decimals) {
    if (!v)
        return "-";
    std::ostringstream s;
    s << std::fixed << std::setprecision(decimals) << *v;
    return s.str();
}

}  // namespace

void print_fit(const TravelFit& f, const MatcherDefaults& current, std::ostream& out) {
    out << "finished trips    " << f.trips << " (" << f.trips_used << " behind the detour factor, "
        << f.legs_used << " legs behind the speeds)\n"
        << "detour factor     " << fixed(f.detour_factor, 3)
        << " (in use: " << fixed(current.detour_factor, 3) << ")\n"
        << "speed             " << fixed(f.speed_kmh, 1)
        << " km/h, the hours weighted by legs (in use: " << fixed(current.speed_kmh, 1)
        << " km/h)\n"
        << "hour  km/h   legs\n";
    for (std::size_t h = 0; h < 24; ++h) {
        if (!f.legs_by_hour[h])
            continue;
        char line[64];
        std::snprintf(line, sizeof line, "%02zu    %-5s  %d\n", h,
                      fixed(f.speed_by_hour[h], 1).c_str(), f.legs_by_hour[h]);
        out << line;
    }
}

int run_calibrate(int argc, char** argv) {
    po::options_description desc("options");
    desc.add_options()("help,h", "show this help")("db", po::value<std::string>()->required(),
                                                   "database file to learn from")(
        "apply", "write the detour factor and the weighted speed to the matcher's settings");
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
        if (vm.count("help")) {
            std::cout
                << "usage: lifeline calibrate --db PATH [--apply]\n\n"
                   "Fits the matcher's travel model to the fleet's finished trips: the\n"
                   "detour factor (odometer km per great-circle km of the stops) and the\n"
                   "speed by hour of day (docs/matching.md). With --apply the detour factor\n"
                   "and the speed weighted over the hours become the settings planning uses.\n\n"
                << desc << "\n";
            return 0;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw std::runtime_error(e.what());
    }
    const std::string path = vm["db"].as<std::string>();
    if (!std::filesystem::exists(path))
        throw std::runtime_error("no database at " + path);
    storage::Database db({path});
    storage::SqliteServices app(db);
    const Actor system{0, "calibrate", Role::admin, std::nullopt};
    const MatcherDefaults before = app.settings.get().matcher;
    TravelFit fit = app.calibration.fit(system);
    print_fit(fit, before, std::cout);
    if (vm.count("apply")) {
        auto [applied, settings] = app.calibration.apply(system);
        std::cout << "applied: planning now uses detour factor "
                  << fixed(settings.matcher.detour_factor, 3) << " and "
                  << fixed(settings.matcher.speed_kmh, 1) << " km/h\n";
    } else {
        std::cout << "not applied (run again with --apply to plan with these figures)\n";
    }
    db.close();
    return 0;
}

}  // namespace lifeline::cli
