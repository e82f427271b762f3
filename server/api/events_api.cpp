// Events: list, read, create, change, delete; and their audit log.
#include <nlohmann/json.hpp>

#include "api/agenda_input.hpp"
#include "api/agenda_support.hpp"
#include "api/routes.hpp"
#include "db/error.hpp"
#include "domain/instant.hpp"
#include "domain/language.hpp"
#include "http/router.hpp"

namespace plenary::api {
namespace {

using http::RequestContext;
using http::Response;

http::ApiError slug_taken(const std::string& slug) {
  return http::conflict("There is already an event with the slug " + slug + ".");
}

Response list_events(RequestContext& context) {
  const db::PageRequest page = page_request(context);
  const auto& principal = context.principal();
  const bool all = principal && principal->is_host();
  const std::int64_t own_event = principal ? principal->event_id : 0;  // a delegate's own meeting
  const auto events = context.services().database->read([&](db::Connection& connection) {
    return db::agenda_store::list_events(connection, {page.after_id, page.limit + 1}, all, own_event);
  });
  return http::json_response(
      200, page_json(events, page, [&](const domain::Event& event) {
        // Each event in the caller's language when it offers it, else its default.
        auto choice = domain::choose_language(context.query("lang"), context.request().headers.get("Accept-Language"),
                                              event.languages, event.default_language);
        return render_event(event, View(event, choice.value_or(domain::LanguageChoice{false, event.default_language})));
      }));
}

Response get_event(RequestContext& context) {
  const auto event =
      context.services().database->read([&](db::Connection& connection) { return visible_event(context, connection); });
  const View view = view_for(context, event);
  return localized_response(200, render_event(event, view), view);
}

Response create_event(RequestContext& context) {
  const nlohmann::json body = object_body(context);
  http::Validation validation;
  domain::Event event = read_event(body, validation);
  validation.throw_if_invalid();
  try {
    event.id = context.services().database->write([&](db::Connection& connection) {
      const auto now = domain::unix_now();
      event.id = db::agenda_store::insert_event(connection, event, now);
      audit(connection, context, event, "event.created", "event", event.id, nullptr, event_input(event));
      return event.id;
    });
  } catch (const db::ConstraintError& error) {
    if (error.is_unique()) throw slug_taken(event.slug);
    throw;
  }
  context.services().agenda_cache->invalidate(event.slug);
  return created(with_id(event_input(event), event.id), "/api/v1/events/" + event.slug);
}

Response patch_event(RequestContext& context) {
  const nlohmann::json patch = object_body(context);
  domain::Event updated;
  try {
    updated = change_event(context, [&](db::Connection& connection, const domain::Event& current) {
      const nlohmann::json before = event_input(current);
      http::Validation validation;
      domain::Event next = read_event(merge_patch(before, patch), validation);
      validation.throw_if_invalid();
      next.id = current.id;
      const domain::TimeZone zone = domain::event_zone(next);
      if (db::agenda_store::count_sessions_outside(connection, current.id, zone.start_of(next.first_day),
                                                   zone.start_of(domain::add_days(next.last_day, 1))) > 0) {
        throw http::conflict("Some sessions would fall outside the new days; move them first.");
      }
      const auto now = domain::unix_now();
      db::agenda_store::update_event(connection, next, now);
      audit(connection, context, next, "event.updated", "event", next.id, before, event_input(next));
      return next;
    });
  } catch (const db::ConstraintError& error) {
    if (error.is_unique()) throw slug_taken(patch.value("slug", std::string()));
    throw;
  }
  context.services().agenda_cache->invalidate(updated.slug);
  return http::json_response(200, with_id(event_input(updated), updated.id));
}

Response delete_event(RequestContext& context) {
  change_event(context, [&](db::Connection& connection, const domain::Event& event) {
    audit(connection, context, event, "event.deleted", "event", event.id, event_input(event), nullptr);
    db::agenda_store::delete_event(connection, event.id);
  });
  return http::empty_response(204);
}

Response list_audit(RequestContext& context) {
  const db::PageRequest page = page_request(context);
  struct Result {
    domain::Event event;
    std::vector<db::AuditEntry> entries;
  };
  const Result result = context.services().database->read([&](db::Connection& connection) {
    domain::Event event = visible_event(context, connection);
    auto entries = db::agenda_store::list_audit(connection, event.id, {page.after_id, page.limit + 1});
    return Result{std::move(event), std::move(entries)};
  });
  const domain::TimeZone zone = domain::event_zone(result.event);
  const auto parse = [](const std::string& text) {
    return text.empty() ? nlohmann::json(nullptr) : nlohmann::json::parse(text, nullptr, false);
  };
  return http::json_response(
      200, page_json(result.entries, page, [&](const db::AuditEntry& entry) {
        return nlohmann::json{
            {"id", entry.id},
            {"at", zone.format(entry.at)},
            {"actor",
             {{"id", entry.actor_id ? nlohmann::json(*entry.actor_id) : nullptr}, {"email", entry.actor_email}}},
            {"action", entry.action},
            {"entity", entry.entity},
            {"entity_id", entry.entity_id ? nlohmann::json(*entry.entity_id) : nullptr},
            {"before", parse(entry.before)},
            {"after", parse(entry.after)}};
      }));
}

}  // namespace

void add_event_routes(http::Router& router) {
  using auth::Role;
  using http::Access;
  using http::Method;
  const http::RouteOptions admin{.access = Access::only({Role::admin})};
  router.add(Method::get, "/api/v1/events", list_events);
  router.add(Method::post, "/api/v1/events", create_event, admin);
  router.add(Method::get, "/api/v1/events/{slug}", get_event);
  router.add(Method::patch, "/api/v1/events/{slug}", patch_event, admin);
  router.add(Method::delete_, "/api/v1/events/{slug}", delete_event, admin);
  router.add(Method::get, "/api/v1/events/{slug}/audit", list_audit, admin);
}

}  // namespace plenary::api
