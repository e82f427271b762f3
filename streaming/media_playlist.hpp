#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace plenary::streaming {

// One segment as a media playlist lists it.
struct PlaylistSegment {
  std::uint64_t sequence = 0;            // media sequence number
  std::string uri;                       // relative to the playlist, e.g. "s001-00012.ts"
  std::chrono::nanoseconds duration{0};
  bool discontinuity = false;            // first segment after the encoder reconnected
  std::optional<std::chrono::system_clock::time_point> program_date_time;  // wall clock of its first frame
};

struct MediaPlaylistConfig {
  std::size_t window = 6;  // segments listed at once (live); at least 1
  // Smallest TARGETDURATION in seconds; the value only grows (RFC 8216 wants
  // it fixed, and a player that saw a larger one must not see it shrink).
  int min_target_duration_s = 1;
  // A segment that left the playlist stays on disk at least this long, and
  // never less than its own duration plus the duration of the playlist it
  // left (RFC 8216, 6.2.2), so a slow player that just read an older copy of
  // the playlist still finds it.
  std::chrono::milliseconds min_retention{0};
};

// The live media playlist of one rendition: a sliding window of segments,
// discontinuities at encoder reconnects, ENDLIST when the session ends, and
// the bookkeeping of which files may be deleted when.
//
// Plain data, no I/O and no clock of its own: callers pass `now`. Not
// thread-safe; one owner (the relay's strand) uses it.
class MediaPlaylist {
 public:
  explicit MediaPlaylist(MediaPlaylistConfig config = {});

  // Appends a segment. If the window is full, the oldest leaves the playlist
  // and is kept for deletion after its retention time, counted from `now`.
  void add(std::string uri, std::chrono::nanoseconds duration,
           std::optional<std::chrono::system_clock::time_point> program_date_time,
           std::chrono::steady_clock::time_point now);
  // The next segment added starts after a break in timestamps and format
  // (new encoder connection, rebuilt pipeline). Clears ENDLIST.
  void mark_discontinuity();
  // The session ended: ENDLIST is written and the window stops sliding.
  void end();

  // The playlist text (UTF-8, LF line ends).
  std::string render() const;

  // URIs of segments out of the playlist for longer than their retention,
  // removed from the bookkeeping: the caller deletes the files.
  std::vector<std::string> take_expired(std::chrono::steady_clock::time_point now);
  // URIs still listed or still retained: everything a player may yet ask for.
  std::vector<std::string> kept_uris() const;
  // Segments out of the playlist whose files are not yet due for deletion.
  std::size_t retired_count() const noexcept { return retired_.size(); }
  // Whether `uri` is in the playlist now.
  bool lists(const std::string& uri) const;

  const std::deque<PlaylistSegment>& segments() const noexcept { return segments_; }
  std::uint64_t media_sequence() const noexcept { return media_sequence_; }
  std::uint64_t discontinuity_sequence() const noexcept { return discontinuity_sequence_; }
  int target_duration_s() const noexcept { return target_duration_s_; }
  bool ended() const noexcept { return ended_; }

 private:
  struct Retired {
    std::string uri;
    std::chrono::steady_clock::time_point delete_after;
  };
  std::chrono::nanoseconds listed_duration() const;

  MediaPlaylistConfig config_;
  std::deque<PlaylistSegment> segments_;
  std::deque<Retired> retired_;
  std::uint64_t next_sequence_ = 0;
  std::uint64_t media_sequence_ = 0;
  std::uint64_t discontinuity_sequence_ = 0;
  int target_duration_s_ = 1;
  bool pending_discontinuity_ = false;
  bool ended_ = false;
};

// "2024-11-22T16:20:00.123Z": the EXT-X-PROGRAM-DATE-TIME form (UTC, milliseconds).
std::string iso8601_utc(std::chrono::system_clock::time_point time);

}  // namespace plenary::streaming
