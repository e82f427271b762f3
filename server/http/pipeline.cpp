#include "http/pipeline.hpp"

#include <cstdio>
#include <random>

#include "http/problem.hpp"
#include "http/response_gzip.hpp"
#include "http/url.hpp"
#include "ops/log.hpp"
#include "ops/metrics.hpp"

namespace plenary::http {
namespace {

bool acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// Request ids correlate log lines; they need to be unique, not secret.
std::string new_request_id() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  std::uint64_t bits = engine();
  for (char& c : id) {
    c = kHex[bits & 15];
    bits >>= 4;
  }
  return id;
}

std::string request_id_for(const Request& request) {
  const auto id_header = request.headers.get("X-Request-Id");
  return id_header && acceptable_request_id(*id_header) ? std::string(*id_header) : new_request_id();
}

std::string role_names(const Access& access) {
  std::string names;
  for (auth::Role role : {auth::Role::admin, auth::Role::registrar, auth::Role::delegate}) {
    if (!access.allows(role)) continue;
    if (!names.empty()) names += " or ";
    names += auth::to_string(role);
  }
  return names;
}

}  // namespace

Pipeline::Pipeline(const Router& router, Services* services, Authenticator authenticator, ops::Metrics* metrics,
                   ops::Logger* logger)
    : router_(router),
      services_(services),
      authenticator_(std::move(authenticator)),
      metrics_(metrics),
      logger_(logger) {}

std::optional<Response> Pipeline::handle_on_io(const Request& request) const {
  auto match = router_.match(request.method, request.path());
  if (match.route == nullptr) return std::nullopt;
  const Route& route = *match.route;
  if (route.options.run_on == RunOn::io) return handle_matched(request, std::move(match));
  if (!route.options.fast_path || request.headers.contains("Authorization")) return std::nullopt;
  try {
    std::string request_id = request_id_for(request);
    RequestContext context(request, std::move(match.params), parse_query(request.query_string()), request_id,
                           services_);
    auto response = route.options.fast_path(context);
    if (response) finish(request, *response, request_id, route.pattern, route.options.compress);
    return response;
  } catch (...) {
    return std::nullopt;  // the handler on a worker will say what is wrong
  }
}

Response Pipeline::handle(const Request& request) const {
  return handle_matched(request, router_.match(request.method, request.path()));
}

Response Pipeline::handle_matched(const Request& request, Router::Match match) const {
  const std::string request_id = request_id_for(request);
  std::string route_label = "unmatched";
  const bool compress = match.route == nullptr || match.route->options.compress;
  Response response;
  try {
    response = dispatch(request, std::move(match), request_id, route_label);
  } catch (const ApiError& error) {
    response = to_problem(error, request.path(), request_id);
  } catch (const std::exception& error) {
    if (logger_ != nullptr) {
      logger_->error("unhandled exception",
                     {{"request_id", request_id}, {"route", route_label}, {"exception", error.what()}});
    }
    response = to_problem(internal_error(), request.path(), request_id);
  } catch (...) {
    if (logger_ != nullptr) logger_->error("unhandled exception", {{"request_id", request_id}, {"route", route_label}});
    response = to_problem(internal_error(), request.path(), request_id);
  }
  finish(request, response, request_id, route_label, compress);
  return response;
}

Response Pipeline::dispatch(const Request& request, Router::Match match, const std::string& request_id,
                            std::string& route_label) const {
  if (request.method == Method::other) {
    ApiError error(501, "not-implemented", "Not Implemented",
                   "The method " + request.method_text + " is not supported by this server.");
    throw error;
  }
  switch (match.outcome) {
    case Router::Match::Outcome::bad_path: throw bad_request("The request path is not correctly percent-encoded.");
    case Router::Match::Outcome::not_found: throw not_found("There is nothing at " + std::string(request.path()) + ".");
    case Router::Match::Outcome::method_not_allowed: throw method_not_allowed(match.allow);
    case Router::Match::Outcome::found: break;
  }
  if (match.route == nullptr) {  // OPTIONS on a known path
    Response response = empty_response(204);
    response.headers.set("Allow", match.allow);
    return response;
  }
  const Route& route = *match.route;
  route_label = route.pattern;
  RequestContext context(request, std::move(match.params), parse_query(request.query_string()), request_id, services_);

  if (route.options.run_on == RunOn::worker) {
    if (const auto token = context.bearer_token()) {
      auto principal = authenticator_ ? authenticator_(*token) : std::nullopt;
      if (!principal) throw unauthorized("The bearer token is invalid, expired or revoked; sign in again.");
      context.set_principal(std::move(*principal));
    } else if (request.headers.contains("Authorization")) {
      throw unauthorized("Send the token as 'Authorization: Bearer <token>'.");
    }
  }
  const Access& access = route.options.access;
  if (access.needs_principal()) {
    const auth::Principal& principal = context.require_principal();
    if (!access.allows(principal.role)) {
      throw forbidden("This needs the " + role_names(access) + " role; you are signed in as " +
                      std::string(auth::to_string(principal.role)) + ".");
    }
  }
  return route.handler(context);
}

Response Pipeline::reject(const Request& partial, const ApiError& error) const {
  const std::string request_id = new_request_id();
  Response response = to_problem(error, partial.path(), request_id);
  finish(partial, response, request_id, "rejected", false);
  return response;
}

void Pipeline::finish(const Request& request, Response& response, const std::string& request_id,
                      std::string_view route_label, bool compress) const {
  if (compress) {
    try {
      gzip_response(request, response);
    } catch (...) {  // zlib out of memory: the body is still whole, send it as it is
    }
  }
  response.headers.set("X-Request-Id", request_id);
  if (!response.headers.contains("X-Content-Type-Options")) response.headers.set("X-Content-Type-Options", "nosniff");
  // API answers are personal unless a handler says otherwise: no shared cache keeps them.
  if (!response.headers.contains("Cache-Control") && request.path().starts_with("/api/")) {
    response.headers.set("Cache-Control", "no-store");
  }
  if (request.method == Method::head) {
    response.head_content_length = response.body_size();
    response.body.clear();
    response.shared_body.reset();
    response.body_file.reset();
  }
  const auto took = std::chrono::steady_clock::now() - request.received_at;
  if (metrics_ != nullptr) metrics_->observe_request(request.method_text, route_label, response.status, took);
  if (logger_ != nullptr && logger_->enabled(ops::LogLevel::info)) {
    // Formatted by hand: this line is written for every request.
    std::string fields;
    fields.reserve(200);
    fields += "\"request_id\":";
    ops::append_json_string(fields, request_id);
    fields += ",\"method\":";
    ops::append_json_string(fields, request.method_text);
    fields += ",\"route\":";
    ops::append_json_string(fields, route_label);
    fields += ",\"status\":";
    fields += std::to_string(response.status);
    // Milliseconds with three decimals, without printf's floating-point path.
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(took).count();
    const std::string fraction = std::to_string(1000 + micros % 1000);
    fields += ",\"duration_ms\":";
    fields += std::to_string(micros / 1000);
    fields += '.';
    fields += std::string_view(fraction).substr(1);
    fields += ",\"bytes\":";
    fields += std::to_string(response.head_content_length.value_or(response.body_size()));
    fields += ",\"remote\":";
    ops::append_json_string(fields, request.remote_address);
    logger_->log_preformatted(ops::LogLevel::info, "request", fields);
  }
}

}  // namespace plenary::http
