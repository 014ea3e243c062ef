#pragma once
// Time rules (docs/design.md §2): instants are UTC seconds, exchanged as RFC 3339; input must
// carry an explicit offset. Service days and months are local dates of the
// organisation's IANA zone.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace lifeline {

using Instant = std::chrono::sys_seconds;
using LocalDate = std::chrono::year_month_day;
using Minutes = std::chrono::minutes;

// "2022-03-14T23:30:00Z", "2022-03-15T07:30:00+08:00", optional fraction (dropped).
// Returns nullopt for anything else, including naive date-times without an offset.
std::optional<Instant> parse_instant(std::string_view text);
// Always UTC with a "Z": "2022-03-14T23:30:00Z".
std::string format_instant(Instant t);

// "2022-03-14"
std::optional<LocalDate> parse_date(std::string_view text);
std::string format_date(LocalDate d);
// "2022-03" → the 1st of that month.
std::optional<LocalDate> parse_month(std::string_view text);

// "07:30" → minutes since local midnight (0..1439).
std::optional<Minutes> parse_clock(std::string_view text);
std::string format_clock(Minutes m);

// ISO weekday of a date: Monday = 1 … Sunday = 7.
unsigned iso_weekday(LocalDate d);

// A time zone of the IANA database; throws Error(invalid) for an unknown name.
const date::time_zone* find_zone(std::string_view name);
bool is_known_zone(std::string_view name);

// The local date an instant falls on in `zone`.
LocalDate local_date(Instant t, const date::time_zone* zone);
// The local wall-clock time (minutes after local midnight) of an instant in `zone`.
Minutes local_clock(Instant t, const date::time_zone* zone);
// The instant of local midnight starting `d` in `zone` (DST-aware).
Instant local_midnight(LocalDate d, const date::time_zone* zone);
// The instant of local wall-clock time `clock` on `d` in `zone`; a time skipped by a
// DST change moves forward, an ambiguous one takes the earlier instant.
Instant local_instant(LocalDate d, Minutes clock, const date::time_zone* zone);

}  // namespace lifeline
