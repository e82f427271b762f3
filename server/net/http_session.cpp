#include "net/http_session.hpp"

#include <array>
#include <cerrno>
#include <ctime>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include "http/body_file.hpp"
#include "http/client_address.hpp"
#include "http/pipeline.hpp"
#include "net/live_session.hpp"
#include "net/server_state.hpp"

namespace plenary::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;

namespace {

constexpr std::size_t kLingerBytes = 1u << 20;
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::string_view kLivePath = "/api/v1/live";
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// RFC 9110 IMF-fixdate, recomputed at most once a second per thread.
const std::string& http_date() {
  thread_local std::time_t cached_at = 0;
  thread_local std::string text;
  const std::time_t now = std::time(nullptr);
  if (now != cached_at) {
    std::tm parts{};
    gmtime_r(&now, &parts);
    char buffer[40];
    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &parts);
    text = buffer;
    cached_at = now;
  }
  return text;
}

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

bool is_http_parse_error(const beast::error_code& error) {
  return error.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

}  // namespace

HttpSession::HttpSession(asio::ip::tcp::socket&& socket, std::shared_ptr<ServerState> state)
    : socket_(std::move(socket)), state_(std::move(state)), watchdog_(socket_.get_executor()) {
  beast::error_code error;
  const auto endpoint = socket_.remote_endpoint(error);
  if (!error) remote_ = endpoint.address().to_string();
  ++state_->count;
}

HttpSession::~HttpSession() {
  --state_->count;
  state_->remove(this);
}

void HttpSession::start() {
  if (!state_->add(shared_from_this())) {
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->do_close(false); });
    return;
  }
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->do_read(); });
}

void HttpSession::stop_gracefully() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    if (self->closed_) return;
    self->stopping_ = true;
    if (self->idle_reading()) {
      // Ends the pending read with EOF without touching a write in progress.
      beast::error_code ignored;
      self->socket_.shutdown(asio::ip::tcp::socket::shutdown_receive, ignored);
    } else if (!self->reading_ && self->queue_.empty() && !self->writing_) {
      self->do_close(false);
    }
  });
}

void HttpSession::close_now() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    self->closed_ = true;
    self->close_socket();
  });
}

bool HttpSession::waiting_on_us() const {
  return !queue_.empty() || writing_;
}

bool HttpSession::idle_reading() const {
  return reading_ && buffer_.size() == 0 && (!parser_ || !parser_->got_some());
}

void HttpSession::do_read() {
  if (closed_ || stopping_ || read_closed_ || reading_ || queue_.size() >= state_->limits.max_pipelined) return;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(state_->limits.max_header_bytes));
  parser_->body_limit(state_->limits.max_body_bytes);
  reading_ = true;
  set_deadline(read_deadline_, state_->limits.request_timeout);
  bhttp::async_read_header(socket_, buffer_, *parser_,
                           beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
}

