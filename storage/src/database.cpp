#include "lifeline/storage/database.h"

#include <sqlite3.h>

#include <chrono>

#include "lifeline/core/errors.h"
#include "lifeline/core/time.h"
#include "lifeline/storage/migrations.h"
#include "search_index.h"

namespace lifeline::storage {
namespace {

// SQLite's default for its automatic checkpoint.
constexpr int wal_checkpoint_pages = 1000;

}  // namespace

Database::Database(Options options)
    : options_(std::move(options)),
      clock_(options_.clock ? *options_.clock : system_clock()),
      writer_conn_(options_.path, Connection::Mode::read_write),
      pin_conn_(options_.path, Connection::Mode::read_only) {
    migrate(writer_conn_);
    index_unindexed(writer_conn_);
    // The pin never waits: a snapshot it cannot take at once is taken at the next commit.
    sqlite3_busy_timeout(pin_conn_.handle(), 0);
    sqlite3_stmt* pin = nullptr;
    // Without it (prepare failed, pin_stmt_ null) readers lock their mark themselves.
    if (sqlite3_prepare_v2(pin_conn_.handle(), "SELECT 1 FROM sqlite_schema", -1, &pin, nullptr) ==
        SQLITE_OK)
        pin_stmt_.reset(pin);
    pin_latest_snapshot();
    // Replaces SQLite's automatic checkpoint with the same one, preceded by moving the pin.
    sqlite3_wal_hook(writer_conn_.handle(), &Database::on_wal_commit, this);
    writer_ = std::thread([this] { writer_loop(); });
    writer_id_ = writer_.get_id();
}

Database::~Database() {
    close();
}

// Finalizing the pin's statement ends its read transaction.
void Database::Finalizer::operator()(sqlite3_stmt* stmt) const {
    sqlite3_finalize(stmt);
}

// Ends the pin's read transaction and starts one at the latest commit. A statement that
// has stepped to its first row and is not reset holds its transaction open.
void Database::pin_latest_snapshot() {
    if (!pin_stmt_)
        return;
    sqlite3_reset(pin_stmt_.get());
    if (sqlite3_step(pin_stmt_.get()) != SQLITE_ROW)
        sqlite3_reset(pin_stmt_.get());  // unpinned until the next commit
}

// Called by SQLite on the writer thread after each COMMIT, with the WAL's length in pages.
// The pin moves first: held at an older snapshot it would keep the checkpoint from
// copying the newest frames, and the WAL from starting over once all is copied.
int Database::on_wal_commit(void* self, sqlite3* db, const char* schema, int pages) {
    auto* d = static_cast<Database*>(self);
    d->pin_latest_snapshot();
    if (pages >= wal_checkpoint_pages) {
        // What SQLite's own automatic checkpoint does (PASSIVE, at 1000 pages).
        sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        // All copied: the pin now reads the database file itself (read mark 0), which
        // lets the next write start the WAL over.
        d->pin_latest_snapshot();
    }
    return SQLITE_OK;
}

void Database::close() {
    {
        std::lock_guard lock(mutex_);
        if (closing_ && !writer_.joinable())
            return;
        closing_ = true;
    }
    work_cv_.notify_all();
    if (writer_.joinable())
        writer_.join();
}

WriterStats Database::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

void Database::enqueue(Job* job) {
    {
        std::lock_guard lock(mutex_);
        if (closing_)
            throw Error(ErrorKind::unavailable, msg("database.closing"));
        queue_.push_back(job);
    }
    work_cv_.notify_one();
}

void Database::submit_and_wait(std::function<void(Connection&)> run) {
    Job job;
    job.run = std::move(run);
    enqueue(&job);
    {
        std::unique_lock lock(job.mutex);
        job.cv.wait(lock, [&] { return job.done; });
    }
    if (job.error)
        std::rethrow_exception(job.error);
}

void Database::submit(std::function<void(Connection&)> run,
                      std::function<void(std::exception_ptr)> done) {
    auto job = std::make_unique<Job>();
    job->run = std::move(run);
    job->done_fn = std::move(done);
    enqueue(job.get());
    job.release();  // the writer owns it now: settle() deletes it
}

void Database::writer_loop() {
    std::vector<Job*> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            const auto ready = [&] { return closing_ || !queue_.empty(); };
            if (!work_cv_.wait_for(lock, std::chrono::seconds(1), ready)) {
                // Idle: another process (the command line) may have committed since.
                lock.unlock();
                pin_latest_snapshot();
                continue;
            }
            if (queue_.empty() && closing_)
                return;
            while (!queue_.empty() && int(batch.size()) < options_.max_batch) {
                batch.push_back(queue_.front());
                queue_.pop_front();
            }
        }
        commit_batch(batch);
        count_batch(batch);
        // After this a waiter may return and destroy its job: touch nothing of it later.
        hand_over(batch);
        batch.clear();
    }
}

