#include "lifeline/core/simulate/simulate.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "lifeline/core/geo.h"

namespace lifeline {
namespace {

using std::chrono::days;
using std::chrono::minutes;
using std::chrono::seconds;

LocalDate date_of(int y, unsigned m, unsigned d) {
    return LocalDate{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

LocalDate plus_days(LocalDate d, int n) {
    return LocalDate{std::chrono::sys_days{d} + days{n}};
}

int days_between(LocalDate a, LocalDate b) {
    return int((std::chrono::sys_days{b} - std::chrono::sys_days{a}).count());
}

// splitmix64-seeded xorshift: small, fast, and the same sequence on every platform
// (the standard distributions are not specified bit for bit).
class Random {
  public:
    explicit Random(std::uint64_t seed)
        : state_(seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL) {
        next();
    }
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    int below(int n) { return int(next() % std::uint64_t(n)); }
    bool chance(double p) { return uniform() < p; }
    double normal() {  // Box–Muller
        double u = std::max(uniform(), 1e-12), v = uniform();
        return std::sqrt(-2 * std::log(u)) * std::cos(6.283185307179586 * v);
    }

  private:
    std::uint64_t state_;
};

struct Area {
    const char* name;
    double lat, lon;
    double spread_km;  // patients' and drivers' homes lie within this of the center
};

// Approximate positions (tests/data/jilin/places.csv), embedded so the replay needs no
// data files.
constexpr std::array<Area, 5> city_areas{{
    {"船营区 Chuanying District", 43.8336, 126.5407, 2.5},
    {"昌邑区 Changyi District", 43.8817, 126.5745, 2.5},
    {"龙潭区 Longtan District", 43.9104, 126.5622, 2.5},
    {"丰满区 Fengman District", 43.8214, 126.5619, 2.5},
    {"船营区向阳街道 Xiangyang Subdistrict", 43.8400, 126.5200, 1.2},
}};
constexpr std::array<Area, 5> counties{{
    {"永吉县口前镇 Yongji County", 43.6722, 126.4973, 3.0},
    {"蛟河市 Jiaohe", 43.7237, 127.3445, 3.0},
    {"舒兰市 Shulan", 44.4063, 126.9652, 3.0},
    {"桦甸市 Huadian", 42.9720, 126.7462, 3.0},
    {"磐石市 Panshi", 42.9463, 126.0601, 3.0},
}};

struct Hospital {
    const char* name;
    const char* address;
    double lat, lon;
};
constexpr std::array<Hospital, 5> hospitals{{
    {"吉林市中心医院 Jilin City Central Hospital 血液透析中心", "船营区 Chuanying District",
     43.8450, 126.5420},
    {"吉林市人民医院 Jilin City People's Hospital 血液透析中心", "昌邑区 Changyi District", 43.8600,
     126.5750},
    {"北华大学附属医院 Affiliated Hospital of Beihua University 血液透析中心",
     "船营区 Chuanying District", 43.8530, 126.5610},
    {"吉林医药学院附属医院 Affiliated Hospital of Jilin Medical University 血液透析中心",
     "丰满区 Fengman District", 43.8150, 126.5700},
    {"吉化总医院 Jilin Chemical Industry General Hospital 血液透析中心", "龙潭区 Longtan District",
     43.9050, 126.5600},
}};

constexpr std::array<const char*, 4> groups{
    {"民建 CNDCA", "民革 RCCK", "民进 CAPD", "新阶层 New social strata"}};

constexpr std::array<const char*, 24> surnames{{"王", "李", "张", "刘", "陈", "杨", "赵", "黄",
                                                "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
                                                "何", "高", "林", "罗", "郑", "梁", "谢", "宋"}};
constexpr std::array<const char*, 24> given_names{{"建国", "红梅", "伟",   "洋",   "静",   "磊",
                                                   "秀英", "志强", "桂兰", "国华", "淑珍", "明",
                                                   "丽娟", "德胜", "玉兰", "立新", "海燕", "春生",
                                                   "凤英", "振东", "丽华", "宝山", "金凤", "文斌"}};

std::string person_name(int i) {
    return std::string(surnames[std::size_t(i * 7 % 24)]) +
           given_names[std::size_t((i * 5 + i / 24) % 24)];
}

GeoPoint scatter(Random& rng, const Area& a) {
    // Uniform in a disc of radius spread_km.
    double r = a.spread_km * std::sqrt(rng.uniform()), t = rng.uniform(0, 6.283185307179586);
    double dlat = r * std::cos(t) / 111.2;
    double dlon = r * std::sin(t) / (111.2 * std::cos(a.lat * 3.141592653589793 / 180));
    return {a.lat + dlat, a.lon + dlon};
}

std::string digits(std::uint64_t n, int width) {
    std::string s = std::to_string(n);
    return std::string(std::size_t(std::max(0, width - int(s.size()))), '0') + s;
}

// Official 2022 holidays as a dialysis unit handles them: sessions move to the nearest
// day off work (mostly the Sunday) so no patient goes without; the Spring Festival eve
// is closed (the units run an in-house session the day before, no transport).
std::vector<Holiday> holidays_2022() {
    return {
        {date_of(2022, 1, 1), date_of(2022, 1, 2)},    // New Year's Day
        {date_of(2022, 1, 31), std::nullopt},          // Spring Festival eve: closed
        {date_of(2022, 2, 1), date_of(2022, 1, 30)},   // Spring Festival (official workday)
        {date_of(2022, 2, 2), date_of(2022, 2, 6)},    // Spring Festival, 2nd day
        {date_of(2022, 9, 10), date_of(2022, 9, 11)},  // Mid-Autumn Festival
        {date_of(2022, 10, 1), date_of(2022, 10, 2)},  // National Day
    };
}

struct SimDriver {
    Driver driver;
    Vehicle vehicle;
    Actor actor;
    double odometer = 0;  // the dashboard, exactly
    std::optional<LocalDate> last_trip;
};

struct Leg {
    Instant eta;
    std::size_t trip;  // index into the day's trips
    std::size_t stop;
    bool operator<(const Leg& o) const {
        return std::tie(eta, trip, stop) < std::tie(o.eta, o.trip, o.stop);
    }
};

struct DayTrip {
    SimDriver* driver;
    ManifestRoute route;
    TripId id = 0;
    GeoPoint at;
    Instant last{};
};

// The dashboard as a driver writes it down: to 100 m, never rounded up.
double dashboard_reading(const DayTrip& t) {
    return std::floor(t.driver->odometer * 10) / 10;
}

// The stops of all the day's trips in the order they are reached.
std::vector<Leg> legs_in_time_order(const std::vector<DayTrip>& trips) {
    std::vector<Leg> legs;
    for (std::size_t t = 0; t < trips.size(); ++t)
        for (std::size_t k = 0; k < trips[t].route.stops.size(); ++k)
            legs.push_back({trips[t].route.stops[k].eta, t, k});
    std::sort(legs.begin(), legs.end());
    return legs;
}

class Replay {
  public:
    Replay(SimulationFacades f, const Actor& admin, const Scenario& s,
           const SimulationAccounts& accounts, std::uint64_t seed)
        : f_(f), admin_(admin), s_(s), creds_(accounts), rng_(seed), seed_(seed) {}

    YearTotals run(const std::function<void(const SimulationProgress&)>& progress);

  private:
    // The day's requests: by id, and each patient's open ride home.
    struct DayRequests {
        std::map<RequestId, const RideRequest> by_id;
        std::map<PatientId, RequestId> home_ride;
    };

    void build_fleet();
    void set_up_dispatch();
    void create_centers();
    void create_patients();
    Patient draw_patient(int i, const Area& area, bool county);
    std::size_t nearest_center(GeoPoint home) const;
    void create_driver(int i);
    Driver draw_driver(int i, int far, bool wheelchair);
    Vehicle draw_vehicle(int i, bool wheelchair, DriverId driver);
    void plan_events();
    void cancel_before_plan(LocalDate d, const std::vector<RideRequest>& open);
    void cancel_on_the_day(LocalDate d);
    void drive(LocalDate d);
    DayRequests day_requests(LocalDate d);
    std::vector<DayTrip> start_trips(LocalDate d);
    double drive_to(DayTrip& t, GeoPoint to);
    seconds drive_time(double km, Instant from) const;
    bool road_model() const {
        return std::any_of(s_.road_speed_kmh.begin(), s_.road_speed_kmh.end(),
                           [](double v) { return v > 0; });
    }
    void log_stop(DayTrip& t, const ManifestStop& stop, const DayRequests& day,
                  std::set<RequestId>& skipped);
    void finish_trip(DayTrip& t);
    std::vector<RideRequest> requests_of(LocalDate d);
    void cancel(RequestId id, CancelReason reason, const std::string& note);
    void tally();

    SimulationFacades f_;
    Actor admin_;
    const Scenario& s_;
    SimulationAccounts creds_;
    Random rng_;
    std::uint64_t seed_;
    Actor dispatcher_;
    MatcherDefaults matcher_;
    const date::time_zone* zone_ = nullptr;
    std::vector<Place> centers_;
    std::vector<Patient> patients_;
    std::map<DriverId, SimDriver> drivers_;
    std::map<LocalDate, std::vector<std::pair<DriverId, Absence>>> absences_by_notice_;
    std::set<LocalDate> snow_days_;
    std::vector<Holiday> holidays_;
    YearTotals totals_;
};

// Sessions of the `k`th patient of an area.
DialysisSchedule dialysis_schedule(int k, bool county) {
    DialysisSchedule sched;
    sched.weekdays = k % 2 ? std::vector<unsigned>{2, 4, 6} : std::vector<unsigned>{1, 3, 5};
    // Morning, midday and afternoon shifts in the city. From the counties late morning
    // or early afternoon, so the drive there and back fits in a volunteer's day; two
    // patients of a county on the same days come two hours apart.
    static constexpr std::array<int, 3> shifts{7 * 60 + 30, 11 * 60 + 30, 16 * 60};
    sched.appointment = Minutes{county ? (k / 2 % 2 ? 12 * 60 + 30 : 10 * 60 + 30)
                                       : shifts[std::size_t(k / 2 % 3)]};
    sched.duration_minutes = 240;
    return sched;
}

void Replay::build_fleet() {
    set_up_dispatch();
    create_centers();
    create_patients();
    for (int i = 0; i < s_.drivers; ++i)
        create_driver(i);
    totals_.patients = int(patients_.size());
    totals_.drivers = int(drivers_.size());
    totals_.vehicles = int(drivers_.size());
}

// The scenario's speed in the settings, and the dispatcher's account.
void Replay::set_up_dispatch() {
    SettingsPatch patch;
    patch.speed_kmh = s_.speed_kmh;
    Settings settings = f_.settings.update(admin_, patch);
    matcher_ = settings.matcher;
    zone_ = find_zone(settings.time_zone);

    User disp = f_.accounts.create(admin_, NewUser{creds_.dispatcher_username, creds_.password,
                                                   Role::dispatcher, std::nullopt});
    dispatcher_ = Actor{disp.id, disp.username, Role::dispatcher, std::nullopt};
}

void Replay::create_centers() {
    for (const Hospital& h : hospitals) {
        Place p;
        p.name = h.name;
        p.address = h.address;
        p.location = {h.lat, h.lon};
        p.kind = PlaceKind::dialysis_center;
        centers_.push_back(f_.fleet.create_place(dispatcher_, p));
    }
}

// Patients: the city's districts, then the counties; each with the nearest center
// (county patients: the Central Hospital, the referral unit).
void Replay::create_patients() {
    std::vector<std::pair<const Area*, int>> homes;  // area, index within a county
    for (int i = 0; i < s_.city_patients; ++i)
        homes.push_back({&city_areas[std::size_t(i % 5)], i});
    for (std::size_t c = 0; c < counties.size(); ++c)
        for (int k = 0; k < s_.county_patients[c]; ++k)
            homes.push_back({&counties[c], k});
    for (int i = 0; i < int(homes.size()); ++i) {
        const bool county = i >= s_.city_patients;
        const Area& area = *homes[std::size_t(i)].first;
        const int k = homes[std::size_t(i)].second;
        Patient p = draw_patient(i, area, county);
        p.center_id = centers_[county ? 0 : nearest_center(p.location)].id;
        p.schedule = dialysis_schedule(k, county);
        patients_.push_back(f_.fleet.create_patient(dispatcher_, p));
    }
}

// The `i`th patient's person, home and needs, drawn in a fixed order from the seed.
Patient Replay::draw_patient(int i, const Area& area, bool county) {
    Patient p;
    p.name = person_name(i + 100);
    p.phone = "158" + digits(43210000 + std::uint64_t(i) * 7919 % 10000000, 8);
    p.location = scatter(rng_, area);
    p.address = std::string(area.name) + " " + std::to_string(1 + rng_.below(180)) + "号";
    // Wheelchair users and ride-alone patients live in the city: the long county
    // drives are the ones volunteers share the least flexibly, so keep them plain.
    const bool wheelchair = rng_.chance(s_.wheelchair_share);
    const bool alone = rng_.chance(s_.ride_alone_share);
    p.mobility = wheelchair && !county ? Mobility::wheelchair : Mobility::ambulatory;
    p.escort = rng_.chance(s_.escort_share);
    p.ride_alone = alone && !county;
    if (p.mobility == Mobility::wheelchair)
        p.notes = "轮椅 wheelchair: needs the ramp";
    if (p.ride_alone)
        p.notes += std::string(p.notes.empty() ? "" : "; ") + "rides alone (infection control)";
    return p;
}

std::size_t Replay::nearest_center(GeoPoint home) const {
    std::size_t nearest = 0;
    for (std::size_t c = 1; c < centers_.size(); ++c)
        if (haversine_m(home, centers_[c].location) < haversine_m(home, centers_[nearest].location))
            nearest = c;
    return nearest;
}

// The `i`th volunteer: the driver, their car and their account.
void Replay::create_driver(int i) {
    // The last two live in Huadian and Panshi when the scenario has them, and drive
    // ramped minivans: they are all their county's patients have.
    const int far = s_.far_county_drivers ? i - (s_.drivers - 2) : -1;
    const bool wheelchair = i < s_.wheelchair_drivers || far >= 0;
    SimDriver sd;
    sd.driver = f_.fleet.create_driver(dispatcher_, draw_driver(i, far, wheelchair));
    sd.vehicle = f_.fleet.create_vehicle(dispatcher_, draw_vehicle(i, wheelchair, sd.driver.id));
    sd.odometer = sd.vehicle.odometer_km;

    std::string username =
        i == 0 ? creds_.driver_username : creds_.driver_username + digits(std::uint64_t(i + 1), 2);
    User u =
        f_.accounts.create(admin_, NewUser{username, creds_.password, Role::driver, sd.driver.id});
    sd.actor = Actor{u.id, u.username, Role::driver, sd.driver.id};
    drivers_.emplace(sd.driver.id, sd);
}

// `far`: the index of the far county the driver lives in, or negative in the city.
Driver Replay::draw_driver(int i, int far, bool wheelchair) {
    Driver d;
    d.name = person_name(i);
    d.phone = "139" + digits(4320000 + std::uint64_t(i) * 104729 % 10000000, 8);
    d.group = groups[std::size_t(i % 4)];
    d.home = far >= 0 ? scatter(rng_, counties[std::size_t(3 + far)])
                      : scatter(rng_, city_areas[std::size_t(i % 5)]);
    d.wheelchair_trained = wheelchair;
    // Three days a week, Mon/Wed/Fri or Tue/Thu/Sat like the sessions; every fourth
    // volunteer also gives Sundays (holidays move sessions there).
    std::vector<unsigned> week =
        i % 2 ? std::vector<unsigned>{2, 4, 6} : std::vector<unsigned>{1, 3, 5};
    if (i % 4 == 0)
        week.push_back(7);
    if (far >= 0)
        week = {1, 2, 3, 4, 5, 6};
    for (unsigned wd : week)
        d.shifts.push_back({wd, Minutes{6 * 60}, Minutes{21 * 60}});
    return d;
}

Vehicle Replay::draw_vehicle(int i, bool wheelchair, DriverId driver) {
    Vehicle v;
    v.plate = std::string("吉B·") + char('A' + i % 26) + digits(std::uint64_t(1000 + i * 37), 4);
    v.description = wheelchair ? "Minivan with a wheelchair ramp" : "Own car, sedan";
    v.seats = wheelchair ? 3 : 4;
    v.wheelchair_spaces = wheelchair ? 1 : 0;
    v.driver_id = driver;
    v.odometer_km = std::floor(rng_.uniform(15000, 120000));
    return v;
}

// The year's irregular events, drawn once up front: drivers' absences (notified a week
// ahead) and snow days.
void Replay::plan_events() {
    const int span = days_between(s_.first, s_.last) + 1;
    std::vector<DriverId> ids;
    for (const auto& [id, d] : drivers_)
        ids.push_back(id);
    for (int k = 0; k < s_.absences; ++k) {
        DriverId who = ids[std::size_t(rng_.below(int(ids.size())))];
        LocalDate from = plus_days(s_.first, 7 + rng_.below(std::max(1, span - 21)));
        Absence a{from, plus_days(from, 2 + rng_.below(12))};
        absences_by_notice_[plus_days(from, -7)].push_back({who, a});
    }
    // Heavy snow falls in Jilin from November to March.
    static constexpr std::array<unsigned, 5> snow_months{1, 2, 3, 11, 12};
    while (int(snow_days_.size()) < s_.snow_days) {
        unsigned m = snow_months[std::size_t(rng_.below(5))];
        LocalDate d = date_of(int(s_.first.year()), m, unsigned(1 + rng_.below(28)));
        if (d >= s_.first && d <= s_.last)
            snow_days_.insert(d);
    }
    holidays_ = holidays_2022();
}

std::vector<RideRequest> Replay::requests_of(LocalDate d) {
    std::vector<RideRequest> out;
    RequestFilter filter;
    filter.date = d;
    PageRequest page{500, std::nullopt};
    for (;;) {
        auto p = f_.dispatch.list_requests(dispatcher_, filter, page);
        out.insert(out.end(), p.items.begin(), p.items.end());
        if (!p.next_cursor)
            break;
        page.after = p.next_cursor;
    }
    return out;
}

void Replay::cancel(RequestId id, CancelReason reason, const std::string& note) {
    f_.dispatch.cancel_request(dispatcher_, id, reason, note);
}

// A patient calls off a session the day before (in hospital, a relative drives), or the
// snow closes the roads: both rides of the session are cancelled before the plan.
void Replay::cancel_before_plan(LocalDate d, const std::vector<RideRequest>& requests) {
    std::map<PatientId, std::vector<RequestId>> sessions;
    for (const RideRequest& r : requests)
        if (r.open() && r.source == RequestSource::schedule)
            sessions[r.patient_id].push_back(r.id);
    const bool snow = snow_days_.count(d) > 0;
    for (const auto& [patient, ids] : sessions) {
        std::optional<std::pair<CancelReason, const char*>> why;
        if (snow && rng_.chance(s_.snow_cancel))
            why = {CancelReason::weather, "heavy snow: the patient stays home"};
        else if (rng_.chance(s_.cancel_patient))
            why = {CancelReason::patient, "the patient called: a relative drives them"};
        else if (rng_.chance(s_.cancel_other))
            why = {CancelReason::other, "session rescheduled by the center"};
        if (why)
            for (RequestId id : ids)
                cancel(id, why->first, why->second);
    }
}

// Calls on the morning of the day, after the plan: the dispatcher takes the rides off
// their routes.
void Replay::cancel_on_the_day(LocalDate d) {
    std::map<PatientId, std::vector<RequestId>> sessions;
    for (const RideRequest& r : requests_of(d))
        if (r.open() && r.source == RequestSource::schedule)
            sessions[r.patient_id].push_back(r.id);
    for (const auto& [patient, ids] : sessions)
        if (rng_.chance(s_.cancel_late))
            for (RequestId id : ids)
                cancel(id, CancelReason::late_cancel, "the patient called this morning");
}

// Each driver reads their manifest, starts the route's trip at home with the dashboard
// reading, logs every stop at about its ETA with the odometer, and finishes at home.
// Stops of all routes are logged in time order, so a no-show cancels the ride home
// before anyone gets there.
void Replay::drive(LocalDate d) {
    DayRequests day = day_requests(d);
    std::vector<DayTrip> trips = start_trips(d);
    std::set<RequestId> skipped;  // cancelled on the way, or not aboard after a no-show
    for (const Leg& leg : legs_in_time_order(trips)) {
        DayTrip& t = trips[leg.trip];
        const ManifestStop& stop = t.route.stops[leg.stop];
        if (skipped.count(stop.request_id))
            continue;
        log_stop(t, stop, day, skipped);
    }
    for (DayTrip& t : trips)
        finish_trip(t);
}

Replay::DayRequests Replay::day_requests(LocalDate d) {
    DayRequests day;
    for (const RideRequest& r : requests_of(d)) {
        day.by_id.emplace(r.id, r);
        if (r.direction == Direction::home && r.open())
            day.home_ride[r.patient_id] = r.id;
    }
    return day;
}

// Every driver with a planned route that day opens its trip at home.
std::vector<DayTrip> Replay::start_trips(LocalDate d) {
    std::vector<DayTrip> trips;
    std::set<DriverId> on_route;
    for (const Route& r : f_.dispatch.routes(dispatcher_, d))
        if (r.status == RouteStatus::planned && !r.stops.empty())
            on_route.insert(r.driver_id);
    for (DriverId id : on_route) {
        SimDriver& sd = drivers_.at(id);
        // The replay reads the day's manifest as the dispatcher: a driver's own reading is
        // limited to the days around today, and the replayed days are long past.
        Manifest m = f_.dispatch.manifest(dispatcher_, id, d);
        for (ManifestRoute& mr : m.routes) {
            if (mr.status != RouteStatus::planned || mr.stops.empty() || !mr.starts_at)
                continue;
            // Own car: private driving since the last trip moves the odometer too.
            if (sd.last_trip)
                sd.odometer += days_between(*sd.last_trip, d) * rng_.uniform(0, 25);
            sd.last_trip = d;
            TripInput in;
            in.driver_id = id;
            in.vehicle_id = mr.vehicle_id;
            in.route_id = mr.id;
            in.started_at = *mr.starts_at - minutes{rng_.below(8)};
            in.odometer_start = std::floor(sd.odometer * 10) / 10;
            Trip t = f_.ledger.open_or_log(sd.actor, in);
            DayTrip dt{&sd, mr, t.id, sd.driver.home, in.started_at};
            trips.push_back(std::move(dt));
        }
    }
    return trips;
}

// Drives `t` to `to`, moving its dashboard by the detoured and noisy distance (km).
double Replay::drive_to(DayTrip& t, GeoPoint to) {
    double factor = std::max(0.9, 1 + s_.odometer_noise * rng_.normal());
    const double detour =
        s_.road_detour_factor > 0 ? s_.road_detour_factor : matcher_.detour_factor;
    double km = haversine_m(t.at, to) / 1000 * detour * factor;
    t.driver->odometer += km;
    t.at = to;
    return km;
}

// How long `km` of road takes from `from`: at the road's speed of that local hour and
// with the stop's service time when the scenario gives one, else at the travel model's.
seconds Replay::drive_time(double km, Instant from) const {
    const double road = s_.road_speed_kmh[std::size_t(local_clock(from, zone_).count() / 60 % 24)];
    if (road > 0)
        return seconds{std::int64_t(km / road * 3600) + matcher_.service_minutes * 60};
    return seconds{std::int64_t(km / matcher_.speed_kmh * 3600)};
}

// Drives to a stop and logs it: a drop-off, a pickup, or a no-show that calls off the
// patient's ride home.
void Replay::log_stop(DayTrip& t, const ManifestStop& stop, const DayRequests& day,
                      std::set<RequestId>& skipped) {
    double km = drive_to(t, stop.location);
    const Instant arrival = t.last + drive_time(km, t.last);
    Instant at = std::max(stop.eta + minutes{rng_.below(9) - 3}, arrival);
    // On the scenario's own roads a drop-off is logged on arrival; a pickup still waits
    // for the patient's planned time.
    if (road_model() && stop.kind == StopKind::dropoff)
        at = arrival;
    t.last = at;
    TripEvent ev;
    ev.request_id = stop.request_id;
    ev.at = at;
    ev.odometer = dashboard_reading(t);
    if (stop.kind == StopKind::pickup) {
        const RideRequest& request = day.by_id.at(stop.request_id);
        auto home = day.home_ride.find(request.patient_id);
        const bool to_center = request.direction == Direction::to_center;
        if (rng_.chance(to_center ? s_.no_show_to_center : s_.no_show_home)) {
            ev.type = TripEventType::no_show;
            f_.ledger.add_event(t.driver->actor, t.id, ev);
            skipped.insert(stop.request_id);
            ++totals_.no_shows;
            // Not at dialysis, so no ride home: the dispatcher calls it off.
            if (to_center && home != day.home_ride.end()) {
                cancel(home->second, CancelReason::patient,
                       "no-show at the morning pickup: no ride home needed");
                skipped.insert(home->second);
            }
            return;
        }
        ev.type = TripEventType::pickup;
    } else {
        ev.type = TripEventType::dropoff;
        ++totals_.rides_completed;
    }
    f_.ledger.add_event(t.driver->actor, t.id, ev);
}

// Home again: the trip ends with the dashboard reading, and counts in the year's totals.
void Replay::finish_trip(DayTrip& t) {
    double km = drive_to(t, t.driver->driver.home);
    TripFinish fin;
    Instant back = t.last + drive_time(km, t.last) + seconds{60};
    fin.ended_at = std::max(back, t.route.ends_at.value_or(back) + minutes{rng_.below(6)});
    fin.odometer_end = dashboard_reading(t);
    Trip done = f_.ledger.finish(t.driver->actor, t.id, fin);
    ++totals_.trips;
    totals_.km += done.km().value_or(0);
    totals_.volunteer_hours += double((*done.ended_at - done.started_at).count()) / 3600.0;
}

// The year's request outcomes as the database has them.
void Replay::tally() {
    totals_.requests = 0;
    totals_.cancellations = {};
    totals_.unserved = 0;
    std::int64_t completed = 0, no_shows = 0;
    PageRequest page{500, std::nullopt};
    for (;;) {
        auto p = f_.dispatch.list_requests(dispatcher_, {}, page);
        for (const RideRequest& r : p.items) {
            if (r.service_date < s_.first || r.service_date > s_.last)
                continue;
            ++totals_.requests;
            switch (r.status) {
                case RequestStatus::completed:
                    ++completed;
                    break;
                case RequestStatus::no_show:
                    ++no_shows;
                    break;
                case RequestStatus::cancelled:
                    ++totals_.cancellations[std::size_t(
                        r.cancel_reason.value_or(CancelReason::other))];
                    break;
                case RequestStatus::unserved:
                case RequestStatus::pending:
                case RequestStatus::scheduled:
                    ++totals_.unserved;
                    break;
                case RequestStatus::in_progress:
                    break;
            }
        }
        if (!p.next_cursor)
            break;
        page.after = p.next_cursor;
    }
    totals_.rides_completed = completed;
    totals_.no_shows = no_shows;
}

YearTotals Replay::run(const std::function<void(const SimulationProgress&)>& progress) {
    build_fleet();
    plan_events();
    std::size_t next_holiday = 0;
    std::sort(holidays_.begin(), holidays_.end(),
              [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
    int day_index = 0;
    for (LocalDate d = s_.first; d <= s_.last; d = plus_days(d, 1), ++day_index) {
        // The dispatcher keeps a week of requests ahead, and enters holidays and
        // absences as they come into view.
        const LocalDate horizon = plus_days(d, 6);
        f_.dispatch.generate(dispatcher_, d, horizon);
        for (; next_holiday < holidays_.size() && holidays_[next_holiday].date <= horizon;
             ++next_holiday) {
            f_.dispatch.put_holiday(dispatcher_, holidays_[next_holiday]);
            ++totals_.holidays;
        }
        for (auto it = absences_by_notice_.begin();
             it != absences_by_notice_.end() && it->first <= d;
             it = absences_by_notice_.erase(it)) {
            for (const auto& [who, absence] : it->second) {
                f_.fleet.add_absence(dispatcher_, who, absence);
                ++totals_.absences;
            }
        }

        cancel_before_plan(d, requests_of(d));
        PlanOptions options;
        options.time_limit_ms = s_.plan_time_limit_ms;
        options.max_iterations = s_.plan_iterations;
        options.seed = seed_ * 1000 + std::uint64_t(day_index);
        DayPlan plan = f_.dispatch.plan_day(dispatcher_, d, options);
        totals_.plan_ms += plan.stats.solve_ms;
        totals_.plan_iterations += plan.stats.iterations;
        cancel_on_the_day(d);
        drive(d);
        ++totals_.days;
        if (progress)
            progress(SimulationProgress{d, &totals_});
    }
    tally();
    return totals_;
}

}  // namespace

std::int64_t YearTotals::cancelled() const {
    std::int64_t n = 0;
    for (auto c : cancellations)
        n += c;
    return n;
}

Scenario jilin_2022() {
    Scenario s;
    s.name = "jilin-2022";
    s.first = date_of(2022, 1, 1);
    s.last = date_of(2022, 12, 31);
    s.city_patients = 13;
    s.county_patients = {1, 3, 4, 2, 2};
    s.drivers = 26;
    s.far_county_drivers = true;
    s.wheelchair_drivers = 4;
    s.wheelchair_share = 0.12;
    s.escort_share = 0.2;
    s.ride_alone_share = 0.08;
    s.cancel_patient = 0.025;
    s.cancel_late = 0.005;
    s.cancel_other = 0.003;
    s.no_show_to_center = 0.012;
    s.no_show_home = 0.002;
    s.snow_days = 4;
    s.snow_cancel = 0.3;
    s.absences = 8;
    s.speed_kmh = 45;
    s.odometer_noise = 0.05;
    s.plan_time_limit_ms = 5000;
    s.plan_iterations = 300;
    return s;
}

std::optional<Scenario> find_scenario(std::string_view name) {
    if (name == "jilin-2022")
        return jilin_2022();
    return std::nullopt;
}

YearTotals simulate(SimulationFacades facades, const Actor& admin, const Scenario& scenario,
                    const SimulationAccounts& accounts, std::uint64_t seed,
                    const std::function<void(const SimulationProgress&)>& progress) {
    Replay replay(facades, admin, scenario, accounts, seed);
    return replay.run(progress);
}

}  // namespace lifeline
