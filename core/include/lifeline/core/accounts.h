#pragma once
// Accounts: users and roles, sign-in with bearer tokens, and the rate limit on failed
// sign-ins. Tokens are opaque random strings; only their digest is stored.

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "lifeline/core/errors.h"
#include "lifeline/core/model.h"

namespace lifeline {

// Password hashing and token generation (libsodium in storage/).
class Crypto {
  public:
    virtual ~Crypto() = default;
    virtual std::string hash_password(std::string_view password) = 0;  // argon2id
    virtual bool verify_password(std::string_view hash, std::string_view password) = 0;
    virtual std::string random_token() = 0;                        // URL-safe text
    virtual std::string token_digest(std::string_view token) = 0;  // SHA-256 hex
};

struct StoredUser {
    User user;
    std::string password_hash;
};

class AccountTx {
  public:
    virtual ~AccountTx() = default;
    virtual std::optional<StoredUser> user(UserId id) = 0;
    virtual std::optional<StoredUser> user_by_name(std::string_view username) = 0;
    virtual bool driver_exists(DriverId id) = 0;
    virtual std::optional<UserId> user_of_driver(DriverId id) = 0;
    virtual UserId insert_user(const StoredUser& u) = 0;
    virtual void update_user(const StoredUser& u) = 0;
    virtual void revoke_sessions(UserId id) = 0;
    virtual int count_active_admins() = 0;
    virtual void audit(const AuditEntry& e) = 0;
};

class AccountStore {
  public:
    virtual ~AccountStore() = default;
    virtual User transact(const std::function<User(AccountTx&)>& work) = 0;
    virtual std::optional<StoredUser> find_by_name(std::string_view username) = 0;
    virtual std::optional<User> find(UserId id) = 0;
    virtual Page<User> list(const PageRequest& page) = 0;
    virtual void create_session(const std::string& digest, UserId user, Instant created,
                                Instant expires) = 0;
    // The active user of an unexpired, unrevoked session.
    virtual std::optional<User> session_user(const std::string& digest, Instant at) = 0;
    virtual void revoke_session(const std::string& digest) = 0;
    virtual bool has_admin() = 0;
};

struct AccountOptions {
    std::chrono::seconds token_ttl =
        std::chrono::hours{24 * 30};  // a driver signs in once per phone
    int max_failures = 5;             // per username and per address
    std::chrono::seconds failure_window = std::chrono::minutes{15};
};

struct LoginResult {
    std::string token;
    Instant expires_at{};
    User user;
};

struct NewUser {
    std::string username;
    std::string password;
    Role role = Role::driver;
    std::optional<DriverId> driver_id;
};

struct UserPatch {
    std::optional<std::string> password;
    std::optional<Role> role;
    std::optional<std::optional<DriverId>> driver_id;
    std::optional<bool> active;
};

// Counts recent failures per key; thread-safe.
class FailureLimiter {
  public:
    FailureLimiter(int max_failures, std::chrono::seconds window)
        : max_(max_failures), window_(window) {}
    // Seconds until `key` may try again; 0 when it may now.
    std::chrono::seconds blocked_for(const std::string& key, Instant at);
    void record_failure(const std::string& key, Instant at);
    void clear(const std::string& key);

  private:
    int max_;
    std::chrono::seconds window_;
    std::mutex mutex_;
    std::map<std::string, std::deque<Instant>> failures_;
};

class Accounts {
  public:
    Accounts(AccountStore& store, Crypto& crypto, AccountOptions options = {});

    LoginResult login(std::string_view username, std::string_view password,
                      const std::string& remote);
    void logout(std::string_view token);
    // The actor a bearer token stands for; throws unauthorized.
    Actor authenticate(std::string_view token);

    Page<User> list(const Actor& actor, const PageRequest& page);
    User get(const Actor& actor, UserId id);
    User create(const Actor& actor, const NewUser& input);
    User update(const Actor& actor, UserId id, const UserPatch& patch);

    // Start-up: when no admin account exists, creates "admin" with `password`.
    // Returns false when an admin already exists. Throws invalid for a weak password.
    bool ensure_admin(std::string_view password);

  private:
    AccountStore& store_;
    Crypto& crypto_;
    AccountOptions options_;
    FailureLimiter limiter_;
    std::string dummy_hash_;  // verified against for unknown users, so timing tells nothing
};

}  // namespace lifeline
