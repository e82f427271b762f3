#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace plenary::domain {

// A calendar date, "YYYY-MM-DD" on the wire.
struct LocalDate {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  auto operator<=>(const LocalDate&) const = default;
};

std::optional<LocalDate> parse_date(std::string_view text);
std::string format_date(const LocalDate& date);
LocalDate add_days(const LocalDate& date, int days);
int days_between(const LocalDate& from, const LocalDate& to);
unsigned weekday(const LocalDate& date);  // 0 = Sunday

// An IANA time zone from the system database (Debian's tzdata), through
// Howard Hinnant's date/tz. Cheap to copy; thread-safe.
class TimeZone {
 public:
  // nullopt for a name the database does not know.
  static std::optional<TimeZone> find(std::string_view name);

  const std::string& name() const noexcept { return name_; }
  // RFC 3339 with this zone's offset at that instant: "2024-11-19T14:00:00+07:00".
  std::string format(std::int64_t unix_seconds) const;
  LocalDate local_date(std::int64_t unix_seconds) const;
  // The instant local midnight starts `date` (the first instant of the day,
  // even where a DST change skips midnight).
  std::int64_t start_of(const LocalDate& date) const;
  // The instant of a local wall-clock time; nullopt when a DST change skips
  // that time or makes it happen twice (the caller must then give an offset).
  std::optional<std::int64_t> from_local(const LocalDate& date, int hour, int minute, int second = 0) const;

 private:
  explicit TimeZone(const date::time_zone* zone);
  const date::time_zone* zone_;
  std::string name_;
};

// Parses an instant: RFC 3339 with "Z" or an offset, or a local
// "YYYY-MM-DDTHH:MM[:SS]" read in `zone`. nullopt when malformed, or a local
// time that a DST change skips or repeats.
std::optional<std::int64_t> parse_instant(std::string_view text, const TimeZone& zone);

}  // namespace plenary::domain
