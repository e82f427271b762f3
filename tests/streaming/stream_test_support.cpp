#include "stream_test_support.hpp"

#include <gst/app/gstappsink.h>
#include <gst/pbutils/pbutils.h>

#include <boost/asio/ip/udp.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "streaming/gst_handle.hpp"
#include "streaming/gst_pipeline.hpp"

namespace plenary::streaming {
// The discoverer is a plain GObject; tests are its only user.
template <> struct RefTraits<GstDiscoverer> : GObjectRefs<GstDiscoverer> {};
template <> struct RefTraits<GstDiscovererInfo> : GObjectRefs<GstDiscovererInfo> {};
}  // namespace plenary::streaming

namespace plenary::streaming::test {

std::uint16_t free_udp_port() {
  thread_local std::minstd_rand random{std::random_device{}()};
  std::uniform_int_distribution<int> below_ephemeral(20000, 32767);
  boost::asio::io_context io;
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const auto port = static_cast<std::uint16_t>(below_ephemeral(random));
    boost::asio::ip::udp::socket socket{io, boost::asio::ip::udp::v4()};
    boost::system::error_code error;
    socket.bind({boost::asio::ip::make_address("127.0.0.1"), port}, error);
    if (!error) return port;
  }
  throw std::runtime_error("no free UDP port below 32768 on 127.0.0.1");
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

IoThread::IoThread() : work_{io_.get_executor()}, thread_{[this] { io_.run(); }} {}

IoThread::~IoThread() {
  work_.reset();
  io_.stop();
  thread_.join();
}

void EventLog::record(const std::function<void()>& change) {
  {
    std::lock_guard lock{mutex_};
    change();
  }
  changed_.notify_all();
}

RelayCallbacks EventLog::relay_callbacks() {
  RelayCallbacks callbacks;
  callbacks.on_segment = [this](const SegmentClosed& s) { record([&] { segments.push_back(s); }); };
  callbacks.on_track = [this](const TrackInfo& t) { record([&] { tracks.push_back(t); }); };
  callbacks.on_caller = [this](const CallerEvent& c) { record([&] { callers.push_back(c); }); };
  callbacks.on_state = [this](RelayState state, const std::string& detail) {
    record([&] { states.emplace_back(state, detail); });
  };
  callbacks.on_log = [this](const std::string& line) {
    // For hunting rare timing problems across many runs: PLENARY_TEST_TRACE=1 ctest ...
    if (std::getenv("PLENARY_TEST_TRACE") != nullptr) std::fprintf(stderr, "relay log: %s\n", line.c_str());
    record([&] { log_lines.push_back(line); });
  };
  return callbacks;
}

std::function<void(const EncoderResult&)> EventLog::encoder_callback() {
  return [this](const EncoderResult& r) { record([&] { encoder_results.push_back(r); }); };
}

bool EventLog::wait(const std::function<bool(const EventLog&)>& condition, std::chrono::seconds deadline) {
  std::unique_lock lock{mutex_};
  return changed_.wait_for(lock, deadline, [&] { return condition(*this); });
}

std::size_t EventLog::segments_of(const std::string& rendition) const {
  std::size_t n = 0;
  for (const auto& s : segments) n += s.rendition == rendition ? 1 : 0;
  return n;
}

std::string EventLog::describe() const {
  std::lock_guard lock{mutex_};
  std::string out;
  for (const auto& [state, detail] : states) out += std::string{"state "} + to_string(state) + ": " + detail + "\n";
  for (const auto& c : callers) out += "caller " + std::to_string(static_cast<int>(c.kind)) + " " + c.peer + " " + c.stream_id + "\n";
  for (const auto& t : tracks) out += "track " + t.rendition + " " + t.codec + " '" + t.language + "'\n";
  for (const auto& s : segments) out += "segment " + s.rendition + " " + s.path.string() + " " + std::to_string(s.duration.count()) + "\n";
  for (const auto& l : log_lines) out += "log " + l + "\n";
  for (const auto& r : encoder_results) out += std::string{"encoder "} + (r.ok ? "ok" : "failed: ") + r.error + "\n";
  return out;
}

bool EventLog::saw_state(RelayState state) const {
  for (const auto& [s, detail] : states) {
    if (s == state) return true;
  }
  return false;
}

bool EventLog::saw_caller(CallerEvent::Kind kind) const {
  for (const auto& c : callers) {
    if (c.kind == kind) return true;
  }
  return false;
}

DecodeResult decode_segment(const std::filesystem::path& file, MediaKind kind) {
  DecodeResult result;
  const char* description = kind == MediaKind::video
                                ? "filesrc name=in ! tsdemux ! h264parse ! avdec_h264 ! appsink name=out sync=false"
                                : "filesrc name=in ! tsdemux ! aacparse ! avdec_aac ! appsink name=out sync=false";
  GError* raw_error = nullptr;
  ElementHandle element{ref_sink, gst_parse_launch(description, &raw_error)};
  GlibError error{raw_error};
  if (error || !element) {
    result.error = error ? error->message : "parse failed";
    return result;
  }
  Pipeline pipeline{std::move(element)};
  g_object_set(pipeline.child("in").get(), "location", file.c_str(), nullptr);
  ElementHandle sink = pipeline.child("out");
  pipeline.set_state(GST_STATE_PLAYING);
  auto* appsink = GST_APP_SINK(sink.get());
  // A one-second segment decodes in well under this; a stuck pipeline must not hang the test.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (std::chrono::steady_clock::now() < deadline) {
    SampleHandle sample{adopt, gst_app_sink_try_pull_sample(appsink, GST_SECOND / 2)};
    if (!sample) {
      if (gst_app_sink_is_eos(appsink)) break;
      BusHandle bus = pipeline.bus();
      MessageHandle message{adopt, gst_bus_pop_filtered(bus.get(), GST_MESSAGE_ERROR)};
      if (message) {
        GError* raw = nullptr;
        gst_message_parse_error(message.get(), &raw, nullptr);
        GlibError decode_error{raw};
        result.error = decode_error ? decode_error->message : "error";
        break;
      }
      continue;
    }
    if (result.buffers++ == 0) result.caps = take_string(gst_caps_to_string(gst_sample_get_caps(sample.get())));
  }
  return result;
}

