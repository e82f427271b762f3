// Live updates over HTTP: announcements hosts post to every phone at once,
// and the WebSocket endpoint's answer to a request that is not an upgrade.
// The WebSocket itself is net/live_session.cpp; its protocol, live/.
#include <array>

#include <nlohmann/json.hpp>

#include "api/agenda_support.hpp"
#include "api/field_reader.hpp"
#include "api/routes.hpp"
#include "db/live_store.hpp"
#include "domain/instant.hpp"
#include "http/router.hpp"
#include "live/publisher.hpp"

namespace plenary::api {
namespace {

using http::RequestContext;
using http::Response;

enum class Priority { normal, important, urgent };
constexpr std::array<std::string_view, 3> kPriorities{"normal", "important", "urgent"};

nlohmann::json announcement_json(const db::StoredAnnouncement& a, const domain::TimeZone& zone) {
  return {{"id", a.id},
          {"text", nlohmann::json::parse(a.text, nullptr, false)},
          {"priority", a.priority},
          {"created_at", zone.format(a.created_at)},
          {"expires_at", a.expires_at ? nlohmann::json(zone.format(*a.expires_at)) : nlohmann::json(nullptr)}};
}

Response live_needs_upgrade(RequestContext&) {
  http::ApiError error(426, "upgrade-required", "Upgrade Required",
                       "GET /api/v1/live is a WebSocket: send Upgrade: websocket (see the live protocol).");
  error.headers().set("Upgrade", "websocket");
  throw error;
}

Response post_announcement(RequestContext& context) {
  const nlohmann::json body = object_body(context);
  const auto [event, stored] = write_in_event(context, [&](db::Connection& connection, const domain::Event& current) {
    http::Validation validation;
    FieldReader fields(body, validation);
    fields.only({"text", "priority", "expires_at"});
    db::StoredAnnouncement announcement;
    announcement.event_id = current.id;
    announcement.text =
        domain::to_json(fields.localized("text", current.languages, 2000, &current.default_language)).dump();
    announcement.priority =
        std::string(domain::name_of(fields.choice<Priority>("priority", kPriorities, Priority::normal), kPriorities));
    const std::int64_t now = domain::unix_now();
    if (fields.has("expires_at")) {
      announcement.expires_at = fields.instant("expires_at", domain::event_zone(current));
      if (announcement.expires_at && *announcement.expires_at <= now) fields.fail("expires_at", "is in the past");
    }
    validation.throw_if_invalid();
    announcement.created_at = now;
    const std::int64_t by = context.require_principal().user_id;
    announcement.id = db::live_store::insert_announcement(connection, announcement,
                                                          by != 0 ? std::optional<std::int64_t>(by) : std::nullopt);
    const nlohmann::json rendered = announcement_json(announcement, domain::event_zone(current));
    context.services().live->to_event(connection, current, "announcement",
                                      current.visibility == domain::Visibility::delegates, {{"announcement", rendered}},
                                      now);
    audit(connection, context, current, "announcement.created", "announcement", announcement.id, nullptr, rendered);
    return std::pair{current, announcement};
  });
  return created(announcement_json(stored, domain::event_zone(event)),
                 "/api/v1/events/" + event.slug + "/announcements/" + std::to_string(stored.id));
}

Response list_announcements(RequestContext& context) {
  struct Result {
    domain::Event event;
    std::vector<db::StoredAnnouncement> rows;
  };
  const Result result = context.services().database->read([&](db::Connection& connection) {
    domain::Event event = visible_event(context, connection);
    auto rows = db::live_store::current_announcements(connection, event.id, domain::unix_now());
    return Result{std::move(event), std::move(rows)};
  });
  const View view = view_for(context, result.event);
  auto items = nlohmann::json::array();
  for (const auto& row : result.rows) {
    nlohmann::json item = announcement_json(row, view.zone());
    domain::LocalizedText text;
    for (const auto& [language, value] : item["text"].items()) text[language] = value.get<std::string>();
    item["text"] = view.text(text);
    items.push_back(std::move(item));
  }
  Response response = localized_response(200, {{"items", std::move(items)}}, view);
  response.headers.set("Cache-Control", "no-cache");
  return response;
}

Response withdraw_announcement(RequestContext& context) {
  const std::int64_t id = id_param(context, "id");
  write_in_event(context, [&](db::Connection& connection, const domain::Event& event) {
    const auto existing = db::live_store::find_announcement(connection, event.id, id);
    if (!existing || existing->withdrawn_at)
      throw http::not_found("There is no announcement " + std::to_string(id) + ".");
    const std::int64_t now = domain::unix_now();
    db::live_store::withdraw_announcement(connection, id, now);
    context.services().live->to_event(connection, event, "announcement.withdrawn",
                                      event.visibility == domain::Visibility::delegates, {{"id", id}}, now);
    audit(connection, context, event, "announcement.withdrawn", "announcement", id, nullptr, nullptr);
  });
  return http::empty_response(204);
}

}  // namespace

void add_live_routes(http::Router& router) {
  const http::RouteOptions hosts{.access = http::Access::hosts()};
  router.add(http::Method::get, "/api/v1/live", live_needs_upgrade);
  router.add(http::Method::get, "/api/v1/events/{slug}/announcements", list_announcements);
  router.add(http::Method::post, "/api/v1/events/{slug}/announcements", post_announcement, hosts);
  router.add(http::Method::delete_, "/api/v1/events/{slug}/announcements/{id}", withdraw_announcement, hosts);
}

}  // namespace plenary::api
