// Search answers the first `limit` matches in the names' Chinese (pinyin) collation,
// whichever plan finds them: sorting a few matches, or walking the names in order when a
// query matches thousands of keys (one letter, two initials, a digit). Every answer is
// checked against the matches worked out here from the same keys, with no index.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "lifeline/core/fleet/fleet.h"
#include "lifeline/storage/database.h"
#include "lifeline/storage/fleet_store.h"
#include "lifeline/storage/migrations.h"
#include "lifeline/storage/search_keys.h"
#include "lifeline/storage/settings_store.h"
#include "temp_dir.h"

namespace lifeline::storage {
namespace {

struct Stored {
    std::int64_t id;
    std::string name;
    std::vector<std::string> keys;
    bool active;
};

// Patients with common surnames (several starting with z, so "z" matches more than
// two thousand keys) and one or two given-name characters; every seventh inactive.
std::vector<Patient> generated_patients(int n) {
    const std::vector<std::string> surnames{"张", "赵", "周", "朱", "曾", "王", "李",
                                            "刘", "陈", "杨", "黄", "吴", "单", "阿"};
    const std::vector<std::string> given{"伟", "芳", "娜", "敏", "静", "强", "磊", "军",
                                         "洋", "勇", "杰", "涛", "明", "超", "华", "玉"};
    std::vector<Patient> out;
    std::uint64_t state = 7;
    auto below = [&](std::size_t m) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return std::size_t((state >> 33) % m);
    };
    for (int i = 0; i < n; ++i) {
        Patient p;
        p.name = surnames[below(surnames.size())] + given[below(given.size())];
        if (below(2) == 0)
            p.name += given[below(given.size())];
        p.phone = "139" + std::to_string(10000000 + (i * 7919) % 90000000);
        p.location = {43.85, 126.55};
        p.active = i % 7 != 3;
        out.push_back(p);
    }
    return out;
}

struct SearchFixture {
    lifeline::testing::TempDir dir;
    ManualClock clock{*parse_instant("2022-03-14T09:30:00+08:00")};
    Database db{{dir.file("search.db"), 256, 64, &clock}};
    SqliteFleetStore store{db};
    SqliteSettingsStore settings_store{db};
    SettingsService settings{settings_store, clock};
    Fleet fleet{store, settings, clock};
    Actor admin{1, "admin", Role::admin, std::nullopt};
    std::vector<Stored> stored;

    explicit SearchFixture(int n) {
        std::vector<ImportRow<Patient>> rows;
        for (Patient& p : generated_patients(n))
            rows.push_back({rows.size() + 1, p});
        for (const Patient& p : fleet.import_patients(admin, std::move(rows))) {
            std::vector<std::string> keys = name_search_keys(p.name);
            for (std::string& k : phone_search_keys(p.phone))
                keys.push_back(std::move(k));
            stored.push_back({p.id, p.name, keys, p.active});
        }
    }

    // The ids a search must answer: every record with a key starting with a form of the
    // query, in the order of ICU's sort keys of the names (ties by id), the first `limit`.
    std::vector<std::int64_t> expected(const std::string& q, int limit,
                                       std::optional<bool> active) const {
        std::vector<std::tuple<std::string, std::int64_t>> found;
        const std::vector<std::string> forms = search_query_forms(q);
        for (const Stored& s : stored) {
            if (active && s.active != *active)
                continue;
            const bool match = std::any_of(s.keys.begin(), s.keys.end(), [&](const auto& k) {
                return std::any_of(forms.begin(), forms.end(),
                                   [&](const auto& f) { return k.rfind(f, 0) == 0; });
            });
            if (match)
                found.emplace_back(name_sort_key(s.name), s.id);
        }
        std::sort(found.begin(), found.end());
        std::vector<std::int64_t> ids;
        for (std::size_t i = 0; i < found.size() && int(i) < limit; ++i)
            ids.push_back(std::get<1>(found[i]));
        return ids;
    }

    std::vector<std::int64_t> found(const std::string& q, int limit, std::optional<bool> active) {
        std::vector<std::int64_t> ids;
        for (const SearchHit& h :
             store.search(SearchQuery{SearchKind::patient, q, limit, active}, {}))
            ids.push_back(h.id);
        return ids;
    }