void Database::deliver_completions(Deliver deliver) {
    std::lock_guard lock(mutex_);
    deliver_ = deliver ? std::make_shared<const Deliver>(std::move(deliver)) : nullptr;
}

// Settles a committed batch: wakes the writes' waiting threads here, and hands submit()'s
// completions to `deliver_` in one function when there is one (deliver_completions).
void Database::hand_over(std::vector<Job*>& batch) {
    std::shared_ptr<const Deliver> deliver;
    {
        std::lock_guard lock(mutex_);
        deliver = deliver_;
    }
    // Owns the completions handed over; each is called once, by the first run() or else
    // when dropped (a `deliver` that threw may still have kept a copy to run).
    struct Completions {
        std::vector<Job*> jobs;
        std::atomic<bool> ran{false};
        Completions() = default;
        Completions(const Completions&) = delete;
        Completions& operator=(const Completions&) = delete;
        void run() {
            if (ran.exchange(true))
                return;
            for (Job* j : jobs)
                settle(j);
        }
        ~Completions() { run(); }
    };
    std::shared_ptr<Completions> later;
    for (Job* j : batch) {
        if (!deliver || !j->done_fn) {
            settle(j);
            continue;
        }
        if (!later)
            later = std::make_shared<Completions>();
        later->jobs.push_back(j);
    }
    if (!later)
        return;
    try {
        (*deliver)([later] { later->run(); });
    } catch (...) {
        later->run();  // not handed over: settled here
    }
}

void Database::count_batch(const std::vector<Job*>& batch) {
    std::lock_guard lock(mutex_);
    std::size_t b = 0;
    while (b < WriterStats::bucket_bounds.size() &&
           int(batch.size()) > WriterStats::bucket_bounds[b])
        ++b;
    ++stats_.buckets[b];
    ++stats_.commits;
    stats_.jobs += batch.size();
    for (const Job* j : batch)
        if (j->error)
            ++stats_.failed_jobs;
}

// Hands a settled job back: to its completion (submit) or to its waiting thread.
void Database::settle(Job* j) {
    if (j->done_fn) {
        std::unique_ptr<Job> owned(j);
        try {
            owned->done_fn(owned->error);
        } catch (...) {
            // Like after_commit: the write is settled whatever its completion does.
        }
        return;
    }
    std::lock_guard lock(j->mutex);
    j->done = true;
    j->cv.notify_one();
}

void Database::after_commit(std::function<void()> fn) {
    if (std::this_thread::get_id() == writer_id_ && current_job_) {
        current_job_->after_commit.push_back(std::move(fn));
        return;
    }
    try {
        fn();
    } catch (...) {
        // Like the writer: a failing notification does not undo a durable write.
    }
}

void Database::commit_batch(std::vector<Job*>& batch) {
    try {
        Transaction tx(writer_conn_);
        for (Job* j : batch) {
            Savepoint sp(writer_conn_);
            current_job_ = j;
            try {
                j->run(writer_conn_);
                sp.release();
            } catch (...) {
                j->error = std::current_exception();
                j->after_commit.clear();
            }
            current_job_ = nullptr;
        }
        tx.commit();
    } catch (...) {
        // The commit itself failed: nothing of the batch is durable.
        current_job_ = nullptr;
        auto error = std::current_exception();
        for (Job* j : batch) {
            j->after_commit.clear();
            if (!j->error)
                j->error = error;
        }
        return;
    }
    // Durable: what the jobs asked to follow their commit runs now, in commit order,
    // before any of their callers is woken.
    for (Job* j : batch) {
        for (auto& fn : j->after_commit) {
            try {
                fn();
            } catch (...) {
            }
        }
        j->after_commit.clear();
    }
}

Database::Lease::Lease(Database& d) : db(d) {
    {
        std::lock_guard lock(db.readers_mutex_);
        if (!db.idle_readers_.empty()) {
            conn = std::move(db.idle_readers_.back());
            db.idle_readers_.pop_back();
        }
    }
    if (!conn)
        conn = std::make_unique<Connection>(db.options_.path, Connection::Mode::read_only);
}

Database::Lease::~Lease() {
    std::lock_guard lock(db.readers_mutex_);
    if (int(db.idle_readers_.size()) < db.options_.max_readers)
        db.idle_readers_.push_back(std::move(conn));
}

}  // namespace lifeline::storage
