#include "net/live_socket.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <doctest/doctest.h>

#include "live/frame.hpp"

// The layer under a live connection's WebSocket, over real loopback sockets
// with small buffers, so that a long message is sent in several parts and
// Beast's control frames have to wait their turn.

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using asio::ip::tcp;
using plenary::net::LiveSocket;

// Runs `io` until `done` holds; false after 10 s.
bool run_until(asio::io_context& io, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.restart();
    io.run_one_for(std::chrono::milliseconds(100));
  }
  return true;
}

std::shared_ptr<const std::string> frame_of(const std::string& text) {
  return std::make_shared<const std::string>(plenary::live::text_frame(text));
}

// A connected pair: the server's WebSocket over a LiveSocket, a Beast client.
struct Pair {
  asio::io_context io;
  std::unique_ptr<websocket::stream<LiveSocket>> server;
  std::unique_ptr<websocket::stream<tcp::socket>> client;
  std::shared_ptr<int> owner = std::make_shared<int>(0);
  std::vector<beast::error_code> failures;

  Pair() {
    tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
    tcp::socket client_socket(io);
    client_socket.connect(acceptor.local_endpoint());
    tcp::socket accepted = acceptor.accept();
    // Small enough that a long message does not fit, large enough that TCP
    // does not crawl (fixed sizes also stop the kernel growing them).
    accepted.set_option(asio::socket_base::send_buffer_size(16 * 1024));
    client_socket.set_option(asio::socket_base::receive_buffer_size(64 * 1024));
    server = std::make_unique<websocket::stream<LiveSocket>>(std::move(accepted));
    client = std::make_unique<websocket::stream<tcp::socket>>(std::move(client_socket));
    server->next_layer().bind_owner(owner, [this](beast::error_code error) { failures.push_back(error); });
    bool accepted_ok = false;
    bool handshaken = false;
    server->async_accept([&](beast::error_code error) { accepted_ok = !error; });
    client->async_handshake("127.0.0.1", "/", [&](beast::error_code error) { handshaken = !error; });
    REQUIRE(run_until(io, [&] { return accepted_ok && handshaken; }));
  }
};

}  // namespace

TEST_CASE("a ping asked for while a long message is half sent follows the message instead of cutting into it") {
  Pair pair;
  const std::string long_text(2 << 20, 'a');  // far more than the socket buffers hold
  pair.server->next_layer().send_frame(frame_of(long_text));
  REQUIRE(pair.server->next_layer().queued() == 1);  // partly sent: the rest waits for the socket
  bool pinged = false;
  pair.server->async_ping("now", [&](beast::error_code error) { pinged = !error; });
  pair.server->next_layer().send_frame(frame_of("after"));
  CHECK(pair.server->next_layer().queued() == 2);

  std::vector<std::string> messages;
  std::vector<std::size_t> pings_after;  // how many messages had arrived when each ping did
  pair.client->control_callback([&](websocket::frame_type kind, beast::string_view payload) {
    if (kind == websocket::frame_type::ping && payload == "now") pings_after.push_back(messages.size());
  });
  beast::flat_buffer buffer;
  std::function<void(beast::error_code, std::size_t)> on_read = [&](beast::error_code error, std::size_t) {
    REQUIRE_FALSE(error);
    messages.push_back(beast::buffers_to_string(buffer.data()));
    buffer.consume(buffer.size());
    if (messages.size() < 2) pair.client->async_read(buffer, on_read);
  };
  pair.client->read_message_max(4 << 20);
  pair.client->async_read(buffer, on_read);
  REQUIRE(run_until(pair.io, [&] { return messages.size() == 2 && pinged; }));

  CHECK(messages[0] == long_text);
  CHECK(messages[1] == "after");
  CHECK(pings_after == std::vector<std::size_t>{1});
  CHECK(pair.server->next_layer().queued() == 0);
  CHECK(pair.failures.empty());
}

TEST_CASE("a phone that goes away in the middle of a message fails the send and the waiting ping, never hangs") {
  Pair pair;
  pair.server->next_layer().send_frame(frame_of(std::string(2 << 20, 'a')));
  REQUIRE(pair.server->next_layer().queued() == 1);
  bool ping_done = false;
  beast::error_code ping_error;
  pair.server->async_ping("now", [&](beast::error_code error) {
    ping_done = true;
    ping_error = error;
  });
  // Unread bytes in its buffer: closing resets the connection.
  pair.client->next_layer().close();
  REQUIRE(run_until(pair.io, [&] { return ping_done && !pair.failures.empty(); }));
  CHECK(ping_error);
  CHECK(pair.failures.size() == 1);
  CHECK(pair.server->next_layer().queued() == 0);
  // Later frames are dropped quietly, and the failure is told once.
  pair.server->next_layer().send_frame(frame_of("late"));
  CHECK(pair.server->next_layer().queued() == 0);
  CHECK(pair.failures.size() == 1);
}
