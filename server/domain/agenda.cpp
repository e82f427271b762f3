#include "domain/agenda.hpp"

namespace plenary::domain {

TimeZone event_zone(const Event& event) {
  if (auto zone = TimeZone::find(event.time_zone)) return *zone;
  return *TimeZone::find("UTC");
}

}  // namespace plenary::domain
