#include "api_common.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <thread>

#include <sodium.h>

#include "lifeline/core/accounts/accounts.h"
#include "lifeline/core/text.h"
#include "lifeline/net/problem.h"
#include "lifeline/storage/database.h"
#include "lifeline/storage/idempotency.h"
#include "strict_json.h"

namespace lifeline::net {

// libsodium's SHA-256 keeps no per-thread state (OpenSSL's one-shot SHA256 does, left
// behind by a worker thread that computes it first).
std::string csp_hash_source(std::string_view css) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(css.data()), css.size());
    char
        base64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(base64, sizeof base64, digest, sizeof digest, sodium_base64_VARIANT_ORIGINAL);
    return "'sha256-" + std::string(base64) + "'";
}

json::object parse_object(const Request& req) {
    if (req.body.empty())
        throw_invalid_field("body", msg("body.required"));
    StrictJsonResult parsed = parse_strict_json(req.body);
    if (!parsed.duplicate_key.empty())
        throw_invalid_field(parsed.duplicate_key, msg("body.duplicate_key"));
    if (parsed.error)
        throw_invalid_field("body", msg("body.not_json", {{"why", parsed.error.message()}}));
    json::value& v = parsed.value;
    if (!v.is_object())
        throw_invalid_field("body", msg("body.not_object"));
    return std::move(v.as_object());
}

namespace {

// Like json::serialize, but numbers print as people write them ("35838.5", not
// "3.58385E4", which is what Boost.JSON 1.81 produces for every double).
void write_json(const json::value& v, std::string& out) {
    switch (v.kind()) {
        case json::kind::object: {
            out += '{';
            bool first = true;
            for (const auto& kv : v.get_object()) {
                if (!first)
                    out += ',';
                first = false;
                out += json::serialize(json::string_view(kv.key()));
                out += ':';
                write_json(kv.value(), out);
            }
            out += '}';
            return;
        }
        case json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& item : v.get_array()) {
                if (!first)
                    out += ',';
                first = false;
                write_json(item, out);
            }
            out += ']';
            return;
        }
        case json::kind::double_: {
            double d = v.get_double();
            if (!std::isfinite(d)) {
                out += "null";
                return;
            }
            char buf[32];
            auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
            out.append(buf, ec == std::errc{} ? end : buf);
            return;
        }
        default:
            out += json::serialize(v);
    }
}

}  // namespace

std::string to_json_text(const json::value& v) {
    std::string out;
    write_json(v, out);
    return out;
}

Response json_response(unsigned status, const json::value& body) {
    Response r;
    r.status = status;
    r.content_type = "application/json";
    r.body = to_json_text(body);
    return r;
}

Fields::Fields(const json::object& obj, FieldErrors& errs, std::string prefix)
    : obj_(obj), errs_(errs), prefix_(std::move(prefix)) {}

std::string Fields::field(std::string_view key) const {
    return prefix_ + std::string(key);
}

bool Fields::has(std::string_view key) const {
    return obj_.contains(key);
}

bool Fields::is_null(std::string_view key) const {
    auto* v = obj_.if_contains(key);
    return v && v->is_null();
}

const json::value* Fields::get(std::string_view key, Need need) {
    seen_.emplace_back(key);
    const json::value* v = obj_.if_contains(key);
    if (!v || v->is_null()) {
        if (need == Need::required)
            errs_.add(field(key), msg("field.required"));
        return nullptr;
    }
    return v;
}

std::optional<std::string> Fields::text(std::string_view key, Need need, std::size_t max_chars) {
    const json::value* v = get(key, need);
    if (!v)
        return std::nullopt;
    if (!v->is_string()) {
        errs_.add(field(key), msg("field.not_string"));
        return std::nullopt;
    }
    std::string s(v->as_string());
    if (!fits(s, max_chars)) {
        errs_.add(field(key), msg("field.too_long_chars", {{"max", std::int64_t(max_chars)}}));
        return std::nullopt;
    }
    return s;
}

