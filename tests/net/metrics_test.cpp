#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "lifeline/net/metrics.h"

using lifeline::net::Histogram;
using lifeline::net::Metrics;

namespace {
bool contains(const std::string& s, std::string_view needle) {
    return s.find(needle) != std::string::npos;
}
}  // namespace

TEST_CASE("metrics count requests by method, route and status", "[net][metrics]") {
    Metrics metrics;
    metrics.record_request("GET", "/api/v1/trips/{id}", 200, 0.004);
    metrics.record_request("GET", "/api/v1/trips/{id}", 200, 0.2);
    metrics.record_request("POST", "/api/v1/trips", 422, 0.03);
    const auto text = metrics.render();

    CHECK(contains(text, "# HELP lifeline_http_requests_total "));
    CHECK(contains(text, "# TYPE lifeline_http_requests_total counter\n"));
    CHECK(contains(text,
                   "lifeline_http_requests_total{method=\"GET\",route=\"/api/v1/trips/{id}\","
                   "status=\"200\"} 2\n"));
    CHECK(contains(text,
                   "lifeline_http_requests_total{method=\"POST\",route=\"/api/v1/trips\","
                   "status=\"422\"} 1\n"));
    CHECK(contains(text, "# TYPE lifeline_http_request_duration_seconds histogram\n"));
    // Cumulative buckets: 0.004 falls in le=0.005, 0.2 in le=0.25.
    const std::string b =
        "lifeline_http_request_duration_seconds_bucket{route=\"/api/v1/trips/{id}\",";
    CHECK(contains(text, b + "le=\"0.0025\"} 0\n"));
    CHECK(contains(text, b + "le=\"0.005\"} 1\n"));
    CHECK(contains(text, b + "le=\"0.1\"} 1\n"));
    CHECK(contains(text, b + "le=\"0.25\"} 2\n"));
    CHECK(contains(text, b + "le=\"+Inf\"} 2\n"));
    CHECK(contains(
        text, "lifeline_http_request_duration_seconds_count{route=\"/api/v1/trips/{id}\"} 2\n"));
    CHECK(contains(
        text, "lifeline_http_request_duration_seconds_sum{route=\"/api/v1/trips/{id}\"} 0.204\n"));
}

TEST_CASE("collectors append their own metrics", "[net][metrics]") {
    Metrics metrics;
    Histogram batches({1, 2, 4, 8, 16});
    batches.observe(3);
    batches.observe(3);
    batches.observe(20);
    metrics.add_collector([&](std::string& out) {
        out += "# HELP lifeline_db_commit_batch_size Transactions per group commit.\n";
        out += "# TYPE lifeline_db_commit_batch_size histogram\n";
        batches.render(out, "lifeline_db_commit_batch_size");
    });
    metrics.add_collector([](std::string&) { throw std::runtime_error("matcher \"busy\""); });
    const auto text = metrics.render();
    CHECK(contains(text, "lifeline_db_commit_batch_size_bucket{le=\"2\"} 0\n"));
    CHECK(contains(text, "lifeline_db_commit_batch_size_bucket{le=\"4\"} 2\n"));
    CHECK(contains(text, "lifeline_db_commit_batch_size_bucket{le=\"+Inf\"} 3\n"));
    CHECK(contains(text, "lifeline_db_commit_batch_size_sum 26\n"));
    CHECK(contains(text, "lifeline_db_commit_batch_size_count 3\n"));
    CHECK(contains(text, "# collector failed: matcher \\\"busy\\\"\n"));
}

TEST_CASE("label values are escaped", "[net][metrics]") {
    CHECK(lifeline::net::escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
    Metrics metrics;
    metrics.record_request("GET", "/x\"y", 200, 0.001);
    CHECK(contains(metrics.render(), "route=\"/x\\\"y\""));
}

TEST_CASE("metrics are safe to record from many threads", "[net][metrics]") {
    Metrics metrics;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 1000; ++i)
                metrics.record_request("GET", "/healthz", 200, 0.001);
        });
    }
    std::string last;
    for (int i = 0; i < 20; ++i)
        last = metrics.render();
    for (auto& t : threads)
        t.join();
    CHECK(contains(metrics.render(),
                   "lifeline_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} "
                   "4000\n"));
}
