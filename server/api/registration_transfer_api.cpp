// Delegation lists arrive as spreadsheets: hosts import a CSV file (all rows
// or none, every bad row reported with its line) and export the registrations
// for mail merges and badge printing.
#include <map>

#include <nlohmann/json.hpp>

#include "api/agenda_support.hpp"
#include "api/registration_csv.hpp"
#include "api/registration_support.hpp"
#include "api/routes.hpp"
#include "db/checkin_store.hpp"
#include "db/registration_store.hpp"
#include "domain/instant.hpp"
#include "http/headers.hpp"
#include "http/router.hpp"

namespace plenary::api {
namespace {

using http::RequestContext;
using http::Response;
namespace store = db::registration_store;

// Every registration an export may hold: far above any meeting's size.
constexpr std::size_t kMaxExportRows = 100'000;

Response export_registrations(RequestContext& context) {
  const db::RegistrationFilter filter = registration_filter(context);
  struct Result {
    domain::Event event;
    std::vector<domain::Registration> rows;
    std::map<std::int64_t, std::int64_t> arrived;
  };
  const Result result = context.services().database->read([&](db::Connection& connection) {
    domain::Event event = visible_event(context, connection);
    auto rows = store::list_registrations(connection, event.id, filter, {0, kMaxExportRows});
    std::map<std::int64_t, std::int64_t> arrived;
    for (const auto& [registration, at] : db::checkin_store::meeting_checkins(connection, event.id)) {
      arrived.emplace(registration, at);
    }
    return Result{std::move(event), std::move(rows), std::move(arrived)};
  });
  const domain::TimeZone zone = domain::event_zone(result.event);
  std::vector<std::optional<std::string>> checked_in_at;
  checked_in_at.reserve(result.rows.size());
  for (const auto& registration : result.rows) {
    const auto found = result.arrived.find(registration.id);
    checked_in_at.push_back(found == result.arrived.end() ? std::nullopt
                                                          : std::optional<std::string>(zone.format(found->second)));
  }
  Response response =
      http::text_response(200, registrations_to_csv(result.rows, checked_in_at), "text/csv; charset=utf-8");
  response.headers.set("Content-Disposition", "attachment; filename=\"" + result.event.slug + "-registrations.csv\"");
  response.headers.set("Cache-Control", "private, no-store");
  return response;
}

http::ApiError import_failed(const std::vector<ImportError>& errors) {
  http::ApiError error(422, "import-failed", "Import refused",
                       errors.size() == 1
                           ? "One problem in the file; nothing was imported."
                           : std::to_string(errors.size()) + " problems in the file; nothing was imported.");
  auto list = nlohmann::json::array();
  for (const auto& e : errors) {
    list.push_back({{"line", e.line},
                    {"field", e.field.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.field)},
                    {"detail", e.reason}});
  }
  error.extensions()["errors"] = std::move(list);
  return error;
}

Response import_registrations(RequestContext& context) {
  const auto content_type = context.request().headers.get("Content-Type");
  const std::string_view essence =
      content_type ? http::trim_ows(content_type->substr(0, content_type->find(';'))) : std::string_view{};
  if (!http::iequals(essence, "text/csv")) {
    throw http::unsupported_media_type("Send the file as text/csv (UTF-8).");
  }
  const auto [event, created] = write_in_event(context, [&](db::Connection& connection, const domain::Event& current) {
    RegistrationImport parsed = registrations_from_csv(context.request().body, current);
    if (!parsed.ok()) throw import_failed(parsed.errors);
    std::vector<ImportError> clashes;
    for (const auto& row : parsed.rows) {
      if (row.registration.email &&
          store::find_registration_by_email(connection, current.id, *row.registration.email)) {
        clashes.push_back({row.line, "email", "is already registered for this event"});
      }
    }
    if (!clashes.empty()) throw import_failed(clashes);
    const std::int64_t now = domain::unix_now();
    const std::int64_t host = context.require_principal().user_id;
    auto created_rows = nlohmann::json::array();
    std::size_t approved = 0;
    for (auto& row : parsed.rows) {
      domain::Registration registration = row.registration;
      registration.created_at = registration.updated_at = now;
      registration.id = store::insert_registration(connection, registration, std::nullopt);
      nlohmann::json entry = {{"line", row.line}, {"id", registration.id}, {"name", registration.name}};
      if (row.status == domain::RegistrationStatus::approved) {
        store::set_status(connection, registration.id, domain::RegistrationStatus::approved, host, now);
        entry.update(issue_access(connection, current, registration.id, now));
        ++approved;
      }
      entry["status"] = domain::to_string(row.status);
      created_rows.push_back(std::move(entry));
    }
    audit(connection, context, current, "registration.imported", "event", current.id, nullptr,
          {{"rows", parsed.rows.size()}, {"approved", approved}});
    return std::pair{current, nlohmann::json{{"imported", parsed.rows.size()},
                                             {"approved", approved},
                                             {"registrations", std::move(created_rows)}}};
  });
  Response response = http::json_response(201, created);
  response.headers.set("Cache-Control", "no-store");
  response.headers.set("Location", "/api/v1/events/" + event.slug + "/registrations");
  return response;
}

}  // namespace

void add_registration_transfer_routes(http::Router& router) {
  const http::RouteOptions hosts{.access = http::Access::hosts()};
  router.add(http::Method::get, "/api/v1/events/{slug}/registrations.csv", export_registrations, hosts);
  router.add(http::Method::post, "/api/v1/events/{slug}/registrations/import", import_registrations, hosts);
}

}  // namespace plenary::api
