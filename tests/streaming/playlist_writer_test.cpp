#include "streaming/playlist_writer.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "m3u8_reader.hpp"
#include "stream_test_support.hpp"

using namespace plenary::streaming;
using namespace std::chrono_literals;

namespace {


SegmentClosed make_segment(const std::filesystem::path& root, const std::string& rendition, int n) {
  SegmentClosed segment;
  segment.rendition = rendition;
  segment.path = root / rendition / ("g0-seg" + std::to_string(n) + ".ts");
  std::filesystem::create_directories(segment.path.parent_path());
  std::ofstream{segment.path} << std::string(12500, 'x');  // 100 kbit in one second
  segment.start = std::chrono::seconds{n};
  segment.duration = 1s;
  return segment;
}

}  // namespace

TEST_CASE("the writer keeps playlists on disk in step with segments and deletes a file only after its grace") {
  test::TempDir dir;
  std::vector<std::string> errors;
  PlaylistWriterConfig config;
  config.output_dir = dir.path();
  config.media.window = 2;
  config.media.min_retention = 5s;
  PlaylistWriter writer{config, [&](const std::string& e) { errors.push_back(e); }};
  writer.on_track({"video", "video/x-h264", "", "avc1.4d401e", 320, 180, 30.0});
  writer.on_track({"audio_0", "audio/mpeg", "vi", "mp4a.40.2", 0, 0, 0.0});
  CHECK_FALSE(std::filesystem::exists(dir.path() / "master.m3u8"));  // nothing to point at yet

  const std::chrono::steady_clock::time_point t0{};
  for (int n = 0; n < 3; ++n) {
    writer.on_segment(make_segment(dir.path(), "video", n), t0 + std::chrono::seconds{n});
    writer.on_segment(make_segment(dir.path(), "audio_0", n), t0 + std::chrono::seconds{n});
  }
  auto video = test::read_m3u8(test::read_text(dir.path() / "video" / "index.m3u8"));
  REQUIRE_MESSAGE(video.valid, video.problem);
  CHECK(video.first("EXT-X-MEDIA-SEQUENCE") == "1");
  CHECK(video.entries().size() == 2);
  // Out of the playlist, not yet out of its grace.
  CHECK(std::filesystem::exists(dir.path() / "video" / "g0-seg0.ts"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "video" / "index.m3u8.tmp"));

  const auto master = test::read_m3u8(test::read_text(dir.path() / "master.m3u8"));
  REQUIRE_MESSAGE(master.valid, master.problem);
  REQUIRE(master.tags("EXT-X-MEDIA").size() == 1);
  CHECK(master.tags("EXT-X-MEDIA")[0]->attributes.at("NAME") == "Tiếng Việt");
  CHECK(master.entries().at(0).tag("EXT-X-STREAM-INF")->attributes.at("BANDWIDTH") == "200000");

  // seg0 left at t=2 s; 5 s later the next segment's arrival deletes it.
  writer.on_segment(make_segment(dir.path(), "video", 3), t0 + 7s);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "video" / "g0-seg0.ts"));
  CHECK(std::filesystem::exists(dir.path() / "video" / "g0-seg1.ts"));

  writer.on_discontinuity();
  writer.on_segment(make_segment(dir.path(), "video", 4), t0 + 8s);
  writer.on_end();
  video = test::read_m3u8(test::read_text(dir.path() / "video" / "index.m3u8"));
  CHECK(video.entries().back().tag("EXT-X-DISCONTINUITY") != nullptr);
  CHECK(video.lines.back().tag == "EXT-X-ENDLIST");
  CHECK(errors.empty());
}
