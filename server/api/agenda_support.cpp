#include "api/agenda_support.hpp"

#include <charconv>

#include "db/connection.hpp"
#include "domain/instant.hpp"
#include "domain/language.hpp"
#include "domain/text.hpp"
#include "http/api_error.hpp"

namespace plenary::api {
namespace {

std::optional<std::int64_t> parse_positive(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

}  // namespace

bool sees_delegates_only(const http::RequestContext& context, const domain::Event& event) {
  const auto& principal = context.principal();
  return principal && (principal->is_host() || principal->event_id == event.id);
}

domain::Event visible_event(http::RequestContext& context, db::Connection& connection) {
  const std::string slug(context.param("slug"));
  auto event = db::agenda_store::find_event(connection, slug);
  if (!event || (event->visibility == domain::Visibility::delegates && !sees_delegates_only(context, *event))) {
    throw http::not_found("There is no event " + slug + ".");
  }
  return std::move(*event);
}

View view_for(const http::RequestContext& context, const domain::Event& event) {
  const auto choice = domain::choose_language(context.query("lang"), context.request().headers.get("Accept-Language"),
                                              event.languages, event.default_language);
  if (!choice) {
    std::string offered;
    for (const auto& tag : event.languages) offered += (offered.empty() ? "" : ", ") + tag;
    throw http::validation_failed({{"lang", "must be one of this event's languages (" + offered + ") or *"}});
  }
  return View(event, *choice);
}

std::int64_t id_param(const http::RequestContext& context, std::string_view name) {
  const auto id = parse_positive(context.param(name));
  if (!id) throw http::not_found("There is nothing at " + std::string(context.request().path()) + ".");
  return *id;
}

db::PageRequest page_request(const http::RequestContext& context) {
  db::PageRequest page;
  http::Validation validation;
  if (const auto limit = context.query("limit")) {
    const auto value = parse_positive(*limit);
    if (!value || *value > 200) {
      validation.add("limit", "must be a whole number from 1 to 200");
    } else {
      page.limit = static_cast<std::size_t>(*value);
    }
  }
  if (const auto cursor = context.query("cursor"); cursor && !cursor->empty()) {
    const auto value = parse_positive(*cursor);
    if (!value) {
      validation.add("cursor", "must be a next_cursor value from a previous page");
    } else {
      page.after_id = *value;
    }
  }
  validation.throw_if_invalid();
  return page;
}

nlohmann::json object_body(const http::RequestContext& context) {
  nlohmann::json body = context.json_body();
  if (!body.is_object()) throw http::validation_failed({{"", "must be a JSON object"}});
  return body;
}

http::Response localized_response(unsigned status, const nlohmann::json& body, const View& view) {
  http::Response response = http::json_response(status, body);
  response.headers.set("Content-Language", view.content_language());
  response.headers.set("Vary", "Accept-Language, Authorization");
  return response;
}

void audit(db::Connection& connection, const http::RequestContext& context, const domain::Event& event,
           std::string action, std::string entity, std::optional<std::int64_t> entity_id, const nlohmann::json& before,
           const nlohmann::json& after) {
  db::AuditEntry entry;
  entry.event_id = event.id;
  entry.event_slug = event.slug;
  entry.at = domain::unix_now();
  const auto& actor = context.principal();
  if (actor && actor->is_host()) entry.actor_id = actor->user_id;
  entry.actor_email = !actor                 ? "anonymous"
                      : actor->is_delegate() ? "delegate:" + std::to_string(actor->registration_id)
                                             : actor->email;
  entry.action = std::move(action);
  entry.entity = std::move(entity);
  entry.entity_id = entity_id;
  entry.before = before.is_null() ? "" : before.dump();
  entry.after = after.is_null() ? "" : after.dump();
  db::agenda_store::insert_audit(connection, entry);
}

nlohmann::json with_id(nlohmann::json input, std::int64_t id) {
  input["id"] = id;
  return input;
}

http::Response created(const nlohmann::json& body, const std::string& location) {
  http::Response response = http::json_response(201, body);
  response.headers.set("Location", location);
  return response;
}

}  // namespace plenary::api
