// Check-in at the registration desk: a registrar scans a badge's QR code, at
// the meeting's entrance or at a side event's door. Scanners retry on weak
// Wi-Fi, so a scan is idempotent by its scan_id; a second scan of the same
// badge says when the delegate first arrived instead of counting them twice.
#include <nlohmann/json.hpp>

#include "api/agenda_support.hpp"
#include "api/field_reader.hpp"
#include "api/routes.hpp"
#include "db/checkin_store.hpp"
#include "db/error.hpp"
#include "db/registration_store.hpp"
#include "domain/instant.hpp"
#include "http/router.hpp"

namespace plenary::api {
namespace {

using domain::RegistrationStatus;
using http::RequestContext;
using http::Response;

constexpr std::size_t kMaxCodeChars = 200;
constexpr std::size_t kMaxScanIdChars = 200;

// A scan the desk must turn away, with a reason a scanner app can switch on
// and words the registrar can read out.
http::ApiError refused(unsigned status, std::string reason, std::string detail,
                       const std::optional<domain::Registration>& delegate = std::nullopt) {
  http::ApiError error(status, "checkin-refused", "Check-in refused", std::move(detail));
  error.extensions()["reason"] = std::move(reason);
  if (delegate) {
    error.extensions()["delegate"] = {{"id", delegate->id},
                                      {"name", delegate->name},
                                      {"delegation", delegate->delegation},
                                      {"status", domain::to_string(delegate->status)}};
  }
  return error;
}

nlohmann::json delegate_json(const domain::Registration& r) {
  return {{"id", r.id},
          {"name", r.name},
          {"position", r.position ? nlohmann::json(*r.position) : nlohmann::json(nullptr)},
          {"organisation", r.organisation ? nlohmann::json(*r.organisation) : nlohmann::json(nullptr)},
          {"delegation", r.delegation},
          {"category", domain::to_string(r.category)},
          {"attendance", domain::to_string(r.attendance)},
          {"notes", r.notes ? nlohmann::json(*r.notes) : nlohmann::json(nullptr)}};
}

// "09:14" in the event's zone: what the desk reads out.
std::string local_clock(const domain::TimeZone& zone, std::int64_t instant) {
  return zone.format(instant).substr(11, 5);
}

struct ScanInput {
  std::string code;
  std::string scan_id;
  std::optional<std::int64_t> session_id;
};

ScanInput read_scan(const nlohmann::json& body) {
  http::Validation validation;
  FieldReader fields(body, validation);
  fields.only({"code", "scan_id", "session_id"});
  ScanInput input;
  input.code = fields.text("code", kMaxCodeChars);
  input.scan_id = fields.text("scan_id", kMaxScanIdChars);
  input.session_id = fields.optional_integer("session_id", 1, std::numeric_limits<std::int64_t>::max());
  validation.throw_if_invalid();
  // Scanners append line ends; a code never has spaces.
  while (!input.code.empty() && std::isspace(static_cast<unsigned char>(input.code.back()))) input.code.pop_back();
  while (!input.code.empty() && std::isspace(static_cast<unsigned char>(input.code.front()))) input.code.erase(0, 1);
  return input;
}

struct ScanAnswer {
  unsigned status = 201;
  nlohmann::json body;
};

ScanAnswer answer(const domain::Event& event, const domain::Registration& delegate, const db::CheckinRecord& checkin,
                  bool first_time) {
  const domain::TimeZone zone = domain::event_zone(event);
  const std::string clock = local_clock(zone, checkin.at);
  nlohmann::json body = {
      {"status", first_time ? "checked_in" : "already_checked_in"},
      {"message", (first_time ? "Checked in at " : "Already checked in at ") + clock},
      {"checked_in_at", zone.format(checkin.at)},
      {"scan_id", checkin.scan_id},
      {"session_id", checkin.session_id ? nlohmann::json(*checkin.session_id) : nlohmann::json(nullptr)},
      {"delegate", delegate_json(delegate)}};
  return {first_time ? 201u : 200u, std::move(body)};
}

// Whether the delegate may enter `session_id`: it must be one of this event's
// sessions, not cancelled, and a side event that takes RSVPs needs a seat.
void check_session_entry(db::Connection& connection, const domain::Event& event, std::int64_t session_id,
                         const domain::Registration& delegate) {
  const auto session = db::agenda_store::find_session(connection, event.id, session_id);
  if (!session) {
    throw http::validation_failed({{"session_id", "is not a session of this event"}});
  }
  if (session->status == domain::SessionStatus::cancelled) {
    throw refused(409, "session_cancelled", "This session is cancelled.", delegate);
  }
  if (!session->rsvp_required) return;
  const auto rsvp = db::registration_store::find_rsvp(connection, session_id, delegate.id);
  if (!rsvp) throw refused(409, "no_seat", delegate.name + " has no seat at this session.", delegate);
  if (rsvp->status == domain::RsvpStatus::waitlisted) {
    throw refused(409, "waitlisted",
                  delegate.name + " is on the waitlist, place " +
                      std::to_string(db::registration_store::waitlist_place(connection, *rsvp)) + ".",
                  delegate);
  }
}

Response check_in(RequestContext& context) {
  const ScanInput input = read_scan(object_body(context));
  const std::int64_t by = context.require_principal().user_id;
  const ScanAnswer result = write_in_event(context, [&](db::Connection& connection, const domain::Event& event) {
    const auto badge = db::checkin_store::find_badge_by_code(connection, input.code);
    auto delegate =
        badge ? db::registration_store::find_registration(connection, event.id, badge->registration_id) : std::nullopt;
    if (!badge || !delegate) throw refused(422, "unknown_badge", "This badge is not one of this event's.");
    // A retried scan gets the answer the first one got.
    if (auto previous = db::checkin_store::find_by_scan(connection, event.id, input.scan_id)) {
      if (previous->registration_id != delegate->id || previous->session_id != input.session_id) {
        throw http::conflict("This scan_id was already used for another badge or session.");
      }
      return answer(event, *delegate, *previous, true);
    }
    if (badge->replaced) {
      throw refused(409, "replaced_badge", "This badge was replaced by a newer one; ask for the new badge.", delegate);
    }
    if (badge->revoked_at) throw refused(409, "revoked_badge", "This badge has been revoked.", delegate);
    if (delegate->status != RegistrationStatus::approved) {
      throw refused(409, "registration_" + std::string(domain::to_string(delegate->status)),
                    "This registration is " + std::string(domain::to_string(delegate->status)) + ".", delegate);
    }
    if (input.session_id) check_session_entry(connection, event, *input.session_id, *delegate);
    if (auto earlier = db::checkin_store::find_checkin(connection, delegate->id, input.session_id)) {
      return answer(event, *delegate, *earlier, false);
    }
    db::CheckinRecord checkin{0,
                              event.id,
                              delegate->id,
                              input.session_id,
                              input.scan_id,
                              domain::unix_now(),
                              by != 0 ? std::optional<std::int64_t>(by) : std::nullopt};
    checkin.id = db::checkin_store::insert_checkin(connection, checkin);
    return answer(event, *delegate, checkin, true);
  });
  return http::json_response(result.status, result.body);
}

nlohmann::json counts_json(const std::vector<db::CheckinCount>& counts, const char* key) {
  auto out = nlohmann::json::array();
  for (const auto& count : counts) {
    out.push_back({{key, count.key}, {"approved", count.approved}, {"checked_in", count.checked_in}});
  }
  return out;
}

Response summary(RequestContext& context) {
  struct Result {
    domain::Event event;
    std::vector<db::CheckinCount> by_category;
    std::vector<db::CheckinCount> by_delegation;
    std::vector<std::pair<domain::Session, db::SessionCheckinCount>> side_events;
  };
  const Result result = context.services().database->read([&](db::Connection& connection) {
    domain::Event event = visible_event(context, connection);
    Result r{event,
             db::checkin_store::counts_by_category(connection, event.id),
             db::checkin_store::counts_by_delegation(connection, event.id),
             {}};
    for (const auto& count : db::checkin_store::counts_by_session(connection, event.id)) {
      if (auto session = db::agenda_store::find_session(connection, event.id, count.session_id)) {
        r.side_events.emplace_back(std::move(*session), count);
      }
    }
    return r;
  });
  const View view = view_for(context, result.event);
  std::int64_t approved = 0;
  std::int64_t arrived = 0;
  for (const auto& count : result.by_category) {
    approved += count.approved;
    arrived += count.checked_in;
  }
  auto side_events = nlohmann::json::array();
  for (const auto& [session, count] : result.side_events) {
    side_events.push_back({{"session_id", session.id},
                           {"title", view.text(session.title)},
                           {"starts_at", view.time(session.starts_at)},
                           {"capacity", session.capacity ? nlohmann::json(*session.capacity) : nlohmann::json(nullptr)},
                           {"confirmed", count.confirmed},
                           {"checked_in", count.checked_in}});
  }
  Response response = localized_response(200,
                                         {{"approved", approved},
                                          {"checked_in", arrived},
                                          {"by_category", counts_json(result.by_category, "category")},
                                          {"by_delegation", counts_json(result.by_delegation, "delegation")},
                                          {"side_events", std::move(side_events)}},
                                         view);
  response.headers.set("Cache-Control", "no-store");
  return response;
}

}  // namespace

void add_checkin_routes(http::Router& router) {
  const http::RouteOptions hosts{.access = http::Access::hosts()};
  router.add(http::Method::post, "/api/v1/events/{slug}/checkins", check_in, hosts);
  router.add(http::Method::get, "/api/v1/events/{slug}/checkins/summary", summary, hosts);
}

}  // namespace plenary::api
