// lifeline: the command-line entry point — serve, migrate, backup.
#include <boost/program_options.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "calibrate_command.h"
#include "horizon.h"
#include "lifeline/core/errors.h"
#include "lifeline/net/api.h"
#include "lifeline/net/events.h"
#include "lifeline/net/heap.h"
#include "lifeline/net/metrics.h"
#include "lifeline/net/router.h"
#include "lifeline/net/server.h"
#include "lifeline/storage/backup.h"
#include "lifeline/storage/database.h"
#include "lifeline/storage/migrations.h"
#include "lifeline/storage/search_keys.h"
#include "lifeline/storage/services.h"
#include "report_command.h"
#include "retention.h"
#include "simulate_command.h"

namespace po = boost::program_options;
using namespace lifeline;

namespace {

constexpr const char* default_db = "./data/lifeline.db";
constexpr const char* default_demo_db = "./data/demo.db";
constexpr const char* demo_password = "lifeline-demo";

// A failure the user can fix; main prints it as one line and exits 1.
struct CliError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

void usage(std::ostream& out) {
    out << "usage: lifeline <command> [options]\n\n"
           "Lifeline runs a volunteer patient-transport fleet: dispatch, trip logging and\n"
           "mileage reports in one service on an embedded SQLite file.\n\n"
           "commands:\n"
           "  serve     run the HTTP server (web UI and /api/v1)\n"
           "  migrate   create or upgrade a database file\n"
           "  report    monthly, totals and statement reports from a database file\n"
           "  backup    copy a database safely, even while the server runs\n"
           "  simulate  replay a year of a volunteer fleet into a new database\n"
           "  calibrate fit the travel model to the fleet's finished trips\n\n"
           "'lifeline <command> --help' explains a command's options.\n";
}

// Parses `args` against `desc`; prints help and returns nullopt for --help.
std::optional<po::variables_map> parse(int argc, char** argv, const po::options_description& desc,
                                       const char* synopsis) {
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
        if (vm.count("help")) {
            std::cout << synopsis << "\n\n" << desc << "\n";
            return std::nullopt;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw CliError(e.what());
    }
    return vm;
}

void ensure_parent_dir(const std::string& path) {
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty())
        std::filesystem::create_directories(parent);
}

struct Listen {
    std::string host;
    unsigned short port;
};

Listen parse_listen(const std::string& text) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0)
        throw CliError("--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
    std::string host = text.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    int port = -1;
    try {
        std::size_t used = 0;
        port = std::stoi(text.substr(colon + 1), &used);
        if (used != text.size() - colon - 1)
            port = -1;
    } catch (const std::exception&) {
    }
    if (port < 0 || port > 65535)
        throw CliError("--listen: the port must be 0 to 65535");
    return {host, static_cast<unsigned short>(port)};
}

// What `lifeline serve` was asked to do, checked.
struct ServeOptions {
    bool demo = false;
    std::string db_path;
    Listen listen;
    int threads = 2;
    int workers = 64;
    int planners = 0;  // 0: half the cores, at least 1
    net::TrustedProxies proxies;
    std::optional<Instant> clock_start;
    std::string tls_cert;
    std::string tls_key;
};

