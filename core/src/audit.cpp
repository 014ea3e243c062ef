#include "lifeline/core/audit.h"

#include <cmath>
#include <cstdio>

namespace lifeline {

std::string json_quote(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += char(c);
                }
        }
    }
    out += '"';
    return out;
}

void AuditObject::key(std::string_view k) {
    if (!body_.empty())
        body_ += ',';
    body_ += json_quote(k);
    body_ += ':';
}

void AuditObject::add(std::string_view k, std::int64_t v) {
    key(k);
    body_ += std::to_string(v);
}

void AuditObject::add(std::string_view k, double v) {
    key(k);
    if (!std::isfinite(v)) {
        body_ += "null";
        return;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    body_ += buf;
}

void AuditObject::add(std::string_view k, bool v) {
    key(k);
    body_ += v ? "true" : "false";
}

void AuditObject::add(std::string_view k, std::string_view v) {
    key(k);
    body_ += json_quote(v);
}

void AuditObject::add_raw_array(std::string_view k, const std::vector<std::string>& items) {
    key(k);
    body_ += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i)
            body_ += ',';
        body_ += items[i];
    }
    body_ += ']';
}

}  // namespace lifeline

#include "lifeline/core/errors.h"

namespace lifeline {

AuditEntry audit_record(Instant at, const Actor& actor, std::string_view entity, std::int64_t id,
                        std::string action, std::string before, std::string after,
                        std::string reason) {
    AuditEntry e;
    e.user_id = actor.user_id;
    e.username = actor.username;
    e.at = at;
    e.entity = std::string(entity);
    e.entity_id = id;
    e.action = std::move(action);
    e.before = std::move(before);
    e.after = std::move(after);
    e.reason = std::move(reason);
    return e;
}

Page<AuditEntry> AuditLog::list(const Actor& actor, const AuditFilter& filter,
                                const PageRequest& page) {
    if (!actor.is_admin())
        throw_forbidden(msg("auth.admin_audit"));
    return store_.list(filter, page);
}

}  // namespace lifeline
