#include "http/api_error.hpp"

namespace plenary::http {

ApiError::ApiError(unsigned status, std::string kind, std::string title, std::string detail)
    : std::runtime_error(detail),
      status_(status),
      kind_(std::move(kind)),
      title_(std::move(title)),
      detail_(std::move(detail)) {}

ApiError bad_request(std::string detail) {
  return {400, "bad-request", "Bad Request", std::move(detail)};
}

ApiError unauthorized(std::string detail) {
  ApiError error(401, "unauthorized", "Unauthorized", std::move(detail));
  error.headers().set("WWW-Authenticate", "Bearer realm=\"plenary\"");
  return error;
}

ApiError forbidden(std::string detail) {
  return {403, "forbidden", "Forbidden", std::move(detail)};
}

ApiError not_found(std::string detail) {
  return {404, "not-found", "Not Found", std::move(detail)};
}

ApiError method_not_allowed(std::string_view allow) {
  ApiError error(405, "method-not-allowed", "Method Not Allowed",
                 "This resource supports only: " + std::string(allow) + ".");
  error.headers().set("Allow", std::string(allow));
  return error;
}

ApiError conflict(std::string detail) {
  return {409, "conflict", "Conflict", std::move(detail)};
}

ApiError payload_too_large(std::size_t limit_bytes) {
  return {413, "payload-too-large", "Content Too Large",
          "The request body is larger than the limit of " + std::to_string(limit_bytes) + " bytes."};
}

ApiError unsupported_media_type(std::string detail) {
  return {415, "unsupported-media-type", "Unsupported Media Type", std::move(detail)};
}

ApiError validation_failed(std::vector<FieldError> errors) {
  ApiError error(422, "validation-failed", "Unprocessable Content",
                 errors.size() == 1 ? "One field is invalid." : std::to_string(errors.size()) + " fields are invalid.");
  auto list = nlohmann::json::array();
  for (auto& field_error : errors) {
    std::string pointer = "#/";
    for (char c : field_error.field) pointer += c == '.' ? '/' : c;
    list.push_back({{"field", field_error.field}, {"pointer", pointer}, {"detail", field_error.detail}});
  }
  error.extensions()["errors"] = std::move(list);
  return error;
}

ApiError too_many_requests(std::string detail, long retry_after_seconds) {
  ApiError error(429, "too-many-requests", "Too Many Requests", std::move(detail));
  error.headers().set("Retry-After", std::to_string(retry_after_seconds));
  error.extensions()["retry_after"] = retry_after_seconds;
  return error;
}

ApiError service_unavailable(std::string detail) {
  return {503, "service-unavailable", "Service Unavailable", std::move(detail)};
}

void Validation::throw_if_invalid() const {
  if (!errors_.empty()) throw validation_failed(errors_);
}

}  // namespace plenary::http
