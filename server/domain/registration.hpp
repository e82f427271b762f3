#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/agenda.hpp"

namespace plenary::domain {

enum class Category { head_of_delegation, delegate, observer, speaker, press, staff, organiser };
enum class Attendance { in_person, remote };
enum class RegistrationStatus { pending, approved, rejected, cancelled };
enum class RsvpStatus { confirmed, waitlisted };

inline constexpr std::array<std::string_view, 7> kCategoryNames{
    "head_of_delegation", "delegate", "observer", "speaker", "press", "staff", "organiser"};
inline constexpr std::array<std::string_view, 2> kAttendanceNames{"in_person", "remote"};
inline constexpr std::array<std::string_view, 4> kRegistrationStatusNames{"pending", "approved", "rejected",
                                                                          "cancelled"};
inline constexpr std::array<std::string_view, 2> kRsvpStatusNames{"confirmed", "waitlisted"};

inline std::string_view to_string(Category v) {
  return name_of(v, kCategoryNames);
}
inline std::string_view to_string(Attendance v) {
  return name_of(v, kAttendanceNames);
}
inline std::string_view to_string(RegistrationStatus v) {
  return name_of(v, kRegistrationStatusNames);
}
inline std::string_view to_string(RsvpStatus v) {
  return name_of(v, kRsvpStatusNames);
}

// One delegate's registration to one event.
struct Registration {
  std::int64_t id = 0;
  std::int64_t event_id = 0;
  std::string name;  // as written, in any script
  std::optional<std::string> position;
  std::optional<std::string> organisation;
  std::string delegation;  // ISO 3166-1 alpha-2
  Category category = Category::delegate;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> preferred_language;
  Attendance attendance = Attendance::in_person;
  std::optional<std::string> notes;  // accessibility, dietary
  RegistrationStatus status = RegistrationStatus::pending;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// The text a search compares: case-folded, diacritics removed, NFC, so that
// "nguyen" finds "Nguyễn" and "ha long" finds "Hạ Long".
std::string search_fold(std::string_view text);

}  // namespace plenary::domain
