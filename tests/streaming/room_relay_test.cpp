#include "streaming/room_relay.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <future>
#include <set>

#include <fstream>
#include <sstream>

#include "m3u8_reader.hpp"
#include "stream_test_support.hpp"
#include "streaming/availability.hpp"
#include "streaming/synthetic_encoder.hpp"
#include "streaming/video_variant.hpp"

using namespace plenary::streaming;
using namespace std::chrono_literals;

namespace {


constexpr const char* kPassphrase = "room-one-secret";
constexpr const char* kStreamId = "room-1-key-7f3a";
const std::vector<std::string> kAudio = {"audio_0", "audio_1", "audio_2"};

bool streaming_available() {
  const Availability relay = check_availability(kRelayElements);
  const Availability encoder = check_availability(kSyntheticEncoderElements);
  return relay.ok() && encoder.ok();
}

// One relay and one synthetic publisher on a free loopback port. The
// publisher has its own thread, so a test can hold the relay's up.
struct Venue {
  test::TempDir dir;
  test::IoThread io;
  test::IoThread encoder_io;
  test::EventLog events;
  std::shared_ptr<RoomRelay> relay;
  std::shared_ptr<SyntheticEncoder> encoder;
  std::uint16_t port = test::free_udp_port();

  // `configure` changes the test room's config before the relay is made.
  explicit Venue(const std::function<void(RelayConfig&)>& configure = {}) {
    RelayConfig config;
    config.room = "test";
    config.port = port;
    config.stream_id = kStreamId;
    config.passphrase = kPassphrase;
    config.output_dir = dir.path() / "hls";
    if (configure) configure(config);
    relay = RoomRelay::create(io.executor(), config, events.relay_callbacks());
    relay->start();
    REQUIRE(events.wait([](const test::EventLog& e) { return !e.states.empty(); }, 5s));
    REQUIRE_MESSAGE(events.states.front().first == RelayState::idle, events.states.front().second);
  }

  void publish(std::string stream_id, std::string passphrase, std::chrono::milliseconds duration) {
    EncoderConfig config;
    config.port = port;
    config.stream_id = std::move(stream_id);
    config.passphrase = std::move(passphrase);
    config.duration = duration;
    encoder = SyntheticEncoder::create(encoder_io.executor(), config, events.encoder_callback());
    encoder->start();
  }

  ~Venue() {
    if (encoder) test::stop_and_wait(encoder);
    test::stop_and_wait(relay);
  }
};

// Keeps the relay's io thread (and so its strand) busy until released or destroyed.
class HeldThread {
 public:
  explicit HeldThread(test::IoThread& io) {
    boost::asio::post(io.executor(), [held = release_.get_future().share()] { held.wait(); });
  }
  ~HeldThread() { release(); }
  HeldThread(const HeldThread&) = delete;
  HeldThread& operator=(const HeldThread&) = delete;
  void release() {
    if (!released_) release_.set_value();
    released_ = true;
  }

 private:
  std::promise<void> release_;
  bool released_ = false;
};

long listening_count(const test::EventLog& e) {
  return std::count_if(e.states.begin(), e.states.end(), [](const auto& s) {
    return s.first == RelayState::idle && s.second.starts_with("listening");
  });
}

}  // namespace

