#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace plenary::cache {
class AgendaCache;
}
namespace plenary::db {
class Database;
}
namespace plenary::live {
class Publisher;
}

namespace plenary::relay {

// What the relay needs to turn a room's stream into a session's state.
struct AiringParts {
  db::Database& database;
  live::Publisher& publisher;
  cache::AgendaCache* agenda_cache = nullptr;  // dropped for the event after a change
};

// A session a room's stream is (or was) showing.
struct AiredSession {
  std::int64_t id = 0;
  std::int64_t event_id = 0;
  std::string event_slug;
  bool delegates_only = false;  // the session's or the event's visibility
  std::int64_t starts_at = 0;
  std::int64_t ends_at = 0;
};

// The session scheduled in `room_id` at `now` (see stream_store::session_on_air_at)
// becomes live: its status is set, its recording row opened (`recording_path`
// relative to the media directory, "recordings/{session}"), and session.live
// goes out on the event's channel in the same transaction, with the stream's
// URLs. A session already live is returned as it is, without a message.
// nullopt when nothing is scheduled there now. Blocks on the database: run it
// on a worker, never on an I/O or GStreamer thread.
std::optional<AiredSession> put_on_air(const AiringParts& parts, std::int64_t room_id, std::int64_t now,
                                       std::int64_t early_seconds);

// The session put_on_air() would take, without changing anything: what the
// stream's access follows from the moment a publisher connects.
std::optional<AiredSession> session_on_air(const AiringParts& parts, std::int64_t room_id, std::int64_t now,
                                           std::int64_t early_seconds);

// A session a stream is bound to, as the agenda has it now: nullopt when it
// was deleted, cancelled or moved to another room.
std::optional<AiredSession> reread_aired(const AiringParts& parts, std::int64_t session_id, std::int64_t room_id);

// Sessions of the room still marked live, e.g. by a process that stopped
// while streaming.
std::optional<AiredSession> left_live(const AiringParts& parts, std::int64_t room_id);

// The session's stream is over: status ended, the recording complete with
// `seconds` of replay (none when 0), session.ended on the event's channel with
// the replay's URL. Does nothing to a session no longer live.
void take_off_air(const AiringParts& parts, std::int64_t session_id, double recorded_seconds, std::int64_t now);

// Where a session's recording is kept, relative to the media directory.
std::string recording_folder(std::int64_t session_id);

}  // namespace plenary::relay
