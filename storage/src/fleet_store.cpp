#include "lifeline/storage/fleet_store.h"

#include <string>

#include "fleet_rows.h"
#include "search_index.h"

namespace lifeline::storage {
namespace {

std::int64_t seconds(Instant t) {
    return std::int64_t(t.time_since_epoch().count());
}

// A LIKE pattern matching `q` anywhere, with its own % _ and \ taken literally
// (the statements say ESCAPE '\'). SQLite's LIKE ignores case for ASCII letters.
std::optional<std::string> contains_pattern(const std::optional<std::string>& q) {
    if (!q)
        return std::nullopt;
    std::string out = "%";
    for (char ch : *q) {
        if (ch == '%' || ch == '_' || ch == '\\')
            out += '\\';
        out += ch;
    }
    out += '%';
    return out;
}

// Reads up to `limit` rows of a statement that asked for limit + 1; the extra row only
// says that there is a next page.
template <class T, class Read>
Page<T> read_page(Statement& st, int limit, Read read) {
    Page<T> page;
    while (st.step()) {
        if (int(page.items.size()) == limit) {
            page.next_cursor = page.items.back().id;
            break;
        }
        page.items.push_back(read(st));
    }
    return page;
}

class SqliteFleetTx final : public FleetTx {
  public:
    explicit SqliteFleetTx(Connection& c) : c_(c) {}

    std::optional<Place> place(PlaceId id) override { return load_place(c_, id); }
    std::optional<Driver> driver(DriverId id) override { return load_driver(c_, id); }
    std::optional<Vehicle> vehicle(VehicleId id) override { return load_vehicle(c_, id); }
    std::optional<Patient> patient(PatientId id) override { return load_patient(c_, id); }

    PlaceId insert_place(const Place& p) override { return insert_row(c_, p); }

    void update_place(const Place& p) override { update_row(c_, p); }

    DriverId insert_driver(const Driver& d) override { return insert_row(c_, d); }

    void update_driver(const Driver& d) override { update_row(c_, d); }

    void replace_shifts(DriverId id, const std::vector<Shift>& shifts) override {
        Statement del(c_, "DELETE FROM driver_shifts WHERE driver_id = ?");
        del.bind_all(id).run();
        Statement ins(c_,
                      "INSERT INTO driver_shifts (driver_id, weekday, start_min, end_min) "
                      "VALUES (?, ?, ?, ?)");
        for (const Shift& s : shifts) {
            ins.reset();
            ins.bind_all(id, std::int64_t(s.weekday), std::int64_t(s.start.count()),
                         std::int64_t(s.end.count()));
            ins.run();
        }
    }

    AbsenceId add_absence(DriverId id, const Absence& a) override {
        Statement st(c_,
                     "INSERT INTO driver_absences (driver_id, from_date, to_date) "
                     "VALUES (?, ?, ?)");
        st.bind_all(id, format_date(a.from), format_date(a.to)).run();
        return c_.last_insert_id();
    }

    void update_absence(DriverId id, const Absence& a) override {
        Statement st(c_,
                     "UPDATE driver_absences SET from_date = ?, to_date = ? "
                     "WHERE id = ? AND driver_id = ?");
        st.bind_all(format_date(a.from), format_date(a.to), a.id, id).run();
    }

    void remove_absence(DriverId id, AbsenceId absence) override {
        Statement st(c_, "DELETE FROM driver_absences WHERE id = ? AND driver_id = ?");
        st.bind_all(absence, id).run();
    }

    VehicleId insert_vehicle(const Vehicle& v) override { return insert_row(c_, v); }

    // Leaves odometer_km alone (the table marks it create-only): the ledger keeps it.
    void update_vehicle(const Vehicle& v) override { update_row(c_, v); }

    PatientId insert_patient(const Patient& p) override { return insert_row(c_, p); }

    void update_patient(const Patient& p) override { update_row(c_, p); }

    bool plate_taken(std::string_view plate, VehicleId except) override {
        // NOCASE folds ASCII only, which is what plates need: 吉B·12345 and 吉b·12345
        // are one plate; the province character has no case.
        Statement st(c_,
                     "SELECT 1 FROM vehicles WHERE plate = ?1 COLLATE NOCASE AND id <> ?2 "
                     "LIMIT 1");
        st.bind_all(plate, except);
        return st.step();
    }

    void audit(const AuditEntry& e) override {
        Statement st(c_,
                     "INSERT INTO audit_log (at, user_id, username, entity, entity_id, action, "
                     "before, after, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        st.bind_all(seconds(e.at), e.user_id, e.username, e.entity, e.entity_id, e.action, e.before,
                    e.after, e.reason);
        st.run();
    }

