// The keys patients, drivers, places and vehicles are found by: characters, full pinyin
// with and without spaces, initials, later syllables, polyphonic surnames, phone digits.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "lifeline/storage/database.h"
#include "lifeline/storage/fleet_store.h"
#include "lifeline/storage/migrations.h"
#include "lifeline/storage/phone_numbers.h"
#include "lifeline/storage/search_keys.h"
#include "temp_dir.h"

namespace lifeline::storage {
namespace {

bool has(const std::vector<std::string>& keys, const std::string& key) {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// Whether some key starts with `prefix` (the search is by prefix).
bool finds(const std::vector<std::string>& keys, const std::string& prefix) {
    return std::any_of(keys.begin(), keys.end(),
                       [&](const std::string& k) { return k.rfind(prefix, 0) == 0; });
}

bool found_by(std::string_view name, std::string_view query) {
    const auto keys = name_search_keys(name);
    for (const std::string& form : search_query_forms(query))
        if (finds(keys, form))
            return true;
    return false;
}

}  // namespace

TEST_CASE("a name's keys are its characters, full pinyin, spaced pinyin and initials",
          "[storage][search]") {
    const auto keys = name_search_keys("张伟");
    CHECK(has(keys, "张伟"));
    CHECK(has(keys, "伟"));  // the given name alone
    CHECK(has(keys, "zhangwei"));
    CHECK(has(keys, "zhang wei"));
    CHECK(has(keys, "zw"));
    CHECK(has(keys, "wei"));
    CHECK(std::is_sorted(keys.begin(), keys.end()));
}

TEST_CASE("queries find a name by characters, pinyin, initials and a mix of them",
          "[storage][search]") {
    CHECK(found_by("张伟", "张"));
    CHECK(found_by("张伟", "张伟"));
    CHECK(found_by("张伟", "zhangwei"));
    CHECK(found_by("张伟", "zhang wei"));
    CHECK(found_by("张伟", "ZhangW"));
    CHECK(found_by("张伟", "zw"));
    CHECK(found_by("张伟", "张wei"));
    CHECK(found_by("张伟", "wei"));
    CHECK_FALSE(found_by("张伟", "李"));
    CHECK_FALSE(found_by("张伟", "zx"));
    CHECK_FALSE(found_by("章伟", "张"));  // characters match characters, not sounds
}

TEST_CASE("polyphonic surnames are found by both readings", "[storage][search]") {
    CHECK(found_by("单雄信", "shanxiongxin"));
    CHECK(found_by("单雄信", "danxiongxin"));
    CHECK(found_by("单雄信", "sxx"));
    CHECK(found_by("单雄信", "dxx"));
    CHECK(found_by("曾国藩", "zengguofan"));
    CHECK(found_by("曾国藩", "ceng guo fan"));
    CHECK(found_by("曾国藩", "zgf"));
    // Only as the first character: 单 in a given name keeps ICU's reading.
    CHECK_FALSE(found_by("王单", "wangshan"));
}

TEST_CASE("a phone is found by any run of its digits", "[storage][search]") {
    const auto keys = phone_search_keys("+8613812345678");
    CHECK(has(keys, "13812345678"));
    CHECK(has(keys, "8613812345678"));
    CHECK(finds(keys, "5678"));
    CHECK(finds(keys, "1234"));
    CHECK(has(keys, "013812345678"));
    for (const std::string& form : search_query_forms("138-1234"))
        CHECK((form == "138-1234" || finds(keys, form)));
    CHECK(phone_search_keys("").empty());
}

TEST_CASE("names sort in the Chinese pinyin collation", "[storage][search]") {
    // 阿 a, 白 bai, 陈 chen, 张 zhang: pinyin order, not code point order.
    std::vector<std::string> names{"张三", "陈一", "阿二", "白四"};
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
        return name_sort_key(a) < name_sort_key(b);
    });
    CHECK(names == std::vector<std::string>{"阿二", "白四", "陈一", "张三"});
}

TEST_CASE("phones are normalised to E.164 in the region, and refused when not a number",
          "[storage][phone]") {
    LibPhoneNumbers phones;
    CHECK(phones.to_e164("138 1234 5678", "CN") == "+8613812345678");
    CHECK(phones.to_e164("0432-62345678", "CN") == "+8643262345678");
    CHECK(phones.to_e164("+86 138-1234-5678", "CN") == "+8613812345678");
    CHECK(phones.to_e164("12345", "CN") == std::nullopt);
    CHECK(phones.to_e164("abc", "CN") == std::nullopt);
    CHECK(national_number("+8613812345678") == "13812345678");
}

TEST_CASE("rows written before search keys existed get them when the database opens",
          "[storage][search][migrations]") {
    lifeline::testing::TempDir dir;
    const std::string path = dir.file("old.db");
    {
        Connection conn(path);
        migrate(conn, 4);
        conn.exec(
            "INSERT INTO patients (id, name, phone, lat, lon, mobility) "
            "VALUES (7, '曾小红', '+8613912345678', 43.8, 126.5, 'ambulatory')");
    }
    Database db({path});
    SqliteFleetStore store(db);
    for (const char* q : {"zengxiaohong", "zxh", "曾", "5678"}) {
        INFO(q);
        const auto hits = store.search(SearchQuery{SearchKind::patient, q, 20, {}}, {});
        REQUIRE(hits.size() == 1);
        CHECK(hits[0].id == 7);
    }
}

}  // namespace lifeline::storage
