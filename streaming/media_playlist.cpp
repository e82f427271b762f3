#include "streaming/media_playlist.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <utility>

namespace plenary::streaming {

namespace {

// Seconds with millisecond precision; EXTINF is a decimal-floating-point (version 3).
std::string seconds_text(std::chrono::nanoseconds duration) {
  const long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%03lld", ms / 1000, ms % 1000);
  return text;
}

// RFC 8216 4.3.3.1: each EXTINF, rounded to the nearest integer, must not
// exceed the target duration. Rounding up instead would turn the 1.00008 s
// segments of a 1 s GOP into a target of 2 s, and players keep a distance
// from the live edge of a few target durations.
int rounded_seconds(std::chrono::nanoseconds duration) {
  const auto ns = duration.count();
  return static_cast<int>((ns + 500'000'000) / 1'000'000'000);
}

}  // namespace

std::string iso8601_utc(std::chrono::system_clock::time_point time) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
  const long long millis = ((ms % 1000) + 1000) % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[80];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  return text;
}

MediaPlaylist::MediaPlaylist(MediaPlaylistConfig config) : config_{config} {
  config_.window = std::max<std::size_t>(config_.window, 1);
  target_duration_s_ = std::max(config_.min_target_duration_s, 1);
}

void MediaPlaylist::add(std::string uri, std::chrono::nanoseconds duration,
                        std::optional<std::chrono::system_clock::time_point> program_date_time,
                        std::chrono::steady_clock::time_point now) {
  if (ended_) {
    // A new session in the same playlist: players must reset their decoders.
    ended_ = false;
    pending_discontinuity_ = true;
  }
  PlaylistSegment segment;
  segment.sequence = next_sequence_++;
  segment.uri = std::move(uri);
  segment.duration = duration;
  segment.discontinuity = pending_discontinuity_ && !segments_.empty();
  segment.program_date_time = program_date_time;
  pending_discontinuity_ = false;
  target_duration_s_ = std::max(target_duration_s_, rounded_seconds(duration));
  if (segments_.empty()) media_sequence_ = segment.sequence;
  segments_.push_back(std::move(segment));

  while (segments_.size() > config_.window) {
    // Retention counts from now: a player may have fetched the playlist that
    // still listed it a moment ago and needs its full length to get there.
    // The longest playlist that listed it is the one before this add.
    const auto previous_playlist = listed_duration() - segments_.back().duration;
    const auto keep = std::max<std::chrono::nanoseconds>(config_.min_retention,
                                                         segments_.front().duration + previous_playlist);
    retired_.push_back({segments_.front().uri, now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(keep)});
    segments_.pop_front();
    // A tag on the first listed segment marks a break from nothing listed:
    // drop it and count it in EXT-X-DISCONTINUITY-SEQUENCE instead (RFC 8216
    // 6.2.2), so every segment keeps its discontinuity number.
    media_sequence_ = segments_.front().sequence;
    if (segments_.front().discontinuity) {
      segments_.front().discontinuity = false;
      ++discontinuity_sequence_;
    }
  }
}

void MediaPlaylist::mark_discontinuity() {
  if (!segments_.empty()) pending_discontinuity_ = true;
  ended_ = false;
}

void MediaPlaylist::end() { ended_ = true; }

std::chrono::nanoseconds MediaPlaylist::listed_duration() const {
  std::chrono::nanoseconds total{0};
  for (const auto& segment : segments_) total += segment.duration;
  return total;
}

std::string MediaPlaylist::render() const {
  std::string text = "#EXTM3U\n#EXT-X-VERSION:3\n";
  text += "#EXT-X-TARGETDURATION:" + std::to_string(target_duration_s_) + "\n";
  text += "#EXT-X-MEDIA-SEQUENCE:" + std::to_string(media_sequence_) + "\n";
  text += "#EXT-X-DISCONTINUITY-SEQUENCE:" + std::to_string(discontinuity_sequence_) + "\n";
  for (const auto& segment : segments_) {
    if (segment.discontinuity) text += "#EXT-X-DISCONTINUITY\n";
    if (segment.program_date_time) text += "#EXT-X-PROGRAM-DATE-TIME:" + iso8601_utc(*segment.program_date_time) + "\n";
    text += "#EXTINF:" + seconds_text(segment.duration) + ",\n";
    text += segment.uri + "\n";
  }
  if (ended_) text += "#EXT-X-ENDLIST\n";
  return text;
}

std::vector<std::string> MediaPlaylist::take_expired(std::chrono::steady_clock::time_point now) {
  std::vector<std::string> expired;
  // Retired in order of leaving, but retention differs per segment: scan all.
  for (auto it = retired_.begin(); it != retired_.end();) {
    if (it->delete_after <= now) {
      expired.push_back(std::move(it->uri));
      it = retired_.erase(it);
    } else {
      ++it;
    }
  }
  return expired;
}

std::vector<std::string> MediaPlaylist::kept_uris() const {
  std::vector<std::string> uris;
  for (const auto& retired : retired_) uris.push_back(retired.uri);
  for (const auto& segment : segments_) uris.push_back(segment.uri);
  return uris;
}

bool MediaPlaylist::lists(const std::string& uri) const {
  return std::any_of(segments_.begin(), segments_.end(), [&](const PlaylistSegment& s) { return s.uri == uri; });
}

}  // namespace plenary::streaming
