#include "streaming/playlist_writer.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "m3u8_reader.hpp"
#include "stream_test_support.hpp"

using namespace plenary::streaming;
using namespace std::chrono_literals;

namespace {

// A writer into a fresh folder, keeping `window` segments listed and each
// file `retention` after it leaves the list; its errors collected.
struct OnDisk {
  test::TempDir dir;
  std::vector<std::string> errors;
  PlaylistWriter writer;

  OnDisk(std::size_t window, std::chrono::seconds retention)
      : writer{config(dir.path(), window, retention), [this](const std::string& e) { errors.push_back(e); }} {}

  static PlaylistWriterConfig config(const std::filesystem::path& out, std::size_t window,
                                     std::chrono::seconds retention) {
    PlaylistWriterConfig config;
    config.output_dir = out;
    config.media.window = window;
    config.media.min_retention = retention;
    return config;
  }
};

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
  OnDisk on_disk{2, 5s};
  auto& [dir, errors, writer] = on_disk;
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

TEST_CASE("the sweep deletes files past their retention without a new segment, and never a listed one") {
  OnDisk on_disk{2, 5s};
  auto& [dir, errors, writer] = on_disk;
  writer.on_track({"video", "video/x-h264", "", "avc1.4d401e", 320, 180, 30.0});
  const auto file = [&](int n) { return dir.path() / "video" / ("g0-seg" + std::to_string(n) + ".ts"); };

  const std::chrono::steady_clock::time_point t0{};
  for (int n = 0; n < 4; ++n) writer.on_segment(make_segment(dir.path(), "video", n), t0 + std::chrono::seconds{n});
  // seg0 left the playlist at t=2 s, seg1 at t=3 s; then the publisher left.
  writer.on_end();
  CHECK(writer.retains_files());

  CHECK(writer.sweep(t0 + 6s) == 0);  // seg0's grace runs to t=7 s
  CHECK(std::filesystem::exists(file(0)));
  CHECK(writer.sweep(t0 + 7s) == 1);
  CHECK_FALSE(std::filesystem::exists(file(0)));
  CHECK(std::filesystem::exists(file(1)));
  CHECK(writer.sweep(t0 + 8s) == 1);
  CHECK_FALSE(std::filesystem::exists(file(1)));
  CHECK_FALSE(writer.retains_files());

  // Long after, the ended playlist still lists seg2 and seg3: they stay.
  CHECK(writer.sweep(t0 + 24h) == 0);
  CHECK(std::filesystem::exists(file(2)));
  CHECK(std::filesystem::exists(file(3)));
  const auto video = test::read_m3u8(test::read_text(dir.path() / "video" / "index.m3u8"));
  for (const auto& entry : video.entries()) CHECK(std::filesystem::exists(dir.path() / "video" / entry.uri));
  CHECK(errors.empty());
}

TEST_CASE("a file name listed again is kept when its earlier listing's retention runs out") {
  test::TempDir dir;
  PlaylistWriterConfig config;
  config.output_dir = dir.path();
  config.media.window = 1;
  config.media.min_retention = 1s;
  PlaylistWriter writer{config};
  const std::chrono::steady_clock::time_point t0{};
  writer.on_segment(make_segment(dir.path(), "video", 0), t0);
  writer.on_segment(make_segment(dir.path(), "video", 1), t0 + 1s);  // seg0 retired until t=3 s
  // A pipeline that numbered its files from 0 again (never happens with
  // generations in the name, but the file must not go while it is listed).
  writer.on_segment(make_segment(dir.path(), "video", 0), t0 + 2s);
  CHECK(writer.sweep(t0 + 10s) == 1);  // seg1 only
  CHECK(std::filesystem::exists(dir.path() / "video" / "g0-seg0.ts"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "video" / "g0-seg1.ts"));
}

TEST_CASE("the master lists the re-encoded video variant after the publisher's, with the bit rate of its segments") {
  test::TempDir dir;
  PlaylistWriterConfig config;
  config.output_dir = dir.path();
  PlaylistWriter writer{config};
  // The variant is reported first and sorts first by name: it must still come second.
  TrackInfo low{"video_120", "video/x-h264", "", "avc1.4d400c", 214, 120, 30.0};
  low.variant_of = "video";
  writer.on_track(low);
  writer.on_track({"video", "video/x-h264", "", "avc1.4d401e", 320, 180, 30.0});
  writer.on_track({"audio_0", "audio/mpeg", "vi", "mp4a.40.2", 0, 0, 0.0});
  const std::chrono::steady_clock::time_point t0{};
  writer.on_segment(make_segment(dir.path(), "video", 0), t0);
  writer.on_segment(make_segment(dir.path(), "audio_0", 0), t0);
  auto reduced = make_segment(dir.path(), "video_120", 0);
  reduced.bytes = 5000;  // reported by the relay: counts instead of the file's 12500 bytes
  writer.on_segment(reduced, t0);

  const auto master = test::read_m3u8(test::read_text(dir.path() / "master.m3u8"));
  REQUIRE_MESSAGE(master.valid, master.problem);
  const auto variants = master.entries();
  REQUIRE(variants.size() == 3);
  CHECK(variants[0].uri == "video/index.m3u8");
  CHECK(variants[1].uri == "video_120/index.m3u8");
  const auto& attributes = variants[1].tag("EXT-X-STREAM-INF")->attributes;
  CHECK(attributes.at("RESOLUTION") == "214x120");
  CHECK(attributes.at("CODECS") == "avc1.4d400c,mp4a.40.2");
  CHECK(attributes.at("AUDIO") == "audio");
  CHECK(attributes.at("BANDWIDTH") == "140000");  // 40 kbit/s video + 100 kbit/s audio
  CHECK(variants[0].tag("EXT-X-STREAM-INF")->attributes.at("BANDWIDTH") == "200000");
}
