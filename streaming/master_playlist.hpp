#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace plenary::streaming {

// One language of a room's sound: the floor or an interpretation.
struct AudioTrackEntry {
  std::string language;  // BCP 47 ("en", "vi", "mul" for a floor of several languages)
  std::string name;      // shown in the player's menu; empty: the language's own name, else the code
  bool floor = false;    // the room's original sound: DEFAULT=YES
  std::string uri;       // full-quality playlist, relative to the master ("audio_1/index.m3u8")
  std::string low_uri;   // its audio-only variant playlist; empty when there is none
};

struct VideoVariantEntry {
  std::string uri;             // "video/index.m3u8"
  std::uint64_t bandwidth = 0;  // peak bits per second of the video rendition alone
  std::string codecs;          // RFC 6381, e.g. "avc1.4d401e"
  int width = 0;               // 0: RESOLUTION left out
  int height = 0;
  double frame_rate = 0;       // 0: FRAME-RATE left out
};

struct MasterPlaylistSpec {
  std::vector<VideoVariantEntry> video;
  std::vector<AudioTrackEntry> audio;
  std::string audio_codecs = "mp4a.40.2";  // AAC-LC
  std::uint64_t audio_bandwidth = 0;       // peak bits per second of the largest full-quality track
  std::uint64_t low_audio_bandwidth = 0;   // same for the audio-only variant tracks
};

// The master playlist text: every language as an #EXT-X-MEDIA:TYPE=AUDIO
// rendition (GROUP-ID "audio"; "audio-low" for the audio-only variant), each
// video variant referring to the "audio" group with BANDWIDTH counting video
// plus the largest audio track, and one audio-only variant (CODECS audio
// only) whose URI is the floor's playlist. Names and languages are cleaned
// of characters a quoted-string cannot hold; duplicate names in a group get
// " 2", " 3" (RFC 8216 wants them unique). With no floor marked the first
// track is the default. Pure function.
std::string render_master_playlist(const MasterPlaylistSpec& spec);

// RFC 6381 codec string of H.264 from GStreamer's caps fields profile and
// level ("main", "3.1" -> "avc1.4d401f"). Unknown profile: "avc1.4d4028"
// (main, level 4), which every player accepts for our room cameras.
std::string h264_codecs(const std::string& profile, const std::string& level);

}  // namespace plenary::streaming
