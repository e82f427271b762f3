#include <set>

#include <doctest/doctest.h>

#include "app/demo.hpp"
#include "app/demo_meeting.hpp"
#include "domain/instant.hpp"
#include "support/gunzip.hpp"
#include "support/http_client.hpp"
#include "support/test_server.hpp"

using namespace plenary;
using namespace plenary::test;
using nlohmann::json;

namespace {

// A server with one signed-in admin, talking JSON over real HTTP.
struct Host {
  explicit Host(TestServer::Tweak tweak = {}) : server(std::move(tweak)) {}
  TestServer server;
  std::string token = server.sign_in_new_host("secretariat@somri.example", auth::Role::admin);

  HttpResult call(std::string_view method, const std::string& target, const json& body = nullptr,
                  HeaderList extra = {}) {
    HeaderList headers = json_headers(token);
    headers.insert(headers.end(), extra.begin(), extra.end());
    return http_request(server.port(), method, target, body.is_null() ? "" : body.dump(), headers);
  }
  HttpResult anonymous(const std::string& target, HeaderList headers = {}) {
    return http_request(server.port(), "GET", target, {}, headers);
  }
};

json zurich_event() {
  return {{"slug", "wsis-geneva"},
          {"title", {{"en", "Digital cooperation forum"}, {"vi", "Diễn đàn hợp tác số"}}},
          {"city", {{"en", "Geneva"}, {"vi", "Giơ-ne-vơ"}, {"ms", "Geneva"}}},
          {"time_zone", "Europe/Zurich"},
          {"first_day", "2024-10-26"},
          {"last_day", "2024-10-28"},
          {"languages", {"en", "vi", "ms"}},
          {"default_language", "en"}};
}

json session(std::string title, std::string starts, std::string ends, std::optional<std::int64_t> room = {}) {
  json body = {{"kind", "official_meeting"}, {"title", {{"en", title}}}, {"starts_at", starts}, {"ends_at", ends}};
  if (room) body["room_id"] = *room;
  return body;
}

std::vector<json> all_sessions(const json& agenda) {
  std::vector<json> sessions;
  for (const auto& day : agenda["days"]) {
    for (const auto& s : day["sessions"]) sessions.push_back(s);
  }
  return sessions;
}

}  // namespace

TEST_CASE("an agenda in Zurich spanning the end of summer time shows both offsets, each session on its day") {
  Host host;
  REQUIRE(host.call("POST", "/api/v1/events", zurich_event()).status == 201);
  const auto room = host.call("POST", "/api/v1/events/wsis-geneva/rooms", {{"name", {{"en", "Room XIX"}}}});
  REQUIRE(room.status == 201);
  const std::int64_t room_id = room.json()["id"];
  REQUIRE(host.call("POST", "/api/v1/events/wsis-geneva/sessions",
                    session("Before the change", "2024-10-26T10:00", "2024-10-26T11:00", room_id))
              .status == 201);
  REQUIRE(host.call("POST", "/api/v1/events/wsis-geneva/sessions",
                    session("Late night", "2024-10-27T23:30", "2024-10-28T00:30", room_id))
              .status == 201);
  REQUIRE(host.call("POST", "/api/v1/events/wsis-geneva/sessions",
                    session("After the change", "2024-10-28T10:00:00+01:00", "2024-10-28T11:00:00+01:00", room_id))
              .status == 201);

  const json agenda = host.anonymous("/api/v1/events/wsis-geneva/agenda").json();
  REQUIRE(agenda["days"].size() == 3);
  CHECK(agenda["days"][0]["date"] == "2024-10-26");
  CHECK(agenda["days"][0]["sessions"][0]["starts_at"] == "2024-10-26T10:00:00+02:00");
  CHECK(agenda["days"][1]["date"] == "2024-10-27");
  REQUIRE(agenda["days"][1]["sessions"].size() == 1);
  CHECK(agenda["days"][1]["sessions"][0]["title"] == "Late night");
  CHECK(agenda["days"][1]["sessions"][0]["starts_at"] == "2024-10-27T23:30:00+01:00");
  CHECK(agenda["days"][1]["sessions"][0]["ends_at"] == "2024-10-28T00:30:00+01:00");
  CHECK(agenda["days"][2]["sessions"][0]["starts_at"] == "2024-10-28T10:00:00+01:00");
  const json filtered = host.anonymous("/api/v1/events/wsis-geneva/agenda?day=2024-10-28").json();
  REQUIRE(filtered["days"].size() == 1);
  CHECK(filtered["days"][0]["sessions"][0]["title"] == "After the change");
}

