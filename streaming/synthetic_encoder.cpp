#include "streaming/synthetic_encoder.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cctype>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace plenary::streaming {
namespace {

constexpr int kAudioRate = 48000;
constexpr int kSamplesPerBuffer = 1024;
constexpr const char* kStampElement = "capture_stamp";
constexpr int kStampTimeBits = 48;
constexpr std::uint8_t kStampWhite = 235;  // video range, so no converter clips it
constexpr std::uint8_t kStampBlack = 16;

bool plain_language(const std::string& code) {
  return code.size() >= 2 && code.size() <= 3 &&
         std::all_of(code.begin(), code.end(), [](unsigned char c) { return std::islower(c) != 0; });
}

bool plain_host(const std::string& host) {
  return !host.empty() && std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '.' || c == ':' || c == '-';
  });
}

// CRC-16/CCITT-FALSE of the 48 time bits, as 6 bytes, most significant first.
std::uint16_t stamp_check(std::uint64_t unix_ms) {
  std::uint16_t crc = 0xFFFF;
  for (int shift = kStampTimeBits - 8; shift >= 0; shift -= 8) {
    crc = static_cast<std::uint16_t>(crc ^ (((unix_ms >> shift) & 0xFF) << 8));
    for (int bit = 0; bit < 8; ++bit) {
      crc = static_cast<std::uint16_t>((crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1);
    }
  }
  return crc;
}

std::uint64_t stamp_word(std::uint64_t unix_ms) {
  const std::uint64_t time = unix_ms & ((std::uint64_t{1} << kStampTimeBits) - 1);
  return (time << 16) | stamp_check(time);
}

// Top-left corner of bit `index`'s block.
std::pair<int, int> stamp_block(int index, int width) {
  const int per_row = width / kCaptureStampBlock;
  return {(index % per_row) * kCaptureStampBlock, (index / per_row) * kCaptureStampBlock};
}

struct RawVideoSize {
  int width = 0;
  int height = 0;
};

// The video source's streaming thread, once per raw I420 frame, just before
// the encoder: the moment it runs is the frame's capture time. Assumes
// GStreamer's default I420 layout (videoconvert's output here); a buffer too
// small for it passes unstamped.
GstPadProbeReturn on_raw_frame(GstPad*, GstPadProbeInfo* info, gpointer data) {
  const auto captured = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  const auto& size = *static_cast<const RawVideoSize*>(data);
  GstBuffer* buffer = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
  GST_PAD_PROBE_INFO_DATA(info) = buffer;
  const auto round4 = [](std::size_t n) { return (n + 3) / 4 * 4; };
  const std::size_t y_stride = round4(static_cast<std::size_t>(size.width));
  const std::size_t c_stride = round4((static_cast<std::size_t>(size.width) + 1) / 2);
  const std::size_t y_size = y_stride * ((static_cast<std::size_t>(size.height) + 1) / 2 * 2);
  const std::size_t c_size = c_stride * ((static_cast<std::size_t>(size.height) + 1) / 2);
  GstMapInfo map{};
  if (!gst_buffer_map(buffer, &map, GST_MAP_WRITE)) return GST_PAD_PROBE_OK;
  if (map.size >= y_size + 2 * c_size) {
    paint_capture_stamp(map.data, y_stride, size.width, static_cast<std::uint64_t>(captured.count()));
    // Grey under the blocks, so they read as black and white in any viewer.
    const std::size_t chroma_rows = static_cast<std::size_t>(capture_stamp_rows(size.width)) / 2;
    for (std::size_t plane = 0; plane < 2; ++plane) {
      std::uint8_t* chroma = map.data + y_size + plane * c_size;
      for (std::size_t row = 0; row < chroma_rows; ++row) std::fill_n(chroma + row * c_stride, c_stride, 128);
    }
  }
  gst_buffer_unmap(buffer, &map);
  return GST_PAD_PROBE_OK;
}

}  // namespace

int capture_stamp_rows(int width) {
  const int per_row = width / kCaptureStampBlock;
  if (per_row < 8) return 0;
  return (kCaptureStampBits + per_row - 1) / per_row * kCaptureStampBlock;
}

