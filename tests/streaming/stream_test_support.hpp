#pragma once

// Helpers for the streaming tests: free ports, a temp folder, an io_context on
// its own thread, an event log to wait on with a deadline, and real decoding
// of a segment file.

#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "streaming/relay_events.hpp"
#include "support/temp_dir.hpp"
#include "streaming/room_relay.hpp"
#include "streaming/synthetic_encoder.hpp"

namespace plenary::streaming::test {

// A UDP port on 127.0.0.1 that was free a moment ago: a random one below the
// kernel's ephemeral ports (32768 up), so no parallel test's outgoing socket
// can take it before the relay binds it (GStreamer's SRT source cannot bind
// to 0 and say which port it got). Another test may still pick the same one
// by chance (1 in 12,000) within that moment.
std::uint16_t free_udp_port();

// A fresh folder under the system temp dir, removed with everything in it.
using plenary::test::TempDir;

// The whole of a file, as bytes.
std::string read_text(const std::filesystem::path& path);

// An io_context run by one thread for the life of the object.
class IoThread {
 public:
  IoThread();
  ~IoThread();
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;
  boost::asio::any_io_executor executor() { return io_.get_executor(); }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

// Everything a relay and an encoder reported, filled from their strands and
// read by the test thread. wait() blocks until a condition holds or the deadline.
class EventLog {
 public:
  RelayCallbacks relay_callbacks();
  std::function<void(const EncoderResult&)> encoder_callback();

  // Runs `condition` under the lock each time something is recorded.
  bool wait(const std::function<bool(const EventLog&)>& condition, std::chrono::seconds deadline);

  // Readers: call from inside wait()'s condition or after the writers stopped.
  std::vector<SegmentClosed> segments;
  std::vector<TrackInfo> tracks;
  std::vector<CallerEvent> callers;
  std::vector<std::pair<RelayState, std::string>> states;
  std::vector<std::string> log_lines;
  std::vector<EncoderResult> encoder_results;

  std::size_t segments_of(const std::string& rendition) const;
  // Everything recorded, one event a line, for failure messages.
  std::string describe() const;
  bool saw_state(RelayState state) const;
  bool saw_caller(CallerEvent::Kind kind) const;

 private:
  void record(const std::function<void()>& change);
  mutable std::mutex mutex_;
  std::condition_variable changed_;
};

// Decodes one segment file with a real pipeline (tsdemux, parser, libav
// decoder, appsink) and reports the decoded caps and frame count.
struct DecodeResult {
  int buffers = 0;
  std::string caps;  // caps of the first decoded buffer
  std::string error;
};
enum class MediaKind { video, audio };
DecodeResult decode_segment(const std::filesystem::path& file, MediaKind kind);

// The language of the first audio stream as GstDiscoverer reads it, or "".
std::string segment_audio_language(const std::filesystem::path& file);

// A publisher the SyntheticEncoder cannot be: one AAC tone per entry of
// `languages`, where an empty entry is a track without a language tag (no
// ISO 639 descriptor in the PMT), beside 320x180 H.264, as MPEG-TS over SRT
// to 127.0.0.1:port for `duration`. Blocks the calling thread until all was
// sent and the connection is closed (the relay then sees the end); returns
// "" or what went wrong.
std::string publish_tracks(std::uint16_t port, const std::string& stream_id, const std::string& passphrase,
                           const std::vector<std::string>& languages, std::chrono::milliseconds duration);

// Runs stop() and waits until its teardown has finished.
template <typename T>
void stop_and_wait(const std::shared_ptr<T>& object) {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  object->stop([&] {
    std::lock_guard lock{mutex};
    done = true;
    done_cv.notify_all();
  });
  std::unique_lock lock{mutex};
  done_cv.wait_for(lock, std::chrono::seconds{10}, [&] { return done; });
}

}  // namespace plenary::streaming::test