TEST_CASE("the agenda speaks the caller's language, says which, and falls back field by field") {
  Host host;
  REQUIRE(host.call("POST", "/api/v1/events", zurich_event()).status == 201);
  json item = session("Opening plenary", "2024-10-26T09:00", "2024-10-26T10:00");
  item["title"] = {{"en", "Opening plenary"}, {"vi", "Phiên khai mạc"}, {"ms", "Sesi pleno pembukaan"}};
  item["description"] = {{"en", "Welcome remarks"}};
  REQUIRE(host.call("POST", "/api/v1/events/wsis-geneva/sessions", item).status == 201);

  const auto vi = host.anonymous("/api/v1/events/wsis-geneva/agenda", {{"Accept-Language", "vi-VN,vi;q=0.9,en;q=0.5"}});
  CHECK(vi.header("Content-Language") == "vi");
  CHECK(vi.header("Vary").find("Accept-Language") != std::string::npos);
  const json first = all_sessions(vi.json()).at(0);
  CHECK(first["title"] == "Phiên khai mạc");
  CHECK(first["description"] == "Welcome remarks");  // no Vietnamese text: the default's
  CHECK(vi.json()["event"]["title"] == "Diễn đàn hợp tác số");

  const auto ms = host.anonymous("/api/v1/events/wsis-geneva/agenda?lang=ms", {{"Accept-Language", "vi"}});
  CHECK(ms.header("Content-Language") == "ms");
  CHECK(all_sessions(ms.json()).at(0)["title"] == "Sesi pleno pembukaan");
  CHECK(ms.json()["event"]["title"] == "Digital cooperation forum");

  const auto every = host.anonymous("/api/v1/events/wsis-geneva/agenda?lang=*");
  CHECK(every.header("Content-Language") == "en, vi, ms");
  CHECK(all_sessions(every.json()).at(0)["title"]["ms"] == "Sesi pleno pembukaan");

  CHECK(
      host.anonymous("/api/v1/events/wsis-geneva/agenda", {{"Accept-Language", "fr-CH"}}).header("Content-Language") ==
      "en");
  const auto refused = host.anonymous("/api/v1/events/wsis-geneva/agenda?lang=fr");
  CHECK(refused.status == 422);
  CHECK(refused.json()["errors"][0]["field"] == "lang");
}

TEST_CASE("Vietnamese text round-trips byte for byte, decomposed input is stored composed, bad UTF-8 is 422") {
  Host host;
  REQUIRE(host.call("POST", "/api/v1/events", zurich_event()).status == 201);
  const std::string vietnamese = "Phiên thảo luận: Ứng dụng trí tuệ nhân tạo trong báo chí — Hạ Long, Quảng Ninh";
  json item = session("AI in newsrooms", "2024-10-26T14:00", "2024-10-26T15:00");
  item["title"]["vi"] = vietnamese;
  item["description"] = {{"vi", "Vi\x65\xCC\xA3\xCC\x82t Nam"}};  // e + dot below + circumflex
  const auto created = host.call("POST", "/api/v1/events/wsis-geneva/sessions", item);
  REQUIRE(created.status == 201);
  const std::string id = std::to_string(created.json()["id"].get<int>());
  const json stored = host.anonymous("/api/v1/events/wsis-geneva/sessions/" + id + "?lang=*").json();
  CHECK(stored["title"]["vi"].get<std::string>() == vietnamese);
  CHECK(stored["description"]["vi"].get<std::string>() == "Việt Nam");
  CHECK(host.anonymous("/api/v1/events/wsis-geneva/agenda?lang=vi").body.find(vietnamese) != std::string::npos);

  const std::string broken = R"({"kind":"other","title":{"en":"x","vi":"Vi)" + std::string("\xE1\xBB") +
                             R"("},"starts_at":"2024-10-26T16:00","ends_at":"2024-10-26T17:00"})";
  const auto refused =
      http_request(host.server.port(), "POST", "/api/v1/events/wsis-geneva/sessions", broken, json_headers(host.token));
  CHECK(refused.status == 422);
  CHECK(refused.json()["errors"][0]["field"] == "title.vi");
  CHECK(all_sessions(host.anonymous("/api/v1/events/wsis-geneva/agenda").json()).size() == 1);
}

