#include "lifeline/storage/account_store.h"

#include <sodium.h>
#include <sqlite3.h>

#include "lifeline/storage/trip_store.h"
#include "session_cache.h"

namespace lifeline::storage {
namespace {

constexpr const char* user_columns =
    "id, username, role, driver_id, active, password_hash, language";

StoredUser read_user(const Statement& st) {
    StoredUser s;
    s.user.id = st.get_int(0);
    s.user.username = st.get_text(1);
    s.user.role = role_from(st.get_text(2)).value_or(Role::driver);
    s.user.driver_id = st.get_opt_int(3);
    s.user.active = st.get_int(4) != 0;
    s.password_hash = st.get_text(5);
    s.user.language = st.get_opt_text(6);
    return s;
}

std::optional<StoredUser> user_where(Connection& c, const char* where, auto value) {
    Statement st(c, std::string("SELECT ") + user_columns + " FROM users WHERE " + where);
    st.bind_all(value);
    if (!st.step())
        return std::nullopt;
    return read_user(st);
}

class Tx : public AccountTx {
  public:
    Tx(Connection& c, Database& db, SessionCache& sessions)
        : c_(c), db_(db), clock_(db.clock()), sessions_(sessions) {}

    std::optional<StoredUser> user(UserId id) override { return user_where(c_, "id = ?", id); }
    std::optional<StoredUser> user_by_name(std::string_view name) override {
        return user_where(c_, "username = ? COLLATE NOCASE", name);
    }
    bool driver_exists(DriverId id) override {
        Statement st(c_, "SELECT 1 FROM drivers WHERE id = ?");
        st.bind_all(id);
        return st.step();
    }
    std::optional<UserId> user_of_driver(DriverId id) override {
        Statement st(c_, "SELECT id FROM users WHERE driver_id = ?");
        st.bind_all(id);
        if (!st.step())
            return std::nullopt;
        return st.get_int(0);
    }
    UserId insert_user(const StoredUser& u) override {
        Statement st(c_,
                     "INSERT INTO users (username, password_hash, role, driver_id, active, "
                     "created_at) VALUES (?, ?, ?, ?, ?, ?)");
        st.bind_all(u.user.username, u.password_hash, to_string(u.user.role), u.user.driver_id,
                    u.user.active, std::int64_t(clock_.now().time_since_epoch().count()));
        try {
            st.run();
        } catch (const SqliteError& e) {
            // The unique index on the case-folded username: the facade checks first, so
            // this is only a backstop.
            if (e.code() != SQLITE_CONSTRAINT_UNIQUE)
                throw;
            throw_conflict(msg("account.username_taken_detail"),
                           {{"username", msg("account.username_taken")}});
        }
        return c_.last_insert_id();
    }
    void update_user(const StoredUser& u) override {
        Statement st(c_,
                     "UPDATE users SET password_hash = ?, role = ?, driver_id = ?, active = ? "
                     "WHERE id = ?");
        st.bind_all(u.password_hash, to_string(u.user.role), u.user.driver_id, u.user.active,
                    u.user.id);
        st.run();
        drop_after_commit(u.user.id);  // a cached session carries the role and driver
    }
    void revoke_sessions(UserId id) override {
        Statement st(c_, "UPDATE sessions SET revoked = 1 WHERE user_id = ?");
        st.bind_all(id);
        st.run();
        drop_after_commit(id);
    }
    int count_active_admins() override {
        Statement st(c_, "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1");
        st.step();
        return int(st.get_int(0));
    }
    void audit(const AuditEntry& e) override { insert_audit(c_, e); }

  private:
    void drop_after_commit(UserId id) {
        SessionCache& sessions = sessions_;
        db_.after_commit([&sessions, id] { sessions.drop_user(id); });
    }

