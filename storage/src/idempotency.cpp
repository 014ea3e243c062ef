#include "lifeline/storage/idempotency.h"

#include "lifeline/storage/database.h"

namespace lifeline::storage {

StoredAnswer write_with_key(Database& db, const IdempotencyClaim& claim,
                            const std::function<StoredAnswer()>& work) {
    return db.write([&](Connection& c) {
        // The key first: a concurrent request with it has either committed (we stop here)
        // or waits for our batch.
        Statement claim_row(c,
                            "INSERT INTO idempotency_keys (user_id, key, fingerprint, created_at) "
                            "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
        claim_row.bind_all(claim.user_id, claim.key, claim.fingerprint,
                           std::int64_t(db.clock().now().time_since_epoch().count()));
        claim_row.run();
        if (c.changes() == 0)
            throw DuplicateRequest();

        StoredAnswer answer = work();
        answer.fingerprint = claim.fingerprint;
        Statement answer_row(
            c,
            "UPDATE idempotency_keys SET status = ?, content_type = ?, location = ?, body = ? "
            "WHERE user_id = ? AND key = ?");
        answer_row.bind_all(answer.status, answer.content_type, answer.location, answer.body,
                            claim.user_id, claim.key);
        answer_row.run();
        return answer;
    });
}

namespace {

std::optional<StoredAnswer> answer_row(Connection& c, UserId user, const std::string& key) {
    Statement st(c,
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
}

}  // namespace

std::optional<StoredAnswer> find_answer(Database& db, UserId user, const std::string& key) {
    // Inside a write job (a request answered after its commit) the key may belong to an
    // earlier job of the same batch: read it in the batch's transaction. Whatever is
    // answered from it goes out after that same COMMIT, so it is as durable as the rest.
    if (db.in_write_job())
        return db.write([&](Connection& c) { return answer_row(c, user, key); });
    return db.read([&](Connection& c) { return answer_row(c, user, key); });
}

}  // namespace lifeline::storage
