#pragma once

#include <cstdint>
#include <string>

namespace plenary::domain {

// RFC 3339 in UTC for an instant in seconds since the Unix epoch:
// "2024-11-19T07:00:00Z". Event-local times come with the agenda.
std::string format_utc(std::int64_t seconds);

// Now, in seconds since the Unix epoch.
std::int64_t unix_now();

}  // namespace plenary::domain
