#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "streaming/media_playlist.hpp"
#include "streaming/relay_events.hpp"

namespace plenary::relay {

// One session's recording, kept as the full HLS it was streamed as: every
// segment of every rendition is hard-linked into the recording's folder as
// it closes (so the live relay may delete its copy), and noted in an
// append-only journal (segments.tsv). finish() writes, per rendition, a
// playlist of all of them with ENDLIST, and the master playlist: a replay.
// A recording interrupted by a restart resumes from its journal; the next
// segment follows a discontinuity.
//
//   {dir}/segments.tsv                 rendition, file, duration (ns), break
//   {dir}/{rendition}/{run}-{file}.ts  the segments
//   {dir}/{rendition}/index.m3u8       written by finish()
//   {dir}/master.m3u8                  written by finish()
//
// Owns the folder's files. Not thread-safe: one owner (the room's strand).
// File errors go to `on_error` (one line each) and are not thrown: a full
// disk must not stop the live stream.
class Recording {
 public:
  Recording(std::filesystem::path dir, std::function<void(const std::string&)> on_error);

  // Links the segment (a file of the live run `run`) and journals it.
  void add(const std::string& run, const streaming::SegmentClosed& segment);
  // The next segment of every rendition follows a break.
  void discontinuity();
  // Writes every playlist with ENDLIST, and `master` (the live master
  // playlist, URIs relative to it as "video/index.m3u8") as master.m3u8.
  void finish(const std::string& master);

  const std::filesystem::path& dir() const noexcept { return dir_; }
  // Seconds recorded: the longest rendition.
  double seconds() const;
  std::size_t segments() const noexcept { return segments_; }

 private:
  void note(const std::string& rendition, const std::string& file, std::chrono::nanoseconds duration);
  void write_file(const std::filesystem::path& path, const std::string& text);

  std::filesystem::path dir_;
  std::function<void(const std::string&)> on_error_;
  std::map<std::string, streaming::MediaPlaylist> playlists_;
  bool pending_break_ = false;
  std::size_t segments_ = 0;
};

}  // namespace plenary::relay
