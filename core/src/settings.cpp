#include "lifeline/core/settings.h"

#include "lifeline/core/text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "lifeline/core/audit.h"
#include "lifeline/core/errors.h"

namespace lifeline {
namespace {

std::string num(double v) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, ec == std::errc{} ? end : buf);
}

template <class T>
void read_num(const std::string& text, T& out) {
    T v{};
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc{} && p == text.data() + text.size())
        out = v;
}

}  // namespace

SettingsMap to_map(const Settings& s) {
    return {
        {"organisation", s.organisation},
        {"time_zone", s.time_zone},
        {"language", s.language},
        {"phone_region", s.phone_region},
        {"goals.rides", std::to_string(s.goals.rides)},
        {"goals.km", num(s.goals.km)},
        {"goals.from", format_date(s.goals.from)},
        {"goals.to", format_date(s.goals.to)},
        {"per_km_rate", num(s.per_km_rate)},
        {"currency", s.currency},
        {"matcher.detour_factor", num(s.matcher.detour_factor)},
        {"matcher.speed_kmh", num(s.matcher.speed_kmh)},
        {"matcher.early_tolerance_minutes", std::to_string(s.matcher.early_tolerance_minutes)},
        {"matcher.late_tolerance_minutes", std::to_string(s.matcher.late_tolerance_minutes)},
        {"matcher.min_ride_minutes", std::to_string(s.matcher.min_ride_minutes)},
        {"matcher.ride_time_factor", num(s.matcher.ride_time_factor)},
        {"matcher.service_minutes", std::to_string(s.matcher.service_minutes)},
        {"matcher.time_limit_ms", std::to_string(s.matcher.time_limit_ms)},
        {"map_datum", to_string(s.map_datum)},
        {"matcher.plan_lead_minutes", std::to_string(s.matcher.plan_lead_minutes)},
        {"matcher.objective", s.matcher.objective},
        {"position_retention_days", std::to_string(s.position_retention_days)},
        {"map_tile_url", s.map_tile_url},
        {"map_tile_attribution", s.map_tile_attribution},
    };
}

Settings from_map(const SettingsMap& values) {
    Settings s;  // defaults for anything never stored
    for (const auto& [key, value] : values) {
        if (key == "organisation")
            s.organisation = value;
        else if (key == "time_zone")
            s.time_zone = value;
        else if (key == "language")
            s.language = value;
        else if (key == "phone_region")
            s.phone_region = value;
        else if (key == "goals.rides")
            read_num(value, s.goals.rides);
        else if (key == "goals.km")
            read_num(value, s.goals.km);
        else if (key == "goals.from") {
            if (auto d = parse_date(value))
                s.goals.from = *d;
        } else if (key == "goals.to") {
            if (auto d = parse_date(value))
                s.goals.to = *d;
        } else if (key == "per_km_rate")
            read_num(value, s.per_km_rate);
        else if (key == "currency")
            s.currency = value;
        else if (key == "matcher.detour_factor")
            read_num(value, s.matcher.detour_factor);
        else if (key == "matcher.speed_kmh")
            read_num(value, s.matcher.speed_kmh);
        else if (key == "matcher.early_tolerance_minutes")
            read_num(value, s.matcher.early_tolerance_minutes);
        else if (key == "matcher.late_tolerance_minutes")
            read_num(value, s.matcher.late_tolerance_minutes);
        else if (key == "matcher.min_ride_minutes")
            read_num(value, s.matcher.min_ride_minutes);
        else if (key == "matcher.ride_time_factor")
            read_num(value, s.matcher.ride_time_factor);
        else if (key == "matcher.service_minutes")
            read_num(value, s.matcher.service_minutes);
        else if (key == "matcher.time_limit_ms")
            read_num(value, s.matcher.time_limit_ms);
        else if (key == "position_retention_days")
            read_num(value, s.position_retention_days);
        else if (key == "map_datum") {
            if (auto d = datum_from(value))
                s.map_datum = *d;
        } else if (key == "matcher.plan_lead_minutes")
            read_num(value, s.matcher.plan_lead_minutes);
        else if (key == "matcher.objective")
            s.matcher.objective = value;
        else if (key == "map_tile_url")
            s.map_tile_url = value;
        else if (key == "map_tile_attribution")
            s.map_tile_attribution = value;
    }
    return s;
}