    Connection& c_;
    Database& db_;
    const Clock& clock_;
    SessionCache& sessions_;
};

}  // namespace

SqliteAccountStore::SqliteAccountStore(Database& db)
    : db_(db), sessions_(std::make_unique<SessionCache>()) {}

SqliteAccountStore::~SqliteAccountStore() = default;

User SqliteAccountStore::transact(const std::function<User(AccountTx&)>& work) {
    return db_.write([&](Connection& c) {
        Tx tx(c, db_, *sessions_);
        return work(tx);
    });
}

std::optional<StoredUser> SqliteAccountStore::find_by_name(std::string_view username) {
    return db_.read(
        [&](Connection& c) { return user_where(c, "username = ? COLLATE NOCASE", username); });
}

std::optional<User> SqliteAccountStore::find(UserId id) {
    auto s = db_.read([&](Connection& c) { return user_where(c, "id = ?", id); });
    if (!s)
        return std::nullopt;
    return s->user;
}

Page<User> SqliteAccountStore::list(const PageRequest& page) {
    return db_.read([&](Connection& c) {
        Statement st(c, std::string("SELECT ") + user_columns +
                            " FROM users WHERE id > ? ORDER BY id LIMIT ?");
        st.bind_all(page.after.value_or(0), page.limit + 1);
        Page<User> out;
        while (st.step())
            out.items.push_back(read_user(st).user);
        if (int(out.items.size()) > page.limit) {
            out.items.pop_back();
            out.next_cursor = out.items.back().id;
        }
        return out;
    });
}

void SqliteAccountStore::create_session(const std::string& digest, UserId user, Instant created,
                                        Instant expires) {
    db_.write([&](Connection& c) {
        // Expired sessions are swept as new ones are made, so the table stays small.
        Statement sweep(c, "DELETE FROM sessions WHERE expires_at < ?");
        sweep.bind_all(std::int64_t(created.time_since_epoch().count()));
        sweep.run();
        Statement st(c,
                     "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
                     "VALUES (?, ?, ?, ?)");
        st.bind_all(digest, user, std::int64_t(created.time_since_epoch().count()),
                    std::int64_t(expires.time_since_epoch().count()));
        st.run();
    });
}

std::optional<User> SqliteAccountStore::session_user(const std::string& digest, Instant at) {
    if (auto cached = sessions_->find(digest, at))
        return cached;
    const std::uint64_t epoch = sessions_->epoch();
    struct Found {
        User user;
        Instant expires;
    };
    auto found = db_.read([&](Connection& c) -> std::optional<Found> {
        Statement st(c,
                     "SELECT u.id, u.username, u.role, u.driver_id, u.active, '', u.language, "
                     "s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id "
                     "WHERE s.token_hash = ? AND s.revoked = 0 AND s.expires_at > ? "
                     "AND u.active = 1");
        st.bind_all(digest, std::int64_t(at.time_since_epoch().count()));
        if (!st.step())
            return std::nullopt;
        return Found{read_user(st).user, Instant{Instant::duration{st.get_int(7)}}};
    });
    if (!found)
        return std::nullopt;
    sessions_->put(epoch, digest, found->user, found->expires);
    return found->user;
}

void SqliteAccountStore::set_language(UserId id, const std::optional<std::string>& language) {
    db_.write([&](Connection& c) {
        Statement st(c, "UPDATE users SET language = ? WHERE id = ?");
        st.bind_all(language, id);
        st.run();
        SessionCache& sessions = *sessions_;
        db_.after_commit([&sessions, id] { sessions.drop_user(id); });
    });
}

void SqliteAccountStore::revoke_session(const std::string& digest) {
    db_.write([&](Connection& c) {
        Statement st(c, "UPDATE sessions SET revoked = 1 WHERE token_hash = ?");
        st.bind_all(digest);
        st.run();
        SessionCache& sessions = *sessions_;
        db_.after_commit([&sessions, digest] { sessions.drop_session(digest); });
    });
}

bool SqliteAccountStore::has_admin() {
    return db_.read([](Connection& c) {
        Statement st(c, "SELECT 1 FROM users WHERE role = 'admin' AND active = 1 LIMIT 1");
        return st.step();
    });
}

SodiumCrypto::SodiumCrypto() {
    if (sodium_init() < 0)
        throw std::runtime_error("libsodium failed to initialise");
}

std::string SodiumCrypto::hash_password(std::string_view password) {
    char out[crypto_pwhash_STRBYTES];
    // Interactive limits: ~64 MiB and a fraction of a second per sign-in on this hardware.
    if (crypto_pwhash_str_alg(
            out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw std::runtime_error("out of memory while hashing a password");
    return out;
}

bool SodiumCrypto::verify_password(std::string_view hash, std::string_view password) {
    std::string h(hash);
    return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

std::string SodiumCrypto::random_token() {
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(out, sizeof out, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

std::string SodiumCrypto::token_digest(std::string_view token) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

}  // namespace lifeline::storage
