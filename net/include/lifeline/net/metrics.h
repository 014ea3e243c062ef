#pragma once
// A small thread-safe Prometheus registry: HTTP request counts and latencies, plus
// collectors through which other components (the database writer, the matcher)
// append their own metrics to the same /metrics page.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lifeline/net/http.h"

namespace lifeline::net {

// A cumulative histogram with fixed upper bounds, safe to observe from any thread.
// Components that keep their own (e.g. commit batch sizes) render it from a collector.
class Histogram {
  public:
    explicit Histogram(std::vector<double> upper_bounds);
    ~Histogram();
    Histogram(const Histogram&) = delete;
    Histogram& operator=(const Histogram&) = delete;

    void observe(double value);

    // Appends the `_bucket`, `_sum` and `_count` series of `name` (no HELP/TYPE lines);
    // `labels` is either empty or a rendered label list without braces: `route="/x"`.
    void render(std::string& out, std::string_view name, std::string_view labels = {}) const;

  private:
    struct State;
    std::unique_ptr<State> state_;
};

class Metrics {
  public:
    // Latency buckets in seconds, from a cached read to a long report.
    static const std::vector<double>& default_latency_buckets();

    Metrics();
    ~Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    // Counts one answered request in lifeline_http_requests_total{method,route,status}
    // and lifeline_http_request_duration_seconds{route}. `route` is the pattern
    // ("/api/v1/trips/{id}") or "unmatched", never a raw path, to keep cardinality low.
    void record_request(std::string_view method, std::string_view route, unsigned status,
                        double seconds);

    // `collect` is called by every render() and appends complete exposition text
    // (with its own # HELP / # TYPE lines). It runs on the thread that renders.
    void add_collector(std::function<void(std::string& out)> collect);

    // Prometheus text exposition format 0.0.4.
    std::string render() const;

  private:
    struct State;
    std::unique_ptr<State> state_;
};

// Content type of the text exposition format.
inline constexpr std::string_view metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

// A handler for GET /metrics that answers metrics.render(). `metrics` must outlive it.
Handler metrics_handler(const Metrics& metrics);

// Escapes a label value for the exposition format (backslash, quote, newline).
std::string escape_label_value(std::string_view value);

}  // namespace lifeline::net
