#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "auth/principal.hpp"
#include "http/api_error.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

namespace plenary::ops {
class Logger;
class Metrics;
}  // namespace plenary::ops

namespace plenary::http {

// Checks a bearer token; nullopt when it is unknown, expired or revoked.
// May block on the database, so it only runs on worker threads.
using Authenticator = std::function<std::optional<auth::Principal>(std::string_view token)>;

// Turns a Request into a Response: request id, routing, authentication, role
// check, the handler, every error to problem+json, gzip when the client takes
// it, with one log line and metrics per request. Knows nothing of sockets:
// tests call handle() directly.
// Thread-safety: const after construction; handle() runs on any thread.
class Pipeline {
 public:
  Pipeline(const Router& router, Services* services, Authenticator authenticator, ops::Metrics* metrics,
           ops::Logger* logger);

  // On the I/O thread: the response when the route runs there or its fast
  // path answers from memory; nullopt when a worker must handle() it.
  std::optional<Response> handle_on_io(const Request& request) const;
  // Never throws.
  Response handle(const Request& request) const;
  // A response for a request the network layer could not read whole (400,
  // 408, 413, 431), logged and counted like any other.
  Response reject(const Request& partial, const ApiError& error) const;

 private:
  // `match` is the router's answer for this request, found once per request.
  Response handle_matched(const Request& request, Router::Match match) const;
  Response dispatch(const Request& request, Router::Match match, const std::string& request_id,
                    std::string& route_label) const;
  // `compress`: the route allows gzip (RouteOptions::compress).
  void finish(const Request& request, Response& response, const std::string& request_id, std::string_view route_label,
              bool compress) const;

  const Router& router_;
  Services* services_;
  Authenticator authenticator_;
  ops::Metrics* metrics_;
  ops::Logger* logger_;
};

}  // namespace plenary::http
