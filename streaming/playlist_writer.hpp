#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "streaming/media_playlist.hpp"
#include "streaming/relay_events.hpp"

namespace plenary::streaming {

struct PlaylistWriterConfig {
  std::filesystem::path output_dir;  // master.m3u8 here, {rendition}/index.m3u8 below
  MediaPlaylistConfig media;
  std::string floor_rendition = "audio_0";  // the room's own sound: DEFAULT=YES in the master
  // Menu name of the floor when its language has no name of its own ("mul":
  // several languages spoken from the floor).
  std::string floor_name = "Floor";
};

// Writes one room's HLS playlists from what its relay reports: a media
// playlist per rendition ({rendition}/index.m3u8) and master.m3u8 listing
// the video variants (the publisher's, then the re-encoded lower-resolution
// one), the audio-only variant and every language. Each file is replaced
// atomically (written beside it, then renamed), so a player never reads half
// a playlist; segment files are deleted only after their retention time out
// of the playlist, and never while a playlist lists them.
//
// Owns the playlists; touches files only under output_dir. No GStreamer.
// Not thread-safe: one owner (the relay's strand). I/O errors are reported
// through `on_error` (one line each) and never thrown: a full disk must not
// take the relay down.
class PlaylistWriter {
 public:
  explicit PlaylistWriter(PlaylistWriterConfig config, std::function<void(const std::string&)> on_error = {});

  // A track appeared or its language or format became known.
  void on_track(const TrackInfo& track);
  // A segment file was closed: list it, drop files past retention, rewrite.
  // Its bit rate counts segment.bytes, or the file's size when that is 0.
  void on_segment(const SegmentClosed& segment, std::chrono::steady_clock::time_point now);
  // Deletes every rendition's segment files whose retention has passed by
  // `now` (a timer calls this: with no new segments nothing else would).
  // Returns how many files were deleted.
  std::size_t sweep(std::chrono::steady_clock::time_point now);
  // Whether some file out of its playlist still waits for its retention to pass.
  bool retains_files() const;
  // The next segment of every rendition follows a break (encoder reconnect).
  void on_discontinuity();
  // The session is over: every playlist gets ENDLIST.
  void on_end();

  // What would be written now (for tests and diagnostics).
  std::string master_text() const;
  const MediaPlaylist* playlist(const std::string& rendition) const;

  static constexpr const char* kMasterName = "master.m3u8";
  static constexpr const char* kMediaName = "index.m3u8";

 private:
  struct Rendition {
    MediaPlaylist playlist;
    std::uint64_t peak_bps = 0;
  };
  Rendition& rendition(const std::string& name);
  std::size_t delete_expired(const std::string& name, Rendition& rendition, std::chrono::steady_clock::time_point now);
  void write_media(const std::string& name, const Rendition& rendition);
  void write_master();
  void write_file(const std::filesystem::path& path, const std::string& text);
  void report(const std::string& line) const;

  PlaylistWriterConfig config_;
  std::function<void(const std::string&)> on_error_;
  std::map<std::string, TrackInfo> tracks_;
  std::map<std::string, Rendition> renditions_;
  std::string master_written_;
};

}  // namespace plenary::streaming
