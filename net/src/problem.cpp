#include "lifeline/net/problem.h"

#include "api_common.h"

#include <boost/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <mutex>

namespace lifeline::net {
namespace {

struct StatusInfo {
    unsigned status;
    std::string_view reason;
    std::string_view slug;  // last segment of the problem type URI; empty: about:blank
};

constexpr StatusInfo status_table[] = {
    {400, "Bad Request", "bad-request"},
    {401, "Unauthorized", "unauthorized"},
    {403, "Forbidden", "forbidden"},
    {404, "Not Found", "not-found"},
    {405, "Method Not Allowed", "method-not-allowed"},
    {408, "Request Timeout", "request-timeout"},
    {409, "Conflict", "conflict"},
    {411, "Length Required", "length-required"},
    {413, "Content Too Large", "content-too-large"},
    {415, "Unsupported Media Type", "unsupported-media-type"},
    {422, "Unprocessable Content", "unprocessable"},
    {429, "Too Many Requests", "rate-limited"},
    {431, "Request Header Fields Too Large", "headers-too-large"},
    {500, "Internal Server Error", "internal"},
    {501, "Not Implemented", "not-implemented"},
    {503, "Service Unavailable", "unavailable"},
    {507, "Insufficient Storage", "storage-full"},
    // Non-error codes, for reason_phrase() only.
    {100, "Continue", ""},
    {200, "OK", ""},
    {201, "Created", ""},
    {202, "Accepted", ""},
    {204, "No Content", ""},
    {301, "Moved Permanently", ""},
    {302, "Found", ""},
    {304, "Not Modified", ""},
};

const StatusInfo* find_status(unsigned status) {
    for (const auto& info : status_table) {
        if (info.status == status)
            return &info;
    }
    return nullptr;
}

constexpr std::string_view problem_base = "https://lifeline.invalid/problems/";

// The client sees only "internal error"; the operator sees what happened.
void log_internal(const Request& request, std::string_view what) noexcept {
    static std::mutex log_mutex;
    try {
        std::lock_guard lock(log_mutex);
        std::cerr << "lifeline: internal error in " << request.method << ' ' << request.path << ": "
                  << what << '\n';
    } catch (...) {
    }
}

// "problem.not_found" for 404: the code of a problem whose detail is not catalogued.
std::string generic_code(unsigned status) {
    const StatusInfo* info = find_status(status);
    std::string slug(info && !info->slug.empty() ? info->slug : "internal");
    for (char& c : slug)
        if (c == '-')
            c = '_';
    return "problem." + slug;
}

}  // namespace

json::object message_params_json(const std::vector<MessageParam>& params) {
    json::object o;
    for (const auto& p : params) {
        if (p.kind == MessageParam::Kind::number) {
            // An integer as an integer, another finite number as a double; anything else
            // (an integer beyond 64 bits, say, from a client's input) as the text it was.
            const char* first = p.value.data();
            const char* last = first + p.value.size();
            std::int64_t whole = 0;
            const auto parsed = std::from_chars(first, last, whole);
            char* end = nullptr;
            const double d = std::strtod(p.value.c_str(), &end);
            if (parsed.ec == std::errc{} && parsed.ptr == last)
                o[p.name] = whole;
            else if (!p.value.empty() && end && *end == '\0' && std::isfinite(d))
                o[p.name] = d;
            else
                o[p.name] = p.value;
        } else {
            o[p.name] = p.value;
        }
    }
    return o;
}

namespace {
json::object params_json(const std::vector<MessageParam>& params) {
    return message_params_json(params);
}
}  // namespace

unsigned status_for(ErrorKind kind) noexcept {
    switch (kind) {
        case ErrorKind::invalid:
            return 400;
        case ErrorKind::unauthorized:
            return 401;
        case ErrorKind::forbidden:
            return 403;
        case ErrorKind::not_found:
            return 404;
        case ErrorKind::conflict:
            return 409;
        case ErrorKind::unprocessable:
            return 422;
        case ErrorKind::rate_limited:
            return 429;
        case ErrorKind::unavailable:
            return 503;
        case ErrorKind::storage_full:
            return 507;
        case ErrorKind::internal:
            return 500;
    }
    return 500;
}

std::string_view reason_phrase(unsigned status) noexcept {
    const StatusInfo* info = find_status(status);
    return info ? info->reason : std::string_view("Unknown");
}

std::string problem_type(unsigned status) {
    const StatusInfo* info = find_status(status);
    if (!info || info->slug.empty())
        return "about:blank";
    return std::string(problem_base) + std::string(info->slug);
}

Response problem_response(unsigned status, const Message& detail,
                          const std::vector<FieldError>& errors, Language language,
                          bool detail_is_field) {
    json::array list;
    list.reserve(errors.size());
    for (const auto& e : errors) {
        const Message m = e.as_message();
        list.push_back(json::object{{"field", e.field},
                                    {"message", render(m, language)},
                                    {"code", e.code.empty() ? "field.invalid" : e.code},
                                    {"params", params_json(e.params)}});
    }
    std::string text = render(detail, language);
    if (detail_is_field && errors.size() == 1)
        text = errors.front().field + (language == Language::en ? ": " : "：") +
               render(errors.front().as_message(), language);
    const std::string_view title = reason_phrase(status);
    json::object body{
        {"type", problem_type(status)},
        {"title", title},
        {"status", status},
        {"detail", text},
        {"code", detail.code.empty() ? generic_code(status) : detail.code},
        {"params", params_json(detail.params)},
        {"errors", std::move(list)},
    };
    Response res;
    res.status = status;
    res.content_type = std::string(problem_content_type);
    res.body = json::serialize(body);
    res.set_header("Content-Language", std::string(to_tag(language)));
    if (status == 401)
        res.set_header("WWW-Authenticate", "Bearer");
    return res;
}

Response problem_response(const Error& error, Language language) {
    Response res = problem_response(status_for(error.kind()), error.detail(), error.errors(),
                                    language, error.detail_is_field());
    if (error.retry_after().count() > 0)
        res.set_header("Retry-After", std::to_string(error.retry_after().count()));
    return res;
}

Language language_of(const Request& request, Language fallback) noexcept {
    try {
        if (auto h = request.header("Accept-Language"))
            if (auto l = negotiate_language(*h))
                return *l;
    } catch (...) {
    }
    return fallback;
}

Response invoke_handler(const Handler& handler, Request& request, Language fallback) noexcept {
    // Two nested tries: building the problem response can itself throw (bad_alloc);
    // the outer one keeps the promise of noexcept with a fixed body.
    try {
        try {
            if (!handler)
                return problem_response(404,
                                        msg("problem.unknown_resource", {{"path", request.path}}),
                                        {}, language_of(request, fallback));
            return handler(request);
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::internal) {
                log_internal(request, e.what());
                return problem_response(500, msg("problem.internal"), {},
                                        language_of(request, fallback));
            }
            return problem_response(e, language_of(request, fallback));
        } catch (const std::exception& e) {
            log_internal(request, e.what());
            return problem_response(500, msg("problem.internal"), {},
                                    language_of(request, fallback));
        } catch (...) {
            log_internal(request, "unknown exception");
            return problem_response(500, msg("problem.internal"), {},
                                    language_of(request, fallback));
        }
    } catch (...) {
        Response res;
        res.status = 500;
        res.content_type = std::string(problem_content_type);
        res.body =
            R"({"type":"https://lifeline.invalid/problems/internal",)"
            R"("title":"Internal Server Error","status":500,)"
            R"("detail":"internal error","code":"problem.internal","params":{},"errors":[]})";
        return res;
    }
}

}  // namespace lifeline::net
