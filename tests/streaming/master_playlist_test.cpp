#include "streaming/master_playlist.hpp"

#include <doctest/doctest.h>

#include "m3u8_reader.hpp"
#include "streaming/language_names.hpp"

using namespace plenary::streaming;

namespace {

MasterPlaylistSpec room_spec() {
  MasterPlaylistSpec spec;
  spec.video.push_back({"video/index.m3u8", 400000, "avc1.4d401e", 320, 180, 30.0});
  spec.audio.push_back({"mul", "Floor", true, "audio_0/index.m3u8", "audio_0_low/index.m3u8"});
  spec.audio.push_back({"en", "", false, "audio_1/index.m3u8", "audio_1_low/index.m3u8"});
  spec.audio.push_back({"vi", "", false, "audio_2/index.m3u8", "audio_2_low/index.m3u8"});
  spec.audio.push_back({"ms", "", false, "audio_3/index.m3u8", "audio_3_low/index.m3u8"});
  spec.audio_bandwidth = 110000;
  spec.low_audio_bandwidth = 42000;
  return spec;
}

}  // namespace

TEST_CASE("the master playlist lists every language in its own words, the floor as default, and parses back") {
  const auto m3u8 = test::read_m3u8(render_master_playlist(room_spec()));
  REQUIRE_MESSAGE(m3u8.valid, m3u8.problem);

  const auto media = m3u8.tags("EXT-X-MEDIA");
  REQUIRE(media.size() == 8);  // four languages, full and low rate
  std::map<std::string, std::map<std::string, std::string>> full;
  for (const auto* m : media) {
    CHECK(m->attributes.at("TYPE") == "AUDIO");
    CHECK(m->attributes.at("AUTOSELECT") == "YES");
    if (m->attributes.at("GROUP-ID") == "audio") full[m->attributes.at("LANGUAGE")] = m->attributes;
  }
  CHECK(full["mul"].at("NAME") == "Floor");
  CHECK(full["mul"].at("DEFAULT") == "YES");
  CHECK(full["en"].at("NAME") == "English");
  CHECK(full["en"].at("DEFAULT") == "NO");
  CHECK(full["vi"].at("NAME") == "Tiếng Việt");
  CHECK(full["ms"].at("NAME") == "Bahasa Melayu");
  CHECK(full["ms"].at("URI") == "audio_3/index.m3u8");

  const auto variants = m3u8.entries();
  REQUIRE(variants.size() == 2);
  const auto& video = variants[0].tag("EXT-X-STREAM-INF")->attributes;
  CHECK(variants[0].uri == "video/index.m3u8");
  CHECK(video.at("BANDWIDTH") == "510000");  // video plus the largest audio track
  CHECK(video.at("CODECS") == "avc1.4d401e,mp4a.40.2");
  CHECK(video.at("RESOLUTION") == "320x180");
  CHECK(video.at("FRAME-RATE") == "30.000");
  CHECK(video.at("AUDIO") == "audio");

  const auto& audio_only = variants[1].tag("EXT-X-STREAM-INF")->attributes;
  CHECK(variants[1].uri == "audio_0_low/index.m3u8");
  CHECK(audio_only.at("BANDWIDTH") == "42000");
  CHECK(std::stoul(audio_only.at("BANDWIDTH")) <= 64000);
  CHECK(audio_only.at("CODECS") == "mp4a.40.2");
  CHECK(audio_only.at("AUDIO") == "audio-low");
  CHECK(audio_only.find("RESOLUTION") == audio_only.end());
}

TEST_CASE("without low-rate tracks the audio-only variant uses the full tracks, and with no floor the first is default") {
  MasterPlaylistSpec spec = room_spec();
  for (auto& track : spec.audio) {
    track.low_uri.clear();
    track.floor = false;
  }
  const auto m3u8 = test::read_m3u8(render_master_playlist(spec));
  REQUIRE_MESSAGE(m3u8.valid, m3u8.problem);
  CHECK(m3u8.tags("EXT-X-MEDIA").size() == 4);
  CHECK(m3u8.tags("EXT-X-MEDIA")[0]->attributes.at("DEFAULT") == "YES");
  const auto variants = m3u8.entries();
  REQUIRE(variants.size() == 2);
  CHECK(variants[1].uri == "audio_0/index.m3u8");
  CHECK(variants[1].tag("EXT-X-STREAM-INF")->attributes.at("AUDIO") == "audio");
}

TEST_CASE("names cannot break the playlist: quotes and line breaks are dropped, duplicates numbered") {
  MasterPlaylistSpec spec;
  spec.audio.push_back({"en", "Eng\"lish\n#EXT-X-ENDLIST", true, "a/index.m3u8", ""});
  spec.audio.push_back({"en", "", false, "b/index.m3u8", ""});
  spec.audio.push_back({"en", "", false, "c/index.m3u8", ""});
  const auto m3u8 = test::read_m3u8(render_master_playlist(spec));
  REQUIRE_MESSAGE(m3u8.valid, m3u8.problem);
  CHECK(m3u8.tags("EXT-X-ENDLIST").empty());
  const auto media = m3u8.tags("EXT-X-MEDIA");
  REQUIRE(media.size() == 3);
  CHECK(media[0]->attributes.at("NAME") == "English#EXT-X-ENDLIST");
  CHECK(media[1]->attributes.at("NAME") == "English");
  CHECK(media[2]->attributes.at("NAME") == "English 2");
}

TEST_CASE("language names come from one table, by BCP 47 tag or ISO 639-2 code, falling back to nothing") {
  CHECK(language_autonym("en") == "English");
  CHECK(language_autonym("vi") == "Tiếng Việt");
  CHECK(language_autonym("vie") == "Tiếng Việt");
  CHECK(language_autonym("ms") == "Bahasa Melayu");
  CHECK(language_autonym("may") == "Bahasa Melayu");
  CHECK(language_autonym("zh-Hant") == "中文");
  CHECK(language_autonym("EN-gb") == "English");
  CHECK(language_autonym("mul").empty());
  CHECK(language_autonym("xx").empty());
  CHECK(bcp47_language("eng") == "en");
  CHECK(bcp47_language("vi") == "vi");
  CHECK(bcp47_language("mul") == "mul");
  CHECK(bcp47_language("") == "und");
  CHECK(bcp47_language("e\"n") == "und");
}

TEST_CASE("H.264 caps become RFC 6381 codec strings") {
  CHECK(h264_codecs("main", "3") == "avc1.4d401e");
  CHECK(h264_codecs("main", "3.1") == "avc1.4d401f");
  CHECK(h264_codecs("high", "4.1") == "avc1.640029");
  CHECK(h264_codecs("constrained-baseline", "3") == "avc1.42e01e");
  CHECK(h264_codecs("", "") == "avc1.4d4028");
}