po::options_description serve_option_descriptions() {
    po::options_description desc("options");
    desc.add_options()("help,h", "show this help")(
        "db", po::value<std::string>(),
        "database file (default ./data/lifeline.db; with --demo ./data/demo.db)")(
        "listen", po::value<std::string>()->default_value("127.0.0.1:8080"),
        "address to listen on, HOST:PORT; port 0 picks a free one")(
        "threads", po::value<int>()->default_value(2), "I/O threads")(
        "workers", po::value<int>()->default_value(64),
        "handler threads (requests wait for the disk here; only quick point reads run on "
        "the I/O threads)")(
        "planners", po::value<int>()->default_value(0),
        "day plans searching at once; more wait their turn (0: half the cores, at least 1)")(
        "trust-proxy", po::value<std::vector<std::string>>()->composing(),
        "CIDR of a reverse proxy in front of the server (repeatable): from peers inside it, "
        "the client address for the sign-in limits is the right-most X-Forwarded-For "
        "address that is not itself a trusted proxy; from any other peer the header is "
        "ignored")(
        "clock-start", po::value<std::string>(),
        "run the server's clock from this instant (RFC 3339 with an offset) at the wall "
        "clock's pace: rehearsing a past or future day, or tests that must not depend on "
        "the hour they run. Never in production")(
        "tls-cert", po::value<std::string>(),
        "serve HTTPS with this PEM certificate (chain); needs --tls-key")(
        "tls-key", po::value<std::string>(), "the PEM private key of --tls-cert")(
        "demo", po::bool_switch(),
        "seed a demo fleet when the database is empty: the replayed year 2022 of the Jilin "
        "City volunteer fleet (about 30 s)");
    return desc;
}

net::TrustedProxies read_trusted_proxies(const po::variables_map& vm) {
    net::TrustedProxies proxies;
    if (!vm.count("trust-proxy"))
        return proxies;
    for (const auto& cidr : vm["trust-proxy"].as<std::vector<std::string>>()) {
        try {
            proxies.add(cidr);
        } catch (const std::invalid_argument& e) {
            throw CliError(std::string("--trust-proxy: ") + e.what());
        }
    }
    return proxies;
}

// Parses and checks the options of `serve`, in the order they are reported; nullopt after
// --help.
std::optional<ServeOptions> parse_serve_options(int argc, char** argv) {
    auto vm =
        parse(argc, argv, serve_option_descriptions(),
              "usage: lifeline serve [--db PATH] [--listen HOST:PORT] [--threads N] [--workers N]\n"
              "                     [--planners N] [--trust-proxy CIDR]... [--tls-cert FILE "
              "--tls-key FILE]\n"
              "                     [--clock-start INSTANT] [--demo]\n\n"
              "Runs the server (HTTPS, TLS 1.2 or later, with --tls-cert and --tls-key). When\n"
              "the database has no admin account, one named 'admin' is created with the\n"
              "password in LIFELINE_ADMIN_PASSWORD.");
    if (!vm)
        return std::nullopt;
    ServeOptions o;
    o.demo = (*vm)["demo"].as<bool>();
    o.db_path =
        vm->count("db") ? (*vm)["db"].as<std::string>() : (o.demo ? default_demo_db : default_db);
    o.listen = parse_listen((*vm)["listen"].as<std::string>());
    o.threads = (*vm)["threads"].as<int>();
    o.workers = (*vm)["workers"].as<int>();
    if (o.threads < 1 || o.threads > 64)
        throw CliError("--threads must be 1 to 64");
    if (o.workers < 1 || o.workers > 1024)
        throw CliError("--workers must be 1 to 1024");
    o.planners = (*vm)["planners"].as<int>();
    if (o.planners < 0 || o.planners > 64)
        throw CliError("--planners must be 0 to 64");
    o.proxies = read_trusted_proxies(*vm);
    if (vm->count("clock-start")) {
        o.clock_start = parse_instant((*vm)["clock-start"].as<std::string>());
        if (!o.clock_start)
            throw CliError(
                "--clock-start must be an instant with an offset, e.g. "
                "2022-03-14T06:00:00+08:00");
    }
    o.tls_cert = vm->count("tls-cert") ? (*vm)["tls-cert"].as<std::string>() : "";
    o.tls_key = vm->count("tls-key") ? (*vm)["tls-key"].as<std::string>() : "";
    if (o.tls_cert.empty() != o.tls_key.empty())
        throw CliError("--tls-cert and --tls-key go together: give both for HTTPS, or neither");
    return o;
}

