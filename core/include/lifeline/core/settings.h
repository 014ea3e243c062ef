#pragma once
// The organisation's settings (docs/design.md §2, §4): name, time zone, the year's goals, the
// per-km rate of volunteer mileage statements, the matcher's defaults, and the datum of the
// map's tile layer.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lifeline/core/clock.h"
#include "lifeline/core/geo/datum.h"
#include "lifeline/core/model.h"

namespace lifeline {

struct Goals {
    std::int64_t rides = 7306;
    double km = 380000;
    LocalDate from{std::chrono::year{2022}, std::chrono::month{1}, std::chrono::day{1}};
    LocalDate to{std::chrono::year{2022}, std::chrono::month{12}, std::chrono::day{31}};
};

struct MatcherDefaults {
    double detour_factor = 1.3;        // road km per great-circle km
    double speed_kmh = 30;             // urban driving speed
    int early_tolerance_minutes = 30;  // a to_center ride may arrive this early
    int late_tolerance_minutes = 30;   // a home ride may be picked up this late
    int min_ride_minutes = 30;         // max ride time = max(min_ride, factor × direct)
    double ride_time_factor = 2.0;
    int service_minutes = 3;   // boarding or alighting at a stop
    int time_limit_ms = 5000;  // planning a day
};

struct Settings {
    std::string organisation = "Lifeline volunteer transport";
    std::string time_zone = "Asia/Shanghai";
    Goals goals;
    double per_km_rate = 0.5;  // reimbursement per km driven in one's own car
    std::string currency = "CNY";
    MatcherDefaults matcher;
    // The datum the map's tiles are drawn in (WGS-84 for OpenStreetMap, GCJ-02 for Amap or
    // Tencent tiles, BD-09 for Baidu's): the map and the location pickers convert the
    // stored WGS-84 to it and back (geo/datum.h).
    Datum map_datum = Datum::wgs84;
    // The language of the server's messages when a client asks for none we speak
    // (Accept-Language): "zh-CN" or "en".
    std::string language = "zh-CN";
};

// Key/value pairs as stored; the store knows no meaning.
using SettingsMap = std::vector<std::pair<std::string, std::string>>;

class SettingsStore {
  public:
    virtual ~SettingsStore() = default;
    virtual SettingsMap load() = 0;
    // Replaces the stored values and writes the audit entry, atomically.
    virtual void save(const SettingsMap& values, const AuditEntry& audit) = 0;
};

// Fields given in a PUT; absent ones keep their value.
struct SettingsPatch {
    std::optional<std::string> organisation;
    std::optional<std::string> time_zone;
    std::optional<std::int64_t> goal_rides;
    std::optional<double> goal_km;
    std::optional<LocalDate> goal_from;
    std::optional<LocalDate> goal_to;
    std::optional<double> per_km_rate;
    std::optional<std::string> currency;
    std::optional<double> detour_factor;
    std::optional<double> speed_kmh;
    std::optional<int> early_tolerance_minutes;
    std::optional<int> late_tolerance_minutes;
    std::optional<int> min_ride_minutes;
    std::optional<double> ride_time_factor;
    std::optional<int> service_minutes;
    std::optional<int> time_limit_ms;
    std::optional<std::string> map_datum;
    std::optional<std::string> language;
};

class SettingsService {
  public:
    SettingsService(SettingsStore& store, const Clock& clock) : store_(store), clock_(clock) {}
    // Anyone signed in may read them (the UI needs the zone); only an admin changes them.
    Settings get();
    Settings update(const Actor& actor, const SettingsPatch& patch);

  private:
    SettingsStore& store_;
    const Clock& clock_;
};

// Settings <-> key/value form (exposed for tests).
SettingsMap to_map(const Settings& s);
Settings from_map(const SettingsMap& values);

}  // namespace lifeline
