#include "domain/zoned_time.hpp"

#include <charconv>
#include <cstdio>

#include <date/date.h>
#include <date/tz.h>

namespace plenary::domain {
namespace {

using Seconds = std::chrono::seconds;

date::year_month_day to_ymd(const LocalDate& value) {
  return date::year{value.year} / date::month{value.month} / date::day{value.day};
}

LocalDate from_ymd(const date::year_month_day& ymd) {
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day())};
}

bool read_number(std::string_view text, std::size_t at, std::size_t width, int& out) {
  if (at + width > text.size()) return false;
  for (std::size_t i = at; i < at + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return std::from_chars(text.data() + at, text.data() + at + width, out).ec == std::errc();
}

}  // namespace

std::optional<LocalDate> parse_date(std::string_view text) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !read_number(text, 0, 4, year) ||
      !read_number(text, 5, 2, month) || !read_number(text, 8, 2, day)) {
    return std::nullopt;
  }
  const auto ymd = date::year{year} / date::month{static_cast<unsigned>(month)} / date::day{static_cast<unsigned>(day)};
  if (!ymd.ok()) return std::nullopt;
  return from_ymd(ymd);
}

std::string format_date(const LocalDate& value) {
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", value.year, value.month, value.day);
  return text;
}

LocalDate add_days(const LocalDate& value, int days) {
  return from_ymd(date::year_month_day{date::sys_days{to_ymd(value)} + date::days{days}});
}

int days_between(const LocalDate& from, const LocalDate& to) {
  return static_cast<int>((date::sys_days{to_ymd(to)} - date::sys_days{to_ymd(from)}).count());
}

unsigned weekday(const LocalDate& value) {
  return date::weekday{date::sys_days{to_ymd(value)}}.c_encoding();
}

TimeZone::TimeZone(const date::time_zone* zone) : zone_(zone), name_(zone->name()) {}

std::optional<TimeZone> TimeZone::find(std::string_view name) {
  if (name.empty() || name.size() > 64) return std::nullopt;
  try {
    return TimeZone(date::locate_zone(name));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string TimeZone::format(std::int64_t unix_seconds) const {
  const date::sys_seconds instant{Seconds{unix_seconds}};
  const auto info = zone_->get_info(instant);
  const auto local = date::local_seconds{instant.time_since_epoch() + info.offset};
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<Seconds> clock{local - day};
  const long offset_minutes = static_cast<long>(info.offset.count() / 60);
  const char sign = offset_minutes < 0 ? '-' : '+';
  const long magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02ld:%02ld:%02ld%c%02ld:%02ld", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(clock.hours().count()), static_cast<long>(clock.minutes().count()),
                static_cast<long>(clock.seconds().count()), sign, magnitude / 60, magnitude % 60);
  return text;
}

LocalDate TimeZone::local_date(std::int64_t unix_seconds) const {
  const date::sys_seconds instant{Seconds{unix_seconds}};
  const auto local = zone_->to_local(instant);
  return from_ymd(date::year_month_day{date::floor<date::days>(local)});
}

std::int64_t TimeZone::start_of(const LocalDate& value) const {
  const date::local_seconds midnight{date::local_days{to_ymd(value)}.time_since_epoch()};
  const auto info = zone_->get_info(midnight);
  switch (info.result) {
    case date::local_info::unique: return (midnight - info.first.offset).time_since_epoch().count();
    case date::local_info::ambiguous:  // the first of two midnights
      return (midnight - info.first.offset).time_since_epoch().count();
    case date::local_info::nonexistent:  // midnight skipped: the day starts at the transition
    default: return info.second.begin.time_since_epoch().count();
  }
}

std::optional<std::int64_t> TimeZone::from_local(const LocalDate& value, int hour, int minute, int second) const {
  const date::local_seconds when{date::local_days{to_ymd(value)}.time_since_epoch() + std::chrono::hours{hour} +
                                 std::chrono::minutes{minute} + Seconds{second}};
  const auto info = zone_->get_info(when);
  if (info.result != date::local_info::unique) return std::nullopt;
  return (when - info.first.offset).time_since_epoch().count();
}

std::optional<std::int64_t> parse_instant(std::string_view text, const TimeZone& zone) {
  // YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]
  if (text.size() < 16 || (text[10] != 'T' && text[10] != 't' && text[10] != ' ')) return std::nullopt;
  const auto day = parse_date(text.substr(0, 10));
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!day || !read_number(text, 11, 2, hour) || text[13] != ':' || !read_number(text, 14, 2, minute)) {
    return std::nullopt;
  }
  std::size_t at = 16;
  if (at < text.size() && text[at] == ':') {
    if (!read_number(text, at + 1, 2, second)) return std::nullopt;
    at += 3;
    if (at < text.size() && text[at] == '.') {
      ++at;
      while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;  // sub-seconds are dropped
    }
  }
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  if (second == 60) second = 59;
  const std::string_view zone_part = text.substr(at);
  if (zone_part.empty()) return zone.from_local(*day, hour, minute, second);
  long offset_seconds = 0;
  if (zone_part == "Z" || zone_part == "z") {
    offset_seconds = 0;
  } else {
    int offset_hours = 0;
    int offset_minutes = 0;
    if (zone_part.size() != 6 || (zone_part[0] != '+' && zone_part[0] != '-') || zone_part[3] != ':' ||
        !read_number(zone_part, 1, 2, offset_hours) || !read_number(zone_part, 4, 2, offset_minutes) ||
        offset_hours > 23 || offset_minutes > 59) {
      return std::nullopt;
    }
    offset_seconds = (offset_hours * 3600L + offset_minutes * 60L) * (zone_part[0] == '-' ? -1 : 1);
  }
  const auto days = date::sys_days{to_ymd(*day)}.time_since_epoch();
  const std::int64_t local = std::chrono::duration_cast<Seconds>(days).count() + hour * 3600L + minute * 60L + second;
  return local - offset_seconds;
}

}  // namespace plenary::domain