namespace {

bool host_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.';
}

// Scheme and authority of the template: "https://host[:port]", with "{s}." allowed at
// the host's start; empty when it is not that.
std::string tile_origin(std::string_view url) {
    std::string_view scheme;
    for (std::string_view s : {"https://", "http://"})
        if (url.substr(0, s.size()) == s)
            scheme = s;
    if (scheme.empty())
        return {};
    std::string_view rest = url.substr(scheme.size());
    std::string_view authority = rest.substr(0, rest.find('/'));
    std::string out(scheme);
    if (authority.substr(0, 4) == "{s}.") {
        out += "*.";
        authority.remove_prefix(4);
    }
    const auto colon = authority.find(':');
    const std::string_view host = authority.substr(0, colon);
    if (host.empty() || host.front() == '.' || host.front() == '-' ||
        !std::all_of(host.begin(), host.end(), host_char))
        return {};
    if (colon != std::string_view::npos) {
        const std::string_view port = authority.substr(colon + 1);
        if (port.empty() || port.size() > 5 ||
            !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return {};
    }
    for (char c : authority)
        out += char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::optional<std::string> tile_source(std::string_view url) {
    if (url.empty() || url.size() > 500)
        return std::nullopt;
    for (char c : url) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f ||
            std::string_view("\"'`;,<>\\^|").find(c) != std::string_view::npos)
            return std::nullopt;
    }
    for (std::string_view part : {"{z}", "{x}", "{y}"})
        if (url.find(part) == std::string_view::npos)
            return std::nullopt;
    std::string origin = tile_origin(url);
    if (origin.empty())
        return std::nullopt;
    return origin;
}

bool is_ui_language(std::string_view tag) {
    return tag == "zh-CN" || tag == "en";
}

Settings SettingsService::get() {
    return from_map(store_.load());
}

