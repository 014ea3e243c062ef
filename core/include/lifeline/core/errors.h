#pragma once
// The error vocabulary of Lifeline. Every layer throws these; net/ maps each kind to
// an HTTP status in exactly one place (net/src/problem.cpp), the CLI to an exit line.

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace lifeline {

// One bad field of an input, named by its JSON path ("rides[2].picked_up_at").
struct FieldError {
    std::string field;
    std::string message;
};

enum class ErrorKind {
    invalid,        // malformed or out-of-range input (400)
    unauthorized,   // no or bad credentials (401)
    forbidden,      // signed in, but not allowed (403)
    not_found,      // unknown id (404)
    conflict,       // clashes with the current state (409)
    unprocessable,  // well-formed, but breaks a rule of the ledger (422)
    rate_limited,   // too many attempts (429)
    unavailable,    // shutting down or overloaded (503)
    storage_full,   // the disk is full: nothing was written; retry later (507)
    internal,       // a bug or an I/O failure (500)
};

class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, std::string detail, std::vector<FieldError> errors = {})
        : std::runtime_error(detail), kind_(kind), errors_(std::move(errors)) {}

    // A refusal that passes with time (rate_limited, unavailable) says when to try again.
    Error(ErrorKind kind, std::string detail, std::chrono::seconds retry_after)
        : std::runtime_error(detail), kind_(kind), retry_after_(retry_after) {}

    ErrorKind kind() const noexcept { return kind_; }
    const std::vector<FieldError>& errors() const noexcept { return errors_; }
    // Zero when the error does not pass with time.
    std::chrono::seconds retry_after() const noexcept { return retry_after_; }

  private:
    ErrorKind kind_;
    std::vector<FieldError> errors_;
    std::chrono::seconds retry_after_{0};
};

// Shorthands so call sites read as what happened.
[[noreturn]] void throw_invalid(std::string detail, std::vector<FieldError> errors = {});
[[noreturn]] void throw_invalid_field(std::string field, std::string message);
[[noreturn]] void throw_not_found(std::string detail);
[[noreturn]] void throw_conflict(std::string detail, std::vector<FieldError> errors = {});
[[noreturn]] void throw_unprocessable(std::string detail, std::vector<FieldError> errors = {});
[[noreturn]] void throw_forbidden(std::string detail);
[[noreturn]] void throw_unauthorized(std::string detail);

// Collects every bad field of an input before failing, so a client can fix its
// request in one round trip.
class FieldErrors {
  public:
    void add(std::string field, std::string message) {
        errors_.push_back({std::move(field), std::move(message)});
    }
    bool empty() const noexcept { return errors_.empty(); }
    const std::vector<FieldError>& list() const noexcept { return errors_; }
    // Throws ErrorKind::invalid (or `kind`) naming every collected field, if any.
    void throw_if_any(std::string detail = "the request has invalid fields",
                      ErrorKind kind = ErrorKind::invalid) const;

  private:
    std::vector<FieldError> errors_;
};

}  // namespace lifeline
