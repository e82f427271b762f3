#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/zoned_time.hpp"

namespace plenary::db {
class Database;
}

namespace plenary::embedded {
// server/app/demo/somri-21.json, compiled in.
extern const std::string_view kDemoSomri21;
}  // namespace plenary::embedded

namespace plenary::app {

inline constexpr const char* kDemoEventSlug = "somri-21";

// The demo meeting's first day for `today` (local): four days that include
// today, with as few weekend days as possible, today preferably the second.
domain::LocalDate demo_first_day(const domain::LocalDate& today, int days);

// Loads the SOMRI-21 demo meeting (rooms, tracks, speakers, sessions in
// English, Vietnamese and Malay), each entity checked by the same rules as
// the API, and audited as done by `actor`. When the meeting is already there,
// moves it (with any changes made to it) so that it is in progress today.
// Runs before serving, on the calling thread.
void seed_demo_meeting(db::Database& database, std::int64_t actor_id, const std::string& actor_email, std::int64_t now);

}  // namespace plenary::app
