// The video relay inside the real server: a synthetic venue encoder pushes
// MPEG-TS over SRT on loopback into a streamed room, and players, phones and
// hosts see it over HTTP and the live channel.
#include <doctest/doctest.h>

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <functional>
#include <regex>

#include "../streaming/stream_test_support.hpp"
#include "app/config.hpp"
#include "auth/playback_token.hpp"
#include "domain/instant.hpp"
#include "relay/room_stream.hpp"
#include "relay/streaming_service.hpp"
#include "streaming/synthetic_encoder.hpp"
#include "support/desk.hpp"
#include "support/live_client.hpp"

using namespace plenary;
using namespace plenary::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::string utc(std::int64_t unix_seconds) {
  const std::time_t t = unix_seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string utc_date(std::int64_t unix_seconds) {
  return utc(unix_seconds).substr(0, 10);
}

// A server with streaming, the event "live-21" spanning today (UTC), a
// streamed room and a session in it happening now.
struct Venue {
  Desk desk;
  std::int64_t now = domain::unix_now();
  std::int64_t room = 0;
  std::int64_t session = 0;
  std::shared_ptr<relay::RoomStream> stream;  // the room's, as the server keeps it
  streaming::test::IoThread encoder_thread;
  std::shared_ptr<streaming::SyntheticEncoder> encoder;

  explicit Venue(const std::string& visibility = "public", TestServer::Tweak tweak = {})
      : desk{[tweak](app::Config& config) {
          config.stream_grace_seconds = 2;
          config.stream_tick_seconds = 0.1;
          if (tweak) tweak(config);
        }} {
    REQUIRE(desk.call("POST", "/api/v1/events",
                      {{"slug", "live-21"},
                       {"title", {{"en", "Live 21"}}},
                       {"time_zone", "UTC"},
                       {"first_day", utc_date(now - 86400)},
                       {"last_day", utc_date(now + 86400)},
                       {"languages", {"en", "vi", "ms"}},
                       {"default_language", "en"}},
                      desk.admin)
                .status == 201);
    const auto created = desk.call("POST", "/api/v1/events/live-21/rooms",
                                   {{"name", {{"en", "Grand Hall"}}}, {"streamed", true}}, desk.admin);
    REQUIRE(created.status == 201);
    room = created.json()["id"];
    const auto added = desk.call("POST", "/api/v1/events/live-21/sessions",
                                 {{"kind", "plenary"},
                                  {"title", {{"en", "Opening plenary"}}},
                                  {"starts_at", utc(now - 300)},
                                  {"ends_at", utc(now + 3600)},
                                  {"room_id", room},
                                  {"visibility", visibility}},
                                 desk.admin);
    REQUIRE(added.status == 201);
    session = added.json()["id"];
    REQUIRE(status()["streamed"] == true);  // the room's stream exists from here on
    stream = desk.server.app().streaming().room(room);
    REQUIRE(stream);
  }
  ~Venue() { stop_encoder(); }

  // Waits until `condition` holds, checking it again after each change of the
  // room's stream (a segment, a track, a state, a publisher), or `deadline`.
  bool until(const std::function<bool()>& condition, std::chrono::seconds deadline = 20s) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (true) {
      const std::uint64_t seen = stream->version();
      if (condition()) return true;
      if (!stream->wait_changed(seen, end)) return condition();
    }
  }

  std::string base() const { return "/live/live-21/" + std::to_string(room) + "/"; }
  json settings() {
    const auto answer =
        desk.call("GET", "/api/v1/events/live-21/rooms/" + std::to_string(room) + "/stream/settings", nullptr,
                  desk.admin);
    REQUIRE(answer.status == 200);
    return answer.json();
  }
  json status(const std::string& token = {}) {
    const auto answer =
        desk.call("GET", "/api/v1/events/live-21/rooms/" + std::to_string(room) + "/stream", nullptr, token);
    REQUIRE(answer.status == 200);
    return answer.json();
  }
  HttpResult get(const std::string& target) { return desk.call("GET", target); }

  void start_encoder(const std::string& key) {
    streaming::EncoderConfig config;
    config.port = static_cast<std::uint16_t>(settings()["srt_port"].get<int>());
    config.stream_id = key;
    config.tracks = {{"mul", 220.0}, {"en", 440.0}, {"vi", 660.0}};
    encoder = streaming::SyntheticEncoder::create(encoder_thread.executor(), config, {});
    encoder->start();
  }
  void stop_encoder() {
    if (encoder) streaming::test::stop_and_wait(encoder);
    encoder.reset();
  }
  // The live master playlist, once the stream has one with every language.
  std::string master(const std::string& prefix = {}) {
    std::string text;
    REQUIRE(until([&] {
      const auto answer = get(base() + prefix + "master.m3u8");
      text = answer.body;
      return answer.status == 200 && text.find("LANGUAGE=\"vi\"") != std::string::npos &&
             text.find("LANGUAGE=\"en\"") != std::string::npos &&
             text.find("/video/index.m3u8") != std::string::npos;
    }));
    return text;
  }
};

