#include "lifeline/core/accounts/accounts.h"

#include <algorithm>
#include <thread>

#include "lifeline/core/audit.h"
#include "lifeline/core/settings.h"

namespace lifeline {
namespace {

constexpr std::size_t min_password = 8;
constexpr std::size_t max_password = 128;

void check_username(std::string_view name, FieldErrors& errs) {
    if (name.empty() || name.size() > 64) {
        errs.add("username", msg("account.username_length"));
        return;
    }
    bool ok = std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-' || c == '@';
    });
    if (!ok)
        errs.add("username", msg("account.username_chars"));
}

void check_password(std::string_view pw, FieldErrors& errs) {
    if (pw.size() < min_password)
        errs.add("password", msg("account.password_short"));
    if (pw.size() > max_password)
        errs.add("password", msg("account.password_long"));
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Usernames are ASCII (check_username), so ASCII folding is the whole of their case.
std::string fold_case(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    }
    return out;
}

// "45 s", "15 min": a wait a person reads.
std::string wait_text(std::chrono::seconds wait) {
    if (wait.count() < 120)
        return std::to_string(wait.count()) + " s";
    return std::to_string((wait.count() + 59) / 60) + " min";
}

[[noreturn]] void throw_refused(const SignInRefusal& r) {
    Message detail = msg("problem.rate_limited");
    const std::string wait = wait_text(r.wait);
    switch (r.reason) {
        case SignInRefusal::Reason::pair:
            detail = msg("auth.slowed_pair", {{"wait", wait}});
            break;
        case SignInRefusal::Reason::username:
            detail = msg("auth.slowed_username", {{"wait", wait}});
            break;
        case SignInRefusal::Reason::address:
            detail = msg("auth.slowed_address", {{"wait", wait}});
            break;
        case SignInRefusal::Reason::none:
            break;
    }
    throw Error(ErrorKind::rate_limited, std::move(detail), r.wait);
}

// A password that is long enough but easy to guess: 422, the advice in the detail too
// (the command line shows only the detail).
void throw_if_weak(const FieldErrors& errs, const std::string& what) {
    if (!errs.empty()) {
        Message detail = errs.list().front().as_message();
        detail.text = what + detail.text;
        throw Error(ErrorKind::unprocessable, std::move(detail), errs.list());
    }
}

[[noreturn]] void throw_busy() {
    throw Error(ErrorKind::rate_limited, msg("auth.busy"), std::chrono::seconds{1});
}

int hash_slots(const AccountOptions& o) {
    return o.hash_slots > 0 ? o.hash_slots : std::max(1, int(std::thread::hardware_concurrency()));
}

std::string snapshot(const User& u) {
    AuditObject o;
    o.add("id", u.id);
    o.add("username", u.username);
    o.add("role", to_string(u.role));
    if (u.driver_id)
        o.add("driver_id", *u.driver_id);
    o.add("active", u.active);
    return o.str();
}

AuditEntry user_audit(Instant at, const Actor& actor, const User& u, std::string action,
                      std::string before) {
    AuditEntry e;
    e.user_id = actor.user_id;
    e.username = actor.username;
    e.at = at;
    e.entity = "user";
    e.entity_id = u.id;
    e.action = std::move(action);
    e.before = std::move(before);
    e.after = snapshot(u);
    return e;
}

void require_admin(const Actor& actor) {
    if (!actor.is_admin())
        throw_forbidden(msg("auth.admin_accounts"));
}

// A driver account is tied to exactly one driver; other roles to none.
void check_driver_link(AccountTx& tx, Role role, const std::optional<DriverId>& driver,
                       std::optional<UserId> self) {
    if (role == Role::driver && !driver)
        throw_invalid_field("driver_id", msg("account.driver_required"));
    if (role != Role::driver && driver)
        throw_invalid_field("driver_id", msg("account.driver_only"));
    if (!driver)
        return;
    if (!tx.driver_exists(*driver))
        throw_unprocessable(msg("driver.not_found", {{"id", *driver}}),
                            {{"driver_id", msg("driver.not_found", {{"id", *driver}})}});
    auto owner = tx.user_of_driver(*driver);
    if (owner && owner != self)
        throw_conflict(msg("account.driver_has_account_detail"),
                       {{"driver_id", msg("account.driver_has_account")}});
}

}  // namespace