std::optional<std::int64_t> Fields::integer(std::string_view key, Need need, std::int64_t min,
                                            std::int64_t max) {
    const json::value* v = get(key, need);
    if (!v)
        return std::nullopt;
    std::optional<std::int64_t> n;
    if (v->is_int64())
        n = v->as_int64();
    if (v->is_uint64() && v->as_uint64() <= std::uint64_t(INT64_MAX))
        n = std::int64_t(v->as_uint64());
    if (v->is_double()) {
        double d = v->as_double();
        if (std::isfinite(d) && std::floor(d) == d && std::abs(d) < 9e15)
            n = std::int64_t(d);
    }
    if (!n) {
        errs_.add(field(key), msg("field.not_integer"));
        return std::nullopt;
    }
    if (*n < min || *n > max) {
        errs_.add(field(key), msg("field.out_of_range", {{"min", min}, {"max", max}}));
        return std::nullopt;
    }
    return n;
}

std::optional<std::int64_t> Fields::id(std::string_view key, Need need) {
    const json::value* v = obj_.if_contains(key);
    if (v && !v->is_null() && !(v->is_int64() || v->is_uint64())) {
        seen_.emplace_back(key);
        errs_.add(field(key), msg("field.not_id"));
        return std::nullopt;
    }
    return integer(key, need, 1, INT64_MAX);
}

std::optional<std::optional<std::int64_t>> Fields::nullable_id(std::string_view key) {
    if (!has(key)) {
        seen_.emplace_back(key);
        return std::nullopt;
    }
    if (is_null(key)) {
        seen_.emplace_back(key);
        return std::optional<std::int64_t>{};
    }
    auto v = id(key, Need::required);
    if (!v)
        return std::nullopt;
    return std::optional<std::int64_t>{*v};
}

std::optional<double> Fields::number(std::string_view key, Need need, double min, double max) {
    const json::value* v = get(key, need);
    if (!v)
        return std::nullopt;
    double d = 0;
    if (v->is_double())
        d = v->as_double();
    else if (v->is_int64())
        d = double(v->as_int64());
    else if (v->is_uint64())
        d = double(v->as_uint64());
    else {
        errs_.add(field(key), msg("field.not_number"));
        return std::nullopt;
    }
    if (!std::isfinite(d) || d < min || d > max) {
        errs_.add(field(key), msg("field.out_of_range", {{"min", min}, {"max", max}}));
        return std::nullopt;
    }
    return d;
}

std::optional<bool> Fields::boolean(std::string_view key, Need need) {
    const json::value* v = get(key, need);
    if (!v)
        return std::nullopt;
    if (!v->is_bool()) {
        errs_.add(field(key), msg("field.not_boolean"));
        return std::nullopt;
    }
    return v->as_bool();
}

std::optional<Instant> Fields::instant(std::string_view key, Need need) {
    const json::value* v = get(key, need);
    if (!v)
        return std::nullopt;
    std::optional<Instant> t;
    if (v->is_string())
        t = parse_instant(std::string_view(v->as_string()));
    if (!t)
        errs_.add(field(key), msg("field.not_instant"));
    return t;
}

std::optional<LocalDate> Fields::date(std::string_view key, Need need) {
    const json::value* v = get(key, need);
    if (!v)
        return std::nullopt;
    std::optional<LocalDate> d;
    if (v->is_string())
        d = parse_date(std::string_view(v->as_string()));
    if (!d)
        errs_.add(field(key), msg("field.not_date"));
    return d;
}

std::optional<Minutes> Fields::clock(std::string_view key, Need need) {
    const json::value* v = get(key, need);
    if (!v)
        return std::nullopt;
    std::optional<Minutes> m;
    if (v->is_string())
        m = parse_clock(std::string_view(v->as_string()));
    if (!m)
        errs_.add(field(key), msg("field.not_clock"));
    return m;
}

const json::array* Fields::array(std::string_view key, Need need) {
    const json::value* v = get(key, need);
    if (!v)
        return nullptr;
    if (!v->is_array()) {
        errs_.add(field(key), msg("field.not_array"));
        return nullptr;
    }
    return &v->as_array();
}

