#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/headers.hpp"

namespace plenary::http {

// An error a client can act on, thrown by domain code and handlers and turned
// into application/problem+json (RFC 9457) in one place: to_problem().
// `kind` is the stable last part of the problem type URI. `detail` is sent to
// the client, so it must never carry internal state (SQL, paths, stack).
class ApiError : public std::runtime_error {
 public:
  ApiError(unsigned status, std::string kind, std::string title, std::string detail);

  unsigned status() const noexcept { return status_; }
  const std::string& kind() const noexcept { return kind_; }
  const std::string& title() const noexcept { return title_; }
  const std::string& detail() const noexcept { return detail_; }
  // Extension members (e.g. "errors") merged into the problem object.
  nlohmann::json& extensions() noexcept { return extensions_; }
  const nlohmann::json& extensions() const noexcept { return extensions_; }
  // Headers the status needs (Allow, WWW-Authenticate, Retry-After).
  Headers& headers() noexcept { return headers_; }
  const Headers& headers() const noexcept { return headers_; }

 private:
  unsigned status_;
  std::string kind_;
  std::string title_;
  std::string detail_;
  nlohmann::json extensions_ = nlohmann::json::object();
  Headers headers_;
};

// One invalid field of a request body or query, for 422 responses.
struct FieldError {
  std::string field;   // dotted path as the client wrote it, e.g. "title.vi"
  std::string detail;  // what is wrong, in words a person understands
};

ApiError bad_request(std::string detail);
ApiError unauthorized(std::string detail);
ApiError forbidden(std::string detail);
ApiError not_found(std::string detail);
ApiError method_not_allowed(std::string_view allow);
ApiError conflict(std::string detail);
ApiError payload_too_large(std::size_t limit_bytes);
ApiError unsupported_media_type(std::string detail);
ApiError validation_failed(std::vector<FieldError> errors);
ApiError too_many_requests(std::string detail, long retry_after_seconds);
ApiError service_unavailable(std::string detail);

// Collects field errors while a request is checked, then throws them all at
// once: a client fixes every field in one round trip.
class Validation {
 public:
  void add(std::string field, std::string detail) { errors_.push_back({std::move(field), std::move(detail)}); }
  bool ok() const noexcept { return errors_.empty(); }
  void throw_if_invalid() const;

 private:
  std::vector<FieldError> errors_;
};

}  // namespace plenary::http
