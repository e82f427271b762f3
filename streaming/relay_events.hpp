#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

namespace plenary::streaming {

// Plain values that a RoomRelay reports on its strand; no GStreamer types, so
// the playlist writer and the server can use them without GStreamer headers.

enum class RelayState {
  idle,     // listening for the publisher
  live,     // a publisher is connected and sending
  error,    // the pipeline failed; see the detail passed with the state
  stopped,  // stop() was called
};

const char* to_string(RelayState state);

// One finished segment file of one rendition ("video", "video_360",
// "audio_0", "audio_0_low").
struct SegmentClosed {
  std::string rendition;
  std::filesystem::path path;
  std::chrono::nanoseconds start{0};     // pipeline running time when the segment was opened
  std::chrono::nanoseconds duration{0};  // closing minus opening running time
  // Wall clock of `start`: the same mapping for every rendition of one
  // pipeline, so the playlists' PROGRAM-DATE-TIME values line up.
  std::chrono::system_clock::time_point wall_clock{};
  std::uint64_t bytes = 0;  // size of the file when it was closed; 0 if it could not be read
};

// A track found in the publisher's stream, or the relay's re-encoded video
// variant; reported again when its language or format becomes known
// (tsdemux sends the ISO 639 descriptor as a tag event).
struct TrackInfo {
  std::string rendition;  // "video", "audio_0", ... in order of appearance (PID order); "video_360" for a variant
  std::string codec;      // caps name, e.g. "video/x-h264", "audio/mpeg"
  // From the stream's ISO 639 descriptor as GStreamer reports it: ISO 639-1
  // where one exists ("en", "vi"), else 639-2 ("mul"). Without a descriptor:
  // the configured track order's BCP 47 code (RelayConfig::track_languages).
  // Empty if unknown.
  std::string language;
  // Known once the parser has seen the stream (reported again then):
  std::string codecs;     // RFC 6381 ("avc1.4d401e", "mp4a.40.2"); empty if not yet known
  int width = 0;          // video only
  int height = 0;
  double frame_rate = 0;
  // Last, so positional initialisers written before they existed still mean the same.
  // "video" for the relay's re-encoded lower-resolution variant; empty for a track of the publisher's.
  std::string variant_of;
  bool language_from_config = false;  // `language` came from RelayConfig::track_languages, not the stream
};

// Something an SRT publisher did at the listener.
struct CallerEvent {
  enum class Kind { connected, disconnected, rejected };
  Kind kind = Kind::connected;
  std::string peer;       // "address:port"
  std::string stream_id;  // as sent, made printable and cut to 64 characters (rejected only)
};

}  // namespace plenary::streaming