// The URI of the first line of `playlist` that ends with `suffix`.
std::string first_uri(const std::string& playlist, const std::string& suffix) {
  std::istringstream lines(playlist);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.front() != '#' && line.ends_with(suffix)) return line;
    const auto uri = line.find("URI=\"");
    if (uri != std::string::npos) {
      const std::string value = line.substr(uri + 5, line.find('"', uri + 5) - uri - 5);
      if (value.ends_with(suffix)) return value;
    }
  }
  return {};
}

std::string last_segment(const std::string& playlist) {
  std::istringstream lines(playlist);
  std::string line, last;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.front() != '#') last = line;
  }
  return last;
}

std::string directory_of(const std::string& uri) {
  return uri.substr(0, uri.rfind('/') + 1);
}

}  // namespace

TEST_CASE("a room's camera reaches remote attendees: every language, growing playlists, decodable segments, "
          "and the session goes live and ends with a replay") {
  Venue venue;
  LiveClient phone(venue.desk.server.port());
  phone.subscribe({{"channel", "event:live-21"}});

  const json settings = venue.settings();
  CHECK(settings["encoder_url"].get<std::string>().starts_with("srt://127.0.0.1:"));
  CHECK(venue.status()["state"] == "idle");
  venue.start_encoder(settings["stream_key"]);

  const json live = phone.receive("session.live", 20);
  CHECK(live["data"]["session"]["id"] == venue.session);
  CHECK(live["data"]["session"]["status"] == "live");
  CHECK(live["data"]["stream"]["hls"] == venue.base() + "master.m3u8");

  const std::string master = venue.master();
  CHECK(master.find("TYPE=AUDIO") != std::string::npos);
  CHECK(master.find("NAME=\"Tiếng Việt\"") != std::string::npos);
  CHECK(master.find("NAME=\"English\"") != std::string::npos);
  CHECK(master.find("DEFAULT=YES") != std::string::npos);
  const auto master_answer = venue.get(venue.base() + "master.m3u8");
  CHECK(master_answer.header("Content-Type") == "application/vnd.apple.mpegurl");
  CHECK(master_answer.header("Cache-Control") == "public, max-age=1");

  // The media playlist grows, and its newest segment decodes as H.264 video.
  const std::string video_uri = first_uri(master, "video/index.m3u8");
  REQUIRE(video_uri.starts_with("r"));
  const std::string video_path = venue.base() + video_uri;
  std::string first_listed;
  REQUIRE(venue.until([&] {
    first_listed = last_segment(venue.get(video_path).body);
    return !first_listed.empty();
  }));
  REQUIRE(venue.until([&] { return last_segment(venue.get(video_path).body) != first_listed; }));
  const std::string segment_path = venue.base() + directory_of(first_uri(master, "video/index.m3u8")) + first_listed;
  const auto segment = venue.get(segment_path);
  REQUIRE(segment.status == 200);
  CHECK(segment.header("Content-Type") == "video/mp2t");
  CHECK(segment.header("Cache-Control") == "public, max-age=86400, immutable");
  streaming::test::TempDir scratch;
  const auto file = scratch.path() / "segment.ts";
  std::ofstream(file, std::ios::binary) << segment.body;
  const auto decoded = streaming::test::decode_segment(file, streaming::test::MediaKind::video);
  CHECK(decoded.error == "");
  CHECK(decoded.buffers > 0);
  CHECK(decoded.caps.find("video/x-raw") != std::string::npos);

  // And a segment of the Vietnamese interpretation decodes as AAC.
  const std::string vietnamese = first_uri(master, "audio_2/index.m3u8");
  REQUIRE_FALSE(vietnamese.empty());
  std::string audio_segment;
  REQUIRE(venue.until([&] {
    audio_segment = last_segment(venue.get(venue.base() + vietnamese).body);
    return audio_segment.ends_with(".ts");
  }));
  const auto audio = venue.get(venue.base() + directory_of(vietnamese) + audio_segment);
  REQUIRE(audio.status == 200);
  std::ofstream(scratch.path() / "audio.ts", std::ios::binary) << audio.body;
  const auto heard = streaming::test::decode_segment(scratch.path() / "audio.ts", streaming::test::MediaKind::audio);
  CHECK(heard.error == "");
  CHECK(heard.caps.find("audio/x-raw") != std::string::npos);

  const json status = venue.status();
  CHECK(status["state"] == "live");
  CHECK(status["access"] == "public");
  CHECK(status["session"]["id"] == venue.session);
  CHECK(status["playback"]["hls"] == venue.base() + "master.m3u8");
  CHECK(status["languages"].size() == 3);
  CHECK(status["languages"][0]["floor"] == true);
  CHECK(status["viewers"].get<int>() >= 1);
  CHECK_FALSE(status["started_at"].is_null());
  CHECK(status["bitrate"].get<std::int64_t>() > 0);
  bool audio_only = false;
  for (const auto& rendition : status["renditions"]) {
    if (rendition["type"] == "audio_only") audio_only = rendition["bitrate"].get<std::int64_t>() <= 64'000;
  }
  CHECK(audio_only);  // the weak-link variant, at most 64 kbit/s a language
  const auto agenda_session = venue.desk.call("GET", "/api/v1/events/live-21/sessions/" + std::to_string(venue.session));
  CHECK(agenda_session.json()["status"] == "live");

  // The encoder goes away for longer than the grace: the session ends, with a replay.
  venue.stop_encoder();
  const json ended = phone.receive("session.ended", 20);
  CHECK(ended["data"]["session"]["status"] == "ended");
  const std::string replay = ended["data"]["replay"]["hls"];
  CHECK(replay == "/replay/live-21/" + std::to_string(venue.session) + "/master.m3u8");
  CHECK(ended["data"]["replay"]["seconds"].get<double>() > 1.0);
  const auto replay_master = venue.get(replay);
  REQUIRE(replay_master.status == 200);
  CHECK(replay_master.body.find("LANGUAGE=\"vi\"") != std::string::npos);
  const std::string replay_video = "/replay/live-21/" + std::to_string(venue.session) + "/video/index.m3u8";
  const auto replay_list = venue.get(replay_video);
  REQUIRE(replay_list.status == 200);
  CHECK(replay_list.body.find("#EXT-X-ENDLIST") != std::string::npos);
  const auto replay_segment =
      venue.get("/replay/live-21/" + std::to_string(venue.session) + "/video/" + last_segment(replay_list.body));
  CHECK(replay_segment.status == 200);
  CHECK(venue.status()["state"] == "idle");
  // The agenda offers the replay with the ended session.
  const json ended_session =
      venue.desk.call("GET", "/api/v1/events/live-21/sessions/" + std::to_string(venue.session)).json();
  CHECK(ended_session["status"] == "ended");
  CHECK(ended_session["replay"]["hls"] == replay);
  const json agenda = venue.desk.call("GET", "/api/v1/events/live-21/agenda").json();
  bool listed = false;
  for (const auto& day : agenda["days"]) {
    for (const auto& item : day["sessions"]) {
      if (item["id"] == venue.session) listed = item.contains("replay") && item["replay"]["hls"] == replay;
    }
  }
  CHECK(listed);
}

