#include "lifeline/net/metrics.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <tuple>

namespace lifeline::net {
namespace {

std::string format_number(double value, const char* format) {
    char buf[64];
    const int n = std::snprintf(buf, sizeof buf, format, value);
    return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
}

}  // namespace

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '"':
                out += "\\\"";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// ---- Histogram --------------------------------------------------------------------

struct Histogram::State {
    std::vector<double> bounds;
    mutable std::mutex mutex;
    std::vector<std::uint64_t> counts;  // per bucket, not cumulative; last is +Inf
    double sum = 0;
    std::uint64_t count = 0;
};

Histogram::Histogram(std::vector<double> upper_bounds) : state_(std::make_unique<State>()) {
    std::sort(upper_bounds.begin(), upper_bounds.end());
    upper_bounds.erase(std::unique(upper_bounds.begin(), upper_bounds.end()), upper_bounds.end());
    state_->bounds = std::move(upper_bounds);
    state_->counts.assign(state_->bounds.size() + 1, 0);
}

Histogram::~Histogram() = default;

void Histogram::observe(double value) {
    const auto& b = state_->bounds;
    const auto bucket =
        static_cast<std::size_t>(std::lower_bound(b.begin(), b.end(), value) - b.begin());
    std::lock_guard lock(state_->mutex);
    ++state_->counts[bucket];
    state_->sum += value;
    ++state_->count;
}

void Histogram::render(std::string& out, std::string_view name, std::string_view labels) const {
    std::vector<std::uint64_t> counts;
    double sum = 0;
    std::uint64_t count = 0;
    {
        std::lock_guard lock(state_->mutex);
        counts = state_->counts;
        sum = state_->sum;
        count = state_->count;
    }
    const std::string prefix = labels.empty() ? std::string() : std::string(labels) + ",";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        cumulative += counts[i];
        const std::string le =
            i < state_->bounds.size() ? format_number(state_->bounds[i], "%g") : "+Inf";
        out.append(name).append("_bucket{").append(prefix).append("le=\"").append(le);
        out.append("\"} ").append(std::to_string(cumulative)).append("\n");
    }
    const std::string braces = labels.empty() ? std::string() : "{" + std::string(labels) + "}";
    out.append(name).append("_sum").append(braces).append(" ");
    out.append(format_number(sum, "%.9g")).append("\n");
    out.append(name).append("_count").append(braces).append(" ");
    out.append(std::to_string(count)).append("\n");
}

// ---- Metrics ----------------------------------------------------------------------

// Orders (method, route, status) keys held as strings and looked up as string_views.
struct RequestKeyLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
        return view(a) < view(b);
    }
    template <class Key>
    static std::tuple<std::string_view, std::string_view, unsigned> view(const Key& k) {
        return {std::get<0>(k), std::get<1>(k), std::get<2>(k)};
    }
};

struct Metrics::State {
    mutable std::mutex mutex;
    std::map<std::tuple<std::string, std::string, unsigned>, std::uint64_t, RequestKeyLess>
        requests;
    std::map<std::string, std::unique_ptr<Histogram>, std::less<>> latency;
    std::vector<std::function<void(std::string&)>> collectors;
};

const std::vector<double>& Metrics::default_latency_buckets() {
    static const std::vector<double> buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                             0.25,  0.5,    1,     2.5,  5,     10,   30};
    return buckets;
}

Metrics::Metrics() : state_(std::make_unique<State>()) {}
Metrics::~Metrics() = default;

void Metrics::record_request(std::string_view method, std::string_view route, unsigned status,
                             double seconds) {
    Histogram* histogram = nullptr;
    {
        std::lock_guard lock(state_->mutex);
        // Found without building the key's strings: only a first request of its kind does.
        auto counted = state_->requests.find(std::tuple{method, route, status});
        if (counted == state_->requests.end())
            counted = state_->requests
                          .emplace(std::tuple{std::string(method), std::string(route), status}, 0)
                          .first;
        ++counted->second;
        auto it = state_->latency.find(route);
        if (it == state_->latency.end()) {
            it = state_->latency
                     .emplace(std::string(route),
                              std::make_unique<Histogram>(default_latency_buckets()))
                     .first;
        }
        histogram = it->second.get();  // stable: entries are never erased
    }
    histogram->observe(seconds);
}

void Metrics::add_collector(std::function<void(std::string& out)> collect) {
    if (!collect)
        return;
    std::lock_guard lock(state_->mutex);
    state_->collectors.push_back(std::move(collect));
}

std::string Metrics::render() const {
    std::string out;
    std::vector<std::function<void(std::string&)>> collectors;
    {
        std::lock_guard lock(state_->mutex);
        out +=
            "# HELP lifeline_http_requests_total HTTP requests answered, by method, route "
            "and status.\n";
        out += "# TYPE lifeline_http_requests_total counter\n";
        for (const auto& [key, count] : state_->requests) {
            const auto& [method, route, status] = key;
            out += "lifeline_http_requests_total{method=\"" + escape_label_value(method) +
                   "\",route=\"" + escape_label_value(route) + "\",status=\"" +
                   std::to_string(status) + "\"} " + std::to_string(count) + "\n";
        }
        out +=
            "# HELP lifeline_http_request_duration_seconds Time from a request read to its "
            "response written, by route.\n";
        out += "# TYPE lifeline_http_request_duration_seconds histogram\n";
        for (const auto& [route, histogram] : state_->latency) {
            histogram->render(out, "lifeline_http_request_duration_seconds",
                              "route=\"" + escape_label_value(route) + "\"");
        }
        collectors = state_->collectors;
    }
    // Collectors run outside the lock: they may take their own locks or be slow.
    for (const auto& collect : collectors) {
        try {
            collect(out);
        } catch (const std::exception& e) {
            out += "# collector failed: " + escape_label_value(e.what()) + "\n";
        }
        if (!out.empty() && out.back() != '\n')
            out += '\n';
    }
    return out;
}

Handler metrics_handler(const Metrics& metrics) {
    return [&metrics](Request&) {
        Response res;
        res.content_type = std::string(metrics_content_type);
        res.body = metrics.render();
        return res;
    };
}

}  // namespace lifeline::net
