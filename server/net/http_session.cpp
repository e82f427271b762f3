#include "net/http_session.hpp"

#include <ctime>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "http/client_address.hpp"
#include "http/pipeline.hpp"
#include "net/server_state.hpp"

namespace plenary::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

constexpr std::size_t kLingerBytes = 1u << 20;
constexpr auto kLingerTime = std::chrono::seconds(2);
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

bool is_http_parse_error(const beast::error_code& error) {
  return error.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

}  // namespace

HttpSession::HttpSession(asio::ip::tcp::socket&& socket, std::shared_ptr<ServerState> state)
    : stream_(std::move(socket)), state_(std::move(state)) {
  beast::error_code error;
  const auto endpoint = stream_.socket().remote_endpoint(error);
  if (!error) remote_ = endpoint.address().to_string();
  ++state_->count;
}

HttpSession::~HttpSession() {
  --state_->count;
  state_->remove(this);
}

void HttpSession::start() {
  if (!state_->add(shared_from_this())) {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->do_close(false); });
    return;
  }
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->do_read(); });
}

void HttpSession::stop_gracefully() {
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (self->closed_) return;
    self->stopping_ = true;
    if (self->idle_reading()) {
      // Ends the pending read with EOF without touching a write in progress.
      beast::error_code ignored;
      self->stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_receive, ignored);
    } else if (!self->reading_ && self->queue_.empty() && !self->writing_) {
      self->do_close(false);
    }
  });
}

void HttpSession::close_now() {
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    self->closed_ = true;
    beast::error_code ignored;
    self->stream_.socket().close(ignored);
  });
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
  stream_.expires_after(state_->limits.request_timeout);
  bhttp::async_read_header(stream_, buffer_, *parser_,
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
  if (beast::iequals(request[bhttp::field::expect], "100-continue") && !writing_ && queue_.empty()) {
    writing_ = true;
    stream_.expires_after(state_->limits.request_timeout);
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = shared_from_this()](beast::error_code write_error, std::size_t) {
                        self->writing_ = false;
                        if (write_error) return self->do_close(false);
                        self->do_write();
                      });
  }
  if (parser_->is_done()) return on_read({}, 0);
  stream_.expires_after(state_->limits.request_timeout);
  bhttp::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code error, std::size_t) {
  if (error) return on_read_error(error);
  reading_ = false;
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

void HttpSession::on_read_error(beast::error_code error) {
  reading_ = false;
  read_closed_ = true;
  if (closed_ || error == asio::error::operation_aborted) return;
  if (error == bhttp::error::end_of_stream || error == asio::error::eof || error == asio::error::connection_reset) {
    if (queue_.empty() && !writing_) do_close(false);
    return;  // otherwise on_write closes after the last response
  }
  if (error == beast::error::timeout) {
    // tcp_stream has closed the socket already, so nothing can be sent (nginx
    // does the same); a stalled partial request is still logged and counted.
    if (buffer_.size() > 0 || (parser_ && parser_->got_some())) {
      state_->pipeline.reject(partial_request(),
                              http::ApiError(408, "request-timeout", "Request Timeout",
                                             "The request did not arrive in time; the connection is closed."));
    }
    return do_close(false);
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
    asio::post(self->stream_.get_executor(), [self, slot, version, response = std::move(response)]() mutable {
      self->fill(*slot, std::move(response), version);
      self->do_write();
    });
  });
}

void HttpSession::fill(Pending& slot, http::Response&& response, unsigned version) {
  auto& out = slot.response;
  out.version(version);
  out.result(response.status);
  for (auto& [name, value] : response.headers.fields()) out.insert(name, value);
  out.set(bhttp::field::date, http_date());
  out.set(bhttp::field::server, "plenary");
  const bool bodiless = response.status < 200 || response.status == 204 || response.status == 304;
  if (bodiless) {
    out.erase(bhttp::field::content_length);
  } else if (response.head_content_length) {
    out.content_length(*response.head_content_length);
  } else {
    out.content_length(response.body_view().size());
  }
  std::string_view body;
  if (!bodiless && response.shared_body) {
    slot.shared_body = std::move(response.shared_body);
    body = *slot.shared_body;
  } else if (!bodiless) {
    slot.owned_body = std::move(response.body);
    body = slot.owned_body;
  }
  out.body().data = body.empty() ? nullptr : const_cast<char*>(body.data());
  out.body().size = body.size();
  out.body().more = false;
  slot.ready = true;
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
  slot->response.keep_alive(!slot->close_after);
  writing_ = true;
  stream_.expires_after(state_->limits.request_timeout);
  bhttp::async_write(stream_, slot->response, [self = shared_from_this(), slot](beast::error_code error, std::size_t) {
    self->on_write(error, slot->close_after);
  });
}

void HttpSession::on_write(beast::error_code error, bool close) {
  writing_ = false;
  if (closed_) return;
  if (error) return do_close(false);
  queue_.pop_front();
  if (close) {
    // Input may still be unread (a refused body): linger so the client reads
    // our answer instead of a reset.
    return do_close(true);
  }
  if (stopping_ && queue_.empty() && !reading_) return do_close(false);
  do_write();
  do_read();
}

void HttpSession::do_close(bool linger) {
  if (closed_) return;
  closed_ = true;
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  if (!linger || reading_) {  // a read in flight already drains the input
    stream_.socket().close(ignored);
    return;
  }
  linger_buffer_ = std::make_unique<char[]>(16u << 10);
  stream_.expires_after(kLingerTime);
  do_linger();
}

void HttpSession::do_linger() {
  stream_.async_read_some(asio::buffer(linger_buffer_.get(), 16u << 10),
                          [self = shared_from_this()](beast::error_code error, std::size_t bytes) {
                            self->lingered_ += bytes;
                            if (error || self->lingered_ > kLingerBytes) {
                              beast::error_code ignored;
                              self->stream_.socket().close(ignored);
                              return;
                            }
                            self->do_linger();
                          });
}

}  // namespace plenary::net
