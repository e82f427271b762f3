#include "db/stream_store.hpp"

#include <nlohmann/json.hpp>

#include "db/connection.hpp"

namespace plenary::db::stream_store {
namespace {

constexpr std::string_view kStreamColumns =
    "s.room_id, r.event_id, s.srt_port, s.stream_key, s.passphrase, s.track_languages, s.audio_only, "
    "s.low_video_height, s.key_rotated_at, s.updated_at";

StoredRoomStream read_stream(const Statement& row, int first) {
  StoredRoomStream stream;
  stream.room_id = row.int64(first);
  stream.event_id = row.int64(first + 1);
  stream.srt_port = static_cast<int>(row.int64(first + 2));
  stream.stream_key = row.text(first + 3);
  stream.passphrase = row.optional_text(first + 4);
  stream.track_languages = nlohmann::json::parse(row.text(first + 5)).get<std::vector<std::string>>();
  stream.audio_only = row.int64(first + 6) != 0;
  if (const auto height = row.optional_int64(first + 7)) stream.low_video_height = static_cast<int>(*height);
  stream.key_rotated_at = row.int64(first + 8);
  stream.updated_at = row.int64(first + 9);
  return stream;
}

}  // namespace

std::vector<StreamedRoom> list_streamed_rooms(Connection& c) {
  auto statement = c.prepare("SELECT r.id, r.event_id, s.room_id IS NOT NULL, " + std::string(kStreamColumns) +
                             " FROM rooms r LEFT JOIN room_streams s ON s.room_id = r.id"
                             " WHERE r.streamed = 1 ORDER BY r.id");
  std::vector<StreamedRoom> rooms;
  while (statement->step()) {
    StreamedRoom room{statement->int64(0), statement->int64(1), std::nullopt};
    if (statement->int64(2) != 0) room.stream = read_stream(*statement, 3);
    rooms.push_back(std::move(room));
  }
  return rooms;
}

std::optional<StoredRoomStream> find_room_stream(Connection& c, std::int64_t room_id) {
  auto statement = c.prepare("SELECT " + std::string(kStreamColumns) +
                             " FROM room_streams s JOIN rooms r ON r.id = s.room_id WHERE s.room_id = ?1");
  statement->bind(1, room_id);
  if (!statement->step()) return std::nullopt;
  StoredRoomStream stream = read_stream(*statement, 0);
  statement->reset();
  return stream;
}

void put_room_stream(Connection& c, const StoredRoomStream& stream) {
  auto statement = c.prepare(
      "INSERT INTO room_streams (room_id, srt_port, stream_key, passphrase, track_languages, audio_only, "
      "low_video_height, key_rotated_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
      "ON CONFLICT (room_id) DO UPDATE SET srt_port = ?2, stream_key = ?3, passphrase = ?4, track_languages = ?5, "
      "audio_only = ?6, low_video_height = ?7, key_rotated_at = ?8, updated_at = ?9");
  statement->bind_all(stream.room_id, static_cast<std::int64_t>(stream.srt_port), stream.stream_key,
                      stream.passphrase, nlohmann::json(stream.track_languages).dump(), stream.audio_only);
  if (stream.low_video_height) {
    statement->bind(7, static_cast<std::int64_t>(*stream.low_video_height));
  } else {
    statement->bind(7, nullptr);
  }
  statement->bind(8, stream.key_rotated_at);
  statement->bind(9, stream.updated_at);
  statement->run();
}

std::optional<std::int64_t> room_on_port(Connection& c, int port) {
  auto statement = c.prepare("SELECT room_id FROM room_streams WHERE srt_port = ?1");
  statement->bind(1, static_cast<std::int64_t>(port));
  if (!statement->step()) return std::nullopt;
  const std::int64_t room = statement->int64(0);
  statement->reset();
  return room;
}

std::vector<int> used_ports(Connection& c) {
  auto statement = c.prepare("SELECT srt_port FROM room_streams ORDER BY srt_port");
  std::vector<int> ports;
  while (statement->step()) ports.push_back(static_cast<int>(statement->int64(0)));
  return ports;
}

std::optional<StoredRecording> find_recording(Connection& c, std::int64_t session_id) {
  auto statement = c.prepare(
      "SELECT session_id, room_id, path, status, started_at, ended_at, seconds FROM recordings WHERE session_id = ?1");
  statement->bind(1, session_id);
  if (!statement->step()) return std::nullopt;
  StoredRecording recording{statement->int64(0),
                            statement->int64(1),
                            statement->text(2),
                            statement->text(3) == "complete",
                            statement->int64(4),
                            statement->optional_int64(5),
                            statement->real(6)};
  statement->reset();
  return recording;
}

void put_recording(Connection& c, const StoredRecording& recording) {
  auto statement = c.prepare(
      "INSERT OR REPLACE INTO recordings (session_id, room_id, path, status, started_at, ended_at, seconds) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  statement->bind_all(recording.session_id, recording.room_id, recording.path,
                      recording.complete ? "complete" : "recording", recording.started_at, recording.ended_at,
                      recording.seconds);
  statement->run();
}

std::map<std::int64_t, double> replays_of_event(Connection& c, std::int64_t event_id) {
  auto statement = c.prepare(
      "SELECT r.session_id, r.seconds FROM recordings r JOIN sessions s ON s.id = r.session_id "
      "WHERE s.event_id = ?1 AND r.status = 'complete' AND r.seconds > 0");
  statement->bind(1, event_id);
  std::map<std::int64_t, double> replays;
  while (statement->step()) replays[statement->int64(0)] = statement->real(1);
  return replays;
}

std::optional<std::int64_t> session_on_air_at(Connection& c, std::int64_t room_id, std::int64_t now,
                                              std::int64_t early) {
  auto statement = c.prepare(
      "SELECT id FROM sessions WHERE room_id = ?1 AND status <> 'cancelled' AND starts_at - ?3 <= ?2 AND ends_at > ?2 "
      "ORDER BY starts_at DESC, id LIMIT 1");
  statement->bind_all(room_id, now, early);
  if (!statement->step()) return std::nullopt;
  const std::int64_t id = statement->int64(0);
  statement->reset();
  return id;
}

std::vector<std::int64_t> sessions_marked_live(Connection& c, std::int64_t room_id) {
  auto statement = c.prepare("SELECT id FROM sessions WHERE room_id = ?1 AND status = 'live' ORDER BY starts_at");
  statement->bind(1, room_id);
  std::vector<std::int64_t> ids;
  while (statement->step()) ids.push_back(statement->int64(0));
  return ids;
}

std::vector<unsigned char> server_secret(Connection& c, const std::string& name,
                                         const std::vector<unsigned char>& made_if_missing, std::int64_t now) {
  auto insert = c.prepare(
      "INSERT INTO server_secrets (name, value, created_at) VALUES (?1, ?2, ?3) ON CONFLICT (name) DO NOTHING");
  insert->bind(1, name);
  insert->bind_blob(2, made_if_missing);
  insert->bind(3, now);
  insert->run();
  auto select = c.prepare("SELECT value FROM server_secrets WHERE name = ?1");
  select->bind(1, name);
  select->step();
  std::vector<unsigned char> value = select->blob(0);
  select->reset();
  return value;
}

}  // namespace plenary::db::stream_store