net::ServerOptions server_options(const ServeOptions& o, net::Metrics& metrics,
                                  const net::Router& router) {
    net::ServerOptions options;
    options.host = o.listen.host;
    options.port = o.listen.port;
    options.io_threads = o.threads;
    options.worker_threads = o.workers;
    options.metrics = &metrics;
    options.answer_on_io_thread = [&router](const net::Request& r) { return router.quick(r); };
    options.answer_later = [&router](net::Request& r, const net::Respond& respond) {
        return router.answer_after_commit(r, respond);
    };
    options.tls_cert_file = o.tls_cert;
    options.tls_key_file = o.tls_key;
    options.trusted_proxies = o.proxies;
    return options;
}

storage::Database::Options database_options(const ServeOptions& o, const Clock* clock) {
    ensure_parent_dir(o.db_path);
    storage::Database::Options db_options{o.db_path};
    if (clock)
        db_options.clock = clock;
    return db_options;
}

// Creates 'admin' when the database has none; returns the password to show with the demo
// accounts (empty when it was not set here).
std::string ensure_admin_account(storage::SqliteServices& app, bool demo) {
    const char* env_password = std::getenv("LIFELINE_ADMIN_PASSWORD");
    std::string admin_password = env_password ? env_password : "";
    if (!app.account_store.has_admin()) {
        if (admin_password.empty() && demo)
            admin_password = demo_password;
        if (admin_password.empty())
            throw CliError(
                "the database has no admin account: set LIFELINE_ADMIN_PASSWORD (8 or more "
                "characters) to create 'admin' at start-up");
        app.accounts.ensure_admin(admin_password);
        std::cout << "created the admin account 'admin'\n";
    }
    return admin_password;
}

// Seeds an empty database with the demo fleet and prints its accounts.
void seed_demo(storage::SqliteServices& app, const std::string& db_path,
               const std::string& admin_password) {
    Actor admin{0, "demo", Role::admin, std::nullopt};
    if (auto a = app.account_store.find_by_name("admin"))
        admin.user_id = a->user.id;
    // The demo is the replayed year 2022 of the Jilin City fleet (docs/simulation.md).
    SimulationAccounts creds;
    creds.password = demo_password;
    if (app.fleet.list_drivers(admin, {}, PageRequest{1, std::nullopt}).items.empty()) {
        cli::replay_year({app.fleet, app.accounts, app.dispatch, app.ledger, app.settings}, admin,
                         jilin_2022(), creds, 1, std::cout);
        std::cout << "seeded the demo fleet into " << db_path << "\n";
    }
    std::cout << "demo accounts (password for dispatcher and driver: " << creds.password << "):\n"
              << "  admin      / " << (admin_password.empty() ? "(unchanged)" : admin_password)
              << "\n"
              << "  dispatcher / " << creds.password << "\n"
              << "  driver     / " << creds.password << "\n";
}

void print_listening(const ServeOptions& o, unsigned short port) {
    std::string shown_host =
        o.listen.host.find(':') != std::string::npos ? "[" + o.listen.host + "]" : o.listen.host;
    std::cout << "listening on " << (o.tls_cert.empty() ? "http" : "https") << "://" << shown_host
              << ":" << port << std::endl;
}

