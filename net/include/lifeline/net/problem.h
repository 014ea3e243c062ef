#pragma once
// RFC 9457 problem details (application/problem+json): the one place where an
// ErrorKind becomes an HTTP status, and the catch-all that keeps a throwing handler
// from taking the server down.

#include <string>
#include <string_view>
#include <vector>

#include "lifeline/core/errors.h"
#include "lifeline/net/http.h"

namespace lifeline::net {

inline constexpr std::string_view problem_content_type = "application/problem+json";

// invalid 400, unauthorized 401, forbidden 403, not_found 404, conflict 409,
// unprocessable 422, rate_limited 429, unavailable 503, storage_full 507 (with
// `Retry-After`), internal 500.
unsigned status_for(ErrorKind kind) noexcept;

// The reason phrase of a status ("Not Found"); "Unknown" for codes we never send.
std::string_view reason_phrase(unsigned status) noexcept;

// A stable problem type URI for a status, e.g.
// "https://lifeline.invalid/problems/not-found"; "about:blank" for other codes.
std::string problem_type(unsigned status);

// {type, title, status, detail, code, params, errors:[{field, message, code, params}]}
// with the status's type and reason phrase; `detail` and each `message` rendered in
// `language` from the message catalog (core/messages.h). A detail or field error not in
// the catalog keeps its English words, with the code "problem.<type>" or "field.invalid".
// A 401 also carries `WWW-Authenticate: Bearer`; an Error with a retry_after carries
// `Retry-After` in seconds.
Response problem_response(unsigned status, const Message& detail,
                          const std::vector<FieldError>& errors, Language language,
                          bool detail_is_field = false);
Response problem_response(const Error& error, Language language = Language::en);

// The language of a request's answer: its Accept-Language (zh-CN, zh, en, with
// q-values), else `fallback` (the organisation's language).
Language language_of(const Request& request, Language fallback) noexcept;

// Runs `handler`: a lifeline::Error becomes its problem response in the request's
// language; any other exception becomes a 500 with detail "internal error" (its what()
// goes to stderr, never to the client). Never throws.
Response invoke_handler(const Handler& handler, Request& request,
                        Language fallback = Language::zh_CN) noexcept;

}  // namespace lifeline::net
