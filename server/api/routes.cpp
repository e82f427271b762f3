#include "api/routes.hpp"

namespace plenary::api {

void add_routes(http::Router& router) {
  add_ops_routes(router);
  add_auth_routes(router);
  add_event_routes(router);
  add_agenda_routes(router);
  add_event_resource_routes(router);
  add_registration_routes(router);
  add_registration_transfer_routes(router);
  add_seat_routes(router);
  add_checkin_routes(router);
  add_badge_routes(router);
  add_live_routes(router);
  add_stream_routes(router);
  add_hls_routes(router);
}

}  // namespace plenary::api
