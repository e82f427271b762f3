#pragma once

namespace plenary::http {
class Router;
}

namespace plenary::api {

// Declares every route of the HTTP API on `router`.
void add_routes(http::Router& router);

void add_ops_routes(http::Router& router);
void add_auth_routes(http::Router& router);
void add_event_routes(http::Router& router);
void add_agenda_routes(http::Router& router);
void add_event_resource_routes(http::Router& router);
void add_registration_routes(http::Router& router);
void add_seat_routes(http::Router& router);
void add_checkin_routes(http::Router& router);
void add_badge_routes(http::Router& router);
void add_registration_transfer_routes(http::Router& router);
void add_live_routes(http::Router& router);
void add_stream_routes(http::Router& router);
void add_hls_routes(http::Router& router);

}  // namespace plenary::api
