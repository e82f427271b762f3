// Badges: each approved delegate's badge carries a QR code of a random badge
// code that the desk scans at check-in. Hosts replace a lost badge (the old
// code is then refused as replaced) or revoke one.
#include <array>

#include <nlohmann/json.hpp>

#include "api/agenda_support.hpp"
#include "api/routes.hpp"
#include "auth/token.hpp"
#include "badge/badge_png.hpp"
#include "badge/badge_svg.hpp"
#include "db/checkin_store.hpp"
#include "db/registration_store.hpp"
#include "domain/instant.hpp"
#include "http/router.hpp"

namespace plenary::api {
namespace {

using http::RequestContext;
using http::Response;

// The approved registration {id} of the event, for hosts.
domain::Registration badge_holder(RequestContext& context, db::Connection& connection, const domain::Event& event) {
  const std::int64_t id = id_param(context, "id");
  auto registration = db::registration_store::find_registration(connection, event.id, id);
  if (!registration) throw http::not_found("There is no delegate " + std::to_string(id) + ".");
  if (registration->status != domain::RegistrationStatus::approved) {
    throw http::conflict("Only an approved delegate has a badge.");
  }
  return std::move(*registration);
}

nlohmann::json badge_json(const db::BadgeRecord& badge, const domain::Event& event) {
  const domain::TimeZone zone = domain::event_zone(event);
  return {{"registration_id", badge.registration_id},
          {"code", badge.code},
          {"issued_at", zone.format(badge.issued_at)},
          {"revoked_at", badge.revoked_at ? nlohmann::json(zone.format(*badge.revoked_at)) : nlohmann::json(nullptr)}};
}

// The badge of delegate {id}, as a host or that delegate sees it (a phone can
// show its own QR code at the door).
struct VisibleBadge {
  domain::Event event;
  domain::Registration holder;
  db::BadgeRecord badge;
};

VisibleBadge visible_badge(RequestContext& context) {
  return context.services().database->read([&](db::Connection& connection) {
    domain::Event event = visible_event(context, connection);
    const std::int64_t id = id_param(context, "id");
    const auto& principal = context.require_principal();
    const bool allowed = principal.is_host() || (principal.is_delegate() && principal.registration_id == id);
    auto holder = allowed ? db::registration_store::find_registration(connection, event.id, id) : std::nullopt;
    if (!holder) throw http::not_found("There is no delegate " + std::to_string(id) + ".");
    auto badge = db::checkin_store::badge_of(connection, id);
    if (!badge || holder->status != domain::RegistrationStatus::approved) {
      throw http::not_found("Delegate " + std::to_string(id) + " has no badge: only approved delegates have one.");
    }
    if (badge->revoked_at) throw http::conflict("This badge has been revoked; a host can issue a new one.");
    return VisibleBadge{std::move(event), std::move(*holder), std::move(*badge)};
  });
}

Response get_badge(RequestContext& context) {
  const VisibleBadge visible = visible_badge(context);
  Response response = http::json_response(200, badge_json(visible.badge, visible.event));
  response.headers.set("Cache-Control", "private, no-store");
  return response;
}

// "19–22 November 2024 · Hạ Long": the meeting's days as a badge prints them.
std::string badge_dates(const domain::Event& event, const std::string& language) {
  static constexpr std::array<const char*, 12> kMonths{"January",   "February", "March",    "April",
                                                       "May",       "June",     "July",     "August",
                                                       "September", "October",  "November", "December"};
  const auto& first = event.first_day;
  const auto& last = event.last_day;
  const auto month = [](unsigned m) { return std::string(kMonths[(m - 1) % 12]); };
  std::string dates;
  if (first == last) {
    dates = std::to_string(first.day) + " " + month(first.month) + " " + std::to_string(first.year);
  } else if (first.year == last.year && first.month == last.month) {
    dates = std::to_string(first.day) + "–" + std::to_string(last.day) + " " + month(last.month) + " " +
            std::to_string(last.year);
  } else if (first.year == last.year) {
    dates = std::to_string(first.day) + " " + month(first.month) + " – " + std::to_string(last.day) + " " +
            month(last.month) + " " + std::to_string(last.year);
  } else {
    dates = std::to_string(first.day) + " " + month(first.month) + " " + std::to_string(first.year) + " – " +
            std::to_string(last.day) + " " + month(last.month) + " " + std::to_string(last.year);
  }
  const std::string& city = domain::pick(event.city, language, event.default_language);
  if (!city.empty()) dates += " · " + city;
  return dates;
}

// The printable badge, in the language the request asks for (event title, city).
Response badge_image(RequestContext& context, bool png) {
  const VisibleBadge visible = visible_badge(context);
  const View view = view_for(context, visible.event);
  const std::string language = view.language_key() == "*" ? visible.event.default_language : view.language_key();
  badge::Badge content{visible.badge.code,
                       visible.holder.name,
                       visible.holder.position,
                       visible.holder.organisation,
                       visible.holder.delegation,
                       visible.holder.category,
                       domain::pick(visible.event.title, language, visible.event.default_language),
                       badge_dates(visible.event, language)};
  Response response = png ? http::text_response(200, badge::badge_png(content), "image/png")
                          : http::text_response(200, badge::badge_svg(content), "image/svg+xml; charset=utf-8");
  response.headers.set("Cache-Control", "private, no-store");
  response.headers.set("Content-Language", language);
  response.headers.set("Content-Disposition",
                       "inline; filename=\"badge-" + std::to_string(visible.holder.id) + (png ? ".png\"" : ".svg\""));
  return response;
}

Response get_badge_svg(RequestContext& context) {
  return badge_image(context, false);
}

Response get_badge_png(RequestContext& context) {
  return badge_image(context, true);
}

Response replace_badge(RequestContext& context) {
  const auto [event, badge] = write_in_event(context, [&](db::Connection& connection, const domain::Event& current) {
    const domain::Registration holder = badge_holder(context, connection, current);
    db::checkin_store::replace_badge(connection, holder.id, auth::new_token("plb_"), domain::unix_now());
    audit(connection, context, current, "badge.replaced", "registration", holder.id, nullptr, nullptr);
    return std::pair{current, *db::checkin_store::badge_of(connection, holder.id)};
  });
  return http::json_response(201, badge_json(badge, event));
}

Response revoke_badge(RequestContext& context) {
  write_in_event(context, [&](db::Connection& connection, const domain::Event& current) {
    const std::int64_t id = id_param(context, "id");
    if (!db::registration_store::find_registration(connection, current.id, id)) {
      throw http::not_found("There is no delegate " + std::to_string(id) + ".");
    }
    db::checkin_store::revoke_badge(connection, id, domain::unix_now());
    audit(connection, context, current, "badge.revoked", "registration", id, nullptr, nullptr);
  });
  return http::empty_response(204);
}

}  // namespace

void add_badge_routes(http::Router& router) {
  const http::RouteOptions hosts{.access = http::Access::hosts()};
  const http::RouteOptions hosts_or_delegate{
      .access = http::Access::only({auth::Role::admin, auth::Role::registrar, auth::Role::delegate})};
  const std::string base = "/api/v1/events/{slug}/delegates/{id}/badge";
  router.add(http::Method::get, base, get_badge, hosts_or_delegate);
  router.add(http::Method::get, base + ".svg", get_badge_svg, hosts_or_delegate);
  router.add(http::Method::get, base + ".png", get_badge_png, hosts_or_delegate);
  router.add(http::Method::post, base, replace_badge, hosts);
  router.add(http::Method::delete_, base, revoke_badge, hosts);
}

}  // namespace plenary::api
