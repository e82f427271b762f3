#include "http/request_context.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "http/api_error.hpp"
#include "http/json_body.hpp"

namespace plenary::http {

std::string_view RequestContext::param(std::string_view name) const {
  for (const auto& [key, value] : params_) {
    if (key == name) return value;
  }
  throw std::logic_error("route has no path parameter '" + std::string(name) + "'");
}

std::optional<std::string_view> RequestContext::query(std::string_view name) const {
  for (const auto& [key, value] : query_) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

const auth::Principal& RequestContext::require_principal() const {
  if (!principal_) throw unauthorized("Sign in first: this needs a bearer token.");
  return *principal_;
}

std::optional<std::string_view> RequestContext::bearer_token() const {
  const auto header = request_.headers.get("Authorization");
  if (!header) return std::nullopt;
  std::string_view value = *header;
  if (value.size() < 7 || !iequals(value.substr(0, 7), "Bearer ")) return std::nullopt;
  return trim_ows(value.substr(7));
}

nlohmann::json RequestContext::json_body() const {
  return parse_json_body(request_);
}

Services& RequestContext::services() const {
  if (services_ == nullptr) throw std::logic_error("this request context has no services");
  return *services_;
}

}  // namespace plenary::http
