#include "db/agenda_store.hpp"

#include <unordered_map>

#include <nlohmann/json.hpp>

#include "db/connection.hpp"

namespace plenary::db::agenda_store {
namespace {

using domain::LocalizedText;

std::string text_json(const LocalizedText& text) {
  return domain::to_json(text).dump();
}

LocalizedText read_text(const Statement& row, int column) {
  LocalizedText text;
  const auto parsed = nlohmann::json::parse(row.text(column), nullptr, false);
  if (parsed.is_object()) {
    for (const auto& [tag, value] : parsed.items()) {
      if (value.is_string()) text[tag] = value.get<std::string>();
    }
  }
  return text;
}

std::vector<std::string> read_tags(const Statement& row, int column) {
  std::vector<std::string> tags;
  const auto parsed = nlohmann::json::parse(row.text(column), nullptr, false);
  if (parsed.is_array()) {
    for (const auto& value : parsed) {
      if (value.is_string()) tags.push_back(value.get<std::string>());
    }
  }
  return tags;
}

std::string tags_json(const std::vector<std::string>& tags) {
  return nlohmann::json(tags).dump();
}

constexpr std::string_view kEventColumns =
    "id, slug, title, description, venue, city, time_zone, first_day, last_day, languages, default_language, "
    "visibility, updated_at";

domain::Event read_event(const Statement& row) {
  domain::Event event;
  event.id = row.int64(0);
  event.slug = row.text(1);
  event.title = read_text(row, 2);
  event.description = read_text(row, 3);
  event.venue = read_text(row, 4);
  event.city = read_text(row, 5);
  event.time_zone = row.text(6);
  event.first_day = domain::parse_date(row.text(7)).value_or(domain::LocalDate{});
  event.last_day = domain::parse_date(row.text(8)).value_or(domain::LocalDate{});
  event.languages = read_tags(row, 9);
  event.default_language = row.text(10);
  event.visibility = domain::parse_name<domain::Visibility>(row.text(11), domain::kVisibilityNames)
                         .value_or(domain::Visibility::delegates);
  event.updated_at = row.int64(12);
  return event;
}

constexpr std::string_view kRoomColumns = "id, event_id, name, venue, capacity, streamed";

domain::Room read_room(const Statement& row) {
  return {row.int64(0), row.int64(1), read_text(row, 2), read_text(row, 3), row.optional_int64(4), row.int64(5) != 0};
}

constexpr std::string_view kTrackColumns = "id, event_id, name, color";

domain::Track read_track(const Statement& row) {
  return {row.int64(0), row.int64(1), read_text(row, 2), row.text(3)};
}

constexpr std::string_view kPersonColumns =
    "id, event_id, name, honorific, position, organisation, country, bio, photo_url";

domain::Person read_person(const Statement& row) {
  return {row.int64(0),      row.int64(1),         row.text(2),       read_text(row, 3),   read_text(row, 4),
          read_text(row, 5), row.optional_text(6), read_text(row, 7), row.optional_text(8)};
}

constexpr std::string_view kSessionColumns =
    "id, event_id, kind, title, description, starts_at, ends_at, room_id, track_id, spoken_language, "
    "interpretation_languages, status, visibility, capacity, rsvp_required";

domain::Session read_session(const Statement& row) {
  domain::Session session;
  session.id = row.int64(0);
  session.event_id = row.int64(1);
  session.kind = domain::parse_name<domain::SessionKind>(row.text(2), domain::kSessionKindNames)
                     .value_or(domain::SessionKind::other);
  session.title = read_text(row, 3);
  session.description = read_text(row, 4);
  session.starts_at = row.int64(5);
  session.ends_at = row.int64(6);
  session.room_id = row.optional_int64(7);
  session.track_id = row.optional_int64(8);
  session.spoken_language = row.optional_text(9);
  session.interpretation_languages = read_tags(row, 10);
  session.status = domain::parse_name<domain::SessionStatus>(row.text(11), domain::kSessionStatusNames)
                       .value_or(domain::SessionStatus::scheduled);
  session.visibility = domain::parse_name<domain::Visibility>(row.text(12), domain::kVisibilityNames)
                           .value_or(domain::Visibility::delegates);
  session.capacity = row.optional_int64(13);
  session.rsvp_required = row.int64(14) != 0;
  return session;
}

std::vector<domain::SessionSpeaker> read_speakers(Connection& c, std::int64_t session_id) {
  auto statement =
      c.prepare("SELECT person_id, role FROM session_speakers WHERE session_id = ?1 ORDER BY position, person_id");
  statement->bind(1, session_id);
  std::vector<domain::SessionSpeaker> speakers;
  while (statement->step()) {
    speakers.push_back(
        {statement->int64(0), domain::parse_name<domain::SpeakerRole>(statement->text(1), domain::kSpeakerRoleNames)
                                  .value_or(domain::SpeakerRole::speaker)});
  }
  return speakers;
}

void write_speakers(Connection& c, const domain::Session& session) {
  auto clear = c.prepare("DELETE FROM session_speakers WHERE session_id = ?1");
  clear->bind(1, session.id);
  clear->run();
  auto insert =
      c.prepare("INSERT INTO session_speakers (session_id, person_id, role, position) VALUES (?1, ?2, ?3, ?4)");
  int position = 0;
  for (const auto& speaker : session.speakers) {
    insert->bind_all(session.id, speaker.person_id, domain::to_string(speaker.role), position++);
    insert->run();
    insert->reset();
  }
}

template <class T, class Reader>
std::vector<T> list_page(Connection& c, std::string_view columns, std::string_view table, std::int64_t event_id,
                         const PageRequest& page, Reader read) {
  auto statement = c.prepare("SELECT " + std::string(columns) + " FROM " + std::string(table) +
                             " WHERE event_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3");
  statement->bind_all(event_id, page.after_id, static_cast<std::int64_t>(page.limit));
  std::vector<T> items;
  while (statement->step()) items.push_back(read(*statement));
  return items;
}

template <class T, class Reader>
std::optional<T> find_in_event(Connection& c, std::string_view columns, std::string_view table, std::int64_t event_id,
                               std::int64_t id, Reader read) {
  auto statement =
      c.prepare("SELECT " + std::string(columns) + " FROM " + std::string(table) + " WHERE event_id = ?1 AND id = ?2");
  statement->bind_all(event_id, id);
  if (!statement->step()) return std::nullopt;
  return read(*statement);
}

void delete_by_id(Connection& c, std::string_view table, std::int64_t id) {
  auto statement = c.prepare("DELETE FROM " + std::string(table) + " WHERE id = ?1");
  statement->bind(1, id);
  statement->run();
}

}  // namespace

std::optional<domain::Event> find_event(Connection& c, std::string_view slug) {
  auto statement = c.prepare("SELECT " + std::string(kEventColumns) + " FROM events WHERE slug = ?1");
  statement->bind(1, slug);
  if (!statement->step()) return std::nullopt;
  return read_event(*statement);
}

std::optional<domain::Event> find_event_by_id(Connection& c, std::int64_t id) {
  auto statement = c.prepare("SELECT " + std::string(kEventColumns) + " FROM events WHERE id = ?1");
  statement->bind(1, id);
  if (!statement->step()) return std::nullopt;
  return read_event(*statement);
}

std::vector<domain::Event> list_events(Connection& c, const PageRequest& page, bool include_delegates_only,
                                       std::int64_t also_event_id) {
  auto statement = c.prepare("SELECT " + std::string(kEventColumns) +
                             " FROM events WHERE id > ?1 AND (?2 OR visibility = 'public' OR id = ?4)"
                             " ORDER BY id LIMIT ?3");
  statement->bind_all(page.after_id, include_delegates_only, static_cast<std::int64_t>(page.limit), also_event_id);
  std::vector<domain::Event> events;
  while (statement->step()) events.push_back(read_event(*statement));
  return events;
}

std::int64_t insert_event(Connection& c, const domain::Event& event, std::int64_t now) {
  auto statement = c.prepare(
      "INSERT INTO events (slug, title, description, venue, city, time_zone, first_day, last_day, languages, "
      "default_language, visibility, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
      "?12, ?12)");
  statement->bind_all(event.slug, text_json(event.title), text_json(event.description), text_json(event.venue),
                      text_json(event.city), event.time_zone, domain::format_date(event.first_day),
                      domain::format_date(event.last_day), tags_json(event.languages), event.default_language,
                      domain::to_string(event.visibility), now);
  statement->run();
  return c.last_insert_rowid();
}

void update_event(Connection& c, const domain::Event& event, std::int64_t now) {
  auto statement = c.prepare(
      "UPDATE events SET slug = ?2, title = ?3, description = ?4, venue = ?5, city = ?6, time_zone = ?7, "
      "first_day = ?8, last_day = ?9, languages = ?10, default_language = ?11, visibility = ?12, updated_at = ?13 "
      "WHERE id = ?1");
  statement->bind_all(event.id, event.slug, text_json(event.title), text_json(event.description),
                      text_json(event.venue), text_json(event.city), event.time_zone,
                      domain::format_date(event.first_day), domain::format_date(event.last_day),
                      tags_json(event.languages), event.default_language, domain::to_string(event.visibility), now);
  statement->run();
}

void delete_event(Connection& c, std::int64_t id) {
  delete_by_id(c, "events", id);
}

std::int64_t count_sessions_outside(Connection& c, std::int64_t event_id, std::int64_t from, std::int64_t until) {
  auto statement = c.prepare("SELECT count(*) FROM sessions WHERE event_id = ?1 AND (starts_at < ?2 OR ends_at > ?3)");
  statement->bind_all(event_id, from, until);
  statement->step();
  return statement->int64(0);
}

std::optional<domain::Room> find_room(Connection& c, std::int64_t event_id, std::int64_t id) {
  return find_in_event<domain::Room>(c, kRoomColumns, "rooms", event_id, id, read_room);
}

std::vector<domain::Room> list_rooms(Connection& c, std::int64_t event_id, const PageRequest& page) {
  return list_page<domain::Room>(c, kRoomColumns, "rooms", event_id, page, read_room);
}

std::int64_t insert_room(Connection& c, const domain::Room& room) {
  auto statement =
      c.prepare("INSERT INTO rooms (event_id, name, venue, capacity, streamed) VALUES (?1, ?2, ?3, ?4, ?5)");
  statement->bind_all(room.event_id, text_json(room.name), text_json(room.venue), room.capacity, room.streamed);
  statement->run();
  return c.last_insert_rowid();
}

void update_room(Connection& c, const domain::Room& room) {
  auto statement = c.prepare("UPDATE rooms SET name = ?2, venue = ?3, capacity = ?4, streamed = ?5 WHERE id = ?1");
  statement->bind_all(room.id, text_json(room.name), text_json(room.venue), room.capacity, room.streamed);
  statement->run();
}

void delete_room(Connection& c, std::int64_t id) {
  delete_by_id(c, "rooms", id);
}

std::optional<domain::Track> find_track(Connection& c, std::int64_t event_id, std::int64_t id) {
  return find_in_event<domain::Track>(c, kTrackColumns, "tracks", event_id, id, read_track);
}

std::vector<domain::Track> list_tracks(Connection& c, std::int64_t event_id, const PageRequest& page) {
  return list_page<domain::Track>(c, kTrackColumns, "tracks", event_id, page, read_track);
}

std::int64_t insert_track(Connection& c, const domain::Track& track) {
  auto statement = c.prepare("INSERT INTO tracks (event_id, name, color) VALUES (?1, ?2, ?3)");
  statement->bind_all(track.event_id, text_json(track.name), track.color);
  statement->run();
  return c.last_insert_rowid();
}

void update_track(Connection& c, const domain::Track& track) {
  auto statement = c.prepare("UPDATE tracks SET name = ?2, color = ?3 WHERE id = ?1");
  statement->bind_all(track.id, text_json(track.name), track.color);
  statement->run();
}

void delete_track(Connection& c, std::int64_t id) {
  delete_by_id(c, "tracks", id);
}

std::optional<domain::Person> find_person(Connection& c, std::int64_t event_id, std::int64_t id) {
  return find_in_event<domain::Person>(c, kPersonColumns, "people", event_id, id, read_person);
}

std::vector<domain::Person> list_people(Connection& c, std::int64_t event_id, const PageRequest& page) {
  return list_page<domain::Person>(c, kPersonColumns, "people", event_id, page, read_person);
}

std::int64_t insert_person(Connection& c, const domain::Person& person) {
  auto statement = c.prepare(
      "INSERT INTO people (event_id, name, honorific, position, organisation, country, bio, photo_url) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  statement->bind_all(person.event_id, person.name, text_json(person.honorific), text_json(person.position),
                      text_json(person.organisation), person.country, text_json(person.bio), person.photo_url);
  statement->run();
  return c.last_insert_rowid();
}

void update_person(Connection& c, const domain::Person& person) {
  auto statement = c.prepare(
      "UPDATE people SET name = ?2, honorific = ?3, position = ?4, organisation = ?5, country = ?6, bio = ?7, "
      "photo_url = ?8 WHERE id = ?1");
  statement->bind_all(person.id, person.name, text_json(person.honorific), text_json(person.position),
                      text_json(person.organisation), person.country, text_json(person.bio), person.photo_url);
  statement->run();
}

void delete_person(Connection& c, std::int64_t id) {
  delete_by_id(c, "people", id);
}

std::optional<domain::Session> find_session(Connection& c, std::int64_t event_id, std::int64_t id) {
  auto session = find_in_event<domain::Session>(c, kSessionColumns, "sessions", event_id, id, read_session);
  if (session) session->speakers = read_speakers(c, session->id);
  return session;
}

std::vector<domain::Session> list_sessions(Connection& c, std::int64_t event_id) {
  auto statement =
      c.prepare("SELECT " + std::string(kSessionColumns) + " FROM sessions WHERE event_id = ?1 ORDER BY starts_at, id");
  statement->bind(1, event_id);
  std::vector<domain::Session> sessions;
  while (statement->step()) sessions.push_back(read_session(*statement));
  // One query for every speaker of the event, matched up in memory.
  auto speakers = c.prepare(
      "SELECT ss.session_id, ss.person_id, ss.role FROM session_speakers ss JOIN sessions s ON s.id = ss.session_id "
      "WHERE s.event_id = ?1 ORDER BY ss.session_id, ss.position, ss.person_id");
  speakers->bind(1, event_id);
  std::unordered_map<std::int64_t, std::vector<domain::SessionSpeaker>> by_session;
  while (speakers->step()) {
    by_session[speakers->int64(0)].push_back(
        {speakers->int64(1), domain::parse_name<domain::SpeakerRole>(speakers->text(2), domain::kSpeakerRoleNames)
                                 .value_or(domain::SpeakerRole::speaker)});
  }
  for (auto& session : sessions) {
    if (auto it = by_session.find(session.id); it != by_session.end()) session.speakers = std::move(it->second);
  }
  return sessions;
}

std::int64_t insert_session(Connection& c, const domain::Session& session, std::int64_t now) {
  auto statement = c.prepare(
      "INSERT INTO sessions (event_id, kind, title, description, starts_at, ends_at, room_id, track_id, "
      "spoken_language, interpretation_languages, status, visibility, capacity, rsvp_required, created_at, "
      "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)");
  statement->bind_all(session.event_id, domain::to_string(session.kind), text_json(session.title),
                      text_json(session.description), session.starts_at, session.ends_at, session.room_id,
                      session.track_id, session.spoken_language, tags_json(session.interpretation_languages),
                      domain::to_string(session.status), domain::to_string(session.visibility), session.capacity,
                      session.rsvp_required, now);
  statement->run();
  domain::Session stored = session;
  stored.id = c.last_insert_rowid();
  write_speakers(c, stored);
  return stored.id;
}

void update_session(Connection& c, const domain::Session& session, std::int64_t now) {
  auto statement = c.prepare(
      "UPDATE sessions SET kind = ?2, title = ?3, description = ?4, starts_at = ?5, ends_at = ?6, room_id = ?7, "
      "track_id = ?8, spoken_language = ?9, interpretation_languages = ?10, status = ?11, visibility = ?12, "
      "capacity = ?13, rsvp_required = ?14, updated_at = ?15 WHERE id = ?1");
  statement->bind_all(session.id, domain::to_string(session.kind), text_json(session.title),
                      text_json(session.description), session.starts_at, session.ends_at, session.room_id,
                      session.track_id, session.spoken_language, tags_json(session.interpretation_languages),
                      domain::to_string(session.status), domain::to_string(session.visibility), session.capacity,
                      session.rsvp_required, now);
  statement->run();
  write_speakers(c, session);
}

void delete_session(Connection& c, std::int64_t id) {
  delete_by_id(c, "sessions", id);
}

std::optional<domain::Session> find_room_clash(Connection& c, std::int64_t room_id, std::int64_t starts_at,
                                               std::int64_t ends_at, std::int64_t except_id) {
  auto statement = c.prepare("SELECT " + std::string(kSessionColumns) +
                             " FROM sessions WHERE room_id = ?1 AND starts_at < ?3 AND ends_at > ?2 AND id != ?4 "
                             "AND status != 'cancelled' ORDER BY starts_at LIMIT 1");
  statement->bind_all(room_id, starts_at, ends_at, except_id);
  if (!statement->step()) return std::nullopt;
  return read_session(*statement);
}

void insert_audit(Connection& c, const AuditEntry& entry) {
  auto statement = c.prepare(
      "INSERT INTO audit_log (event_id, event_slug, at, actor_id, actor_email, action, entity, entity_id, before, "
      "after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  const auto optional_text = [](const std::string& text) {
    return text.empty() ? std::optional<std::string>() : std::optional<std::string>(text);
  };
  statement->bind_all(entry.event_id, entry.event_slug, entry.at, entry.actor_id, entry.actor_email, entry.action,
                      entry.entity, entry.entity_id, optional_text(entry.before), optional_text(entry.after));
  statement->run();
}

std::vector<AuditEntry> list_audit(Connection& c, std::int64_t event_id, const PageRequest& page) {
  auto statement = c.prepare(
      "SELECT id, event_id, event_slug, at, actor_id, actor_email, action, entity, entity_id, before, after "
      "FROM audit_log WHERE event_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3");
  statement->bind_all(event_id, page.after_id, static_cast<std::int64_t>(page.limit));
  std::vector<AuditEntry> entries;
  while (statement->step()) {
    entries.push_back({statement->int64(0), statement->optional_int64(1), statement->text(2), statement->int64(3),
                       statement->optional_int64(4), statement->text(5), statement->text(6), statement->text(7),
                       statement->optional_int64(8), statement->text(9), statement->text(10)});
  }
  return entries;
}

}  // namespace plenary::db::agenda_store
