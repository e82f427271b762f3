#include "net/http_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include "net/http_session.hpp"
#include "net/live_session.hpp"
#include "net/server_state.hpp"
#include "ops/log.hpp"
#include "ops/metrics.hpp"

namespace plenary::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

bool ServerState::add(const std::shared_ptr<HttpSession>& session) {
  std::lock_guard lock(mutex_);
  if (stopping_) return false;
  sessions_.emplace(session.get(), session);
  return true;
}

bool ServerState::reserve_live(const std::string& address) {
  std::lock_guard lock(mutex_);
  if (stopping_) return false;
  std::size_t& open = live_per_address_[address];
  if (open >= limits.live_max_per_address) return false;  // open > 0 here: the entry stays
  ++open;
  return true;
}

void ServerState::add_live(const std::shared_ptr<LiveSession>& session) {
  std::lock_guard lock(mutex_);
  live_sessions_.emplace(session.get(), session);
}

void ServerState::remove_live(LiveSession* session, const std::string& address) {
  std::function<void()> drained;
  {
    std::lock_guard lock(mutex_);
    live_sessions_.erase(session);
    if (auto open = live_per_address_.find(address); open != live_per_address_.end() && --open->second == 0) {
      live_per_address_.erase(open);
    }
    if (stopping_ && sessions_.empty() && live_sessions_.empty()) drained = std::move(on_drained_);
    if (drained) on_drained_ = nullptr;
  }
  if (drained) drained();
}

std::vector<std::shared_ptr<LiveSession>> ServerState::live_snapshot() {
  std::vector<std::shared_ptr<LiveSession>> live;
  std::lock_guard lock(mutex_);
  for (auto& [key, weak] : live_sessions_) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  return live;
}

void ServerState::remove(HttpSession* session) {
  std::function<void()> drained;
  {
    std::lock_guard lock(mutex_);
    sessions_.erase(session);
    if (stopping_ && sessions_.empty() && live_sessions_.empty()) drained = std::move(on_drained_);
    if (drained) on_drained_ = nullptr;
  }
  if (drained) drained();
}

void ServerState::forget_drain_callback() {
  std::lock_guard lock(mutex_);
  on_drained_ = nullptr;
}

std::vector<std::shared_ptr<HttpSession>> ServerState::snapshot() {
  std::vector<std::shared_ptr<HttpSession>> live;
  std::lock_guard lock(mutex_);
  for (auto& [key, weak] : sessions_) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  return live;
}

std::vector<std::shared_ptr<HttpSession>> ServerState::begin_shutdown(std::function<void()> on_drained) {
  std::vector<std::shared_ptr<HttpSession>> live;
  bool drained_now = false;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [key, weak] : sessions_) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
    if (sessions_.empty() && live_sessions_.empty()) {
      drained_now = true;
    } else {
      on_drained_ = std::move(on_drained);
    }
  }
  if (drained_now && on_drained) on_drained();
  return live;
}

// Accepts connections (owns the acceptor, on its own strand). Past the
// connection limit a client is told 503 at once and closed, rather than left
// waiting in the backlog.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& io, std::shared_ptr<ServerState> state)
      : io_(io), acceptor_(asio::make_strand(io)), retry_timer_(acceptor_.get_executor()), state_(std::move(state)) {}

  void listen(const std::string& address, unsigned short port) {
    const tcp::endpoint endpoint(asio::ip::make_address(address), port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    port_ = acceptor_.local_endpoint().port();
  }

  unsigned short port() const { return port_; }

  void start() {
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] { self->do_accept(); });
  }

  void stop() {
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ignored;
      self->retry_timer_.cancel();
      self->acceptor_.close(ignored);
    });
  }

 private:
  void do_accept() {
    acceptor_.async_accept(asio::make_strand(io_),
                           [self = shared_from_this()](boost::system::error_code error, tcp::socket socket) {
                             self->on_accept(error, std::move(socket));
                           });
  }

  void on_accept(boost::system::error_code error, tcp::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (error) {
      ops::logger().warn("accept failed", {{"error", error.message()}});
      // Out of file descriptors: pause instead of spinning on the same error.
      retry_timer_.expires_after(std::chrono::milliseconds(100));
      retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code wait_error) {
        if (!wait_error) self->do_accept();
      });
      return;
    }
    if (state_->count.load() >= state_->limits.max_connections) {
      refuse(std::move(socket));
    } else {
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<HttpSession>(std::move(socket), state_)->start();
    }
    do_accept();
  }

  void refuse(tcp::socket socket) {
    static constexpr std::string_view kBusy =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\nRetry-After: 5\r\n"
        "Connection: close\r\nContent-Length: 153\r\n\r\n"
        "{\"type\":\"https://plenary.dev/problems/too-many-connections\",\"title\":\"Service Unavailable\","
        "\"status\":503,\"detail\":\"The server is at its connection limit.\"}";
    if (state_->metrics != nullptr) state_->metrics->count_event("connection_refused");
    auto held = std::make_shared<tcp::socket>(std::move(socket));
    asio::async_write(*held, asio::buffer(kBusy.data(), kBusy.size()), [held](boost::system::error_code, std::size_t) {
      boost::system::error_code ignored;
      held->shutdown(tcp::socket::shutdown_both, ignored);
      held->close(ignored);
    });
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  std::shared_ptr<ServerState> state_;
  unsigned short port_ = 0;
};

HttpServer::HttpServer(asio::io_context& io, asio::any_io_executor workers, const http::Pipeline& pipeline,
                       ServerLimits limits, ops::Metrics* metrics, live::LiveService* live)
    : io_(io), state_(std::make_shared<ServerState>(std::move(workers), pipeline, limits, metrics, live)) {
  listener_ = std::make_shared<Listener>(io_, state_);
}

HttpServer::~HttpServer() = default;

void HttpServer::listen(const std::string& address, unsigned short port) {
  listener_->listen(address, port);
}

unsigned short HttpServer::port() const {
  return listener_->port();
}

void HttpServer::start() {
  listener_->start();
}

void HttpServer::shutdown(std::function<void()> on_drained) {
  listener_->stop();
  for (auto& session : state_->begin_shutdown(std::move(on_drained))) session->stop_gracefully();
  // A WebSocket has no request to finish: it is told the server is going away.
  for (auto& session : state_->live_snapshot()) session->close_now();
}

void HttpServer::force_close() {
  listener_->stop();
  state_->forget_drain_callback();
  for (auto& session : state_->snapshot()) session->close_now();
  for (auto& session : state_->live_snapshot()) session->close_now();
}

std::size_t HttpServer::open_connections() const {
  return state_->count.load();
}

void HttpServer::forget_drain_callback() {
  state_->forget_drain_callback();
}

}  // namespace plenary::net
