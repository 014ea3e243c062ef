#pragma once
// Idempotency-Key support. The HTTP layer installs a claim on the worker thread for the
// duration of one POST; the first database write made on that thread records the key in
// the same transaction as the write itself, so a retried request can never write twice,
// even after a crash between commit and answer. The answer is stored right after.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "lifeline/core/model.h"

namespace lifeline::storage {

class Database;

struct IdempotencyClaim {
    UserId user_id = 0;  // keys are scoped per account
    std::string key;
    std::string fingerprint;  // hash of method, path and body
};

// Installs a claim for the current thread; removed when the scope ends.
class IdempotencyScope {
  public:
    explicit IdempotencyScope(IdempotencyClaim claim);
    ~IdempotencyScope();
    IdempotencyScope(const IdempotencyScope&) = delete;
    IdempotencyScope& operator=(const IdempotencyScope&) = delete;
    // True once a write has recorded the key.
    bool recorded() const;
};

// The claim of the current thread not yet recorded, if any; marks it recorded.
std::optional<IdempotencyClaim> take_idempotency_claim();

// A request with the same key was recorded by a concurrent or earlier request.
class DuplicateRequest : public std::runtime_error {
  public:
    DuplicateRequest() : std::runtime_error("duplicate idempotency key") {}
};

struct StoredAnswer {
    std::string fingerprint;
    std::optional<int> status;  // empty while the first request is being answered
    std::string content_type;
    std::string location;  // the Location header of a 201, replayed with it
    std::string body;
};

std::optional<StoredAnswer> find_answer(Database& db, UserId user, const std::string& key);
void store_answer(Database& db, UserId user, const std::string& key, int status,
                  const std::string& content_type, const std::string& location,
                  const std::string& body);

}  // namespace lifeline::storage
