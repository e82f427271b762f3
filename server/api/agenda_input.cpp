#include "api/agenda_input.hpp"

#include <algorithm>
#include <cctype>

#include "api/field_reader.hpp"
#include "domain/text.hpp"

namespace plenary::api {
namespace {

constexpr std::size_t kTitleChars = 300;
constexpr std::size_t kLongTextChars = 10'000;
constexpr std::size_t kShortTextChars = 200;

bool is_slug(std::string_view slug) {
  if (slug.size() < 2 || slug.size() > 64 || slug.front() == '-' || slug.back() == '-') return false;
  return std::all_of(slug.begin(), slug.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool is_colour(std::string_view colour) {
  return colour.size() == 7 && colour[0] == '#' && std::all_of(colour.begin() + 1, colour.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool is_country(std::string_view code) {
  return code.size() == 2 && std::isupper(static_cast<unsigned char>(code[0])) &&
         std::isupper(static_cast<unsigned char>(code[1]));
}

bool is_http_url(std::string_view url) {
  return url.starts_with("https://") || url.starts_with("http://");
}

}  // namespace

nlohmann::json merge_patch(nlohmann::json target, const nlohmann::json& patch) {
  target.merge_patch(patch);
  return target;
}

domain::Event read_event(const nlohmann::json& input, http::Validation& validation) {
  FieldReader fields(input, validation);
  fields.only({"slug", "title", "description", "venue", "city", "time_zone", "first_day", "last_day", "languages",
               "default_language", "visibility"});
  domain::Event event;
  event.slug = fields.text("slug", 64);
  if (!event.slug.empty() && !is_slug(event.slug)) {
    fields.fail("slug", "must be 2 to 64 lower-case letters, digits and hyphens, e.g. somri-21");
  }
  event.languages = fields.language_list("languages", nullptr);
  if (!fields.find("languages") || event.languages.empty()) fields.fail("languages", "must list at least one language");
  event.default_language = fields.text("default_language", 35);
  if (!event.default_language.empty() &&
      std::find(event.languages.begin(), event.languages.end(), event.default_language) == event.languages.end()) {
    fields.fail("default_language", "must be one of the event's languages");
  }
  const bool default_ok =
      std::find(event.languages.begin(), event.languages.end(), event.default_language) != event.languages.end();
  const std::string* required = default_ok ? &event.default_language : nullptr;
  event.title = fields.localized("title", event.languages, kTitleChars, required);
  event.description = fields.localized("description", event.languages, kLongTextChars, nullptr);
  event.venue = fields.localized("venue", event.languages, kShortTextChars, nullptr);
  event.city = fields.localized("city", event.languages, kShortTextChars, nullptr);
  event.time_zone = fields.text("time_zone", 64);
  if (!event.time_zone.empty() && !domain::TimeZone::find(event.time_zone)) {
    fields.fail("time_zone", "must be an IANA time zone such as Asia/Ho_Chi_Minh");
  }
  const auto first = fields.date("first_day");
  const auto last = fields.date("last_day");
  if (first) event.first_day = *first;
  if (last) event.last_day = *last;
  if (first && last && *last < *first) fields.fail("last_day", "must not be before first_day");
  if (first && last && domain::days_between(*first, *last) > 60) {
    fields.fail("last_day", "a meeting lasts at most 61 days");
  }
  event.visibility =
      fields.choice<domain::Visibility>("visibility", domain::kVisibilityNames, domain::Visibility::public_);
  return event;
}

nlohmann::json event_input(const domain::Event& event) {
  return {{"slug", event.slug},
          {"title", domain::to_json(event.title)},
          {"description", domain::to_json(event.description)},
          {"venue", domain::to_json(event.venue)},
          {"city", domain::to_json(event.city)},
          {"time_zone", event.time_zone},
          {"first_day", domain::format_date(event.first_day)},
          {"last_day", domain::format_date(event.last_day)},
          {"languages", event.languages},
          {"default_language", event.default_language},
          {"visibility", domain::to_string(event.visibility)}};
}

domain::Room read_room(const nlohmann::json& input, const domain::Event& event, http::Validation& validation) {
  FieldReader fields(input, validation);
  fields.only({"name", "venue", "capacity", "streamed"});
  domain::Room room;
  room.event_id = event.id;
  room.name = fields.localized("name", event.languages, kShortTextChars, &event.default_language);
  room.venue = fields.localized("venue", event.languages, kShortTextChars, nullptr);
  room.capacity = fields.optional_integer("capacity", 0, 100'000);
  room.streamed = fields.boolean("streamed", false);
  return room;
}

nlohmann::json room_input(const domain::Room& room) {
  return {{"name", domain::to_json(room.name)},
          {"venue", domain::to_json(room.venue)},
          {"capacity", room.capacity ? nlohmann::json(*room.capacity) : nlohmann::json(nullptr)},
          {"streamed", room.streamed}};
}

domain::Track read_track(const nlohmann::json& input, const domain::Event& event, http::Validation& validation) {
  FieldReader fields(input, validation);
  fields.only({"name", "color"});
  domain::Track track;
  track.event_id = event.id;
  track.name = fields.localized("name", event.languages, kShortTextChars, &event.default_language);
  track.color = domain::ascii_lower(fields.optional_text("color", 7).value_or("#6e7781"));
  if (!is_colour(track.color)) fields.fail("color", "must be a colour such as #1f6feb");
  return track;
}

nlohmann::json track_input(const domain::Track& track) {
  return {{"name", domain::to_json(track.name)}, {"color", track.color}};
}

domain::Person read_person(const nlohmann::json& input, const domain::Event& event, http::Validation& validation) {
  FieldReader fields(input, validation);
  fields.only({"name", "honorific", "position", "organisation", "country", "bio", "photo_url"});
  domain::Person person;
  person.event_id = event.id;
  person.name = fields.text("name", kShortTextChars);
  person.honorific = fields.localized("honorific", event.languages, kShortTextChars, nullptr);
  person.position = fields.localized("position", event.languages, kShortTextChars, nullptr);
  person.organisation = fields.localized("organisation", event.languages, kShortTextChars, nullptr);
  person.bio = fields.localized("bio", event.languages, 2'000, nullptr);
  person.country = fields.optional_text("country", 2);
  if (person.country && !is_country(*person.country)) {
    fields.fail("country", "must be an ISO 3166-1 alpha-2 code such as VN or MY");
  }
  person.photo_url = fields.optional_text("photo_url", 2'000);
  if (person.photo_url && !is_http_url(*person.photo_url)) fields.fail("photo_url", "must be an http(s) URL");
  return person;
}

nlohmann::json person_input(const domain::Person& person) {
  const auto optional = [](const std::optional<std::string>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
  };
  return {{"name", person.name},
          {"honorific", domain::to_json(person.honorific)},
          {"position", domain::to_json(person.position)},
          {"organisation", domain::to_json(person.organisation)},
          {"country", optional(person.country)},
          {"bio", domain::to_json(person.bio)},
          {"photo_url", optional(person.photo_url)}};
}

domain::Session read_session(const nlohmann::json& input, const domain::Event& event, http::Validation& validation) {
  FieldReader fields(input, validation);
  fields.only({"kind", "title", "description", "starts_at", "ends_at", "room_id", "track_id", "speakers",
               "spoken_language", "interpretation_languages", "status", "visibility", "capacity", "rsvp_required"});
  const domain::TimeZone zone = domain::event_zone(event);
  domain::Session session;
  session.event_id = event.id;
  session.kind = fields.choice<domain::SessionKind>("kind", domain::kSessionKindNames, std::nullopt);
  session.title = fields.localized("title", event.languages, kTitleChars, &event.default_language);
  session.description = fields.localized("description", event.languages, kLongTextChars, nullptr);
  const auto starts = fields.instant("starts_at", zone);
  const auto ends = fields.instant("ends_at", zone);
  if (starts) session.starts_at = *starts;
  if (ends) session.ends_at = *ends;
  if (starts && ends) {
    if (*ends <= *starts) {
      fields.fail("ends_at", "must be after starts_at");
    } else if (*starts < zone.start_of(event.first_day) || *ends > zone.start_of(domain::add_days(event.last_day, 1))) {
      fields.fail("starts_at", "the session must lie within the event's days, " + domain::format_date(event.first_day) +
                                   " to " + domain::format_date(event.last_day) + " (" + zone.name() + ")");
    }
  }
  session.room_id = fields.optional_integer("room_id", 1, INT64_MAX);
  session.track_id = fields.optional_integer("track_id", 1, INT64_MAX);
  if (const nlohmann::json* speakers = fields.find("speakers")) {
    if (!speakers->is_array() || speakers->size() > 50) {
      fields.fail("speakers", "must be a list of at most 50 {\"person_id\", \"role\"} objects");
    } else {
      for (std::size_t i = 0; i < speakers->size(); ++i) {
        FieldReader speaker((*speakers)[i], validation, fields.path("speakers") + "." + std::to_string(i));
        speaker.only({"person_id", "role"});
        const std::int64_t person_id = speaker.integer("person_id", 1, INT64_MAX);
        const auto role =
            speaker.choice<domain::SpeakerRole>("role", domain::kSpeakerRoleNames, domain::SpeakerRole::speaker);
        const bool repeated = std::any_of(session.speakers.begin(), session.speakers.end(),
                                          [&](const auto& s) { return s.person_id == person_id; });
        if (repeated) speaker.fail("person_id", "is listed twice");
        session.speakers.push_back({person_id, role});
      }
    }
  }
  session.spoken_language = fields.optional_text("spoken_language", 35);
  if (session.spoken_language && !domain::is_language_tag(*session.spoken_language)) {
    fields.fail("spoken_language", "must be a BCP 47 language tag such as en");
  }
  session.interpretation_languages = fields.language_list("interpretation_languages", nullptr);
  session.status =
      fields.choice<domain::SessionStatus>("status", domain::kSessionStatusNames, domain::SessionStatus::scheduled);
  session.visibility =
      fields.choice<domain::Visibility>("visibility", domain::kVisibilityNames, domain::Visibility::public_);
  session.capacity = fields.optional_integer("capacity", 0, 100'000);
  session.rsvp_required = fields.boolean("rsvp_required", false);
  if (session.rsvp_required && !session.capacity) fields.fail("capacity", "is required when rsvp_required is true");
  return session;
}

nlohmann::json session_input(const domain::Session& session, const domain::Event& event) {
  const domain::TimeZone zone = domain::event_zone(event);
  auto speakers = nlohmann::json::array();
  for (const auto& speaker : session.speakers) {
    speakers.push_back({{"person_id", speaker.person_id}, {"role", domain::to_string(speaker.role)}});
  }
  const auto optional_id = [](const std::optional<std::int64_t>& id) {
    return id ? nlohmann::json(*id) : nlohmann::json(nullptr);
  };
  return {{"kind", domain::to_string(session.kind)},
          {"title", domain::to_json(session.title)},
          {"description", domain::to_json(session.description)},
          {"starts_at", zone.format(session.starts_at)},
          {"ends_at", zone.format(session.ends_at)},
          {"room_id", optional_id(session.room_id)},
          {"track_id", optional_id(session.track_id)},
          {"speakers", speakers},
          {"spoken_language", session.spoken_language ? nlohmann::json(*session.spoken_language) : nullptr},
          {"interpretation_languages", session.interpretation_languages},
          {"status", domain::to_string(session.status)},
          {"visibility", domain::to_string(session.visibility)},
          {"capacity", optional_id(session.capacity)},
          {"rsvp_required", session.rsvp_required}};
}

}  // namespace plenary::api
