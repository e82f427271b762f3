#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <doctest/doctest.h>

#include "support/desk.hpp"

using namespace plenary;
using namespace plenary::test;
using nlohmann::json;

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

// A phone following live updates: a blocking WebSocket client on 127.0.0.1
// whose every read has a deadline (a broken server fails, never hangs).
class LiveClient {
 public:
  explicit LiveClient(unsigned short port) : ws_(io_) {
    auto& socket = beast::get_lowest_layer(ws_);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    timeval timeout{10, 0};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ws_.handshake("127.0.0.1", "/api/v1/live");
  }

  void send(const json& message) { ws_.write(asio::buffer(message.dump())); }

  json receive() {
    beast::flat_buffer buffer;
    ws_.read(buffer);
    return json::parse(beast::buffers_to_string(buffer.data()));
  }

  // The next message of `type`, skipping others.
  json receive(const std::string& type) {
    for (int i = 0; i < 100; ++i) {
      json message = receive();
      if (message["type"] == type) return message;
    }
    FAIL("no " << type << " message");
    return nullptr;
  }

  json subscribe(const json& request) {
    json message = request;
    message["type"] = "subscribe";
    send(message);
    return receive();
  }

 private:
  asio::io_context io_;
  websocket::stream<asio::ip::tcp::socket> ws_;
};

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
  std::vector<std::string> tokens;
  for (int i = 0; i < 6; ++i) {
    tokens.push_back(desk.approve_and_sign_in(
        desk.register_delegate("Delegate " + std::to_string(i), "MY", "d" + std::to_string(i) + "@my.example")));
    REQUIRE(desk.call("POST", desk.rsvp_path(), nullptr, tokens.back()).status == 201);
  }
  LiveClient waiting(desk.server.port());
  CHECK(waiting.subscribe({{"channel", "me"}, {"token", tokens[5]}})["type"] == "subscribed");
  REQUIRE(desk.call("DELETE", desk.rsvp_path(), nullptr, tokens[0]).status == 204);
  const json promoted = waiting.receive("rsvp.promoted");
  CHECK(promoted["channel"] == "me");
  CHECK(promoted["data"]["session_id"] == desk.side_event);
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
