// lifeline-bench search: 100,000 patients with generated Chinese names and phones,
// imported through the fleet's facade (keys made at save, as in production), then
// searched through Fleet::search on the store (SQLite read connections, no HTTP) by
// characters, full pinyin, initials, a mix and phone fragments. Prints p50/p99/max.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "bench.h"
#include "lifeline/core/fleet/fleet.h"
#include "lifeline/storage/database.h"
#include "lifeline/storage/services.h"

namespace lifeline::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Rng {
    std::uint64_t state = 20221;
    std::uint64_t next() {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return state >> 33;
    }
    std::size_t below(std::size_t n) { return std::size_t(next() % n); }
};

// Common surnames (单 and 曾 among them) and given-name characters with their pinyin,
// so the queries can be written as people type them.
struct Syllable {
    const char* han;
    const char* pinyin;
};
const std::vector<Syllable> surnames{
    {"王", "wang"}, {"李", "li"},   {"张", "zhang"}, {"刘", "liu"},  {"陈", "chen"},
    {"杨", "yang"}, {"赵", "zhao"}, {"黄", "huang"}, {"周", "zhou"}, {"吴", "wu"},
    {"徐", "xu"},   {"孙", "sun"},  {"马", "ma"},    {"朱", "zhu"},  {"胡", "hu"},
    {"郭", "guo"},  {"何", "he"},   {"林", "lin"},   {"单", "shan"}, {"曾", "zeng"}};
const std::vector<Syllable> given{
    {"伟", "wei"},   {"芳", "fang"}, {"娜", "na"},   {"敏", "min"},  {"静", "jing"}, {"丽", "li"},
    {"强", "qiang"}, {"磊", "lei"},  {"军", "jun"},  {"洋", "yang"}, {"勇", "yong"}, {"艳", "yan"},
    {"杰", "jie"},   {"涛", "tao"},  {"明", "ming"}, {"超", "chao"}, {"秀", "xiu"},  {"霞", "xia"},
    {"平", "ping"},  {"刚", "gang"}, {"桂", "gui"},  {"英", "ying"}, {"华", "hua"},  {"玉", "yu"},
    {"兰", "lan"},   {"春", "chun"}, {"国", "guo"},  {"建", "jian"}, {"文", "wen"},  {"辉", "hui"}};

struct Person {
    std::string name, pinyin, spaced, initials, mixed, phone;
};

Person make_person(Rng& rng, long i) {
    Person p;
    const Syllable& s = surnames[rng.below(surnames.size())];
    p.name = s.han;
    p.pinyin = s.pinyin;
    p.spaced = s.pinyin;
    p.initials = std::string(1, s.pinyin[0]);
    p.mixed = s.han;  // 张wei: the surname typed as a character, the rest in pinyin
    const int parts = 1 + int(rng.below(2));
    for (int k = 0; k < parts; ++k) {
        const Syllable& g = given[rng.below(given.size())];
        p.name += g.han;
        p.pinyin += g.pinyin;
        p.spaced += std::string(" ") + g.pinyin;
        p.initials += g.pinyin[0];
        p.mixed += g.pinyin;
    }
    char phone[16];
    std::snprintf(phone, sizeof phone, "13%09ld", 100000000 + i * 7919 % 900000000);
    p.phone = phone;
    return p;
}

double percentile(std::vector<double> v, double q) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, std::size_t(q * double(v.size())))];
}

}  // namespace

