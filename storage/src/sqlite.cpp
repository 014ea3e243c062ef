#include "lifeline/storage/sqlite.h"

#include <sqlite3.h>

#include <chrono>
#include <mutex>

#include "lifeline/core/errors.h"
#include "wal_buffer.h"

namespace lifeline::storage {
namespace {

[[noreturn]] void throw_sqlite(int code, std::string msg) {
    // A full disk is the operator's to fix; a client waits and sends the same request
    // again (with its Idempotency-Key).
    if ((code & 0xff) == SQLITE_FULL)
        // What the operator and the client are told: the statement or COMMIT that met it
        // failed as a whole, so nothing of the write is kept.
        throw Error(ErrorKind::storage_full, lifeline::msg("problem.storage_full"),
                    std::chrono::seconds{60});
    throw SqliteError(code, msg);
}

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view context) {
    std::string msg(context);
    msg += ": ";
    msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    throw_sqlite(db ? sqlite3_extended_errcode(db) : rc, msg);
}

// SQLite's own mutexes, entered by trying a little before sleeping. Every read
// transaction in WAL mode takes the mutex of the shared-memory index and holds it across
// a fcntl(2) lock call (about a microsecond); two I/O threads reading at once made the
// second sleep in the kernel and the first wake it, several microseconds for both. A
// brief spin lets the second take it as it is released. Everything else is SQLite's
// default implementation.
sqlite3_mutex_methods default_mutexes;

void enter_trying_first(sqlite3_mutex* m) {
    constexpr int tries = 64;
    for (int i = 0; i < tries; ++i) {
        if (default_mutexes.xMutexTry(m) == SQLITE_OK)
            return;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
    default_mutexes.xMutexEnter(m);
}

// Process-wide SQLite settings, applied once before the first connection opens.
void configure_sqlite_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        // Memory statistics take a global mutex on every allocation; with a writer and
        // many readers on their own connections that lock is the hottest one. We never
        // read the statistics.
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        if (sqlite3_config(SQLITE_CONFIG_GETMUTEX, &default_mutexes) == SQLITE_OK &&
            default_mutexes.xMutexTry && default_mutexes.xMutexEnter) {
            static sqlite3_mutex_methods trying = default_mutexes;
            trying.xMutexEnter = enter_trying_first;
            sqlite3_config(SQLITE_CONFIG_MUTEX, &trying);
        }
        sqlite3_initialize();
    });
}

// Runs a parameterless statement through the connection's statement cache.
void run_cached(Connection& c, std::string_view sql) {
    Statement(c, sql).run();
}

}  // namespace

bool SqliteError::is_constraint() const {
    return (code_ & 0xff) == SQLITE_CONSTRAINT;
}
bool SqliteError::is_busy() const {
    return (code_ & 0xff) == SQLITE_BUSY || (code_ & 0xff) == SQLITE_LOCKED;
}

void Connection::Closer::operator()(sqlite3* db) const {
    sqlite3_close_v2(db);
}

Connection::Connection(const std::string& path, Mode mode) : path_(path) {
    configure_sqlite_once();
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    flags |= mode == Mode::read_only ? SQLITE_OPEN_READONLY
                                     : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite3* raw = nullptr;
    // A writer's log is written a commit at a time (storage/src/wal_buffer.cpp).
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags,
                             mode == Mode::read_write ? wal_buffer_vfs() : nullptr);
    db_.reset(raw);
    if (rc != SQLITE_OK)
        fail(raw, rc, "cannot open database '" + path + "'");
    sqlite3_extended_result_codes(raw, 1);
    // Readers and the writer wait for each other briefly instead of failing.
    sqlite3_busy_timeout(raw, 10000);
    exec("PRAGMA foreign_keys = ON");
    if (mode == Mode::read_write) {
        exec("PRAGMA journal_mode = WAL");
        // FULL: a commit is on disk (the WAL is fsynced) before COMMIT returns. The log's
        // gathered writes (wal_buffer.cpp) rely on it: SQLite then shows a commit to other
        // connections only after the sync, which writes what was gathered first.
        exec("PRAGMA synchronous = FULL");
        // Savepoint and statement journals in memory: a trip's job (a savepoint, nested
        // ones for its Idempotency-Key and its ledger, a statement journal per insert)
        // copies more than the 64 KiB after which SQLite would move them to a temporary
        // file, and then wrote that file page by page (docs/architecture.md, "Where a
        // write becomes durable").
        exec("PRAGMA temp_store = MEMORY");
    }
}