TEST_CASE("three seconds of a synthetic venue over SRT become one-second segments for video and each language") {
  REQUIRE(streaming_available());
  Venue venue;
  INFO(venue.events.describe());
  venue.publish(kStreamId, kPassphrase, 3000ms);

  // The publisher finishes, then the relay sees the end of stream and closes its last segments.
  const bool ended = venue.events.wait(
      [](const test::EventLog& e) {
        return !e.encoder_results.empty() && e.saw_state(RelayState::live) &&
               std::count_if(e.states.begin(), e.states.end(),
                             [](const auto& s) { return s.first == RelayState::idle; }) >= 2;
      },
      20s);
  REQUIRE(ended);
  const auto& events = venue.events;
  REQUIRE(events.encoder_results.front().ok);
  CHECK(events.saw_caller(CallerEvent::Kind::connected));
  CHECK_FALSE(events.saw_state(RelayState::error));

  SUBCASE("each rendition has segments of about one second that exist on disk") {
    CHECK(events.segments_of("video") >= 2);
    for (const auto& audio : kAudio) CHECK(events.segments_of(audio) >= 2);
    for (const auto& segment : events.segments) {
      INFO(segment.rendition << " " << segment.path);
      CHECK(std::filesystem::file_size(segment.path) > 0);
      CHECK(segment.bytes == std::filesystem::file_size(segment.path));  // reported with the segment
      CHECK(segment.duration <= 1500ms);
    }
    // All but the last segment of each rendition are cut close to the
    // one-second target. The first may be shorter: it starts where the relay
    // took the stream up, which on a loaded machine (ctest -j3 beside a
    // build) was once 889 ms before the next cut.
    for (const std::string rendition : {"video", "audio_0"}) {
      std::vector<SegmentClosed> own;
      std::copy_if(events.segments.begin(), events.segments.end(), std::back_inserter(own),
                   [&](const auto& s) { return s.rendition == rendition; });
      for (std::size_t i = 0; i + 1 < own.size(); ++i) {
        INFO(rendition << " segment " << i << " lasts " << own[i].duration.count() << " ns");
        CHECK(own[i].duration >= (i == 0 ? 500ms : 900ms));
        CHECK(own[i].duration <= 1100ms);
      }
    }
  }

  SUBCASE("a video segment is reported once the keyframe after it arrives, not a GOP later") {
    // Reported in order on the strand: before video segment n, no audio
    // segment may have been reported that ends well after it (audio closes
    // one frame after its end). splitmuxsink on its own closes video segment
    // n only at keyframe n+2, after audio segment n+1 (ending 1 s later).
    const auto end_of = [](const SegmentClosed& s) { return s.start + s.duration; };
    std::size_t video_seen = 0;
    const std::size_t video_total = events.segments_of("video");
    for (std::size_t i = 0; i < events.segments.size(); ++i) {
      const auto& video = events.segments[i];
      // The last one closes at the end of the stream, with everything else.
      if (video.rendition != "video" || ++video_seen == video_total) continue;
      for (std::size_t j = 0; j < i; ++j) {
        const auto& earlier = events.segments[j];
        if (earlier.rendition != "audio_0") continue;
        INFO("video segment " << video_seen - 1 << " ends at " << end_of(video).count() << " ns, reported after audio "
                              << earlier.path.filename() << " ending at " << end_of(earlier).count() << " ns");
        CHECK(end_of(earlier) < end_of(video) + 500ms);
      }
    }
    CHECK(video_seen >= 2);
  }

  SUBCASE("the relay writes a playlist per rendition listing its segments, and a master listing every language") {
    const auto hls = venue.dir.path() / "hls";
    for (const std::string rendition : {"video", "audio_0", "audio_1", "audio_2"}) {
      INFO(rendition);
      const auto m3u8 = test::read_m3u8(test::read_text(hls / rendition / "index.m3u8"));
      REQUIRE_MESSAGE(m3u8.valid, m3u8.problem);
      const auto entries = m3u8.entries();
      CHECK(entries.size() == events.segments_of(rendition));
      for (const auto& entry : entries) CHECK(std::filesystem::exists(hls / rendition / entry.uri));
      CHECK(entries.front().tag("EXT-X-PROGRAM-DATE-TIME") != nullptr);
    }
    const auto master = test::read_m3u8(test::read_text(hls / "master.m3u8"));
    REQUIRE_MESSAGE(master.valid, master.problem);
    std::map<std::string, const test::M3u8Line*> by_language;
    for (const auto* media : master.tags("EXT-X-MEDIA")) by_language[media->attributes.at("LANGUAGE")] = media;
    REQUIRE(by_language.size() == 3);
    CHECK(by_language["mul"]->attributes.at("NAME") == "Floor");
    CHECK(by_language["mul"]->attributes.at("DEFAULT") == "YES");
    CHECK(by_language["en"]->attributes.at("NAME") == "English");
    CHECK(by_language["vi"]->attributes.at("NAME") == "Tiếng Việt");
    CHECK(by_language["vi"]->attributes.at("DEFAULT") == "NO");
    CHECK(by_language["vi"]->attributes.at("URI") == "audio_2/index.m3u8");
    const auto variants = master.entries();
    REQUIRE(variants.size() == 2);  // video, and audio only
    const auto* video = variants[0].tag("EXT-X-STREAM-INF");
    CHECK(variants[0].uri == "video/index.m3u8");
    CHECK(video->attributes.at("RESOLUTION") == "320x180");
    CHECK(video->attributes.at("CODECS").starts_with("avc1.4d"));
    CHECK(video->attributes.at("CODECS").ends_with(",mp4a.40.2"));
    CHECK(video->attributes.at("AUDIO") == "audio");
    CHECK(std::stoull(video->attributes.at("BANDWIDTH")) > 100000);
    CHECK(variants[1].tag("EXT-X-STREAM-INF")->attributes.at("CODECS") == "mp4a.40.2");
  }

  SUBCASE("each audio track is reported with the language the encoder tagged") {
    std::map<std::string, std::string> language;
    for (const auto& track : events.tracks) language[track.rendition] = track.language;
    CHECK(language["video"].empty());
    CHECK(language["audio_0"] == "mul");
    CHECK(language["audio_1"] == "en");
    CHECK(language["audio_2"] == "vi");
  }

  SUBCASE("a video segment decodes as 320x180 H.264 and an audio segment as AAC, with its language kept") {
    const auto first_of = [&](const std::string& rendition) {
      for (const auto& s : events.segments) {
        if (s.rendition == rendition) return s.path;
      }
      return std::filesystem::path{};
    };
    const auto video = test::decode_segment(first_of("video"), test::MediaKind::video);
    INFO(video.error);
    CHECK(video.buffers >= 25);
    CHECK(video.caps.find("video/x-raw") == 0);
    CHECK(video.caps.find("width=(int)320") != std::string::npos);
    CHECK(video.caps.find("height=(int)180") != std::string::npos);

    const auto audio = test::decode_segment(first_of("audio_1"), test::MediaKind::audio);
    INFO(audio.error);
    CHECK(audio.buffers >= 40);  // 1024-sample AAC frames at 48 kHz: ~47 per second
    CHECK(audio.caps.find("audio/x-raw") == 0);
    CHECK(test::segment_audio_language(first_of("audio_1")) == "en");
    CHECK(test::segment_audio_language(first_of("audio_2")) == "vi");
  }
}

