#pragma once

#include <memory>

#include "lifeline/core/accounts/accounts.h"
#include "lifeline/storage/database.h"

namespace lifeline::storage {

class SessionCache;

// Sessions are checked from memory once read (session_cache.h): the cache is dropped for a
// session or a user after the commit of each write here that changes them, so only this
// store may change users and sessions while it is in use.
class SqliteAccountStore : public AccountStore {
  public:
    explicit SqliteAccountStore(Database& db);
    ~SqliteAccountStore() override;

    User transact(const std::function<User(AccountTx&)>& work) override;
    std::optional<StoredUser> find_by_name(std::string_view username) override;
    std::optional<User> find(UserId id) override;
    Page<User> list(const PageRequest& page) override;
    void create_session(const std::string& digest, UserId user, Instant created,
                        Instant expires) override;
    std::optional<User> session_user(const std::string& digest, Instant at) override;
    void revoke_session(const std::string& digest) override;
    bool has_admin() override;
    void set_language(UserId id, const std::optional<std::string>& language) override;

  private:
    Database& db_;
    std::unique_ptr<SessionCache> sessions_;
};

// Argon2id password hashes, random tokens and SHA-256 digests from libsodium.
class SodiumCrypto : public Crypto {
  public:
    SodiumCrypto();  // initialises libsodium; throws if it cannot
    std::string hash_password(std::string_view password) override;
    bool verify_password(std::string_view hash, std::string_view password) override;
    std::string random_token() override;
    std::string token_digest(std::string_view token) override;
};

// libpwquality's judgement of a new password: cracklib's dictionary check (words and
// simple patterns) and its palindrome check. Its other rules (character classes, the
// username "in some form") are off: Lifeline's own rules cover length, spaces and the
// username. /etc/security/pwquality.conf is not read, so every machine judges alike.
class PwqualityPolicy : public PasswordPolicy {
  public:
    // Throws when the cracklib dictionary cannot be read (Debian: cracklib-runtime), so
    // a server never runs with the dictionary check silently off.
    PwqualityPolicy();
    ~PwqualityPolicy() override;
    PwqualityPolicy(const PwqualityPolicy&) = delete;
    PwqualityPolicy& operator=(const PwqualityPolicy&) = delete;

    std::optional<std::string> weakness(std::string_view password,
                                        std::string_view username) override;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace lifeline::storage