TEST_CASE("invalid sessions are refused with every field named, and nothing is saved") {
  Host host;
  REQUIRE(host.call("POST", "/api/v1/events", zurich_event()).status == 201);
  json bad = {{"kind", "party"},
              {"title", {{"vi", "Chỉ tiếng Việt"}, {"fr", "Seulement"}}},
              {"starts_at", "2024-10-26T12:00"},
              {"ends_at", "2024-10-26T11:00"},
              {"room_id", 999},
              {"colour", "red"}};
  const auto refused = host.call("POST", "/api/v1/events/wsis-geneva/sessions", bad);
  CAPTURE(refused.body);
  CHECK(refused.status == 422);
  std::set<std::string> fields;
  const json refused_body = refused.json();
  for (const auto& error : refused_body["errors"]) fields.insert(error["field"].get<std::string>());
  std::string listed;
  for (const auto& field : fields) listed += field + " ";
  CHECK(listed == "colour ends_at kind title title.fr ");

  const auto outside = host.call("POST", "/api/v1/events/wsis-geneva/sessions",
                                 session("Too late", "2024-10-29T10:00", "2024-10-29T11:00"));
  CHECK(outside.status == 422);
  CHECK(outside.json()["errors"][0]["field"] == "starts_at");
  const auto no_room = host.call("POST", "/api/v1/events/wsis-geneva/sessions",
                                 session("Nowhere", "2024-10-26T10:00", "2024-10-26T11:00", 999));
  CHECK(no_room.status == 422);
  CHECK(no_room.json()["errors"][0]["field"] == "room_id");
  json other = zurich_event();
  other["slug"] = "elsewhere";
  other["time_zone"] = "Europe/Atlantis";
  other["default_language"] = "fr";
  const auto bad_event = host.call("POST", "/api/v1/events", other);
  CAPTURE(bad_event.body);
  CHECK(bad_event.status == 422);
  fields.clear();
  const json bad_event_body = bad_event.json();
  for (const auto& error : bad_event_body["errors"]) fields.insert(error["field"].get<std::string>());
  listed.clear();
  for (const auto& field : fields) listed += field + " ";
  CHECK(listed == "default_language time_zone ");
  CHECK(host.anonymous("/api/v1/events/elsewhere").status == 404);
  CHECK(all_sessions(host.anonymous("/api/v1/events/wsis-geneva/agenda").json()).empty());
}

TEST_CASE("two sessions may not share a room at once: 409 names the other, unless the host forces it") {
  Host host;
  REQUIRE(host.call("POST", "/api/v1/events", zurich_event()).status == 201);
  const std::int64_t room =
      host.call("POST", "/api/v1/events/wsis-geneva/rooms", {{"name", {{"en", "Room XIX"}}}}).json()["id"];
  const auto first = host.call("POST", "/api/v1/events/wsis-geneva/sessions",
                               session("Working group", "2024-10-26T10:00", "2024-10-26T12:00", room));
  REQUIRE(first.status == 201);
  const auto clash = host.call("POST", "/api/v1/events/wsis-geneva/sessions",
                               session("Press briefing", "2024-10-26T11:30", "2024-10-26T12:30", room));
  CHECK(clash.status == 409);
  CHECK(clash.json()["conflicting_session"]["id"] == first.json()["id"]);
  CHECK(clash.json()["detail"].get<std::string>().find("Working group") != std::string::npos);
  CHECK(host.call("POST", "/api/v1/events/wsis-geneva/sessions",
                  session("Back to back", "2024-10-26T12:00", "2024-10-26T13:00", room))
            .status == 201);
  CHECK(host.call("POST", "/api/v1/events/wsis-geneva/sessions?force=true",
                  session("Press briefing", "2024-10-26T11:30", "2024-10-26T12:30", room))
            .status == 201);
}