void paint_capture_stamp(std::uint8_t* luma, std::size_t stride, int width, std::uint64_t unix_ms) {
  if (capture_stamp_rows(width) == 0) return;
  const std::uint64_t word = stamp_word(unix_ms);
  for (int index = 0; index < kCaptureStampBits; ++index) {
    const bool one = ((word >> (kCaptureStampBits - 1 - index)) & 1U) != 0;
    const auto [x, y] = stamp_block(index, width);
    for (int row = 0; row < kCaptureStampBlock; ++row) {
      std::fill_n(luma + static_cast<std::size_t>(y + row) * stride + static_cast<std::size_t>(x), kCaptureStampBlock,
                  one ? kStampWhite : kStampBlack);
    }
  }
}

std::optional<std::uint64_t> read_capture_stamp(const std::uint8_t* luma, std::size_t stride, int width) {
  if (capture_stamp_rows(width) == 0) return std::nullopt;
  std::uint64_t word = 0;
  for (int index = 0; index < kCaptureStampBits; ++index) {
    const auto [x, y] = stamp_block(index, width);
    // The middle 8x8 of the block: its edges carry the codec's ringing.
    unsigned sum = 0;
    for (int row = 4; row < 12; ++row) {
      const std::uint8_t* line = luma + static_cast<std::size_t>(y + row) * stride + static_cast<std::size_t>(x);
      for (int column = 4; column < 12; ++column) sum += line[column];
    }
    word = (word << 1) | (sum / 64 >= (kStampWhite + kStampBlack) / 2 ? 1U : 0U);
  }
  const std::uint64_t time = word >> 16;
  if (stamp_check(time) != (word & 0xFFFF)) return std::nullopt;
  return time;
}

std::shared_ptr<SyntheticEncoder> SyntheticEncoder::create(boost::asio::any_io_executor executor,
                                                           EncoderConfig config,
                                                           std::function<void(const EncoderResult&)> on_finished) {
  if (config.port == 0) throw std::invalid_argument("encoder needs a port");
  if (!plain_host(config.host)) throw std::invalid_argument("encoder host must be a plain address");
  if (config.width <= 0 || config.height <= 0 || config.fps <= 0) throw std::invalid_argument("bad video size");
  if (config.embed_capture_clock &&
      (capture_stamp_rows(config.width) == 0 || capture_stamp_rows(config.width) > config.height)) {
    throw std::invalid_argument("picture too small for the capture stamp");
  }
  for (const auto& track : config.tracks) {
    if (!plain_language(track.language)) throw std::invalid_argument("language must be 2-3 lowercase letters");
  }
  return std::shared_ptr<SyntheticEncoder>{
      new SyntheticEncoder(std::move(executor), std::move(config), std::move(on_finished))};
}

SyntheticEncoder::SyntheticEncoder(boost::asio::any_io_executor executor, EncoderConfig config,
                                   std::function<void(const EncoderResult&)> on_finished)
    : strand_{boost::asio::make_strand(std::move(executor))},
      config_{std::move(config)},
      on_finished_{std::move(on_finished)} {}

SyntheticEncoder::~SyntheticEncoder() {
  if (bus_watch_) bus_watch_->stop();
  pipeline_.reset();
}

// Only numbers and checked language codes go into the text; the stream id and
// passphrase are set as properties afterwards, never parsed.
std::string SyntheticEncoder::describe(const EncoderConfig& config) {
  std::ostringstream d;
  const long long ms = config.duration.count();
  const long long video_buffers = ms > 0 ? ms * config.fps / 1000 : -1;
  const long long audio_buffers = ms > 0 ? ms * kAudioRate / kSamplesPerBuffer / 1000 : -1;
  const bool ipv6 = config.host.find(':') != std::string::npos;
  // poll-timeout: with the default (forever) a caller whose handshake was
  // refused can wait on libsrt indefinitely instead of failing. auto-reconnect
  // off: a refused test publisher should fail once, not retry in a loop.
  d << "mpegtsmux name=mux alignment=7 ! srtsink name=srt_out wait-for-connection=true poll-timeout=1000 auto-reconnect=false uri=srt://"
    << (ipv6 ? "[" + config.host + "]" : config.host) << ':' << config.port << "?mode=caller ";
  d << "videotestsrc is-live=true num-buffers=" << video_buffers << " ! video/x-raw,width=" << config.width
    << ",height=" << config.height << ",framerate=" << config.fps << "/1"
    << " ! timeoverlay ! videoconvert ! video/x-raw,format=I420"
    << (config.embed_capture_clock ? std::string{" ! identity name="} + kStampElement : std::string{})
    << " ! x264enc tune=zerolatency speed-preset=veryfast key-int-max=" << config.fps
    << " bitrate=" << config.video_kbps << (config.scene_cut_keyframes ? "" : " option-string=scenecut=0")
    << " ! video/x-h264,profile=main ! h264parse ! queue ! mux. ";
  for (const auto& track : config.tracks) {
    d << "audiotestsrc is-live=true wave=sine freq=" << track.frequency_hz << " num-buffers=" << audio_buffers
      << " samplesperbuffer=" << kSamplesPerBuffer << " ! audio/x-raw,rate=" << kAudioRate
      << ",channels=2 ! audioconvert ! avenc_aac bitrate=" << config.audio_kbps * 1000
      // mpegtsmux turns the language-code tag into the PMT's ISO 639 descriptor.
      << " ! aacparse ! taginject tags=\"language-code=" << track.language << "\" ! queue ! mux. ";
  }
  return d.str();
}

