// The event hub and the server's streamed answers: heartbeats, a stream holds no worker
// thread, the total bound, and a stalled reader gets a reset rather than a growing queue.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <vector>

#include "http_client.h"
#include "lifeline/core/errors.h"
#include "lifeline/net/events.h"
#include "sse_client.h"
#include "test_server.h"

using namespace lifeline;
using namespace std::chrono_literals;

namespace {

Actor dispatcher(UserId user) {
    Actor a;
    a.user_id = user;
    a.role = Role::dispatcher;
    return a;
}

}  // namespace

TEST_CASE("a stream is written from the I/O side: heartbeats, events, no worker held",
          "[net][events]") {
    net::EventLimits limits;
    limits.heartbeat = 100ms;
    net::EventHub hub(1000, limits);
    auto options = test::test_options();
    options.worker_threads = 1;  // one worker: a stream that held it would block the rest
    test::TestServer server(options, [&hub](net::Request& r) {
        net::Response res;
        if (r.path == "/events") {
            res.content_type = "text/event-stream";
            res.stream = hub.subscribe(dispatcher(UserId(hub.open_streams() + 1)), std::nullopt);
        }
        return res;
    });
    std::vector<std::unique_ptr<test::SseClient>> streams;
    for (int i = 0; i < 3; ++i) {
        streams.push_back(std::make_unique<test::SseClient>(server.port(), "/events"));
        REQUIRE(streams.back()->status() == 200);
    }
    test::HttpClient plain("127.0.0.1", server.port());
    CHECK(plain.request("GET", "/other").status == 200);

    CHECK(streams[0]->comment_within(1s));  // a heartbeat within a few intervals
    hub.publish({}, R"({"type":"x"})");
    for (auto& s : streams) {
        auto e = s->next(2s);
        REQUIRE(e);
        CHECK(e->id == "1001");
        CHECK(e->data == R"({"type":"x"})");
    }
    streams.clear();  // clients leave: the hub forgets them
    for (int i = 0; i < 100 && hub.open_streams() > 0; ++i)
        std::this_thread::sleep_for(10ms);
    CHECK(hub.open_streams() == 0);
}

TEST_CASE("the hub bounds streams in total and per account, and resets a stalled one",
          "[net][events]") {
    net::EventLimits limits;
    limits.streams_total = 3;
    limits.streams_per_user = 2;
    limits.queued_per_stream = 4;
    limits.ring = 8;
    net::EventHub hub(0, limits);
    auto a = hub.subscribe(dispatcher(1), std::nullopt);
    auto b = hub.subscribe(dispatcher(1), std::nullopt);
    try {
        hub.subscribe(dispatcher(1), std::nullopt);
        FAIL("a third stream of one account was accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::rate_limited);
    }
    auto c = hub.subscribe(dispatcher(2), std::nullopt);
    try {
        hub.subscribe(dispatcher(3), std::nullopt);
        FAIL("a stream beyond the total was accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::unavailable);
    }
    a->stop();
    CHECK(hub.open_streams() == 2);

    // b never reads: after 4 queued events the queue is replaced by one reset.
    b->take();
    for (int i = 0; i < 6; ++i)
        hub.publish({}, R"({"type":"x"})");
    const std::string behind = b->take();
    CHECK(behind.find(R"({"type":"reset"})") != std::string::npos);
    CHECK(behind.size() < 200);

    // A driver's stream carries only what names that driver.
    Actor driver;
    driver.user_id = 9;
    driver.role = Role::driver;
    driver.driver_id = 5;
    c->stop();
    auto d = hub.subscribe(driver, std::nullopt);
    d->take();
    hub.publish({DriverId(4)}, R"({"type":"other"})");
    hub.publish({std::nullopt}, R"({"type":"dispatch only"})");
    hub.publish({DriverId(5)}, R"({"type":"mine"})");
    const std::string mine = d->take();
    CHECK(mine.find("other") == std::string::npos);
    CHECK(mine.find("dispatch only") == std::string::npos);
    CHECK(mine.find("mine") != std::string::npos);
    // Resuming from an id older than the ring (9 published, 8 kept) is a reset.
    d->stop();
    auto e = hub.subscribe(driver, std::string("0"));
    CHECK(e->take().find("reset") != std::string::npos);
}
