#include "lifeline/core/demo.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace lifeline {
namespace {

struct CenterSeed {
    const char* name;
    const char* address;
    double lat, lon;
};
// Approximate positions of large hospitals of Jilin City (see shared data/jilin).
constexpr std::array<CenterSeed, 3> centers{{
    {"吉林市中心医院 Jilin City Central Hospital", "船营区 Chuanying District", 43.8450, 126.5420},
    {"吉林市人民医院 Jilin City People's Hospital", "昌邑区 Changyi District", 43.8600, 126.5750},
    {"北华大学附属医院 Beihua University Hospital", "船营区 Chuanying District", 43.8530, 126.5610},
}};

struct DriverSeed {
    const char* name;
    const char* group;
    double lat, lon;
    bool wheelchair_trained;
    const char* plate;
    int wheelchair_spaces;
};
constexpr std::array<DriverSeed, 6> drivers{{
    {"王建国", "民建 CNDCA", 43.8336, 126.5407, true, "吉B·D1234", 1},
    {"李红梅", "民革 RCCK", 43.8817, 126.5745, false, "吉B·A5821", 0},
    {"张伟", "民进 CAPD", 43.9104, 126.5622, false, "吉B·C0937", 0},
    {"刘洋", "新阶层 New social strata", 43.8214, 126.5619, true, "吉B·E7710", 1},
    {"陈静", "民建 CNDCA", 43.8400, 126.5200, false, "吉B·F3302", 0},
    {"赵磊", "民进 CAPD", 43.6722, 126.4973, false, "吉B·G4418", 0},
}};

struct PatientSeed {
    const char* name;
    const char* address;
    double lat, lon;
    bool wheelchair;
    bool escort;
    bool ride_alone;
    int center;
    bool mwf;
    int appointment_minute;
};
constexpr std::array<PatientSeed, 10> patients{{
    {"孙秀英", "船营区向阳街道", 43.8420, 126.5180, false, false, false, 0, true, 7 * 60 + 30},
    {"周志强", "昌邑区", 43.8790, 126.5810, true, true, false, 1, true, 7 * 60 + 30},
    {"吴桂兰", "龙潭区", 43.9150, 126.5550, false, false, false, 2, false, 8 * 60},
    {"郑国华", "丰满区", 43.8180, 126.5700, false, true, false, 0, false, 12 * 60},
    {"冯淑珍", "永吉县口前镇", 43.6700, 126.5000, false, false, false, 0, true, 12 * 60},
    {"褚明", "船营区", 43.8350, 126.5300, true, false, false, 2, true, 7 * 60 + 30},
    {"卫丽娟", "昌邑区", 43.8700, 126.5900, false, false, true, 1, false, 7 * 60 + 30},
    {"蒋德胜", "龙潭区", 43.9000, 126.5700, false, false, false, 1, false, 12 * 60},
    {"沈玉兰", "丰满区", 43.8100, 126.5500, false, true, false, 0, true, 16 * 60},
    {"韩立新", "船营区", 43.8480, 126.5350, false, false, false, 2, false, 16 * 60},
}};

// Straight-line kilometres between two points, for plausible odometer readings.
double km_between(GeoPoint a, GeoPoint b) {
    constexpr double earth_km = 6371.0, rad = 3.14159265358979323846 / 180.0;
    double dlat = (b.lat - a.lat) * rad, dlon = (b.lon - a.lon) * rad;
    double h =
        std::sin(dlat / 2) * std::sin(dlat / 2) +
        std::cos(a.lat * rad) * std::cos(b.lat * rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * earth_km * std::asin(std::sqrt(h));
}

}  // namespace

bool seed_demo(Fleet& fleet, Accounts& accounts, Ledger& ledger, const Actor& admin,
               const DemoCredentials& creds, Instant today) {
    if (!fleet.list_drivers(admin, {}, PageRequest{1, std::nullopt}).items.empty())
        return false;

    std::vector<Place> center_places;
    for (const auto& c : centers) {
        Place p;
        p.name = c.name;
        p.address = c.address;
        p.location = {c.lat, c.lon};
        p.kind = PlaceKind::dialysis_center;
        center_places.push_back(fleet.create_place(admin, p));
    }

    std::vector<Driver> driver_rows;
    std::vector<Vehicle> vehicle_rows;
    for (std::size_t i = 0; i < drivers.size(); ++i) {
        const auto& s = drivers[i];
        Driver d;
        d.name = s.name;
        d.phone = "1390432" + std::to_string(1000 + i);
        d.group = s.group;
        d.home = {s.lat, s.lon};
        d.wheelchair_trained = s.wheelchair_trained;
        for (unsigned day = 1; day <= 6; ++day)
            d.shifts.push_back({day, Minutes{6 * 60}, Minutes{(i % 2 ? 13 : 20) * 60}});
        Driver created = fleet.create_driver(admin, d);
        driver_rows.push_back(created);

        Vehicle v;
        v.plate = s.plate;
        v.description = s.wheelchair_spaces ? "Minivan with a wheelchair ramp" : "Family sedan";
        v.seats = s.wheelchair_spaces ? 3 : 4;
        v.wheelchair_spaces = s.wheelchair_spaces;
        v.driver_id = created.id;
        v.odometer_km = 20000 + 7919.0 * double(i);
        vehicle_rows.push_back(fleet.create_vehicle(admin, v));
    }

    std::vector<Patient> patient_rows;
    for (std::size_t i = 0; i < patients.size(); ++i) {
        const auto& s = patients[i];
        Patient p;
        p.name = s.name;
        p.phone = "1584321" + std::to_string(2000 + i);
        p.address = s.address;
        p.location = {s.lat, s.lon};
        p.mobility = s.wheelchair ? Mobility::wheelchair : Mobility::ambulatory;
        p.escort = s.escort;
        p.ride_alone = s.ride_alone;
        p.center_id = center_places[std::size_t(s.center)].id;
        DialysisSchedule sched;
        sched.weekdays = s.mwf ? std::vector<unsigned>{1, 3, 5} : std::vector<unsigned>{2, 4, 6};
        sched.appointment = Minutes{s.appointment_minute};
        sched.duration_minutes = 240;
        p.schedule = sched;
        patient_rows.push_back(fleet.create_patient(admin, p));
    }

    accounts.create(
        admin, NewUser{creds.dispatcher_username, creds.password, Role::dispatcher, std::nullopt});
    accounts.create(
        admin, NewUser{creds.driver_username, creds.password, Role::driver, driver_rows[0].id});

    // A week of logged trips: each patient driven to the center and home again on
    // their dialysis days, by a driver whose car fits them.
    auto day_start = std::chrono::floor<std::chrono::days>(today);
    for (int back = 7; back >= 1; --back) {
        auto day = day_start - std::chrono::days{back};
        unsigned weekday = std::chrono::weekday{day}.iso_encoding();
        for (std::size_t i = 0; i < patient_rows.size(); ++i) {
            const Patient& p = patient_rows[i];
            const auto& sched = *p.schedule;
            if (std::find(sched.weekdays.begin(), sched.weekdays.end(), weekday) ==
                sched.weekdays.end())
                continue;
            // Wheelchair users ride with the trained drivers and their ramped vans.
            std::size_t k = p.mobility == Mobility::wheelchair ? (i % 2 ? 3 : 0) : (i % 6);
            if (p.mobility != Mobility::wheelchair && (k == 0 || k == 3))
                k = 1 + i % 2 * 3 + 1;
            k %= driver_rows.size();
            const Driver& d = driver_rows[k];
            Vehicle v = fleet.get_vehicle(admin, vehicle_rows[k].id);
            const Place& center = center_places[std::size_t(patients[i].center)];
            double leg = km_between(p.location, center.location) * 1.3;
            double approach = km_between(d.home, p.location) * 1.3;
            double home_leg = km_between(center.location, d.home) * 1.3;
            // UTC+8: local appointment time minus 8 hours.
            auto appointment = day + Minutes{sched.appointment} - std::chrono::hours{8};
            auto start = appointment - std::chrono::minutes{55};
            auto pickup = appointment - std::chrono::minutes{35};
            auto dropoff = appointment - std::chrono::minutes{8};
            auto end = appointment + std::chrono::minutes{20};

            TripInput t;
            t.driver_id = d.id;
            t.vehicle_id = v.id;
            t.started_at = start;
            t.odometer_start = std::round(v.odometer_km + 0.4);
            double at_pickup = t.odometer_start + approach;
            double at_dropoff = at_pickup + leg;
            t.ended_at = end;
            t.odometer_end = std::round(at_dropoff + home_leg + 0.5);
            Ride r;
            r.patient_id = p.id;
            r.picked_up_at = pickup;
            r.dropped_off_at = dropoff;
            r.odometer_pickup = std::round(at_pickup * 10) / 10;
            r.odometer_dropoff = std::round(at_dropoff * 10) / 10;
            r.outcome = RideOutcome::completed;
            t.rides.push_back(r);
            ledger.open_or_log(admin, t);
        }
    }
    return true;
}

}  // namespace lifeline
