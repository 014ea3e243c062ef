#include "lifeline/core/errors.h"

namespace lifeline {

void throw_invalid(std::string detail, std::vector<FieldError> errors) {
    throw Error(ErrorKind::invalid, std::move(detail), std::move(errors));
}
void throw_invalid_field(std::string field, std::string message) {
    std::string detail = field + ": " + message;
    throw Error(ErrorKind::invalid, std::move(detail), {{std::move(field), std::move(message)}});
}
void throw_not_found(std::string detail) {
    throw Error(ErrorKind::not_found, std::move(detail));
}
void throw_conflict(std::string detail, std::vector<FieldError> errors) {
    throw Error(ErrorKind::conflict, std::move(detail), std::move(errors));
}
void throw_unprocessable(std::string detail, std::vector<FieldError> errors) {
    throw Error(ErrorKind::unprocessable, std::move(detail), std::move(errors));
}
void throw_forbidden(std::string detail) {
    throw Error(ErrorKind::forbidden, std::move(detail));
}
void throw_unauthorized(std::string detail) {
    throw Error(ErrorKind::unauthorized, std::move(detail));
}

void FieldErrors::throw_if_any(std::string detail, ErrorKind kind) const {
    if (errors_.empty())
        return;
    if (errors_.size() == 1 && detail == "the request has invalid fields")
        detail = errors_.front().field + ": " + errors_.front().message;
    throw Error(kind, std::move(detail), errors_);
}

}  // namespace lifeline
