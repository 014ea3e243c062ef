#include "lifeline/storage/database.h"

#include <chrono>

#include "lifeline/core/errors.h"
#include "lifeline/core/time.h"
#include "lifeline/storage/migrations.h"
#include "search_index.h"

namespace lifeline::storage {

Database::Database(Options options)
    : options_(std::move(options)),
      clock_(options_.clock ? *options_.clock : system_clock()),
      writer_conn_(options_.path, Connection::Mode::read_write) {
    migrate(writer_conn_);
    index_unindexed(writer_conn_);
    writer_ = std::thread([this] { writer_loop(); });
    writer_id_ = writer_.get_id();
}

Database::~Database() {
    close();
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
            work_cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
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
        for (Job* j : batch)
            settle(j);
        batch.clear();
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
