#include "streaming/media_playlist.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "m3u8_reader.hpp"

using namespace plenary::streaming;
using namespace std::chrono_literals;

namespace {

const std::chrono::steady_clock::time_point kT0{};

std::string seg(int n) { return "g0-seg" + std::to_string(n) + ".ts"; }

std::vector<std::string> listed_uris(const test::M3u8& m3u8) {
  std::vector<std::string> uris;
  for (const auto& entry : m3u8.entries()) uris.push_back(entry.uri);
  return uris;
}

}  // namespace

TEST_CASE("a media playlist lists each segment with its duration and parses back as HLS version 3") {
  MediaPlaylist playlist{{.window = 6, .min_target_duration_s = 1, .min_retention = 0ms}};
  playlist.add(seg(0), 980ms, std::nullopt, kT0);
  playlist.add(seg(1), 1020ms, std::nullopt, kT0);
  playlist.add(seg(2), 990ms, std::nullopt, kT0);

  const auto m3u8 = test::read_m3u8(playlist.render());
  REQUIRE_MESSAGE(m3u8.valid, m3u8.problem);
  CHECK(m3u8.first("EXT-X-VERSION") == "3");
  CHECK(m3u8.first("EXT-X-MEDIA-SEQUENCE") == "0");
  CHECK(m3u8.first("EXT-X-DISCONTINUITY-SEQUENCE") == "0");
  // RFC 8216 4.3.3.1: each EXTINF rounded to the nearest integer fits the
  // target: 1.02 s counts as 1 (rounding up would tell players 2 s and keep
  // them twice as far from the live edge).
  CHECK(m3u8.first("EXT-X-TARGETDURATION") == "1");
  CHECK(m3u8.tags("EXT-X-ENDLIST").empty());
  CHECK(m3u8.tags("EXT-X-DISCONTINUITY").empty());

  const auto entries = m3u8.entries();
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].uri == seg(0));
  CHECK(entries[0].tag("EXTINF")->value == "0.980,");
  CHECK(entries[1].tag("EXTINF")->value == "1.020,");
  CHECK(entries[2].uri == seg(2));
}

TEST_CASE("the target duration only grows, so a player never sees it shrink") {
  MediaPlaylist playlist{{.window = 2, .min_target_duration_s = 1, .min_retention = 0ms}};
  playlist.add(seg(0), 2600ms, std::nullopt, kT0);
  CHECK(playlist.target_duration_s() == 3);
  for (int i = 1; i < 5; ++i) playlist.add(seg(i), 1000ms, std::nullopt, kT0);
  CHECK(playlist.target_duration_s() == 3);
  CHECK(test::read_m3u8(playlist.render()).first("EXT-X-TARGETDURATION") == "3");
}

TEST_CASE("the window slides: the media sequence advances and a dropped segment stays on disk through its grace") {
  MediaPlaylist playlist{{.window = 3, .min_target_duration_s = 1, .min_retention = 10s}};
  for (int i = 0; i < 5; ++i) playlist.add(seg(i), 1s, std::nullopt, kT0 + std::chrono::seconds{i});

  const auto m3u8 = test::read_m3u8(playlist.render());
  REQUIRE_MESSAGE(m3u8.valid, m3u8.problem);
  CHECK(m3u8.first("EXT-X-MEDIA-SEQUENCE") == "2");
  CHECK(listed_uris(m3u8) == std::vector<std::string>{seg(2), seg(3), seg(4)});

  // seg0 left at t=3 s, seg1 at t=4 s; each is kept 10 s (more than its
  // own duration plus the 3 s the playlist lists).
  const auto kept = playlist.kept_uris();
  CHECK(std::count(kept.begin(), kept.end(), seg(0)) == 1);
  CHECK(playlist.take_expired(kT0 + 12s).empty());
  CHECK(playlist.take_expired(kT0 + 13s) == std::vector<std::string>{seg(0)});
  CHECK(playlist.take_expired(kT0 + 14s) == std::vector<std::string>{seg(1)});
  CHECK(playlist.take_expired(kT0 + 100s).empty());
}

