#include "csv.h"

#include "lifeline/core/errors.h"

namespace lifeline::net {
namespace {

[[noreturn]] void bad_csv(std::size_t line, const std::string& message) {
    throw_invalid(msg("import.unreadable"),
                  {{"body", msg("import.unreadable_line",
                                {{"line", std::int64_t(line)}, {"why", message}})}});
}

bool blank(const CsvRecord& r) {
    return r.fields.size() == 1 && r.fields[0].empty();
}

}  // namespace

std::vector<CsvRecord> parse_csv(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);

    std::vector<CsvRecord> records;
    CsvRecord record{1, {}};
    std::string field;
    std::size_t line = 1;
    bool quoted = false;      // inside a quoted field
    bool was_quoted = false;  // the current field was quoted (only a separator may follow)
    auto end_field = [&] {
        record.fields.push_back(std::move(field));
        field.clear();
        was_quoted = false;
    };
    auto end_record = [&] {
        end_field();
        if (!blank(record))
            records.push_back(std::move(record));
        record = CsvRecord{line, {}};
    };

    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                    was_quoted = true;
                }
            } else {
                if (c == '\n')
                    ++line;
                field += c;
            }
            continue;
        }
        if (c == ',') {
            end_field();
        } else if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
            ++line;
            end_record();
        } else if (was_quoted) {
            bad_csv(line, "only a comma or the end of the line may follow a closing quote");
        } else if (c == '"') {
            if (!field.empty())
                bad_csv(line, "a quote inside an unquoted field (quote the whole field)");
            quoted = true;
        } else {
            field += c;
        }
    }
    if (quoted)
        bad_csv(record.line, "a quoted field is not closed");
    end_record();
    return records;
}

}  // namespace lifeline::net
