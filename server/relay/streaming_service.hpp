#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "auth/playback_token.hpp"
#include "db/stream_store.hpp"

namespace plenary::cache {
class AgendaCache;
}
namespace plenary::db {
class Connection;
class Database;
}  // namespace plenary::db
namespace plenary::live {
class Publisher;
}

namespace plenary::relay {

class RoomStream;

struct StreamingOptions {
  bool enabled = true;
  std::filesystem::path media_dir = "data/media";
  std::uint64_t media_reserve_bytes = 2048ULL << 20;  // recordings pause below this much free space
  std::string srt_address = "127.0.0.1";  // where the rooms' SRT listeners bind
  int srt_port_base = 9000;               // first port given to a new streamed room; 0: any free port
  std::chrono::milliseconds session_grace{60000};  // a stream gone this long ends its session
  std::chrono::milliseconds tick{2000};    // how often rooms follow the agenda
  std::int64_t playback_token_ttl = 6 * 3600;
};

// The video relay inside the server: one RoomStream per streamed room (a
// room with `streamed` set gets an SRT port and a stream key on first sight),
// kept in step with the database every tick; the playback-token secret; and
// the one thread GStreamer's bus messages and pipeline building run on, so no
// GStreamer call ever runs on an HTTP or WebSocket thread.
//
// If GStreamer or a plugin the relay needs is missing, start() logs one line
// and the service stays unavailable; everything else goes on.
//
// Owns the GStreamer thread and io_context, and the rooms' streams. Threads:
// start() and stop() from the Application's thread; room(), secret and
// reconcile() from any thread (a mutex guards the rooms).
class StreamingService {
 public:
  StreamingService(StreamingOptions options, db::Database& database, live::Publisher& publisher,
                   cache::AgendaCache* agenda_cache, boost::asio::any_io_executor workers);
  ~StreamingService();
  StreamingService(const StreamingService&) = delete;
  StreamingService& operator=(const StreamingService&) = delete;

  // Reads or makes the token secret; checks GStreamer; starts every streamed
  // room's relay and the tick. Blocks on the database.
  void start();
  // Stops every relay (playlists get ENDLIST) and waits until their ports
  // are free, then the GStreamer thread. Needs the worker pool still running.
  void stop();

  bool available() const noexcept { return available_; }
  const std::string& availability() const noexcept { return availability_; }
  const StreamingOptions& options() const noexcept { return options_; }
  const auth::PlaybackSecret& playback_secret() const noexcept { return secret_; }

  // The room's stream, if the room is streamed and streaming is available.
  std::shared_ptr<RoomStream> room(std::int64_t room_id) const;

  // Brings every room's stream in line with the database now (after a host
  // changed a room or its stream). Blocks on the database: call from a worker.
  void reconcile();

  // Inside a write transaction: the room's stream row, made with a free port
  // and a new key if it has none yet.
  db::StoredRoomStream ensure_stream(db::Connection& connection, std::int64_t room_id, std::int64_t now);
  // A port no other room uses and that nothing on this machine holds (UDP).
  int free_port(db::Connection& connection, std::optional<std::int64_t> for_room);

  // The demo's venue: a synthetic encoder sending into the room's stream
  // until stop(). Its tracks: floor, English, Vietnamese.
  void start_demo_encoder(std::int64_t room_id);

 private:
  struct Parts;
  void schedule_tick();
  std::unique_ptr<Parts> parts_;
  StreamingOptions options_;
  bool available_ = false;
  std::string availability_;
  auth::PlaybackSecret secret_{};
};

// "srt://{host}:{port}?streamid={key}" for the room's encoder.
std::string encoder_url(const std::string& host, const db::StoredRoomStream& stream);

}  // namespace plenary::relay
