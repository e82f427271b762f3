// The agenda (cached, with an I/O-thread fast path) and sessions.
#include <sodium.h>

#include <charconv>

#include <nlohmann/json.hpp>

#include "api/agenda_input.hpp"
#include "api/agenda_support.hpp"
#include "api/registration_support.hpp"
#include "api/routes.hpp"
#include "auth/password.hpp"
#include "db/registration_store.hpp"
#include "db/stream_store.hpp"
#include "domain/instant.hpp"
#include "domain/language.hpp"
#include "http/gzip.hpp"
#include "http/router.hpp"
#include "http/static_files.hpp"
#include "live/publisher.hpp"

namespace plenary::api {
namespace {

using http::RequestContext;
using http::Response;

// Filters as the query gives them, checked for shape only (no database).
struct FilterQuery {
  std::optional<domain::LocalDate> day;
  std::optional<std::int64_t> room_id;
  std::optional<domain::SessionKind> kind;
};

std::optional<FilterQuery> read_filters(const RequestContext& context, http::Validation* validation) {
  FilterQuery filters;
  bool ok = true;
  const auto invalid = [&](const char* field, const char* detail) {
    ok = false;
    if (validation != nullptr) validation->add(field, detail);
  };
  if (const auto day = context.query("day")) {
    filters.day = domain::parse_date(*day);
    if (!filters.day) invalid("day", "must be a date such as 2024-11-19");
  }
  if (const auto room = context.query("room")) {
    std::int64_t id = 0;
    const auto [end, error] = std::from_chars(room->data(), room->data() + room->size(), id);
    if (error != std::errc() || end != room->data() + room->size() || id <= 0) {
      invalid("room", "must be a room id");
    } else {
      filters.room_id = id;
    }
  }
  if (const auto kind = context.query("kind")) {
    filters.kind = domain::parse_name<domain::SessionKind>(*kind, domain::kSessionKindNames);
    if (!filters.kind) {
      invalid("kind", "must be plenary, official_meeting, side_event, press_conference, break or other");
    }
  }
  if (!ok) return std::nullopt;
  return filters;
}

std::string agenda_key(bool hosts, const std::string& language, const FilterQuery& filters) {
  std::string key = hosts ? "members|" : "public|";
  key += language;
  key += '|';
  if (filters.day) key += domain::format_date(*filters.day);
  key += '|';
  if (filters.room_id) key += std::to_string(*filters.room_id);
  key += '|';
  if (filters.kind) key += domain::to_string(*filters.kind);
  return key;
}

std::string strong_etag(std::string_view bytes) {
  auth::ensure_sodium();
  unsigned char hash[12];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), nullptr, 0);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string etag = "\"";
  for (unsigned char byte : hash) {
    etag += kHex[byte >> 4];
    etag += kHex[byte & 15];
  }
  return etag + "\"";
}

// The cached agenda as a response: 304 when the client has it, gzip when it
// takes it. Public agendas may be kept by shared caches (nginx, CDN) but must
// be revalidated, so a change is seen at once; hosts' stay private.
Response agenda_response(const cache::Rendered& rendered, const http::Request& request, bool hosts) {
  const bool gzip = http::accepts_gzip(request.headers.get("Accept-Encoding").value_or(""));
  const std::string etag = gzip ? rendered.etag.substr(0, rendered.etag.size() - 1) + "-gz\"" : rendered.etag;
  Response response;
  response.headers.add("ETag", etag);
  response.headers.add("Cache-Control", hosts ? "private, no-cache" : "public, no-cache");
  response.headers.add("Vary", "Accept-Language, Accept-Encoding, Authorization");
  if (const auto if_none_match = request.headers.get("If-None-Match");
      if_none_match && http::etag_matches(*if_none_match, etag)) {
    response.status = 304;
    return response;
  }
  response.headers.add("Content-Type", "application/json");
  response.headers.add("Content-Language", rendered.content_language);
  if (gzip) response.headers.add("Content-Encoding", "gzip");
  const auto& file = gzip ? rendered.gzip_file : rendered.identity_file;
  if (file) {
    response.body_file = file;
  } else {
    response.shared_body = gzip ? rendered.gzip : rendered.identity;
  }
  return response;
}

