#pragma once
// Idempotency-Key support (docs/architecture.md, "Where a write becomes durable"). A
// request with a key is one write job: the key, everything the request writes, and the
// answer it got are committed together in one savepoint of one group commit. A retry
// with the same key finds the answer and replays it; a request that failed left nothing,
// not even its key, so its retry is a first attempt.

#include <cstdint>
#include <functional>
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

// A request with the same key was recorded by a concurrent or earlier request.
class DuplicateRequest : public std::runtime_error {
  public:
    DuplicateRequest() : std::runtime_error("duplicate idempotency key") {}
};

struct StoredAnswer {
    std::string fingerprint;
    std::optional<int> status;  // absent only in keys recorded before answers were kept with them
    std::string content_type;
    std::string location;  // the Location header of a 201, replayed with it
    std::string body;
};

// The one write job of a request with an Idempotency-Key: records the claim, runs `work`
// (whose own writes nest into the same job) and stores the answer `work` returns, all in
// one transaction, and returns that answer once it is durable. Throws DuplicateRequest if
// the key is already recorded; any exception from `work` leaves nothing, the key included.
StoredAnswer write_with_key(Database& db, const IdempotencyClaim& claim,
                            const std::function<StoredAnswer()>& work);

// The answer recorded for (user, key): committed ones, and inside a write job also those of
// the jobs before it in the same group commit.
std::optional<StoredAnswer> find_answer(Database& db, UserId user, const std::string& key);

}  // namespace lifeline::storage
