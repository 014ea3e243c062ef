// Requests answered later, from another thread (ServerOptions::answer_later with
// Router::answer_after_commit): a Pace::write route's write runs on a write queue (here a
// stand-in for the database writer that settles each job after a delay) and its answer
// comes back to the connection in order, with no worker thread involved, and a shutdown
// waits for it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http_client.h"
#include "lifeline/core/errors.h"
#include "lifeline/net/router.h"
#include "lifeline/net/server.h"
#include "test_server.h"

using namespace std::chrono_literals;
using lifeline::net::Request;
using lifeline::net::Response;
using lifeline::net::Router;
using lifeline::test::HttpClient;
using lifeline::test::test_options;
using lifeline::test::TestServer;

namespace {

Response text(unsigned status, std::string body) {
    Response r;
    r.status = status;
    r.content_type = "text/plain";
    r.body = std::move(body);
    return r;
}

// Settles each job on its own thread after `delay`, like a writer whose commit takes time.
class SlowWriter {
  public:
    explicit SlowWriter(std::chrono::milliseconds delay) : delay_(delay) {}
    ~SlowWriter() {
        std::lock_guard lock(mutex_);
        for (auto& t : threads_)
            t.join();
    }

    lifeline::net::WriteQueue queue() {
        return [this](std::function<void()> job, std::function<void(std::exception_ptr)> done) {
            std::lock_guard lock(mutex_);
            threads_.emplace_back([this, job = std::move(job), done = std::move(done)] {
                std::this_thread::sleep_for(delay_);
                std::exception_ptr error;
                try {
                    job();
                } catch (...) {
                    error = std::current_exception();
                }
                if (fail_commit_)
                    error = std::make_exception_ptr(lifeline::Error(
                        lifeline::ErrorKind::unavailable, lifeline::msg("problem.unavailable")));
                lifeline::net::Server* server = hand_to_;
                if (!server) {
                    done(error);
                    return;
                }
                // As the database does with deliver_completions: the completion runs where
                // the server posts it.
                server->post([this, done, error] {
                    {
                        std::lock_guard lock(mutex_);
                        completed_on_.push_back(std::this_thread::get_id());
                    }
                    done(error);
                });
            });
        };
    }
    void fail_commits() { fail_commit_ = true; }
    void hand_completions_to(lifeline::net::Server& server) { hand_to_ = &server; }
    // The threads the completions handed to the server ran on, and the writer's own.
    std::vector<std::thread::id> completed_on() {
        std::lock_guard lock(mutex_);
        return completed_on_;
    }
    std::vector<std::thread::id> writer_threads() {
        std::lock_guard lock(mutex_);
        std::vector<std::thread::id> ids;
        for (auto& t : threads_)
            ids.push_back(t.get_id());
        return ids;
    }

  private:
    std::chrono::milliseconds delay_;
    std::atomic<bool> fail_commit_{false};
    std::atomic<lifeline::net::Server*> hand_to_{nullptr};
    std::mutex mutex_;
    std::vector<std::thread::id> completed_on_;
    std::vector<std::thread> threads_;
};

Router make_router(SlowWriter& writer) {
    Router router;
    // A write route as idempotent() shapes one: the write left for later when allowed.
    router.add(
        "POST", "/write/{status}",
        [](Request& req) {
            const int status = std::stoi(std::string(*req.param("status")));
            auto write = [status, body = req.body, on_worker = !req.may_write_later] {
                if (status == 0)
                    throw lifeline::Error(lifeline::ErrorKind::conflict,
                                          lifeline::msg("problem.conflict"));
                return text(unsigned(status), (on_worker ? "worker " : "written ") + body);
            };
            if (!req.may_write_later)
                return write();
            Response later;
            later.write_later = write;
            return later;
        },
        lifeline::net::Pace::write);
    router.add(
        "POST", "/refuse-first", [](Request&) { return text(401, "sign in first"); },
        lifeline::net::Pace::write);
    router.add("GET", "/fast", [](Request&) { return text(200, "fast"); });
    router.add("GET", "/slow", [](Request&) {
        std::this_thread::sleep_for(1500ms);
        return text(200, "slow");
    });
    router.set_write_queue(writer.queue());
    return router;
}

lifeline::net::ServerOptions later_options(const Router& router) {
    auto o = test_options();
    o.worker_threads = 1;
    o.answer_later = [&router](Request& r, const lifeline::net::Respond& respond) {
        return router.answer_after_commit(r, respond);
    };
    return o;
}

}  // namespace