Settings SettingsService::update(const Actor& actor, const SettingsPatch& p) {
    if (!actor.is_admin())
        throw_forbidden(msg("auth.admin_settings"));
    const Settings before = get();
    Settings s = before;
    FieldErrors errs;
    auto in_range = [&](const char* field, double v, double lo, double hi) {
        if (!std::isfinite(v) || v < lo || v > hi) {
            errs.add(field, msg("field.out_of_range", {{"min", lo}, {"max", hi}}));
            return false;
        }
        return true;
    };
    if (p.organisation) {
        if (p.organisation->empty() || !fits(*p.organisation, 200))
            errs.add("organisation", msg("field.length_1_200"));
        else
            s.organisation = *p.organisation;
    }
    if (p.time_zone) {
        if (!is_known_zone(*p.time_zone))
            errs.add("time_zone", msg("settings.time_zone"));
        else
            s.time_zone = *p.time_zone;
    }
    if (p.phone_region) {
        const std::string& r = *p.phone_region;
        if (r.size() != 2 || !std::isupper(static_cast<unsigned char>(r[0])) ||
            !std::isupper(static_cast<unsigned char>(r[1])))
            errs.add("phone_region", msg("settings.phone_region"));
        else
            s.phone_region = r;
    }
    if (p.goal_rides && in_range("goals.rides", double(*p.goal_rides), 0, 1e9))
        s.goals.rides = *p.goal_rides;
    if (p.goal_km && in_range("goals.km", *p.goal_km, 0, 1e10))
        s.goals.km = *p.goal_km;
    if (p.goal_from)
        s.goals.from = *p.goal_from;
    if (p.goal_to)
        s.goals.to = *p.goal_to;
    if (s.goals.to < s.goals.from)
        errs.add("goals.to", msg("settings.goals_to"));
    if (p.per_km_rate && in_range("per_km_rate", *p.per_km_rate, 0, 1000))
        s.per_km_rate = *p.per_km_rate;
    if (p.currency) {
        if (p.currency->empty() || p.currency->size() > 8)
            errs.add("currency", msg("settings.currency"));
        else
            s.currency = *p.currency;
    }
    auto& m = s.matcher;
    if (p.detour_factor && in_range("matcher.detour_factor", *p.detour_factor, 1, 3))
        m.detour_factor = *p.detour_factor;
    if (p.speed_kmh && in_range("matcher.speed_kmh", *p.speed_kmh, 5, 120))
        m.speed_kmh = *p.speed_kmh;
    if (p.early_tolerance_minutes &&
        in_range("matcher.early_tolerance_minutes", *p.early_tolerance_minutes, 0, 240))
        m.early_tolerance_minutes = *p.early_tolerance_minutes;
    if (p.late_tolerance_minutes &&
        in_range("matcher.late_tolerance_minutes", *p.late_tolerance_minutes, 0, 240))
        m.late_tolerance_minutes = *p.late_tolerance_minutes;
    if (p.min_ride_minutes && in_range("matcher.min_ride_minutes", *p.min_ride_minutes, 5, 600))
        m.min_ride_minutes = *p.min_ride_minutes;
    if (p.ride_time_factor && in_range("matcher.ride_time_factor", *p.ride_time_factor, 1, 10))
        m.ride_time_factor = *p.ride_time_factor;
    if (p.service_minutes && in_range("matcher.service_minutes", *p.service_minutes, 0, 60))
        m.service_minutes = *p.service_minutes;
    if (p.time_limit_ms && in_range("matcher.time_limit_ms", *p.time_limit_ms, 100, 600000))
        m.time_limit_ms = *p.time_limit_ms;
    if (p.map_datum) {
        if (auto d = datum_from(*p.map_datum))
            s.map_datum = *d;
        else
            errs.add("map_datum", msg("settings.map_datum"));
    }
    if (p.language) {
        if (is_ui_language(*p.language))
            s.language = *p.language;
        else
            errs.add("language", msg("settings.language"));
    }
    if (p.plan_lead_minutes && in_range("matcher.plan_lead_minutes", *p.plan_lead_minutes, 0, 720))
        m.plan_lead_minutes = *p.plan_lead_minutes;
    if (p.objective) {
        if (*p.objective != "distance" && *p.objective != "vehicles")
            errs.add("matcher.objective", msg("settings.objective"));
        else
            m.objective = *p.objective;
    }
    if (p.position_retention_days &&
        in_range("position_retention_days", *p.position_retention_days, 1, 3650))
        s.position_retention_days = *p.position_retention_days;
    if (p.map_tile_url) {
        if (tile_source(*p.map_tile_url))
            s.map_tile_url = *p.map_tile_url;
        else
            errs.add(
                "map_tile_url",
                msg("settings.map_tile_url",
                    {{"example", std::string("https://tile.openstreetmap.org/{z}/{x}/{y}.png")}}));
    }
    if (p.map_tile_attribution) {
        const std::string& a = *p.map_tile_attribution;
        if (!fits(a, 200) || a.find_first_of("\r\n") != std::string::npos)
            errs.add("map_tile_attribution", msg("settings.map_tile_attribution"));
        else
            s.map_tile_attribution = a;
    }
    errs.throw_if_any();
    save(actor, before, s, "update");
    return s;
}

Settings SettingsService::apply_travel_model(const Actor& actor, double detour_factor,
                                             double speed_kmh) {
    if (!actor.is_dispatcher())
        throw_forbidden(msg("calibration.dispatcher_only"));
    if (!std::isfinite(detour_factor) || !std::isfinite(speed_kmh))
        throw_unprocessable(msg("calibration.not_a_number"));
    const Settings before = get();
    Settings s = before;
    s.matcher.detour_factor = std::round(std::clamp(detour_factor, 1.0, 3.0) * 1000) / 1000;
    s.matcher.speed_kmh = std::round(std::clamp(speed_kmh, 5.0, 120.0) * 10) / 10;
    save(actor, before, s, "calibrate");
    return s;
}

void SettingsService::save(const Actor& actor, const Settings& before, const Settings& after,
                           const char* action) {
    auto snapshot = [](const Settings& v) {
        AuditObject o;
        for (const auto& [k, val] : to_map(v))
            o.add(k, val);
        return o.str();
    };
    AuditEntry e;
    e.user_id = actor.user_id;
    e.username = actor.username;
    e.at = clock_.now();
    e.entity = "settings";
    e.action = action;
    e.before = snapshot(before);
    e.after = snapshot(after);
    store_.save(to_map(after), e);
}

}  // namespace lifeline
