#pragma once
// What patients, drivers, places and vehicles are found by (docs/architecture.md, "Search
// keys"): made with ICU when a record is saved, stored in `search_keys` and looked up by
// prefix. Every key is lower case; a name's keys are the name itself, its pinyin with and
// without spaces, its initials, each of these from every later syllable on (so 张伟 is
// found by "wei"), and the other readings of a polyphonic surname; a phone's keys are its
// digits from every position on, so a fragment of a number finds it.

#include <string>
#include <string_view>
#include <vector>

namespace lifeline::storage {

std::vector<std::string> name_search_keys(std::string_view name);

// `phone` as stored (E.164 when it parses; anything else by its digits).
std::vector<std::string> phone_search_keys(std::string_view phone);

// The forms a typed query is looked up by: lower-cased, with and without spaces; a query
// mixing Chinese characters and Latin letters ("张wei") also in pinyin; a number also
// by its digits alone. Empty when the query has nothing to look up.
std::vector<std::string> search_query_forms(std::string_view query);

// ICU's sort key of `name` under the Chinese (pinyin) collation: byte order of the keys
// is the order of the names, so SQLite sorts them as BLOBs.
std::string name_sort_key(std::string_view name);

// Surnames whose reading as a surname differs from the common one, and every reading
// under which people type them (the first character of a name only).
struct SurnameReadings {
    std::u16string_view surname;
    std::vector<std::string_view> readings;
};
const std::vector<SurnameReadings>& polyphonic_surnames();

}  // namespace lifeline::storage