// On the I/O thread: a public agenda already rendered, or nullopt.
std::optional<Response> agenda_from_cache(RequestContext& context) {
  cache::AgendaCache& cache = *context.services().agenda_cache;
  const std::string slug(context.param("slug"));
  const auto facts = cache.facts(slug);
  if (!facts || facts->visibility != domain::Visibility::public_) return std::nullopt;
  const auto language = domain::choose_language(context.query("lang"), context.request().headers.get("Accept-Language"),
                                                facts->languages, facts->default_language);
  const auto filters = read_filters(context, nullptr);
  if (!language || !filters) return std::nullopt;
  const auto rendered = cache.find(slug, agenda_key(false, language->all ? "*" : language->tag, *filters));
  if (!rendered) return std::nullopt;
  return agenda_response(*rendered, context.request(), false);
}

Response get_agenda(RequestContext& context) {
  cache::AgendaCache& cache = *context.services().agenda_cache;
  const std::string slug(context.param("slug"));
  // Taken before reading: a change after this point keeps the render out of the cache.
  const std::uint64_t generation = cache.generation(slug);
  AgendaData data;
  data.event =
      context.services().database->read([&](db::Connection& connection) { return visible_event(context, connection); });
  // Hosts and this event's delegates see delegates-only sessions: one render for them all.
  const bool hosts = sees_delegates_only(context, data.event);
  const View view = view_for(context, data.event);
  http::Validation validation;
  const auto filters = read_filters(context, &validation);
  validation.throw_if_invalid();
  if (filters->day && (*filters->day < data.event.first_day || data.event.last_day < *filters->day)) {
    throw http::validation_failed(
        {{"day", "must be one of the event's days, " + domain::format_date(data.event.first_day) + " to " +
                     domain::format_date(data.event.last_day)}});
  }
  const std::string key = agenda_key(hosts, view.language_key(), *filters);
  if (auto rendered = cache.find(slug, key)) return agenda_response(*rendered, context.request(), hosts);

  context.services().database->read([&](db::Connection& connection) {
    const db::PageRequest everything{0, 1'000'000};
    data.rooms = db::agenda_store::list_rooms(connection, data.event.id, everything);
    data.tracks = db::agenda_store::list_tracks(connection, data.event.id, everything);
    data.people = db::agenda_store::list_people(connection, data.event.id, everything);
    data.sessions = db::agenda_store::list_sessions(connection, data.event.id);
    data.replays = db::stream_store::replays_of_event(connection, data.event.id);
  });
  if (filters->room_id && std::none_of(data.rooms.begin(), data.rooms.end(),
                                       [&](const domain::Room& room) { return room.id == *filters->room_id; })) {
    throw http::validation_failed({{"room", "is not a room of this event"}});
  }
  const AgendaFilter filter{filters->day, filters->room_id, filters->kind, hosts};
  auto body = std::make_shared<const std::string>(render_agenda(data, view, filter).dump());
  auto rendered = std::make_shared<cache::Rendered>();
  rendered->gzip = std::make_shared<const std::string>(http::gzip(*body));
  rendered->etag = strong_etag(*body);
  rendered->identity = std::move(body);
  rendered->identity_file = http::BodyFile::create(*rendered->identity);
  rendered->gzip_file = http::BodyFile::create(*rendered->gzip);
  rendered->content_language = view.content_language();
  cache.put(slug, generation, {data.event.id, data.event.languages, data.event.default_language, data.event.visibility},
            key, rendered);
  return agenda_response(*rendered, context.request(), hosts);
}