TEST_CASE("a publisher with the wrong passphrase is refused and no segment is written") {
  REQUIRE(streaming_available());
  Venue venue;
  INFO(venue.events.describe());
  venue.publish(kStreamId, "not-the-room-secret", 2000ms);
  REQUIRE(venue.events.wait([](const test::EventLog& e) { return !e.encoder_results.empty(); }, 15s));
  const auto& events = venue.events;
  CHECK_FALSE(events.encoder_results.front().ok);
  MESSAGE("publisher saw: " << events.encoder_results.front().error);
  CHECK_FALSE(events.saw_caller(CallerEvent::Kind::connected));
  CHECK_FALSE(events.saw_state(RelayState::live));
  CHECK(events.segments.empty());
  CHECK(std::filesystem::is_empty(venue.dir.path() / "hls"));
}

TEST_CASE("a publisher with the wrong stream id is refused and logged, and the right one is then accepted") {
  REQUIRE(streaming_available());
  Venue venue;
  INFO(venue.events.describe());
  venue.publish("room-2-key", kPassphrase, 2000ms);
  REQUIRE(venue.events.wait(
      [](const test::EventLog& e) { return !e.encoder_results.empty() && e.saw_caller(CallerEvent::Kind::rejected); },
      15s));
  {
    const auto& events = venue.events;
    CHECK_FALSE(events.encoder_results.front().ok);
    CHECK(events.callers.front().stream_id == "room-2-key");
    CHECK(events.callers.front().peer.starts_with("127.0.0.1:"));
    CHECK(std::any_of(events.log_lines.begin(), events.log_lines.end(),
                      [](const std::string& l) { return l.find("refused publisher") != std::string::npos; }));
    CHECK_FALSE(events.saw_state(RelayState::live));
    CHECK(events.segments.empty());
  }

  // The refusal did not stop the listener: the publisher with the right key gets through.
  test::stop_and_wait(venue.encoder);
  venue.publish(kStreamId, kPassphrase, 2000ms);
  CHECK(venue.events.wait([](const test::EventLog& e) { return e.segments_of("video") >= 1; }, 15s));
}

TEST_CASE("a rotated stream id refuses the old key") {
  REQUIRE(streaming_available());
  Venue venue;
  INFO(venue.events.describe());
  venue.relay->set_stream_id("room-1-key-rotated");
  venue.publish(kStreamId, kPassphrase, 1000ms);
  REQUIRE(venue.events.wait(
      [](const test::EventLog& e) { return !e.encoder_results.empty() && e.saw_caller(CallerEvent::Kind::rejected); },
      15s));
  {
    const auto& events = venue.events;
    CHECK_FALSE(events.encoder_results.front().ok);
    CHECK(events.callers.front().kind == CallerEvent::Kind::rejected);
    CHECK(events.callers.front().stream_id == kStreamId);
    CHECK_FALSE(events.saw_caller(CallerEvent::Kind::connected));
    CHECK_FALSE(events.saw_state(RelayState::live));
    CHECK(events.segments.empty());
  }

  SUBCASE("and the new key gets in") {
    test::stop_and_wait(venue.encoder);
    venue.publish("room-1-key-rotated", kPassphrase, 2000ms);
    CHECK(venue.events.wait([](const test::EventLog& e) { return e.segments_of("video") >= 1; }, 15s));
    CHECK(venue.events.saw_state(RelayState::live));
  }
}

