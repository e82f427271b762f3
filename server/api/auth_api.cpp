#include "api/auth_api.hpp"

#include <nlohmann/json.hpp>

#include "api/routes.hpp"
#include "auth/auth_service.hpp"
#include "domain/instant.hpp"
#include "http/api_error.hpp"
#include "http/router.hpp"
#include "http/services.hpp"

namespace plenary::api {
namespace {

std::string required_string(const nlohmann::json& body, const char* field, http::Validation& validation) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) {
    validation.add(field, "is required");
    return {};
  }
  if (!it->is_string()) {
    validation.add(field, "must be a string");
    return {};
  }
  return it->get<std::string>();
}

}  // namespace

http::Response login(http::RequestContext& context) {
  const nlohmann::json body = context.json_body();
  if (!body.is_object()) throw http::validation_failed({{"", "must be a JSON object with email and password"}});
  http::Validation validation;
  const std::string email = required_string(body, "email", validation);
  const std::string password = required_string(body, "password", validation);
  validation.throw_if_invalid();

  auth::AuthService& auth = *context.services().auth;
  const auto user_agent = context.request().headers.get("User-Agent").value_or("");
  const auth::LoginResult result = auth.login(email, password, context.request().remote_address, user_agent);
  return http::json_response(
      200,
      {{"token", result.token},
       {"token_type", "Bearer"},
       {"expires_at", domain::format_utc(result.expires_at)},
       {"expires_in", result.expires_at - auth.now()},
       {"user",
        {{"id", result.account.id}, {"email", result.account.email}, {"role", auth::to_string(result.account.role)}}}});
}

// A host's or a delegate's token alike: a phone signing out takes its token with it.
http::Response logout(http::RequestContext& context) {
  context.require_principal();
  context.services().auth->logout(*context.bearer_token());
  return http::empty_response(204);
}

http::Response me(http::RequestContext& context) {
  const auth::Principal& principal = context.require_principal();
  return http::json_response(200, {{"kind", "host"},
                                   {"id", principal.user_id},
                                   {"email", principal.email},
                                   {"role", auth::to_string(principal.role)},
                                   {"token_expires_at", domain::format_utc(principal.token_expires_at)}});
}

void add_auth_routes(http::Router& router) {
  using http::Access;
  using http::Method;
  router.add(Method::post, "/api/v1/auth/login", login);
  router.add(Method::post, "/api/v1/auth/logout", logout, {.access = Access::signed_in()});
  router.add(Method::get, "/api/v1/auth/me", me, {.access = Access::hosts()});
}

}  // namespace plenary::api