Response get_session(RequestContext& context) {
  const std::int64_t id = id_param(context, "id");
  AgendaData data;
  const domain::Session session = context.services().database->read([&](db::Connection& connection) {
    data.event = visible_event(context, connection);
    auto found = db::agenda_store::find_session(connection, data.event.id, id);
    if (!found || (found->visibility == domain::Visibility::delegates && !sees_delegates_only(context, data.event))) {
      throw http::not_found("There is no session " + std::to_string(id) + " in " + data.event.slug + ".");
    }
    if (found->room_id) {
      if (auto room = db::agenda_store::find_room(connection, data.event.id, *found->room_id))
        data.rooms.push_back(*room);
    }
    if (found->track_id) {
      if (auto track = db::agenda_store::find_track(connection, data.event.id, *found->track_id)) {
        data.tracks.push_back(*track);
      }
    }
    for (const auto& speaker : found->speakers) {
      if (auto person = db::agenda_store::find_person(connection, data.event.id, speaker.person_id)) {
        data.people.push_back(*person);
      }
    }
    if (auto recording = db::stream_store::find_recording(connection, id);
        recording && recording->complete && recording->seconds > 0) {
      data.replays[id] = recording->seconds;
    }
    return std::move(*found);
  });
  const View view = view_for(context, data.event);
  return localized_response(200, render_session(session, data, view), view);
}

// Rooms, tracks and speakers must belong to the event; the room must be free
// unless the host forces the booking.
void check_session(db::Connection& connection, const RequestContext& context, const domain::Event& event,
                   const domain::Session& session) {
  http::Validation validation;
  if (session.room_id && !db::agenda_store::find_room(connection, event.id, *session.room_id)) {
    validation.add("room_id", "is not a room of this event");
  }
  if (session.track_id && !db::agenda_store::find_track(connection, event.id, *session.track_id)) {
    validation.add("track_id", "is not a track of this event");
  }
  for (std::size_t i = 0; i < session.speakers.size(); ++i) {
    if (!db::agenda_store::find_person(connection, event.id, session.speakers[i].person_id)) {
      validation.add("speakers." + std::to_string(i) + ".person_id", "is not a speaker of this event");
    }
  }
  validation.throw_if_invalid();
  const bool force = context.query("force") == "true";
  if (!session.room_id || force || session.status == domain::SessionStatus::cancelled) return;
  const auto clash =
      db::agenda_store::find_room_clash(connection, *session.room_id, session.starts_at, session.ends_at, session.id);
  if (!clash) return;
  const domain::TimeZone zone = domain::event_zone(event);
  const std::string& title = domain::pick(clash->title, event.default_language, event.default_language);
  http::ApiError error = http::conflict("The room is taken by session " + std::to_string(clash->id) + " \"" + title +
                                        "\" from " + zone.format(clash->starts_at) + " to " +
                                        zone.format(clash->ends_at) + "; send ?force=true to book it anyway.");
  error.extensions()["conflicting_session"] = {{"id", clash->id},
                                               {"title", title},
                                               {"starts_at", zone.format(clash->starts_at)},
                                               {"ends_at", zone.format(clash->ends_at)}};
  throw error;
}

Response create_session(RequestContext& context) {
  const nlohmann::json body = object_body(context);
  const auto [event, session] = change_event(context, [&](db::Connection& connection, const domain::Event& current) {
    http::Validation validation;
    domain::Session next = read_session(body, current, validation);
    validation.throw_if_invalid();
    check_session(connection, context, current, next);
    const std::int64_t now = domain::unix_now();
    next.id = db::agenda_store::insert_session(connection, next, now);
    audit(connection, context, current, "session.created", "session", next.id, nullptr, session_input(next, current));
    context.services().live->to_event(connection, current, "session.created",
                                      next.visibility == domain::Visibility::delegates,
                                      {{"session", with_id(session_input(next, current), next.id)}}, now);
    return std::pair{current, next};
  });
  return created(with_id(session_input(session, event), session.id),
                 "/api/v1/events/" + event.slug + "/sessions/" + std::to_string(session.id));
}