void HttpSession::on_header(beast::error_code error, std::size_t) {
  if (error) return on_read_error(error);
  header_at_ = std::chrono::steady_clock::now();
  const auto& request = parser_->get();
  // Refuse an announced oversized body before reading any of it.
  if (const auto length = parser_->content_length(); length && *length > state_->limits.max_body_bytes) {
    reading_ = false;
    return reject(http::payload_too_large(state_->limits.max_body_bytes));
  }
  if (beast::iequals(request[bhttp::field::expect], "100-continue") && !parser_->is_done()) {
    // The 100 may only go out after the answers still owed to earlier
    // requests (the last one's write may not have completed yet).
    if (!writing_ && queue_.empty()) {
      send_continue();
    } else {
      continue_pending_ = true;
    }
  }
  if (parser_->is_done()) return on_read({}, 0);
  set_deadline(read_deadline_, state_->limits.request_timeout);
  bhttp::async_read(socket_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::send_continue() {
  writing_ = true;
  set_deadline(write_deadline_, state_->limits.request_timeout);
  asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                    [self = shared_from_this()](beast::error_code write_error, std::size_t) {
                      self->writing_ = false;
                      self->write_deadline_ = Clock::time_point::max();
                      if (write_error) return self->do_close(false);
                      self->do_write();
                    });
}

void HttpSession::on_read(beast::error_code error, std::size_t) {
  if (error) return on_read_error(error);
  reading_ = false;
  continue_pending_ = false;  // the body came without it
  read_deadline_ = Clock::time_point::max();
  if (state_->live && websocket::is_upgrade(parser_->get()) && queue_.empty() && !writing_ &&
      path_of(parser_->get().target()) == kLivePath) {
    return upgrade();
  }
  auto message = parser_->release();
  http::Request request;
  request.method_text = std::string(message.method_string());
  request.method = http::parse_method(request.method_text);
  request.target = std::string(message.target());
  for (const auto& field : message) request.headers.add(std::string(field.name_string()), std::string(field.value()));
  request.body = std::move(message.body());
  request.remote_address =
      http::client_address(remote_, request.headers.get("X-Forwarded-For"), state_->limits.trusted_proxies);
  request.received_at = header_at_;
  const bool keep_alive = message.keep_alive();
  const unsigned version = message.version();
  if (!keep_alive) read_closed_ = true;
  dispatch(std::move(request), version);
  do_read();
}

// Hands the connection to a LiveSession, which completes the WebSocket
// handshake; this session ends without closing the socket it gave away.
void HttpSession::upgrade() {
  const auto forwarded = parser_->get()["X-Forwarded-For"];
  const std::string address =
      http::client_address(remote_, forwarded.empty() ? std::nullopt : std::optional<std::string_view>(forwarded),
                           state_->limits.trusted_proxies);
  // Refused before the handshake: an HTTP answer, as any other refusal.
  if (!state_->reserve_live(address)) {
    return reject(http::too_many_requests("Too many live connections from your address.", 10));
  }
  auto live = std::make_shared<LiveSession>(std::move(socket_), state_, address);
  state_->add_live(live);
  live->start(parser_->release(), std::move(buffer_));
  closed_ = true;
  read_closed_ = true;
  read_deadline_ = write_deadline_ = Clock::time_point::max();
  stop_watchdog();
}

void HttpSession::on_read_error(beast::error_code error) {
  reading_ = false;
  read_closed_ = true;
  read_deadline_ = Clock::time_point::max();
  if (timed_out_ && !closed_) {
    // The watchdog closed the socket, so nothing can be sent (nginx does the
    // same); a stalled partial request is still logged and counted.
    if (buffer_.size() > 0 || (parser_ && parser_->got_some())) {
      state_->pipeline.reject(partial_request(),
                              http::ApiError(408, "request-timeout", "Request Timeout",
                                             "The request did not arrive in time; the connection is closed."));
    }
    return do_close(false);
  }
  if (closed_ || error == asio::error::operation_aborted) return;
  if (error == bhttp::error::end_of_stream || error == asio::error::eof || error == asio::error::connection_reset) {
    if (queue_.empty() && !writing_) do_close(false);
    return;  // otherwise on_write closes after the last response
  }
  if (error == bhttp::error::body_limit) return reject(http::payload_too_large(state_->limits.max_body_bytes));
  if (error == bhttp::error::header_limit) {
    return reject(http::ApiError(
        431, "header-fields-too-large", "Request Header Fields Too Large",
        "The request's header is larger than " + std::to_string(state_->limits.max_header_bytes) + " bytes."));
  }
  if (is_http_parse_error(error)) {
    return reject(http::bad_request("The request is not well-formed HTTP/1.1 (" + error.message() + ")."));
  }
  do_close(false);
}

void HttpSession::dispatch(http::Request request, unsigned version) {
  auto slot = std::make_shared<Pending>();
  queue_.push_back(slot);
  if (auto response = state_->pipeline.handle_on_io(request)) {
    fill(*slot, std::move(*response), version);
    return do_write();
  }
  asio::post(state_->workers, [self = shared_from_this(), slot, version, request = std::move(request)]() mutable {
    http::Response response = self->state_->pipeline.handle(request);
    asio::post(self->socket_.get_executor(), [self, slot, version, response = std::move(response)]() mutable {
      self->fill(*slot, std::move(response), version);
      self->do_write();
    });
  });
}

void HttpSession::fill(Pending& slot, http::Response&& response, unsigned version) {
  slot.version = version;
  slot.response = std::move(response);
  const unsigned status = slot.response.status;
  if (status < 200 || status == 204 || status == 304) {
    slot.response.body.clear();
    slot.response.shared_body.reset();
    slot.response.body_file.reset();
  }
  slot.ready = true;
}

// Writes the head ourselves: one string per response instead of Beast's
// field container and serializer, a measurable share of a cached read.
void HttpSession::serialize_head(Pending& slot) {
  const http::Response& response = slot.response;
  const unsigned status = response.status;
  std::string& head = slot.head;
  head.clear();
  head.reserve(384);
  head += "HTTP/1.1 ";
  head += std::to_string(status);
  head += ' ';
  head += std::string_view(bhttp::obsolete_reason(static_cast<bhttp::status>(status)));
  head += "\r\n";
  for (const auto& [name, value] : response.headers.fields()) {
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  }
  head += "Date: ";
  head += http_date();
  head += "\r\nServer: plenary\r\n";
  const bool bodiless = status < 200 || status == 204 || status == 304;
  if (!bodiless) {
    head += "Content-Length: ";
    head += std::to_string(response.head_content_length.value_or(response.body_size()));
    head += "\r\n";
  }
  if (slot.close_after) {
    head += "Connection: close\r\n";
  } else if (slot.version < 11) {
    head += "Connection: keep-alive\r\n";
  }
  head += "\r\n";
}

void HttpSession::reject(const http::ApiError& error) {
  reading_ = false;
  read_closed_ = true;
  auto slot = std::make_shared<Pending>();
  slot->close_after = true;
  const unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
  fill(*slot, state_->pipeline.reject(partial_request(), error), version);
  queue_.push_back(slot);
  do_write();
}

http::Request HttpSession::partial_request() const {
  http::Request request;
  request.remote_address = remote_;
  request.received_at =
      header_at_ == std::chrono::steady_clock::time_point{} ? std::chrono::steady_clock::now() : header_at_;
  if (parser_ && parser_->is_header_done()) {
    request.method_text = std::string(parser_->get().method_string());
    request.method = http::parse_method(request.method_text);
    request.target = std::string(parser_->get().target());
  } else {
    request.method_text = "-";
    request.method = http::Method::other;
  }
  return request;
}

void HttpSession::do_write() {
  if (closed_ || writing_ || queue_.empty() || !queue_.front()->ready) return;
  auto slot = queue_.front();
  if (stopping_ || (read_closed_ && queue_.size() == 1)) slot->close_after = true;
  serialize_head(*slot);
  writing_ = true;
  set_deadline(write_deadline_, state_->limits.request_timeout);
  if (slot->response.body_file) return send_file(slot, 0, 0);
  const std::string_view body = slot->response.body_view();
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(slot->head.data(), slot->head.size()),
                                                  asio::buffer(body.data(), body.size())};
  asio::async_write(socket_, buffers, [self = shared_from_this(), slot](beast::error_code error, std::size_t) {
    self->on_write(error, slot->close_after);
  });
}

