#include "streaming/playlist_writer.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>
#include <vector>

#include "streaming/language_names.hpp"
#include "streaming/master_playlist.hpp"

namespace plenary::streaming {

namespace {

constexpr std::string_view kLowSuffix = "_low";
// Segments shorter than this (the last one of a session) say little about
// the bit rate a player must sustain.
constexpr std::chrono::milliseconds kShortestMeasured{500};

bool is_low(const std::string& rendition) {
  return rendition.size() > kLowSuffix.size() && rendition.ends_with(kLowSuffix);
}

}  // namespace

PlaylistWriter::PlaylistWriter(PlaylistWriterConfig config, std::function<void(const std::string&)> on_error)
    : config_{std::move(config)}, on_error_{std::move(on_error)} {}

PlaylistWriter::Rendition& PlaylistWriter::rendition(const std::string& name) {
  auto it = renditions_.find(name);
  if (it == renditions_.end()) it = renditions_.emplace(name, Rendition{MediaPlaylist{config_.media}, 0}).first;
  return it->second;
}

void PlaylistWriter::on_track(const TrackInfo& track) {
  if (track.rendition.empty()) return;
  tracks_[track.rendition] = track;
  write_master();
}

void PlaylistWriter::on_segment(const SegmentClosed& segment, std::chrono::steady_clock::time_point now) {
  if (segment.rendition.empty() || segment.path.empty()) return;
  Rendition& r = rendition(segment.rendition);

  std::error_code ec;
  const std::uint64_t bytes = segment.bytes > 0 ? segment.bytes : std::filesystem::file_size(segment.path, ec);
  if (!ec && segment.duration > std::chrono::nanoseconds{0} &&
      (segment.duration >= kShortestMeasured || r.peak_bps == 0)) {
    const double seconds = std::chrono::duration<double>(segment.duration).count();
    r.peak_bps = std::max<std::uint64_t>(r.peak_bps, static_cast<std::uint64_t>(static_cast<double>(bytes) * 8.0 / seconds));
  }

  std::optional<std::chrono::system_clock::time_point> wall;
  if (segment.wall_clock != std::chrono::system_clock::time_point{}) wall = segment.wall_clock;
  r.playlist.add(segment.path.filename().string(), segment.duration, wall, now);
  write_media(segment.rendition, r);
  delete_expired(segment.rendition, r, now);
  write_master();
}

std::size_t PlaylistWriter::delete_expired(const std::string& name, Rendition& r,
                                           std::chrono::steady_clock::time_point now) {
  const std::filesystem::path dir = config_.output_dir / name;
  std::size_t deleted = 0;
  // Only after the playlist no longer lists them (and their grace ran out).
  for (const auto& uri : r.playlist.take_expired(now)) {
    // A name listed again (a pipeline that reused it) is a new file: keep it.
    if (r.playlist.lists(uri)) continue;
    std::error_code ec;
    if (std::filesystem::remove(dir / uri, ec)) ++deleted;
    if (ec) report("cannot delete " + (dir / uri).string() + ": " + ec.message());
  }
  return deleted;
}

std::size_t PlaylistWriter::sweep(std::chrono::steady_clock::time_point now) {
  std::size_t deleted = 0;
  for (auto& [name, r] : renditions_) deleted += delete_expired(name, r, now);
  return deleted;
}

bool PlaylistWriter::retains_files() const {
  return std::any_of(renditions_.begin(), renditions_.end(),
                     [](const auto& entry) { return entry.second.playlist.retired_count() > 0; });
}

void PlaylistWriter::on_discontinuity() {
  for (auto& [name, r] : renditions_) r.playlist.mark_discontinuity();
}

void PlaylistWriter::on_end() {
  for (auto& [name, r] : renditions_) {
    if (r.playlist.ended()) continue;
    r.playlist.end();
    write_media(name, r);
  }
}

const MediaPlaylist* PlaylistWriter::playlist(const std::string& rendition) const {
  const auto it = renditions_.find(rendition);
  return it == renditions_.end() ? nullptr : &it->second.playlist;
}

std::string PlaylistWriter::master_text() const {
  // Only renditions with a playlist on disk: a master must not point at a 404.
  const auto listed = [&](const std::string& name) {
    const auto it = renditions_.find(name);
    return it != renditions_.end() && !it->second.playlist.segments().empty();
  };
  const auto media_uri = [](const std::string& name) { return name + "/" + kMediaName; };

  MasterPlaylistSpec spec;
  std::vector<VideoVariantEntry> reencoded;  // listed after the publisher's own video: players start with the first
  for (const auto& [name, track] : tracks_) {
    if (!listed(name)) continue;
    if (track.codec.starts_with("video/")) {
      VideoVariantEntry video;
      video.uri = media_uri(name);
      video.bandwidth = renditions_.at(name).peak_bps;
      video.codecs = track.codecs.empty() ? h264_codecs("", "") : track.codecs;
      video.width = track.width;
      video.height = track.height;
      video.frame_rate = track.frame_rate;
      (track.variant_of.empty() ? spec.video : reencoded).push_back(std::move(video));
    } else if (track.codec.starts_with("audio/") && !is_low(name)) {
      AudioTrackEntry audio;
      audio.language = bcp47_language(track.language);
      audio.floor = name == config_.floor_rendition;
      if (audio.floor && language_autonym(audio.language).empty()) audio.name = config_.floor_name;
      audio.uri = media_uri(name);
      spec.audio_bandwidth = std::max(spec.audio_bandwidth, renditions_.at(name).peak_bps);
      const std::string low = name + std::string{kLowSuffix};
      if (listed(low)) {
        audio.low_uri = media_uri(low);
        spec.low_audio_bandwidth = std::max(spec.low_audio_bandwidth, renditions_.at(low).peak_bps);
      }
      if (!track.codecs.empty()) spec.audio_codecs = track.codecs;
      spec.audio.push_back(std::move(audio));
    }
  }
  std::move(reencoded.begin(), reencoded.end(), std::back_inserter(spec.video));
  if (spec.video.empty() && spec.audio.empty()) return {};
  return render_master_playlist(spec);
}

void PlaylistWriter::write_media(const std::string& name, const Rendition& r) {
  write_file(config_.output_dir / name / kMediaName, r.playlist.render());
}

void PlaylistWriter::write_master() {
  std::string text = master_text();
  if (text.empty() || text == master_written_) return;
  write_file(config_.output_dir / kMasterName, text);
  master_written_ = std::move(text);
}

void PlaylistWriter::write_file(const std::filesystem::path& path, const std::string& text) {
  // rename() replaces the old file in one step: readers see old or new, never a mix.
  std::filesystem::path temp = path;
  temp += ".tmp";
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  {
    std::ofstream out{temp, std::ios::binary | std::ios::trunc};
    out << text;
    out.flush();
    if (!out) {
      report("cannot write " + temp.string());
      std::filesystem::remove(temp, ec);
      return;
    }
  }
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    report("cannot replace " + path.string() + ": " + ec.message());
    std::filesystem::remove(temp, ec);
  }
}

void PlaylistWriter::report(const std::string& line) const {
  if (on_error_) on_error_(line);
}

}  // namespace plenary::streaming
