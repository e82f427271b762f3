#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include "net/frame_queue.hpp"
#include "net/send_batch.hpp"

namespace plenary::net {

// The byte stream under a live connection's WebSocket: the layer that
// Beast's websocket::stream reads from and writes to. Owns the TCP socket
// and the data frames not yet sent.
//
// Two writers share the socket. Beast writes the handshake answer and the
// control frames (ping, pong, close) through async_write_some, as with any
// stream. The session writes every data frame itself with send_frame(): the
// hub frames a message once per language and every recipient gets the same
// bytes (a server's frames are not masked), so delivering one is a single
// non-blocking send on an idle socket, with no operation allocated: its own
// send(2), or an entry in the lane's SendBatch, which sends a whole turn of
// the fan-out in one system call. Only a
// frame the kernel does not take at once waits for the socket to become
// writable. Frames never interleave: a Beast write waits while a data frame
// is half sent, and data frames wait while a Beast write is in flight or
// Beast is in the middle of a frame.
//
// Runs on the connection's strand: every member is touched only there.
// Holds its owner (the session) alive only while it waits for the socket or
// for a write of Beast's to complete.
class LiveSocket : public SendBatch::Sender {
 public:
  using executor_type = boost::asio::any_io_executor;
  using next_layer_type = boost::asio::ip::tcp::socket;
  using WriteHandler = boost::asio::any_completion_handler<void(boost::system::error_code, std::size_t)>;

  explicit LiveSocket(next_layer_type&& socket);

  executor_type get_executor() { return socket_.get_executor(); }
  next_layer_type& next_layer() { return socket_; }

  // Who is kept alive while a frame waits for the socket, and who hears of a
  // failed send (once; the socket is then unusable).
  void bind_owner(std::weak_ptr<void> owner, std::function<void(boost::system::error_code)> on_failure);

  // Queues one whole frame and sends what it can at once: with `batch`, the
  // send is an entry in it, and the frame counts as being sent until the
  // batch is flushed (the caller keeps this socket alive until then).
  void send_frame(std::shared_ptr<const std::string> frame, SendBatch* batch = nullptr);
  // Frames not yet completely sent.
  std::size_t queued() const { return frames_.size(); }
  // Forgets the queued frames, except one already partly sent (or in a
  // batch not yet flushed): its rest still goes out, so the close frame that
  // follows is read as a frame.
  void drop_unsent();

  // Beast's side of the stream.
  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return socket_.async_read_some(buffers, std::forward<Token>(token));
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& data) {
          std::vector<boost::asio::const_buffer> copy(boost::asio::buffer_sequence_begin(data),
                                                      boost::asio::buffer_sequence_end(data));
          write_for_beast(std::move(copy), WriteHandler(std::move(handler)));
        },
        token, buffers);
  }

 private:
  struct BeastWrite {
    std::vector<boost::asio::const_buffer> buffers;
    WriteHandler handler;
  };

  void write_for_beast(std::vector<boost::asio::const_buffer> buffers, WriteHandler handler);
  void start_beast_write(BeastWrite write);
  // Sends queued data frames while nothing stands in the way; with `batch`,
  // the next send is an entry in it.
  void pump(SendBatch* batch = nullptr);
  // A batched send's result (SendBatch::Sender).
  void sent(ssize_t result) override;
  // Accounts for a send of the front frame (bytes, or -errno); true when the
  // next frame may go at once.
  bool took(ssize_t result);
  void wait_writable();
  void fail(boost::system::error_code error);

  next_layer_type socket_;
  FrameQueue frames_;
  std::size_t front_sent_ = 0;  // bytes of frames_.front() already sent
  std::optional<BeastWrite> beast_waiting_;
  bool beast_in_flight_ = false;
  bool beast_mid_frame_ = false;  // its last write was partial: the rest comes next
  bool waiting_writable_ = false;
  bool batched_ = false;  // the front frame's send is an entry in a SendBatch
  boost::system::error_code failed_;
  std::weak_ptr<void> owner_;
  std::function<void(boost::system::error_code)> on_failure_;
};

// Beast closes a WebSocket through these (found by argument-dependent
// lookup): the TCP socket's own teardown.
void teardown(boost::beast::role_type role, LiveSocket& socket, boost::system::error_code& error);

template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, LiveSocket& socket, TeardownHandler&& handler) {
  boost::beast::websocket::async_teardown(role, socket.next_layer(), std::forward<TeardownHandler>(handler));
}

}  // namespace plenary::net