TEST_CASE("moving a session marks it moved, and the agenda's ETag changes so phones refetch") {
  Host host;
  REQUIRE(host.call("POST", "/api/v1/events", zurich_event()).status == 201);
  const std::int64_t room_a =
      host.call("POST", "/api/v1/events/wsis-geneva/rooms", {{"name", {{"en", "A"}}}}).json()["id"];
  const std::int64_t room_b =
      host.call("POST", "/api/v1/events/wsis-geneva/rooms", {{"name", {{"en", "B"}}}}).json()["id"];
  const std::string id = std::to_string(host.call("POST", "/api/v1/events/wsis-geneva/sessions",
                                                  session("Plenary", "2024-10-26T09:00", "2024-10-26T10:00", room_a))
                                            .json()["id"]
                                            .get<int>());
  const auto before = host.anonymous("/api/v1/events/wsis-geneva/agenda");
  const std::string etag = before.header("ETag");
  CHECK(before.header("Cache-Control") == "public, no-cache");
  CHECK(host.anonymous("/api/v1/events/wsis-geneva/agenda", {{"If-None-Match", etag}}).status == 304);

  const auto moved =
      host.call("PATCH", "/api/v1/events/wsis-geneva/sessions/" + id,
                {{"room_id", room_b}, {"starts_at", "2024-10-26T09:30"}, {"ends_at", "2024-10-26T10:30"}});
  REQUIRE(moved.status == 200);
  CHECK(moved.json()["status"] == "moved");
  CHECK(moved.json()["changes"] == json({"time", "room", "status"}));

  const auto after = host.anonymous("/api/v1/events/wsis-geneva/agenda", {{"If-None-Match", etag}});
  CHECK(after.status == 200);
  CHECK(after.header("ETag") != etag);
  const json now = all_sessions(after.json()).at(0);
  CHECK(now["status"] == "moved");
  CHECK(now["room"]["id"] == room_b);
  CHECK(now["starts_at"] == "2024-10-26T09:30:00+02:00");

  const auto cancelled = host.call("PATCH", "/api/v1/events/wsis-geneva/sessions/" + id, {{"status", "cancelled"}});
  CHECK(cancelled.json()["changes"] == json({"status"}));
  CHECK(all_sessions(host.anonymous("/api/v1/events/wsis-geneva/agenda").json()).at(0)["status"] == "cancelled");
}

TEST_CASE("a cached agenda is served without touching the database, gzip-compressed when the phone accepts it") {
  Host host;
  REQUIRE(host.call("POST", "/api/v1/events", zurich_event()).status == 201);
  REQUIRE(host.call("POST", "/api/v1/events/wsis-geneva/sessions",
                    session("Opening", "2024-10-26T09:00", "2024-10-26T10:00"))
              .status == 201);
  const auto plain = host.anonymous("/api/v1/events/wsis-geneva/agenda");
  REQUIRE(plain.status == 200);
  const auto reads = [&] {
    const std::string metrics = host.anonymous("/metrics").body;
    const std::string series = "plenary_db_operation_duration_seconds_count{kind=\"read\"} ";
    const auto at = metrics.find(series);
    return at == std::string::npos ? 0L : std::stol(metrics.substr(at + series.size()));
  };
  const long before = reads();
  HttpClient phone(host.server.port());
  for (int i = 0; i < 50; ++i) {
    const auto compressed =
        phone.request("GET", "/api/v1/events/wsis-geneva/agenda", {}, {{"Accept-Encoding", "gzip"}});
    REQUIRE(compressed.status == 200);
    CHECK(compressed.header("Content-Encoding") == "gzip");
    if (i == 0) {
      CHECK(compressed.body.size() < plain.body.size());
      CHECK(gunzip(compressed.body) == plain.body);
      CHECK(compressed.header("ETag") != plain.header("ETag"));
    }
  }
  CHECK(reads() == before);
}

