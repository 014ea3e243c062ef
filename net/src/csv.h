#pragma once
// RFC 4180 CSV for the bulk import (POST /api/v1/import/{kind}): UTF-8, an optional
// byte-order mark, a header row, quoted fields with "" for a quote, CRLF or LF.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lifeline::net {

struct CsvRecord {
    std::size_t line = 0;  // 1-based line of the file where the record starts
    std::vector<std::string> fields;
};

// Every record of `text`, the header included, in order; blank lines are skipped.
// Throws lifeline::Error (invalid, field "body") for an unterminated quote or a
// quote inside an unquoted field, naming the line.
std::vector<CsvRecord> parse_csv(std::string_view text);

}  // namespace lifeline::net
