#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>

namespace plenary::http {
class Pipeline;
}
namespace plenary::ops {
class Metrics;
}

namespace plenary::live {
class LiveService;
}

namespace plenary::net {

struct ServerLimits {
  std::size_t max_body_bytes = 1u << 20;
  std::size_t max_header_bytes = 16u << 10;
  std::size_t max_connections = 10'000;
  // Requests read ahead of their responses on one connection.
  std::size_t max_pipelined = 16;
  // Time allowed to receive one whole request (idle keep-alive wait included)
  // and to send one response.
  std::chrono::milliseconds request_timeout{30'000};
  // Peers whose X-Forwarded-For names the real client (nginx edges).
  std::vector<std::string> trusted_proxies;
  // Live updates: a WebSocket with no traffic is pinged, and closed when
  // the peer stays silent this long; open WebSockets per client address
  // (a venue's Wi-Fi puts many phones behind one address).
  std::chrono::milliseconds live_idle_timeout{30'000};
  std::size_t live_max_per_address = 2'000;
  // Messages waiting for a slow client before it is closed with 4008.
  std::size_t live_max_queued = 1'024;
};

struct ServerState;

// The HTTP/1.1 server: a listener plus its connections. Each connection runs
// on its own strand of `io`; handlers run on `workers` (or inline when their
// route says RunOn::io) and their responses are written back in request order.
// Owns the acceptor and the registry of live connections.
// Thread-safety: listen() and start() once, before io runs; shutdown() and
// force_close() from any thread.
class HttpServer {
 public:
  // `live` answers GET /api/v1/live upgrades; without it they get the router's answer.
  HttpServer(boost::asio::io_context& io, boost::asio::any_io_executor workers, const http::Pipeline& pipeline,
             ServerLimits limits, ops::Metrics* metrics, live::LiveService* live = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; throws boost::system::system_error. Port 0 picks a free port.
  void listen(const std::string& address, unsigned short port);
  unsigned short port() const;
  void start();

  // Stops accepting, closes idle connections, lets in-flight requests finish
  // (answered with Connection: close). Calls `on_drained` once, on some
  // thread, when no connection is left.
  void shutdown(std::function<void()> on_drained);
  // Closes every connection now.
  void force_close();
  std::size_t open_connections() const;
  // After this, a pending shutdown() callback is never called.
  void forget_drain_callback();

 private:
  boost::asio::io_context& io_;
  std::shared_ptr<ServerState> state_;
  std::shared_ptr<class Listener> listener_;
};

}  // namespace plenary::net