TEST_CASE("lists page in a stable order, and a room added meanwhile neither repeats nor hides one") {
  Host host;
  REQUIRE(host.call("POST", "/api/v1/events", zurich_event()).status == 201);
  for (int i = 1; i <= 7; ++i) {
    REQUIRE(host.call("POST", "/api/v1/events/wsis-geneva/rooms", {{"name", {{"en", "Room " + std::to_string(i)}}}})
                .status == 201);
  }
  std::vector<std::string> names;
  std::string cursor;
  int pages = 0;
  do {
    const auto page = host.anonymous("/api/v1/events/wsis-geneva/rooms?limit=3" +
                                     (cursor.empty() ? std::string() : "&cursor=" + cursor));
    CAPTURE(page.body);
    REQUIRE(page.status == 200);
    const json body = page.json();
    for (const auto& room : body["items"]) names.push_back(room["name"]);
    cursor = body["next_cursor"].is_null() ? "" : body["next_cursor"].get<std::string>();
    if (++pages == 1) host.call("POST", "/api/v1/events/wsis-geneva/rooms", {{"name", {{"en", "Room 8"}}}});
  } while (!cursor.empty());
  CHECK(pages == 3);
  REQUIRE(names.size() == 8);
  for (int i = 0; i < 8; ++i) CHECK(names[static_cast<std::size_t>(i)] == "Room " + std::to_string(i + 1));
  CHECK(host.anonymous("/api/v1/events/wsis-geneva/rooms?limit=0").status == 422);
  CHECK(host.anonymous("/api/v1/events/wsis-geneva/rooms?cursor=abc").status == 422);
}

TEST_CASE("every change is in the audit log with who, when, what, before and after") {
  Host host;
  REQUIRE(host.call("POST", "/api/v1/events", zurich_event()).status == 201);
  const std::string id = std::to_string(host.call("POST", "/api/v1/events/wsis-geneva/sessions",
                                                  session("Opening", "2024-10-26T09:00", "2024-10-26T10:00"))
                                            .json()["id"]
                                            .get<int>());
  REQUIRE(host.call("PATCH", "/api/v1/events/wsis-geneva/sessions/" + id, {{"title", {{"vi", "Khai mạc"}}}}).status ==
          200);
  REQUIRE(host.call("DELETE", "/api/v1/events/wsis-geneva/sessions/" + id).status == 204);
  const auto audit = host.call("GET", "/api/v1/events/wsis-geneva/audit");
  REQUIRE(audit.status == 200);
  const json items = audit.json()["items"];
  REQUIRE(items.size() == 4);
  CHECK(items[0]["action"] == "event.created");
  CHECK(items[1]["action"] == "session.created");
  CHECK(items[2]["action"] == "session.updated");
  CHECK(items[2]["actor"]["email"] == "secretariat@somri.example");
  CHECK(items[2]["before"]["title"] == json({{"en", "Opening"}}));
  CHECK(items[2]["after"]["title"] == json({{"en", "Opening"}, {"vi", "Khai mạc"}}));
  const std::string at = items[2]["at"];
  CHECK((at.ends_with("+01:00") || at.ends_with("+02:00")));
  CHECK(items[3]["action"] == "session.deleted");
  CHECK(items[3]["after"].is_null());
}

