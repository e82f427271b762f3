#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace plenary::streaming {

// Element factories the room relay needs (ingest, remux, audio-only re-encode).
inline constexpr std::string_view kRelayElements[] = {
    "srtsrc",   "tsdemux",    "queue",      "h264parse",     "aacparse",     "splitmuxsink", "mpegtsmux",
    "fakesink", "avdec_aac",  "avenc_aac",  "audioconvert",  "audioresample",
};
// Element factories the synthetic venue encoder needs (demo and tests).
inline constexpr std::string_view kSyntheticEncoderElements[] = {
    "videotestsrc", "timeoverlay", "videoconvert", "x264enc", "h264parse", "audiotestsrc",
    "audioconvert", "audioresample", "avenc_aac", "aacparse", "taginject", "mpegtsmux", "srtsink", "queue",
};

// What the server learns at start-up about GStreamer on this machine.
struct Availability {
  bool initialised = false;          // gst_init_check succeeded
  std::string init_error;            // why it did not, when it did not
  std::string version;               // e.g. "GStreamer 1.22.0"
  std::vector<std::string> missing;  // factories not found, in the order asked

  bool ok() const { return initialised && missing.empty(); }
  // One line for the log, e.g. "streaming unavailable: missing srtsrc, x264enc
  // (install gstreamer1.0-plugins-bad ...)" or "streaming available: GStreamer 1.22.0".
  std::string summary() const;
};

// Initialises GStreamer once per process (later calls reuse the first result)
// and looks up each factory. Never throws and never aborts, so the server can
// start without GStreamer. Thread-safe.
Availability check_availability(std::span<const std::string_view> factories = kRelayElements);

}  // namespace plenary::streaming
