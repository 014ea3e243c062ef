#pragma once
// The error vocabulary of Lifeline. Every layer throws these; net/ maps each kind to
// an HTTP status in exactly one place (net/src/problem.cpp), the CLI to an exit line.

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "lifeline/core/messages.h"

namespace lifeline {

// One bad field of an input, named by its JSON path ("rides[2].picked_up_at"), with its
// message's code and parameters (core/messages.h) and the English words.
struct FieldError {
    FieldError(std::string f, Message m)
        : field(std::move(f)),
          message(std::move(m.text)),
          code(std::move(m.code)),
          params(std::move(m.params)) {}
    std::string field;
    std::string message;  // English
    std::string code;     // empty: not catalogued; `message` is shown in every language
    std::vector<MessageParam> params;

    Message as_message() const { return {code, params, message}; }
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
    Error(ErrorKind kind, Message detail, std::vector<FieldError> errors = {})
        : std::runtime_error(detail.text),
          kind_(kind),
          detail_(std::move(detail)),
          errors_(std::move(errors)) {}

    // A refusal that passes with time (rate_limited, unavailable) says when to try again.
    Error(ErrorKind kind, Message detail, std::chrono::seconds retry_after)
        : std::runtime_error(detail.text),
          kind_(kind),
          detail_(std::move(detail)),
          retry_after_(retry_after) {}

    // An internal error (500): its words go only to the log and the command line, never to
    // a client (who is told "problem.internal"), so they are English text, not a message.
    static Error internal(std::string what) {
        return Error(ErrorKind::internal, uncatalogued(std::move(what)));
    }

    // The detail is "<field>: <its message>" of the one field error (rendered so in
    // every language).
    static Error about_field(ErrorKind kind, FieldError error);

    ErrorKind kind() const noexcept { return kind_; }
    const Message& detail() const noexcept { return detail_; }
    bool detail_is_field() const noexcept { return detail_is_field_; }
    const std::vector<FieldError>& errors() const noexcept { return errors_; }
    // Zero when the error does not pass with time.
    std::chrono::seconds retry_after() const noexcept { return retry_after_; }

  private:
    ErrorKind kind_;
    Message detail_;
    std::vector<FieldError> errors_;
    bool detail_is_field_ = false;
    std::chrono::seconds retry_after_{0};
};

// Shorthands so call sites read as what happened.
// Each takes a catalogued Message or, for a refusal not catalogued yet, English text.
[[noreturn]] void throw_invalid(Message detail, std::vector<FieldError> errors = {});
[[noreturn]] void throw_invalid_field(std::string field, Message message);
[[noreturn]] void throw_not_found(Message detail);
[[noreturn]] void throw_conflict(Message detail, std::vector<FieldError> errors = {});
// A conflict about one field: the detail is the field's message.
[[noreturn]] void throw_conflict_field(std::string field, Message message);
[[noreturn]] void throw_unprocessable(Message detail, std::vector<FieldError> errors = {});
[[noreturn]] void throw_unprocessable_field(std::string field, Message message);
[[noreturn]] void throw_forbidden(Message detail);
[[noreturn]] void throw_unauthorized(Message detail);

// Collects every bad field of an input before failing, so a client can fix its
// request in one round trip.
class FieldErrors {
  public:
    void add(std::string field, Message message) {
        errors_.emplace_back(std::move(field), std::move(message));
    }
    bool empty() const noexcept { return errors_.empty(); }
    const std::vector<FieldError>& list() const noexcept { return errors_; }
    // Throws ErrorKind::invalid (or `kind`) naming every collected field, if any.
    // One error: the detail is that field's message; several: "request.invalid_fields".
    void throw_if_any(ErrorKind kind = ErrorKind::invalid) const;
    void throw_if_any(Message detail, ErrorKind kind = ErrorKind::invalid) const;

  private:
    std::vector<FieldError> errors_;
};

}  // namespace lifeline
