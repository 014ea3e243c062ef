#pragma once
// RAII over the SQLite C API: a connection owns its handle, a statement is prepared
// in its constructor and finalized in its destructor, a transaction rolls back unless
// committed. Every value is bound; no SQL is ever built from input.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace lifeline::storage {

class Connection {
  public:
    enum class Mode { read_write, read_only };

    // Opens (creating if needed for read_write) and applies the pragmas of docs/design.md §6.
    explicit Connection(const std::string& path, Mode mode = Mode::read_write);
    ~Connection();
    Connection(Connection&&) noexcept = default;
    Connection& operator=(Connection&&) noexcept = default;

    void exec(std::string_view sql);  // one or more statements without parameters
    std::int64_t last_insert_id() const;
    int changes() const;
    int user_version();
    sqlite3* handle() const { return db_.get(); }
    const std::string& path() const { return path_; }

  private:
    friend class Statement;
    struct Closer {
        void operator()(sqlite3* db) const;
    };
    // Prepared statements by SQL text, reused instead of prepared again: the same few
    // statements run for every request, and preparing costs more than running them.
    struct Cached {
        sqlite3_stmt* stmt = nullptr;
        bool in_use = false;
    };
    // Looked up by the SQL's string_view, without copying it into a string first.
    struct SqlHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view sql) const {
            return std::hash<std::string_view>{}(sql);
        }
    };
    std::unique_ptr<sqlite3, Closer> db_;
    std::string path_;
    std::unordered_map<std::string, Cached, SqlHash, std::equal_to<>> cache_;
};

class Statement {
  public:
    Statement(Connection& conn, std::string_view sql);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;

    // Parameters are 1-based, as in SQLite.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, std::int64_t{value}); }
    Statement& bind(int index, bool value) { return bind(index, std::int64_t{value ? 1 : 0}); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, const std::string& value) {
        return bind(index, std::string_view{value});
    }
    Statement& bind(int index, const char* value) { return bind(index, std::string_view{value}); }
    Statement& bind_null(int index);
    Statement& bind_blob(int index, std::string_view bytes);
    template <class T>
    Statement& bind(int index, const std::optional<T>& value) {
        if (value)
            return bind(index, *value);
        return bind_null(index);
    }

    // Binds each argument in turn from parameter 1.
    template <class... Args>
    Statement& bind_all(const Args&... args) {
        int i = 0;
        (bind(++i, args), ...);
        return *this;
    }

    // Advances to the next row; false when done. Throws on error (a constraint
    // violation reports the constraint's message).
    bool step();
    // Runs a statement that returns no rows.
    void run();
    void reset();

    bool is_null(int col) const;
    std::int64_t get_int(int col) const;
    double get_double(int col) const;
    std::string get_text(int col) const;
    std::optional<std::int64_t> get_opt_int(int col) const;
    std::optional<double> get_opt_double(int col) const;
    std::optional<std::string> get_opt_text(int col) const;

  private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
    bool* in_use_ = nullptr;  // the cache slot, for a cached statement
};

// BEGIN IMMEDIATE … COMMIT; rolls back in its destructor unless committed.
class Transaction {
  public:
    // write: BEGIN IMMEDIATE, the writer's lock at once; snapshot: BEGIN (deferred), a
    // consistent read of several statements on a read connection.
    enum class Kind { write, snapshot };
    explicit Transaction(Connection& conn, Kind kind = Kind::write);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

  private:
    Connection& conn_;
    bool done_ = false;
};

// A named savepoint inside a transaction: one job of a group commit.
class Savepoint {
  public:
    explicit Savepoint(Connection& conn);
    ~Savepoint();
    Savepoint(const Savepoint&) = delete;
    Savepoint& operator=(const Savepoint&) = delete;
    void release();

  private:
    Connection& conn_;
    bool done_ = false;
};

// Thrown for SQLite failures that are not the caller's fault.
class SqliteError : public std::runtime_error {
  public:
    SqliteError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
    int code() const { return code_; }
    bool is_constraint() const;
    bool is_busy() const;

  private:
    int code_;
};

}  // namespace lifeline::storage