Accounts::Accounts(AccountStore& store, Crypto& crypto, PasswordPolicy& policy, const Clock& clock,
                   AccountOptions options)
    : store_(store),
      crypto_(crypto),
      policy_(policy),
      clock_(clock),
      options_(std::move(options)),
      limiter_(options_.limits),
      gate_(hash_slots(options_),
            options_.hash_waiting > 0 ? options_.hash_waiting : 2 * hash_slots(options_),
            options_.hash_max_wait),
      dummy_hash_(crypto.hash_password("not-a-password-of-anyone")) {}

std::string Accounts::hash(std::string_view password) {
    auto slot = gate_.enter();
    if (!slot)
        throw_busy();
    return crypto_.hash_password(password);
}

void Accounts::check_strength(std::string_view pw, std::string_view username, FieldErrors& errs) {
    if (pw.empty() || pw.size() < min_password || pw.size() > max_password)
        return;  // the length rule has answered already
    if (std::all_of(pw.begin(), pw.end(), is_space)) {
        errs.add("password", msg("account.password_spaces"));
        return;
    }
    if (fold_case(pw) == fold_case(username)) {
        errs.add("password", msg("account.password_is_username"));
        return;
    }
    if (auto weak = policy_.weakness(pw, username))
        errs.add("password", msg("account.password_weak", {{"why", *weak}}));
}

LoginResult Accounts::login(std::string_view username, std::string_view password,
                            const std::string& remote) {
    if (username.empty() || password.empty() || password.size() > max_password) {
        FieldErrors errs;
        if (username.empty())
            errs.add("username", msg("field.required"));
        if (password.empty())
            errs.add("password", msg("field.required"));
        if (password.size() > max_password)
            errs.add("password", msg("field.too_long"));
        errs.throw_if_any();
    }

    // Counted before anything is checked: concurrent attempts cannot all pass the count.
    const std::string who = fold_case(username);
    const Instant at = clock_.now();
    if (auto refused = limiter_.admit(who, remote, at))
        throw_refused(refused);

    auto stored = store_.find_by_name(username);
    bool ok = false;
    {
        auto slot = gate_.enter();
        if (!slot) {
            limiter_.cancelled(who, remote, at);
            throw_busy();
        }
        ok = crypto_.verify_password(stored ? stored->password_hash : dummy_hash_, password);
    }
    if (!stored || !ok || !stored->user.active)
        throw_unauthorized(msg("auth.wrong_password"));
    limiter_.succeeded(who, remote, at);

    LoginResult result;
    result.token = crypto_.random_token();
    result.expires_at = at + options_.token_ttl;
    result.user = stored->user;
    store_.create_session(crypto_.token_digest(result.token), stored->user.id, at,
                          result.expires_at);
    return result;
}

void Accounts::logout(std::string_view token) {
    store_.revoke_session(crypto_.token_digest(token));
}

Actor Accounts::authenticate(std::string_view token) {
    if (token.empty() || token.size() > 256)
        throw_unauthorized(msg("auth.token_required"));
    auto user = store_.session_user(crypto_.token_digest(token), clock_.now());
    if (!user)
        throw_unauthorized(msg("auth.token_invalid"));
    return Actor{user->id, user->username, user->role, user->driver_id};
}

User Accounts::me(const Actor& actor) {
    auto u = store_.find(actor.user_id);
    if (!u)
        throw_not_found(msg("user.not_found", {{"id", actor.user_id}}));
    return *u;
}

User Accounts::set_language(const Actor& actor, const std::optional<std::string>& language) {
    if (language && !is_ui_language(*language))
        throw_invalid_field("language", msg("account.language"));
    store_.set_language(actor.user_id, language);
    return me(actor);
}

Page<User> Accounts::list(const Actor& actor, const PageRequest& page) {
    require_admin(actor);
    return store_.list(page);
}