TEST_CASE("anonymous callers and registrars cannot change the agenda, and delegates-only content stays hidden") {
  Host host;
  REQUIRE(host.call("POST", "/api/v1/events", zurich_event()).status == 201);
  json closed = session("Closed consultations", "2024-10-26T15:00", "2024-10-26T16:00");
  closed["visibility"] = "delegates";
  const std::string closed_id =
      std::to_string(host.call("POST", "/api/v1/events/wsis-geneva/sessions", closed).json()["id"].get<int>());
  json private_event = zurich_event();
  private_event["slug"] = "closed-retreat";
  private_event["visibility"] = "delegates";
  REQUIRE(host.call("POST", "/api/v1/events", private_event).status == 201);

  const auto port = host.server.port();
  const std::string registrar = host.server.sign_in_new_host("desk@somri.example", auth::Role::registrar);
  const json room = {{"name", {{"en", "Room"}}}};
  CHECK(http_request(port, "POST", "/api/v1/events/wsis-geneva/rooms", room.dump(), json_headers()).status == 401);
  CHECK(http_request(port, "POST", "/api/v1/events/wsis-geneva/rooms", room.dump(), json_headers(registrar)).status ==
        403);
  CHECK(http_request(port, "PATCH", "/api/v1/events/wsis-geneva", json({{"slug", "x"}}).dump(), json_headers(registrar))
            .status == 403);
  CHECK(http_request(port, "DELETE", "/api/v1/events/wsis-geneva", {}, json_headers(registrar)).status == 403);
  CHECK(http_request(port, "GET", "/api/v1/events/wsis-geneva/audit", {}, json_headers(registrar)).status == 403);
  CHECK(host.anonymous("/api/v1/events/wsis-geneva").status == 200);

  CHECK(all_sessions(host.anonymous("/api/v1/events/wsis-geneva/agenda").json()).empty());
  CHECK(host.anonymous("/api/v1/events/wsis-geneva/sessions/" + closed_id).status == 404);
  CHECK(host.anonymous("/api/v1/events/closed-retreat").status == 404);
  CHECK(host.anonymous("/api/v1/events/closed-retreat/agenda").status == 404);
  const auto listed = host.anonymous("/api/v1/events").json()["items"];
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["slug"] == "wsis-geneva");

  const auto as_registrar = http_request(port, "GET", "/api/v1/events/wsis-geneva/agenda", {}, json_headers(registrar));
  CHECK(all_sessions(as_registrar.json()).size() == 1);
  CHECK(as_registrar.header("Cache-Control") == "private, no-cache");
  CHECK(http_request(port, "GET", "/api/v1/events/closed-retreat", {}, json_headers(registrar)).status == 200);
  CHECK(http_request(port, "GET", "/api/v1/events", {}, json_headers(registrar)).json()["items"].size() == 2);
}

TEST_CASE("the demo meeting is SOMRI-21 in Ha Long, in three languages, and in progress today") {
  TestServer server;
  const std::int64_t now = domain::unix_now();
  app::seed_demo(server.app().database(), server.app().auth(), server.data_dir(), now);
  const auto event = http_request(server.port(), "GET", "/api/v1/events/somri-21");
  REQUIRE(event.status == 200);
  CHECK(event.json()["time_zone"] == "Asia/Ho_Chi_Minh");
  CHECK(event.json()["languages"] == json({"en", "vi", "ms"}));
  const auto zone = *domain::TimeZone::find("Asia/Ho_Chi_Minh");
  const std::string today = domain::format_date(zone.local_date(now));
  CHECK(event.json()["first_day"].get<std::string>() <= today);
  CHECK(today <= event.json()["last_day"].get<std::string>());

  const json agenda = http_request(server.port(), "GET", "/api/v1/events/somri-21/agenda?lang=*").json();
  std::map<std::string, int> kinds;
  for (const auto& s : all_sessions(agenda)) {
    ++kinds[s["kind"].get<std::string>()];
    for (const char* tag : {"en", "vi", "ms"}) CHECK(s["title"].contains(tag));
  }
  CHECK(kinds["plenary"] >= 2);
  CHECK(kinds["official_meeting"] >= 12);
  CHECK(kinds["side_event"] >= 1);
  CHECK(kinds["press_conference"] >= 1);
  CHECK(kinds["break"] >= 1);
  // Seeding again (a restart) changes nothing.
  app::seed_demo(server.app().database(), server.app().auth(), server.data_dir(), now);
  CHECK(http_request(server.port(), "GET", "/api/v1/events/somri-21/agenda?lang=*").json() == agenda);
}

namespace {

// The server's open connections, from its own metrics.
long open_connections(unsigned short port) {
  const std::string metrics = http_request(port, "GET", "/metrics").body;
  const std::string series = "\nplenary_http_open_connections ";
  const auto at = metrics.find(series);
  return at == std::string::npos ? -1 : std::stol(metrics.substr(at + series.size()));
}

}  // namespace