TEST_CASE("with no minimum, a dropped segment is kept for its duration plus the playlist's (RFC 8216 6.2.2)") {
  MediaPlaylist playlist{{.window = 2, .min_target_duration_s = 1, .min_retention = 0ms}};
  playlist.add(seg(0), 1s, std::nullopt, kT0);
  playlist.add(seg(1), 1s, std::nullopt, kT0);
  playlist.add(seg(2), 1s, std::nullopt, kT0);  // seg0 leaves: kept 1 s + 2 s listed
  CHECK(playlist.take_expired(kT0 + 2999ms).empty());
  CHECK(playlist.take_expired(kT0 + 3s) == std::vector<std::string>{seg(0)});
}

TEST_CASE("an encoder reconnect puts EXT-X-DISCONTINUITY before the next segment, counted once it scrolls away") {
  MediaPlaylist playlist{{.window = 3, .min_target_duration_s = 1, .min_retention = 0ms}};
  playlist.add(seg(0), 1s, std::nullopt, kT0);
  playlist.add(seg(1), 1s, std::nullopt, kT0);
  playlist.mark_discontinuity();
  playlist.add("g1-seg0.ts", 1s, std::nullopt, kT0);

  auto m3u8 = test::read_m3u8(playlist.render());
  auto entries = m3u8.entries();
  REQUIRE(entries.size() == 3);
  CHECK(entries[1].tag("EXT-X-DISCONTINUITY") == nullptr);
  CHECK(entries[2].tag("EXT-X-DISCONTINUITY") != nullptr);
  CHECK(entries[2].uri == "g1-seg0.ts");
  CHECK(m3u8.first("EXT-X-DISCONTINUITY-SEQUENCE") == "0");

  // Two more: the segments before the break leave; the break's tag would
  // head the playlist, so the discontinuity sequence takes it over.
  playlist.add("g1-seg1.ts", 1s, std::nullopt, kT0);
  playlist.add("g1-seg2.ts", 1s, std::nullopt, kT0);
  m3u8 = test::read_m3u8(playlist.render());
  CHECK(m3u8.first("EXT-X-MEDIA-SEQUENCE") == "2");
  CHECK(m3u8.first("EXT-X-DISCONTINUITY-SEQUENCE") == "1");
  CHECK(m3u8.tags("EXT-X-DISCONTINUITY").empty());
  CHECK(listed_uris(m3u8) == std::vector<std::string>{"g1-seg0.ts", "g1-seg1.ts", "g1-seg2.ts"});
}

TEST_CASE("a discontinuity before the first segment is no discontinuity") {
  MediaPlaylist playlist;
  playlist.mark_discontinuity();
  playlist.add(seg(0), 1s, std::nullopt, kT0);
  CHECK(test::read_m3u8(playlist.render()).tags("EXT-X-DISCONTINUITY").empty());
}

TEST_CASE("the end of the session writes ENDLIST, and a segment after it resumes with a discontinuity") {
  MediaPlaylist playlist;
  playlist.add(seg(0), 1s, std::nullopt, kT0);
  playlist.end();
  auto m3u8 = test::read_m3u8(playlist.render());
  CHECK(m3u8.tags("EXT-X-ENDLIST").size() == 1);
  CHECK(m3u8.lines.back().tag == "EXT-X-ENDLIST");

  playlist.add("g1-seg0.ts", 1s, std::nullopt, kT0);
  m3u8 = test::read_m3u8(playlist.render());
  CHECK(m3u8.tags("EXT-X-ENDLIST").empty());
  CHECK(m3u8.entries().back().tag("EXT-X-DISCONTINUITY") != nullptr);
}

TEST_CASE("each segment carries its wall clock as EXT-X-PROGRAM-DATE-TIME in UTC with milliseconds") {
  // 2024-11-22T16:20:05.123Z
  const std::chrono::system_clock::time_point start{std::chrono::seconds{1732292405} + std::chrono::milliseconds{123}};
  CHECK(iso8601_utc(start) == "2024-11-22T16:20:05.123Z");
  MediaPlaylist playlist;
  playlist.add(seg(0), 1s, start, kT0);
  playlist.add(seg(1), 1s, start + 1s, kT0);
  const auto m3u8 = test::read_m3u8(playlist.render());
  const auto entries = m3u8.entries();  // points into m3u8
  REQUIRE(entries.size() == 2);
  REQUIRE(entries[1].tag("EXT-X-PROGRAM-DATE-TIME") != nullptr);
  CHECK(entries[0].tag("EXT-X-PROGRAM-DATE-TIME")->value == "2024-11-22T16:20:05.123Z");
  CHECK(entries[1].tag("EXT-X-PROGRAM-DATE-TIME")->value == "2024-11-22T16:20:06.123Z");
}