User Accounts::get(const Actor& actor, UserId id) {
    require_admin(actor);
    auto u = store_.find(id);
    if (!u)
        throw_not_found(msg("user.not_found", {{"id", id}}));
    return *u;
}

User Accounts::create(const Actor& actor, const NewUser& in) {
    require_admin(actor);
    FieldErrors errs;
    check_username(in.username, errs);
    check_password(in.password, errs);
    errs.throw_if_any();
    check_strength(in.password, in.username, errs);
    throw_if_weak(errs, "password ");
    std::string hash = this->hash(in.password);  // slow: outside the writer
    return store_.transact([&](AccountTx& tx) {
        if (auto other = tx.user_by_name(in.username))
            throw_conflict(msg("account.username_taken_detail"),
                           {{"username", other->user.username == in.username
                                             ? msg("account.username_taken")
                                             : msg("account.username_taken_as",
                                                   {{"other", other->user.username}})}});
        check_driver_link(tx, in.role, in.driver_id, std::nullopt);
        StoredUser su{User{0, in.username, in.role, in.driver_id, true}, hash};
        su.user.id = tx.insert_user(su);
        tx.audit(user_audit(clock_.now(), actor, su.user, "create", ""));
        return su.user;
    });
}

User Accounts::update(const Actor& actor, UserId id, const UserPatch& patch) {
    require_admin(actor);
    FieldErrors errs;
    if (patch.password)
        check_password(*patch.password, errs);
    errs.throw_if_any();
    std::optional<std::string> hash;
    if (patch.password) {
        auto current = store_.find(id);
        if (!current)
            throw_not_found(msg("user.not_found", {{"id", id}}));
        check_strength(*patch.password, current->username, errs);
        throw_if_weak(errs, "password ");
        hash = this->hash(*patch.password);
    }
    return store_.transact([&](AccountTx& tx) {
        auto current = tx.user(id);
        if (!current)
            throw_not_found(msg("user.not_found", {{"id", id}}));
        StoredUser next = *current;
        if (patch.role)
            next.user.role = *patch.role;
        if (patch.driver_id)
            next.user.driver_id = *patch.driver_id;
        if (patch.active)
            next.user.active = *patch.active;
        if (hash)
            next.password_hash = *hash;
        check_driver_link(tx, next.user.role, next.user.driver_id, id);
        bool was_admin = current->user.role == Role::admin && current->user.active;
        bool is_admin = next.user.role == Role::admin && next.user.active;
        if (was_admin && !is_admin && tx.count_active_admins() <= 1)
            throw_conflict(msg("account.last_admin_detail"),
                           {{patch.role ? "role" : "active", msg("account.last_admin")}});
        tx.update_user(next);
        // A changed password, role or deactivation signs the account out everywhere.
        if (hash || patch.role || (patch.active && !*patch.active))
            tx.revoke_sessions(id);
        tx.audit(user_audit(clock_.now(), actor, next.user, "update", snapshot(current->user)));
        return next.user;
    });
}

bool Accounts::ensure_admin(std::string_view password) {
    if (store_.has_admin())
        return false;
    FieldErrors errs;
    check_password(password, errs);
    errs.throw_if_any(msg("account.admin_password_length"));
    check_strength(password, "admin", errs);
    throw_if_weak(errs, "LIFELINE_ADMIN_PASSWORD ");
    std::string hash = this->hash(password);
    Actor system{0, "system", Role::admin, std::nullopt};
    store_.transact([&](AccountTx& tx) {
        StoredUser su{User{0, "admin", Role::admin, std::nullopt, true}, hash};
        if (auto existing = tx.user_by_name("admin")) {
            // An "admin" username that lost its role: restore it rather than clash.
            su.user.id = existing->user.id;
            tx.update_user(su);
        } else {
            su.user.id = tx.insert_user(su);
        }
        tx.audit(user_audit(clock_.now(), system, su.user, "bootstrap_admin", ""));
        return su.user;
    });
    return true;
}

}  // namespace lifeline