void SyntheticEncoder::start() {
  boost::asio::post(strand_, [self = shared_from_this()] { self->do_start(); });
}

void SyntheticEncoder::stop(std::function<void()> done) {
  boost::asio::post(strand_, [self = shared_from_this(), done = std::move(done)]() mutable {
    if (self->bus_watch_) {
      self->bus_watch_->stop();
      self->bus_watch_.reset();
    }
    if (!self->pipeline_) {
      if (done) done();
      return;
    }
    self->reaper_.retire(std::move(self->pipeline_), nullptr, self->strand_, std::move(done));
  });
}

void SyntheticEncoder::do_start() {
  if (started_) return;
  started_ = true;
  const std::string description = describe(config_);
  GError* raw_error = nullptr;
  // gst_parse_launch returns a floating reference (or, on a partial parse, a
  // pipeline plus an error): sink it either way.
  ElementHandle element{ref_sink, gst_parse_launch(description.c_str(), &raw_error)};
  GlibError error{raw_error};
  if (error || !element) {
    finish({false, std::string{"encoder pipeline: "} + (error ? error->message : "parse failed")});
    return;
  }
  try {
    pipeline_ = Pipeline{std::move(element)};
    ElementHandle sink = pipeline_.child("srt_out");
    if (!config_.stream_id.empty()) g_object_set(sink.get(), "streamid", config_.stream_id.c_str(), nullptr);
    if (!config_.passphrase.empty()) g_object_set(sink.get(), "passphrase", config_.passphrase.c_str(), nullptr);
    if (config_.embed_capture_clock) {
      ElementHandle stamp = pipeline_.child(kStampElement);
      PadHandle pad{adopt, gst_element_get_static_pad(stamp.get(), "sink")};
      gst_pad_add_probe(pad.get(), GST_PAD_PROBE_TYPE_BUFFER, on_raw_frame,
                        new RawVideoSize{config_.width, config_.height},
                        [](gpointer p) { delete static_cast<RawVideoSize*>(p); });
    }
    bus_watch_ = BusWatch::start(strand_, pipeline_.bus(), [weak = weak_from_this()](GstMessage* message) {
      if (auto self = weak.lock()) self->on_message(message);
    });
    if (pipeline_.set_state(GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
      finish({false, "encoder pipeline did not start"});
    }
  } catch (const std::exception& e) {
    finish({false, e.what()});
  }
}

void SyntheticEncoder::on_message(GstMessage* message) {
  switch (GST_MESSAGE_TYPE(message)) {
    case GST_MESSAGE_EOS:
      finish({true, {}});
      break;
    case GST_MESSAGE_ERROR: {
      const BusProblem problem = read_problem(message);
      finish({false, problem.source + ": " + problem.message});
      break;
    }
    default:
      break;
  }
}

void SyntheticEncoder::finish(EncoderResult result) {
  if (finished_) return;
  finished_ = true;
  if (bus_watch_) {
    bus_watch_->stop();
    bus_watch_.reset();
  }
  // A pipeline at EOS still holds its SRT connection open; the listener only
  // learns that the publisher is gone when the socket closes. So tear down
  // first and report once the connection is closed.
  auto report = [weak = weak_from_this(), result = std::move(result)] {
    if (auto self = weak.lock(); self && self->on_finished_) self->on_finished_(result);
  };
  if (!pipeline_) {
    boost::asio::post(strand_, std::move(report));
    return;
  }
  reaper_.retire(std::move(pipeline_), nullptr, strand_, std::move(report));
}

}  // namespace plenary::streaming
