#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/api_error.hpp"
#include "http/message.hpp"

namespace plenary::net {

struct ServerState;

// One HTTP/1.1 connection. Owns the socket, the read buffer and the queue of
// responses not yet written. Runs on its own strand: every member below is
// touched only there. Reads ahead up to `max_pipelined` requests; handlers may
// finish out of order on the worker pool, responses still go out in order.
// Pending operations hold shared_from_this(), which keeps the session alive.
// Time-outs: one watchdog timer per connection checks plain deadline fields,
// so a request costs no timer system call (a timer re-armed on every read and
// write was a measurable share of a cached read).
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<ServerState> state);
  ~HttpSession();

  void start();
  // Finish what is in flight, then close; idle connections close at once.
  void stop_gracefully();
  void close_now();

 private:
  struct Pending {
    bool ready = false;
    bool close_after = false;
    unsigned version = 11;
    http::Response response;  // body owned, or shared with a cache (no copy)
    std::string head;         // status line and header fields, made at write time
  };

  void do_read();
  void on_header(boost::beast::error_code error, std::size_t bytes);
  void on_read(boost::beast::error_code error, std::size_t bytes);
  void on_read_error(boost::beast::error_code error);
  void upgrade();
  // Writes "100 Continue" for a request that asked for it (Expect).
  void send_continue();
  void dispatch(http::Request request, unsigned version);
  void fill(Pending& slot, http::Response&& response, unsigned version);
  static void serialize_head(Pending& slot);
  void reject(const http::ApiError& error);
  void do_write();
  // Head, then a body_file with sendfile(2), on the raw non-blocking socket.
  void send_file(std::shared_ptr<Pending> slot, std::size_t head_sent, std::int64_t offset);
  void on_write(boost::beast::error_code error, bool close);
  void do_close(bool linger);
  void do_linger();
  bool idle_reading() const;
  // True while an answer is owed: a handler is still working or a write is out.
  bool waiting_on_us() const;
  using Clock = std::chrono::steady_clock;
  // Sets a deadline and makes sure the watchdog wakes up by then.
  void set_deadline(Clock::time_point& deadline, Clock::duration timeout);
  void arm_watchdog(Clock::time_point at);
  // Releases the watchdog's hold on the session.
  void stop_watchdog();
  void on_watchdog(boost::beast::error_code error, std::uint64_t generation);
  // Closes the socket (pending operations end with operation_aborted) and
  // releases the watchdog's hold on the session.
  void close_socket();
  http::Request partial_request() const;

  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::deque<std::shared_ptr<Pending>> queue_;
  std::shared_ptr<ServerState> state_;
  std::string remote_;
  std::chrono::steady_clock::time_point header_at_;
  bool reading_ = false;
  bool writing_ = false;
  bool read_closed_ = false;  // no more requests will be read
  bool stopping_ = false;
  bool closed_ = false;
  std::size_t lingered_ = 0;
  // A read (or linger) and a write in progress must end by these; max: none.
  Clock::time_point read_deadline_ = Clock::time_point::max();
  Clock::time_point write_deadline_ = Clock::time_point::max();
  boost::asio::steady_timer watchdog_;
  bool watchdog_armed_ = false;
  std::uint64_t watchdog_generation_ = 0;
  bool timed_out_ = false;         // the watchdog closed the socket
  bool continue_pending_ = false;  // a 100 Continue waits for earlier answers
  std::unique_ptr<char[]> linger_buffer_;
};

}  // namespace plenary::net
