#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/access.hpp"
#include "http/message.hpp"
#include "http/method.hpp"
#include "http/request_context.hpp"

namespace plenary::http {

using Handler = std::function<Response(RequestContext&)>;
// Runs on the I/O thread before a worker is involved and must not block: it
// answers from memory (a cache hit) or returns nullopt to let the route's
// handler run on a worker. Only for requests without credentials.
using FastPath = std::function<std::optional<Response>(RequestContext&)>;

// Where a handler runs. `worker` (the default) is a thread of the worker pool,
// free to block on the database or hash a password. `io` runs on the
// connection's I/O thread and must never block: use it only for handlers that
// touch no database and do no heavy work (health, metrics, cached reads).
// `io` routes skip authentication, so they must be public.
enum class RunOn { worker, io };

struct RouteOptions {
  Access access = Access::anyone();
  RunOn run_on = RunOn::worker;
  FastPath fast_path;
  // Whether the pipeline may gzip the answer (see gzip_response). Off where
  // the bytes are sent as they are: static files (precompressed siblings)
  // and HLS (video, and playlists players fetch every second or two).
  bool compress = true;
};

struct Route {
  Method method;
  std::string pattern;  // "/api/v1/events/{slug}", also the metrics/log label
  std::vector<std::string> segments;
  Handler handler;
  RouteOptions options;
};

// Maps (method, path pattern) to handlers. Patterns are literal segments and
// "{name}" parameters matching one whole segment. Literal segments win over
// parameters at the same position. Thread-safety: add() before serving; after
// that match() is const and may run on any thread.
class Router {
 public:
  void add(Method method, std::string_view pattern, Handler handler, RouteOptions options = {});
  // Answers GET/HEAD for paths no route matches outside /api/ (static files).
  void set_fallback(Handler handler, RouteOptions options = {});

  struct Match {
    enum class Outcome { found, not_found, method_not_allowed, bad_path } outcome = Outcome::not_found;
    const Route* route = nullptr;
    PathParams params;
    std::string allow;  // for method_not_allowed and OPTIONS: "GET, HEAD, OPTIONS"
  };
  // HEAD matches a GET route when no HEAD route is declared.
  Match match(Method method, std::string_view raw_path) const;
  const std::vector<Route>& routes() const noexcept { return routes_; }

 private:
  std::vector<Route> routes_;
  std::optional<Route> fallback_;
};

}  // namespace plenary::http