void HttpSession::send_file(std::shared_ptr<Pending> slot, std::size_t head_sent, std::int64_t offset) {
  auto& socket = socket_;
  beast::error_code error;
  // Asio made the socket non-blocking at its first async operation; this
  // only asks (no system call) and sets it in the unlikely other case.
  if (!socket.native_non_blocking()) socket.native_non_blocking(true, error);
  const int fd = socket.native_handle();
  const auto wait = [&] {
    socket.async_wait(asio::ip::tcp::socket::wait_write,
                      [self = shared_from_this(), slot, head_sent, offset](beast::error_code wait_error) {
                        if (wait_error) return self->on_write(wait_error, slot->close_after);
                        self->send_file(slot, head_sent, offset);
                      });
  };
  while (!error && head_sent < slot->head.size()) {
    const ssize_t sent =
        ::send(fd, slot->head.data() + head_sent, slot->head.size() - head_sent, MSG_NOSIGNAL | MSG_MORE);
    if (sent > 0) {
      head_sent += static_cast<std::size_t>(sent);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return wait();
    } else if (errno != EINTR) {
      error = beast::error_code(errno, boost::system::system_category());
    }
  }
  const http::BodyFile& file = *slot->response.body_file;
  off_t position = static_cast<off_t>(offset);
  while (!error && static_cast<std::size_t>(position) < file.size()) {
    const ssize_t sent = ::sendfile(fd, file.fd(), &position, file.size() - static_cast<std::size_t>(position));
    offset = position;
    if (sent > 0) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return wait();
    if (sent < 0 && errno == EINTR) continue;
    error =
        sent == 0 ? beast::error_code(asio::error::eof) : beast::error_code(errno, boost::system::system_category());
  }
  on_write(error, slot->close_after);
}

