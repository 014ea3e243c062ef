// `lifeline report monthly|totals|statements`: opens the database, builds the same Reports
// facade the server uses, renders JSON, CSV or HTML and writes it to stdout or a file.
#include "report_command.h"

#include <boost/program_options.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

#include "lifeline/core/errors.h"
#include "lifeline/core/reports/print.h"
#include "lifeline/core/reports/report_render.h"
#include "lifeline/core/reports/reports.h"
#include "lifeline/core/settings.h"
#include "lifeline/net/report_json.h"
#include "lifeline/storage/database.h"
#include "lifeline/storage/report_store.h"
#include "lifeline/storage/settings_store.h"

namespace po = boost::program_options;

namespace lifeline::cli {
namespace {

constexpr const char* synopsis =
    "usage: lifeline report monthly    --db PATH --month YYYY-MM [options]\n"
    "       lifeline report totals     --db PATH --from YYYY-MM --to YYYY-MM [options]\n"
    "       lifeline report statements --db PATH --month YYYY-MM [--driver-id N] [options]\n"
    "\n"
    "Builds a report from the database file, exactly as GET /api/v1/reports/... would,\n"
    "without a running server (it may run while the server does). Months are local to the\n"
    "organisation's time zone (setting time_zone).\n"
    "\n"
    "CSV tables (--table): monthly: totals (default), drivers, vehicles, days, odometer;\n"
    "totals: months (default), goals; statements: statements (default), trips.";

struct Failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// "month: must be a month, YYYY-MM" — the fields of an input error on one line.
std::string describe(const Error& e) {
    if (e.errors().empty())
        return e.what();
    std::string text;
    for (const auto& f : e.errors())
        text += (text.empty() ? "" : "; ") + f.field + ": " + f.message;
    return text;
}

LocalDate month_option(const po::variables_map& vm, const char* name) {
    if (!vm.count(name))
        throw Failure(std::string("--") + name + " YYYY-MM is required");
    auto m = parse_month(vm[name].as<std::string>());
    if (!m)
        throw Failure(std::string("--") + name + " must be a month, YYYY-MM");
    return *m;
}

void write_out(const std::string& text, const po::variables_map& vm) {
    if (!vm.count("out")) {
        std::cout << text;
        std::cout.flush();
        return;
    }
    const std::string path = vm["out"].as<std::string>();
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty())
        std::filesystem::create_directories(parent);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
        throw Failure("cannot write " + path);
    std::cerr << "wrote " << path << " (" << text.size() << " bytes)\n";
}

// --lang, else the organisation's language.
Language language_option(const po::variables_map& vm, SettingsService& settings) {
    const std::string tag =
        vm.count("lang") ? vm["lang"].as<std::string>() : settings.get().language;
    if (auto lang = print_language_from(tag))
        return *lang;
    if (vm.count("lang"))
        throw Failure("--lang must be zh-CN or en; leave it out for the organisation's language");
    return Language::zh_CN;
}

std::string render(const std::string& kind, const po::variables_map& vm, Reports& reports,
                   Language lang) {
    const Actor operator_actor{0, "lifeline-cli", Role::admin, std::nullopt};
    const std::string format = vm["format"].as<std::string>();
    if (format != "json" && format != "csv" && format != "html")
        throw Failure("--format must be json, csv or html");
    if (vm.count("table") && format != "csv")
        throw Failure("--table applies to --format csv only");
    auto table = [&](const std::vector<std::string>& tables) {
        return vm.count("table") ? vm["table"].as<std::string>() : tables.front();
    };

    if (kind == "monthly") {
        auto r = reports.monthly(operator_actor, month_option(vm, "month"), system_clock().now());
        if (format == "csv")
            return monthly_csv(r, table(monthly_csv_tables()));
        return format == "html" ? monthly_html(r, lang) : net::monthly_json_text(r) + "\n";
    }
    if (kind == "totals") {
        auto r = reports.totals(operator_actor, month_option(vm, "from"), month_option(vm, "to"),
                                system_clock().now());
        if (format == "csv")
            return totals_csv(r, table(totals_csv_tables()));
        return format == "html" ? totals_html(r, lang) : net::totals_json_text(r) + "\n";
    }
    std::optional<DriverId> driver;
    if (vm.count("driver-id"))
        driver = vm["driver-id"].as<std::int64_t>();
    auto r =
        reports.statements(operator_actor, month_option(vm, "month"), driver, system_clock().now());
    if (format == "csv")
        return statements_csv(r, table(statements_csv_tables()));
    return format == "html" ? statements_html(r, lang) : net::statements_json_text(r) + "\n";
}

}  // namespace

int run_report(int argc, char** argv) {
    po::options_description desc("options");
    desc.add_options()("help,h", "show this help")(
        "db", po::value<std::string>()->default_value("./data/lifeline.db"), "database file")(
        "month", po::value<std::string>(), "the month, YYYY-MM (monthly, statements)")(
        "from", po::value<std::string>(), "first month, YYYY-MM (totals)")(
        "to", po::value<std::string>(), "last month, YYYY-MM, inclusive (totals)")(
        "driver-id", po::value<std::int64_t>(), "one driver's statement (statements)")(
        "format", po::value<std::string>()->default_value("json"), "json, csv or html")(
        "table", po::value<std::string>(), "the CSV table (see above)")(
        "lang", po::value<std::string>(),
        "html in zh-CN or en (default: the organisation's language setting)")(
        "out", po::value<std::string>(), "write to this file instead of stdout");

    if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
        std::cout << synopsis << "\n\n" << desc << "\n";
        return argc < 2 ? 2 : 0;
    }
    const std::string kind = argv[1];
    if (kind != "monthly" && kind != "totals" && kind != "statements") {
        std::cerr << "lifeline report: unknown report '" << kind
                  << "' (monthly, totals or statements)\n";
        return 2;
    }
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc - 1, argv + 1).options(desc).run(), vm);
        if (vm.count("help")) {
            std::cout << synopsis << "\n\n" << desc << "\n";
            return 0;
        }
        po::notify(vm);

        const std::string path = vm["db"].as<std::string>();
        // Opening a missing file would create an empty database; a report of nothing
        // would hide the typo.
        if (!std::filesystem::exists(path))
            throw Failure("no database at " + path);
        storage::Database db({path});
        storage::SqliteSettingsStore settings_store(db);
        SettingsService settings(settings_store, system_clock());
        storage::SqliteReportStore report_store(db);
        Reports reports(report_store, settings);
        const std::string text = render(kind, vm, reports, language_option(vm, settings));
        db.close();
        write_out(text, vm);
        return 0;
    } catch (const po::error& e) {
        std::cerr << "lifeline report " << kind << ": " << e.what() << "\n";
    } catch (const Failure& e) {
        std::cerr << "lifeline report " << kind << ": " << e.what() << "\n";
    } catch (const Error& e) {
        std::cerr << "lifeline report " << kind << ": " << describe(e) << "\n";
    }
    return 1;
}

}  // namespace lifeline::cli
