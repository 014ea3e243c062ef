#include "lifeline/storage/migrations.h"

#include <algorithm>
#include <array>
#include <string>

#include "lifeline/core/errors.h"

namespace lifeline::storage {
namespace {

// Forward-only: never edit a migration that has shipped; add the next one.
// Instants are INTEGER seconds since the Unix epoch (UTC); local dates are TEXT
// 'YYYY-MM-DD'; wall-clock times INTEGER minutes after local midnight.
constexpr std::array<const char*, 10> migrations{
    // 1: people, places, vehicles, accounts, requests and plans, the trip ledger and its
    // audit trail.
    R"sql(
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE places (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    lat     REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon     REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    kind    TEXT NOT NULL CHECK (kind IN ('dialysis_center','hospital','home','other')),
    active  INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE drivers (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    phone              TEXT NOT NULL DEFAULT '',
    civic_group        TEXT NOT NULL DEFAULT '',
    home_lat           REAL NOT NULL CHECK (home_lat BETWEEN -90 AND 90),
    home_lon           REAL NOT NULL CHECK (home_lon BETWEEN -180 AND 180),
    wheelchair_trained INTEGER NOT NULL DEFAULT 0,
    active             INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE driver_shifts (
    driver_id INTEGER NOT NULL REFERENCES drivers(id),
    weekday   INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_min INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min   INTEGER NOT NULL CHECK (end_min BETWEEN 1 AND 1440)
) STRICT;
CREATE INDEX driver_shifts_by_driver ON driver_shifts (driver_id);

CREATE TABLE driver_absences (
    id        INTEGER PRIMARY KEY,
    driver_id INTEGER NOT NULL REFERENCES drivers(id),
    from_date TEXT NOT NULL,
    to_date   TEXT NOT NULL
) STRICT;
CREATE INDEX driver_absences_by_driver ON driver_absences (driver_id);

CREATE TABLE vehicles (
    id                INTEGER PRIMARY KEY,
    plate             TEXT NOT NULL UNIQUE,
    description       TEXT NOT NULL DEFAULT '',
    seats             INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 60),
    wheelchair_spaces INTEGER NOT NULL DEFAULT 0 CHECK (wheelchair_spaces BETWEEN 0 AND 10),
    driver_id         INTEGER REFERENCES drivers(id),
    odometer_km       REAL NOT NULL DEFAULT 0,
    active            INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE patients (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    phone            TEXT NOT NULL DEFAULT '',
    address          TEXT NOT NULL DEFAULT '',
    lat              REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon              REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    mobility         TEXT NOT NULL CHECK (mobility IN ('ambulatory','wheelchair')),
    escort           INTEGER NOT NULL DEFAULT 0,
    ride_alone       INTEGER NOT NULL DEFAULT 0,
    notes            TEXT NOT NULL DEFAULT '',
    center_id        INTEGER REFERENCES places(id),
    schedule_days    TEXT,             -- ISO weekdays '1,3,5'; NULL: no schedule
    schedule_minute  INTEGER,          -- appointment, minutes after local midnight
    schedule_minutes INTEGER,          -- session duration
    active           INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin','dispatcher','driver')),
    driver_id     INTEGER REFERENCES drivers(id),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,      -- SHA-256 of the bearer token; the token is never stored
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Holidays: that day's center sessions move to another date, or the day is closed.
CREATE TABLE holidays (
    date    TEXT PRIMARY KEY,          -- local date 'YYYY-MM-DD'
    move_to TEXT,                      -- NULL: closed
    CHECK (move_to IS NULL OR move_to <> date)
) STRICT;

-- Ride requests: one patient carried from a pickup to a drop-off on a service day.
CREATE TABLE requests (
    id               INTEGER PRIMARY KEY,
    patient_id       INTEGER NOT NULL REFERENCES patients(id),
    direction        TEXT NOT NULL CHECK (direction IN ('to_center','home','other')),
    service_date     TEXT NOT NULL,    -- local date of the ride
    pickup_place_id  INTEGER REFERENCES places(id),
    pickup_lat       REAL NOT NULL CHECK (pickup_lat BETWEEN -90 AND 90),
    pickup_lon       REAL NOT NULL CHECK (pickup_lon BETWEEN -180 AND 180),
    pickup_address   TEXT NOT NULL DEFAULT '',
    dropoff_place_id INTEGER REFERENCES places(id),
    dropoff_lat      REAL NOT NULL CHECK (dropoff_lat BETWEEN -90 AND 90),
    dropoff_lon      REAL NOT NULL CHECK (dropoff_lon BETWEEN -180 AND 180),
    dropoff_address  TEXT NOT NULL DEFAULT '',
    arrive_by        INTEGER,          -- instant; a to_center ride arrives by then
    ready_at         INTEGER,          -- instant; a return is ready then (NULL: will-call)
    passengers       INTEGER NOT NULL DEFAULT 1 CHECK (passengers BETWEEN 1 AND 8),
    wheelchair       INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
                       ('pending','scheduled','in_progress','completed','no_show','cancelled','unserved')),
    cancel_reason    TEXT CHECK (cancel_reason IS NULL OR cancel_reason IN
                       ('patient','late_cancel','holiday','weather','other')),
    unserved_reason  TEXT NOT NULL DEFAULT '',
    source           TEXT NOT NULL CHECK (source IN ('schedule','manual')),
    -- For requests from schedules: the session they serve ('<patient>:<date>:<direction>'),
    -- so generating a range twice creates nothing new.
    schedule_key     TEXT UNIQUE,
    session_date     TEXT,             -- a schedule's session date, before any holiday move
    notes            TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX requests_by_day ON requests (service_date, status);
CREATE INDEX requests_by_patient ON requests (patient_id, service_date);
CREATE INDEX requests_by_session ON requests (session_date) WHERE session_date IS NOT NULL;

-- Plans: a vehicle's route of a service day, and its ordered stops.
CREATE TABLE routes (
    id           INTEGER PRIMARY KEY,
    service_date TEXT NOT NULL,
    vehicle_id   INTEGER NOT NULL REFERENCES vehicles(id),
    driver_id    INTEGER NOT NULL REFERENCES drivers(id),
    status       TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned','started','finished')),
    planned_km   REAL NOT NULL DEFAULT 0,
    starts_at    INTEGER,              -- instant: leaves the driver's home
    ends_at      INTEGER,              -- instant: back home
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX routes_by_day ON routes (service_date, vehicle_id);

CREATE TABLE route_stops (
    route_id   INTEGER NOT NULL REFERENCES routes(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    request_id INTEGER NOT NULL REFERENCES requests(id),
    kind       TEXT NOT NULL CHECK (kind IN ('pickup','dropoff')),
    eta        INTEGER NOT NULL,       -- instant: planned start of service
    PRIMARY KEY (route_id, seq)
) STRICT;
CREATE INDEX route_stops_by_request ON route_stops (request_id);

-- A coordinator's approval of a volunteer's monthly mileage statement.
CREATE TABLE statement_approvals (
    driver_id   INTEGER NOT NULL REFERENCES drivers(id),
    month       TEXT NOT NULL,         -- 'YYYY-MM', local
    km          REAL NOT NULL,
    amount      REAL NOT NULL,
    approved_by INTEGER NOT NULL REFERENCES users(id),
    approved_at INTEGER NOT NULL,
    PRIMARY KEY (driver_id, month)
) STRICT;

CREATE TABLE trips (
    id             INTEGER PRIMARY KEY,
    driver_id      INTEGER NOT NULL REFERENCES drivers(id),
    vehicle_id     INTEGER NOT NULL REFERENCES vehicles(id),
    route_id       INTEGER REFERENCES routes(id),
    started_at     INTEGER NOT NULL,
    ended_at       INTEGER,
    odometer_start REAL NOT NULL,
    odometer_end   REAL,
    created_by     INTEGER NOT NULL REFERENCES users(id),
    CHECK (ended_at IS NULL OR ended_at >= started_at),
    CHECK (odometer_end IS NULL OR odometer_end >= odometer_start)
) STRICT;
-- A vehicle has at most one open trip.
CREATE UNIQUE INDEX trips_one_open_per_vehicle ON trips (vehicle_id) WHERE ended_at IS NULL;
CREATE INDEX trips_by_driver ON trips (driver_id, started_at);
CREATE INDEX trips_by_vehicle ON trips (vehicle_id, started_at);

CREATE TABLE rides (
    id               INTEGER PRIMARY KEY,
    trip_id          INTEGER NOT NULL REFERENCES trips(id),
    request_id       INTEGER REFERENCES requests(id),
    patient_id       INTEGER NOT NULL REFERENCES patients(id),
    picked_up_at     INTEGER,
    dropped_off_at   INTEGER,
    recorded_at      INTEGER,
    odometer_pickup  REAL,
    odometer_dropoff REAL,
    outcome          TEXT NOT NULL CHECK (outcome IN ('aboard','completed','no_show','cancelled'))
) STRICT;
CREATE INDEX rides_by_patient ON rides (patient_id);
-- Reports (storage/src/report_store.cpp) read a month or a year of trips by start time
-- and their rides by trip from these covering indexes rather than the tables. They also
-- serve every lookup of trips by start time and of rides by trip, so no narrower index
-- on those columns is kept: each index is one more write per logged trip.
CREATE INDEX trips_for_reports ON trips
    (started_at, id, ended_at, odometer_start, odometer_end, driver_id, vehicle_id);
CREATE INDEX rides_for_reports ON rides
    (trip_id, outcome, patient_id, odometer_pickup, odometer_dropoff, request_id);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    username  TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    action    TEXT NOT NULL,
    before    TEXT NOT NULL DEFAULT '',
    after     TEXT NOT NULL DEFAULT '',
    reason    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_by_entity ON audit_log (entity, entity_id);

CREATE TABLE idempotency_keys (
    user_id      INTEGER NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    status       INTEGER,
    content_type TEXT NOT NULL DEFAULT '',
    location     TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, key)
) STRICT;
)sql",
    // 2: each trip carries its number of completed rides, written with the trip (the
    // ledger always saves a trip together with all its rides), so that reports over months
    // and years count rides from the trips index alone instead of one seek into the rides
    // per trip (docs/reports.md, "Performance").
    R"sql(
ALTER TABLE trips ADD COLUMN completed_rides INTEGER NOT NULL DEFAULT 0
    CHECK (completed_rides >= 0);
UPDATE trips SET completed_rides =
    (SELECT count(*) FROM rides r WHERE r.trip_id = trips.id AND r.outcome = 'completed');

DROP INDEX trips_for_reports;
CREATE INDEX trips_for_reports ON trips
    (started_at, id, ended_at, odometer_start, odometer_end, driver_id, vehicle_id,
     completed_rides);
)sql",
    // 3: usernames are unique regardless of case ("Admin" is "admin"), and signing in
    // looks them up the same way through this index. Usernames are ASCII, so NOCASE is
    // their whole case folding. A file holding two usernames that differ only by case is
    // refused before this step runs (check_before), naming them.
    R"sql(
CREATE UNIQUE INDEX users_username_nocase ON users (username COLLATE NOCASE);
)sql",
    // 4: a vehicle's colour, which a patient looks for together with the plate; empty
    // for the vehicles there were.
    R"sql(
ALTER TABLE vehicles ADD COLUMN color TEXT NOT NULL DEFAULT '';
)sql",
    // 5: cancelling and restoring. The two requests of one dialysis session (to the center
    // and home) point at each other, so cancelling one offers the other; the pairs there
    // were are linked by their schedule keys. A day or period cancelled at once (a snow
    // day) is a batch that can be restored on its day; a patient's suspension (a hospital
    // stay) cancels the patient's requests of its period and takes them back when lifted.
    R"sql(
CREATE TABLE cancel_batches (
    id           INTEGER PRIMARY KEY,
    service_date TEXT NOT NULL,        -- the local date whose requests were cancelled
    from_min     INTEGER,              -- local minutes after midnight; NULL: from the start
    to_min       INTEGER,              -- NULL: to the end of the day
    place_id     INTEGER REFERENCES places(id),
    reason       TEXT NOT NULL CHECK (reason IN
                   ('patient','late_cancel','holiday','weather','other')),
    note         TEXT NOT NULL DEFAULT '',
    count        INTEGER NOT NULL,     -- requests cancelled by it
    created_at   INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    username     TEXT NOT NULL,
    restored_at  INTEGER               -- NULL: not restored
) STRICT;
CREATE INDEX cancel_batches_by_day ON cancel_batches (service_date);

CREATE TABLE patient_suspensions (
    id         INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    from_date  TEXT NOT NULL,          -- local dates, both included
    to_date    TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    CHECK (from_date <= to_date)
) STRICT;
CREATE INDEX patient_suspensions_by_patient ON patient_suspensions (patient_id, from_date);

ALTER TABLE requests ADD COLUMN linked_request_id INTEGER REFERENCES requests(id);
ALTER TABLE requests ADD COLUMN cancelled_at INTEGER;
ALTER TABLE requests ADD COLUMN cancel_batch_id INTEGER REFERENCES cancel_batches(id);
ALTER TABLE requests ADD COLUMN suspension_id INTEGER REFERENCES patient_suspensions(id);
CREATE INDEX requests_by_batch ON requests (cancel_batch_id) WHERE cancel_batch_id IS NOT NULL;
CREATE INDEX requests_by_suspension ON requests (suspension_id) WHERE suspension_id IS NOT NULL;

-- '<patient>:<date>:to_center' and '<patient>:<date>:home' are one session's two legs.
UPDATE requests SET linked_request_id = (SELECT o.id FROM requests o WHERE o.schedule_key =
    substr(requests.schedule_key, 1, length(requests.schedule_key) - 9) || 'home')
WHERE schedule_key LIKE '%:to_center';
UPDATE requests SET linked_request_id = (SELECT o.id FROM requests o WHERE o.schedule_key =
    substr(requests.schedule_key, 1, length(requests.schedule_key) - 4) || 'to_center')
WHERE schedule_key LIKE '%:home';
-- A cancelled request's moment of cancellation, as near as the file knows it.
UPDATE requests SET cancelled_at = updated_at WHERE status = 'cancelled';
)sql",
    // 6: pins. A request a dispatcher assigned by hand is pinned to that vehicle: planning the day
    // keeps it there until it is unpinned. NULL: not pinned.
    R"sql(
ALTER TABLE requests ADD COLUMN pinned_vehicle_id INTEGER REFERENCES vehicles(id);
)sql",
    // 7: what patients, drivers, places and vehicles are found by (ICU's pinyin,
    // initials, phone digits; storage/src/search_index.cpp writes them with every save,
    // and at start-up for any row that has none, such as every row there was before this
    // step), the sort key of each name in the Chinese collation, and each user's language.
    R"sql(
CREATE TABLE search_entries (
    kind      TEXT NOT NULL CHECK (kind IN ('patient','driver','place','vehicle')),
    entity_id INTEGER NOT NULL,
    sort_key  BLOB NOT NULL,
    PRIMARY KEY (kind, entity_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX search_entries_in_order ON search_entries (kind, sort_key, entity_id);

CREATE TABLE search_keys (
    kind      TEXT NOT NULL,
    key       TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    PRIMARY KEY (kind, key, entity_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX search_keys_by_entity ON search_keys (kind, entity_id);

ALTER TABLE users ADD COLUMN language TEXT CHECK (language IN ('zh-CN','en'));
)sql",
    // 8: live positions of trips (WGS-84), one per trip and instant; `at` alone indexes the
    // deletion of positions past the retention period.
    R"sql(
CREATE TABLE positions (
    trip_id    INTEGER NOT NULL REFERENCES trips(id),
    at         INTEGER NOT NULL,
    lat        REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon        REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    accuracy_m REAL CHECK (accuracy_m IS NULL OR accuracy_m >= 0),
    PRIMARY KEY (trip_id, at)
) STRICT, WITHOUT ROWID;
CREATE INDEX positions_by_time ON positions (at);
)sql",
    // 9: search in name order from the key rows. Each key row carries the sort key of its
    // record's name (copied from search_entries, where ICU's collation made it at save),
    // and search_keys_by_initial lists the rows of each first character in name order,
    // so a query matching thousands of records reads its first 20 in order instead of
    // testing every name (docs/architecture.md, "Search keys").
    R"sql(
CREATE TABLE search_keys_sorted (
    kind      TEXT NOT NULL,
    key       TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    sort_key  BLOB NOT NULL,
    PRIMARY KEY (kind, key, entity_id)
) STRICT, WITHOUT ROWID;
INSERT INTO search_keys_sorted (kind, key, entity_id, sort_key)
    SELECT k.kind, k.key, k.entity_id, e.sort_key
    FROM search_keys k JOIN search_entries e ON e.kind = k.kind AND e.entity_id = k.entity_id;
DROP TABLE search_keys;
ALTER TABLE search_keys_sorted RENAME TO search_keys;
CREATE INDEX search_keys_by_entity ON search_keys (kind, entity_id);
CREATE INDEX search_keys_by_initial ON search_keys (kind, substr(key, 1, 1), sort_key, entity_id);
DROP INDEX search_entries_in_order;
)sql",
    // 10: a ride's outcome is checked by comparisons rather than `IN (...)`, the same rule:
    // SQLite checks an `IN` list of more than two values by building a temporary index of
    // it, for every row written (docs/architecture.md, "Where a write becomes durable").
    // SQLite cannot change a constraint in place, so the table is copied into a new one.
    R"sql(
CREATE TABLE rides_new (
    id               INTEGER PRIMARY KEY,
    trip_id          INTEGER NOT NULL REFERENCES trips(id),
    request_id       INTEGER REFERENCES requests(id),
    patient_id       INTEGER NOT NULL REFERENCES patients(id),
    picked_up_at     INTEGER,
    dropped_off_at   INTEGER,
    recorded_at      INTEGER,
    odometer_pickup  REAL,
    odometer_dropoff REAL,
    outcome          TEXT NOT NULL CHECK (outcome = 'aboard' OR outcome = 'completed'
                                          OR outcome = 'no_show' OR outcome = 'cancelled')
) STRICT;
INSERT INTO rides_new (id, trip_id, request_id, patient_id, picked_up_at, dropped_off_at,
                       recorded_at, odometer_pickup, odometer_dropoff, outcome)
    SELECT id, trip_id, request_id, patient_id, picked_up_at, dropped_off_at, recorded_at,
           odometer_pickup, odometer_dropoff, outcome FROM rides;
DROP TABLE rides;
ALTER TABLE rides_new RENAME TO rides;
CREATE INDEX rides_by_patient ON rides (patient_id);
CREATE INDEX rides_for_reports ON rides
    (trip_id, outcome, patient_id, odometer_pickup, odometer_dropoff, request_id);
)sql",
};

