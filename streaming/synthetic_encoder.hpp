#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "streaming/bus_watch.hpp"
#include "streaming/gst_pipeline.hpp"
#include "streaming/pipeline_reaper.hpp"

namespace plenary::streaming {

// One audio track of the synthetic venue: a steady tone, tagged with a language.
struct ToneTrack {
  std::string language;  // ISO 639 code written into the TS language descriptor ("mul", "en", "vi")
  double frequency_hz = 440.0;
};

struct EncoderConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string stream_id;   // empty: none sent
  std::string passphrase;  // empty: no encryption
  int width = 320;
  int height = 180;
  int fps = 30;
  int video_kbps = 400;
  int audio_kbps = 96;
  std::chrono::milliseconds duration{0};  // 0: run until stop()
  std::vector<ToneTrack> tracks{{"mul", 220.0}, {"en", 440.0}, {"vi", 660.0}};
  // Benchmarks: paint each raw frame's capture time (see paint_capture_stamp)
  // into its top rows before encoding, so a reader of the output can tell how
  // old every frame is. Off for the demo and tests.
  bool embed_capture_clock = false;
  // x264's scene-cut keyframes (its default). On the 720p test pattern they
  // come every 15 frames, halving GOPs and some segments; false: a keyframe
  // exactly every second, as an HLS venue encoder is set up.
  bool scene_cut_keyframes = true;
};

// The capture stamp: a frame's wall-clock capture time (CLOCK_REALTIME, ms
// since the Unix epoch) as 64 black or white 16x16 blocks in the luma plane,
// aligned to macroblocks so the encoder keeps them sharp: 48 bits of time,
// then a 16-bit CRC of them, most significant bit first, left to right from
// the top-left corner, wrapping every width / 16 blocks.
inline constexpr int kCaptureStampBlock = 16;
inline constexpr int kCaptureStampBits = 64;
// Picture rows the stamp covers at this width (0 when narrower than 8 blocks).
int capture_stamp_rows(int width);
// Paints `unix_ms` into an 8-bit luma plane of at least capture_stamp_rows(width) rows.
void paint_capture_stamp(std::uint8_t* luma, std::size_t stride, int width, std::uint64_t unix_ms);
// Reads a stamp back from a decoded luma plane; empty when the check does not hold.
std::optional<std::uint64_t> read_capture_stamp(const std::uint8_t* luma, std::size_t stride, int width);

// What a finished encoder reports: ok after the whole duration was sent.
struct EncoderResult {
  bool ok = false;
  std::string error;
};

// A stand-in for the venue's hardware encoder, for the demo room and tests:
// test pattern with a running time overlay, H.264 main profile (I420, a
// keyframe every second, zero-latency tuning), one AAC tone per language, in
// MPEG-TS over SRT as caller to host:port. With `embed_capture_clock` each
// frame also carries its capture time (a pad probe paints it after the
// overlay, on the video source's streaming thread).
//
// Owns its pipeline and bus watch. After the last buffer or an error it
// closes the connection, then reports. Threads: public members from any
// thread (they post); `on_finished` runs once on the strand.
class SyntheticEncoder : public std::enable_shared_from_this<SyntheticEncoder> {
 public:
  // Throws std::invalid_argument on a bad config (no port, language not 2-3 letters).
  static std::shared_ptr<SyntheticEncoder> create(boost::asio::any_io_executor executor, EncoderConfig config,
                                                  std::function<void(const EncoderResult&)> on_finished);
  ~SyntheticEncoder();
  SyntheticEncoder(const SyntheticEncoder&) = delete;
  SyntheticEncoder& operator=(const SyntheticEncoder&) = delete;

  void start();
  void stop(std::function<void()> done = {});

  // The gst-launch-1.0 description of the pipeline (without key material).
  static std::string describe(const EncoderConfig& config);

 private:
  SyntheticEncoder(boost::asio::any_io_executor executor, EncoderConfig config,
                   std::function<void(const EncoderResult&)> on_finished);
  void do_start();
  void on_message(GstMessage* message);
  void finish(EncoderResult result);

  Strand strand_;
  EncoderConfig config_;
  std::function<void(const EncoderResult&)> on_finished_;
  Pipeline pipeline_;
  std::shared_ptr<BusWatch> bus_watch_;
  bool started_ = false;
  bool finished_ = false;
  PipelineReaper reaper_;
};

}  // namespace plenary::streaming
