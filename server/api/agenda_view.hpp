#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/agenda.hpp"
#include "domain/language.hpp"

namespace plenary::api {

// How a response presents an event's data: texts in one language (falling
// back field by field to the event's default) or all of them, times as
// RFC 3339 in the event's zone with its offset.
class View {
 public:
  View(const domain::Event& event, domain::LanguageChoice language);

  nlohmann::json text(const domain::LocalizedText& text) const;
  std::string time(std::int64_t instant) const { return zone_.format(instant); }
  const domain::TimeZone& zone() const noexcept { return zone_; }
  const domain::Event& event() const noexcept { return event_; }
  // The Content-Language header: the tag served, or every offered tag for `*`.
  std::string content_language() const;
  // Part of a cache key: "vi" or "*".
  std::string language_key() const { return language_.all ? "*" : language_.tag; }

 private:
  const domain::Event& event_;
  domain::LanguageChoice language_;
  domain::TimeZone zone_;
};

// Everything an agenda shows, read in one transaction.
struct AgendaData {
  domain::Event event;
  std::vector<domain::Room> rooms;
  std::vector<domain::Track> tracks;
  std::vector<domain::Person> people;
  std::vector<domain::Session> sessions;
  std::map<std::int64_t, double> replays;  // session id -> seconds of its finished recording
};

struct AgendaFilter {
  std::optional<domain::LocalDate> day;
  std::optional<std::int64_t> room_id;
  std::optional<domain::SessionKind> kind;
  bool include_delegates_only = false;
};

// The HLS address of a streamed room (served by the video relay).
std::string stream_path(const std::string& event_slug, std::int64_t room_id);
// The HLS address of a session's recording, once it has ended.
std::string replay_path(const std::string& event_slug, std::int64_t session_id);

nlohmann::json render_event(const domain::Event& event, const View& view);
nlohmann::json render_room(const domain::Room& room, const View& view);
nlohmann::json render_track(const domain::Track& track, const View& view);
nlohmann::json render_person(const domain::Person& person, const View& view);
nlohmann::json render_session(const domain::Session& session, const AgendaData& data, const View& view);
// {"event", "language", "days": [{"date", "sessions": [...]}, ...]}
nlohmann::json render_agenda(const AgendaData& data, const View& view, const AgendaFilter& filter);

}  // namespace plenary::api
