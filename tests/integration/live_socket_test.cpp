#include "net/live_socket.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
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

namespace {

// Reads `count` messages on `pair`'s client: the messages, and how many had
// arrived when each ping did.
struct Reader {
  explicit Reader(Pair& pair, std::size_t count) : pair_(pair), count_(count) {
    pair.client->control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping) pings_after.push_back(messages.size());
    });
    pair.client->read_message_max(4 << 20);
    read();
  }
  void read() {
    pair_.client->async_read(buffer_, [this](beast::error_code error, std::size_t) {
      if (error) return;
      messages.push_back(beast::buffers_to_string(buffer_.data()));
      buffer_.consume(buffer_.size());
      if (messages.size() < count_) read();
    });
  }
  bool done() const { return messages.size() == count_; }

  std::vector<std::string> messages;
  std::vector<std::size_t> pings_after;

 private:
  Pair& pair_;
  std::size_t count_;
  beast::flat_buffer buffer_;
};

// Runs `test` with a batch sending through io_uring (when the kernel allows
// it; otherwise says so) and with one sending one send(2) each.
void with_each_send_method(const std::function<void(plenary::net::SendBatch&)>& test) {
  for (const bool io_uring : {true, false}) {
    plenary::net::SendBatch batch(io_uring);
    if (io_uring && !batch.uses_io_uring()) {
      MESSAGE("io_uring is not available here (" << batch.without_io_uring() << "): checking send(2) only");
      continue;
    }
    CAPTURE(io_uring);
    test(batch);
  }
}

}  // namespace

TEST_CASE("a turn of a fan-out sent as one batch reaches every phone whole and in order, pings between messages") {
  with_each_send_method([&](plenary::net::SendBatch& batch) {
    std::vector<std::unique_ptr<Pair>> pairs;
    for (int i = 0; i < 6; ++i) pairs.push_back(std::make_unique<Pair>());
    const auto first = frame_of("session moved to Hall B");
    for (auto& pair : pairs) pair->server->next_layer().send_frame(first, &batch);
    // Nothing has gone yet: each socket holds its frame until the flush.
    CHECK(batch.size() == pairs.size());
    for (auto& pair : pairs) CHECK(pair->server->next_layer().queued() == 1);
    // A ping asked for now waits for the frame being sent; a second message
    // in the same turn queues behind the first (and behind the ping).
    bool pinged = false;
    pairs[1]->server->async_ping("now", [&](beast::error_code error) { pinged = !error; });
    for (int i : {0, 1}) pairs[i]->server->next_layer().send_frame(frame_of("and back to Hall A"), &batch);
    CHECK(batch.size() == pairs.size());
    batch.flush();
    CHECK(batch.size() == 0);

    for (std::size_t i = 0; i < pairs.size(); ++i) {
      Reader reader(*pairs[i], i < 2 ? 2 : 1);
      REQUIRE(run_until(pairs[i]->io, [&] { return reader.done() && (i != 1 || pinged); }));
      CHECK(reader.messages[0] == "session moved to Hall B");
      if (i < 2) CHECK(reader.messages[1] == "and back to Hall A");
      if (i == 1) CHECK(reader.pings_after == std::vector<std::size_t>{1});
      CHECK(pairs[i]->server->next_layer().queued() == 0);
      CHECK(pairs[i]->failures.empty());
    }
  });
}

TEST_CASE("a phone that cannot take a batched message whole waits for it alone; the others in the batch get theirs") {
  with_each_send_method([&](plenary::net::SendBatch& batch) {
    Pair slow;
    Pair quick;
    const std::string long_text(2 << 20, 'a');  // far more than the socket buffers hold
    slow.server->next_layer().send_frame(frame_of(long_text), &batch);
    quick.server->next_layer().send_frame(frame_of("hello"), &batch);
    batch.flush();  // returns at once: nothing waits for the slow phone
    CHECK(slow.server->next_layer().queued() == 1);
    CHECK(quick.server->next_layer().queued() == 0);

    Reader quick_reader(quick, 1);
    REQUIRE(run_until(quick.io, [&] { return quick_reader.done(); }));
    CHECK(quick_reader.messages[0] == "hello");
    Reader slow_reader(slow, 1);
    REQUIRE(run_until(slow.io, [&] { return slow_reader.done(); }));
    CHECK(slow_reader.messages[0] == long_text);
    CHECK(slow.server->next_layer().queued() == 0);
    CHECK(slow.failures.empty());
  });
}

TEST_CASE("a phone gone before its batched message is told once as a failure; the batch goes on") {
  with_each_send_method([&](plenary::net::SendBatch& batch) {
    Pair gone;
    Pair there;
    // The server's own side is shut for writing: its next send fails (EPIPE).
    boost::system::error_code ignored;
    gone.server->next_layer().next_layer().shutdown(tcp::socket::shutdown_send, ignored);
    gone.server->next_layer().send_frame(frame_of("lost"), &batch);
    there.server->next_layer().send_frame(frame_of("kept"), &batch);
    batch.flush();
    CHECK(gone.failures.size() == 1);
    CHECK(gone.server->next_layer().queued() == 0);
    gone.server->next_layer().send_frame(frame_of("later"), &batch);
    CHECK(batch.size() == 0);  // a failed socket sends nothing more
    Reader reader(there, 1);
    REQUIRE(run_until(there.io, [&] { return reader.done(); }));
    CHECK(reader.messages[0] == "kept");
  });
}

TEST_CASE("closing a phone whose message is in a batch not yet sent still lets that message out whole") {
  plenary::net::SendBatch batch;  // io_uring where the kernel allows it, else send(2): the socket's part is the same
  Pair pair;
  pair.server->next_layer().send_frame(frame_of("kept"), &batch);
  pair.server->next_layer().send_frame(frame_of("dropped"), &batch);
  pair.server->next_layer().drop_unsent();
  CHECK(pair.server->next_layer().queued() == 1);  // the one in the batch
  bool closed = false;
  pair.server->async_close(websocket::close_code::normal, [&](beast::error_code) { closed = true; });
  batch.flush();
  Reader reader(pair, 1);
  REQUIRE(run_until(pair.io, [&] { return reader.done(); }));
  CHECK(reader.messages[0] == "kept");
  // Then the close frame, read as one: the client's read ends with `closed`.
  beast::flat_buffer rest;
  std::optional<beast::error_code> ended;
  pair.client->async_read(rest, [&](beast::error_code error, std::size_t) { ended = error; });
  REQUIRE(run_until(pair.io, [&] { return ended.has_value() && closed; }));
  CHECK(*ended == websocket::error::closed);
  CHECK(pair.failures.empty());
}
