#include <boost/system/system_error.hpp>
#include <doctest/doctest.h>

#include <optional>
#include <thread>

#include "support/desk.hpp"
#include "support/http_client.hpp"
#include "support/live_client.hpp"
#include "support/temp_dir.hpp"

using namespace plenary;
using namespace plenary::test;
using nlohmann::json;

namespace {

std::int64_t add_session(Desk& desk, const std::string& title) {
  const auto created = desk.call("POST", "/api/v1/events/somri-21/sessions",
                                 {{"kind", "official_meeting"},
                                  {"title", {{"en", title}, {"vi", title + " (vi)"}}},
                                  {"starts_at", "2024-11-20T09:00"},
                                  {"ends_at", "2024-11-20T10:00"}},
                                 desk.admin);
  REQUIRE(created.status == 201);
  return created.json()["id"];
}

// Every phone gets every change once, in order and in its language.
void three_hundred_phones(bool io_uring) {
  Desk desk([io_uring](app::Config& config) { config.live_io_uring = io_uring; });
  constexpr int kPhones = 300;
  constexpr int kChanges = 5;
  std::vector<std::unique_ptr<LiveClient>> phones;
  std::int64_t start = 0;
  for (int i = 0; i < kPhones; ++i) {
    phones.push_back(std::make_unique<LiveClient>(desk.server.port()));
    start = phones.back()->subscribe({{"channel", "event:somri-21"}, {"lang", i % 2 ? "vi" : "en"}})["seq"];
  }
  for (int i = 0; i < kChanges; ++i) {
    REQUIRE(desk.call("POST", "/api/v1/events/somri-21/announcements",
                      {{"text", {{"en", "Change " + std::to_string(i)}, {"vi", "Thay đổi " + std::to_string(i)}}}},
                      desk.admin)
                .status == 201);
  }
  for (int i = 0; i < kPhones; ++i) {
    CAPTURE(i);
    for (int change = 0; change < kChanges; ++change) {
      const json message = phones[i]->receive();
      REQUIRE(message["type"] == "announcement");
      CHECK(message["seq"] == start + 1 + change);
      CHECK(message["data"]["announcement"]["text"] == (i % 2 ? "Thay đổi " : "Change ") + std::to_string(change));
    }
    // Nothing more queued: the next answer is the pong.
    phones[i]->send({{"type", "ping"}});
    CHECK(phones[i]->receive()["type"] == "pong");
  }
}

}  // namespace

TEST_CASE("a phone subscribed to an event hears a session move made over HTTP, in its language") {
  Desk desk;
  const std::int64_t id = add_session(desk, "ASEAN Digital Ministers");
  LiveClient phone(desk.server.port());
  const json subscribed = phone.subscribe({{"channel", "event:somri-21"}, {"lang", "vi"}});
  CHECK(subscribed["type"] == "subscribed");
  const std::int64_t seq = subscribed["seq"];

  REQUIRE(desk.call("PATCH", "/api/v1/events/somri-21/sessions/" + std::to_string(id),
                    {{"starts_at", "2024-11-20T09:30"}, {"ends_at", "2024-11-20T10:30"}}, desk.admin)
              .status == 200);
  const json moved = phone.receive("session.updated");
  CHECK(moved["channel"] == "event:somri-21");
  CHECK(moved["seq"] == seq + 1);
  CHECK(moved["data"]["changes"] == json::array({"time", "status"}));
  CHECK(moved["data"]["session"]["title"] == "ASEAN Digital Ministers (vi)");
  CHECK(moved["data"]["session"]["status"] == "moved");
  CHECK(moved["at"].get<std::string>().ends_with("+07:00"));
}

