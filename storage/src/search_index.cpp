#include "search_index.h"

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
    Statement entry(c,
                    "INSERT OR REPLACE INTO search_entries (kind, entity_id, sort_key) "
                    "VALUES (?, ?, ?)");
    entry.bind_all(kind, id).bind_blob(3, name_sort_key(name)).run();
    std::vector<std::string> keys = name_search_keys(name);
    for (std::string& k : phone_search_keys(phone))
        keys.push_back(std::move(k));
    Statement ins(c, "INSERT OR IGNORE INTO search_keys (kind, key, entity_id) VALUES (?, ?, ?)");
    for (const std::string& k : keys) {
        ins.reset();
        ins.bind_all(kind, k, id).run();
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

// The ids whose keys start with a form of the query: one index range per form,
// key >= form AND key < form + U+10FFFF's bytes, which no UTF-8 text passes. (One
// SELECT per range: SQLite walks the primary key for each; ORed ranges would scan.)
std::string matching_ids(std::size_t forms, int first_param) {
    std::string out;
    for (std::size_t i = 0; i < forms; ++i) {
        if (i > 0)
            out += " UNION ";
        const int p = first_param + int(2 * i);
        out += "SELECT entity_id FROM search_keys WHERE kind = ?1 AND key >= ?" +
               std::to_string(p) + " AND key < ?" + std::to_string(p + 1);
    }
    return out;
}

// The same ranges as a condition on one record's own keys.
std::string key_ranges(std::size_t forms, int first_param) {
    std::string out;
    for (std::size_t i = 0; i < forms; ++i) {
        if (i > 0)
            out += " OR ";
        const int p = first_param + int(2 * i);
        out += "(k.key >= ?" + std::to_string(p) + " AND k.key < ?" + std::to_string(p + 1) + ")";
    }
    return out;
}

// Two plans, chosen by how many keys match. Few: from the matches to their entries,
// then sort those (CROSS JOIN keeps SQLite to that order). Many (one letter matches a
// third of all patients): walk the entries in name order, look at each one's own keys,
// and stop at `limit`.
constexpr int few_matches = 2000;

std::string search_sql(const KindSql& k, std::size_t forms, bool few) {
    // 1 kind, 2 active, 3 driver, 4 and 5 the driver's days, 6 limit, 7… key ranges.
    const std::string from =
        few ? std::string("(") + matching_ids(forms, 7) +
                  ") m CROSS JOIN search_entries e ON e.kind = ?1 AND e.entity_id = m.entity_id "
                  "JOIN " +
                  k.table + " t ON t.id = e.entity_id WHERE 1 "
            : std::string("search_entries e JOIN ") + k.table +
                  " t ON t.id = e.entity_id WHERE e.kind = ?1 AND EXISTS (SELECT 1 FROM "
                  "search_keys k INDEXED BY search_keys_by_entity WHERE k.kind = ?1 AND "
                  "k.entity_id = e.entity_id AND (" +
                  key_ranges(forms, 7) + ")) ";
    return std::string("SELECT t.id, t.") + k.name + ", " + k.phone + ", " + k.detail +
           ", t.active FROM " + from +
           "AND (?2 IS NULL OR t.active = ?2) "
           "AND (?3 IS NULL OR t.id IN (SELECT requests.patient_id FROM requests "
           "JOIN route_stops ON route_stops.request_id = requests.id "
           "JOIN routes ON routes.id = route_stops.route_id "
           "WHERE routes.driver_id = ?3 AND requests.service_date BETWEEN ?4 AND ?5 "
           "AND routes.service_date BETWEEN ?4 AND ?5)) "
           "ORDER BY e.sort_key, e.entity_id LIMIT ?6";
}

std::string upper_bound(const std::string& form) {
    return form + "\xf4\x8f\xbf\xbf";
}

// Whether the keys matching the forms are fewer than few_matches (counted up to it).
bool has_few_matches(Connection& c, const char* kind, const std::vector<std::string>& forms) {
    int total = 0;
    for (const std::string& f : forms) {
        Statement st(c,
                     "SELECT count(*) FROM (SELECT 1 FROM search_keys WHERE kind = ? "
                     "AND key >= ? AND key < ? LIMIT ?)");
        st.bind_all(kind, f, upper_bound(f), few_matches);
        st.step();
        total += int(st.get_int(0));
        if (total >= few_matches)
            return false;
    }
    return true;
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
    std::vector<std::string> forms = search_query_forms(query.q);
    if (forms.empty())
        return hits;
    // The matches must be a UNION, which drops an id matched by several keys and which
    // SQLite does not flatten into the outer query (a DISTINCT subquery it does, and then
    // walks every entry in name order): one form is looked up twice.
    if (forms.size() == 1)
        forms.push_back(forms.front());
    const KindSql& k = sql_of(query.kind);
    Statement st(c, search_sql(k, forms.size(), has_few_matches(c, k.kind, forms)));
    st.bind_all(k.kind, query.active, scope.driver);
    if (scope.driver) {
        st.bind(4, format_date(scope.days.first));
        st.bind(5, format_date(scope.days.last));
    } else {
        st.bind_null(4);
        st.bind_null(5);
    }
    st.bind(6, query.limit);
    int p = 7;
    for (const std::string& f : forms) {
        st.bind(p++, f);
        st.bind(p++, upper_bound(f));
    }
    while (st.step())
        hits.push_back(
            {st.get_int(0), st.get_text(1), st.get_text(2), st.get_text(3), st.get_int(4) != 0});
    return hits;
}

}  // namespace lifeline::storage
