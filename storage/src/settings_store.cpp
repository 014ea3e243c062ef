#include "lifeline/storage/settings_store.h"

#include "lifeline/storage/trip_store.h"

namespace lifeline::storage {

SettingsMap SqliteSettingsStore::load() {
    return db_.read([](Connection& c) {
        Statement st(c, "SELECT key, value FROM settings ORDER BY key");
        SettingsMap out;
        while (st.step())
            out.emplace_back(st.get_text(0), st.get_text(1));
        return out;
    });
}

void SqliteSettingsStore::save(const SettingsMap& values, const AuditEntry& audit) {
    db_.write([&](Connection& c) {
        for (const auto& [key, value] : values) {
            Statement st(c,
                         "INSERT INTO settings (key, value) VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
            st.bind_all(key, value);
            st.run();
        }
        insert_audit(c, audit);
    });
}

}  // namespace lifeline::storage