// The hole this closes: set_stream_id used to reach the key check through
// the relay's strand, and a publisher could finish its handshake with the old
// key first. Holding the relay's thread makes that window as wide as we like.
TEST_CASE("a rotation is in force when set_stream_id returns, even while the relay's thread is busy") {
  REQUIRE(streaming_available());
  Venue venue;
  INFO(venue.events.describe());
  HeldThread held{venue.io};
  venue.relay->set_stream_id("room-1-key-rotated");
  venue.publish(kStreamId, kPassphrase, 1000ms);
  // The publisher runs on its own thread: it ends, refused or done, while the relay's is held.
  REQUIRE(venue.events.wait([](const test::EventLog& e) { return !e.encoder_results.empty(); }, 15s));
  held.release();
  REQUIRE(venue.events.wait([](const test::EventLog& e) { return e.saw_caller(CallerEvent::Kind::rejected); }, 15s));
  const auto& events = venue.events;
  CHECK_FALSE(events.encoder_results.front().ok);
  CHECK_FALSE(events.saw_caller(CallerEvent::Kind::connected));
  CHECK_FALSE(events.saw_state(RelayState::live));
  CHECK(events.segments.empty());
  for (const auto& entry : std::filesystem::recursive_directory_iterator(venue.dir.path() / "hls")) {
    CHECK_MESSAGE(!entry.is_regular_file(), entry.path());  // no segment, no playlist
  }
}

TEST_CASE("rotating the stream id cuts off the publisher that uses the old one, and the new key gets in") {
  REQUIRE(streaming_available());
  Venue venue;
  INFO(venue.events.describe());
  venue.publish(kStreamId, kPassphrase, 60000ms);
  REQUIRE(venue.events.wait([](const test::EventLog& e) { return e.segments_of("video") >= 1; }, 15s));
  venue.relay->set_stream_id("room-1-key-rotated");
  REQUIRE(venue.events.wait(
      [](const test::EventLog& e) {
        return e.saw_state(RelayState::idle) && listening_count(e) >= 2 &&
               std::any_of(e.states.begin(), e.states.end(),
                           [](const auto& s) { return s.second.find("revoked") != std::string::npos; });
      },
      15s));
  CHECK(std::any_of(venue.events.log_lines.begin(), venue.events.log_lines.end(),
                    [](const std::string& l) { return l.find("was revoked") != std::string::npos; }));

  test::stop_and_wait(venue.encoder);
  venue.publish("room-1-key-rotated", kPassphrase, 2000ms);
  CHECK(venue.events.wait(
      [](const test::EventLog& e) {
        return std::any_of(e.segments.begin(), e.segments.end(),
                           [](const SegmentClosed& s) { return s.path.filename().string().starts_with("g1-"); });
      },
      15s));
}

TEST_CASE("the audio-only variant is re-encoded at no more than 64 kbit/s per language") {
  REQUIRE(streaming_available());
  Venue venue{[](RelayConfig& config) { config.audio_only_variant = true; }};
  INFO(venue.events.describe());
  venue.publish(kStreamId, kPassphrase, 3000ms);
  REQUIRE(venue.events.wait(
      [](const test::EventLog& e) {
        return !e.encoder_results.empty() && e.segments_of("audio_2_low") >= 2 &&
               std::count_if(e.states.begin(), e.states.end(),
                             [](const auto& s) { return s.first == RelayState::idle; }) >= 2;
      },
      20s));
  std::uintmax_t bytes = 0;
  std::chrono::nanoseconds duration{0};
  for (const auto& segment : venue.events.segments) {
    if (segment.rendition != "audio_1_low") continue;
    bytes += std::filesystem::file_size(segment.path);
    duration += segment.duration;
  }
  REQUIRE(duration > 1s);
  const double kbit_per_s = static_cast<double>(bytes) * 8.0 / 1000.0 / std::chrono::duration<double>(duration).count();
  MESSAGE("audio-only variant: " << kbit_per_s << " kbit/s including MPEG-TS overhead");
  CHECK(kbit_per_s <= 64.0);
  const auto low = std::find_if(venue.events.segments.begin(), venue.events.segments.end(),
                                [](const SegmentClosed& s) { return s.rendition == "audio_1_low"; });
  REQUIRE(low != venue.events.segments.end());
  const auto decoded = test::decode_segment(low->path, test::MediaKind::audio);
  CHECK(decoded.caps.find("rate=(int)24000") != std::string::npos);
  CHECK(decoded.caps.find("channels=(int)1") != std::string::npos);
}

