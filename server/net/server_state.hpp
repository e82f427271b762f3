#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "net/http_server.hpp"

namespace plenary::net {

class HttpSession;
class LiveSession;

// What the listener and every connection share: limits, the pipeline, the
// worker executor and the registry of live connections (pruned as each
// connection ends). Thread-safety: the registry is guarded by `mutex`;
// the rest is immutable after construction.
struct ServerState {
  ServerState(boost::asio::any_io_executor worker_executor, const http::Pipeline& request_pipeline,
              ServerLimits server_limits, ops::Metrics* server_metrics, live::LiveService* live_service)
      : workers(std::move(worker_executor)),
        pipeline(request_pipeline),
        limits(server_limits),
        metrics(server_metrics),
        live(live_service) {}

  // False when the server is shutting down: the session must close at once.
  bool add(const std::shared_ptr<HttpSession>& session);
  void remove(HttpSession* session);
  std::vector<std::shared_ptr<HttpSession>> snapshot();
  // Marks the server as stopping; returns the sessions to stop. `on_drained`
  // runs once the registry is empty (immediately if it already is).
  std::vector<std::shared_ptr<HttpSession>> begin_shutdown(std::function<void()> on_drained);
  // Drops a pending `on_drained`: the caller is past caring (forced stop).
  void forget_drain_callback();

  // WebSockets: a place for one more from `address` (false when the server
  // is stopping or the address has too many), then the session that took it.
  // remove_live() gives both back.
  bool reserve_live(const std::string& address);
  void add_live(const std::shared_ptr<LiveSession>& session);
  void remove_live(LiveSession* session, const std::string& address);
  std::vector<std::shared_ptr<LiveSession>> live_snapshot();

  boost::asio::any_io_executor workers;
  const http::Pipeline& pipeline;
  ServerLimits limits;
  ops::Metrics* metrics;
  live::LiveService* live;
  std::atomic<std::size_t> count{0};

 private:
  std::mutex mutex_;
  std::unordered_map<HttpSession*, std::weak_ptr<HttpSession>> sessions_;
  std::unordered_map<LiveSession*, std::weak_ptr<LiveSession>> live_sessions_;
  std::unordered_map<std::string, std::size_t> live_per_address_;
  bool stopping_ = false;
  std::function<void()> on_drained_;
};

}  // namespace plenary::net