std::string publish_tracks(std::uint16_t port, const std::string& stream_id, const std::string& passphrase,
                           const std::vector<std::string>& languages, std::chrono::milliseconds duration) {
  const long long frames = duration.count() * 30 / 1000;
  const long long audio_buffers = duration.count() * 48000 / 1024 / 1000;
  std::ostringstream d;
  d << "mpegtsmux name=mux alignment=7 ! srtsink name=out wait-for-connection=true poll-timeout=1000 "
       "auto-reconnect=false uri=srt://127.0.0.1:"
    << port << "?mode=caller "
    << "videotestsrc is-live=true num-buffers=" << frames << " ! video/x-raw,width=320,height=180,framerate=30/1"
    << " ! x264enc tune=zerolatency speed-preset=veryfast key-int-max=30 bitrate=300"
    << " ! video/x-h264,profile=main ! h264parse ! queue ! mux. ";
  for (const auto& language : languages) {
    d << "audiotestsrc is-live=true num-buffers=" << audio_buffers << " samplesperbuffer=1024"
      << " ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! avenc_aac bitrate=64000 ! aacparse";
    if (!language.empty()) d << " ! taginject tags=\"language-code=" << language << "\"";
    d << " ! queue ! mux. ";
  }
  GError* raw_error = nullptr;
  ElementHandle element{ref_sink, gst_parse_launch(d.str().c_str(), &raw_error)};
  GlibError error{raw_error};
  if (error || !element) return error ? error->message : "parse failed";
  Pipeline pipeline{std::move(element)};
  ElementHandle sink = pipeline.child("out");
  if (!stream_id.empty()) g_object_set(sink.get(), "streamid", stream_id.c_str(), nullptr);
  if (!passphrase.empty()) g_object_set(sink.get(), "passphrase", passphrase.c_str(), nullptr);
  if (pipeline.set_state(GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) return "publisher did not start";
  BusHandle bus = pipeline.bus();
  const auto ends = static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  MessageHandle message{adopt,
                        gst_bus_timed_pop_filtered(bus.get(), (duration.count() + 10000) * GST_MSECOND, ends)};
  std::string outcome;
  if (!message) {
    outcome = "publisher did not finish in time";
  } else if (GST_MESSAGE_TYPE(message.get()) == GST_MESSAGE_ERROR) {
    outcome = read_problem(message.get()).message;
  }
  pipeline.reset();  // closes the SRT connection
  return outcome;
}

std::string segment_audio_language(const std::filesystem::path& file) {
  GError* raw_error = nullptr;
  GstHandle<GstDiscoverer> discoverer{adopt, gst_discoverer_new(5 * GST_SECOND, &raw_error)};
  GlibError error{raw_error};
  if (!discoverer) return {};
  const std::string uri = take_string(gst_filename_to_uri(file.c_str(), nullptr));
  GError* raw_discover_error = nullptr;
  GstHandle<GstDiscovererInfo> info{adopt,
                                    gst_discoverer_discover_uri(discoverer.get(), uri.c_str(), &raw_discover_error)};
  GlibError discover_error{raw_discover_error};
  if (!info) return {};
  GList* streams = gst_discoverer_info_get_audio_streams(info.get());
  std::string language;
  if (streams != nullptr) {
    const gchar* code = gst_discoverer_audio_info_get_language(GST_DISCOVERER_AUDIO_INFO(streams->data));
    language = code ? code : "";
  }
  gst_discoverer_stream_info_list_free(streams);
  return language;
}

}  // namespace plenary::streaming::test
