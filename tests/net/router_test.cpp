#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "lifeline/core/errors.h"
#include "lifeline/net/router.h"

using lifeline::net::Request;
using lifeline::net::Response;
using lifeline::net::Router;

namespace {

Response named(std::string name) {
    Response r;
    r.body = std::move(name);
    return r;
}

Request make(std::string method, std::string target) {
    Request r;
    r.method = std::move(method);
    r.target = target;
    r.path = target.substr(0, target.find('?'));
    return r;
}

Router trips_router() {
    Router router;
    router.add("GET", "/api/v1/trips", [](Request&) { return named("list"); });
    router.add("POST", "/api/v1/trips", [](Request&) { return named("open"); });
    router.add("GET", "/api/v1/trips/{id}", [](Request&) { return named("one"); });
    router.add("PATCH", "/api/v1/trips/{id}", [](Request&) { return named("correct"); });
    router.add("POST", "/api/v1/trips/{id}/events", [](Request&) { return named("event"); });
    router.add("GET", "/api/v1/trips/open", [](Request&) { return named("open-list"); });
    router.add("GET", "/api/v1/days/{date}/routes/{vehicle}", [](Request& r) {
        return named(std::string(*r.param("date")) + "|" + std::string(*r.param("vehicle")));
    });
    router.add("GET", "/", [](Request&) { return named("root"); });
    return router;
}

}  // namespace

TEST_CASE("routes match whole segments and fill params and route", "[net][router]") {
    const Router router = trips_router();

    auto req = make("POST", "/api/v1/trips/42/events");
    auto res = router(req);
    CHECK(res.status == 200);
    CHECK(res.body == "event");
    CHECK(req.route == "/api/v1/trips/{id}/events");
    REQUIRE(req.param("id"));
    CHECK(*req.param("id") == "42");
    CHECK_FALSE(req.param("nope"));

    auto two = make("GET", "/api/v1/days/2022-03-14/routes/7");
    CHECK(router(two).body == "2022-03-14|7");

    auto root = make("GET", "/");
    CHECK(router(root).body == "root");

    SECTION("params are percent-decoded per segment") {
        auto r = make("GET", "/api/v1/trips/a%2Fb%20c");
        CHECK(router(r).body == "one");
        CHECK(*r.param("id") == "a/b c");
    }
    SECTION("a literal segment beats a placeholder") {
        auto r = make("GET", "/api/v1/trips/open");
        CHECK(router(r).body == "open-list");
        CHECK(r.route == "/api/v1/trips/open");
    }
    SECTION("extra, missing and empty segments do not match") {
        for (const char* target : {"/api/v1/trips/42/events/9", "/api/v1", "/api/v1/trips/",
                                   "/api/v1/trips//events", "/API/v1/trips"}) {
            CAPTURE(target);
            auto r = make("GET", target);
            CHECK(router(r).status == 404);
            CHECK(r.route == "unmatched");
        }
    }
    SECTION("the query does not take part in matching") {
        auto r = make("GET", "/api/v1/trips?limit=10");
        CHECK(router(r).body == "list");
    }
    SECTION("a request built without a target matches on its path") {
        Request r;
        r.method = "GET";
        r.path = "/api/v1/trips/9";
        CHECK(router(r).body == "one");
        CHECK(*r.param("id") == "9");
    }
}

TEST_CASE("unknown paths are 404 and other methods 405 with Allow", "[net][router]") {
    const Router router = trips_router();

    auto missing = make("GET", "/api/v1/nothing");
    auto res = router(missing);
    CHECK(res.status == 404);
    CHECK(res.content_type == "application/problem+json");

    auto wrong = make("DELETE", "/api/v1/trips/42");
    auto denied = router(wrong);
    CHECK(denied.status == 405);
    CHECK(denied.content_type == "application/problem+json");
    bool found = false;
    for (const auto& h : denied.headers) {
        if (h.name == "Allow") {
            found = true;
            CHECK(h.value == "GET, HEAD, PATCH");
        }
    }
    CHECK(found);

    auto post_only = make("GET", "/api/v1/trips/1/events");
    CHECK(router(post_only).status == 405);
}

TEST_CASE("HEAD falls back to GET", "[net][router]") {
    Router router = trips_router();
    auto head = make("HEAD", "/api/v1/trips/5");
    CHECK(router(head).body == "one");
    CHECK(head.route == "/api/v1/trips/{id}");

    router.add("HEAD", "/api/v1/trips", [](Request&) { return named("head"); });
    auto explicit_head = make("HEAD", "/api/v1/trips");
    CHECK(router(explicit_head).body == "head");
}

TEST_CASE("handler errors become problem responses in the router", "[net][router]") {
    Router router;
    router.add("GET", "/bad", [](Request&) -> Response {
        lifeline::throw_invalid_field("limit", lifeline::uncatalogued("must be at most 500"));
    });
    router.add("GET", "/boom", [](Request&) -> Response { throw std::logic_error("bug"); });

    auto bad = make("GET", "/bad");
    auto res = router(bad);
    CHECK(res.status == 400);
    CHECK(res.body.find(
              R"({"field":"limit","message":"must be at most 500","code":"field.invalid")") !=
          std::string::npos);

    auto boom = make("GET", "/boom");
    CHECK(router(boom).status == 500);
}

TEST_CASE("bad route registrations are refused", "[net][router]") {
    Router router;
    const auto ok = [](Request&) { return Response{}; };
    router.add("GET", "/a/{id}", ok);
    CHECK_THROWS_AS(router.add("GET", "/a/{id}", ok), std::invalid_argument);
    CHECK_THROWS_AS(router.add("GET", "/a/{other}", ok), std::invalid_argument);
    CHECK_THROWS_AS(router.add("GET", "no-slash", ok), std::invalid_argument);
    CHECK_THROWS_AS(router.add("GET", "/a/{id", ok), std::invalid_argument);
    CHECK_THROWS_AS(router.add("GET", "/b", nullptr), std::invalid_argument);
    CHECK_NOTHROW(router.add("POST", "/a/{id}", ok));
    CHECK(router.patterns() == std::vector<std::string>{"/a/{id}"});
}
