#pragma once
// Accounts: users and roles, sign-in with bearer tokens, and the limits on sign-in
// attempts (sign_in_guard.h). Tokens are opaque random strings; only their digest is
// stored. Usernames are unique and signed in with regardless of case.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "lifeline/core/accounts/sign_in_guard.h"
#include "lifeline/core/clock.h"
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

// Judges how easy a new password is to guess, beyond the rules core checks itself
// (length, only spaces, the username). A port rather than code in core because the
// judge, libpwquality with cracklib's dictionary, reads dictionary files from disk;
// storage/ implements it next to the password hashing it guards.
class PasswordPolicy {
  public:
    virtual ~PasswordPolicy() = default;
    // What is wrong with `password` as advice to the person choosing it ("is based on a
    // dictionary word; use …"), or nullopt when it is fine.
    virtual std::optional<std::string> weakness(std::string_view password,
                                                std::string_view username) = 0;
};

struct StoredUser {
    User user;
    std::string password_hash;
};

class AccountTx {
  public:
    virtual ~AccountTx() = default;
    virtual std::optional<StoredUser> user(UserId id) = 0;
    // Usernames compare without regard to (ASCII) case, here and in find_by_name.
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
    virtual void set_language(UserId id, const std::optional<std::string>& language) = 0;
};

struct AccountOptions {
    std::chrono::seconds token_ttl =
        std::chrono::hours{24 * 30};  // a driver signs in once per phone
    SignInLimits limits;
    // Password hashes at once: 0 means the machine's cores. Each takes 64 MiB and tens of
    // ms of CPU, so more than the cores only adds memory and latency for everyone.
    int hash_slots = 0;
    // Callers that may wait for a hash slot (0: twice the slots), and for how long,
    // before being told to try again.
    int hash_waiting = 0;
    std::chrono::milliseconds hash_max_wait{2000};
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

class Accounts {
  public:
    Accounts(AccountStore& store, Crypto& crypto, PasswordPolicy& policy, const Clock& clock,
             AccountOptions options = {});

    // Signs in from the client address `remote`. Every attempt is counted before its
    // password is checked; refused attempts (rate_limited, with retry_after) never reach
    // the password hash.
    LoginResult login(std::string_view username, std::string_view password,
                      const std::string& remote);
    void logout(std::string_view token);
    // The actor a bearer token stands for; throws unauthorized.
    Actor authenticate(std::string_view token);

    Page<User> list(const Actor& actor, const PageRequest& page);
    User get(const Actor& actor, UserId id);
    // The signed-in user, and their choice of UI language (zh-CN or en; none: the
    // organisation's), kept on the server so that every device shows it.
    User me(const Actor& actor);
    User set_language(const Actor& actor, const std::optional<std::string>& language);
    User create(const Actor& actor, const NewUser& input);
    User update(const Actor& actor, UserId id, const UserPatch& patch);

    // Start-up: when no admin account exists, creates "admin" with `password`.
    // Returns false when an admin already exists. Throws invalid or unprocessable for a
    // weak password.
    bool ensure_admin(std::string_view password);

  private:
    // Hashes through the gate; rate_limited when the gate turns the caller away.
    std::string hash(std::string_view password);
    void check_strength(std::string_view password, std::string_view username, FieldErrors& errs);

    AccountStore& store_;
    Crypto& crypto_;
    PasswordPolicy& policy_;
    const Clock& clock_;
    AccountOptions options_;
    SignInLimiter limiter_;
    HashGate gate_;
    std::string dummy_hash_;  // verified against for unknown users, so timing tells nothing
};

}  // namespace lifeline
