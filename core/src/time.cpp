#include "lifeline/core/time.h"

#include <date/date.h>
#include <date/tz.h>

#include <charconv>
#include <cstdio>

#include "lifeline/core/errors.h"

namespace lifeline {
namespace {

// Reads exactly `n` digits at `pos`; advances pos.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
    if (pos + n > s.size())
        return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    pos += n;
    return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
    if (pos >= s.size() || s[pos] != c)
        return false;
    ++pos;
    return true;
}

std::optional<LocalDate> read_date(std::string_view s, std::size_t& pos) {
    int y = 0, m = 0, d = 0;
    if (!digits(s, pos, 4, y) || !expect(s, pos, '-') || !digits(s, pos, 2, m) ||
        !expect(s, pos, '-') || !digits(s, pos, 2, d))
        return std::nullopt;
    LocalDate ymd{std::chrono::year{y}, std::chrono::month{unsigned(m)},
                  std::chrono::day{unsigned(d)}};
    if (!ymd.ok())
        return std::nullopt;
    return ymd;
}

}  // namespace

std::optional<Instant> parse_instant(std::string_view s) {
    std::size_t pos = 0;
    auto day = read_date(s, pos);
    if (!day)
        return std::nullopt;
    if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't'))
        return std::nullopt;
    ++pos;
    int hh = 0, mm = 0, ss = 0;
    if (!digits(s, pos, 2, hh) || !expect(s, pos, ':') || !digits(s, pos, 2, mm) ||
        !expect(s, pos, ':') || !digits(s, pos, 2, ss))
        return std::nullopt;
    if (hh > 23 || mm > 59 || ss > 60)
        return std::nullopt;
    if (ss == 60)
        ss = 59;  // a leap second is read as the last second of its minute
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        std::size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9')
            ++pos;
        if (pos == start || pos - start > 9)
            return std::nullopt;
    }
    if (pos >= s.size())
        return std::nullopt;  // naive: no offset
    int offset_min = 0;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        int sign = s[pos] == '-' ? -1 : 1;
        ++pos;
        int oh = 0, om = 0;
        if (!digits(s, pos, 2, oh) || !expect(s, pos, ':') || !digits(s, pos, 2, om))
            return std::nullopt;
        if (oh > 23 || om > 59)
            return std::nullopt;
        offset_min = sign * (oh * 60 + om);
    } else {
        return std::nullopt;
    }
    if (pos != s.size())
        return std::nullopt;
    auto local = std::chrono::sys_days{*day} + std::chrono::hours{hh} + std::chrono::minutes{mm} +
                 std::chrono::seconds{ss};
    return Instant{local - std::chrono::minutes{offset_min}};
}

std::string format_instant(Instant t) {
    // Every answer and row carries instants: written by hand rather than through
    // date::format's stream (about 1 µs each), with the same result.
    const auto day = std::chrono::floor<date::days>(t);
    const date::year_month_day ymd{day};
    const int year = int(ymd.year());
    if (year < 0 || year > 9999)
        return date::format("%FT%TZ", t);
    const auto second = static_cast<unsigned>((t - day).count());
    char text[] = "YYYY-MM-DDTHH:MM:SSZ";
    auto put = [&text](std::size_t at, unsigned value, std::size_t width) {
        for (std::size_t i = width; i-- > 0; value /= 10)
            text[at + i] = static_cast<char>('0' + value % 10);
    };
    put(0, static_cast<unsigned>(year), 4);
    put(5, unsigned(ymd.month()), 2);
    put(8, unsigned(ymd.day()), 2);
    put(11, second / 3600, 2);
    put(14, second / 60 % 60, 2);
    put(17, second % 60, 2);
    return std::string(text, sizeof text - 1);
}

std::optional<LocalDate> parse_date(std::string_view s) {
    std::size_t pos = 0;
    auto d = read_date(s, pos);
    if (!d || pos != s.size())
        return std::nullopt;
    return d;
}

std::string format_date(LocalDate d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(d.year()), unsigned(d.month()),
                  unsigned(d.day()));
    return buf;
}

std::optional<LocalDate> parse_month(std::string_view s) {
    std::size_t pos = 0;
    int y = 0, m = 0;
    if (!digits(s, pos, 4, y) || !expect(s, pos, '-') || !digits(s, pos, 2, m) || pos != s.size())
        return std::nullopt;
    if (m < 1 || m > 12)
        return std::nullopt;
    return LocalDate{std::chrono::year{y}, std::chrono::month{unsigned(m)}, std::chrono::day{1}};
}

std::optional<Minutes> parse_clock(std::string_view s) {
    std::size_t pos = 0;
    int hh = 0, mm = 0;
    if (!digits(s, pos, 2, hh) || !expect(s, pos, ':') || !digits(s, pos, 2, mm) || pos != s.size())
        return std::nullopt;
    if (hh > 23 || mm > 59)
        return std::nullopt;
    return Minutes{hh * 60 + mm};
}

std::string format_clock(Minutes m) {
    char buf[8];
    auto v = m.count();
    std::snprintf(buf, sizeof buf, "%02d:%02d", int(v / 60), int(v % 60));
    return buf;
}

unsigned iso_weekday(LocalDate d) {
    return std::chrono::weekday{std::chrono::sys_days{d}}.iso_encoding();
}

const date::time_zone* find_zone(std::string_view name) {
    try {
        return date::locate_zone(name);
    } catch (const std::exception&) {
        throw_invalid_field("time_zone",
                            msg("settings.unknown_zone", {{"zone", std::string(name)}}));
    }
}

bool is_known_zone(std::string_view name) {
    try {
        date::locate_zone(name);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

LocalDate local_date(Instant t, const date::time_zone* zone) {
    auto local_day = date::floor<date::days>(zone->to_local(t));
    return LocalDate{std::chrono::sys_days{local_day.time_since_epoch()}};
}

Minutes local_clock(Instant t, const date::time_zone* zone) {
    auto local = zone->to_local(t);
    return std::chrono::duration_cast<Minutes>(local - date::floor<date::days>(local));
}

Instant local_instant(LocalDate d, Minutes clock, const date::time_zone* zone) {
    date::local_seconds local{std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::sys_days{d}.time_since_epoch() + clock)};
    auto info = zone->get_info(local);
    switch (info.result) {
        case date::local_info::unique:
            return Instant{local.time_since_epoch() - info.first.offset};
        case date::local_info::ambiguous:
            return Instant{local.time_since_epoch() - info.first.offset};
        case date::local_info::nonexistent:
        default:
            // The wall clock jumped over this time: take the instant the jump happens at.
            return Instant{std::chrono::duration_cast<std::chrono::seconds>(
                info.second.begin.time_since_epoch())};
    }
}

Instant local_midnight(LocalDate d, const date::time_zone* zone) {
    return local_instant(d, Minutes{0}, zone);
}

}  // namespace lifeline
