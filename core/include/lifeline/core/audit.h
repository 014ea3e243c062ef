#pragma once
// Audit snapshots: a flat JSON object of an entity's fields, the stored format of the
// audit log's before/after columns. Deliberately tiny: the audit log is write-once text
// that net/ hands out verbatim; all request/response JSON lives in net/.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lifeline {

class AuditObject {
  public:
    void add(std::string_view key, std::int64_t value);
    void add(std::string_view key, double value);
    void add(std::string_view key, bool value);
    void add(std::string_view key, std::string_view value);
    void add(std::string_view key, const std::string& value) { add(key, std::string_view(value)); }
    void add(std::string_view key, const char* value) { add(key, std::string_view(value)); }
    // `items` are already JSON values.
    void add_raw_array(std::string_view key, const std::vector<std::string>& items);
    std::string str() const { return "{" + body_ + "}"; }

  private:
    void key(std::string_view k);
    std::string body_;
};

// JSON string literal of `s` (quotes included), escaping per RFC 8259.
std::string json_quote(std::string_view s);

}  // namespace lifeline

#include <optional>

#include "lifeline/core/model.h"

namespace lifeline {

// One entry of the audit log: `actor` did `action` to `entity` #`id` at `at`.
AuditEntry audit_record(Instant at, const Actor& actor, std::string_view entity, std::int64_t id,
                        std::string action, std::string before, std::string after,
                        std::string reason = {});

struct AuditFilter {
    std::optional<std::string> entity;
    std::optional<std::int64_t> entity_id;
};

class AuditStore {
  public:
    virtual ~AuditStore() = default;
    // Oldest first, keyset-paged on the entry id.
    virtual Page<AuditEntry> list(const AuditFilter& filter, const PageRequest& page) = 0;
};

// Who changed what, when: readable by admins only.
class AuditLog {
  public:
    explicit AuditLog(AuditStore& store) : store_(store) {}
    Page<AuditEntry> list(const Actor& actor, const AuditFilter& filter, const PageRequest& page);

  private:
    AuditStore& store_;
};

}  // namespace lifeline