TEST_CASE("a publisher that reconnects continues the same playlists after an EXT-X-DISCONTINUITY") {
  REQUIRE(streaming_available());
  Venue venue;
  INFO(venue.events.describe());
  const auto listening_again = [](std::size_t sessions) {
    return [sessions](const test::EventLog& e) {
      // One "listening" at start, then one per rebuilt pipeline.
      const auto listening = std::count_if(e.states.begin(), e.states.end(), [](const auto& s) {
        return s.first == RelayState::idle && s.second.starts_with("listening");
      });
      return e.encoder_results.size() >= sessions && listening >= static_cast<long>(sessions) + 1;
    };
  };
  venue.publish(kStreamId, kPassphrase, 2000ms);
  REQUIRE(venue.events.wait(listening_again(1), 20s));
  test::stop_and_wait(venue.encoder);
  venue.publish(kStreamId, kPassphrase, 2000ms);
  REQUIRE(venue.events.wait(listening_again(2), 20s));
  CHECK_FALSE(venue.events.saw_state(RelayState::error));

  const auto m3u8 = test::read_m3u8(test::read_text(venue.dir.path() / "hls" / "video" / "index.m3u8"));
  REQUIRE_MESSAGE(m3u8.valid, m3u8.problem);
  const auto entries = m3u8.entries();
  const auto first_of_second = std::find_if(entries.begin(), entries.end(),
                                            [](const auto& e) { return e.uri.starts_with("g1-"); });
  REQUIRE(first_of_second != entries.end());
  CHECK(first_of_second != entries.begin());
  CHECK(first_of_second->tag("EXT-X-DISCONTINUITY") != nullptr);
  CHECK(m3u8.tags("EXT-X-DISCONTINUITY").size() == 1);
  CHECK(m3u8.tags("EXT-X-ENDLIST").empty());
  for (const auto& entry : entries) CHECK(std::filesystem::exists(venue.dir.path() / "hls" / "video" / entry.uri));
}

namespace {

std::vector<SegmentClosed> segments_of(const test::EventLog& events, const std::string& rendition) {
  std::vector<SegmentClosed> own;
  std::copy_if(events.segments.begin(), events.segments.end(), std::back_inserter(own),
               [&](const SegmentClosed& s) { return s.rendition == rendition; });
  return own;
}

// The publisher finished, and the relay saw its end and listens again.
bool session_over(const test::EventLog& e) {
  return !e.encoder_results.empty() && e.saw_state(RelayState::live) && listening_count(e) >= 2;
}

}  // namespace

