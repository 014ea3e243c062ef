#pragma once
// Shared by the API handlers: JSON bodies in and out, reading fields with every error
// collected, bearer-token authentication, paging and Idempotency-Key handling.

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lifeline/core/dispatch/dispatch_model.h"
#include "lifeline/core/errors.h"
#include "lifeline/core/model.h"
#include "lifeline/net/api.h"
#include "lifeline/net/http.h"

namespace lifeline::net {

namespace json = boost::json;

// The body as a JSON object; an empty or malformed body is a 400 naming "body".
json::object parse_object(const Request& req);

Response json_response(unsigned status, const json::value& body);

// A message's parameters as a problem+json `params` object (problem.cpp): numbers as
// JSON numbers, the rest as text.
json::object message_params_json(const std::vector<MessageParam>& params);

// A Content-Security-Policy source that allows exactly one inline <style> element with
// this text: "'sha256-<base64>'".
std::string csp_hash_source(std::string_view css);
std::string to_json_text(const json::value& v);

enum class Need { optional, required };

// Reads the fields of one JSON object, collecting every error under `prefix`.
// Keys never asked for are reported as unknown by finish(), so a misspelt field
// ("odometer_strat") is an error instead of being silently ignored.
class Fields {
  public:
    Fields(const json::object& obj, FieldErrors& errs, std::string prefix = "");

    bool has(std::string_view key) const;  // present, even if null
    bool is_null(std::string_view key) const;

    std::optional<std::string> text(std::string_view key, Need need, std::size_t max_chars);
    std::optional<std::int64_t> id(std::string_view key, Need need);
    std::optional<std::int64_t> integer(std::string_view key, Need need, std::int64_t min,
                                        std::int64_t max);
    std::optional<double> number(std::string_view key, Need need, double min, double max);
    std::optional<bool> boolean(std::string_view key, Need need);
    std::optional<Instant> instant(std::string_view key, Need need);
    std::optional<LocalDate> date(std::string_view key, Need need);
    std::optional<Minutes> clock(std::string_view key, Need need);
    // null → set to null (outer engaged, inner empty); absent → outer empty.
    std::optional<std::optional<std::int64_t>> nullable_id(std::string_view key);
    const json::array* array(std::string_view key, Need need);
    const json::object* object(std::string_view key, Need need);

    std::string field(std::string_view key) const;  // prefix + key
    FieldErrors& errors() { return errs_; }
    void finish();  // reports unknown keys

  private:
    const json::value* get(std::string_view key, Need need);
    const json::object& obj_;
    FieldErrors& errs_;
    std::string prefix_;
    std::vector<std::string> seen_;
};

// Reads each element of `arr`, a list named `name` in the body, as an object with its own
// Fields (errors named "name[i].key"): `read(fields)` takes what it needs, then unknown
// keys are named. An element that is not an object is named and skipped.
template <class Read>
void each_object(const json::array& arr, std::string_view name, FieldErrors& errs, Read read) {
    for (std::size_t i = 0; i < arr.size(); ++i) {
        const std::string item = std::string(name) + "[" + std::to_string(i) + "]";
        if (!arr[i].is_object()) {
            errs.add(item, msg("field.not_object"));
            continue;
        }
        Fields f(arr[i].as_object(), errs, item + ".");
        read(f);
        f.finish();
    }
}

// The signed-in actor of a request (Authorization: Bearer …); 401 otherwise.
Actor authenticate(Services& s, Request& req);
void require_dispatcher(const Actor& actor);

// ?limit= (1..500, default 100) and ?cursor=.
PageRequest page_of(const Request& req);
std::optional<std::int64_t> query_id(const Request& req, std::string_view name);
std::optional<Instant> query_instant(const Request& req, std::string_view name);
// The {id} path parameter as a positive integer; 404 otherwise.
std::int64_t path_id(const Request& req, std::string_view name = "id");

template <class T, class F>
json::object page_json(const Page<T>& page, F&& to_json) {
    json::array items;
    items.reserve(page.items.size());
    for (const auto& item : page.items)
        items.push_back(to_json(item));
    json::object out;
    out["items"] = std::move(items);
    if (page.next_cursor)
        out["next_cursor"] = std::to_string(*page.next_cursor);
    else
        out["next_cursor"] = nullptr;
    return out;
}

json::value instant_json(const std::optional<Instant>& t);
json::value id_json(const std::optional<std::int64_t>& id);
json::value number_json(const std::optional<double>& v);

// Announces a change to the live streams (GET /api/v1/events) once what the request wrote
// is durable: inside an Idempotency-Key job after its COMMIT, and never if the job rolls
// back (storage::Database::after_commit); otherwise at once, the write having returned.
// `data` holds at least "type"; dispatchers receive every change, a driver only those
// naming them in `driver`.
void publish_after_commit(Services& s, std::optional<DriverId> driver, json::object data);

// A request's change ("request.changed", to dispatchers only: a request names a patient).
void publish_request(Services& s, const RideRequest& r);
void publish_requests(Services& s, const std::vector<RideRequest>& rs);

// Wraps a POST handler with Idempotency-Key semantics (docs/design.md §4.1): the same key
// with the same body answers the first answer and writes nothing; with another body, 422.
// With a key, the handler runs as one write job on the database's writer
// (storage::write_with_key): the key, every write the handler makes, and its answer are
// committed together, once. Without a key the handler runs as it is.
Handler idempotent(Services& s, Handler inner);

// The same for a handler with a slow step that must not hold the writer (a day plan's
// search): `prepare` runs first, on the request's thread, and returns the write step
// that runs inside the job.
using WriteStep = std::function<Response()>;
Handler idempotent(Services& s, std::function<WriteStep(Request&)> prepare);

}  // namespace lifeline::net