TEST_CASE("a write answered later keeps its place and needs no worker", "[net][server][write]") {
    SlowWriter writer(300ms);
    const Router router = make_router(writer);
    TestServer server(later_options(router), [&router](Request& r) { return router(r); });

    // The only worker is busy for 1.5 s.
    auto busy = std::async(std::launch::async, [&] {
        HttpClient c("127.0.0.1", server.port());
        return c.request("GET", "/slow");
    });
    std::this_thread::sleep_for(200ms);

    HttpClient client("127.0.0.1", server.port());
    client.connect();
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(
        client.send_raw("POST /write/201 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\none"
                        "POST /refuse-first HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"
                        "POST /write/409 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\ntwo"
                        "POST /write/0 HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nthree"));
    auto first = client.read_response();
    auto refused = client.read_response();
    auto conflict = client.read_response();
    auto thrown = client.read_response();
    const auto took = std::chrono::steady_clock::now() - t0;

    CHECK(first.status == 201);
    CHECK(first.body == "written one");
    CHECK(refused.status == 401);  // answered before any write, in its place
    CHECK(conflict.status == 409);
    CHECK(conflict.body == "written two");
    CHECK(thrown.status == 409);  // an Error from the write is its problem
    CHECK(thrown.header("Content-Type") == "application/problem+json");
    CHECK(took < 1000ms);  // the worker was still busy
    CHECK(busy.get().status == 200);
}

TEST_CASE("a failed commit is answered with its problem, never as done", "[net][server][write]") {
    SlowWriter writer(50ms);
    writer.fail_commits();
    const Router router = make_router(writer);
    TestServer server(later_options(router), [&router](Request& r) { return router(r); });
    HttpClient client("127.0.0.1", server.port());
    auto r = client.request("POST", "/write/201", "one");
    CHECK(r.status == 503);
    CHECK(r.header("Content-Type") == "application/problem+json");
}

TEST_CASE("without a write queue a write route runs on a worker as before",
          "[net][server][write]") {
    SlowWriter writer(50ms);
    Router router = make_router(writer);
    router.set_write_queue(nullptr);
    TestServer server(later_options(router), [&router](Request& r) { return router(r); });
    HttpClient client("127.0.0.1", server.port());
    auto r = client.request("POST", "/write/201", "one");
    CHECK(r.status == 201);
    CHECK(r.body == "worker one");
}

TEST_CASE("stop waits for an answer still being written", "[net][server][write]") {
    SlowWriter writer(600ms);
    const Router router = make_router(writer);
    TestServer server(later_options(router), [&router](Request& r) { return router(r); });
    const auto port = server.port();
    auto in_flight = std::async(std::launch::async, [port] {
        HttpClient c("127.0.0.1", port);
        return c.request("POST", "/write/201", "late");
    });
    std::this_thread::sleep_for(200ms);  // the write is queued
    server.stop();
    auto res = in_flight.get();
    CHECK(res.status == 201);
    CHECK(res.body == "written late");
    CHECK(res.header("Connection") == "close");
}

TEST_CASE("a completion handed to the server runs on an I/O thread and answers in order",
          "[net][server][write]") {
    SlowWriter writer(100ms);
    const Router router = make_router(writer);
    TestServer server(later_options(router), [&router](Request& r) { return router(r); });
    writer.hand_completions_to(server.server());
    HttpClient client("127.0.0.1", server.port());
    client.connect();
    REQUIRE(
        client.send_raw("POST /write/201 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\none"
                        "POST /write/409 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\ntwo"));
    auto first = client.read_response();
    auto second = client.read_response();
    CHECK(first.status == 201);
    CHECK(first.body == "written one");
    CHECK(second.status == 409);
    CHECK(second.body == "written two");
    const auto ran_on = writer.completed_on();
    const auto writers = writer.writer_threads();
    REQUIRE(ran_on.size() == 2);
    for (const auto& id : ran_on) {
        CHECK(std::find(writers.begin(), writers.end(), id) == writers.end());
        CHECK(id != std::this_thread::get_id());
    }
}

TEST_CASE("stop runs a completion handed over after the I/O threads stopped",
          "[net][server][write]") {
    SlowWriter writer(1200ms);
    const Router router = make_router(writer);
    auto options = later_options(router);
    options.shutdown_grace = 100ms;  // the I/O threads stop long before the commit
    TestServer server(options, [&router](Request& r) { return router(r); });
    writer.hand_completions_to(server.server());
    const auto port = server.port();
    auto in_flight = std::async(std::launch::async, [port] {
        HttpClient c("127.0.0.1", port);
        try {
            return int(c.request("POST", "/write/201", "late").status);
        } catch (const std::exception&) {
            return 0;  // closed at the end of the grace period
        }
    });
    std::this_thread::sleep_for(200ms);  // the write is queued
    auto stopped = std::async(std::launch::async, [&server] { server.stop(); });
    // run() waits for the answer and, with no I/O thread left, runs its completion itself.
    REQUIRE(stopped.wait_for(10s) == std::future_status::ready);
    CHECK(writer.completed_on().size() == 1);
    in_flight.get();
}