TEST_CASE("a delegates-only stream needs a valid playback token on every playlist and segment") {
  Venue venue("delegates");
  venue.start_encoder(venue.settings()["stream_key"]);
  // A host is entitled: the stream endpoint hands them a tokenised URL.
  json status;
  REQUIRE(venue.until([&] {
    status = venue.status(venue.desk.admin);
    return status["state"] == "live" && !status["playback"].is_null();
  }));
  CHECK(status["access"] == "delegates");
  const std::string url = status["playback"]["hls"];
  const std::string token = url.substr(venue.base().size(), url.find("/master.m3u8") - venue.base().size());
  REQUIRE(token.starts_with("plp_"));
  const std::string master = venue.master(token + "/");
  const std::string video = first_uri(master, "video/index.m3u8");
  std::string segment;
  REQUIRE(venue.until([&] {
    segment = last_segment(venue.get(venue.base() + token + "/" + video).body);
    return !segment.empty();
  }));
  const std::string segment_path = directory_of(video) + segment;
  INFO("master: " << master);
  REQUIRE(video.starts_with("r"));

  // Anonymous callers get no URL; an outsider's requests get 403, with or without a bad token.
  CHECK(venue.status()["playback"].is_null());
  const auto& secret = venue.desk.server.app().streaming().playback_secret();
  const std::string expired = auth::sign_playback_token(secret, {venue.room, 0, domain::unix_now() - 1});
  const std::string other_room = auth::sign_playback_token(secret, {venue.room + 1, 0, domain::unix_now() + 600});
  const std::vector<std::string> paths = {"master.m3u8", video, segment_path};
  for (const std::string& path : paths) {
    CAPTURE(path);
    const auto without = venue.get(venue.base() + path);
    CHECK(without.status == 403);
    CHECK(without.header("Content-Type") == "application/problem+json");
    CHECK(venue.get(venue.base() + expired + "/" + path).status == 403);
    CHECK(venue.get(venue.base() + other_room + "/" + path).status == 403);
    const auto with = venue.get(venue.base() + token + "/" + path);
    CHECK(with.status == 200);
    CHECK(with.header("Cache-Control").starts_with("private"));
  }
  CHECK(venue.get(venue.base() + expired + "/master.m3u8").json()["detail"].get<std::string>().find("expired") !=
        std::string::npos);

  // A delegate of the event gets a token too.
  const std::string delegate =
      venue.desk.approve_and_sign_in(venue.desk.register_delegate("Nguyen Van A", "VN", "a@example.vn"));
  CHECK(venue.status(delegate)["playback"].is_null());  // a somri-21 delegate is not one of live-21's
}