// Checks a file can take step `version` + 1; throws naming what stands in the way.
void check_before(Connection& conn, int version) {
    if (version + 1 != 3)
        return;
    Statement st(conn,
                 "SELECT a.id, a.username, b.id, b.username FROM users a JOIN users b "
                 "ON a.username = b.username COLLATE NOCASE AND a.id < b.id ORDER BY a.id, b.id");
    std::string clashes;
    while (st.step()) {
        if (!clashes.empty())
            clashes += ", ";
        clashes += "'" + st.get_text(1) + "' (id " + std::to_string(st.get_int(0)) + ") and '" +
                   st.get_text(3) + "' (id " + std::to_string(st.get_int(2)) + ")";
    }
    if (clashes.empty())
        return;
    throw Error::internal(
        "cannot upgrade the database to schema version 3: usernames must differ by more "
        "than case, and these do not: " +
        clashes +
        ". Rename one of each (e.g. sqlite3 FILE \"UPDATE users SET username = "
        "'admin-2' WHERE id = N\") and start again; the file stays at schema version 2");
}

}  // namespace

int latest_schema_version() {
    return int(migrations.size());
}

void migrate(Connection& conn) {
    migrate(conn, latest_schema_version());
}

void migrate(Connection& conn, int target) {
    const int version = conn.user_version();
    if (version > latest_schema_version())
        throw Error::internal("database schema version " + std::to_string(version) +
                              " is newer than this build (" +
                              std::to_string(latest_schema_version()) + "); upgrade Lifeline");
    for (int v = version; v < std::min(target, latest_schema_version()); ++v) {
        check_before(conn, v);
        Transaction tx(conn);
        conn.exec(migrations[std::size_t(v)]);
        // The version bump commits with its step: a crash leaves the file at a whole version.
        conn.exec("PRAGMA user_version = " + std::to_string(v + 1));
        tx.commit();
    }
}

}  // namespace lifeline::storage