    // How many key rows match the forms of `q`: above 2,000 the walk in name order answers.
    std::int64_t matching_keys(const std::string& q) {
        std::int64_t n = 0;
        for (const std::string& f : search_query_forms(q))
            for (const Stored& s : stored)
                n += std::count_if(s.keys.begin(), s.keys.end(),
                                   [&](const std::string& k) { return k.rfind(f, 0) == 0; });
        return n;
    }
};

}  // namespace

TEST_CASE("a query matching thousands answers the first of them in the Chinese collation",
          "[storage][search]") {
    SearchFixture f(4000);
    // One letter, two letters, digits: the walk in name order.
    for (const std::string q : {"z", "zh", "w", "1", "139"}) {
        INFO(q << " matches " << f.matching_keys(q) << " keys");
        REQUIRE(f.matching_keys(q) > 2000);
        const auto want = f.expected(q, 20, true);
        REQUIRE(want.size() == 20);
        CHECK(f.found(q, 20, true) == want);
        CHECK(f.found(q, 100, true) == f.expected(q, 100, true));
        CHECK(f.found(q, 20, std::nullopt) == f.expected(q, 20, std::nullopt));
        CHECK(f.found(q, 20, false) == f.expected(q, 20, false));
    }
}

TEST_CASE("a query matching a few dozen answers them in the Chinese collation",
          "[storage][search]") {
    SearchFixture f(3000);
    for (const std::string q : {"zw", "zwm", "wj", "dw", "sw", "a", "张伟", "zhang wei", "张wei",
                                "zhangwei", "曾", "ceng", "8000", "wei"}) {
        INFO(q << " matches " << f.matching_keys(q) << " keys");
        const auto want = f.expected(q, 20, true);
        CHECK_FALSE(want.empty());
        CHECK(f.found(q, 20, true) == want);
        CHECK(f.found(q, 5, std::nullopt) == f.expected(q, 5, std::nullopt));
    }
}

TEST_CASE("a mixed query walks each of its first characters and merges them in order",
          "[storage][search]") {
    SearchFixture f(3000);
    // "z w" is looked up as "z w" and "zw"; "张w" as 张w, zhangw and "zhang w".
    for (const std::string q : {"z w", "张w", "张z"}) {
        INFO(q << " matches " << f.matching_keys(q) << " keys");
        CHECK(f.found(q, 20, true) == f.expected(q, 20, true));
    }
}

TEST_CASE("keys saved before they carried sort keys get them from their record's entry",
          "[storage][search][migrations]") {
    lifeline::testing::TempDir dir;
    const std::string path = dir.file("v8.db");
    {
        Connection conn(path);
        migrate(conn, 8);
        conn.exec(
            "INSERT INTO patients (id, name, phone, lat, lon, mobility) VALUES "
            "(1, '张伟', '', 43.8, 126.5, 'ambulatory'), "
            "(2, '阿伟', '', 43.8, 126.5, 'ambulatory'), "
            "(3, '陈伟', '', 43.8, 126.5, 'ambulatory')");
        // The rows as version 8 kept them: keys without sort keys, the sort key per entry.
        for (std::int64_t id : {1, 2, 3}) {
            Statement name(conn, "SELECT name FROM patients WHERE id = ?");
            name.bind_all(id);
            name.step();
            Statement entry(conn,
                            "INSERT INTO search_entries (kind, entity_id, sort_key) "
                            "VALUES ('patient', ?, ?)");
            entry.bind_all(id).bind_blob(2, name_sort_key(name.get_text(0))).run();
            for (const std::string& k : name_search_keys(name.get_text(0))) {
                Statement key(conn,
                              "INSERT INTO search_keys (kind, key, entity_id) "
                              "VALUES ('patient', ?, ?)");
                key.bind_all(k, id).run();
            }
        }
    }
    Database db({path});
    SqliteFleetStore store(db);
    std::vector<std::int64_t> ids;
    for (const SearchHit& h : store.search(SearchQuery{SearchKind::patient, "wei", 20, {}}, {}))
        ids.push_back(h.id);
    CHECK(ids == std::vector<std::int64_t>{2, 3, 1});  // 阿 a, 陈 chen, 张 zhang
    const std::int64_t unsorted = db.read([](Connection& c) {
        Statement st(c, "SELECT count(*) FROM search_keys WHERE length(sort_key) = 0");
        st.step();
        return st.get_int(0);
    });
    CHECK(unsorted == 0);
}

}  // namespace lifeline::storage
