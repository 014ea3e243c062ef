// Bulk import: POST /api/v1/import/{kind} with a CSV body (net/src/csv.h). Each row
// becomes the JSON object a POST of that kind would carry and is read by the same
// reader (fleet_json.h); Fleet::import_* applies the rules and writes all or nothing.
#include <cmath>
#include <cstdlib>
#include <map>
#include <type_traits>

#include "api_common.h"
#include "api_routes.h"
#include "csv.h"
#include "fleet_json.h"
#include "lifeline/core/fleet/fleet.h"
#include "lifeline/net/router.h"

namespace lifeline::net {
namespace {

constexpr std::size_t max_rows = 10'000;

using fleet_json::Cell;

// A cell as JSON: numbers and booleans typed when they parse; otherwise the text, so
// the reader names the field (msg("field.not_number")).
json::value cell(Cell type, const std::string& text) {
    if (type == Cell::number) {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (end && *end == '\0') {
            // Only a whole number within int64's range may be cast (outside it, or NaN, the
            // cast is undefined); any other stays a double for the reader to judge.
            constexpr double two_to_63 = 9223372036854775808.0;
            if (v >= -two_to_63 && v < two_to_63 && v == std::trunc(v) &&
                text.find('.') == std::string::npos)
                return json::value(static_cast<std::int64_t>(v));
            return json::value(v);
        }
    }
    if (type == Cell::boolean) {
        if (text == "true" || text == "1" || text == "yes")
            return json::value(true);
        if (text == "false" || text == "0" || text == "no")
            return json::value(false);
    }
    return json::value(text);
}

// "1,3,5" or "1 3 5" → [1,3,5]
json::array weekdays(const std::string& text) {
    json::array out;
    std::string item;
    for (char c : text + " ") {
        if (c == ',' || c == ' ' || c == ';') {
            if (!item.empty())
                out.push_back(cell(Cell::number, item));
            item.clear();
        } else {
            item += c;
        }
    }
    return out;
}

// "1 07:00-15:00; 3 07:00-15:00" → [{weekday, start, end}, …]
json::array shifts(const std::string& text, FieldErrors& errs, const std::string& field) {
    json::array out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t semi = text.find(';', pos);
        if (semi == std::string::npos)
            semi = text.size();
        std::string part = text.substr(pos, semi - pos);
        pos = semi + 1;
        const auto first = part.find_first_not_of(' ');
        if (first == std::string::npos)
            continue;
        part = part.substr(first);
        const auto space = part.find(' ');
        const auto dash = part.find('-');
        if (space == std::string::npos || dash == std::string::npos || dash < space) {
            errs.add(field, msg("import.shifts"));
            continue;
        }
        out.push_back(json::object{{"weekday", cell(Cell::number, part.substr(0, space))},
                                   {"start", part.substr(space + 1, dash - space - 1)},
                                   {"end", part.substr(dash + 1)}});
    }
    return out;
}

// A row as the JSON object a POST would carry; the columns of the special fields (a
// driver's home and shifts, a patient's schedule) are gathered into their objects.
template <class E>
json::object row_object(const std::vector<std::string>& header, const CsvRecord& rec,
                        FieldErrors& errs, const std::string& prefix) {
    constexpr bool driver = std::is_same_v<E, Driver>;
    constexpr bool patient = std::is_same_v<E, Patient>;
    json::object o;
    json::object home;
    json::object schedule;
    for (std::size_t i = 0; i < header.size(); ++i) {
        const std::string& col = header[i];
        const std::string text = i < rec.fields.size() ? rec.fields[i] : std::string();
        if (text.empty())
            continue;  // an empty cell is an absent field (its default applies)
        const Cell type = fleet_json::csv_cell<E>(col);
        if (driver && (col == "home_lat" || col == "home_lon"))
            home[col.substr(5)] = cell(type, text);
        else if (driver && col == "shifts")
            o["shifts"] = shifts(text, errs, prefix + "shifts");
        else if (patient && col == "weekdays")
            schedule["weekdays"] = weekdays(text);
        else if (patient && (col == "appointment" || col == "duration_minutes"))
            schedule[col] = cell(type, text);
        else
            o[col] = cell(type, text);
    }
    if (!home.empty())
        o["home"] = std::move(home);
    if (!schedule.empty())
        o["schedule"] = std::move(schedule);
    return o;
}

template <class E>
std::vector<ImportRow<E>> read_rows(const std::vector<CsvRecord>& records, FieldErrors& errs) {
    std::vector<ImportRow<E>> rows;
    const std::vector<std::string>& header = records.front().fields;
    for (std::size_t r = 1; r < records.size(); ++r) {
        const CsvRecord& rec = records[r];
        const std::string prefix = "line " + std::to_string(rec.line) + ": ";
        if (rec.fields.size() > header.size())
            errs.add(prefix.substr(0, prefix.size() - 2), msg("import.extra_cells"));
        json::object obj = row_object<E>(header, rec, errs, prefix);
        Fields f(obj, errs, prefix);
        E item = fleet_json::read_new<E>(f);
        f.finish();
        rows.push_back({rec.line, std::move(item)});
    }
    return rows;
}

json::object answer(const auto& items) {
    json::array ids;
    for (const auto& item : items)
        ids.push_back(item.id);
    return json::object{{"imported", items.size()}, {"ids", std::move(ids)}};
}

template <class E, class Import>
Response import_rows(Services& s, const Actor& actor, const std::vector<CsvRecord>& records,
                     Import import) {
    FieldErrors errs;
    auto rows = read_rows<E>(records, errs);
    errs.throw_if_any(msg("import.invalid_rows"));
    return json_response(201, answer((s.fleet.*import)(actor, std::move(rows))));
}

Response import(Services& s, Request& q) {
    Actor actor = authenticate(s, q);
    require_dispatcher(actor);
    const std::string kind(q.param("kind").value_or(""));
    if (kind != "patients" && kind != "drivers" && kind != "vehicles" && kind != "places")
        throw_not_found(msg("import.unknown_kind", {{"kind", kind}}));
    const auto records = parse_csv(q.body);
    if (records.size() < 2)
        throw_invalid(msg("import.empty"), {{"body", msg("import.needs_rows")}});
    if (records.size() - 1 > max_rows)
        throw_invalid(msg("import.too_many_rows"),
                      {{"body", msg("import.at_most_rows", {{"max", std::int64_t(max_rows)}})}});
    std::map<std::string, int> seen;
    FieldErrors errs;
    for (const std::string& col : records.front().fields)
        if (++seen[col] == 2)
            errs.add("line 1: " + col, msg("import.column_twice"));
    errs.throw_if_any(msg("import.bad_header"));

    if (kind == "places")
        return import_rows<Place>(s, actor, records, &Fleet::import_places);
    if (kind == "drivers")
        return import_rows<Driver>(s, actor, records, &Fleet::import_drivers);
    if (kind == "vehicles")
        return import_rows<Vehicle>(s, actor, records, &Fleet::import_vehicles);
    return import_rows<Patient>(s, actor, records, &Fleet::import_patients);
}

}  // namespace

void register_import_routes(Router& r, Services& s) {
    r.add("POST", "/api/v1/import/{kind}",
          idempotent(s, [&s](Request& q) { return import(s, q); }));
}

}  // namespace lifeline::net