TEST_CASE("the lower-resolution video variant is re-encoded at its height with segments cut where the source's are") {
  REQUIRE(streaming_available());
  REQUIRE(check_availability(kLowVideoElements).ok());
  Venue venue{[](RelayConfig& config) {
    config.low_video_height = 120;  // from the encoder's 320x180
    config.low_video_kbps = 150;
  }};
  INFO(venue.events.describe());
  venue.publish(kStreamId, kPassphrase, 4000ms);
  REQUIRE(venue.events.wait(session_over, 20s));
  const auto& events = venue.events;
  REQUIRE(events.encoder_results.front().ok);
  CHECK_FALSE(events.saw_state(RelayState::error));

  const auto main = segments_of(events, "video");
  const auto low = segments_of(events, "video_120");
  REQUIRE(main.size() >= 3);
  REQUIRE(low.size() >= main.size() - 1);
  // Every cut but the session's last lines up with the source's, within one frame (33 ms at 30 fps).
  for (std::size_t i = 0; i + 1 < main.size() && i + 1 < low.size(); ++i) {
    INFO("segment " << i << ": video " << main[i].start.count() << "+" << main[i].duration.count() << " ns, video_120 "
                    << low[i].start.count() << "+" << low[i].duration.count() << " ns");
    CHECK(std::chrono::abs(main[i].start - low[i].start) < 33ms);
    CHECK(std::chrono::abs(main[i].duration - low[i].duration) < 33ms);
  }

  // A segment of the variant decodes alone as H.264 at 214x120 (aspect ratio kept, width even).
  const auto decoded = test::decode_segment(low.at(1).path, test::MediaKind::video);
  INFO(decoded.error);
  CHECK(decoded.buffers >= 25);
  CHECK(decoded.caps.find("width=(int)214") != std::string::npos);
  CHECK(decoded.caps.find("height=(int)120") != std::string::npos);
  std::uint64_t low_bytes = 0;
  std::uint64_t main_bytes = 0;
  for (const auto& s : low) low_bytes += s.bytes;
  for (const auto& s : main) main_bytes += s.bytes;
  CHECK(low_bytes < main_bytes);

  // The master lists the variant after the source's video, with its resolution, codec and audio group.
  const auto hls = venue.dir.path() / "hls";
  const auto media = test::read_m3u8(test::read_text(hls / "video_120" / "index.m3u8"));
  REQUIRE_MESSAGE(media.valid, media.problem);
  CHECK(media.entries().size() == low.size());
  const auto master = test::read_m3u8(test::read_text(hls / "master.m3u8"));
  REQUIRE_MESSAGE(master.valid, master.problem);
  const auto variants = master.entries();
  REQUIRE(variants.size() == 3);  // video, video_120, audio only
  CHECK(variants[0].uri == "video/index.m3u8");
  CHECK(variants[1].uri == "video_120/index.m3u8");
  const auto& full = variants[0].tag("EXT-X-STREAM-INF")->attributes;
  const auto& reduced = variants[1].tag("EXT-X-STREAM-INF")->attributes;
  CHECK(reduced.at("RESOLUTION") == "214x120");
  CHECK(reduced.at("CODECS").starts_with("avc1.4d"));  // main profile
  CHECK(reduced.at("CODECS").ends_with(",mp4a.40.2"));
  CHECK(reduced.at("AUDIO") == "audio");
  CHECK(std::stoull(reduced.at("BANDWIDTH")) < std::stoull(full.at("BANDWIDTH")));
  const auto reported = std::find_if(events.tracks.rbegin(), events.tracks.rend(),
                                     [](const TrackInfo& t) { return t.rendition == "video_120"; });
  REQUIRE(reported != events.tracks.rend());
  CHECK(reported->variant_of == "video");
  CHECK(reported->height == 120);
}

TEST_CASE("a track without a language descriptor takes its language from the configured order, and one with it keeps it") {
  REQUIRE(streaming_available());
  Venue venue{[](RelayConfig& config) { config.track_languages = {"mul", "en", "vi"}; }};
  INFO(venue.events.describe());
  // audio_0 and audio_1 carry no language tag; audio_2 says French.
  const std::string published = test::publish_tracks(venue.port, kStreamId, kPassphrase, {"", "", "fr"}, 2000ms);
  REQUIRE_MESSAGE(published.empty(), published);
  REQUIRE(venue.events.wait(
      [](const test::EventLog& e) { return listening_count(e) >= 2 && e.segments_of("audio_2") >= 1; }, 20s));
  const auto& events = venue.events;
  std::map<std::string, TrackInfo> last;
  for (const auto& track : events.tracks) last[track.rendition] = track;
  CHECK(last["audio_0"].language == "mul");
  CHECK(last["audio_0"].language_from_config);
  CHECK(last["audio_1"].language == "en");
  CHECK(last["audio_1"].language_from_config);
  CHECK(last["audio_2"].language == "fr");
  CHECK_FALSE(last["audio_2"].language_from_config);
  // Never reported with the configured language first and the descriptor's after.
  for (const auto& track : events.tracks) {
    if (track.rendition == "audio_2") CHECK(track.language != "vi");
  }

  const auto master = test::read_m3u8(test::read_text(venue.dir.path() / "hls" / "master.m3u8"));
  REQUIRE_MESSAGE(master.valid, master.problem);
  std::map<std::string, std::string> uri_by_language;
  for (const auto* media : master.tags("EXT-X-MEDIA")) {
    uri_by_language[media->attributes.at("LANGUAGE")] = media->attributes.at("URI");
  }
  CHECK(uri_by_language["mul"] == "audio_0/index.m3u8");
  CHECK(uri_by_language["en"] == "audio_1/index.m3u8");
  CHECK(uri_by_language["fr"] == "audio_2/index.m3u8");
}