Response patch_session(RequestContext& context) {
  const nlohmann::json patch = object_body(context);
  const std::int64_t id = id_param(context, "id");
  const auto [event, session, changes] =
      change_event(context, [&](db::Connection& connection, const domain::Event& current) {
        const auto existing = db::agenda_store::find_session(connection, current.id, id);
        if (!existing) throw http::not_found("There is no session " + std::to_string(id) + ".");
        const nlohmann::json before = session_input(*existing, current);
        http::Validation validation;
        domain::Session next = read_session(merge_patch(before, patch), current, validation);
        validation.throw_if_invalid();
        next.id = id;
        std::vector<std::string> changed;
        if (next.starts_at != existing->starts_at || next.ends_at != existing->ends_at) changed.push_back("time");
        if (next.room_id != existing->room_id) changed.push_back("room");
        // A session that moves is marked so, unless the host says otherwise.
        const bool movable =
            existing->status == domain::SessionStatus::scheduled || existing->status == domain::SessionStatus::delayed;
        if (!changed.empty() && !patch.contains("status") && movable) next.status = domain::SessionStatus::moved;
        if (next.status != existing->status) changed.push_back("status");
        check_session(connection, context, current, next);
        // Seats: never fewer than those already confirmed; more seats promote the waitlist.
        const std::int64_t confirmed = db::registration_store::count_confirmed(connection, id);
        if (confirmed > 0 && (!next.capacity || *next.capacity < confirmed)) {
          throw http::conflict(std::to_string(confirmed) +
                               " seats are already confirmed; the capacity cannot go below that.");
        }
        const std::int64_t now = domain::unix_now();
        db::agenda_store::update_session(connection, next, now);
        if (next.capacity && (!existing->capacity || *next.capacity > *existing->capacity)) {
          for (const auto& promoted : db::registration_store::promote_waitlist(connection, id, *next.capacity, now)) {
            tell_promoted(context, connection, current, promoted, now);
          }
        }
        // RSVPs are kept and marked, so delegates can be told.
        if (next.status == domain::SessionStatus::cancelled && existing->status != domain::SessionStatus::cancelled) {
          db::registration_store::mark_rsvps(connection, id, "cancelled");
        } else if (!changed.empty() && changed.front() != "status") {
          db::registration_store::mark_rsvps(connection, id, "moved");
        }
        audit(connection, context, current, "session.updated", "session", id, before, session_input(next, current));
        const bool cancelled =
            next.status == domain::SessionStatus::cancelled && existing->status != domain::SessionStatus::cancelled;
        const nlohmann::json data = {{"session", with_id(session_input(next, current), id)}, {"changes", changed}};
        context.services().live->to_event(connection, current, cancelled ? "session.cancelled" : "session.updated",
                                          next.visibility == domain::Visibility::delegates, data, now);
        // Delegates who booked or bookmarked it hear on their own channel too.
        const bool moved = std::find(changed.begin(), changed.end(), "time") != changed.end() ||
                           std::find(changed.begin(), changed.end(), "room") != changed.end();
        if (cancelled || moved) {
          context.services().live->to_delegates(connection, current, db::registration_store::followers_of(connection, id),
                                                cancelled ? "session.cancelled" : "session.moved", data, now);
        }
        return std::tuple{current, next, changed};
      });
  nlohmann::json body = with_id(session_input(session, event), session.id);
  body["changes"] = changes;
  return http::json_response(200, body);
}

Response delete_session(RequestContext& context) {
  const std::int64_t id = id_param(context, "id");
  change_event(context, [&](db::Connection& connection, const domain::Event& event) {
    const auto existing = db::agenda_store::find_session(connection, event.id, id);
    if (!existing) throw http::not_found("There is no session " + std::to_string(id) + ".");
    audit(connection, context, event, "session.deleted", "session", id, session_input(*existing, event), nullptr);
    db::agenda_store::delete_session(connection, id);
    context.services().live->to_event(connection, event, "session.deleted",
                                      existing->visibility == domain::Visibility::delegates, {{"id", id}},
                                      domain::unix_now());
  });
  return http::empty_response(204);
}

}  // namespace

void add_agenda_routes(http::Router& router) {
  using auth::Role;
  using http::Access;
  using http::Method;
  const http::RouteOptions admin{.access = Access::only({Role::admin})};
  router.add(Method::get, "/api/v1/events/{slug}/agenda", get_agenda, {.fast_path = agenda_from_cache});
  router.add(Method::post, "/api/v1/events/{slug}/sessions", create_session, admin);
  router.add(Method::get, "/api/v1/events/{slug}/sessions/{id}", get_session);
  router.add(Method::patch, "/api/v1/events/{slug}/sessions/{id}", patch_session, admin);
  router.add(Method::delete_, "/api/v1/events/{slug}/sessions/{id}", delete_session, admin);
}

}  // namespace plenary::api
