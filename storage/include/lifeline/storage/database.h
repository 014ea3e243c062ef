#pragma once
// The database: one writer thread that group-commits every write, and a pool of
// read connections. A write returns only after the transaction holding it has been
// committed with synchronous=FULL, i.e. is durable.

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "lifeline/core/clock.h"
#include "lifeline/storage/sqlite.h"

namespace lifeline::storage {

struct WriterStats {
    // Batch-size histogram buckets: ≤1, ≤2, ≤4, … ≤256, +Inf.
    static constexpr std::array<int, 9> bucket_bounds{1, 2, 4, 8, 16, 32, 64, 128, 256};
    std::array<std::uint64_t, 10> buckets{};  // cumulative counts are derived when printed
    std::uint64_t commits = 0;
    std::uint64_t jobs = 0;
    std::uint64_t failed_jobs = 0;
};

class Database {
  public:
    struct Options {
        std::string path;
        int max_batch = 256;  // jobs in one group commit
        int max_readers = 64;
        // Where rows' created_at and updated_at come from; the system clock if null.
        const Clock* clock = nullptr;
    };

    // Opens the file, applies migrations, starts the writer.
    explicit Database(Options options);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs `f(Connection&)` on the writer inside a savepoint of a group transaction and
    // returns its result after COMMIT. An exception from `f` rolls back `f` alone and is
    // rethrown here; the other jobs of the batch commit.
    //
    // A write made from inside another write's `f` (on the writer thread) runs at once in
    // a nested savepoint of the same transaction: several writes, even of different
    // stores, commit together or not at all (e.g. a patient's edit and the requests that
    // follow it).
    template <class F>
    auto write(F&& f) {
        using R = std::invoke_result_t<F&, Connection&>;
        if (std::this_thread::get_id() == writer_id_)
            return nested_write<R>(f);
        if constexpr (std::is_void_v<R>) {
            submit_and_wait([&](Connection& c) { f(c); });
        } else {
            std::optional<R> result;
            submit_and_wait([&](Connection& c) { result.emplace(f(c)); });
            return std::move(*result);
        }
    }

    // The same without a waiting thread: queues `run` as a job of the next group commit and
    // returns at once. `done` runs once the job is settled, on the writer thread or where
    // deliver_completions() sends it: with no error after its batch's COMMIT returned (the
    // job's writes are durable), else with what `run` threw (the job alone rolled back) or
    // what failed the COMMIT (nothing of the batch is durable). It runs after the batch's
    // after_commit functions; keep it short (hand the rest to another thread); what it
    // throws is dropped. Throws
    // `unavailable` when the database is closing, without calling `done`.
    void submit(std::function<void(Connection&)> run, std::function<void(std::exception_ptr)> done);

    // Where submit()'s completions run. By default the writer thread calls each `done`
    // itself, one after the other, before it starts the next batch. Given a `deliver`, it
    // hands each batch's completions to it instead, as one function that calls them in
    // commit order, and goes on at once: the server runs that function on an I/O thread,
    // where the answers go, so the thread every write waits for neither wakes a connection
    // per answer nor frees what the requests held. `deliver` must not block and must run
    // what it is given once (destroying it unrun calls the completions then). Set it
    // before the first submit(); null goes back to the default.
    using Deliver = std::function<void(std::function<void()>)>;
    void deliver_completions(Deliver deliver);

    // True on the writer thread while it runs a job: a write made here nests in that job.
    bool in_write_job() const {
        return std::this_thread::get_id() == writer_id_ && current_job_ != nullptr;
    }

    // Runs `fn` once everything the caller has written is durable. Inside a write job (on
    // the writer thread) that is after the COMMIT of the job's batch, and never if the job
    // or the nested write that asked is rolled back; anywhere else it runs at once, since
    // a write made there has already returned, i.e. committed. `fn` runs on the writer
    // thread before the job's caller is woken: keep it short; what it throws is dropped.
    // The live events (net/src/events.cpp) are published through here.
    void after_commit(std::function<void()> fn);

    // Runs `f(Connection&)` on a read connection (a consistent WAL snapshot per
    // statement; wrap in a deferred Transaction for a multi-statement snapshot).
    template <class F>
    auto read(F&& f) {
        Lease lease(*this);
        return f(*lease.conn);
    }

    // Stops accepting writes, commits what is queued, stops the writer thread.
    void close();

    WriterStats stats() const;
    const std::string& path() const { return options_.path; }
    const Clock& clock() const { return clock_; }

  private:
    struct Job {
        std::function<void(Connection&)> run;
        std::exception_ptr error;
        std::vector<std::function<void()>> after_commit;  // see after_commit()
        // Set for a job queued by submit(): called when settled, and the job deleted.
        std::function<void(std::exception_ptr)> done_fn;
        // Signalled once the job's batch is committed: each waiter is woken alone, never
        // the whole crowd of threads waiting on other batches. (A mutex and condition
        // variable rather than std::binary_semaphore, whose acquire spins on
        // sched_yield before sleeping: costly CPU with dozens of waiters on two cores.)
        std::mutex mutex;
        std::condition_variable cv;
        bool done = false;
    };

    struct Lease {
        explicit Lease(Database& db);
        ~Lease();
        Database& db;
        std::unique_ptr<Connection> conn;
    };

    template <class R, class F>
    R nested_write(F& f) {
        Savepoint sp(writer_conn_);
        const std::size_t noted = current_job_ ? current_job_->after_commit.size() : 0;
        try {
            if constexpr (std::is_void_v<R>) {
                f(writer_conn_);
                sp.release();
            } else {
                R result = f(writer_conn_);
                sp.release();
                return result;
            }
        } catch (...) {
            // The nested write is rolled back: so is what it asked to run after the commit.
            if (current_job_)
                current_job_->after_commit.resize(noted);
            throw;
        }
    }

    static int on_wal_commit(void* self, sqlite3* db, const char* schema, int pages);
    void pin_latest_snapshot();

    void submit_and_wait(std::function<void(Connection&)> run);
    void enqueue(Job* job);
    void writer_loop();
    void commit_batch(std::vector<Job*>& batch);
    void count_batch(const std::vector<Job*>& batch);
    static void settle(Job* job);
    void hand_over(std::vector<Job*>& batch);

    Options options_;
    const Clock& clock_;
    Connection writer_conn_;
    // A read transaction held open at the latest commit, moved on by the writer after each
    // COMMIT (pin_latest_snapshot). SQLite locks a WAL read mark once per process: while
    // this connection holds the mark of the latest snapshot, a reader starting there
    // shares the lock instead of taking and dropping it with two fcntl(2) calls. Touched
    // only on the writer thread.
    Connection pin_conn_;
    struct Finalizer {
        void operator()(sqlite3_stmt* stmt) const;
    };
    std::unique_ptr<sqlite3_stmt, Finalizer> pin_stmt_;  // null: no pin

    mutable std::mutex mutex_;
    std::condition_variable work_cv_;
    std::deque<Job*> queue_;
    bool closing_ = false;
    std::shared_ptr<const Deliver> deliver_;  // see deliver_completions()
    WriterStats stats_;
    std::thread writer_;
    std::thread::id writer_id_;   // set before the first job runs
    Job* current_job_ = nullptr;  // the job running on the writer thread, if any

    std::mutex readers_mutex_;
    std::vector<std::unique_ptr<Connection>> idle_readers_;
};

}  // namespace lifeline::storage
