#pragma once

#include "http/message.hpp"
#include "http/request_context.hpp"

namespace plenary::api {

// GET /healthz: the process answers.
http::Response healthz(http::RequestContext& context);
// GET /readyz: the database answers a query.
http::Response readyz(http::RequestContext& context);
// GET /metrics: Prometheus text format.
http::Response metrics(http::RequestContext& context);
// GET/HEAD of any other non-API path: files from the static directory, and
// the web app's index.html for its own routes (http/app_routes.hpp).
http::Response static_file(http::RequestContext& context);

}  // namespace plenary::api