TEST_CASE("a wrong stream key is refused and never reaches viewers, and a rotated key is in force at once") {
  Venue venue;
  const std::string old_key = venue.settings()["stream_key"];
  const auto rotated = venue.desk.call(
      "POST", "/api/v1/events/live-21/rooms/" + std::to_string(venue.room) + "/stream/key", nullptr, venue.desk.admin);
  REQUIRE(rotated.status == 200);
  const std::string new_key = rotated.json()["stream_key"];
  CHECK(new_key != old_key);

  venue.start_encoder(old_key);
  REQUIRE(venue.until([&] { return venue.status(venue.desk.admin)["encoder"]["refused"].get<int>() > 0; }));
  const json refused = venue.status(venue.desk.admin);
  CHECK(refused["state"] == "idle");
  CHECK(refused["encoder"]["last_refused_peer"].get<std::string>().starts_with("127.0.0.1:"));
  CHECK(venue.get(venue.base() + "master.m3u8").status == 404);
  CHECK_FALSE(venue.status().contains("encoder"));  // for hosts only
  venue.stop_encoder();

  venue.start_encoder(new_key);
  REQUIRE(venue.until([&] { return venue.status()["state"] == "live"; }));
}

TEST_CASE("an encoder that drops and comes back continues the same playlist after a discontinuity") {
  Venue venue;
  const std::string key = venue.settings()["stream_key"];
  LiveClient phone(venue.desk.server.port());
  phone.subscribe({{"channel", "event:live-21"}});
  venue.start_encoder(key);
  phone.receive("session.live", 20);
  const std::string master = venue.master();
  const std::string video = venue.base() + first_uri(master, "video/index.m3u8");
  REQUIRE(venue.until([&] {
    const auto answer = venue.get(video);
    return answer.status == 200 && !last_segment(answer.body).empty();
  }));

  venue.stop_encoder();
  REQUIRE(venue.until([&] { return venue.status()["state"] == "reconnecting"; }, 10s));
  venue.start_encoder(key);
  REQUIRE(venue.until([&] { return venue.get(video).body.find("#EXT-X-DISCONTINUITY\n") != std::string::npos; }));
  CHECK(venue.until([&] { return venue.status()["state"] == "live"; }));
  CHECK(venue.get(venue.base() + "master.m3u8").body == venue.get(venue.base() + "master.m3u8").body);
  // Still the same session, never ended in between.
  const auto session = venue.desk.call("GET", "/api/v1/events/live-21/sessions/" + std::to_string(venue.session));
  CHECK(session.json()["status"] == "live");
}

