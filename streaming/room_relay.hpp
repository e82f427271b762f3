#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "streaming/bus_watch.hpp"
#include "streaming/gst_pipeline.hpp"
#include "streaming/pipeline_reaper.hpp"
#include "streaming/playlist_writer.hpp"
#include "streaming/publisher_gate.hpp"
#include "streaming/relay_events.hpp"

namespace plenary::streaming {

struct RelayConfig {
  std::string room;                         // names the pipeline in logs
  std::string listen_address = "127.0.0.1";
  std::uint16_t port = 0;                   // SRT listener port (UDP); must be set
  std::string stream_id;                    // expected SRT streamid; empty accepts any
  std::string passphrase;                   // SRT AES passphrase, 10..79 characters; empty: no encryption
  std::filesystem::path output_dir;         // one sub-folder per rendition is created inside
  // Longest segment: video is cut at a keyframe once the next GOP, if as
  // long as the last, would not fit (and listed as soon as that keyframe
  // arrives); audio before the first frame that would not fit.
  std::chrono::milliseconds segment_duration{1000};
  std::chrono::milliseconds srt_latency{125};
  bool audio_only_variant = false;          // also re-encode each audio track at low bit rate
  int audio_only_kbps = 24;                 // AAC-LC, 24 kHz mono, for the audio-only variant
  std::size_t playlist_window = 6;          // segments listed in each media playlist
  std::chrono::milliseconds segment_retention{30000};  // minimum time on disk after leaving the playlist
  std::string floor_name = "Floor";         // menu name of a floor track whose language has no name ("mul")
  // After a pipeline error the relay rebuilds after this, doubling per
  // failure up to the maximum; back to the first once a publisher connects.
  std::chrono::milliseconds restart_backoff{1000};
  std::chrono::milliseconds max_restart_backoff{30000};
  // Lower-resolution video variant, rendition "video_{low_video_height}": the
  // first video track decoded, scaled to this height (even; never above the
  // source's) with the width that keeps the aspect ratio (even), and encoded
  // again (x264, main profile, zero latency) with a keyframe exactly where the
  // source has one, so its segments line up with the source's. 0: off; 16..2160.
  int low_video_height = 0;
  int low_video_kbps = 600;                 // its x264 bit rate; 50..20000
  // Language (BCP 47) of each audio track by audio index, PID order, e.g.
  // {"mul", "en", "vi"}: used for a track whose stream carries no ISO 639
  // descriptor. A descriptor, when present, wins. Empty entries: unknown.
  std::vector<std::string> track_languages;
  // How often segment files past their retention are deleted (also while no
  // publisher sends and after stop(), as long as the relay object lives).
  std::chrono::milliseconds sweep_interval{2000};
};

// Everything a relay reports; each runs on the relay's strand. Any may be empty.
struct RelayCallbacks {
  std::function<void(const SegmentClosed&)> on_segment;
  std::function<void(const TrackInfo&)> on_track;
  std::function<void(const CallerEvent&)> on_caller;
  std::function<void(RelayState, const std::string& detail)> on_state;
  std::function<void(const std::string& line)> on_log;  // warnings worth a log line
};

// The video relay of one room: an SRT listener (srtsrc) feeding tsdemux, and
// per elementary stream a branch that parses and cuts it, without
// re-encoding, into MPEG-TS segment files (video: splitmuxsink with
// mpegtsmux; audio: the relay's own segmenter on tsdemux's thread), one
// folder per rendition, listed in HLS playlists it writes itself
// ({output_dir}/{rendition}/index.m3u8 and {output_dir}/master.m3u8).
// Optionally re-encoded variants beside them: each audio track at a low bit
// rate, and the video at a lower resolution. A timer on the strand deletes
// segment files whose retention has passed.
//
// When the publisher leaves (srtsrc ends the stream) the relay builds a new
// pipeline on the same port at once, and the next segments follow an
// EXT-X-DISCONTINUITY in the same playlists. After a pipeline error it shows
// `error` and rebuilds with growing backoff. stop() ends the playlists.
//
// Owns the pipeline, the bus watch, the playlists and the state that
// GStreamer callbacks point at (kept alive until the pipeline is NULL).
// Threads: public members may be called from any thread (they post to the
// strand); callbacks and all pipeline building run on the strand; pad-added and
// SRT signals run on GStreamer threads and only post messages to the bus.
class RoomRelay : public std::enable_shared_from_this<RoomRelay> {
 public:
  // Throws std::invalid_argument on a bad config (no port, passphrase length).
  static std::shared_ptr<RoomRelay> create(boost::asio::any_io_executor executor, RelayConfig config,
                                           RelayCallbacks callbacks);
  ~RoomRelay();
  RoomRelay(const RoomRelay&) = delete;
  RoomRelay& operator=(const RoomRelay&) = delete;

  // Builds the pipeline and starts listening. A second start() is ignored.
  void start();
  // Ends the playlists (ENDLIST) and tears the pipeline down on a background
  // thread; `done` then runs on the strand.
  void stop(std::function<void()> done = {});
  // Key rotation: the streamid every publisher must present, in force when
  // this returns (not posted). A connected publisher that presented another
  // id is cut off: its data stops at once and the relay listens again. The
  // passphrase is fixed for the life of a pipeline (srtsrc accepts it only in
  // NULL/READY).
  void set_stream_id(std::string stream_id);

  RelayState state() const noexcept { return state_.load(); }
  const RelayConfig& config() const noexcept { return config_; }

  struct Shared;  // what GStreamer threads see; defined in room_relay.cpp

 private:
  RoomRelay(boost::asio::any_io_executor executor, RelayConfig config, RelayCallbacks callbacks);
  void do_start();
  void build_pipeline();
  // Retires the pipeline; once it is NULL (port free again) builds the next after `delay`.
  void rebuild(std::chrono::milliseconds delay);
  void restart_after_error();
  // After a rotation revoked the connected publisher: listen again without it.
  void drop_revoked_publisher();
  void on_message(GstMessage* message);
  void on_format_message(const GstStructure* structure);
  void report_track(const TrackInfo& track);
  void on_element_message(GstMessage* message);
  void on_application_message(GstMessage* message);
  void set_state(RelayState state, const std::string& detail);
  void log(const std::string& line) const;
  // Deletes expired segment files, then waits sweep_interval for the next round.
  void schedule_sweep();

  Strand strand_;
  RelayConfig config_;
  RelayCallbacks callbacks_;
  std::atomic<RelayState> state_{RelayState::idle};
  std::shared_ptr<Shared> shared_;
  Pipeline pipeline_;
  std::shared_ptr<BusWatch> bus_watch_;
  std::map<std::string, std::uint64_t> segment_opened_at_;  // rendition -> running time (ns)
  // Wall clock at running time 0 of the current pipeline, from its first opened segment.
  std::optional<std::chrono::system_clock::time_point> wall_at_zero_;
  std::map<std::string, TrackInfo> tracks_;
  PlaylistWriter playlists_;
  boost::asio::steady_timer restart_timer_;
  boost::asio::steady_timer sweep_timer_;
  std::chrono::milliseconds next_backoff_;
  unsigned generation_ = 0;
  bool rebuilding_ = false;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point last_refusal_logged_{};
  std::uint64_t refusals_not_logged_ = 0;
  static constexpr std::chrono::seconds kRefusalLogInterval{10};
  bool started_ = false;
  // Shared with every pipeline's callbacks; set_stream_id writes it directly.
  std::shared_ptr<PublisherGate> gate_;
  PipelineReaper reaper_;
};

}  // namespace plenary::streaming
