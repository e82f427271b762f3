#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "auth/principal.hpp"
#include "http/message.hpp"
#include "http/url.hpp"

namespace plenary::http {

struct Services;

using PathParams = std::vector<std::pair<std::string, std::string>>;

// Everything a handler may look at for one request. Built by the pipeline on
// the thread that runs the handler; lives as long as that call.
class RequestContext {
 public:
  RequestContext(const Request& request, PathParams params, QueryParams query, std::string request_id,
                 Services* services)
      : request_(request),
        params_(std::move(params)),
        query_(std::move(query)),
        request_id_(std::move(request_id)),
        services_(services) {}

  const Request& request() const noexcept { return request_; }
  // A path parameter the route pattern declares ("{slug}" -> param("slug")).
  std::string_view param(std::string_view name) const;
  std::optional<std::string_view> query(std::string_view name) const;
  const QueryParams& query_params() const noexcept { return query_; }
  const std::string& request_id() const noexcept { return request_id_; }

  const std::optional<auth::Principal>& principal() const noexcept { return principal_; }
  // The principal of a route declared with Access::only/hosts; 401 otherwise.
  const auth::Principal& require_principal() const;
  void set_principal(auth::Principal principal) { principal_ = std::move(principal); }
  // The bearer token as sent, if any.
  std::optional<std::string_view> bearer_token() const;

  // The body as JSON, see parse_json_body().
  nlohmann::json json_body() const;

  Services& services() const;

 private:
  const Request& request_;
  PathParams params_;
  QueryParams query_;
  std::string request_id_;
  Services* services_;
  std::optional<auth::Principal> principal_;
};

}  // namespace plenary::http