TEST_CASE("a relay that cannot start shows error while the server keeps serving the agenda, then recovers") {
  Venue venue;
  // Something else holds the UDP port the room is moved to.
  const int holder = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(holder, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  ::getsockname(holder, reinterpret_cast<sockaddr*>(&address), &length);
  const int taken = ntohs(address.sin_port);
  const auto moved =
      venue.desk.call("PUT", "/api/v1/events/live-21/rooms/" + std::to_string(venue.room) + "/stream/settings",
                      {{"srt_port", taken}}, venue.desk.admin);
  REQUIRE(moved.status == 200);
  CHECK(moved.json()["srt_port"] == taken);
  json status;
  const bool failed = venue.until([&] {
    status = venue.status();
    return status["state"] == "error";
  });
  CHECK(failed);
  CHECK_FALSE(status.value("detail", "").empty());
  CHECK(venue.desk.call("GET", "/api/v1/events/live-21/agenda").status == 200);
  CHECK(venue.desk.call("GET", "/api/v1/events/somri-21/agenda").status == 200);
  ::close(holder);
  // Backoff, then the relay listens again on the port now free.
  CHECK(venue.until([&] { return venue.status()["state"] == "idle"; }));
}

TEST_CASE("bad stream settings are refused and change nothing") {
  Venue venue;
  const json before = venue.settings();
  const std::string path = "/api/v1/events/live-21/rooms/" + std::to_string(venue.room) + "/stream/settings";
  const auto bad = venue.desk.call("PUT", path,
                                   {{"srt_port", 80}, {"passphrase", "short"}, {"low_video_height", 361},
                                    {"bitrate", 1}},
                                   venue.desk.admin);
  CHECK(bad.status == 422);
  CHECK(bad.header("Content-Type") == "application/problem+json");
  CHECK(bad.json()["errors"].size() == 4);
  CHECK(venue.settings() == before);
  CHECK(venue.desk.call("PUT", path, {{"audio_only", false}}, venue.desk.registrar).status == 403);
  CHECK(venue.desk.call("PUT", path, {{"audio_only", false}}).status == 401);
  CHECK(venue.desk.call("GET", path, nullptr, venue.desk.registrar).status == 403);
  CHECK(venue.desk.call("GET", "/live/live-21/" + std::to_string(venue.room) + "/r1/../../x.ts").status == 404);
  CHECK(venue.desk.call("GET", "/live/somri-21/" + std::to_string(venue.room) + "/master.m3u8").status == 404);
}

TEST_CASE("a room that stops being streamed ends the session on air and stops listening") {
  Venue venue;
  LiveClient phone(venue.desk.server.port());
  phone.subscribe({{"channel", "event:live-21"}});
  venue.start_encoder(venue.settings()["stream_key"]);
  phone.receive("session.live", 20);
  REQUIRE(venue.desk.call("PATCH", "/api/v1/events/live-21/rooms/" + std::to_string(venue.room),
                          {{"streamed", false}}, venue.desk.admin)
              .status == 200);
  const json ended = phone.receive("session.ended", 20);
  CHECK(ended["data"]["session"]["id"] == venue.session);
  CHECK(venue.status()["state"] == "off");
  CHECK(venue.get(venue.base() + "master.m3u8").status == 404);
}

TEST_CASE("a room configured for a lower-resolution variant offers it beside the camera's own video") {
  Venue venue;
  const auto configured =
      venue.desk.call("PUT", "/api/v1/events/live-21/rooms/" + std::to_string(venue.room) + "/stream/settings",
                      {{"low_video_height", 144}}, venue.desk.admin);
  REQUIRE(configured.status == 200);
  CHECK(configured.json()["low_video_height"] == 144);
  // The answer comes once the restarted relay listens: an encoder set up
  // from it at once is taken (it does not retry).
  venue.start_encoder(configured.json()["stream_key"]);
  std::string master;
  const bool listed = venue.until([&] {
    master = venue.get(venue.base() + "master.m3u8").body;
    return master.find("video_144/index.m3u8") != std::string::npos;
  });
  INFO(venue.status(venue.desk.admin).dump());
  REQUIRE(listed);
  CHECK(master.find("RESOLUTION=320x180") != std::string::npos);
  CHECK(master.find("RESOLUTION=256x144") != std::string::npos);
  const std::string low = venue.base() + first_uri(master, "video_144/index.m3u8");
  REQUIRE(venue.until([&] {
    const auto answer = venue.get(low);
    return answer.status == 200 && last_segment(answer.body).ends_with(".ts");
  }));
  const auto low_status = venue.status();
  const auto renditions = low_status["renditions"];
  CHECK(std::any_of(renditions.begin(), renditions.end(),
                    [](const json& r) { return r["name"] == "video_144" && r["height"] == 144; }));
}

TEST_CASE("when the media disk is down to its reserve the session goes on air unrecorded, and says so to hosts") {
  // A reserve larger than any disk: recording pauses from the first segment.
  Venue venue("public", [](app::Config& config) { config.media_reserve_mb = std::uint64_t{1} << 40; });
  venue.start_encoder(venue.settings()["stream_key"]);
  const std::string master = venue.master();
  // Viewers see the live stream as always.
  const std::string video = venue.base() + first_uri(master, "video/index.m3u8");
  REQUIRE(venue.until([&] {
    const auto answer = venue.get(video);
    return answer.status == 200 && last_segment(answer.body).ends_with(".ts");
  }));
  // Hosts learn it once the session is on air.
  json status;
  REQUIRE(venue.until([&] {
    status = venue.status(venue.desk.admin);
    return status["session"].is_object() && status["recording"]["state"] == "paused";
  }));
  CHECK(status["state"] == "live");
  CHECK(status["recording"]["detail"].get<std::string>().find("reserve") != std::string::npos);
  CHECK_FALSE(venue.status().contains("recording"));  // hosts only
  // The session ends without a replay: nothing was recorded.
  LiveClient phone(venue.desk.server.port());
  phone.subscribe({{"channel", "event:live-21"}});
  venue.stop_encoder();
  const json ended = phone.receive("session.ended", 20);
  CHECK(ended["data"]["session"]["id"] == venue.session);
  CHECK(ended["data"]["replay"].is_null());
  const auto session = venue.get("/api/v1/events/live-21/sessions/" + std::to_string(venue.session)).json();
  CHECK_FALSE(session.contains("replay"));
}
