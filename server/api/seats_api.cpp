// Side-event seats (RSVP with a waitlist), bookmarks and the delegate's own
// agenda. Every seat claim runs in one IMMEDIATE transaction on the writer
// thread, so claims are serialised; UNIQUE (session, registration) is the
// last line of defence against booking one delegate twice.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "api/agenda_support.hpp"
#include "api/registration_support.hpp"
#include "api/routes.hpp"
#include "db/registration_store.hpp"
#include "db/stream_store.hpp"
#include "domain/instant.hpp"
#include "http/router.hpp"

namespace plenary::api {
namespace {

using http::RequestContext;
using http::Response;
namespace store = db::registration_store;

// The {slug} event, which must be the delegate's own (404 otherwise).
domain::Event own_event(RequestContext& context, db::Connection& connection) {
  domain::Event event = visible_event(context, connection);
  if (context.require_principal().event_id != event.id) {
    throw http::not_found("There is no event " + event.slug + " for you.");
  }
  return event;
}

domain::Session seat_session(db::Connection& connection, const domain::Event& event, std::int64_t id) {
  auto session = db::agenda_store::find_session(connection, event.id, id);
  if (!session) throw http::not_found("There is no session " + std::to_string(id) + ".");
  if (!session->rsvp_required || !session->capacity) throw http::conflict("This session takes no RSVPs.");
  return std::move(*session);
}

std::optional<std::string> idempotency_key(const RequestContext& context) {
  const auto key = context.request().headers.get("Idempotency-Key");
  if (!key) return std::nullopt;
  if (key->empty() || key->size() > 200) {
    throw http::validation_failed({{"Idempotency-Key", "must be 1 to 200 characters"}});
  }
  return std::string(*key);
}

Response from_stored(const db::StoredResponse& stored) {
  Response response;
  response.status = stored.status;
  if (!stored.content_type.empty()) response.headers.set("Content-Type", stored.content_type);
  response.body = stored.body;
  return response;
}

// Runs `act` in one write transaction; with an Idempotency-Key, a retry gets
// the first answer back and `act` does not run again.
template <class Act>
Response once(RequestContext& context, Act act) {
  const auto key = idempotency_key(context);
  const std::string principal = "delegate:" + std::to_string(context.require_principal().registration_id);
  const std::string method = context.request().method_text;
  const std::string path(context.request().path());
  const db::StoredResponse stored = write_in_event(context, [&](db::Connection& connection, const domain::Event&) {
    if (key) {
      if (auto previous = store::find_idempotent(connection, principal, *key)) {
        if (previous->method != method || previous->path != path) {
          throw http::validation_failed({{"Idempotency-Key", "was already used for another request"}});
        }
        return *previous;
      }
    }
    db::StoredResponse answer = act(connection);
    answer.method = method;
    answer.path = path;
    if (key) store::save_idempotent(connection, principal, *key, answer, domain::unix_now());
    return answer;
  });
  return from_stored(stored);
}

nlohmann::json rsvp_json(db::Connection& connection, const db::Rsvp& rsvp) {
  nlohmann::json out = {{"session_id", rsvp.session_id}, {"status", domain::to_string(rsvp.status)}};
  out["waitlist_place"] =
      rsvp.status == domain::RsvpStatus::waitlisted ? nlohmann::json(store::waitlist_place(connection, rsvp)) : nullptr;
  out["notice"] = rsvp.notice ? nlohmann::json(*rsvp.notice) : nlohmann::json(nullptr);
  return out;
}

Response claim_seat(RequestContext& context) {
  const std::int64_t session_id = id_param(context, "id");
  const std::int64_t registration = context.require_principal().registration_id;
  return once(context, [&](db::Connection& connection) {
    const domain::Event event = own_event(context, connection);
    const domain::Session session = seat_session(connection, event, session_id);
    if (session.status == domain::SessionStatus::cancelled) throw http::conflict("This session is cancelled.");
    unsigned status = 200;
    auto rsvp = store::find_rsvp(connection, session_id, registration);
    if (!rsvp) {
      const bool seat_left = store::count_confirmed(connection, session_id) < *session.capacity;
      store::insert_rsvp(connection, session_id, registration,
                         seat_left ? domain::RsvpStatus::confirmed : domain::RsvpStatus::waitlisted,
                         domain::unix_now());
      rsvp = store::find_rsvp(connection, session_id, registration);
      status = 201;
    }
    return db::StoredResponse{{}, {}, status, "application/json", rsvp_json(connection, *rsvp).dump()};
  });
}

Response give_back_seat(RequestContext& context) {
  const std::int64_t session_id = id_param(context, "id");
  const std::int64_t registration = context.require_principal().registration_id;
  return once(context, [&](db::Connection& connection) {
    const domain::Event event = own_event(context, connection);
    const domain::Session session = seat_session(connection, event, session_id);
    if (auto rsvp = store::find_rsvp(connection, session_id, registration)) {
      store::delete_rsvp(connection, rsvp->id);
      // The seat goes to the first on the waitlist, in this same transaction.
      if (rsvp->status == domain::RsvpStatus::confirmed) {
        const std::int64_t now = domain::unix_now();
        for (const auto& promoted : store::promote_waitlist(connection, session_id, *session.capacity, now)) {
          tell_promoted(context, connection, event, promoted, now);
        }
      }
    }
    return db::StoredResponse{{}, {}, 204, "", ""};
  });
}

Response list_seats(RequestContext& context) {
  const std::int64_t session_id = id_param(context, "id");
  struct Result {
    domain::Session session;
    std::vector<db::Rsvp> rows;
  };
  const Result result = context.services().database->read([&](db::Connection& connection) {
    const domain::Event event = visible_event(context, connection);
    auto session = db::agenda_store::find_session(connection, event.id, session_id);
    if (!session) throw http::not_found("There is no session " + std::to_string(session_id) + ".");
    return Result{std::move(*session), store::list_rsvps(connection, session_id)};
  });
  auto confirmed = nlohmann::json::array();
  auto waitlisted = nlohmann::json::array();
  for (const auto& rsvp : result.rows) {
    nlohmann::json entry = {{"registration_id", rsvp.registration_id},
                            {"name", rsvp.name},
                            {"delegation", rsvp.delegation},
                            {"notice", rsvp.notice ? nlohmann::json(*rsvp.notice) : nlohmann::json(nullptr)}};
    (rsvp.status == domain::RsvpStatus::confirmed ? confirmed : waitlisted).push_back(std::move(entry));
  }
  return http::json_response(
      200, {{"session_id", session_id},
            {"capacity", result.session.capacity ? nlohmann::json(*result.session.capacity) : nlohmann::json(nullptr)},
            {"confirmed", confirmed},
            {"waitlisted", waitlisted}});
}

// What an RSVP button needs: seats left, and the place a new RSVP would take
// on the waitlist (waitlisted + 1). Anyone who may see the session may ask.
Response seat_state(RequestContext& context) {
  const std::int64_t session_id = id_param(context, "id");
  struct Result {
    std::int64_t capacity = 0;
    store::SeatCounts counts;
  };
  const Result result = context.services().database->read([&](db::Connection& connection) {
    const domain::Event event = visible_event(context, connection);
    auto session = db::agenda_store::find_session(connection, event.id, session_id);
    if (!session || (session->visibility == domain::Visibility::delegates && !sees_delegates_only(context, event))) {
      throw http::not_found("There is no session " + std::to_string(session_id) + " in " + event.slug + ".");
    }
    // A read: a session without seats has no seat state, rather than clashing with anything.
    if (!session->rsvp_required || !session->capacity) {
      throw http::not_found("Session " + std::to_string(session_id) + " takes no RSVPs, so it has no seats.");
    }
    return Result{*session->capacity, store::count_seats(connection, session_id)};
  });
  Response response =
      http::json_response(200, {{"session_id", session_id},
                                {"capacity", result.capacity},
                                {"confirmed", result.counts.confirmed},
                                {"waitlisted", result.counts.waitlisted},
                                {"left", std::max<std::int64_t>(0, result.capacity - result.counts.confirmed)}});
  // Seats go quickly: no cache, shared or private, keeps a count.
  response.headers.set("Cache-Control", "no-store");
  return response;
}

std::int64_t bookmark_target(RequestContext& context, db::Connection& connection, const domain::Event& event) {
  const std::int64_t session_id = id_param(context, "session_id");
  if (!db::agenda_store::find_session(connection, event.id, session_id)) {
    throw http::not_found("There is no session " + std::to_string(session_id) + " in your event.");
  }
  return session_id;
}

domain::Event delegate_event(db::Connection& connection, const auth::Principal& principal) {
  auto event = db::agenda_store::find_event_by_id(connection, principal.event_id);
  if (!event) throw http::not_found("Your event no longer exists.");
  return std::move(*event);
}

Response put_bookmark(RequestContext& context) {
  const auth::Principal& principal = context.require_principal();
  context.services().database->write([&](db::Connection& connection) {
    const domain::Event event = delegate_event(connection, principal);
    store::add_bookmark(connection, principal.registration_id, bookmark_target(context, connection, event),
                        domain::unix_now());
  });
  return http::empty_response(204);
}

Response delete_bookmark(RequestContext& context) {
  const auth::Principal& principal = context.require_principal();
  context.services().database->write([&](db::Connection& connection) {
    const domain::Event event = delegate_event(connection, principal);
    store::remove_bookmark(connection, principal.registration_id, bookmark_target(context, connection, event));
  });
  return http::empty_response(204);
}

// Bookmarked and booked sessions in start order, with their current status
// and the delegate's seat or place on the waitlist.
Response my_agenda(RequestContext& context) {
  const auth::Principal& principal = context.require_principal();
  struct Result {
    AgendaData data;
    std::vector<std::int64_t> bookmarks;
    std::vector<std::pair<db::Rsvp, std::int64_t>> rsvps;  // with waitlist place
  };
  const Result result = context.services().database->read([&](db::Connection& connection) {
    Result r;
    r.data.event = delegate_event(connection, principal);
    const db::PageRequest everything{0, 1'000'000};
    r.data.rooms = db::agenda_store::list_rooms(connection, r.data.event.id, everything);
    r.data.tracks = db::agenda_store::list_tracks(connection, r.data.event.id, everything);
    r.data.people = db::agenda_store::list_people(connection, r.data.event.id, everything);
    r.data.sessions = db::agenda_store::list_sessions(connection, r.data.event.id);
    r.data.replays = db::stream_store::replays_of_event(connection, r.data.event.id);
    r.bookmarks = store::bookmarks_of(connection, principal.registration_id);
    for (auto& rsvp : store::rsvps_of(connection, principal.registration_id)) {
      const std::int64_t place =
          rsvp.status == domain::RsvpStatus::waitlisted ? store::waitlist_place(connection, rsvp) : 0;
      r.rsvps.emplace_back(std::move(rsvp), place);
    }
    return r;
  });
  const View view = view_for(context, result.data.event);
  auto sessions = nlohmann::json::array();
  for (const auto& session : result.data.sessions) {
    const bool bookmarked =
        std::find(result.bookmarks.begin(), result.bookmarks.end(), session.id) != result.bookmarks.end();
    const auto rsvp = std::find_if(result.rsvps.begin(), result.rsvps.end(),
                                   [&](const auto& entry) { return entry.first.session_id == session.id; });
    if (!bookmarked && rsvp == result.rsvps.end()) continue;
    nlohmann::json item = render_session(session, result.data, view);
    item["bookmarked"] = bookmarked;
    item["rsvp"] = nullptr;
    if (rsvp != result.rsvps.end()) {
      item["rsvp"] = {{"status", domain::to_string(rsvp->first.status)},
                      {"waitlist_place", rsvp->second > 0 ? nlohmann::json(rsvp->second) : nlohmann::json(nullptr)},
                      {"notice", rsvp->first.notice ? nlohmann::json(*rsvp->first.notice) : nlohmann::json(nullptr)}};
    }
    sessions.push_back(std::move(item));
  }
  return localized_response(
      200, {{"event", result.data.event.slug}, {"language", view.language_key()}, {"sessions", std::move(sessions)}},
      view);
}

}  // namespace

void add_seat_routes(http::Router& router) {
  using http::Access;
  using http::Method;
  const http::RouteOptions delegate{.access = Access::delegates()};
  router.add(Method::post, "/api/v1/events/{slug}/sessions/{id}/rsvp", claim_seat, delegate);
  router.add(Method::delete_, "/api/v1/events/{slug}/sessions/{id}/rsvp", give_back_seat, delegate);
  router.add(Method::get, "/api/v1/events/{slug}/sessions/{id}/rsvps", list_seats, {.access = Access::hosts()});
  router.add(Method::get, "/api/v1/events/{slug}/sessions/{id}/seats", seat_state);
  router.add(Method::put, "/api/v1/me/bookmarks/{session_id}", put_bookmark, delegate);
  router.add(Method::delete_, "/api/v1/me/bookmarks/{session_id}", delete_bookmark, delegate);
  router.add(Method::get, "/api/v1/me/agenda", my_agenda, delegate);
}

}  // namespace plenary::api