TEST_CASE("a phone that was away replays what it missed, and is told to refetch when it asks for too much") {
  Desk desk;
  LiveClient first(desk.server.port());
  const std::int64_t start = first.subscribe({{"channel", "event:somri-21"}})["seq"];
  add_session(desk, "Press conference");
  add_session(desk, "Closing plenary");
  CHECK(first.receive("session.created")["seq"] == start + 1);

  // Another phone comes back with the last number it saw: both are replayed.
  LiveClient back(desk.server.port());
  CHECK(back.subscribe({{"channel", "event:somri-21"}, {"since", start}})["type"] == "subscribed");
  const json one = back.receive("session.created");
  const json two = back.receive("session.created");
  CHECK(one["seq"] == start + 1);
  CHECK(two["seq"] == start + 2);
  CHECK(two["data"]["session"]["title"]["en"] == "Closing plenary");

  // Nothing new: nothing replayed, and the next change arrives once.
  LiveClient current(desk.server.port());
  CHECK(current.subscribe({{"channel", "event:somri-21"}, {"since", start + 2}})["seq"] == start + 2);
  add_session(desk, "Side meeting");
  CHECK(current.receive("session.created")["seq"] == start + 3);
}

TEST_CASE("announcements reach subscribers in three languages and are listed while current") {
  Desk desk;
  LiveClient english(desk.server.port());
  LiveClient all(desk.server.port());
  english.subscribe({{"channel", "event:somri-21"}, {"lang", "en"}});
  all.subscribe({{"channel", "event:somri-21"}});
  const json text = {{"en", "The plenary moves to Hall B"},
                     {"vi", "Phiên toàn thể chuyển sang Hội trường B"},
                     {"ms", "Sesi pleno berpindah ke Dewan B"}};
  const auto posted = desk.call("POST", "/api/v1/events/somri-21/announcements",
                                {{"text", text}, {"priority", "urgent"}}, desk.registrar);
  REQUIRE(posted.status == 201);
  CHECK(english.receive("announcement")["data"]["announcement"]["text"] == "The plenary moves to Hall B");
  const json full = all.receive("announcement");
  CHECK(full["data"]["announcement"]["text"] == text);
  CHECK(full["data"]["announcement"]["priority"] == "urgent");

  const json listed = desk.call("GET", "/api/v1/events/somri-21/announcements?lang=vi").json();
  REQUIRE(listed["items"].size() == 1);
  CHECK(listed["items"][0]["text"] == "Phiên toàn thể chuyển sang Hội trường B");
  CHECK(desk.call("POST", "/api/v1/events/somri-21/announcements", {{"text", text}}).status == 401);
  CHECK(desk.call("DELETE", "/api/v1/events/somri-21/announcements/" + std::to_string(posted.json()["id"].get<int>()),
                  nullptr, desk.admin)
            .status == 204);
  CHECK(all.receive("announcement.withdrawn")["data"]["id"] == posted.json()["id"]);
  CHECK(desk.call("GET", "/api/v1/events/somri-21/announcements").json()["items"].empty());
}

TEST_CASE("the personal channel needs the delegate's own token and tells of a seat that opened") {
  Desk desk;
  LiveClient stranger(desk.server.port());
  const json refused = stranger.subscribe({{"channel", "me"}});
  CHECK(refused["type"] == "error");
  CHECK(refused["code"] == "unauthorized");
  CHECK(stranger.subscribe({{"channel", "me"}, {"token", desk.registrar}})["code"] == "unauthorized");

  // Five seats: the sixth delegate waits, and hears when a seat opens.
  const std::vector<std::string> tokens = desk.signed_in_delegates(6, "MY");
  for (const auto& token : tokens) REQUIRE(desk.call("POST", desk.rsvp_path(), nullptr, token).status == 201);
  LiveClient waiting(desk.server.port());
  CHECK(waiting.subscribe({{"channel", "me"}, {"token", tokens[5]}})["type"] == "subscribed");
  REQUIRE(desk.call("DELETE", desk.rsvp_path(), nullptr, tokens[0]).status == 204);
  const json promoted = waiting.receive("rsvp.promoted");
  CHECK(promoted["channel"] == "me");
  CHECK(promoted["data"]["session_id"] == desk.side_event);
}

