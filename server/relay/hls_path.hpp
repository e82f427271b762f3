#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace plenary::relay {

// What a request below /live/{event}/{room}/ or /replay/{event}/{session}/
// asks for, once the fixed part of the path is taken off. The tail is one of
//
//   master.m3u8                               the master playlist
//   {run}/{rendition}/index.m3u8              a media playlist (live)
//   {run}/{rendition}/{segment}.ts            a segment (live)
//   {rendition}/index.m3u8 | {segment}.ts     the same in a recording (no run)
//
// optionally after a playback token ("plp_…/master.m3u8"): players resolve
// segment URIs against the playlist's URL, so a token in the path reaches
// every request, where a query string would be dropped.
struct HlsTarget {
  std::string token;      // empty when none was given
  std::string run;        // "r1732290000123" (live only)
  std::string rendition;  // empty for the master playlist
  std::string file;       // "master.m3u8", "index.m3u8", "g0-seg00012.ts"
  bool playlist() const noexcept { return file.ends_with(".m3u8"); }
};

// Parses the path segments after the room (live, with_run) or session
// (replay). Every name is checked against the shapes the relay writes, so
// nothing else on disk can be named: nullopt means 404.
std::optional<HlsTarget> parse_hls_tail(std::string_view tail, bool with_run);

// "application/vnd.apple.mpegurl" or "video/mp2t".
std::string_view hls_content_type(const HlsTarget& target) noexcept;

// The master playlist with every URI (variant lines and URI="…" attributes)
// prefixed with `prefix` ("r1732290000123/"), so a stable master URL points
// into the current run and a segment's URL is never reused by a later run.
std::string prefix_playlist_uris(std::string_view master, std::string_view prefix);

// "r" and the milliseconds since the Unix epoch: a name for a new run.
std::string new_run_name();

}  // namespace plenary::relay
