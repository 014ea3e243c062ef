// Words and local formats of the printed documents (print.h).
#include "lifeline/core/reports/print.h"

#include <date/tz.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace lifeline {
namespace {

constexpr std::array<const char*, 12> months_en{"January",   "February", "March",    "April",
                                                "May",       "June",     "July",     "August",
                                                "September", "October",  "November", "December"};
constexpr std::array<const char*, 12> months_en_short{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<const char*, 7> weekdays_zh{"星期一", "星期二", "星期三", "星期四",
                                                 "星期五", "星期六", "星期日"};
constexpr std::array<const char*, 7> weekdays_en{"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                 "Friday", "Saturday", "Sunday"};

std::string year_of(LocalDate d) {
    return std::to_string(int(d.year()));
}
unsigned month_of(LocalDate d) {
    return unsigned(d.month());
}
std::string day_of(LocalDate d) {
    return std::to_string(unsigned(d.day()));
}

// The local date and the HH:MM of `t` in `zone`.
std::pair<LocalDate, std::string> local_parts(Instant t, const date::time_zone* zone) {
    const Minutes m = local_clock(t, zone);
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", int(m.count() / 60), int(m.count() % 60));
    return {local_date(t, zone), buf};
}

// "1234567" → "1,234,567"
std::string grouped(const std::string& digits) {
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
}

}  // namespace

std::optional<Language> print_language_from(std::string_view tag) {
    if (tag == "zh-CN")
        return Language::zh_CN;
    if (tag == "en")
        return Language::en;
    return std::nullopt;
}

std::string print_text(Language lang, PrintKey key, PrintArgs args) {
    const PrintLabel& l = print_labels[key.index()];
    std::string s(lang == Language::en ? l.en : l.zh);
    for (const auto& [name, value] : args) {
        const std::string token = "{" + std::string(name) + "}";
        for (auto at = s.find(token); at != std::string::npos;
             at = s.find(token, at + value.size()))
            s.replace(at, token.size(), value);
    }
    return s;
}

std::string print_date(LocalDate d, Language lang) {
    if (lang == Language::en)
        return day_of(d) + " " + months_en[month_of(d) - 1] + " " + year_of(d);
    return year_of(d) + "年" + std::to_string(month_of(d)) + "月" + day_of(d) + "日";
}

std::string print_date_weekday(LocalDate d, Language lang) {
    const unsigned weekday = iso_weekday(d);
    if (lang == Language::en)
        return std::string(weekdays_en[weekday - 1]) + " " + print_date(d, lang);
    return print_date(d, lang) + " " + weekdays_zh[weekday - 1];
}

std::string print_day(LocalDate d, Language lang) {
    if (lang == Language::en)
        return day_of(d) + " " + months_en_short[month_of(d) - 1];
    return std::to_string(month_of(d)) + "月" + day_of(d) + "日";
}

std::string print_month(LocalDate month, Language lang) {
    if (lang == Language::en)
        return std::string(months_en[month_of(month) - 1]) + " " + year_of(month);
    return year_of(month) + "年" + std::to_string(month_of(month)) + "月";
}

std::string print_month_short(LocalDate month, Language lang) {
    if (lang == Language::en)
        return months_en_short[month_of(month) - 1];
    return std::to_string(month_of(month)) + "月";
}

std::string print_time(Instant t, const date::time_zone* zone) {
    return local_parts(t, zone).second;
}

std::string print_date_time(Instant t, const date::time_zone* zone, Language lang) {
    const auto [day, hhmm] = local_parts(t, zone);
    return print_date(day, lang) + " " + hhmm;
}

std::string print_day_time(Instant t, const date::time_zone* zone, Language lang) {
    const auto [day, hhmm] = local_parts(t, zone);
    return print_day(day, lang) + " " + hhmm;
}

std::string print_count(std::int64_t v) {
    const std::string digits = grouped(std::to_string(v < 0 ? -v : v));
    return v < 0 ? "-" + digits : digits;
}

std::string print_km(std::int64_t meters) {
    const std::int64_t tenths = (meters < 0 ? meters - 50 : meters + 50) / 100;
    const std::int64_t abs_tenths = tenths < 0 ? -tenths : tenths;
    return (tenths < 0 ? "-" : "") + grouped(std::to_string(abs_tenths / 10)) + "." +
           std::to_string(abs_tenths % 10);
}

std::string print_decimal(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, std::abs(v));
    const std::string text = buf;
    const auto point = text.find('.');
    const std::string whole = grouped(text.substr(0, point));
    const std::string rest = point == std::string::npos ? "" : text.substr(point);
    const bool negative = v < 0 && text.find_first_not_of("0.") != std::string::npos;
    return (negative ? "-" : "") + whole + rest;
}

std::string print_percent(double fraction) {
    return print_decimal(fraction * 100.0, 1) + "%";
}

}  // namespace lifeline
