#pragma once
// Shared by the dispatch handlers (api_dispatch.cpp, api_cancel.cpp): a request's JSON,
// and reading a body's fields with every error collected.

#include "api_common.h"
#include "lifeline/core/dispatch/dispatch_model.h"

namespace lifeline::net {

json::object request_json(const RideRequest& r);

template <class Read>
auto read_body(const Request& req, Read read) {
    json::object body = parse_object(req);
    FieldErrors errs;
    Fields f(body, errs);
    auto value = read(f);
    f.finish();
    errs.throw_if_any();
    return value;
}

// Reads an optional body: an empty one is `{}`.
template <class Read>
auto read_optional_body(const Request& req, Read read) {
    if (req.body.empty()) {
        json::object empty;
        FieldErrors errs;
        Fields f(empty, errs);
        return read(f);
    }
    return read_body(req, read);
}

}  // namespace lifeline::net