const json::object* Fields::object(std::string_view key, Need need) {
    const json::value* v = get(key, need);
    if (!v)
        return nullptr;
    if (!v->is_object()) {
        errs_.add(field(key), msg("field.not_object"));
        return nullptr;
    }
    return &v->as_object();
}

void Fields::finish() {
    for (const auto& kv : obj_) {
        std::string_view k = kv.key();
        if (std::find(seen_.begin(), seen_.end(), k) == seen_.end())
            errs_.add(field(k), msg("field.unknown"));
    }
}

namespace {
// ASCII case folding; other bytes (UTF-8 included) are left alone.
char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}
}  // namespace

Actor authenticate(Services& s, Request& req) {
    if (req.actor)
        return *req.actor;
    auto h = req.header("Authorization");
    if (!h)
        throw_unauthorized(msg("auth.sign_in_first"));
    std::string_view v = *h;
    constexpr std::string_view scheme = "Bearer ";
    if (v.size() <= scheme.size() ||
        !std::equal(scheme.begin(), scheme.end(), v.begin(),
                    [](char a, char b) { return ascii_lower(a) == ascii_lower(b); }))
        throw_unauthorized(msg("auth.bad_header"));
    req.actor = s.accounts.authenticate(v.substr(scheme.size()));
    return *req.actor;
}

void require_dispatcher(const Actor& actor) {
    if (!actor.is_dispatcher())
        throw_forbidden(msg("auth.dispatcher_only"));
}

namespace {

std::optional<std::int64_t> to_int(std::string_view s) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size())
        return std::nullopt;
    return v;
}

}  // namespace

PageRequest page_of(const Request& req) {
    PageRequest p;
    FieldErrors errs;
    if (auto l = req.query_param("limit")) {
        auto v = to_int(*l);
        if (!v || *v < 1 || *v > 500)
            errs.add("limit", msg("field.limit_int_1_500"));
        else
            p.limit = int(*v);
    }
    if (auto c = req.query_param("cursor")) {
        auto v = to_int(*c);
        if (!v || *v < 0)
            errs.add("cursor", msg("field.bad_cursor"));
        else
            p.after = *v;
    }
    errs.throw_if_any();
    return p;
}

std::optional<std::int64_t> query_id(const Request& req, std::string_view name) {
    auto q = req.query_param(name);
    if (!q || q->empty())
        return std::nullopt;
    auto v = to_int(*q);
    if (!v || *v < 1)
        throw_invalid_field(std::string(name), msg("field.not_id"));
    return v;
}

std::optional<Instant> query_instant(const Request& req, std::string_view name) {
    auto q = req.query_param(name);
    if (!q || q->empty())
        return std::nullopt;
    auto t = parse_instant(*q);
    if (!t) {
        // A bare date is a convenience for "from the start of that UTC day".
        if (auto d = parse_date(*q))
            return Instant{std::chrono::sys_days{*d}};
        throw_invalid_field(std::string(name), msg("field.not_instant_or_date"));
    }
    return t;
}

std::int64_t path_id(const Request& req, std::string_view name) {
    auto p = req.param(name);
    auto v = p ? to_int(*p) : std::nullopt;
    if (!v || *v < 1)
        throw_not_found(msg("resource.bad_id"));
    return *v;
}

json::value instant_json(const std::optional<Instant>& t) {
    if (!t)
        return nullptr;
    return json::value(format_instant(*t));
}
json::value id_json(const std::optional<std::int64_t>& id) {
    if (!id)
        return nullptr;
    return json::value(*id);
}
json::value number_json(const std::optional<double>& v) {
    if (!v)
        return nullptr;
    return json::value(*v);
}

