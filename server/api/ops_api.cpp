#include "api/ops_api.hpp"

#include <nlohmann/json.hpp>

#include "api/routes.hpp"
#include "db/database.hpp"
#include "http/api_error.hpp"
#include "http/router.hpp"
#include "http/services.hpp"
#include "http/static_files.hpp"
#include "ops/metrics.hpp"

namespace plenary::api {

http::Response healthz(http::RequestContext&) {
  http::Response response = http::json_response(200, {{"status", "ok"}});
  response.headers.set("Cache-Control", "no-store");
  return response;
}

http::Response readyz(http::RequestContext& context) {
  db::Database& database = *context.services().database;
  if (!database.ping()) throw http::service_unavailable("The database does not answer.");
  http::Response response =
      http::json_response(200, {{"status", "ready"}, {"schema_version", database.schema_version()}});
  response.headers.set("Cache-Control", "no-store");
  return response;
}

http::Response metrics(http::RequestContext& context) {
  http::Response response =
      http::text_response(200, context.services().metrics->render(), "text/plain; version=0.0.4; charset=utf-8");
  response.headers.set("Cache-Control", "no-store");
  return response;
}

http::Response static_file(http::RequestContext& context) {
  const http::StaticFiles* files = context.services().static_files;
  if (files == nullptr) throw http::not_found("There is nothing at " + std::string(context.request().path()) + ".");
  return files->serve(context.request());
}

void add_ops_routes(http::Router& router) {
  using http::Method;
  using http::RunOn;
  router.add(Method::get, "/healthz", healthz, {.run_on = RunOn::io});
  router.add(Method::get, "/readyz", readyz);
  router.add(Method::get, "/metrics", metrics, {.run_on = RunOn::io});
  // Files come from the page cache in practice; reading them inline saves a
  // hop through the worker pool for what is most requests of a page load.
  // The build precompresses them: the pipeline must not gzip them again.
  router.set_fallback(static_file, {.run_on = RunOn::io, .compress = false});
}

}  // namespace plenary::api
