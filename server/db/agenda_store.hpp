#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "domain/agenda.hpp"

namespace plenary::db {

class Connection;

struct AuditEntry {
  std::int64_t id = 0;
  std::optional<std::int64_t> event_id;
  std::string event_slug;
  std::int64_t at = 0;
  std::optional<std::int64_t> actor_id;
  std::string actor_email;
  std::string action;  // "session.updated"
  std::string entity;  // "session"
  std::optional<std::int64_t> entity_id;
  std::string before;  // JSON text or empty
  std::string after;
};

// A page of a list in id order: ids after `after_id`, at most `limit`.
struct PageRequest {
  std::int64_t after_id = 0;
  std::size_t limit = 50;
};

// SQL for events, rooms, tracks, people, sessions and the audit log.
// Stateless: every function runs on the Connection it is given, inside the
// caller's read or write transaction. Inserts return the new id.
namespace agenda_store {

std::optional<domain::Event> find_event(Connection& c, std::string_view slug);
std::optional<domain::Event> find_event_by_id(Connection& c, std::int64_t id);
// Public events, plus every event when `include_delegates_only`, plus `also_event_id`.
std::vector<domain::Event> list_events(Connection& c, const PageRequest& page, bool include_delegates_only,
                                       std::int64_t also_event_id = 0);
std::int64_t insert_event(Connection& c, const domain::Event& event, std::int64_t now);
void update_event(Connection& c, const domain::Event& event, std::int64_t now);
void delete_event(Connection& c, std::int64_t id);
// Sessions of the event that start before `from` or end after `until`.
std::int64_t count_sessions_outside(Connection& c, std::int64_t event_id, std::int64_t from, std::int64_t until);

std::optional<domain::Room> find_room(Connection& c, std::int64_t event_id, std::int64_t id);
std::vector<domain::Room> list_rooms(Connection& c, std::int64_t event_id, const PageRequest& page);
std::int64_t insert_room(Connection& c, const domain::Room& room);
void update_room(Connection& c, const domain::Room& room);
void delete_room(Connection& c, std::int64_t id);

std::optional<domain::Track> find_track(Connection& c, std::int64_t event_id, std::int64_t id);
std::vector<domain::Track> list_tracks(Connection& c, std::int64_t event_id, const PageRequest& page);
std::int64_t insert_track(Connection& c, const domain::Track& track);
void update_track(Connection& c, const domain::Track& track);
void delete_track(Connection& c, std::int64_t id);

std::optional<domain::Person> find_person(Connection& c, std::int64_t event_id, std::int64_t id);
std::vector<domain::Person> list_people(Connection& c, std::int64_t event_id, const PageRequest& page);
std::int64_t insert_person(Connection& c, const domain::Person& person);
void update_person(Connection& c, const domain::Person& person);
void delete_person(Connection& c, std::int64_t id);

std::optional<domain::Session> find_session(Connection& c, std::int64_t event_id, std::int64_t id);
// Every session of the event with its speakers, in start order.
std::vector<domain::Session> list_sessions(Connection& c, std::int64_t event_id);
std::int64_t insert_session(Connection& c, const domain::Session& session, std::int64_t now);
void update_session(Connection& c, const domain::Session& session, std::int64_t now);
void delete_session(Connection& c, std::int64_t id);
// A session other than `except_id` in `room_id`, not cancelled, overlapping [starts_at, ends_at).
std::optional<domain::Session> find_room_clash(Connection& c, std::int64_t room_id, std::int64_t starts_at,
                                               std::int64_t ends_at, std::int64_t except_id);

void insert_audit(Connection& c, const AuditEntry& entry);
std::vector<AuditEntry> list_audit(Connection& c, std::int64_t event_id, const PageRequest& page);

}  // namespace agenda_store
}  // namespace plenary::db