TEST_CASE("delegates who booked or bookmarked a session hear on their own channel that it moved, once each") {
  Desk desk;
  // One books a seat, one bookmarks it, one does both, one neither.
  const std::vector<std::string> tokens = desk.signed_in_delegates(4, "VN");
  const std::string bookmark = "/api/v1/me/bookmarks/" + std::to_string(desk.side_event);
  REQUIRE(desk.call("POST", desk.rsvp_path(), nullptr, tokens[0]).status == 201);
  REQUIRE(desk.call("PUT", bookmark, nullptr, tokens[1]).status / 100 == 2);
  REQUIRE(desk.call("POST", desk.rsvp_path(), nullptr, tokens[2]).status == 201);
  REQUIRE(desk.call("PUT", bookmark, nullptr, tokens[2]).status / 100 == 2);
  std::vector<std::unique_ptr<LiveClient>> phones;
  std::vector<std::int64_t> seqs;
  for (int i = 0; i < 4; ++i) {
    phones.push_back(std::make_unique<LiveClient>(desk.server.port()));
    const json subscribed = phones.back()->subscribe({{"channel", "me"}, {"token", tokens[i]}, {"lang", "vi"}});
    REQUIRE(subscribed["type"] == "subscribed");
    seqs.push_back(subscribed["seq"]);
  }
  const std::string session = "/api/v1/events/somri-21/sessions/" + std::to_string(desk.side_event);
  REQUIRE(desk.call("PATCH", session, {{"starts_at", "2024-11-20T14:30"}, {"ends_at", "2024-11-20T16:00"}}, desk.admin)
              .status == 200);
  for (int i = 0; i < 3; ++i) {
    CAPTURE(i);
    const json moved = phones[i]->receive();
    CHECK(moved["type"] == "session.moved");
    CHECK(moved["channel"] == "me");
    CHECK(moved["seq"] == seqs[i] + 1);
    CHECK(moved["data"]["session"]["id"] == desk.side_event);
    CHECK(moved["data"]["changes"].front() == "time");
    CHECK(moved["data"]["session"]["starts_at"].get<std::string>().starts_with("2024-11-20T14:30"));
    // No Vietnamese title: the event's default language.
    CHECK(moved["data"]["session"]["title"] == "AI in newsrooms");
  }
  // Cancelled: the same three hear it, each once more and no more; the fourth hears nothing.
  REQUIRE(desk.call("PATCH", session, {{"status", "cancelled"}}, desk.admin).status == 200);
  for (int i = 0; i < 4; ++i) {
    CAPTURE(i);
    phones[i]->send({{"type", "ping"}});
    if (i < 3) {
      const json cancelled = phones[i]->receive();
      CHECK(cancelled["type"] == "session.cancelled");
      CHECK(cancelled["seq"] == seqs[i] + 2);
    }
    CHECK(phones[i]->receive()["type"] == "pong");
  }
}