  private:
    Connection& c_;
};

}  // namespace

void SqliteFleetStore::run_transaction(const std::function<void(FleetTx&)>& work) {
    db_.write([&](Connection& c) {
        SqliteFleetTx tx(c);
        work(tx);
    });
}

std::optional<Place> SqliteFleetStore::find_place(PlaceId id) {
    return db_.read([&](Connection& c) { return load_place(c, id); });
}

std::optional<Driver> SqliteFleetStore::find_driver(DriverId id) {
    return db_.read([&](Connection& c) {
        Transaction snapshot(
            c, Transaction::Kind::snapshot);  // the row, its shifts and absences alike
        return load_driver(c, id);
    });
}

std::optional<Vehicle> SqliteFleetStore::find_vehicle(VehicleId id) {
    return db_.read([&](Connection& c) { return load_vehicle(c, id); });
}

std::optional<Patient> SqliteFleetStore::find_patient(PatientId id) {
    return db_.read([&](Connection& c) { return load_patient(c, id); });
}

Page<Place> SqliteFleetStore::list_places(const PlaceFilter& f, const PageRequest& page) {
    return db_.read([&](Connection& c) {
        Statement st(c, std::string("SELECT ") + place_columns +
                            " FROM places WHERE (?1 IS NULL OR active = ?1) "
                            "AND (?2 IS NULL OR name LIKE ?2 ESCAPE '\\' "
                            "OR address LIKE ?2 ESCAPE '\\') "
                            "AND id > ?3 ORDER BY id LIMIT ?4");
        st.bind_all(f.active, contains_pattern(f.q), page.after.value_or(0), page.limit + 1);
        return read_page<Place>(st, page.limit, read_place);
    });
}

Page<Driver> SqliteFleetStore::list_drivers(const DriverFilter& f, const PageRequest& page) {
    return db_.read([&](Connection& c) {
        Transaction snapshot(c, Transaction::Kind::snapshot);
        Statement st(c, std::string("SELECT ") + driver_columns +
                            " FROM drivers WHERE (?1 IS NULL OR active = ?1) "
                            "AND (?2 IS NULL OR name LIKE ?2 ESCAPE '\\' "
                            "OR phone LIKE ?2 ESCAPE '\\') "
                            "AND id > ?3 ORDER BY id LIMIT ?4");
        st.bind_all(f.active, contains_pattern(f.q), page.after.value_or(0), page.limit + 1);
        return read_page<Driver>(st, page.limit,
                                 [&](const Statement& row) { return read_driver(c, row); });
    });
}

Page<Vehicle> SqliteFleetStore::list_vehicles(const VehicleFilter& f, const PageRequest& page) {
    return db_.read([&](Connection& c) {
        Statement st(c, std::string("SELECT ") + vehicle_columns +
                            " FROM vehicles WHERE (?1 IS NULL OR active = ?1) "
                            "AND (?2 IS NULL OR plate LIKE ?2 ESCAPE '\\' "
                            "OR description LIKE ?2 ESCAPE '\\') "
                            "AND id > ?3 ORDER BY id LIMIT ?4");
        st.bind_all(f.active, contains_pattern(f.q), page.after.value_or(0), page.limit + 1);
        return read_page<Vehicle>(st, page.limit, read_vehicle);
    });
}

Page<Patient> SqliteFleetStore::list_patients(const PatientFilter& f, const PageRequest& page) {
    return db_.read([&](Connection& c) {
        Statement st(c, std::string("SELECT ") + patient_columns +
                            " FROM patients WHERE (?1 IS NULL OR active = ?1) "
                            "AND (?2 IS NULL OR name LIKE ?2 ESCAPE '\\' "
                            "OR phone LIKE ?2 ESCAPE '\\') "
                            "AND (?3 IS NULL OR center_id = ?3) "
                            "AND id > ?4 ORDER BY id LIMIT ?5");
        st.bind_all(f.active, contains_pattern(f.q), f.center_id, page.after.value_or(0),
                    page.limit + 1);
        return read_page<Patient>(st, page.limit, read_patient);
    });
}

std::optional<Patient> SqliteFleetStore::find_patient_of_driver(PatientId patient, DriverId driver,
                                                                ServiceDays days) {
    return db_.read([&](Connection& c) -> std::optional<Patient> {
        if (!patient_on_driver_routes(c, patient, driver, days))
            return std::nullopt;
        return load_patient(c, patient);
    });
}

std::vector<SearchHit> SqliteFleetStore::search(const SearchQuery& query,
                                                const SearchScope& scope) {
    return db_.read([&](Connection& c) { return search_records(c, query, scope); });
}

}  // namespace lifeline::storage
