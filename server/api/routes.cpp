#include "api/routes.hpp"

namespace plenary::api {

void add_routes(http::Router& router) {
  add_ops_routes(router);
  add_auth_routes(router);
}

}  // namespace plenary::api