TEST_CASE("a malformed or oversized message gets an error or a close, never a crash") {
  Desk desk;
  LiveClient phone(desk.server.port());
  phone.send("not json at all");
  CHECK(phone.receive()["code"] == "bad_message");
  phone.send({{"type", "subscribe"}});
  CHECK(phone.receive()["code"] == "bad_message");
  phone.send({{"type", "subscribe"}, {"channel", "event:no-such-meeting"}});
  CHECK(phone.receive()["code"] == "not_found");
  phone.send({{"type", "ping"}});
  CHECK(phone.receive()["type"] == "pong");
  // Past the message size limit the connection is closed with 1009.
  phone.send({{"type", "ping"}, {"padding", std::string(10'000, 'x')}});
  CHECK_THROWS_AS(phone.receive(), boost::system::system_error);
  // The server still serves everyone else.
  CHECK(desk.call("GET", "/healthz").status == 200);
  CHECK(desk.call("GET", "/api/v1/live").status == 426);
}

TEST_CASE("a phone that stops reading is closed with 4008 while the others keep receiving everything") {
  Desk desk([](app::Config& config) {
    config.live_max_queued = 8;
    // Only the queue limit may end the slow phone here, not the idle time-out
    // (it answers no pings while it does not read; sanitizer builds are slow).
    config.live_idle_timeout_seconds = 600;
  });
  LiveClient slow(desk.server.port(), 4096);
  LiveClient fast(desk.server.port());
  slow.subscribe({{"channel", "event:somri-21"}});
  const std::int64_t start = fast.subscribe({{"channel", "event:somri-21"}})["seq"];
  // Big messages (every language in full), many more bytes than the socket
  // buffers hold, so the slow phone's queue fills up.
  std::string long_text;
  for (int i = 0; i < 1900; ++i) long_text += "ệ";  // three bytes each
  const json text = {{"en", long_text}, {"vi", long_text}, {"ms", long_text}};
  constexpr int kAnnouncements = 500;  // ~17 KB each, twice what loopback buffers hold
  for (int i = 0; i < kAnnouncements; ++i) {
    REQUIRE(desk.call("POST", "/api/v1/events/somri-21/announcements", {{"text", text}}, desk.registrar).status == 201);
    const json received = fast.receive("announcement");
    REQUIRE(received["seq"] == start + 1 + i);
  }
  CHECK(slow.read_until_closed() == 4008);
  // The phone comes back and catches up from the history.
  LiveClient back(desk.server.port());
  CHECK(back.subscribe({{"channel", "event:somri-21"}, {"since", start + kAnnouncements - 3}})["type"] == "subscribed");
  CHECK(back.receive("announcement")["seq"] == start + kAnnouncements - 2);
}

TEST_CASE("a phone that cannot take its replay is closed with 4008 in the middle of it, and can ask again") {
  Desk desk([](app::Config& config) {
    config.live_max_queued = 8;
    config.live_idle_timeout_seconds = 600;  // only the queue limit ends the phone (see above)
  });
  LiveClient watcher(desk.server.port());
  const std::int64_t start = watcher.subscribe({{"channel", "event:somri-21"}})["seq"];
  // A long spell away: more missed than the socket buffers hold (as above).
  std::string long_text;
  for (int i = 0; i < 1900; ++i) long_text += "ệ";
  const json text = {{"en", long_text}, {"vi", long_text}, {"ms", long_text}};
  constexpr int kMissed = 450;
  for (int i = 0; i < kMissed; ++i) {
    REQUIRE(desk.call("POST", "/api/v1/events/somri-21/announcements", {{"text", text}}, desk.registrar).status == 201);
    REQUIRE(watcher.receive("announcement")["seq"] == start + 1 + i);
  }
  LiveClient slow(desk.server.port(), 4096);
  CHECK(slow.subscribe({{"channel", "event:somri-21"}, {"since", start}})["type"] == "subscribed");
  CHECK(slow.read_until_closed() == 4008);
  // The others hear the next change; the phone asks again from where it got to.
  REQUIRE(desk.call("POST", "/api/v1/events/somri-21/announcements", {{"text", {{"en", "Lunch"}}}}, desk.registrar)
              .status == 201);
  CHECK(watcher.receive("announcement")["seq"] == start + kMissed + 1);
  LiveClient back(desk.server.port());
  CHECK(back.subscribe({{"channel", "event:somri-21"}, {"since", start + kMissed - 1}})["type"] == "subscribed");
  CHECK(back.receive("announcement")["seq"] == start + kMissed);
  CHECK(back.receive("announcement")["seq"] == start + kMissed + 1);
}

TEST_CASE("after a server restart a phone resumes from the last seq it saw") {
  TempDir data;
  const auto same_data = [&](app::Config& config) { config.data_dir = data.path(); };
  const json text = {{"en", "Shuttle buses leave at 17:30"}};
  std::int64_t before = 0;
  {
    Desk desk(same_data);
    LiveClient phone(desk.server.port());
    before = phone.subscribe({{"channel", "event:somri-21"}})["seq"];
    REQUIRE(desk.call("POST", "/api/v1/events/somri-21/announcements", {{"text", text}}, desk.registrar).status == 201);
    CHECK(phone.receive("announcement")["seq"] == before + 1);
  }
  TestServer restarted(same_data);
  const std::string host = restarted.sign_in_new_host("night-desk@somri.example", auth::Role::registrar);
  // A phone that saw nothing of the last change gets it from the stored history.
  LiveClient phone(restarted.port());
  CHECK(phone.subscribe({{"channel", "event:somri-21"}, {"since", before}})["type"] == "subscribed");
  const json replayed = phone.receive("announcement");
  CHECK(replayed["seq"] == before + 1);
  CHECK(replayed["data"]["announcement"]["text"]["en"] == "Shuttle buses leave at 17:30");
  // Numbering carries on where it stopped.
  REQUIRE(http_request(restarted.port(), "POST", "/api/v1/events/somri-21/announcements",
                       json{{"text", {{"en", "Dinner at 19:00"}}}}.dump(), json_headers(host))
              .status == 201);
  CHECK(phone.receive("announcement")["seq"] == before + 2);
}

TEST_CASE("three hundred phones at once each receive every change exactly once, with io_uring sends and without") {
  for (const bool io_uring : {true, false}) {
    CAPTURE(io_uring);
    three_hundred_phones(io_uring);
  }
}

TEST_CASE("a phone that answers pings stays connected while silent; one that answers none is dropped") {
  Desk desk([](app::Config& config) { config.live_idle_timeout_seconds = 1; });  // pinged after 0.4-0.5 s, dropped after 0.75-1 s
  LiveClient answering(desk.server.port());
  const std::int64_t seq = answering.subscribe({{"channel", "event:somri-21"}})["seq"];
  // Two phones in turn that never read or answer: each is dropped after its
  // time-out, so by the second one's end the answering phone has said
  // nothing but pongs for longer than its own time-out.
  const std::string upgrade =
      "GET /api/v1/live HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  std::thread quiet_phones([&] {
    for (int i = 0; i < 2; ++i) {
      HttpClient silent(desk.server.port());
      silent.send_raw(upgrade);
      CHECK(silent.read_response().status == 101);
      CHECK(silent.closed_within(std::chrono::seconds(10)));
    }
    // Then a change, which the answering phone must still get.
    CHECK(desk.call("POST", "/api/v1/events/somri-21/announcements", {{"text", {{"en", "Still there?"}}}},
                    desk.registrar)
              .status == 201);
  });
  json announcement;
  try {
    announcement = answering.receive("announcement");  // answers pings while it waits
  } catch (const std::exception& error) {
    FAIL_CHECK("the phone that answered pings was dropped: " << error.what());
  }
  quiet_phones.join();
  CHECK((announcement.is_object() && announcement["seq"] == seq + 1));
  CHECK(answering.pings() >= 2);
}

TEST_CASE("live connections from one address are limited, and a delegates-only event stays hidden") {
  Desk desk([](app::Config& config) { config.live_max_per_address = 3; });
  std::vector<std::unique_ptr<LiveClient>> phones;
  for (int i = 0; i < 3; ++i) phones.push_back(std::make_unique<LiveClient>(desk.server.port()));
  CHECK_THROWS_AS(LiveClient(desk.server.port()), boost::system::system_error);
  phones.pop_back();
  // A closed connection frees its place.
  bool admitted = false;
  for (int attempt = 0; attempt < 200 && !admitted; ++attempt) {
    try {
      LiveClient again(desk.server.port());
      admitted = true;
    } catch (const boost::system::system_error&) {
      phones.front()->send({{"type", "ping"}});  // a round trip: the server has moved on
      phones.front()->receive();
    }
  }
  CHECK(admitted);

  const std::string token = desk.approve_and_sign_in(desk.register_delegate("Ana", "TL", "ana@tl.example"));
  REQUIRE(desk.call("PATCH", "/api/v1/events/somri-21", {{"visibility", "delegates"}}, desk.admin).status == 200);
  CHECK(phones.front()->subscribe({{"channel", "event:somri-21"}})["code"] == "not_found");
  CHECK(phones.front()->subscribe({{"channel", "event:somri-21"}, {"token", token}})["type"] == "subscribed");
}
