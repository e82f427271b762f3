#include "relay/hls_path.hpp"

#include <doctest/doctest.h>

using namespace plenary::relay;

TEST_CASE("a player's requests below a room's stream name the master, a media playlist or a segment") {
  auto master = parse_hls_tail("master.m3u8", true);
  REQUIRE(master);
  CHECK(master->file == "master.m3u8");
  CHECK(master->rendition.empty());
  CHECK(master->token.empty());
  CHECK(master->playlist());
  CHECK(hls_content_type(*master) == "application/vnd.apple.mpegurl");

  auto media = parse_hls_tail("r1732290000123/audio_1/index.m3u8", true);
  REQUIRE(media);
  CHECK(media->run == "r1732290000123");
  CHECK(media->rendition == "audio_1");
  CHECK(media->file == "index.m3u8");

  auto segment = parse_hls_tail("plp_abc.def/r17/video/g0-seg00012.ts", true);
  REQUIRE(segment);
  CHECK(segment->token == "plp_abc.def");
  CHECK(segment->file == "g0-seg00012.ts");
  CHECK_FALSE(segment->playlist());
  CHECK(hls_content_type(*segment) == "video/mp2t");

  auto with_token = parse_hls_tail("plp_abc.def/master.m3u8", true);
  REQUIRE(with_token);
  CHECK(with_token->token == "plp_abc.def");

  auto replay = parse_hls_tail("video/r17-g0-seg00001.ts", false);
  REQUIRE(replay);
  CHECK(replay->run.empty());
  CHECK(replay->rendition == "video");
}

TEST_CASE("nothing but what the relay writes can be named: no way out of the media folder") {
  for (const char* bad : {"", "index.m3u8", "master.m3u8x", "../master.m3u8", "r1/../../etc/passwd",
                          "r1/video/../../x.ts", "r1/video/.hidden.ts", "r1/video/seg.mp4", "x1/video/index.m3u8",
                          "r1/video/index.m3u8/extra", "r1//index.m3u8", "r1/video/seg%2e.ts", "r1/-x/index.m3u8",
                          "plp_x/plp_y/master.m3u8", "r1/video/a b.ts"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_hls_tail(bad, true));
  }
  CHECK_FALSE(parse_hls_tail("r1/video/index.m3u8", false));  // a replay has no run folder
}

TEST_CASE("a master playlist served at a stable URL points into the current run") {
  const std::string master =
      "#EXTM3U\n"
      "#EXT-X-VERSION:4\n"
      "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",LANGUAGE=\"vi\",NAME=\"Tiếng Việt\",URI=\"audio_2/index.m3u8\"\n"
      "#EXT-X-STREAM-INF:BANDWIDTH=900000,CODECS=\"avc1.4d401e,mp4a.40.2\",AUDIO=\"audio\"\n"
      "video/index.m3u8\n"
      "\n";
  const std::string prefixed = prefix_playlist_uris(master, "r42/");
  CHECK(prefixed ==
        "#EXTM3U\n"
        "#EXT-X-VERSION:4\n"
        "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",LANGUAGE=\"vi\",NAME=\"Tiếng Việt\",URI=\"r42/audio_2/index.m3u8\"\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=900000,CODECS=\"avc1.4d401e,mp4a.40.2\",AUDIO=\"audio\"\n"
        "r42/video/index.m3u8\n"
        "\n");
}

TEST_CASE("each new run has a name of its own") {
  const std::string first = new_run_name();
  const std::string second = new_run_name();
  CHECK(first != second);
  CHECK(parse_hls_tail(first + "/video/index.m3u8", true));
}
