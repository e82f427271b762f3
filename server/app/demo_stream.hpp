#pragma once

#include <cstdint>
#include <optional>

namespace plenary::db {
class Database;
}

namespace plenary::app {

struct DemoStream {
  std::int64_t room_id = 0;
  std::int64_t session_id = 0;  // the session the demo stream puts on air
};

// So a newcomer sees a live session at once: the demo meeting's first
// streamed room gets a public session spanning `now` ("Live demo: the venue
// encoder", three languages) unless one is scheduled there already; the
// synthetic encoder then puts it on air. nullopt when the demo meeting has no
// streamed room. Idempotent.
std::optional<DemoStream> seed_demo_stream(db::Database& database, std::int64_t now);

}  // namespace plenary::app
