#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/agenda_view.hpp"
#include "db/agenda_store.hpp"
#include "domain/agenda.hpp"
#include "http/request_context.hpp"

namespace plenary::db {
class Connection;
}

namespace plenary::api {

// Hosts, and the event's own delegates, see its delegates-only content.
bool sees_delegates_only(const http::RequestContext& context, const domain::Event& event);

// The event named by the {slug} path parameter, if this caller may see it;
// 404 otherwise (a delegates-only event is not revealed to outsiders).
domain::Event visible_event(http::RequestContext& context, db::Connection& connection);

// The response language from ?lang= and Accept-Language; 422 for an unknown ?lang=.
View view_for(const http::RequestContext& context, const domain::Event& event);

// A positive integer path parameter; 404 otherwise.
std::int64_t id_param(const http::RequestContext& context, std::string_view name);

// ?limit= (1..200, default 50) and ?cursor= (opaque, from next_cursor); 422 when invalid.
db::PageRequest page_request(const http::RequestContext& context);
// {"items": [...], "next_cursor": "…" | null}; `items` holds up to limit + 1
// rendered entries, the extra one only telling that another page exists.
template <class T, class Render>
nlohmann::json page_json(const std::vector<T>& rows, const db::PageRequest& page, Render render) {
  auto items = nlohmann::json::array();
  for (std::size_t i = 0; i < rows.size() && i < page.limit; ++i) items.push_back(render(rows[i]));
  nlohmann::json next = nullptr;
  if (rows.size() > page.limit) next = std::to_string(rows[page.limit - 1].id);
  return {{"items", std::move(items)}, {"next_cursor", next}};
}

// The request body, which must be a JSON object (422 otherwise).
nlohmann::json object_body(const http::RequestContext& context);

// A JSON response with Content-Language and Vary set for a localized body.
http::Response localized_response(unsigned status, const nlohmann::json& body, const View& view);

// Records one change in the audit log, in the caller's write transaction.
void audit(db::Connection& connection, const http::RequestContext& context, const domain::Event& event,
           std::string action, std::string entity, std::optional<std::int64_t> entity_id, const nlohmann::json& before,
           const nlohmann::json& after);

// Runs `change(connection, event)` in one write transaction on the event named
// by {slug} (404 when missing).
template <class Change>
auto write_in_event(http::RequestContext& context, Change&& change);
// The same, for changes the agenda shows: then drops the event's cached agendas.
template <class Change>
auto change_event(http::RequestContext& context, Change&& change);

// The input form with its id, as writes answer.
nlohmann::json with_id(nlohmann::json input, std::int64_t id);

// 201 Created with a Location header.
http::Response created(const nlohmann::json& body, const std::string& location);

}  // namespace plenary::api

#include "api/agenda_support_impl.hpp"
