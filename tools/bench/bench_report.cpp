// lifeline-bench report: how long the monthly and totals reports take on a ledger of
// 1,000,000 trips across 10 years and 300 vehicles (docs/benchmarks.md, "Reports").
//
// The fixture: 3 dialysis centers, one driver per vehicle (their own car), 2 patients per
// vehicle, created through the Fleet facade; then the trips, generated day by day (each
// vehicle drives on a day with the probability that spreads the trips evenly), with 1–2
// rides each (5 % no-shows), odometer readings at pickup and drop-off on half of them, and
// a few deliberate odometer gaps. The trips are bulk-loaded with prepared inserts in one
// transaction (storage/bulk_load.h): a fixture, not the ledger's write path.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include "bench.h"
#include "lifeline/core/accounts/accounts.h"
#include "lifeline/core/fleet/fleet.h"
#include "lifeline/core/reports/reports.h"
#include "lifeline/core/settings.h"
#include "lifeline/storage/account_store.h"
#include "lifeline/storage/bulk_load.h"
#include "lifeline/storage/database.h"
#include "lifeline/storage/fleet_store.h"
#include "lifeline/storage/report_store.h"
#include "lifeline/storage/settings_store.h"

namespace lifeline::bench {
namespace {

using Clock = std::chrono::steady_clock;

const char* report_help =
    "usage: lifeline-bench report [--trips N] [--vehicles N] [--years N] [--runs N]\n"
    "                             [--seed N] [--db PATH] [--help]\n"
    "\n"
    "Builds a database of N trips (default 1000000) over N years (default 10, from 2016)\n"
    "and N vehicles (default 300), then times the monthly report of March in the 7th year,\n"
    "the totals report of that year, the totals of every year, and that month's mileage\n"
    "statements, each --runs times (default 15) after one warm-up run; prints min, median\n"
    "and max in ms. With --db, the database is kept at PATH and reused when it has trips.\n";

struct Lcg {
    std::uint64_t s;
    std::uint64_t next() {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        return s >> 11;
    }
    double uniform() { return double(next()) * 0x1.0p-53; }
    std::int64_t between(std::int64_t lo, std::int64_t hi) {  // inclusive
        return lo + std::int64_t(next() % std::uint64_t(hi - lo + 1));
    }
};

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct Fixture {
    std::vector<DriverId> drivers;
    std::vector<VehicleId> vehicles;
    std::vector<PatientId> patients;  // two per vehicle
    UserId admin = 0;
};

Fixture build_fleet(storage::Database& db, Lcg& rng, long vehicles) {
    storage::SqliteAccountStore account_store(db);
    storage::SodiumCrypto crypto;
    storage::PwqualityPolicy policy;
    Accounts accounts(account_store, crypto, policy, db.clock());
    accounts.ensure_admin("bench-password-1");
    Fixture fx;
    fx.admin = account_store.find_by_name("admin")->user.id;
    const Actor admin{fx.admin, "admin", Role::admin, std::nullopt};

    storage::SqliteFleetStore fleet_store(db);
    storage::SqliteSettingsStore settings_store(db);
    SettingsService settings(settings_store, db.clock());
    Fleet fleet(fleet_store, settings, db.clock());
    auto near_jilin = [&](double spread) {
        return GeoPoint{43.85 + (rng.uniform() - 0.5) * spread,
                        126.55 + (rng.uniform() - 0.5) * spread};
    };
    std::vector<PlaceId> centers;
    for (int i = 0; i < 3; ++i) {
        Place p;
        p.name = "透析中心 " + std::to_string(i + 1);
        p.location = near_jilin(0.05);
        p.kind = PlaceKind::dialysis_center;
        centers.push_back(fleet.create_place(admin, p).id);
    }
    for (long v = 0; v < vehicles; ++v) {
        Driver d;
        d.name = "志愿者 " + std::to_string(v + 1);
        d.group = v % 2 ? "民建" : "民进";
        d.home = near_jilin(0.2);
        fx.drivers.push_back(fleet.create_driver(admin, d).id);
        Vehicle car;
        char plate[32];
        std::snprintf(plate, sizeof plate, "吉B·%05ld", v + 1);
        car.plate = plate;
        car.seats = 4;
        car.driver_id = fx.drivers.back();
        car.odometer_km = double(rng.between(5'000, 80'000));
        fx.vehicles.push_back(fleet.create_vehicle(admin, car).id);
        for (int k = 0; k < 2; ++k) {
            Patient p;
            p.name = "患者 " + std::to_string(v * 2 + k + 1);
            p.location = near_jilin(0.3);
            p.center_id = centers[std::size_t(rng.between(0, 2))];
            fx.patients.push_back(fleet.create_patient(admin, p).id);
        }
    }
    return fx;
}

std::int64_t load_trips(storage::Database& db, const Fixture& fx, Lcg& rng, long trips, int years) {
    const auto zone_offset = std::chrono::hours{8};  // Asia/Shanghai, the default zone
    const auto first_day = std::chrono::sys_days{std::chrono::year{2016} / 1 / 1};
    const auto last_day = std::chrono::sys_days{std::chrono::year{2016 + years} / 1 / 1};
    const double days = double((last_day - first_day).count());
    // A little above the mean, so that exactly `trips` are made before the last day (the
    // last days of the period then carry a few trips fewer).
    const double p_drive =
        std::min(1.0, 1.002 * double(trips) / (days * double(fx.vehicles.size())));

    std::vector<double> odometer(fx.vehicles.size());
    for (auto& o : odometer)
        o = double(rng.between(5'000, 80'000));
    auto day = first_day;
    std::size_t v = 0;
    std::int64_t made = 0;
    return storage::bulk_load_trips(db, fx.admin, [&](Trip& t) {
        while (made < trips && day < last_day) {
            if (v == fx.vehicles.size()) {
                v = 0;
                day += std::chrono::days{1};
                continue;
            }
            const std::size_t i = v++;
            if (rng.uniform() >= p_drive)
                continue;
            // 05:30 to 18:30 local, in whole minutes.
            const auto start_local = std::chrono::minutes{330 + rng.between(0, 780)};
            t.started_at = Instant{day.time_since_epoch() + start_local - zone_offset};
            t.ended_at = t.started_at + std::chrono::minutes{rng.between(40, 140)};
            t.driver_id = fx.drivers[i];
            t.vehicle_id = fx.vehicles[i];
            // About one trip in a thousand starts above the last reading (unlogged km), one
            // in five thousand below it (a corrected reading).
            const double roll = rng.uniform();
            if (roll < 0.001)
                odometer[i] += double(rng.between(2, 40));
            else if (roll < 0.0012)
                odometer[i] -= 3.0;
            t.odometer_start = odometer[i];
            const double km = double(rng.between(80, 900)) / 10.0;
            t.odometer_end = odometer[i] + km;
            odometer[i] += km;
            const int rides = rng.uniform() < 0.3 ? 2 : 1;
            const bool readings = rng.uniform() < 0.5;
            for (int k = 0; k < rides; ++k) {
                Ride r;
                r.patient_id = fx.patients[i * 2 + std::size_t(k)];
                if (rng.uniform() < 0.05) {
                    r.outcome = RideOutcome::no_show;
                    r.recorded_at = t.started_at + std::chrono::minutes{10};
                } else {
                    r.outcome = RideOutcome::completed;
                    r.picked_up_at = t.started_at + std::chrono::minutes{10 + k * 5};
                    r.dropped_off_at = *t.ended_at - std::chrono::minutes{10 - k * 5};
                    if (readings) {
                        r.odometer_pickup = t.odometer_start + km * 0.2;
                        r.odometer_dropoff = t.odometer_start + km * 0.8;
                    }
                }
                t.rides.push_back(r);
            }
            ++made;
            return true;
        }
        return false;
    });
}

// CPU time of the calling thread, in ms: the reports run on the caller's thread, so this
// is their cost even when other processes share the cores (wall time is printed too).
double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1000.0 + double(ts.tv_nsec) / 1e6;
}

struct Timing {
    double min = 0, median = 0, max = 0;
    double cpu_min = 0, cpu_median = 0;
};

template <class F>
Timing time_runs(int runs, F&& f) {
    f();  // warm-up: the page cache and the statement cache
    std::vector<double> ms, cpu;
    for (int k = 0; k < runs; ++k) {
        const double c0 = thread_cpu_ms();
        const auto t0 = Clock::now();
        f();
        ms.push_back(ms_since(t0));
        cpu.push_back(thread_cpu_ms() - c0);
    }
    std::sort(ms.begin(), ms.end());
    std::sort(cpu.begin(), cpu.end());
    return {ms.front(), ms[ms.size() / 2], ms.back(), cpu.front(), cpu[cpu.size() / 2]};
}

struct ReportOptions {
    long trips = 1'000'000, vehicles = 300, years = 10, runs = 15;
    std::uint64_t seed = 1;
    std::string db_path;
};

// Reads the options into `o`; returns an exit status when there is nothing to run.
std::optional<int> parse_report_options(int argc, char** argv, ReportOptions& o) {
    for (int k = 1; k < argc; ++k) {
        const std::string a = argv[k];
        if (a == "--help" || a == "-h") {
            std::fputs(report_help, stdout);
            return 0;
        }
        if (k + 1 >= argc) {
            std::fprintf(stderr, "lifeline-bench report: %s needs a value\n", a.c_str());
            return 2;
        }
        const std::string value = argv[++k];
        const long n = std::strtol(value.c_str(), nullptr, 10);
        if (a == "--db")
            o.db_path = value;
        else if (a == "--trips" && n > 0)
            o.trips = n;
        else if (a == "--vehicles" && n > 0)
            o.vehicles = n;
        else if (a == "--years" && n > 0 && n <= 50)
            o.years = n;
        else if (a == "--runs" && n > 0)
            o.runs = n;
        else if (a == "--seed" && n >= 0)
            o.seed = std::uint64_t(n);
        else {
            std::fprintf(stderr, "lifeline-bench report: bad option %s (see --help)\n", a.c_str());
            return 2;
        }
    }
    return std::nullopt;
}

// Builds the fleet and the trips into an empty database, or reuses the trips there.
void build_or_reuse_ledger(storage::Database& db, const ReportOptions& o) {
    const auto existing = storage::ledger_size(db).trips;
    if (existing == 0) {
        Lcg rng{o.seed * 2654435761ULL + 1};
        auto t0 = Clock::now();
        Fixture fx = build_fleet(db, rng, o.vehicles);
        const double fleet_ms = ms_since(t0);
        t0 = Clock::now();
        const auto loaded = load_trips(db, fx, rng, o.trips, int(o.years));
        std::printf("built %s: fleet of %ld vehicles in %.1f s, %lld trips in %.1f s\n",
                    o.db_path.c_str(), o.vehicles, fleet_ms / 1000, (long long)loaded,
                    ms_since(t0) / 1000);
    } else {
        std::printf("reusing %s: %lld trips\n", o.db_path.c_str(), (long long)existing);
    }
    const auto rides = storage::ledger_size(db).rides;
    std::printf("rides: %lld\n", (long long)rides);
}

// The months the reports cover: March and the whole of the 7th year (or the first), and
// every year.
struct ReportPeriods {
    int year = 0;
    LocalDate march, jan, dec, first, last;
    Instant now;
};

ReportPeriods report_periods(long years) {
    ReportPeriods p;
    p.year = 2016 + int(years) - 4 < 2016 ? 2016 : 2016 + int(years) - 4;
    p.march = LocalDate{std::chrono::year{p.year}, std::chrono::month{3}, std::chrono::day{1}};
    p.jan = LocalDate{std::chrono::year{p.year}, std::chrono::month{1}, std::chrono::day{1}};
    p.dec = LocalDate{std::chrono::year{p.year}, std::chrono::month{12}, std::chrono::day{1}};
    p.first = LocalDate{std::chrono::year{2016}, std::chrono::month{1}, std::chrono::day{1}};
    p.last = LocalDate{std::chrono::year{2016 + int(years) - 1}, std::chrono::month{12},
                       std::chrono::day{1}};
    // The year-end review: a fortnight after the year, whose goal period it is.
    p.now =
        Instant{std::chrono::sys_days{std::chrono::year{p.year + 1} / 1 / 15}.time_since_epoch()};
    return p;
}

// One monthly and one totals report, to show what is being timed.
void print_report_sizes(Reports& reports, const Actor& admin, const ReportPeriods& p) {
    MonthlyReport m = reports.monthly(admin, p.march, p.now);
    std::printf("monthly %s: %lld trips, %lld rides, %.0f km, %zu drivers, %zu odometer gaps\n",
                format_month(p.march).c_str(), (long long)m.totals.trips, (long long)m.totals.rides,
                km_of(m.totals.meters), m.drivers.size(), m.odometer.size());
    TotalsReport y = reports.totals(admin, p.jan, p.dec, p.now);
    std::printf("totals %d: %lld trips, %lld rides, %.0f km\n", p.year, (long long)y.trips,
                (long long)y.rides, km_of(y.meters));
}

void time_reports(Reports& reports, const Actor& admin, const ReportPeriods& p, long runs) {
    std::printf("\nreport,runs,min_ms,median_ms,max_ms,cpu_min_ms,cpu_median_ms\n");
    auto print = [&](const char* name, Timing t) {
        std::printf("%s,%ld,%.2f,%.2f,%.2f,%.2f,%.2f\n", name, runs, t.min, t.median, t.max,
                    t.cpu_min, t.cpu_median);
    };
    print("monthly", time_runs(int(runs), [&] { reports.monthly(admin, p.march, p.now); }));
    print("totals_year", time_runs(int(runs), [&] { reports.totals(admin, p.jan, p.dec, p.now); }));
    print("totals_all_years",
          time_runs(int(runs), [&] { reports.totals(admin, p.first, p.last, p.now); }));
    print("statements_month",
          time_runs(int(runs), [&] { reports.statements(admin, p.march, std::nullopt, p.now); }));
}

void bench_reports(const ReportOptions& o) {
    storage::Database db({o.db_path});
    build_or_reuse_ledger(db, o);

    storage::SqliteSettingsStore settings_store(db);
    SettingsService settings(settings_store, db.clock());
    storage::SqliteReportStore report_store(db);
    Reports reports(report_store, settings);
    const Actor admin{1, "admin", Role::admin, std::nullopt};
    const ReportPeriods periods = report_periods(o.years);
    print_report_sizes(reports, admin, periods);
    time_reports(reports, admin, periods, o.runs);
    db.close();
}

}  // namespace

int run_report(int argc, char** argv) {
    ReportOptions o;
    if (auto exit_status = parse_report_options(argc, argv, o))
        return *exit_status;
    std::filesystem::path temp;
    if (o.db_path.empty()) {
        temp = std::filesystem::temp_directory_path() /
               ("lifeline-bench-report-" + std::to_string(::getpid()));
        std::filesystem::create_directories(temp);
        o.db_path = (temp / "report.db").string();
    }

    int status = 0;
    try {
        bench_reports(o);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lifeline-bench report: %s\n", e.what());
        status = 1;
    }
    if (!temp.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(temp, ec);
    }
    return status;
}

}  // namespace lifeline::bench
