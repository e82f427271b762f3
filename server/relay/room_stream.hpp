#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "db/stream_store.hpp"
#include "relay/recording.hpp"
#include "relay/session_airing.hpp"
#include "relay/viewer_count.hpp"
#include "streaming/relay_events.hpp"

namespace plenary::streaming {
class RoomRelay;
}

namespace plenary::relay {

// What one room's stream needs from the agenda and from its own row; the
// service hands it a fresh copy when either changes.
struct RoomSettings {
  std::int64_t room_id = 0;
  std::int64_t event_id = 0;
  std::string event_slug;
  bool event_delegates_only = false;
  db::StoredRoomStream stream;

  bool operator==(const RoomSettings&) const = default;
};

// Shared by every room's stream; owned by the StreamingService.
struct StreamEnvironment {
  AiringParts airing;
  std::filesystem::path media_dir;     // live/{room}/{run}/… and recordings/{session}/…
  std::string srt_address;             // where the SRT listeners bind
  std::uint64_t media_reserve_bytes = 0;  // recordings pause while the media disk has less free
  std::chrono::milliseconds session_grace;  // how long a stream may be gone before its session ends
  std::int64_t early_seconds = 900;    // a stream this early belongs to the next session
  boost::asio::any_io_executor gstreamer;  // the relays' own thread (never blocks)
  boost::asio::any_io_executor workers;    // may block on the database
};

enum class StreamState { idle, live, reconnecting, error };
const char* to_string(StreamState state);

// One rendition of the room's current run, as the status endpoint reports it.
struct RenditionStatus {
  std::string name;      // "video", "audio_0", "audio_0_low", "video_360"
  std::string codec;     // caps name
  std::string codecs;    // RFC 6381
  std::string language;  // audio: BCP 47
  int width = 0;
  int height = 0;
  double bits_per_second = 0;  // over its last few segments
};

// A consistent copy of a room's stream state, for HTTP handlers.
struct StreamSnapshot {
  StreamState state = StreamState::idle;
  std::string detail;  // why error; who was refused
  std::string run;     // "r…": the live playlists' folder
  std::filesystem::path run_dir;
  std::optional<std::int64_t> started_at;  // unix seconds, the current live period
  std::int64_t since = 0;                  // unix seconds of the last state change
  std::optional<AiredSession> session;     // the session on air, if any
  std::vector<RenditionStatus> renditions;
  RoomSettings settings;
  // For hosts: the encoder connected now, and publishers refused (wrong key).
  std::string publisher;  // "address:port", empty when none
  std::uint64_t refused = 0;
  std::optional<std::int64_t> last_refused_at;
  std::string last_refused_peer;
  // The session's recording: false while it is paused (the media disk is
  // down to its reserve); true otherwise.
  bool recording = true;
  // The stream settings the room's relay has answered with (it listens, or
  // it failed): empty while a relay starts or restarts.
  std::optional<db::StoredRoomStream> answered;
};

// The stream of one room: its RoomRelay (SRT in, HLS out, on the GStreamer
// executor), what the relay reports turned into the stream's state, the
// session it shows (live when the stream starts, ended when it has been gone
// for the grace time), that session's recording, and how many watch.
//
// Owns the relay, the run folder and the recording. Threads: relay callbacks
// and ticks run on a strand of the worker pool (they may write the database);
// snapshot() and note_viewer() from any thread (a mutex guards the snapshot).
class RoomStream : public std::enable_shared_from_this<RoomStream> {
 public:
  static std::shared_ptr<RoomStream> create(const StreamEnvironment& environment, RoomSettings settings);
  ~RoomStream();

  // Starts the relay in a new run folder and takes up a session left live.
  void start();
  // New settings: a new key is applied at once; a new port, passphrase or
  // variant set restarts the relay in a new run.
  void update(RoomSettings settings);
  // Stops the relay (playlists get ENDLIST). At shutdown the session stays
  // live so a restarted server takes it up again; for a room no longer
  // streamed (`end_session`) it ends now. `done` runs once the port is free.
  void stop(std::function<void()> done, bool end_session = false);
  // Every few seconds: ends a session whose stream stayed away, moves on to
  // the next session when the current one is over.
  void tick();

  // Key rotation from an HTTP handler: in force when this returns (the
  // relay's gate is written directly, not through the strand).
  void apply_key_now(const std::string& stream_key);

  // From an HTTP handler after a settings change: waits until the relay
  // listens with `wanted` (port, passphrase, variants), or has failed to, or
  // `deadline`. An encoder set up from the answer finds the new listener.
  bool wait_listening(const db::StoredRoomStream& wanted, std::chrono::steady_clock::time_point deadline) const;

  StreamSnapshot snapshot() const;
  // Every change to the snapshot counts one up. wait_changed() returns once
  // the count differs from `seen` (true) or at `deadline` (false): for
  // whoever follows the stream (tests, a host's screen) without polling.
  std::uint64_t version() const;
  bool wait_changed(std::uint64_t seen, std::chrono::steady_clock::time_point deadline) const;
  void note_viewer(const std::string& who);
  std::size_t viewers() const;

 private:
  RoomStream(const StreamEnvironment& environment, RoomSettings settings);
  void start_relay();
  void on_state(streaming::RelayState state, const std::string& detail);
  void on_segment(const streaming::SegmentClosed& segment);
  void on_track(const streaming::TrackInfo& track);
  void on_caller(const streaming::CallerEvent& event);
  void bind_session(std::int64_t now);
  void end_session(std::int64_t now);
  void set_state(StreamState state, const std::string& detail);
  std::string master_text() const;
  // The run's master playlist exists and lists every track of the publisher's.
  bool master_ready() const;
  // Records the segment unless the media disk is down to its reserve (then
  // the live stream goes on and the recording resumes after a break).
  void record(const streaming::SegmentClosed& segment);
  // Whether the media disk has more free space than its reserve; notes a
  // change (log line, snapshot) when this differs from last time.
  bool check_reserve();
  template <class F>
  void on_strand(F&& work);

  const StreamEnvironment& environment_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;

  // Written on the strand only, and under mutex_ so apply_key_now can read it.
  std::shared_ptr<streaming::RoomRelay> relay_;
  // On the strand only:
  std::optional<Recording> recording_;
  std::optional<std::chrono::steady_clock::time_point> gone_since_;  // stream away, session still bound
  struct Sizes {
    std::deque<std::pair<std::uint64_t, double>> last;  // bytes, seconds
  };
  std::map<std::string, Sizes> sizes_;
  bool stopping_ = false;
  bool recording_paused_ = false;  // segments not recorded since; the next follows a break
  db::StoredRoomStream relay_settings_;  // what relay_ was started with

  // Holds mutex_ while the snapshot is changed; then counts the change and
  // wakes wait_changed().
  class SnapshotChange {
   public:
    explicit SnapshotChange(RoomStream& stream);
    ~SnapshotChange();
    SnapshotChange(const SnapshotChange&) = delete;
    SnapshotChange& operator=(const SnapshotChange&) = delete;

   private:
    RoomStream& stream_;
    std::unique_lock<std::mutex> lock_;
  };

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  StreamSnapshot snapshot_;  // guarded by mutex_
  std::uint64_t version_ = 0;  // guarded by mutex_
  mutable ViewerCount viewers_;  // guarded by mutex_
};

}  // namespace plenary::relay
