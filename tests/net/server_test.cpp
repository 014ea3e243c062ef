#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include <atomic>
#include <chrono>
#include <csignal>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http_client.h"
#include "lifeline/core/errors.h"
#include "lifeline/net/metrics.h"
#include "lifeline/net/problem.h"
#include "lifeline/net/router.h"
#include "lifeline/net/server.h"
#include "test_server.h"

using namespace std::chrono_literals;
using lifeline::ErrorKind;
using lifeline::net::Request;
using lifeline::net::Response;
using lifeline::net::Router;
using lifeline::test::HttpClient;
using lifeline::test::test_options;
using lifeline::test::TestServer;

namespace {

Response text(std::string body) {
    Response r;
    r.content_type = "text/plain";
    r.body = std::move(body);
    return r;
}

int query_int(const Request& req, std::string_view name, int fallback) {
    auto v = req.query_param(name);
    return v ? std::stoi(std::string(*v)) : fallback;
}

// The routes most tests use.
Router make_router() {
    Router router;
    router.add("GET", "/healthz", [](Request&) {
        Response r;
        r.body = R"({"status":"ok"})";
        return r;
    });
    router.add("GET", "/slow", [](Request& req) {
        std::this_thread::sleep_for(std::chrono::milliseconds(query_int(req, "ms", 300)));
        return text("slow " + std::to_string(query_int(req, "n", 0)));
    });
    router.add("GET", "/fast",
               [](Request& req) { return text("fast " + std::to_string(query_int(req, "n", 0))); });
    router.add("POST", "/echo", [](Request& req) { return text(req.body); });
    router.add("GET", "/echo/{id}", [](Request& req) {
        std::string out = "id=" + std::string(*req.param("id"));
        for (const auto& [k, v] : req.query)
            out += " " + k + "=" + v;
        out += " route=" + req.route;
        out += " remote=" + req.remote;
        if (auto h = req.header("x-probe"))
            out += " probe=" + std::string(*h);
        return text(out);
    });
    router.add("GET", "/throw",
               [](Request&) -> Response { throw std::runtime_error("database on fire"); });
    router.add("GET", "/fail/{kind}", [](Request& req) -> Response {
        const auto kind = std::string(*req.param("kind"));
        if (kind == "invalid")
            throw lifeline::Error(
                ErrorKind::invalid, lifeline::uncatalogued("bad trip"),
                {{"odometer_end", lifeline::uncatalogued("must be at least odometer_start")},
                 {"rides[0].picked_up_at", lifeline::uncatalogued("needs an offset")}});
        if (kind == "unauthorized")
            throw lifeline::Error(ErrorKind::unauthorized, lifeline::uncatalogued("sign in"));
        if (kind == "forbidden")
            throw lifeline::Error(ErrorKind::forbidden, lifeline::uncatalogued("not yours"));
        if (kind == "not_found")
            throw lifeline::Error(ErrorKind::not_found, lifeline::uncatalogued("no trip 7"));
        if (kind == "conflict")
            throw lifeline::Error(ErrorKind::conflict, lifeline::uncatalogued("trip open"));
        if (kind == "unprocessable")
            throw lifeline::Error(ErrorKind::unprocessable,
                                  lifeline::uncatalogued("odometer went back"));
        if (kind == "rate_limited")
            throw lifeline::Error(ErrorKind::rate_limited, lifeline::uncatalogued("slow down"));
        if (kind == "unavailable")
            throw lifeline::Error(ErrorKind::unavailable, lifeline::uncatalogued("draining"));
        throw lifeline::Error::internal("disk full");
    });
    router.add("GET", "/headers", [](Request&) {
        Response r = text("with headers");
        r.set_header("Cache-Control", "no-store");
        r.set_header("X-Injected", "a\r\nSet-Cookie: evil=1");
        r.set_header("Content-Length", "999");  // the server owns framing
        return r;
    });
    router.add("GET", "/no-content", [](Request&) {
        Response r;
        r.status = 204;
        r.body = "ignored";
        return r;
    });
    return router;
}

lifeline::net::Handler handler_of(const Router& router) {
    return [&router](Request& req) { return router(req); };
}

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("the server answers requests and keeps the connection alive", "[net][server]") {
    const Router router = make_router();
    TestServer server(test_options(), handler_of(router));
    REQUIRE(server.port() != 0);

    HttpClient client("127.0.0.1", server.port());
    client.connect();
    for (int i = 0; i < 3; ++i) {
        // Raw requests on one socket: a closed connection would make the read fail.
        REQUIRE(client.send_raw("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
        auto res = client.read_response();
        CHECK(res.status == 200);
        CHECK(res.body == R"({"status":"ok"})");
        CHECK(res.header("content-type") == "application/json");
        CHECK(res.header("Content-Length") == "15");
        CHECK_FALSE(res.header("Connection").has_value());
        CHECK(client.connected());
    }

    SECTION("request fields reach the handler decoded") {
        auto res = client.request("GET", "/echo/trip%2F7?date=2022-03-14&q=a+b%21&flag", {},
                                  {{"X-Probe", "yes"}});
        CHECK(res.status == 200);
        CHECK(res.body ==
              "id=trip/7 date=2022-03-14 q=a b! flag= route=/echo/{id} remote=127.0.0.1 "
              "probe=yes");
    }
    SECTION("a POST body reaches the handler") {
        auto res = client.request("POST", "/echo", "driver 12 logged 41 km");
        CHECK(res.status == 200);
        CHECK(res.body == "driver 12 logged 41 km");
    }
    SECTION("HEAD answers GET's headers without a body") {
        client.connect();
        REQUIRE(client.send_raw("HEAD /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
        auto head = client.read_response(true);
        CHECK(head.status == 200);
        CHECK(head.header("Content-Length") == "15");
        CHECK(head.body.empty());
        // Had the server sent a body, it would be read here as a bad status line.
        auto next = client.request("GET", "/fast?n=1");
        CHECK(next.body == "fast 1");
    }
    SECTION("204 carries no body") {
        auto res = client.request("GET", "/no-content");
        CHECK(res.status == 204);
        CHECK(res.body.empty());
        CHECK(client.request("GET", "/fast?n=2").body == "fast 2");
    }
    SECTION("Connection: close is honoured") {
        client.connect();
        REQUIRE(client.send_raw("GET /fast HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
        auto res = client.read_response();
        CHECK(res.status == 200);
        CHECK(res.header("Connection") == "close");
        CHECK(client.wait_for_close(2s));
    }
    SECTION("handler headers are sent, framing and injected lines are not") {
        auto res = client.request("GET", "/headers");
        CHECK(res.body == "with headers");
        CHECK(res.header("Cache-Control") == "no-store");
        CHECK(res.header("Content-Length") == "12");
        CHECK_FALSE(res.header("X-Injected"));
        CHECK_FALSE(res.header("Set-Cookie"));
    }
    SECTION("HTTP/1.0 with keep-alive is kept alive") {
        client.connect();
        for (int i = 0; i < 2; ++i) {
            REQUIRE(client.send_raw("GET /fast HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
            auto res = client.read_response();
            CHECK(res.status == 200);
            CHECK(res.header("Connection") == "keep-alive");
        }
    }
    SECTION("HTTP/1.0 without keep-alive is closed after the answer") {
        client.connect();
        REQUIRE(client.send_raw("GET /fast HTTP/1.0\r\n\r\n"));
        auto res = client.read_response();
        CHECK(res.status == 200);
        CHECK(client.wait_for_close(2s));
    }
}

TEST_CASE("unknown paths and methods are problem+json 404 and 405", "[net][server]") {
    const Router router = make_router();
    TestServer server(test_options(), handler_of(router));
    HttpClient client("127.0.0.1", server.port());

    auto missing = client.request("GET", "/api/v1/nothing");
    CHECK(missing.status == 404);
    CHECK(missing.header("Content-Type") == "application/problem+json");
    CHECK(contains(missing.body, R"("status":404)"));
    CHECK(contains(missing.body, R"("title":"Not Found")"));
    CHECK(contains(missing.body, R"("type":"https://lifeline.invalid/problems/not-found")"));

    auto wrong = client.request("DELETE", "/healthz");
    CHECK(wrong.status == 405);
    CHECK(wrong.header("Allow") == "GET, HEAD");
    CHECK(wrong.header("Content-Type") == "application/problem+json");
    CHECK(contains(wrong.body, R"("status":405)"));

    // The connection survives both.
    CHECK(client.request("GET", "/healthz").status == 200);
}

TEST_CASE("a body over the limit is refused with 413", "[net][server]") {
    auto options = test_options();
    options.body_limit = 1024;
    const Router router = make_router();
    TestServer server(options, handler_of(router));
    HttpClient client("127.0.0.1", server.port());

    SECTION("declared by Content-Length") {
        auto res = client.request("POST", "/echo", std::string(64 * 1024, 'x'));
        CHECK(res.status == 413);
        CHECK(res.header("Content-Type") == "application/problem+json");
        CHECK(res.header("Connection") == "close");
        CHECK(contains(res.body, R"("status":413)"));
    }
    SECTION("discovered while reading a chunked body") {
        client.connect();
        std::string wire = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 4; ++i)
            wire += "200\r\n" + std::string(512, 'y') + "\r\n";
        wire += "0\r\n\r\n";
        client.send_raw(wire);
        auto res = client.read_response();
        CHECK(res.status == 413);
    }
    SECTION("a body within the limit passes") {
        auto res = client.request("POST", "/echo", std::string(1024, 'z'));
        CHECK(res.status == 200);
        CHECK(res.body.size() == 1024);
    }
    // The server goes on serving new connections.
    HttpClient other("127.0.0.1", server.port());
    CHECK(other.request("GET", "/healthz").status == 200);
}

TEST_CASE("a request head over the limit is refused with 431", "[net][server]") {
    auto options = test_options();
    options.header_limit = 2048;
    const Router router = make_router();
    TestServer server(options, handler_of(router));
    HttpClient client("127.0.0.1", server.port());

    auto res = client.request("GET", "/healthz", {}, {{"X-Big", std::string(4096, 'h')}});
    CHECK(res.status == 431);
    CHECK(res.header("Content-Type") == "application/problem+json");
    CHECK(client.request("GET", "/healthz").status == 200);  // reconnects
}

TEST_CASE("malformed requests get 400 problem+json", "[net][server]") {
    const Router router = make_router();
    TestServer server(test_options(), handler_of(router));
    HttpClient client("127.0.0.1", server.port());

    SECTION("a target with a broken percent escape") {
        client.connect();
        client.send_raw("GET /trips/%zz HTTP/1.1\r\nHost: t\r\n\r\n");
        auto res = client.read_response();
        CHECK(res.status == 400);
        CHECK(res.header("Content-Type") == "application/problem+json");
        // Still usable: the request itself was well framed.
        client.send_raw("GET /fast?n=3 HTTP/1.1\r\nHost: t\r\n\r\n");
        CHECK(client.read_response().body == "fast 3");
    }
    SECTION("garbage instead of a request line") {
        client.connect();
        client.send_raw("HELLO\x01 THERE\r\n\r\n");
        auto res = client.read_response();
        CHECK(res.status == 400);
        CHECK(client.wait_for_close(2s));
    }
}

TEST_CASE("request heads that HTTP/1.1 forbids are refused before their body is read",
          "[net][server]") {
    const Router router = make_router();
    TestServer server(test_options(), handler_of(router));
    HttpClient client("127.0.0.1", server.port());
    // Each refusal is problem+json naming the header, and closes the connection: what
    // follows on it cannot be trusted to be framed as we would read it.
    const auto refused = [&](const std::string& wire, int status, const std::string& field) {
        client.connect();
        REQUIRE(client.send_raw(wire));
        auto res = client.read_response();
        INFO(wire);
        INFO(res.body);
        CHECK(res.status == status);
        CHECK(res.header("Content-Type") == "application/problem+json");
        CHECK(contains(res.body, R"("field":")" + field + "\""));
        CHECK(res.header("Connection") == "close");
        CHECK(client.wait_for_close(2s));
    };

    SECTION("HTTP/1.1 without Host") {
        refused("GET /fast HTTP/1.1\r\n\r\n", 400, "Host");
    }
    SECTION("two Host headers") {
        refused("GET /fast HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "Host");
    }
    SECTION("HTTP/1.0 needs no Host") {
        client.connect();
        REQUIRE(client.send_raw("GET /fast?n=1 HTTP/1.0\r\n\r\n"));
        CHECK(client.read_response().body == "fast 1");
    }
    SECTION("a Transfer-Encoding other than exactly chunked") {
        for (const char* te : {"gzip, chunked", "chunked, chunked", "gzip", "identity"}) {
            refused(std::string("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: ") + te +
                        "\r\n\r\n4\r\nping\r\n0\r\n\r\n",
                    501, "Transfer-Encoding");
        }
    }
    SECTION("two Transfer-Encoding headers, or two lengths: the framing is ambiguous") {
        refused(
            "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
            "Transfer-Encoding: chunked\r\n\r\n4\r\nping\r\n0\r\n\r\n",
            400, "Transfer-Encoding");
        refused(
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nContent-Length: 5\r\n"
            "\r\nping",
            400, "Content-Length");
    }
    SECTION("chunked alone is read as before") {
        client.connect();
        REQUIRE(
            client.send_raw("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: Chunked\r\n"
                            "\r\n4\r\nping\r\n0\r\n\r\n"));
        auto res = client.read_response();
        CHECK(res.status == 200);
        CHECK(res.body == "ping");
    }
    SECTION("two Authorization headers") {
        refused(
            "GET /fast HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer a\r\n"
            "Authorization: Bearer b\r\n\r\n",
            400, "Authorization");
    }
    SECTION("one Authorization header is fine, and plain HTTP answers carry no HSTS") {
        auto res = client.request("GET", "/fast?n=2", "", {{"Authorization", "Bearer a"}});
        CHECK(res.status == 200);
        CHECK(res.body == "fast 2");
        CHECK_FALSE(res.header("Strict-Transport-Security"));
    }
}

TEST_CASE("a throwing handler is a 500 and the server lives on", "[net][server]") {
    const Router router = make_router();
    TestServer server(test_options(), handler_of(router));
    HttpClient client("127.0.0.1", server.port());

    auto res = client.request("GET", "/throw");
    CHECK(res.status == 500);
    CHECK(res.header("Content-Type") == "application/problem+json");
    CHECK(contains(res.body, R"("code":"problem.internal")"));
    CHECK_FALSE(contains(res.body, "fire"));  // internals stay in the server's log

    auto next = client.request("GET", "/healthz");
    CHECK(next.status == 200);
}

TEST_CASE("a handler that is not a router is guarded too", "[net][server]") {
    TestServer server(test_options(), [](Request&) -> Response { throw 42; });
    HttpClient client("127.0.0.1", server.port());
    CHECK(client.request("GET", "/").status == 500);
    CHECK(client.request("GET", "/").status == 500);
}

TEST_CASE("error kinds map to their statuses with field errors", "[net][server]") {
    const Router router = make_router();
    TestServer server(test_options(), handler_of(router));
    HttpClient client("127.0.0.1", server.port());

    const std::vector<std::pair<std::string, int>> cases{
        {"invalid", 400},      {"unauthorized", 401}, {"forbidden", 403},
        {"not_found", 404},    {"conflict", 409},     {"unprocessable", 422},
        {"rate_limited", 429}, {"unavailable", 503},  {"internal", 500},
    };
    for (const auto& [kind, status] : cases) {
        CAPTURE(kind);
        auto res = client.request("GET", "/fail/" + kind);
        CHECK(res.status == status);
        CHECK(res.header("Content-Type") == "application/problem+json");
        CHECK(contains(res.body, "\"status\":" + std::to_string(status)));
    }

    auto invalid = client.request("GET", "/fail/invalid");
    CHECK(contains(invalid.body, R"("detail":"bad trip")"));
    CHECK(contains(invalid.body,
                   R"("errors":[{"field":"odometer_end","message":"must be at least )"
                   R"(odometer_start","code":"field.invalid","params":{}},)"
                   R"({"field":"rides[0].picked_up_at",)"
                   R"("message":"needs an offset","code":"field.invalid","params":{}}])"));
    CHECK(client.request("GET", "/fail/unauthorized").header("WWW-Authenticate") == "Bearer");
    CHECK(contains(client.request("GET", "/fail/internal").body, R"("code":"problem.internal")"));
}

TEST_CASE("pipelined requests are answered in order", "[net][server]") {
    const Router router = make_router();
    TestServer server(test_options(), handler_of(router));
    HttpClient client("127.0.0.1", server.port());
    client.connect();

    // The first is slow, the others fast: the answers must still come in order.
    std::string wire = "GET /slow?ms=300&n=1 HTTP/1.1\r\nHost: t\r\n\r\n";
    for (int n = 2; n <= 6; ++n)
        wire += "GET /fast?n=" + std::to_string(n) + " HTTP/1.1\r\nHost: t\r\n\r\n";
    wire += "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nseven";
    REQUIRE(client.send_raw(wire));

    CHECK(client.read_response().body == "slow 1");
    for (int n = 2; n <= 6; ++n)
        CHECK(client.read_response().body == "fast " + std::to_string(n));
    CHECK(client.read_response().body == "seven");

    SECTION("more than max_pipelined requests at once are all answered") {
        std::string many;
        for (int n = 0; n < 40; ++n)
            many += "GET /fast?n=" + std::to_string(n) + " HTTP/1.1\r\nHost: t\r\n\r\n";
        REQUIRE(client.send_raw(many));
        for (int n = 0; n < 40; ++n)
            CHECK(client.read_response().body == "fast " + std::to_string(n));
    }
}

TEST_CASE("a client that half-closes still gets its answers", "[net][server]") {
    const Router router = make_router();
    TestServer server(test_options(), handler_of(router));
    HttpClient client("127.0.0.1", server.port());
    client.connect();
    REQUIRE(
        client.send_raw("GET /slow?ms=200&n=1 HTTP/1.1\r\nHost: t\r\n\r\n"
                        "GET /fast?n=2 HTTP/1.1\r\nHost: t\r\n\r\n"));
    client.shutdown_send();
    CHECK(client.read_response().body == "slow 1");
    auto last = client.read_response();
    CHECK(last.body == "fast 2");
    CHECK(last.header("Connection") == "close");
    CHECK(client.wait_for_close(2s));
}

TEST_CASE("Expect: 100-continue gets the go-ahead before the body", "[net][server]") {
    const Router router = make_router();
    TestServer server(test_options(), handler_of(router));
    HttpClient client("127.0.0.1", server.port());
    client.connect();
    REQUIRE(
        client.send_raw("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n"
                        "Expect: 100-continue\r\n\r\n"));
    // read_response() would skip the interim answer and wait for a body that is not
    // sent yet; read just the interim head.
    client.set_timeout(2s);
    CHECK(client.read_interim().status == 100);
    REQUIRE(client.send_raw("ping"));
    auto res = client.read_response();
    CHECK(res.status == 200);
    CHECK(res.body == "ping");
}

TEST_CASE("slow handlers do not hold the I/O threads", "[net][server]") {
    auto options = test_options();
    options.io_threads = 1;
    const Router router = make_router();
    TestServer server(options, handler_of(router));

    auto slow = std::async(std::launch::async, [&] {
        HttpClient c("127.0.0.1", server.port());
        return c.request("GET", "/slow?ms=800").status;
    });
    std::this_thread::sleep_for(100ms);
    HttpClient fast("127.0.0.1", server.port());
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(fast.request("GET", "/fast").status == 200);
    CHECK(std::chrono::steady_clock::now() - t0 < 500ms);
    CHECK(slow.get() == 200);
}

TEST_CASE("slow and idle clients are disconnected", "[net][server]") {
    auto options = test_options();
    options.header_timeout = 300ms;
    options.body_timeout = 300ms;
    options.idle_timeout = 300ms;
    const Router router = make_router();
    TestServer server(options, handler_of(router));
    HttpClient client("127.0.0.1", server.port());

    SECTION("half a request head") {
        client.connect();
        const auto t0 = std::chrono::steady_clock::now();
        REQUIRE(client.send_raw("GET /healthz HTTP/1.1\r\nHost: t\r\n"));
        CHECK(client.wait_for_close(3s));
        const auto waited = std::chrono::steady_clock::now() - t0;
        CHECK(waited >= 250ms);
        CHECK(waited < 2s);
    }
    SECTION("a new connection that sends nothing") {
        client.connect();
        CHECK(client.wait_for_close(3s));
    }
    SECTION("half a body") {
        client.connect();
        REQUIRE(client.send_raw(
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly part"));
        CHECK(client.wait_for_close(3s));
    }
    SECTION("an idle kept-alive connection") {
        CHECK(client.request("GET", "/healthz").status == 200);
        CHECK(client.connected());
        CHECK(client.wait_for_close(3s));
        // The client reconnects on its own.
        CHECK(client.request("GET", "/healthz").status == 200);
    }
    SECTION("a connection kept busy past the idle timeout stays open, then closes when idle") {
        // The idle deadline moves with each request; the timer is not re-armed each time.
        client.connect();
        for (int i = 0; i < 6; ++i) {  // 6 × 150 ms: twice the idle timeout, never idle for it
            REQUIRE(client.send_raw("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
            CHECK(client.read_response().status == 200);
            std::this_thread::sleep_for(150ms);
        }
        const auto t0 = std::chrono::steady_clock::now();
        CHECK(client.wait_for_close(3s));
        const auto waited = std::chrono::steady_clock::now() - t0;
        CHECK(waited >= 100ms);  // 300 ms after the last answer, 150 ms of which slept above
        CHECK(waited < 1s);
    }
    SECTION("a pending handler outlasts the idle timeout") {
        // The idle timer must not cut a connection whose answer is still being made.
        CHECK(client.request("GET", "/slow?ms=700&n=9").body == "slow 9");
    }
}

TEST_CASE("stop lets in-flight requests finish, then refuses connections", "[net][server]") {
    const Router router = make_router();
    TestServer server(test_options(), handler_of(router));
    const auto port = server.port();

    HttpClient idle("127.0.0.1", port);
    CHECK(idle.request("GET", "/healthz").status == 200);  // kept alive, idle

    auto in_flight = std::async(std::launch::async, [port] {
        HttpClient c("127.0.0.1", port);
        return c.request("GET", "/slow?ms=600&n=5");
    });
    std::this_thread::sleep_for(200ms);  // the slow request is in its handler

    const auto t0 = std::chrono::steady_clock::now();
    server.stop();  // returns when run() has returned
    const auto took = std::chrono::steady_clock::now() - t0;

    auto res = in_flight.get();
    CHECK(res.status == 200);
    CHECK(res.body == "slow 5");
    CHECK(res.header("Connection") == "close");
    CHECK(took < 3s);
    CHECK(idle.wait_for_close(1s));  // the idle connection was closed

    HttpClient late("127.0.0.1", port);
    CHECK_THROWS(late.connect());
}

TEST_CASE("stop closes what outlasts the grace period", "[net][server]") {
    auto options = test_options();
    options.shutdown_grace = 200ms;
    const Router router = make_router();
    TestServer server(options, handler_of(router));
    HttpClient client("127.0.0.1", server.port());
    client.connect();
    REQUIRE(client.send_raw("GET /slow?ms=1500 HTTP/1.1\r\nHost: t\r\n\r\n"));
    std::this_thread::sleep_for(100ms);
    const auto t0 = std::chrono::steady_clock::now();
    server.stop();
    // run() waits for the running handler before it returns, but the connection is
    // closed at the end of the grace period.
    CHECK(client.wait_for_close(3s));
    CHECK(std::chrono::steady_clock::now() - t0 < 3s);
}

TEST_CASE("SIGTERM starts the graceful shutdown", "[net][server]") {
    auto options = test_options();
    options.handle_signals = true;
    const Router router = make_router();
    lifeline::net::Server server(options, handler_of(router));
    server.listen();
    std::thread runner([&] { server.run(); });

    HttpClient client("127.0.0.1", server.port());
    CHECK(client.request("GET", "/healthz").status == 200);
    std::raise(SIGTERM);
    runner.join();  // run() returned normally
    CHECK(server.stopping());
}

TEST_CASE("listen reports an address in use", "[net][server]") {
    const Router router = make_router();
    TestServer first(test_options(), handler_of(router));
    auto options = test_options();
    options.port = first.port();
    lifeline::net::Server second(options, handler_of(router));
    try {
        second.listen();
        FAIL("listen should have thrown");
    } catch (const std::system_error& e) {
        CHECK(contains(e.what(), "cannot listen on 127.0.0.1:" + std::to_string(first.port())));
    }
}

TEST_CASE("the access log line is one write of escaped key=value pairs", "[net][server]") {
    char name[] = "/tmp/lifeline-access-XXXXXX";
    const int file = ::mkstemp(name);
    REQUIRE(file >= 0);
    ::unlink(name);
    const int saved = ::dup(STDERR_FILENO);
    ::dup2(file, STDERR_FILENO);
    lifeline::net::log_access_to_stderr(
        {"GET", "/api/v1/a b\"%", "/api/v1/{x}", 200, 1.23456, 15, "127.0.0.1"});
    lifeline::net::log_access_to_stderr({"HEAD", "/", "unmatched", 404, 0.0, 0, "::1"});
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    std::string text(512, '\0');
    const auto n = ::pread(file, text.data(), text.size(), 0);
    ::close(file);
    text.resize(static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    CHECK(text ==
          "access method=GET path=/api/v1/a%20b%22%25 route=/api/v1/{x} status=200 ms=1.235 "
          "bytes=15 remote=127.0.0.1\n"
          "access method=HEAD path=/ route=unmatched status=404 ms=0.000 bytes=0 remote=::1\n");
}

TEST_CASE("each answered request is logged and counted", "[net][server]") {
    std::mutex mutex;
    std::vector<lifeline::net::AccessLogEntry> entries;
    lifeline::net::Metrics metrics;
    auto options = test_options();
    options.metrics = &metrics;
    options.access_log = [&](const lifeline::net::AccessLogEntry& e) {
        std::lock_guard lock(mutex);
        entries.push_back(e);
    };
    Router router = make_router();
    router.add("GET", "/metrics", lifeline::net::metrics_handler(metrics));
    TestServer server(options, handler_of(router));
    HttpClient client("127.0.0.1", server.port());

    CHECK(client.request("GET", "/healthz").status == 200);
    CHECK(client.request("GET", "/healthz").status == 200);
    CHECK(client.request("GET", "/echo/3?secret=x").status == 200);
    CHECK(client.request("GET", "/nowhere").status == 404);
    // The access log is written after the response: wait for the fourth entry.
    for (int i = 0; i < 100; ++i) {
        {
            std::lock_guard lock(mutex);
            if (entries.size() >= 4)
                break;
        }
        std::this_thread::sleep_for(10ms);
    }

    auto res = client.request("GET", "/metrics");
    CHECK(res.status == 200);
    CHECK(res.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
    const auto& m = res.body;
    CHECK(contains(m, "# TYPE lifeline_http_requests_total counter"));
    CHECK(contains(
        m, R"(lifeline_http_requests_total{method="GET",route="/healthz",status="200"} 2)"));
    CHECK(contains(
        m, R"(lifeline_http_requests_total{method="GET",route="/echo/{id}",status="200"} 1)"));
    CHECK(contains(
        m, R"(lifeline_http_requests_total{method="GET",route="unmatched",status="404"} 1)"));
    CHECK(contains(m, R"(lifeline_http_request_duration_seconds_count{route="/healthz"} 2)"));

    std::lock_guard lock(mutex);
    REQUIRE(entries.size() >= 4);
    CHECK(entries[0].method == "GET");
    CHECK(entries[0].path == "/healthz");
    CHECK(entries[0].route == "/healthz");
    CHECK(entries[0].status == 200);
    CHECK(entries[0].response_bytes == 15);
    CHECK(entries[0].remote == "127.0.0.1");
    CHECK(entries[0].duration_ms >= 0);
    CHECK(entries[2].path == "/echo/3");  // no query string in the log
    CHECK(entries[3].status == 404);
    CHECK(entries[3].route == "unmatched");
}