namespace {

constexpr std::string_view replay_header = "Idempotent-Replayed";

Response replay(const storage::StoredAnswer& a) {
    Response r;
    r.status = unsigned(*a.status);
    r.content_type = a.content_type;
    r.body = a.body;
    if (!a.location.empty())
        r.set_header("Location", a.location);
    r.set_header(std::string(replay_header), "true");
    return r;
}

// The answer to a key another request committed. Keys recorded before answers were kept
// in the same transaction may have none: the write is durable, so say it was applied.
Response answer_of(Services& s, UserId user, const std::string& key,
                   const std::string& fingerprint) {
    auto a = storage::find_answer(s.db, user, key);
    if (!a)  // the request holding the key failed as a whole: nothing of it is kept
        throw Error(ErrorKind::unavailable, msg("idempotency.failed_while_waiting"),
                    std::chrono::seconds{1});
    if (a->fingerprint != fingerprint)
        throw_unprocessable(msg("idempotency.other_request"),
                            {{"Idempotency-Key", msg("idempotency.other_request_field")}});
    if (a->status)
        return replay(*a);
    json::object body;
    body["applied"] = true;
    body["detail"] = "a request with this Idempotency-Key was already applied";
    Response r = json_response(200, body);
    r.set_header(std::string(replay_header), "true");
    return r;
}

// A keyed request whose handler answered without applying anything (not 2xx): its write
// job is undone, its key with it, and this answer goes back as it is.
struct NotApplied {
    Response response;
};

storage::StoredAnswer stored(const Response& res) {
    storage::StoredAnswer a;
    a.status = int(res.status);
    a.content_type = res.content_type;
    a.body = res.body;
    for (const auto& h : res.headers)
        if (h.name == "Location")
            a.location = h.value;
    return a;
}

}  // namespace

Handler idempotent(Services& s, Handler inner) {
    return idempotent(s, [inner = std::move(inner)](Request& req) -> WriteStep {
        return [&req, &inner] { return inner(req); };
    });
}

namespace {

// A step run where the request allows: left to the writer as the answer's write_later, or
// run here and now.
Response now_or_later(Request& req, std::function<Response()> step) {
    if (!req.may_write_later)
        return step();
    Response later;
    later.write_later = std::move(step);
    return later;
}

// The keyed write: one job holding the key, the handler's writes and its answer.
Response keyed_write(Services& s, const UserId user, const std::string& key,
                     const std::string& fingerprint, const WriteStep& write) {
    try {
        storage::StoredAnswer a = storage::write_with_key(s.db, {user, key, fingerprint}, [&] {
            Response res = write();
            if (res.status < 200 || res.status >= 300)
                throw NotApplied{std::move(res)};
            return stored(res);
        });
        Response res;
        res.status = unsigned(*a.status);
        res.content_type = std::move(a.content_type);
        res.body = std::move(a.body);
        if (!a.location.empty())
            res.set_header("Location", a.location);
        return res;
    } catch (const storage::DuplicateRequest&) {
        // A concurrent request with the same key committed first (or, inside a job, an
        // earlier job of the same commit holds it: find_answer reads it there).
        return answer_of(s, user, key, fingerprint);
    } catch (NotApplied& n) {
        return std::move(n.response);
    }
}

}  // namespace

Handler idempotent(Services& s, std::function<WriteStep(Request&)> prepare) {
    return [&s, prepare = std::move(prepare)](Request& req) -> Response {
        auto key_header = req.header("Idempotency-Key");
        if (!key_header)
            return now_or_later(req, prepare(req));
        std::string key(*key_header);
        if (key.empty() || key.size() > 200)
            throw_invalid_field("Idempotency-Key", msg("field.length_1_200"));
        Actor actor = authenticate(s, req);
        std::string fingerprint =
            s.crypto.token_digest(req.method + "\n" + req.path + "\n" + req.body);
        if (storage::find_answer(s.db, actor.user_id, key))
            return answer_of(s, actor.user_id, key, fingerprint);

        WriteStep write = prepare(req);
        return now_or_later(req, [&s, user = actor.user_id, key, fingerprint, write] {
            return keyed_write(s, user, key, fingerprint, write);
        });
    };
}

}  // namespace lifeline::net
