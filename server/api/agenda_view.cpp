#include "api/agenda_view.hpp"

#include <algorithm>

namespace plenary::api {
namespace {

template <class T>
const T* by_id(const std::vector<T>& items, std::optional<std::int64_t> id) {
  if (!id) return nullptr;
  const auto it = std::find_if(items.begin(), items.end(), [&](const T& item) { return item.id == *id; });
  return it == items.end() ? nullptr : &*it;
}

nlohmann::json optional_string(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

View::View(const domain::Event& event, domain::LanguageChoice language)
    : event_(event), language_(std::move(language)), zone_(domain::event_zone(event)) {}

nlohmann::json View::text(const domain::LocalizedText& text) const {
  if (language_.all) return domain::to_json(text);
  return domain::pick(text, language_.tag, event_.default_language);
}

std::string View::content_language() const {
  if (!language_.all) return language_.tag;
  std::string all;
  for (const auto& tag : event_.languages) all += (all.empty() ? "" : ", ") + tag;
  return all;
}

std::string stream_path(const std::string& event_slug, std::int64_t room_id) {
  return "/live/" + event_slug + "/" + std::to_string(room_id) + "/master.m3u8";
}

std::string replay_path(const std::string& event_slug, std::int64_t session_id) {
  return "/replay/" + event_slug + "/" + std::to_string(session_id) + "/master.m3u8";
}

nlohmann::json render_event(const domain::Event& event, const View& view) {
  auto days = nlohmann::json::array();
  for (auto day = event.first_day; day <= event.last_day; day = domain::add_days(day, 1)) {
    days.push_back(domain::format_date(day));
  }
  return {{"slug", event.slug},
          {"title", view.text(event.title)},
          {"description", view.text(event.description)},
          {"venue", view.text(event.venue)},
          {"city", view.text(event.city)},
          {"time_zone", event.time_zone},
          {"first_day", domain::format_date(event.first_day)},
          {"last_day", domain::format_date(event.last_day)},
          {"days", days},
          {"languages", event.languages},
          {"default_language", event.default_language},
          {"visibility", domain::to_string(event.visibility)}};
}

nlohmann::json render_room(const domain::Room& room, const View& view) {
  nlohmann::json out = {{"id", room.id},
                        {"name", view.text(room.name)},
                        {"venue", view.text(room.venue)},
                        {"capacity", room.capacity ? nlohmann::json(*room.capacity) : nullptr},
                        {"streamed", room.streamed}};
  if (room.streamed) out["stream"] = {{"hls", stream_path(view.event().slug, room.id)}};
  return out;
}

nlohmann::json render_track(const domain::Track& track, const View& view) {
  return {{"id", track.id}, {"name", view.text(track.name)}, {"color", track.color}};
}

nlohmann::json render_person(const domain::Person& person, const View& view) {
  return {{"id", person.id},
          {"name", person.name},
          {"honorific", view.text(person.honorific)},
          {"position", view.text(person.position)},
          {"organisation", view.text(person.organisation)},
          {"country", optional_string(person.country)},
          {"bio", view.text(person.bio)},
          {"photo_url", optional_string(person.photo_url)}};
}

nlohmann::json render_session(const domain::Session& session, const AgendaData& data, const View& view) {
  nlohmann::json out = {{"id", session.id},
                        {"kind", domain::to_string(session.kind)},
                        {"title", view.text(session.title)},
                        {"description", view.text(session.description)},
                        {"starts_at", view.time(session.starts_at)},
                        {"ends_at", view.time(session.ends_at)},
                        {"status", domain::to_string(session.status)},
                        {"visibility", domain::to_string(session.visibility)},
                        {"spoken_language", optional_string(session.spoken_language)},
                        {"interpretation_languages", session.interpretation_languages}};
  const domain::Room* room = by_id(data.rooms, session.room_id);
  out["room"] = room ? render_room(*room, view) : nlohmann::json(nullptr);
  if (room != nullptr && room->streamed) out["stream"] = {{"hls", stream_path(data.event.slug, room->id)}};
  if (const auto replay = data.replays.find(session.id); replay != data.replays.end()) {
    out["replay"] = {{"hls", replay_path(data.event.slug, session.id)}, {"seconds", replay->second}};
  }
  const domain::Track* track = by_id(data.tracks, session.track_id);
  out["track"] = track ? render_track(*track, view) : nlohmann::json(nullptr);
  auto speakers = nlohmann::json::array();
  for (const auto& speaker : session.speakers) {
    const domain::Person* person = by_id(data.people, std::optional(speaker.person_id));
    if (person == nullptr) continue;
    speakers.push_back({{"id", person->id},
                        {"role", domain::to_string(speaker.role)},
                        {"name", person->name},
                        {"honorific", view.text(person->honorific)},
                        {"position", view.text(person->position)},
                        {"organisation", view.text(person->organisation)},
                        {"country", optional_string(person->country)}});
  }
  out["speakers"] = std::move(speakers);
  if (session.capacity || session.rsvp_required) {
    out["capacity"] = session.capacity ? nlohmann::json(*session.capacity) : nullptr;
    out["rsvp_required"] = session.rsvp_required;
  }
  return out;
}

nlohmann::json render_agenda(const AgendaData& data, const View& view, const AgendaFilter& filter) {
  auto days = nlohmann::json::array();
  std::size_t next = 0;  // sessions are in start order: walk them once
  for (auto day = data.event.first_day; day <= data.event.last_day; day = domain::add_days(day, 1)) {
    auto sessions = nlohmann::json::array();
    const std::int64_t day_end = view.zone().start_of(domain::add_days(day, 1));
    for (; next < data.sessions.size() && data.sessions[next].starts_at < day_end; ++next) {
      const domain::Session& session = data.sessions[next];
      if (!filter.include_delegates_only && session.visibility == domain::Visibility::delegates) continue;
      if (filter.room_id && session.room_id != filter.room_id) continue;
      if (filter.kind && session.kind != *filter.kind) continue;
      sessions.push_back(render_session(session, data, view));
    }
    if (filter.day && *filter.day != day) continue;
    days.push_back({{"date", domain::format_date(day)}, {"sessions", std::move(sessions)}});
  }
  return {{"event", render_event(data.event, view)}, {"language", view.language_key()}, {"days", std::move(days)}};
}

}  // namespace plenary::api
