#include "lifeline/core/errors.h"

namespace lifeline {

Error Error::about_field(ErrorKind kind, FieldError error) {
    Message detail = error.as_message();
    detail.text = error.field + ": " + detail.text;
    Error e(kind, std::move(detail), {std::move(error)});
    e.detail_is_field_ = true;
    return e;
}

void throw_invalid(Message detail, std::vector<FieldError> errors) {
    throw Error(ErrorKind::invalid, std::move(detail), std::move(errors));
}
void throw_invalid_field(std::string field, Message message) {
    throw Error::about_field(ErrorKind::invalid, FieldError(std::move(field), std::move(message)));
}
void throw_not_found(Message detail) {
    throw Error(ErrorKind::not_found, std::move(detail));
}
void throw_conflict(Message detail, std::vector<FieldError> errors) {
    throw Error(ErrorKind::conflict, std::move(detail), std::move(errors));
}
void throw_conflict_field(std::string field, Message message) {
    throw Error::about_field(ErrorKind::conflict, FieldError(std::move(field), std::move(message)));
}
void throw_unprocessable(Message detail, std::vector<FieldError> errors) {
    throw Error(ErrorKind::unprocessable, std::move(detail), std::move(errors));
}
void throw_unprocessable_field(std::string field, Message message) {
    throw Error::about_field(ErrorKind::unprocessable,
                             FieldError(std::move(field), std::move(message)));
}
void throw_forbidden(Message detail) {
    throw Error(ErrorKind::forbidden, std::move(detail));
}
void throw_unauthorized(Message detail) {
    throw Error(ErrorKind::unauthorized, std::move(detail));
}

void FieldErrors::throw_if_any(ErrorKind kind) const {
    if (errors_.empty())
        return;
    if (errors_.size() == 1)
        throw Error::about_field(kind, errors_.front());
    throw Error(kind, msg("request.invalid_fields"), errors_);
}
void FieldErrors::throw_if_any(Message detail, ErrorKind kind) const {
    if (!errors_.empty())
        throw Error(kind, std::move(detail), errors_);
}

}  // namespace lifeline
