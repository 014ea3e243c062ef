#pragma once
// The organisation's settings (docs/design.md §2, §4): name, time zone, language, the year's
// goals, the per-km rate of volunteer mileage statements, the matcher's defaults, and the
// datum of the map's tile layer.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
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
    int time_limit_ms = 5000;  // planning a day: the cap (the search stops when converged)
    // Planning today leaves out pickups sooner than this: a driver needs time to get there.
    int plan_lead_minutes = 30;
    // What a day plan minimises after serving all it can: "distance" (the total), or
    // "vehicles" (the fewest volunteer drivers, then the distance).
    std::string objective = "distance";
};

struct Settings {
    std::string organisation = "Lifeline volunteer transport";
    std::string time_zone = "Asia/Shanghai";
    // The organisation's language: of what it prints (run sheets) and of the UI for users
    // who have not chosen one. "zh-CN" or "en".
    std::string language = "zh-CN";
    std::string phone_region = "CN";  // country of phone numbers written without +code
    Goals goals;
    double per_km_rate = 0.5;  // reimbursement per km driven in one's own car
    std::string currency = "CNY";
    MatcherDefaults matcher;
    // The datum the map's tiles are drawn in (WGS-84 for OpenStreetMap, GCJ-02 for Amap or
    // Tencent tiles, BD-09 for Baidu's): the map and the location pickers convert the
    // stored WGS-84 to it and back (geo/datum.h).
    Datum map_datum = Datum::wgs84;
    // The map's tiles: a URL template with {z}, {x}, {y} (and optionally {s}, a subdomain
    // a, b or c, as the host's first label), and the words that credit their source. The
    // pages' Content-Security-Policy allows images from exactly this host (tile_source).
    std::string map_tile_url = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
    std::string map_tile_attribution = "© OpenStreetMap contributors";
    // Live positions of trips are deleted this many days after they were taken.
    int position_retention_days = 90;
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
    std::optional<std::string> language;
    std::optional<std::string> phone_region;
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
    std::optional<int> plan_lead_minutes;
    std::optional<std::string> objective;
    std::optional<int> position_retention_days;
    std::optional<std::string> map_tile_url;
    std::optional<std::string> map_tile_attribution;
};

// The Content-Security-Policy source that allows a tile URL template's images: its scheme,
// host and port ("https://tile.openstreetmap.org", "http://127.0.0.1:8081"), with a
// leading {s}. label as "*." ("https://*.tile.example.org"). Nothing when the template is
// not an http or https URL with {z}, {x} and {y}, or has a character a policy or a URL
// cannot carry (space, quote, comma, semicolon, …), or {s} elsewhere in the host.
std::optional<std::string> tile_source(std::string_view url_template);

// The languages of the UI.
bool is_ui_language(std::string_view tag);

class SettingsService {
  public:
    SettingsService(SettingsStore& store, const Clock& clock) : store_(store), clock_(clock) {}
    // Anyone signed in may read them (the UI needs the zone); only an admin changes them.
    Settings get();
    Settings update(const Actor& actor, const SettingsPatch& patch);
    // The travel model a dispatcher accepted from calibration (dispatch/calibration.h):
    // the matcher's detour factor and speed, kept within their ranges, audited as
    // "calibrate".
    Settings apply_travel_model(const Actor& actor, double detour_factor, double speed_kmh);

  private:
    void save(const Actor& actor, const Settings& before, const Settings& after,
              const char* action);
    SettingsStore& store_;
    const Clock& clock_;
};

// Settings <-> key/value form (exposed for tests).
SettingsMap to_map(const Settings& s);
Settings from_map(const SettingsMap& values);

}  // namespace lifeline
