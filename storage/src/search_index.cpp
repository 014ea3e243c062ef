#include "search_index.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lifeline/storage/search_keys.h"
#include "sql_time.h"

namespace lifeline::storage {
namespace {

// What each kind is found by and shows: its table, the column named and sorted by, its
// phone and the detail a picker shows beside the name.
struct KindSql {
    const char* kind;
    const char* table;
    const char* name;
    const char* phone;
    const char* detail;
};

constexpr KindSql patient_sql{"patient", "patients", "name", "phone", "address"};
constexpr KindSql driver_sql{"driver", "drivers", "name", "phone", "civic_group"};
constexpr KindSql place_sql{"place", "places", "name", "''", "address"};
constexpr KindSql vehicle_sql{"vehicle", "vehicles", "plate", "''",
                              "trim(color || ' ' || description)"};

const KindSql& sql_of(SearchKind kind) {
    switch (kind) {
        case SearchKind::patient:
            return patient_sql;
        case SearchKind::driver:
            return driver_sql;
        case SearchKind::place:
            return place_sql;
        case SearchKind::vehicle:
            return vehicle_sql;
    }
    return patient_sql;
}

void write_keys(Connection& c, const char* kind, std::int64_t id, std::string_view name,
                std::string_view phone) {
    Statement del_keys(c, "DELETE FROM search_keys WHERE kind = ? AND entity_id = ?");
    del_keys.bind_all(kind, id).run();
    const std::string sort_key = name_sort_key(name);
    Statement entry(c,
                    "INSERT OR REPLACE INTO search_entries (kind, entity_id, sort_key) "
                    "VALUES (?, ?, ?)");
    entry.bind_all(kind, id).bind_blob(3, sort_key).run();
    std::vector<std::string> keys = name_search_keys(name);
    for (std::string& k : phone_search_keys(phone))
        keys.push_back(std::move(k));
    // Each key row carries the name's sort key, so matches sort (or are walked in name
    // order) from the key rows alone.
    Statement ins(c,
                  "INSERT OR IGNORE INTO search_keys (kind, key, entity_id, sort_key) "
                  "VALUES (?, ?, ?, ?)");
    for (const std::string& k : keys) {
        ins.reset();
        ins.bind_all(kind, k, id).bind_blob(4, sort_key).run();
    }
}

// The rows of one kind without a search entry, and their keys.
void index_kind(Connection& c, const KindSql& k) {
    Statement st(c, std::string("SELECT id, ") + k.name + ", " + k.phone + " FROM " + k.table +
                        " WHERE id NOT IN (SELECT entity_id FROM search_entries WHERE kind = ?)");
    st.bind_all(k.kind);
    while (st.step())
        write_keys(c, k.kind, st.get_int(0), st.get_text(1), st.get_text(2));
}

bool any_unindexed(Connection& c) {
    for (const KindSql* k : {&patient_sql, &driver_sql, &place_sql, &vehicle_sql}) {
        Statement st(c, std::string("SELECT 1 FROM ") + k->table +
                            " WHERE id NOT IN (SELECT entity_id FROM search_entries "
                            "WHERE kind = ?) LIMIT 1");
        st.bind_all(k->kind);
        if (st.step())
            return true;
    }
    return false;
}

// Every form of a query is one key range: key >= form AND key < form + U+10FFFF's bytes,
// which no UTF-8 text passes.
std::string upper_bound(const std::string& form) {
    return form + "\xf4\x8f\xbf\xbf";
}

// The ranges as a condition on a key row `k`; their parameters from `first_param` on.
std::string key_ranges(std::size_t forms, int first_param) {
    std::string out = "(";
    for (std::size_t i = 0; i < forms; ++i) {
        if (i > 0)
            out += " OR ";
        const int p = first_param + int(2 * i);
        out += "(k.key >= ?" + std::to_string(p) + " AND k.key < ?" + std::to_string(p + 1) + ")";
    }
    return out + ")";
}

// The ids matching the forms, with their sort keys: one SELECT per range, since SQLite
// walks the primary key for each (ORed ranges would scan), and a UNION, which drops an
// id matched by several keys and which SQLite does not flatten into the join: a single
// form is looked up twice.
std::string matching_ids(std::size_t forms, int first_param) {
    std::string out;
    for (std::size_t i = 0; i < std::max<std::size_t>(forms, 2); ++i) {
        if (i > 0)
            out += " UNION ";
        const int p = first_param + int(2 * std::min(i, forms - 1));
        out += "SELECT entity_id, sort_key FROM search_keys WHERE kind = ?1 AND key >= ?" +
               std::to_string(p) + " AND key < ?" + std::to_string(p + 1);
    }
    return out;
}

// Parameters of every plan: 1 kind, 2 active, 3 driver, 4 and 5 the driver's days,
// 6 limit, 7 and 8 the first character of the forms and the sort key the walk starts
// at, 9… the key ranges. Each plan answers hits in the order of the names (sort key,
// then id); the walk and the driver's plan may repeat a record on consecutive rows (one
// per matching key).
constexpr int first_range_param = 9;

std::string hit_columns(const KindSql& k, const char* sort_key) {
    return std::string("SELECT t.id, t.") + k.name + ", " + k.phone + ", " + k.detail +
           ", t.active, " + sort_key + " FROM ";
}

// Few matches: every match with its sort key from the key rows, joined to its record,
// sorted (CROSS JOIN keeps SQLite to that order).
std::string sort_matches_sql(const KindSql& k, std::size_t forms) {
    return hit_columns(k, "m.sort_key") + "(" + matching_ids(forms, first_range_param) +
           ") m CROSS JOIN " + k.table +
           " t ON t.id = m.entity_id WHERE (?2 IS NULL OR t.active = ?2) "
           "ORDER BY m.sort_key, m.entity_id LIMIT ?6";
}

// Many matches (one letter matches a third of all patients): walk the key rows that
// start with one character in the order of the names (search_keys_by_initial), from the
// first match's sort key on, keep those in a range, and stop once `limit` records are
// found. The index holds the key, so a row is tested without reading the table; only
// matches are joined to their record.
std::string walk_in_order_sql(const KindSql& k, std::size_t forms) {
    return hit_columns(k, "k.sort_key") +
           "search_keys k INDEXED BY search_keys_by_initial CROSS JOIN " + k.table +
           " t ON t.id = k.entity_id WHERE k.kind = ?1 AND substr(k.key, 1, 1) = ?7 AND "
           "k.sort_key >= ?8 AND " +
           key_ranges(forms, first_range_param) +
           " AND (?2 IS NULL OR t.active = ?2) ORDER BY k.sort_key, k.entity_id";
}

// A driver: only the patients on the driver's routes (a few dozen), each tested by its
// own keys.
std::string scoped_to_driver_sql(const KindSql& k, std::size_t forms) {
    return hit_columns(k, "k.sort_key") +
           "search_keys k INDEXED BY search_keys_by_entity CROSS JOIN " + k.table +
           " t ON t.id = k.entity_id WHERE k.kind = ?1 AND k.entity_id IN (SELECT "
           "requests.patient_id FROM requests "
           "JOIN route_stops ON route_stops.request_id = requests.id "
           "JOIN routes ON routes.id = route_stops.route_id "
           "WHERE routes.driver_id = ?3 AND requests.service_date BETWEEN ?4 AND ?5 "
           "AND routes.service_date BETWEEN ?4 AND ?5) AND " +
           key_ranges(forms, first_range_param) +
           " AND (?2 IS NULL OR t.active = ?2) ORDER BY k.sort_key, k.entity_id";
}

// The first character of a form, as SQLite's substr counts characters (code points).
std::string first_character(const std::string& form) {
    const auto lead = static_cast<unsigned char>(form.front());
    const std::size_t n = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    return form.substr(0, std::min(n, form.size()));
}

// How many key rows match each form, counted up to counted_rows, and when all were
// counted the least sort key among them: where the walk in name order starts. (The
// matches of a surname's pinyin sit together in name order, late in their letter's list
// for zhu; the walk seeks to them instead of testing every name before.)
constexpr int counted_rows = 20000;

struct FormMatches {
    std::int64_t rows = 0;
    std::optional<std::string> least_sort_key;  // none: not all counted, or none match
};

std::vector<FormMatches> count_matches(Connection& c, const char* kind,
                                       const std::vector<std::string>& forms) {
    std::vector<FormMatches> out;
    for (const std::string& f : forms) {
        // Every key of a character's list starts with it: the walk starts at the top.
        if (first_character(f) == f) {
            out.push_back({counted_rows, std::string()});
            continue;
        }
        Statement st(c,
                     "SELECT count(*), min(sort_key) FROM (SELECT sort_key FROM search_keys "
                     "WHERE kind = ? AND key >= ? AND key < ? LIMIT ?)");
        st.bind_all(kind, f, upper_bound(f), counted_rows);
        st.step();
        FormMatches m{st.get_int(0), std::nullopt};
        if (m.rows > 0 && m.rows < counted_rows)
            m.least_sort_key = st.get_text(1);  // a BLOB's bytes as they are
        out.push_back(std::move(m));
    }
    return out;
}

// Below this many matching key rows, sorting every match is quicker than the walk.
constexpr std::int64_t few_matches = 2000;

bool are_few(const std::vector<FormMatches>& matches) {
    std::int64_t total = 0;
    for (const FormMatches& m : matches)
        total += m.rows;
    return total < few_matches;
}

struct SortedHit {
    std::string sort_key;
    SearchHit hit;
};

// Runs one plan; appends its first `limit` distinct records, in order.
void collect(Statement& st, const SearchQuery& query, const SearchScope& scope,
             const std::vector<std::string>& forms, std::vector<SortedHit>& out) {
    st.bind_all(std::string_view(sql_of(query.kind).kind), query.active, scope.driver);
    if (scope.driver) {
        st.bind(4, format_date(scope.days.first));
        st.bind(5, format_date(scope.days.last));
    }
    st.bind(6, query.limit);
    int p = first_range_param;
    for (const std::string& f : forms) {
        st.bind(p++, f);
        st.bind(p++, upper_bound(f));
    }
    int found = 0;
    std::int64_t last = 0;
    while (found < query.limit && st.step()) {
        const std::int64_t id = st.get_int(0);
        if (found > 0 && id == last)
            continue;
        last = id;
        ++found;
        // get_text reads a BLOB's bytes as they are.
        out.push_back({st.get_text(5),
                       {id, st.get_text(1), st.get_text(2), st.get_text(3), st.get_int(4) != 0}});
    }
}

// Where the walk of one first character's list starts: at the least sort key of the
// forms starting with it, or at the beginning when one was not counted to its end.
// None: no form starting with it matches.
std::optional<std::string> walk_start(const std::string& first,
                                      const std::vector<std::string>& forms,
                                      const std::vector<FormMatches>& matches) {
    std::optional<std::string> start;
    for (std::size_t i = 0; i < forms.size(); ++i) {
        if (first_character(forms[i]) != first || matches[i].rows == 0)
            continue;
        if (!matches[i].least_sort_key)
            return std::string();
        if (!start || *matches[i].least_sort_key < *start)
            start = matches[i].least_sort_key;
    }
    return start;
}

// The walk, once per first character among the forms ("张wei" is looked up as 张wei and
// zhangwei), merged in name order.
void walk_in_order(Connection& c, const SearchQuery& query, const std::vector<std::string>& forms,
                   const std::vector<FormMatches>& matches, std::vector<SortedHit>& out) {
    const KindSql& k = sql_of(query.kind);
    std::vector<std::string> firsts;
    for (const std::string& f : forms)
        firsts.push_back(first_character(f));
    std::sort(firsts.begin(), firsts.end());
    firsts.erase(std::unique(firsts.begin(), firsts.end()), firsts.end());
    for (const std::string& first : firsts) {
        const std::optional<std::string> start = walk_start(first, forms, matches);
        if (!start)
            continue;
        Statement st(c, walk_in_order_sql(k, forms.size()));
        st.bind(7, first);
        st.bind_blob(8, *start);
        collect(st, query, {}, forms, out);
    }
    std::stable_sort(out.begin(), out.end(), [](const SortedHit& a, const SortedHit& b) {
        return a.sort_key != b.sort_key ? a.sort_key < b.sort_key : a.hit.id < b.hit.id;
    });
    out.erase(
        std::unique(out.begin(), out.end(),
                    [](const SortedHit& a, const SortedHit& b) { return a.hit.id == b.hit.id; }),
        out.end());
}

}  // namespace

void index_for_search(Connection& c, const Place& p) {
    write_keys(c, place_sql.kind, p.id, p.name, "");
}
void index_for_search(Connection& c, const Driver& d) {
    write_keys(c, driver_sql.kind, d.id, d.name, d.phone);
}
void index_for_search(Connection& c, const Vehicle& v) {
    write_keys(c, vehicle_sql.kind, v.id, v.plate, "");
}
void index_for_search(Connection& c, const Patient& p) {
    write_keys(c, patient_sql.kind, p.id, p.name, p.phone);
}

void index_unindexed(Connection& c) {
    if (!any_unindexed(c))
        return;
    Transaction tx(c);
    for (const KindSql* k : {&patient_sql, &driver_sql, &place_sql, &vehicle_sql})
        index_kind(c, *k);
    tx.commit();
}

std::vector<SearchHit> search_records(Connection& c, const SearchQuery& query,
                                      const SearchScope& scope) {
    std::vector<SearchHit> hits;
    const std::vector<std::string> forms = search_query_forms(query.q);
    if (forms.empty())
        return hits;
    const KindSql& k = sql_of(query.kind);
    std::vector<SortedHit> sorted;
    if (scope.driver) {
        Statement st(c, scoped_to_driver_sql(k, forms.size()));
        collect(st, query, scope, forms, sorted);
    } else if (const auto matches = count_matches(c, k.kind, forms); are_few(matches)) {
        Statement st(c, sort_matches_sql(k, forms.size()));
        collect(st, query, scope, forms, sorted);
    } else {
        walk_in_order(c, query, forms, matches, sorted);
    }
    for (std::size_t i = 0; i < sorted.size() && int(i) < query.limit; ++i)
        hits.push_back(std::move(sorted[i].hit));
    return hits;
}

}  // namespace lifeline::storage
