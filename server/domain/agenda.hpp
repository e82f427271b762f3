#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/localized_text.hpp"
#include "domain/zoned_time.hpp"

namespace plenary::domain {

// Plain values of a meeting and its agenda; no I/O. Instants are seconds
// since the Unix epoch (UTC); days are the event's local calendar dates.

enum class Visibility { public_, delegates };
enum class SessionKind { plenary, official_meeting, side_event, press_conference, break_, other };
enum class SessionStatus { scheduled, delayed, moved, cancelled, live, ended };
enum class SpeakerRole { speaker, moderator, chair };

// The wire names, in enum order: one table per enum, used both ways.
inline constexpr std::array<std::string_view, 2> kVisibilityNames{"public", "delegates"};
inline constexpr std::array<std::string_view, 6> kSessionKindNames{
    "plenary", "official_meeting", "side_event", "press_conference", "break", "other"};
inline constexpr std::array<std::string_view, 6> kSessionStatusNames{"scheduled", "delayed", "moved",
                                                                     "cancelled", "live",    "ended"};
inline constexpr std::array<std::string_view, 3> kSpeakerRoleNames{"speaker", "moderator", "chair"};

template <class Enum, std::size_t N>
std::string_view name_of(Enum value, const std::array<std::string_view, N>& names) {
  return names[static_cast<std::size_t>(value)];
}
template <class Enum, std::size_t N>
std::optional<Enum> parse_name(std::string_view text, const std::array<std::string_view, N>& names) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

inline std::string_view to_string(Visibility v) {
  return name_of(v, kVisibilityNames);
}
inline std::string_view to_string(SessionKind v) {
  return name_of(v, kSessionKindNames);
}
inline std::string_view to_string(SessionStatus v) {
  return name_of(v, kSessionStatusNames);
}
inline std::string_view to_string(SpeakerRole v) {
  return name_of(v, kSpeakerRoleNames);
}

struct Event {
  std::int64_t id = 0;
  std::string slug;
  LocalizedText title;
  LocalizedText description;
  LocalizedText venue;
  LocalizedText city;
  std::string time_zone;
  LocalDate first_day;
  LocalDate last_day;
  std::vector<std::string> languages;
  std::string default_language;
  Visibility visibility = Visibility::public_;
  std::int64_t updated_at = 0;
};

struct Room {
  std::int64_t id = 0;
  std::int64_t event_id = 0;
  LocalizedText name;
  LocalizedText venue;  // building, floor, wing
  std::optional<std::int64_t> capacity;
  bool streamed = false;
};

struct Track {
  std::int64_t id = 0;
  std::int64_t event_id = 0;
  LocalizedText name;
  std::string color;  // "#rrggbb"
};

struct Person {
  std::int64_t id = 0;
  std::int64_t event_id = 0;
  std::string name;  // as written, in any script
  LocalizedText honorific;
  LocalizedText position;
  LocalizedText organisation;
  std::optional<std::string> country;  // ISO 3166-1 alpha-2
  LocalizedText bio;
  std::optional<std::string> photo_url;
};

struct SessionSpeaker {
  std::int64_t person_id = 0;
  SpeakerRole role = SpeakerRole::speaker;
};

struct Session {
  std::int64_t id = 0;
  std::int64_t event_id = 0;
  SessionKind kind = SessionKind::other;
  LocalizedText title;
  LocalizedText description;
  std::int64_t starts_at = 0;
  std::int64_t ends_at = 0;
  std::optional<std::int64_t> room_id;
  std::optional<std::int64_t> track_id;
  std::vector<SessionSpeaker> speakers;
  std::optional<std::string> spoken_language;
  std::vector<std::string> interpretation_languages;
  SessionStatus status = SessionStatus::scheduled;
  Visibility visibility = Visibility::public_;
  std::optional<std::int64_t> capacity;  // seats, for side events
  bool rsvp_required = false;
};

// The event's time zone (UTC if its name is unknown to this machine's tzdata).
domain::TimeZone event_zone(const Event& event);

// True when [a_start, a_end) and [b_start, b_end) share an instant.
inline bool overlaps(std::int64_t a_start, std::int64_t a_end, std::int64_t b_start, std::int64_t b_end) {
  return a_start < b_end && b_start < a_end;
}

}  // namespace plenary::domain
