#include "net/live_socket.hpp"

#include <sys/socket.h>

#include <cerrno>

#include <boost/asio/append.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

namespace plenary::net {

namespace asio = boost::asio;
using boost::system::error_code;

LiveSocket::LiveSocket(next_layer_type&& socket) : socket_(std::move(socket)) {}

void LiveSocket::bind_owner(std::weak_ptr<void> owner, std::function<void(error_code)> on_failure) {
  owner_ = std::move(owner);
  on_failure_ = std::move(on_failure);
}

void LiveSocket::send_frame(std::shared_ptr<const std::string> frame, SendBatch* batch) {
  if (failed_) return;
  frames_.push_back(std::move(frame));
  pump(batch);
}

void LiveSocket::drop_unsent() {
  const bool started = !frames_.empty() && (front_sent_ > 0 || batched_);
  frames_.keep_oldest(started ? 1 : 0);
}

void LiveSocket::write_for_beast(std::vector<asio::const_buffer> buffers, WriteHandler handler) {
  if (failed_) {
    // Never complete inline: the caller is still initiating.
    return asio::post(socket_.get_executor(), asio::append(std::move(handler), failed_, std::size_t{0}));
  }
  // A data frame half sent (or being sent) goes first; a whole frame waiting may wait more.
  if (front_sent_ > 0 || batched_) {
    beast_waiting_.emplace(BeastWrite{std::move(buffers), std::move(handler)});
    return;
  }
  start_beast_write(BeastWrite{std::move(buffers), std::move(handler)});
}

void LiveSocket::start_beast_write(BeastWrite write) {
  beast_in_flight_ = true;
  const std::size_t requested = asio::buffer_size(write.buffers);
  // The owner is held until the write completes: a write cancelled by the
  // socket closing completes after its session let go of everything else,
  // and Beast's handler may let go of the rest.
  socket_.async_write_some(
      write.buffers, [this, owner = owner_.lock(), requested, handler = std::move(write.handler)](
                         error_code error, std::size_t sent) mutable {
        beast_in_flight_ = false;
        beast_mid_frame_ = !error && sent < requested;
        std::move(handler)(error, sent);  // may start its next write
        if (!beast_in_flight_ && !beast_mid_frame_) pump();
      });
}

void LiveSocket::pump(SendBatch* batch) {
  while (!frames_.empty() && !beast_in_flight_ && !beast_mid_frame_ && !waiting_writable_ && !batched_ &&
         !failed_) {
    const std::string& frame = *frames_.front();
    const char* data = frame.data() + front_sent_;
    const std::size_t size = frame.size() - front_sent_;
    if (batch != nullptr) {
      batched_ = true;
      return batch->add(socket_.native_handle(), data, size, *this);
    }
    if (!took(send_now(socket_.native_handle(), data, size))) return;
  }
}

void LiveSocket::sent(ssize_t result) {
  batched_ = false;
  if (failed_ || frames_.empty()) return;
  if (took(result)) pump();
}

bool LiveSocket::took(ssize_t result) {
  if (result < 0) {
    if (result == -EINTR) return true;  // nothing sent: again
    if (result == -EAGAIN || result == -EWOULDBLOCK) {
      wait_writable();
      return false;
    }
    fail(error_code(static_cast<int>(-result), boost::system::system_category()));
    return false;
  }
  front_sent_ += static_cast<std::size_t>(result);
  if (front_sent_ < frames_.front()->size()) {
    wait_writable();
    return false;
  }
  frames_.pop_front();
  front_sent_ = 0;
  if (beast_waiting_) {  // a control frame gets its turn between data frames
    BeastWrite write = std::move(*beast_waiting_);
    beast_waiting_.reset();
    start_beast_write(std::move(write));
    return false;
  }
  return true;
}

void LiveSocket::wait_writable() {
  auto owner = owner_.lock();
  if (!owner) return;  // the session is going away with its socket
  waiting_writable_ = true;
  socket_.async_wait(next_layer_type::wait_write, [this, owner = std::move(owner)](error_code error) {
    waiting_writable_ = false;
    if (error) return fail(error);
    pump();
  });
}

void LiveSocket::fail(error_code error) {
  if (failed_) return;
  failed_ = error;
  frames_.clear();
  front_sent_ = 0;
  if (beast_waiting_) {
    BeastWrite write = std::move(*beast_waiting_);
    beast_waiting_.reset();
    asio::post(socket_.get_executor(), asio::append(std::move(write.handler), error, std::size_t{0}));
  }
  if (on_failure_) on_failure_(error);
}

void teardown(boost::beast::role_type role, LiveSocket& socket, error_code& error) {
  boost::beast::websocket::teardown(role, socket.next_layer(), error);
}

}  // namespace plenary::net
