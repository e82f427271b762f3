#include "relay/recording.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "relay/viewer_count.hpp"
#include "support/temp_dir.hpp"

using namespace plenary;
using namespace std::chrono_literals;

namespace {

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

streaming::SegmentClosed segment(const std::filesystem::path& run, const std::string& rendition, int n) {
  const std::filesystem::path file = run / rendition / ("g0-seg" + std::to_string(10000 + n).substr(1) + ".ts");
  test::write_file(file, rendition + " bytes " + std::to_string(n));
  return {.rendition = rendition, .path = file, .start = n * 1s, .duration = 1s, .wall_clock = {}};
}

}  // namespace

TEST_CASE("a recording keeps every segment after the live relay deletes its copy, and lists them all at the end") {
  test::TempDir media;
  const auto run = media.path() / "live" / "7" / "r100";
  std::vector<std::string> errors;
  relay::Recording recording(media.path() / "recordings" / "12", [&](const std::string& e) { errors.push_back(e); });
  for (int n = 0; n < 5; ++n) {
    const auto video = segment(run, "video", n);
    recording.add("r100", video);
    recording.add("r100", segment(run, "audio_0", n));
    std::filesystem::remove(video.path);  // the live window moved on
  }
  CHECK(recording.segments() == 10);
  CHECK(recording.seconds() == doctest::Approx(5.0));
  recording.finish("#EXTM3U\nvideo/index.m3u8\n");
  CHECK(errors.empty());

  const auto folder = media.path() / "recordings" / "12";
  CHECK(read(folder / "master.m3u8") == "#EXTM3U\nvideo/index.m3u8\n");
  const std::string video = read(folder / "video" / "index.m3u8");
  CHECK(video.find("#EXT-X-ENDLIST") != std::string::npos);
  CHECK(video.find("r100-g0-seg0000.ts") != std::string::npos);
  CHECK(video.find("r100-g0-seg0004.ts") != std::string::npos);
  CHECK(read(folder / "video" / "r100-g0-seg0003.ts") == "video bytes 3");
}

TEST_CASE("a recording cut by a restart resumes from its journal, after a discontinuity") {
  test::TempDir media;
  const auto folder = media.path() / "recordings" / "12";
  {
    relay::Recording first(folder, [](const std::string&) {});
    for (int n = 0; n < 3; ++n) first.add("r1", segment(media.path() / "r1", "video", n));
  }  // the process stopped mid-session
  relay::Recording again(folder, [](const std::string&) {});
  CHECK(again.segments() == 3);
  again.add("r2", segment(media.path() / "r2", "video", 0));
  again.finish("#EXTM3U\n");
  const std::string video = read(folder / "video" / "index.m3u8");
  const auto first = video.find("r1-g0-seg0002.ts");
  const auto gap = video.find("\n#EXT-X-DISCONTINUITY\n");
  const auto second = video.find("r2-g0-seg0000.ts");
  REQUIRE(first != std::string::npos);
  REQUIRE(gap != std::string::npos);
  REQUIRE(second != std::string::npos);
  CHECK(first < gap);
  CHECK(gap < second);
  CHECK(again.seconds() == doctest::Approx(4.0));
}

TEST_CASE("viewers are counted once each, and drop out when their player stops asking") {
  relay::ViewerCount viewers(30s);
  const auto start = std::chrono::steady_clock::now();
  viewers.note("10.0.0.1 Safari", start);
  viewers.note("10.0.0.1 Safari", start + 2s);
  viewers.note("token:plp_x", start + 3s);
  CHECK(viewers.count(start + 4s) == 2);
  CHECK(viewers.count(start + 32s + 1ms) == 1);
  CHECK(viewers.count(start + 34s) == 0);
}
