#include "lifeline/storage/migrations.h"

#include <array>
#include <string>

#include "lifeline/core/errors.h"

namespace lifeline::storage {
namespace {

// Forward-only: never edit a migration that has shipped; add the next one.
// Instants are INTEGER seconds since the Unix epoch (UTC); local dates are TEXT
// 'YYYY-MM-DD'; wall-clock times INTEGER minutes after local midnight.
constexpr std::array<const char*, 1> migrations{
    // 1: people, places, vehicles, accounts, the trip ledger and its audit trail.
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

-- Ride requests (filled by dispatch); rides may name the request they served.
CREATE TABLE requests (
    id         INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    status     TEXT NOT NULL DEFAULT 'pending'
) STRICT;

CREATE TABLE trips (
    id             INTEGER PRIMARY KEY,
    driver_id      INTEGER NOT NULL REFERENCES drivers(id),
    vehicle_id     INTEGER NOT NULL REFERENCES vehicles(id),
    route_id       INTEGER,
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
CREATE INDEX trips_by_start ON trips (started_at);
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
CREATE INDEX rides_by_trip ON rides (trip_id);
CREATE INDEX rides_by_patient ON rides (patient_id);

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
};

}  // namespace

int latest_schema_version() {
    return int(migrations.size());
}

void migrate(Connection& conn) {
    int version = conn.user_version();
    if (version > latest_schema_version())
        throw Error(ErrorKind::internal, "database schema version " + std::to_string(version) +
                                             " is newer than this build (" +
                                             std::to_string(latest_schema_version()) +
                                             "); upgrade Lifeline");
    for (int v = version; v < latest_schema_version(); ++v) {
        Transaction tx(conn);
        conn.exec(migrations[std::size_t(v)]);
        // The version bump commits with its step: a crash leaves the file at a whole version.
        conn.exec("PRAGMA user_version = " + std::to_string(v + 1));
        tx.commit();
    }
}

}  // namespace lifeline::storage