TEST_CASE("a phone that reads slowly still gets every byte of many large agendas, and HEAD gets their length") {
  Host host;
  app::seed_demo_meeting(host.server.app().database(), 1, "secretariat@somri.example", domain::unix_now());
  const auto whole = host.anonymous("/api/v1/events/somri-21/agenda");
  REQUIRE(whole.status == 200);
  REQUIRE(whole.body.size() > 40'000);
  const auto head = http_request(host.server.port(), "HEAD", "/api/v1/events/somri-21/agenda");
  CHECK(head.header("Content-Length") == std::to_string(whole.body.size()));

  HttpClient phone(host.server.port(), 4096);
  std::string requests;
  for (int i = 0; i < 12; ++i) requests += "GET /api/v1/events/somri-21/agenda HTTP/1.1\r\nHost: x\r\n\r\n";
  phone.send_raw(requests);
  for (int i = 0; i < 12; ++i) {
    const auto response = phone.read_response();
    CHECK(response.status == 200);
    CHECK(response.body == whole.body);
  }
}

TEST_CASE("a client that stops reading a large response is cut off by the time-out") {
  Host host([](app::Config& config) { config.request_timeout_seconds = 0.5; });
  app::seed_demo_meeting(host.server.app().database(), 1, "secretariat@somri.example", domain::unix_now());
  const auto port = host.server.port();
  REQUIRE(host.anonymous("/api/v1/events/somri-21/agenda").status == 200);
  const long before = open_connections(port);

  HttpClient stalled(port, 4096);
  std::string requests;
  // ~10 MB of answers: more than the kernel's socket buffers hold, so the
  // server must wait on the client, and give up when the time-out passes.
  for (int i = 0; i < 200; ++i) requests += "GET /api/v1/events/somri-21/agenda HTTP/1.1\r\nHost: x\r\n\r\n";
  stalled.send_raw(requests);
  // The server's own gauge says when it has given up on the stalled client.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  long open = open_connections(port);
  while (open > before && std::chrono::steady_clock::now() < deadline) open = open_connections(port);
  CHECK(open == before);
}

TEST_CASE("started again days later, the demo meeting moves to the new today with its local times kept") {
  TestServer server;
  const std::int64_t now = domain::unix_now();
  app::seed_demo(server.app().database(), server.app().auth(), server.data_dir(), now);
  const json before = http_request(server.port(), "GET", "/api/v1/events/somri-21/agenda").json();
  server.stop();

  // The same data directory, ten days on (seeding runs before serving, as in `plenary serve --demo`).
  TestServer later([&](app::Config& config) { config.data_dir = server.data_dir(); });
  const std::int64_t ten_days_on = now + 10 * 86400;
  app::seed_demo(later.app().database(), later.app().auth(), later.data_dir(), ten_days_on);
  const json after = http_request(later.port(), "GET", "/api/v1/events/somri-21/agenda").json();
  const auto zone = *domain::TimeZone::find("Asia/Ho_Chi_Minh");
  const std::string today = domain::format_date(zone.local_date(ten_days_on));
  CHECK(after["event"]["first_day"].get<std::string>() <= today);
  CHECK(today <= after["event"]["last_day"].get<std::string>());
  const auto first_before = all_sessions(before).at(0);
  const auto first_after = all_sessions(after).at(0);
  CHECK(first_after["id"] == first_before["id"]);
  CHECK(first_after["starts_at"].get<std::string>().substr(10) ==
        first_before["starts_at"].get<std::string>().substr(10));
  CHECK(first_after["starts_at"] != first_before["starts_at"]);
}

TEST_CASE("phones that vanish in the middle of large answers do not take the server down") {
  Host host;
  app::seed_demo_meeting(host.server.app().database(), 1, "secretariat@somri.example", domain::unix_now());
  REQUIRE(host.anonymous("/api/v1/events/somri-21/agenda").status == 200);
  // Fewer requests than the pipelining bound keeps a read pending, so the reset
  // can reach the reading side first and a write that follows meets EPIPE.
  std::string requests;
  for (int i = 0; i < 8; ++i) requests += "GET /api/v1/events/somri-21/agenda HTTP/1.1\r\nHost: x\r\n\r\n";
  for (int round = 0; round < 100; ++round) {
    HttpClient phone(host.server.port(), 4096);
    phone.send_raw(requests);
    phone.read_response();  // the server is now sending the rest
    phone.reset();
  }
  CHECK(host.anonymous("/healthz").status == 200);
}
