// Health, metrics and the API description.
#include <chrono>
#include <memory>

#include "api_common.h"
#include "api_routes.h"
#include "lifeline/core/settings.h"
#include "lifeline/net/metrics.h"
#include "lifeline/net/read_probe.h"
#include "lifeline/net/router.h"
#include "lifeline/storage/database.h"

namespace lifeline::net {

extern const char* const openapi_yaml;  // generated from docs/openapi.yaml

namespace {

// Commit batch sizes of the database writer, as a Prometheus histogram.
void collect_writer(const storage::Database& db, std::string& out) {
    auto st = db.stats();
    out += "# HELP lifeline_db_commit_batch_size Writes committed together in one transaction.\n";
    out += "# TYPE lifeline_db_commit_batch_size histogram\n";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < storage::WriterStats::bucket_bounds.size(); ++i) {
        cumulative += st.buckets[i];
        out += "lifeline_db_commit_batch_size_bucket{le=\"" +
               std::to_string(storage::WriterStats::bucket_bounds[i]) + "\"} " +
               std::to_string(cumulative) + "\n";
    }
    cumulative += st.buckets.back();
    out += "lifeline_db_commit_batch_size_bucket{le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
    out += "lifeline_db_commit_batch_size_sum " + std::to_string(st.jobs) + "\n";
    out += "lifeline_db_commit_batch_size_count " + std::to_string(st.commits) + "\n";
    out += "# HELP lifeline_db_failed_writes_total Writes rolled back (rule violations).\n";
    out += "# TYPE lifeline_db_failed_writes_total counter\n";
    out += "lifeline_db_failed_writes_total " + std::to_string(st.failed_jobs) + "\n";
}

}  // namespace

void register_system_routes(Router& r, Services& s) {
    r.add(
        "GET", "/healthz",
        [probe = std::make_shared<ReadProbe>(
             [&db = s.db] { db.read([](storage::Connection& c) { return c.user_version(); }); },
             std::chrono::milliseconds(250))](Request&) {
            // Answering proves the I/O threads; a read at most 250 ms old the database.
            probe->check();
            return json_response(200, json::object{{"status", "ok"}});
        },
        Pace::quick);
    s.metrics.add_collector([&s](std::string& out) { collect_writer(s.db, out); });
    r.add("GET", "/metrics", metrics_handler(s.metrics));
    r.add("GET", "/api/v1/openapi.yaml", [](Request&) {
        Response res;
        res.content_type = "application/yaml; charset=utf-8";
        res.body = openapi_yaml;
        return res;
    });
}

void register_api(Router& router, Services& services) {
    // A problem's language when the client's Accept-Language names none we speak.
    router.set_default_language([&services]() noexcept {
        try {
            if (auto l = language_from_tag(services.settings.get().language))
                return *l;
        } catch (...) {
        }
        return Language::zh_CN;
    });
    // Pace::write routes run as jobs of the database writer, answered from their commit.
    router.set_write_queue([&db = services.db](std::function<void()> job,
                                               std::function<void(std::exception_ptr)> done) {
        db.submit([job = std::move(job)](storage::Connection&) { job(); }, std::move(done));
    });
    register_system_routes(router, services);
    register_account_routes(router, services);
    register_fleet_routes(router, services);
    register_trip_routes(router, services);
    register_settings_routes(router, services);
    register_report_routes(router, services);
    register_dispatch_routes(router, services);
    register_run_sheet_routes(router, services);
    register_cancel_routes(router, services);
    register_static_routes(router, services);
    register_import_routes(router, services);
    register_event_routes(router, services);
    register_position_routes(router, services);
    register_calibration_routes(router, services);
    register_map_routes(router, services);
}

}  // namespace lifeline::net
