#include "relay/session_airing.hpp"

#include <nlohmann/json.hpp>

#include "api/agenda_input.hpp"
#include "api/agenda_support.hpp"
#include "api/agenda_view.hpp"
#include "cache/agenda_cache.hpp"
#include "db/agenda_store.hpp"
#include "db/database.hpp"
#include "db/stream_store.hpp"
#include "domain/agenda.hpp"
#include "live/publisher.hpp"

namespace plenary::relay {
namespace {

constexpr const char* kActor = "video relay";

AiredSession aired(const domain::Event& event, const domain::Session& session) {
  return {session.id,
          event.id,
          event.slug,
          session.visibility == domain::Visibility::delegates || event.visibility == domain::Visibility::delegates,
          session.starts_at,
          session.ends_at};
}

void audit(db::Connection& connection, const domain::Event& event, const std::string& action,
           const domain::Session& session, std::int64_t now) {
  db::AuditEntry entry;
  entry.event_id = event.id;
  entry.event_slug = event.slug;
  entry.at = now;
  entry.actor_email = kActor;
  entry.action = action;
  entry.entity = "session";
  entry.entity_id = session.id;
  entry.after = nlohmann::json{{"status", domain::to_string(session.status)}}.dump();
  db::agenda_store::insert_audit(connection, entry);
}

struct Found {
  domain::Event event;
  domain::Session session;
};

std::optional<Found> find(db::Connection& connection, std::int64_t session_id) {
  auto statement = connection.prepare("SELECT event_id FROM sessions WHERE id = ?1");
  statement->bind(1, session_id);
  if (!statement->step()) return std::nullopt;
  const std::int64_t event_id = statement->int64(0);
  statement->reset();
  auto event = db::agenda_store::find_event_by_id(connection, event_id);
  if (!event) return std::nullopt;
  auto session = db::agenda_store::find_session(connection, event_id, session_id);
  if (!session) return std::nullopt;
  return Found{std::move(*event), std::move(*session)};
}

void forget_agenda(const AiringParts& parts, const std::string& slug) {
  if (parts.agenda_cache != nullptr) parts.agenda_cache->invalidate(slug);
}

}  // namespace

std::string recording_folder(std::int64_t session_id) {
  return "recordings/" + std::to_string(session_id);
}

std::optional<AiredSession> put_on_air(const AiringParts& parts, std::int64_t room_id, std::int64_t now,
                                       std::int64_t early_seconds) {
  bool changed = false;
  auto result = parts.database.write([&](db::Connection& connection) -> std::optional<AiredSession> {
    const auto id = db::stream_store::session_on_air_at(connection, room_id, now, early_seconds);
    if (!id) return std::nullopt;
    auto found = find(connection, *id);
    if (!found) return std::nullopt;
    auto& [event, session] = *found;
    if (session.status == domain::SessionStatus::live) return aired(event, session);

    session.status = domain::SessionStatus::live;
    db::agenda_store::update_session(connection, session, now);
    auto recording = db::stream_store::find_recording(connection, session.id);
    if (!recording) {
      recording = db::StoredRecording{.session_id = session.id,
                                      .room_id = room_id,
                                      .path = recording_folder(session.id),
                                      .complete = false,
                                      .started_at = now};
    }
    recording->complete = false;  // a session back on air records on
    recording->ended_at.reset();
    db::stream_store::put_recording(connection, *recording);
    audit(connection, event, "session.live", session, now);
    nlohmann::json data = {{"session", api::with_id(api::session_input(session, event), session.id)},
                           {"room_id", room_id},
                           {"stream",
                            {{"status", "/api/v1/events/" + event.slug + "/rooms/" + std::to_string(room_id) + "/stream"},
                             {"hls", api::stream_path(event.slug, room_id)}}}};
    parts.publisher.to_event(connection, event, "session.live", session.visibility == domain::Visibility::delegates,
                             std::move(data), now);
    changed = true;
    return aired(event, session);
  });
  if (changed && result) forget_agenda(parts, result->event_slug);
  return result;
}

std::optional<AiredSession> session_on_air(const AiringParts& parts, std::int64_t room_id, std::int64_t now,
                                           std::int64_t early_seconds) {
  return parts.database.read([&](db::Connection& connection) -> std::optional<AiredSession> {
    const auto id = db::stream_store::session_on_air_at(connection, room_id, now, early_seconds);
    auto found = id ? find(connection, *id) : std::nullopt;
    if (!found) return std::nullopt;
    return aired(found->event, found->session);
  });
}

std::optional<AiredSession> reread_aired(const AiringParts& parts, std::int64_t session_id, std::int64_t room_id) {
  return parts.database.read([&](db::Connection& connection) -> std::optional<AiredSession> {
    auto found = find(connection, session_id);
    if (!found || found->session.room_id != room_id || found->session.status == domain::SessionStatus::cancelled) {
      return std::nullopt;
    }
    return aired(found->event, found->session);
  });
}

std::optional<AiredSession> left_live(const AiringParts& parts, std::int64_t room_id) {
  return parts.database.read([&](db::Connection& connection) -> std::optional<AiredSession> {
    for (const std::int64_t id : db::stream_store::sessions_marked_live(connection, room_id)) {
      if (auto found = find(connection, id)) return aired(found->event, found->session);
    }
    return std::nullopt;
  });
}

void take_off_air(const AiringParts& parts, std::int64_t session_id, double recorded_seconds, std::int64_t now) {
  std::string slug;
  parts.database.write([&](db::Connection& connection) {
    auto found = find(connection, session_id);
    if (!found || found->session.status != domain::SessionStatus::live) return;
    auto& [event, session] = *found;
    session.status = domain::SessionStatus::ended;
    db::agenda_store::update_session(connection, session, now);
    std::optional<std::string> replay;
    if (auto recording = db::stream_store::find_recording(connection, session_id)) {
      recording->complete = true;
      recording->ended_at = now;
      recording->seconds = recorded_seconds;
      db::stream_store::put_recording(connection, *recording);
      if (recorded_seconds > 0) replay = api::replay_path(event.slug, session_id);
    }
    audit(connection, event, "session.ended", session, now);
    nlohmann::json data = {{"session", api::with_id(api::session_input(session, event), session.id)},
                           {"replay", replay ? nlohmann::json{{"hls", *replay}, {"seconds", recorded_seconds}}
                                             : nlohmann::json(nullptr)}};
    parts.publisher.to_event(connection, event, "session.ended", session.visibility == domain::Visibility::delegates,
                             std::move(data), now);
    slug = event.slug;
  });
  if (!slug.empty()) forget_agenda(parts, slug);
}

}  // namespace plenary::relay
