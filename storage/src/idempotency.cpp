#include "lifeline/storage/idempotency.h"

#include "lifeline/storage/database.h"

namespace lifeline::storage {
namespace {

struct ThreadClaim {
    std::optional<IdempotencyClaim> claim;
    bool recorded = false;
};
thread_local ThreadClaim current;

}  // namespace

IdempotencyScope::IdempotencyScope(IdempotencyClaim claim) {
    current.claim = std::move(claim);
    current.recorded = false;
}

IdempotencyScope::~IdempotencyScope() {
    current.claim.reset();
    current.recorded = false;
}

bool IdempotencyScope::recorded() const {
    return current.recorded;
}

std::optional<IdempotencyClaim> take_idempotency_claim() {
    if (!current.claim || current.recorded)
        return std::nullopt;
    current.recorded = true;
    return current.claim;
}

std::optional<StoredAnswer> find_answer(Database& db, UserId user, const std::string& key) {
    return db.read([&](Connection& c) -> std::optional<StoredAnswer> {
        Statement st(
            c,
            "SELECT fingerprint, status, content_type, body, location FROM idempotency_keys "
            "WHERE user_id = ? AND key = ?");
        st.bind_all(user, key);
        if (!st.step())
            return std::nullopt;
        StoredAnswer a;
        a.fingerprint = st.get_text(0);
        if (auto s = st.get_opt_int(1))
            a.status = int(*s);
        a.content_type = st.get_text(2);
        a.body = st.get_text(3);
        a.location = st.get_text(4);
        return a;
    });
}

void store_answer(Database& db, UserId user, const std::string& key, int status,
                  const std::string& content_type, const std::string& location,
                  const std::string& body) {
    db.write([&](Connection& c) {
        Statement st(
            c,
            "UPDATE idempotency_keys SET status = ?, content_type = ?, location = ?, body = ? "
            "WHERE user_id = ? AND key = ?");
        st.bind_all(status, content_type, location, body, user, key);
        st.run();
    });
}

}  // namespace lifeline::storage