int run_serve(int argc, char** argv) {
    const std::optional<ServeOptions> o = parse_serve_options(argc, argv);
    if (!o)
        return 0;
    // Declared before the database, which reads it until it closes.
    std::optional<ShiftedClock> shifted;
    if (o->clock_start)
        shifted.emplace(system_clock(), *o->clock_start);

    net::bound_heap_retention();  // before the worker threads and their arenas exist

    // The server is made first: a certificate that cannot serve HTTPS stops the start
    // before the database is touched. The router is filled in below, before run().
    net::Metrics metrics;
    // Before the server: a stream of a connection still open at the end refers to it.
    const Clock& clock = shifted ? static_cast<const Clock&>(*shifted) : system_clock();
    net::EventHub events(net::first_event_id(clock));
    net::Router router;
    std::optional<net::Server> server;
    try {
        server.emplace(server_options(*o, metrics, router),
                       [&router](net::Request& r) { return router(r); });
    } catch (const std::exception& e) {
        throw CliError(e.what());
    }

    storage::Database db(database_options(*o, shifted ? &*shifted : nullptr));
    DispatchLimits limits;
    limits.planners = o->planners;
    storage::SqliteServices app(db, limits);
    const std::string admin_password = ensure_admin_account(app, o->demo);
    if (o->demo)
        seed_demo(app, o->db_path, admin_password);

    net::Services services{db,         app.crypto,   app.accounts,  app.fleet,      app.ledger,
                           app.audit,  app.settings, metrics,       app.dispatch,   app.reports,
                           db.clock(), events,       app.positions, app.calibration};
    net::register_api(router, services);
    // A batch's answers go back from an I/O thread, not from the writer (docs/architecture.md,
    // "The path of a request"). The server outlives the database's writer (declared first).
    db.deliver_completions([&s = *server](std::function<void()> fn) { s.post(std::move(fn)); });
    // ICU builds its Han-Latin rules once per process (100-200 ms): before the first
    // search or save is waiting on it.
    storage::name_search_keys("张伟");

    try {
        server->listen();
    } catch (const std::exception& e) {
        throw CliError(e.what());
    }
    print_listening(*o, server->port());
    {
        cli::ScheduleHorizon horizon(app.dispatch, app.settings, db.clock());
        cli::PositionRetention retention(app.positions);
        server->run();
    }
    // Every in-flight request has been answered; commit whatever the writer still holds.
    db.close();
    std::cerr << "lifeline: stopped\n";
    return 0;
}

int run_migrate(int argc, char** argv) {
    po::options_description desc("options");
    desc.add_options()("help,h", "show this help")(
        "db", po::value<std::string>()->default_value(default_db), "database file");
    auto vm = parse(argc, argv, desc,
                    "usage: lifeline migrate --db PATH\n\n"
                    "Creates the database file if needed and applies every pending migration.");
    if (!vm)
        return 0;
    std::string path = (*vm)["db"].as<std::string>();
    ensure_parent_dir(path);
    storage::Connection conn(path);
    int before = conn.user_version();
    storage::migrate(conn);
    std::cout << path << ": schema version " << before << " -> " << conn.user_version() << "\n";
    return 0;
}

int run_backup(int argc, char** argv) {
    po::options_description desc("options");
    desc.add_options()("help,h", "show this help")(
        "db", po::value<std::string>()->default_value(default_db), "database file to copy")(
        "to", po::value<std::string>()->required(), "file to write the copy to");
    auto vm = parse(argc, argv, desc,
                    "usage: lifeline backup --db PATH --to FILE\n\n"
                    "Copies the database with SQLite's online backup API: consistent while the\n"
                    "server runs. The copy appears at FILE only when complete.");
    if (!vm)
        return 0;
    std::string to = (*vm)["to"].as<std::string>();
    ensure_parent_dir(to);
    int pages = storage::backup((*vm)["db"].as<std::string>(), to);
    std::cout << "backed up " << pages << " pages to " << to << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        usage(std::cerr);
        return 2;
    }
    std::string command = argv[1];
    try {
        if (command == "--help" || command == "-h" || command == "help") {
            usage(std::cout);
            return 0;
        }
        if (command == "serve")
            return run_serve(argc - 1, argv + 1);
        if (command == "migrate")
            return run_migrate(argc - 1, argv + 1);
        if (command == "report")
            return cli::run_report(argc - 1, argv + 1);
        if (command == "backup")
            return run_backup(argc - 1, argv + 1);
        if (command == "simulate")
            return cli::run_simulate(argc - 1, argv + 1);
        if (command == "calibrate")
            return cli::run_calibrate(argc - 1, argv + 1);
        std::cerr << "lifeline: unknown command '" << command << "' (see lifeline --help)\n";
        return 2;
    } catch (const CliError& e) {
        std::cerr << "lifeline " << command << ": " << e.what() << "\n";
    } catch (const Error& e) {
        std::cerr << "lifeline " << command << ": " << e.what() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "lifeline " << command << ": " << e.what() << "\n";
    }
    return 1;
}
