#include <catch2/catch.hpp>

#include <string>

#include "lifeline/core/errors.h"
#include "lifeline/core/messages.h"
#include "lifeline/net/http.h"
#include "lifeline/net/problem.h"

using lifeline::ErrorKind;
using namespace lifeline::net;

TEST_CASE("every error kind has one HTTP status", "[net][problem]") {
    CHECK(status_for(ErrorKind::invalid) == 400);
    CHECK(status_for(ErrorKind::unauthorized) == 401);
    CHECK(status_for(ErrorKind::forbidden) == 403);
    CHECK(status_for(ErrorKind::not_found) == 404);
    CHECK(status_for(ErrorKind::conflict) == 409);
    CHECK(status_for(ErrorKind::unprocessable) == 422);
    CHECK(status_for(ErrorKind::rate_limited) == 429);
    CHECK(status_for(ErrorKind::unavailable) == 503);
    CHECK(status_for(ErrorKind::internal) == 500);
}

TEST_CASE("problem responses follow RFC 9457", "[net][problem]") {
    auto res = problem_response(422, lifeline::uncatalogued("odometer went \"back\""),
                                {{"odometer_start", lifeline::uncatalogued("below 1200")}},
                                lifeline::Language::en);
    CHECK(res.status == 422);
    CHECK(res.content_type == "application/problem+json");
    CHECK(res.body == R"({"type":"https://lifeline.invalid/problems/unprocessable",)"
                      R"("title":"Unprocessable Content","status":422,)"
                      R"("detail":"odometer went \"back\"",)"
                      R"("code":"problem.unprocessable","params":{},)"
                      R"("errors":[{"field":"odometer_start","message":"below 1200",)"
                      R"("code":"field.invalid","params":{}}]})");

    auto plain =
        problem_response(418, lifeline::uncatalogued("teapot"), {}, lifeline::Language::en);
    CHECK(plain.body.find(R"("type":"about:blank")") != std::string::npos);
    CHECK(plain.body.find(R"("errors":[])") != std::string::npos);

    lifeline::FieldErrors errors;
    errors.add("a", lifeline::uncatalogued("x"));
    errors.add("b", lifeline::uncatalogued("y"));
    try {
        errors.throw_if_any();
        FAIL("expected a throw");
    } catch (const lifeline::Error& e) {
        auto from_error = problem_response(e);
        CHECK(from_error.status == 400);
        CHECK(from_error.body.find(
                  R"([{"field":"a","message":"x","code":"field.invalid","params":{}},)"
                  R"({"field":"b","message":"y","code":"field.invalid","params":{}}])") !=
              std::string::npos);
        CHECK(from_error.body.find(R"("code":"request.invalid_fields")") != std::string::npos);
    }
}

TEST_CASE("invoke_handler turns every exception into a response", "[net][problem]") {
    Request req;
    req.method = "GET";
    req.path = "/x";
    CHECK(invoke_handler([](Request&) { return Response{}; }, req).status == 200);
    CHECK(invoke_handler(
              [](Request&) -> Response {
                  lifeline::throw_not_found(lifeline::msg("trip.not_found", {{"id", 9}}));
              },
              req)
              .status == 404);
    auto internal = invoke_handler(
        [](Request&) -> Response { throw std::runtime_error("sqlite: disk I/O error"); }, req);
    CHECK(internal.status == 500);
    CHECK(internal.body.find("disk") == std::string::npos);
    CHECK(invoke_handler([](Request&) -> Response { throw 7; }, req).status == 500);
    CHECK(invoke_handler(Handler{}, req).status == 404);
}

TEST_CASE("request and response helpers", "[net][http]") {
    Request req;
    req.headers = {{"Content-Type", "text/csv"}, {"X-Idempotency-Key", "k1"}};
    req.query = {{"limit", "10"}, {"cursor", ""}};
    req.params = {{"id", "7"}};
    CHECK(req.header("content-type") == "text/csv");
    CHECK(req.header("CONTENT-TYPE") == "text/csv");
    CHECK_FALSE(req.header("accept"));
    CHECK(req.query_param("limit") == "10");
    CHECK(req.query_param("cursor") == "");
    CHECK_FALSE(req.query_param("LIMIT"));
    CHECK(req.param("id") == "7");

    Response res;
    res.set_header("Cache-Control", "no-store");
    res.set_header("cache-control", "private");
    REQUIRE(res.headers.size() == 1);
    CHECK(res.headers[0].value == "private");
}

TEST_CASE("a number parameter beyond 64 bits is never cast to an integer", "[net][problem]") {
    auto body_with = [](std::string value) {
        lifeline::Message m = lifeline::msg("odometer.below_last", {{"last", value}});
        for (auto& p : m.params)
            p.kind = lifeline::MessageParam::Kind::number;
        return problem_response(422, m, {}, lifeline::Language::en).body;
    };
    // Beyond 64 bits: a double (it was an out-of-range cast to int64, undefined behaviour).
    CHECK(body_with("99999999999999999999999").find(R"("params":{"last":1E23})") !=
          std::string::npos);
    // Not finite as a double: the text as it was.
    CHECK(body_with("1e999").find(R"("params":{"last":"1e999"})") != std::string::npos);
    CHECK(body_with("10052").find(R"("params":{"last":10052})") != std::string::npos);
}