int run_search(int argc, char** argv) {
    long patients = 100'000;
    int queries = 2000;
    std::string keep;                 // a file to load once and search again in later runs
    std::string results_path;         // each query and the ids found, to compare two builds
    std::vector<std::string> probes;  // queries timed on their own after the mix
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string opt = argv[i];
        if (opt == "--patients")
            patients = std::stol(argv[i + 1]);
        else if (opt == "--queries")
            queries = std::stoi(argv[i + 1]);
        else if (opt == "--keep")
            keep = argv[i + 1];
        else if (opt == "--results")
            results_path = argv[i + 1];
        else if (opt == "--probe")
            probes.push_back(argv[i + 1]);
    }
    const bool reuse = !keep.empty() && std::filesystem::exists(keep);
    const std::filesystem::path path =
        !keep.empty() ? std::filesystem::path(keep)
                      : std::filesystem::temp_directory_path() /
                            ("lifeline-bench-search-" + std::to_string(::getpid()) + ".db");
    std::vector<Person> people;
    {
        storage::Database db({path.string()});
        storage::SqliteServices s(db);
        const Actor admin{1, "admin", Role::admin, std::nullopt};
        Rng rng;
        const auto t0 = SteadyClock::now();
        for (long from = 0; from < patients; from += 5000) {
            std::vector<ImportRow<Patient>> rows;
            for (long i = from; i < std::min(patients, from + 5000); ++i) {
                Person p = make_person(rng, i);
                Patient pt;
                pt.name = p.name;
                pt.phone = p.phone;
                pt.location = {43.85, 126.55};
                rows.push_back({std::size_t(i + 1), pt});
                people.push_back(std::move(p));
            }
            if (!reuse)
                s.fleet.import_patients(admin, std::move(rows));
        }
        if (reuse)
            std::printf("searching the %ld patients already in %s\n", patients, keep.c_str());
        else
            std::printf("loaded %ld patients in %.1f s\n", patients,
                        std::chrono::duration<double>(SteadyClock::now() - t0).count());

        const char* kinds[] = {"characters", "full pinyin",    "spaced pinyin", "initials",
                               "mixed",      "phone fragment", "one letter"};
        std::vector<std::vector<double>> ms(std::size(kinds));
        std::vector<double> all;
        std::FILE* results = results_path.empty() ? nullptr : std::fopen(results_path.c_str(), "w");
        int empty = 0;  // one-letter queries may find nothing: no syllable starts with u, v…
        for (int n = 0; n < queries; ++n) {
            const Person& p = people[rng.below(people.size())];
            const std::size_t kind = std::size_t(n) % std::size(kinds);
            std::string q;
            switch (kind) {
                case 0:
                    q = p.name;
                    break;
                case 1:
                    q = p.pinyin;
                    break;
                case 2:
                    q = p.spaced;
                    break;
                case 3:
                    q = p.initials;
                    break;
                case 4:
                    q = p.mixed;
                    break;
                case 5:
                    q = p.phone.substr(5, 4);
                    break;
                default:
                    q = std::string(1, char('a' + rng.below(26)));
                    break;
            }
            const auto t = SteadyClock::now();
            auto hits = s.fleet.search(admin, SearchQuery{SearchKind::patient, q, 20, true});
            const double elapsed =
                std::chrono::duration<double, std::milli>(SteadyClock::now() - t).count();
            ms[kind].push_back(elapsed);
            if (hits.empty() && ++empty <= 5 && std::getenv("LIFELINE_BENCH_VERBOSE"))
                std::printf("nothing found for '%s' (%s)\n", q.c_str(), kinds[kind]);
            all.push_back(elapsed);
            if (results) {
                std::fprintf(results, "%.2f\t%s\t%s\t", elapsed, kinds[kind], q.c_str());
                for (const SearchHit& h : hits)
                    std::fprintf(results, " %lld", static_cast<long long>(h.id));
                std::fprintf(results, "\n");
            }
        }
        if (results)
            std::fclose(results);
        std::printf("%-16s %8s %8s %8s %8s\n", "query", "n", "p50 ms", "p99 ms", "max ms");
        for (std::size_t k = 0; k < std::size(kinds); ++k)
            std::printf("%-16s %8zu %8.2f %8.2f %8.2f\n", kinds[k], ms[k].size(),
                        percentile(ms[k], 0.5), percentile(ms[k], 0.99), percentile(ms[k], 1.0));
        std::printf("%-16s %8zu %8.2f %8.2f %8.2f\n", "all", all.size(), percentile(all, 0.5),
                    percentile(all, 0.99), percentile(all, 1.0));
        std::printf("queries that found nothing: %d\n", empty);
        for (const std::string& q : probes) {
            std::vector<double> probe_ms;
            std::size_t found = 0;
            for (int n = 0; n < 100; ++n) {
                const auto t = SteadyClock::now();
                found = s.fleet.search(admin, SearchQuery{SearchKind::patient, q, 20, true}).size();
                probe_ms.push_back(
                    std::chrono::duration<double, std::milli>(SteadyClock::now() - t).count());
            }
            std::printf("probe %-10s %8d %8.2f %8.2f %8.2f  (%zu found)\n", ("'" + q + "'").c_str(),
                        100, percentile(probe_ms, 0.5), percentile(probe_ms, 0.99),
                        percentile(probe_ms, 1.0), found);
        }
    }
    if (!keep.empty())
        return 0;
    std::filesystem::remove(path);
    std::filesystem::remove(path.string() + "-wal");
    std::filesystem::remove(path.string() + "-shm");
    return 0;
}

}  // namespace lifeline::bench