void HttpSession::on_write(beast::error_code error, bool close) {
  writing_ = false;
  write_deadline_ = Clock::time_point::max();
  if (closed_) return;
  if (error) return do_close(false);
  queue_.pop_front();
  if (close) {
    // Input may still be unread (a refused body): linger so the client reads
    // our answer instead of a reset.
    return do_close(true);
  }
  if (stopping_ && queue_.empty() && !reading_) return do_close(false);
  if (continue_pending_ && queue_.empty()) {
    continue_pending_ = false;
    return send_continue();
  }
  // The keep-alive wait for the next request starts from this answer.
  if (reading_ && !waiting_on_us() && !(parser_ && parser_->got_some()) && buffer_.size() == 0) {
    set_deadline(read_deadline_, state_->limits.request_timeout);
  }
  do_write();
  do_read();
}

void HttpSession::do_close(bool linger) {
  if (closed_) return;
  closed_ = true;
  beast::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  if (!linger || reading_) {  // a read in flight already drains the input
    close_socket();
    return;
  }
  linger_buffer_ = std::make_unique<char[]>(16u << 10);
  set_deadline(read_deadline_, kLingerTime);
  do_linger();
}

void HttpSession::do_linger() {
  socket_.async_read_some(asio::buffer(linger_buffer_.get(), 16u << 10),
                          [self = shared_from_this()](beast::error_code error, std::size_t bytes) {
                            self->lingered_ += bytes;
                            if (error || self->lingered_ > kLingerBytes) return self->close_socket();
                            self->do_linger();
                          });
}

void HttpSession::close_socket() {
  beast::error_code ignored;
  socket_.close(ignored);
  read_deadline_ = write_deadline_ = Clock::time_point::max();
  stop_watchdog();
}

void HttpSession::stop_watchdog() {
  if (!watchdog_armed_) return;
  ++watchdog_generation_;  // its handler sees a stale generation
  watchdog_armed_ = false;
  watchdog_.cancel();
}

void HttpSession::set_deadline(Clock::time_point& deadline, Clock::duration timeout) {
  deadline = Clock::now() + timeout;
  // An armed watchdog that wakes before this deadline re-arms itself then;
  // only an earlier deadline (the short linger) needs it moved.
  if (!watchdog_armed_ || deadline < watchdog_.expiry()) arm_watchdog(deadline);
}

void HttpSession::arm_watchdog(Clock::time_point at) {
  if (watchdog_armed_) watchdog_.cancel();  // its handler sees a stale generation
  watchdog_armed_ = true;
  const std::uint64_t generation = ++watchdog_generation_;
  watchdog_.expires_at(at);
  watchdog_.async_wait(
      [self = shared_from_this(), generation](beast::error_code error) { self->on_watchdog(error, generation); });
}

void HttpSession::on_watchdog(beast::error_code error, std::uint64_t generation) {
  if (generation != watchdog_generation_) return;  // replaced or cancelled
  watchdog_armed_ = false;
  if (error) return;
  const auto now = Clock::now();
  if (now >= read_deadline_ && waiting_on_us() && !(parser_ && parser_->got_some()) && buffer_.size() == 0) {
    // Reading ahead while a handler still works on an earlier request: the
    // client is waiting on us, not idle. Its clock restarts when the answer
    // has gone out (on_write); a request it started sending is still timed.
    read_deadline_ = Clock::time_point::max();
  }
  if (now >= read_deadline_ || now >= write_deadline_) {
    timed_out_ = true;
    beast::error_code ignored;
    // Pending reads and writes end with operation_aborted; their handlers
    // see timed_out_ and finish the session.
    socket_.close(ignored);
    read_deadline_ = write_deadline_ = Clock::time_point::max();
    return;
  }
  const auto next = std::min(read_deadline_, write_deadline_);
  if (next != Clock::time_point::max()) arm_watchdog(next);
}

}  // namespace plenary::net
