#include "app/demo_meeting.hpp"

#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "api/agenda_input.hpp"
#include "db/agenda_store.hpp"
#include "db/database.hpp"
#include "domain/agenda.hpp"
#include "ops/log.hpp"

namespace plenary::app {
namespace {

void check(const http::Validation& validation, const std::string& what) {
  try {
    validation.throw_if_invalid();
  } catch (const http::ApiError& error) {
    throw std::logic_error("demo data: " + what + " is invalid: " + error.extensions().dump());
  }
}

db::AuditEntry demo_audit(const domain::Event& event, std::int64_t actor_id, const std::string& actor_email,
                          std::int64_t now, std::string action, const nlohmann::json& after) {
  db::AuditEntry entry;
  entry.event_id = event.id;
  entry.event_slug = event.slug;
  entry.at = now;
  entry.actor_id = actor_id;
  entry.actor_email = actor_email;
  entry.action = std::move(action);
  entry.entity = "event";
  entry.entity_id = event.id;
  entry.after = after.dump();
  return entry;
}

int weekend_days(const domain::LocalDate& first, int days) {
  int count = 0;
  for (int i = 0; i < days; ++i) {
    const unsigned day = domain::weekday(domain::add_days(first, i));
    if (day == 0 || day == 6) ++count;
  }
  return count;
}

// Moves every session by whole local days, keeping its local times.
void shift_meeting(db::Connection& connection, domain::Event event, const domain::LocalDate& first_day,
                   std::int64_t now) {
  const int delta = domain::days_between(event.first_day, first_day);
  const domain::TimeZone zone = domain::event_zone(event);
  const auto move = [&](std::int64_t instant) {
    const std::int64_t midnight = zone.start_of(zone.local_date(instant));
    const std::int64_t since_midnight = instant - midnight;
    return zone.start_of(domain::add_days(zone.local_date(instant), delta)) + since_midnight;
  };
  for (domain::Session session : db::agenda_store::list_sessions(connection, event.id)) {
    session.starts_at = move(session.starts_at);
    session.ends_at = move(session.ends_at);
    db::agenda_store::update_session(connection, session, now);
  }
  event.first_day = domain::add_days(event.first_day, delta);
  event.last_day = domain::add_days(event.last_day, delta);
  db::agenda_store::update_event(connection, event, now);
}

}  // namespace

domain::LocalDate demo_first_day(const domain::LocalDate& today, int days) {
  std::optional<domain::LocalDate> best;
  int best_weekend = days + 1;
  for (int offset : {1, 0, 2, 3}) {
    if (offset >= days) continue;
    const domain::LocalDate first = domain::add_days(today, -offset);
    const int weekend = weekend_days(first, days);
    if (weekend < best_weekend) {
      best = first;
      best_weekend = weekend;
    }
  }
  return *best;
}

void seed_demo_meeting(db::Database& database, std::int64_t actor_id, const std::string& actor_email,
                       std::int64_t now) {
  const nlohmann::json demo = nlohmann::json::parse(embedded::kDemoSomri21);
  const int days = demo.at("days").get<int>();
  const domain::TimeZone zone = *domain::TimeZone::find(demo.at("time_zone").get<std::string>());
  const domain::LocalDate first_day = demo_first_day(zone.local_date(now), days);

  database.write([&](db::Connection& connection) {
    if (auto existing = db::agenda_store::find_event(connection, kDemoEventSlug)) {
      if (existing->first_day != first_day) {
        shift_meeting(connection, *existing, first_day, now);
        ops::logger().info("demo meeting moved to today", {{"first_day", domain::format_date(first_day)}});
      }
      return;
    }
    nlohmann::json event_json = {{"slug", demo["slug"]},
                                 {"title", demo["title"]},
                                 {"description", demo["description"]},
                                 {"venue", demo["venue"]},
                                 {"city", demo["city"]},
                                 {"time_zone", demo["time_zone"]},
                                 {"first_day", domain::format_date(first_day)},
                                 {"last_day", domain::format_date(domain::add_days(first_day, days - 1))},
                                 {"languages", demo["languages"]},
                                 {"default_language", demo["default_language"]},
                                 {"visibility", demo["visibility"]}};
    http::Validation validation;
    domain::Event event = api::read_event(event_json, validation);
    check(validation, "the event");
    event.id = db::agenda_store::insert_event(connection, event, now);
    db::agenda_store::insert_audit(
        connection, demo_audit(event, actor_id, actor_email, now, "event.created", api::event_input(event)));

    // Each room, track and person through the API's own checks; keys to ids.
    const auto load = [&](const char* list, auto read, auto insert) {
      std::map<std::string, std::int64_t> ids;
      for (const auto& item : demo.at(list)) {
        nlohmann::json input = item;
        input.erase("key");
        auto value = read(input, event, validation);
        check(validation, std::string(list) + " " + item.at("key").get<std::string>());
        ids[item.at("key")] = insert(connection, value);
      }
      return ids;
    };
    const auto rooms = load("rooms", api::read_room, db::agenda_store::insert_room);
    const auto tracks = load("tracks", api::read_track, db::agenda_store::insert_track);
    const auto people = load("people", api::read_person, db::agenda_store::insert_person);
    for (const auto& item : demo.at("sessions")) {
      const domain::LocalDate day = domain::add_days(first_day, item.at("day").get<int>() - 1);
      const auto local = [&](const std::string& hhmm) { return domain::format_date(day) + "T" + hhmm; };
      nlohmann::json input = item;
      input.erase("day");
      input.erase("start");
      input.erase("end");
      input.erase("room");
      input.erase("track");
      input["starts_at"] = local(item.at("start"));
      input["ends_at"] = local(item.at("end"));
      input["room_id"] = rooms.at(item.at("room"));
      input["track_id"] =
          item.at("track").is_null() ? nlohmann::json(nullptr) : nlohmann::json(tracks.at(item.at("track")));
      auto speakers = nlohmann::json::array();
      for (const auto& speaker : item.at("speakers")) {
        speakers.push_back({{"person_id", people.at(speaker.at("person"))}, {"role", speaker.at("role")}});
      }
      input["speakers"] = speakers;
      domain::Session session = api::read_session(input, event, validation);
      check(validation, "session " + item.at("title").at("en").get<std::string>());
      if (session.room_id && session.status != domain::SessionStatus::cancelled &&
          db::agenda_store::find_room_clash(connection, *session.room_id, session.starts_at, session.ends_at, 0)) {
        throw std::logic_error("demo data: session " + item.at("title").at("en").get<std::string>() +
                               " double-books its room");
      }
      db::agenda_store::insert_session(connection, session, now);
    }
    ops::logger().info("demo meeting loaded", {{"slug", event.slug},
                                               {"first_day", domain::format_date(first_day)},
                                               {"sessions", demo.at("sessions").size()}});
  });
}

}  // namespace plenary::app
