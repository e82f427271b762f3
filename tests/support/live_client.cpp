#include "support/live_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <doctest/doctest.h>

#include <optional>
#include <stdexcept>

namespace plenary::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using nlohmann::json;

struct LiveClient::Parts {
  asio::io_context io;
  websocket::stream<asio::ip::tcp::socket> ws{io};
  int pings = 0;
};

LiveClient::LiveClient(unsigned short port, int receive_buffer) : parts_(std::make_unique<Parts>()) {
  auto& socket = beast::get_lowest_layer(parts_->ws);
  socket.open(asio::ip::tcp::v4());
  if (receive_buffer > 0) socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  parts_->ws.handshake("127.0.0.1", "/api/v1/live");
  parts_->ws.control_callback([parts = parts_.get()](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::ping) ++parts->pings;
  });
}

int LiveClient::pings() const {
  return parts_->pings;
}

LiveClient::~LiveClient() = default;

void LiveClient::send(const json& message) {
  parts_->ws.write(asio::buffer(message.dump()));
}

json LiveClient::receive(int seconds) {
  beast::flat_buffer buffer;
  std::optional<beast::error_code> result;
  parts_->ws.async_read(buffer, [&](beast::error_code error, std::size_t) { result = error; });
  parts_->io.restart();
  parts_->io.run_for(std::chrono::seconds(seconds));
  if (!result) {
    beast::get_lowest_layer(parts_->ws).cancel();
    parts_->io.restart();
    parts_->io.run();
    throw std::runtime_error("no message within " + std::to_string(seconds) + " s");
  }
  if (*result) throw boost::system::system_error(*result);
  return json::parse(beast::buffers_to_string(buffer.data()));
}

json LiveClient::receive(const std::string& type, int seconds) {
  for (int i = 0; i < 100; ++i) {
    json message = receive(seconds);
    if (message["type"] == type) return message;
  }
  FAIL("no " << type << " message");
  return nullptr;
}

int LiveClient::read_until_closed() {
  try {
    for (int i = 0; i < 100'000; ++i) receive();
  } catch (const boost::system::system_error&) {
    return parts_->ws.reason().code;
  } catch (const std::runtime_error&) {
    return 0;  // silent: still open
  }
  return 0;
}

json LiveClient::subscribe(const json& request) {
  json message = request;
  message["type"] = "subscribe";
  send(message);
  return receive();
}

}  // namespace plenary::test
