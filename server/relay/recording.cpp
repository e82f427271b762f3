#include "relay/recording.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <limits>
#include <sstream>

namespace plenary::relay {
namespace {

constexpr const char* kJournal = "segments.tsv";

streaming::MediaPlaylistConfig whole_session() {
  return {.window = std::numeric_limits<std::size_t>::max(), .min_target_duration_s = 1, .min_retention = {}};
}

}  // namespace

Recording::Recording(std::filesystem::path dir, std::function<void(const std::string&)> on_error)
    : dir_(std::move(dir)), on_error_(std::move(on_error)) {
  std::error_code error;
  std::filesystem::create_directories(dir_, error);
  if (error) on_error_("recording: cannot create " + dir_.string() + ": " + error.message());
  std::ifstream journal(dir_ / kJournal);
  std::string line;
  bool resumed = false;
  while (std::getline(journal, line)) {
    std::istringstream fields(line);
    std::string rendition, file, duration, broken;
    if (!std::getline(fields, rendition, '\t') || !std::getline(fields, file, '\t') ||
        !std::getline(fields, duration, '\t') || !std::getline(fields, broken)) {
      continue;  // a line cut short by a crash
    }
    if (broken == "1") pending_break_ = true;
    try {
      note(rendition, file, std::chrono::nanoseconds(std::stoll(duration)));
    } catch (const std::exception&) {
      continue;
    }
    resumed = true;
  }
  // What follows a restart is a new pipeline: new timestamps.
  if (resumed) discontinuity();
}

void Recording::note(const std::string& rendition, const std::string& file, std::chrono::nanoseconds duration) {
  auto [it, added] = playlists_.try_emplace(rendition, whole_session());
  if (pending_break_) {
    for (auto& [name, playlist] : playlists_) playlist.mark_discontinuity();
    pending_break_ = false;
  }
  it->second.add(file, duration, std::nullopt, std::chrono::steady_clock::now());
  ++segments_;
}

void Recording::add(const std::string& run, const streaming::SegmentClosed& segment) {
  const std::string file = run + "-" + segment.path.filename().string();
  const std::filesystem::path folder = dir_ / segment.rendition;
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  std::filesystem::create_hard_link(segment.path, folder / file, error);
  if (error && error != std::errc::file_exists) {
    // Another file system (or one without links): copy instead.
    error.clear();
    std::filesystem::copy_file(segment.path, folder / file, std::filesystem::copy_options::overwrite_existing, error);
    if (error) {
      on_error_("recording: cannot keep " + segment.path.string() + ": " + error.message());
      return;
    }
  }
  const bool broken = pending_break_;
  note(segment.rendition, file, segment.duration);
  std::ofstream journal(dir_ / kJournal, std::ios::app);
  journal << segment.rendition << '\t' << file << '\t' << segment.duration.count() << '\t' << (broken ? 1 : 0)
          << '\n';
  if (!journal) on_error_("recording: cannot write the journal in " + dir_.string());
}

void Recording::discontinuity() {
  pending_break_ = true;
}

void Recording::finish(const std::string& master) {
  for (auto& [rendition, playlist] : playlists_) {
    playlist.end();
    write_file(dir_ / rendition / "index.m3u8", playlist.render());
  }
  write_file(dir_ / "master.m3u8", master);
}

double Recording::seconds() const {
  double longest = 0;
  for (const auto& [rendition, playlist] : playlists_) {
    std::chrono::nanoseconds total{0};
    for (const auto& segment : playlist.segments()) total += segment.duration;
    longest = std::max(longest, std::chrono::duration<double>(total).count());
  }
  return longest;
}

void Recording::write_file(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      on_error_("recording: cannot write " + path.string());
      return;
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) on_error_("recording: cannot write " + path.string() + ": " + error.message());
}

}  // namespace plenary::relay