Connection::~Connection() {
    for (auto& [sql, cached] : cache_)
        sqlite3_finalize(cached.stmt);
}

void Connection::exec(std::string_view sql) {
    std::string text(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        throw_sqlite(sqlite3_extended_errcode(db_.get()), msg);
    }
}

std::int64_t Connection::last_insert_id() const {
    return sqlite3_last_insert_rowid(db_.get());
}
int Connection::changes() const {
    return sqlite3_changes(db_.get());
}

int Connection::user_version() {
    Statement st(*this, "PRAGMA user_version");
    st.step();
    return int(st.get_int(0));
}

Statement::Statement(Connection& conn, std::string_view sql) : db_(conn.handle()) {
    auto it = conn.cache_.find(sql);
    if (it != conn.cache_.end() && !it->second.in_use) {
        stmt_ = it->second.stmt;
        in_use_ = &it->second.in_use;
        *in_use_ = true;
        return;
    }
    int rc = sqlite3_prepare_v2(db_, sql.data(), int(sql.size()), &stmt_, nullptr);
    if (rc != SQLITE_OK)
        fail(db_, rc, "prepare");
    if (it == conn.cache_.end()) {
        auto& slot = conn.cache_[std::string(sql)];
        slot.stmt = stmt_;
        slot.in_use = true;
        in_use_ = &slot.in_use;
    }
}

Statement::~Statement() {
    if (!stmt_)
        return;
    if (in_use_) {
        // Back to the cache, ready for the next use.
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
        *in_use_ = false;
    } else {
        sqlite3_finalize(stmt_);
    }
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), in_use_(other.in_use_) {
    other.stmt_ = nullptr;
    other.in_use_ = nullptr;
}

Statement& Statement::bind(int index, std::int64_t value) {
    int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK)
        fail(db_, rc, "bind");
    return *this;
}
Statement& Statement::bind(int index, double value) {
    int rc = sqlite3_bind_double(stmt_, index, value);
    if (rc != SQLITE_OK)
        fail(db_, rc, "bind");
    return *this;
}
Statement& Statement::bind(int index, std::string_view value) {
    int rc = sqlite3_bind_text(stmt_, index, value.data(), int(value.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK)
        fail(db_, rc, "bind");
    return *this;
}
Statement& Statement::bind_blob(int index, std::string_view bytes) {
    int rc = sqlite3_bind_blob(stmt_, index, bytes.data(), int(bytes.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK)
        fail(db_, rc, "bind");
    return *this;
}
Statement& Statement::bind_null(int index) {
    int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK)
        fail(db_, rc, "bind");
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    fail(db_, rc, "step");
}

void Statement::run() {
    while (step()) {
    }
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int col) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}
std::int64_t Statement::get_int(int col) const {
    return sqlite3_column_int64(stmt_, col);
}
double Statement::get_double(int col) const {
    return sqlite3_column_double(stmt_, col);
}
std::string Statement::get_text(int col) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, std::size_t(sqlite3_column_bytes(stmt_, col))) : std::string{};
}
std::optional<std::int64_t> Statement::get_opt_int(int col) const {
    if (is_null(col))
        return std::nullopt;
    return get_int(col);
}
std::optional<double> Statement::get_opt_double(int col) const {
    if (is_null(col))
        return std::nullopt;
    return get_double(col);
}
std::optional<std::string> Statement::get_opt_text(int col) const {
    if (is_null(col))
        return std::nullopt;
    return get_text(col);
}

Transaction::Transaction(Connection& conn, Kind kind) : conn_(conn) {
    run_cached(conn_, kind == Kind::write ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
    if (!done_) {
        try {
            run_cached(conn_, "ROLLBACK");
        } catch (...) {
            // The transaction may already be gone (e.g. after an I/O error); nothing to undo.
        }
    }
}

void Transaction::commit() {
    run_cached(conn_, "COMMIT");
    done_ = true;
}

Savepoint::Savepoint(Connection& conn) : conn_(conn) {
    run_cached(conn_, "SAVEPOINT job");
}

Savepoint::~Savepoint() {
    if (!done_) {
        try {
            run_cached(conn_, "ROLLBACK TO job");
            run_cached(conn_, "RELEASE job");
        } catch (...) {
        }
    }
}

void Savepoint::release() {
    run_cached(conn_, "RELEASE job");
    done_ = true;
}

}  // namespace lifeline::storage
