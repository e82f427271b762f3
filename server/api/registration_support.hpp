#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "db/registration_store.hpp"
#include "domain/agenda.hpp"
#include "http/request_context.hpp"

namespace plenary::db {
class Connection;
}

namespace plenary::api {

// Shared by the registration endpoints (registrations_api.cpp) and the
// spreadsheet import and export (registration_transfer_api.cpp).

// The hosts' list filter from ?delegation=&category=&status=&attendance=&q=; 422 when invalid.
db::RegistrationFilter registration_filter(const http::RequestContext& context);

// Issues a new access code (revoking the old one and the delegate's tokens)
// and a badge on first approval. The code is shown once: in the answer.
// {"access_code", "access_link"}: the link is http::sign_in_link, "/e/{slug}/#code=…".
nlohmann::json issue_access(db::Connection& connection, const domain::Event& event, std::int64_t registration_id,
                            std::int64_t now);

// Tells a delegate on their own channel that a seat opened for them.
void tell_promoted(const http::RequestContext& context, db::Connection& connection, const domain::Event& event,
                   const db::Rsvp& promoted, std::int64_t now);

}  // namespace plenary::api
