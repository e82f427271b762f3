#include "streaming/synthetic_encoder.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cctype>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace plenary::streaming {
namespace {

constexpr int kAudioRate = 48000;
constexpr int kSamplesPerBuffer = 1024;

bool plain_language(const std::string& code) {
  return code.size() >= 2 && code.size() <= 3 &&
         std::all_of(code.begin(), code.end(), [](unsigned char c) { return std::islower(c) != 0; });
}

bool plain_host(const std::string& host) {
  return !host.empty() && std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '.' || c == ':' || c == '-';
  });
}

}  // namespace

std::shared_ptr<SyntheticEncoder> SyntheticEncoder::create(boost::asio::any_io_executor executor,
                                                           EncoderConfig config,
                                                           std::function<void(const EncoderResult&)> on_finished) {
  if (config.port == 0) throw std::invalid_argument("encoder needs a port");
  if (!plain_host(config.host)) throw std::invalid_argument("encoder host must be a plain address");
  if (config.width <= 0 || config.height <= 0 || config.fps <= 0) throw std::invalid_argument("bad video size");
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
    << " ! x264enc tune=zerolatency speed-preset=veryfast key-int-max=" << config.fps
    << " bitrate=" << config.video_kbps << " ! video/x-h264,profile=main ! h264parse ! queue ! mux. ";
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
