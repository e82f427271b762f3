#include "streaming/master_playlist.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "streaming/language_names.hpp"

namespace plenary::streaming {

namespace {

// A quoted-string may hold neither '"' nor CR/LF (RFC 8216 4.2); playlists
// hold no control characters at all.
std::string quoted(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || u < 0x20 || u == 0x7f) continue;
    out += c;
  }
  return out + "\"";
}

// A URI line must not be taken for a tag or break the line structure.
std::string uri_line(const std::string& uri) {
  std::string out;
  for (char c : uri) {
    if (c != '\n' && c != '\r') out += c;
  }
  return out.empty() || out.front() == '#' ? "./" + out : out;
}

std::string display_name(const AudioTrackEntry& track) {
  if (!track.name.empty()) return track.name;
  const std::string_view autonym = language_autonym(track.language);
  return autonym.empty() ? track.language : std::string{autonym};
}

std::size_t floor_index(const std::vector<AudioTrackEntry>& audio) {
  const auto it = std::find_if(audio.begin(), audio.end(), [](const auto& t) { return t.floor; });
  return it == audio.end() ? 0 : static_cast<std::size_t>(it - audio.begin());
}

void render_group(std::string& text, const std::vector<AudioTrackEntry>& audio, const std::string& group, bool low) {
  const std::size_t floor = floor_index(audio);
  std::set<std::string> names;
  for (std::size_t i = 0; i < audio.size(); ++i) {
    const auto& track = audio[i];
    const std::string& uri = low ? track.low_uri : track.uri;
    if (uri.empty()) continue;
    std::string name = display_name(track);
    const std::string base = name;
    for (int n = 2; !names.insert(name).second; ++n) name = base + " " + std::to_string(n);
    text += "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=" + quoted(group) + ",LANGUAGE=" + quoted(track.language) +
            ",NAME=" + quoted(name) + ",DEFAULT=" + (i == floor ? "YES" : "NO") + ",AUTOSELECT=YES,URI=" +
            quoted(uri_line(uri)) + "\n";
  }
}

}  // namespace

std::string h264_codecs(const std::string& profile, const std::string& level) {
  struct Profile {
    const char* name;
    unsigned idc;
    unsigned constraints;
  };
  constexpr Profile kProfiles[] = {
      {"constrained-baseline", 0x42, 0xe0}, {"baseline", 0x42, 0x00}, {"main", 0x4d, 0x40},
      {"high", 0x64, 0x00},                 {"high-10", 0x6e, 0x00}, {"high-4:2:2", 0x7a, 0x00},
  };
  unsigned idc = 0x4d;
  unsigned constraints = 0x40;
  for (const auto& p : kProfiles) {
    if (profile == p.name) {
      idc = p.idc;
      constraints = p.constraints;
    }
  }
  // "3.1" -> 31; "1b" is level 1.1's sibling, coded 11 with a constraint flag we do not track.
  unsigned level_idc = 40;
  unsigned major = 0;
  unsigned minor = 0;
  if (std::sscanf(level.c_str(), "%u.%u", &major, &minor) >= 1 && major > 0 && major < 10 && minor < 10) {
    level_idc = major * 10 + minor;
  }
  char text[16];
  std::snprintf(text, sizeof text, "avc1.%02x%02x%02x", idc, constraints, level_idc);
  return text;
}

std::string render_master_playlist(const MasterPlaylistSpec& spec) {
  std::string text = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n";
  const bool has_audio = !spec.audio.empty();
  const bool has_low = std::any_of(spec.audio.begin(), spec.audio.end(), [](const auto& t) { return !t.low_uri.empty(); });

  if (has_audio) render_group(text, spec.audio, "audio", false);
  for (const auto& video : spec.video) {
    std::string codecs = video.codecs;
    if (has_audio) codecs += "," + spec.audio_codecs;
    text += "#EXT-X-STREAM-INF:BANDWIDTH=" + std::to_string(video.bandwidth + (has_audio ? spec.audio_bandwidth : 0)) +
            ",CODECS=" + quoted(codecs);
    if (video.width > 0 && video.height > 0) {
      text += ",RESOLUTION=" + std::to_string(video.width) + "x" + std::to_string(video.height);
    }
    if (video.frame_rate > 0) {
      char rate[32];
      std::snprintf(rate, sizeof rate, "%.3f", video.frame_rate);
      text += std::string{",FRAME-RATE="} + rate;
    }
    if (has_audio) text += ",AUDIO=\"audio\"";
    text += "\n" + uri_line(video.uri) + "\n";
  }

  if (has_audio) {
    // The audio-only variant: a player on a weak link, or an attendee who
    // only listens, gets the floor's low-rate playlist and the group's other
    // languages. Without low-rate tracks it falls back to the full ones.
    const std::string group = has_low ? "audio-low" : "audio";
    if (has_low) render_group(text, spec.audio, group, true);
    const auto& floor = spec.audio[floor_index(spec.audio)];
    const std::string& uri = has_low && !floor.low_uri.empty() ? floor.low_uri : floor.uri;
    const std::uint64_t bandwidth = has_low ? spec.low_audio_bandwidth : spec.audio_bandwidth;
    text += "#EXT-X-STREAM-INF:BANDWIDTH=" + std::to_string(bandwidth) + ",CODECS=" + quoted(spec.audio_codecs) +
            ",AUDIO=" + quoted(group) + "\n" + uri_line(uri) + "\n";
  }
  return text;
}

}  // namespace plenary::streaming
