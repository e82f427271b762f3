#pragma once

#include "http/message.hpp"
#include "http/request_context.hpp"

namespace plenary::api {

// POST /api/v1/auth/login {"email","password"} -> bearer token
http::Response login(http::RequestContext& context);
// POST /api/v1/auth/logout: revokes the token the request carries
http::Response logout(http::RequestContext& context);
// GET /api/v1/auth/me: who the token belongs to
http::Response me(http::RequestContext& context);

}  // namespace plenary::api
