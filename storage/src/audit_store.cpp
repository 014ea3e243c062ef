#include "lifeline/storage/audit_store.h"

namespace lifeline::storage {

Page<AuditEntry> SqliteAuditStore::list(const AuditFilter& f, const PageRequest& page) {
    return db_.read([&](Connection& c) {
        Statement st(c,
                     "SELECT id, at, user_id, username, entity, entity_id, action, before, after, "
                     "reason FROM audit_log WHERE id > ?1 AND (?2 IS NULL OR entity = ?2) "
                     "AND (?3 IS NULL OR entity_id = ?3) ORDER BY id LIMIT ?4");
        st.bind_all(page.after.value_or(0), f.entity, f.entity_id, page.limit + 1);
        Page<AuditEntry> out;
        while (st.step()) {
            AuditEntry e;
            e.id = st.get_int(0);
            e.at = Instant{std::chrono::seconds{st.get_int(1)}};
            e.user_id = st.get_int(2);
            e.username = st.get_text(3);
            e.entity = st.get_text(4);
            e.entity_id = st.get_int(5);
            e.action = st.get_text(6);
            e.before = st.get_text(7);
            e.after = st.get_text(8);
            e.reason = st.get_text(9);
            out.items.push_back(std::move(e));
        }
        if (int(out.items.size()) > page.limit) {
            out.items.pop_back();
            out.next_cursor = out.items.back().id;
        }
        return out;
    });
}

}  // namespace lifeline::storage
