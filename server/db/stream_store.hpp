#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace plenary::db {

class Connection;

// How a streamed room's encoder reaches the relay (schema/0006_streaming.sql).
struct StoredRoomStream {
  std::int64_t room_id = 0;
  std::int64_t event_id = 0;  // the room's event (read only)
  int srt_port = 0;
  std::string stream_key;
  std::optional<std::string> passphrase;
  std::vector<std::string> track_languages;
  bool audio_only = true;
  std::optional<int> low_video_height;
  std::int64_t key_rotated_at = 0;
  std::int64_t updated_at = 0;

  bool operator==(const StoredRoomStream&) const = default;
};

struct StoredRecording {
  std::int64_t session_id = 0;
  std::int64_t room_id = 0;
  std::string path;  // relative to the media directory
  bool complete = false;
  std::int64_t started_at = 0;
  std::optional<std::int64_t> ended_at;
  double seconds = 0;
};

// SQL for the relay's configuration, recordings and the server's own secrets.
// Stateless: every function runs on the Connection it is given, inside the
// caller's transaction.
namespace stream_store {

// Every streamed room (rooms.streamed = 1) with its stream row, if it has one.
struct StreamedRoom {
  std::int64_t room_id = 0;
  std::int64_t event_id = 0;
  std::optional<StoredRoomStream> stream;
};
std::vector<StreamedRoom> list_streamed_rooms(Connection& c);

std::optional<StoredRoomStream> find_room_stream(Connection& c, std::int64_t room_id);
// Inserts the room's row or updates it; a port another room uses fails (UNIQUE).
void put_room_stream(Connection& c, const StoredRoomStream& stream);
// The room using `port`, if any.
std::optional<std::int64_t> room_on_port(Connection& c, int port);
// Ports in use by any room, ascending.
std::vector<int> used_ports(Connection& c);

std::optional<StoredRecording> find_recording(Connection& c, std::int64_t session_id);
void put_recording(Connection& c, const StoredRecording& recording);
// Session id -> seconds, for the event's finished recordings with something in them.
std::map<std::int64_t, double> replays_of_event(Connection& c, std::int64_t event_id);

// The session a stream starting in `room_id` at `now` belongs to: scheduled
// there, not cancelled, begun (or beginning within `early` seconds) and not
// over; the latest begun first.
std::optional<std::int64_t> session_on_air_at(Connection& c, std::int64_t room_id, std::int64_t now,
                                              std::int64_t early);
// Sessions of the room still marked live (a stream that was cut by a restart).
std::vector<std::int64_t> sessions_marked_live(Connection& c, std::int64_t room_id);

// The secret called `name`; `made_if_missing` is stored and returned on first use.
std::vector<unsigned char> server_secret(Connection& c, const std::string& name,
                                         const std::vector<unsigned char>& made_if_missing, std::int64_t now);

}  // namespace stream_store
}  // namespace plenary::db
