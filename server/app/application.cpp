#include "app/application.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <sys/resource.h>

#include "api/routes.hpp"
#include "auth/auth_service.hpp"
#include "auth/login_throttle.hpp"
#include "cache/agenda_cache.hpp"
#include "db/database.hpp"
#include "http/pipeline.hpp"
#include "http/router.hpp"
#include "http/services.hpp"
#include "http/static_files.hpp"
#include "live/hub.hpp"
#include "live/lanes.hpp"
#include "live/live_service.hpp"
#include "live/publisher.hpp"
#include "net/http_server.hpp"
#include "ops/cores.hpp"
#include "ops/log.hpp"
#include "ops/metrics.hpp"
#include "relay/room_stream.hpp"
#include "relay/streaming_service.hpp"

namespace plenary::app {

namespace asio = boost::asio;

namespace {

// The I/O threads asked for, or one per CPU the process may run on.
unsigned io_threads(const Config& config) {
  return config.io_threads == 0 ? ops::usable_cores() : config.io_threads;
}

// How often the live lanes check their connections' keep-alive: each is
// pinged after half its time-out of silence, so a sweep a second is close
// enough for the default 30 s; short time-outs (tests) get finer sweeps.
std::chrono::milliseconds keep_alive_sweep(const Config& config) {
  const auto eighth = std::chrono::milliseconds(static_cast<std::int64_t>(config.live_idle_timeout_seconds * 125));
  return std::clamp(eighth, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
}

// Raises the soft open-file limit to the hard one and keeps the connection
// limit below it, with room for the database, logs and static files.
std::size_t fit_connection_limit(std::size_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  // Room for the database, logs, static files and the agenda cache's memfds.
  constexpr std::size_t kReserve = 128 + cache::AgendaCache::kMaxOpenFiles;
  const std::size_t room = limit.rlim_cur > kReserve ? static_cast<std::size_t>(limit.rlim_cur) - kReserve : 16;
  if (wanted > room) {
    ops::logger().warn("connection limit lowered to fit the open-file limit",
                       {{"wanted", wanted}, {"limit", room}, {"rlimit_nofile", limit.rlim_cur}});
    return room;
  }
  return wanted;
}

std::chrono::milliseconds milliseconds(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000.0));
}

}  // namespace

struct Application::Parts {
  explicit Parts(Config c) : config(std::move(c)) {}

  Config config;
  ops::Metrics metrics;
  http::Router router;
  std::unique_ptr<db::Database> database;
  auth::LoginThrottle throttle;
  std::unique_ptr<auth::AuthService> auth;
  std::unique_ptr<http::StaticFiles> static_files;
  cache::AgendaCache agenda_cache;
  http::Services services;
  std::unique_ptr<http::Pipeline> pipeline;

  asio::io_context io{static_cast<int>(io_threads(config))};
  std::unique_ptr<asio::thread_pool> workers;
  // After `io`, so destroyed before it: the hub's lanes are strands of io.
  live::Hub hub{io, io_threads(config),
                live::Hub::Options{.io_uring = config.live_io_uring, .sweep = keep_alive_sweep(config)}};
  std::unique_ptr<live::Publisher> publisher;
  std::unique_ptr<live::LiveService> live;
  std::unique_ptr<relay::StreamingService> streaming;
  std::unique_ptr<net::HttpServer> server;
  std::unique_ptr<asio::signal_set> signals;
  std::unique_ptr<asio::steady_timer> grace_timer;
  bool stopping = false;  // on io only
  std::atomic<bool> finished{false};
  bool started = false;

  void begin_shutdown();
  void finish();
};

Application::Application(Config config) : parts_(std::make_unique<Parts>(std::move(config))) {
  api::add_routes(parts_->router);
}

Application::~Application() {
  if (parts_->started && !parts_->finished) {
    parts_->io.stop();
    // The relays need the worker pool to stop.
    if (parts_->streaming) parts_->streaming->stop();
    if (parts_->workers) parts_->workers->join();
    // The writer's last commits publish to the hub, which goes before the database.
    if (parts_->database) parts_->database->close();
  }
}

http::Router& Application::router() {
  return parts_->router;
}
db::Database& Application::database() {
  return *parts_->database;
}
auth::AuthService& Application::auth() {
  return *parts_->auth;
}
relay::StreamingService& Application::streaming() {
  return *parts_->streaming;
}
const Config& Application::config() const {
  return parts_->config;
}

void Application::start() {
  Parts& p = *parts_;
  // A peer gone mid-answer must cost one connection, never the process:
  // sendfile(2) has no MSG_NOSIGNAL, so SIGPIPE is ignored and EPIPE returned.
  ::signal(SIGPIPE, SIG_IGN);
  if (auto level = ops::parse_log_level(p.config.log_level)) ops::logger().set_level(*level);

  std::filesystem::create_directories(p.config.data_dir);
  // Handlers block on the database: a write waits for its batch's fsync, so
  // the batch (group commit) can only be as large as the number of handlers
  // waiting. Many cheap threads let it grow; reads are CPU-bound and need
  // no more connections than a few per core.
  const unsigned cores = ops::usable_cores();
  const unsigned workers = p.config.worker_threads == 0 ? std::max(32u, 8 * cores) : p.config.worker_threads;
  p.database = std::make_unique<db::Database>(
      db::DatabaseOptions{.path = p.config.data_dir / "plenary.db",
                          .readers = std::min(workers, 2 * cores + 2) + 1,
                          .on_timing = [&metrics = p.metrics](const char* kind, std::chrono::nanoseconds took) {
                            metrics.observe_db(kind, took);
                          },
                          .on_checkpoint = [&metrics = p.metrics](const db::CheckpointReport& report) {
                            metrics.observe_db("checkpoint", report.took);
                            if (report.result != 0) {
                              ops::logger().warn("database checkpoint failed", {{"sqlite_result", report.result}});
                            }
                          }});
  const auto& report = p.database->migration_report();
  ops::logger().info("database ready", {{"path", (p.config.data_dir / "plenary.db").string()},
                                        {"schema_version", report.to_version},
                                        {"migrated_from", report.from_version}});

  ops::logger().info("live fan-out", {{"lanes", p.hub.lanes().count()}, {"sends", p.hub.send_method()}});

  p.auth = std::make_unique<auth::AuthService>(
      *p.database, p.throttle, auth::AuthOptions{.token_ttl = std::chrono::seconds(p.config.token_ttl_seconds)});
  try {
    p.static_files = std::make_unique<http::StaticFiles>(p.config.static_dir);
  } catch (const std::exception& error) {
    ops::logger().warn("static files disabled", {{"reason", error.what()}});
  }
  p.workers = std::make_unique<asio::thread_pool>(workers);
  p.publisher = std::make_unique<live::Publisher>(*p.database, p.hub);
  p.live = std::make_unique<live::LiveService>(*p.database, *p.auth, p.hub);
  p.streaming = std::make_unique<relay::StreamingService>(
      relay::StreamingOptions{
          .enabled = p.config.streaming,
          .media_dir = p.config.media_dir.empty() ? p.config.data_dir / "media" : p.config.media_dir,
          .media_reserve_bytes = std::min<std::uint64_t>(p.config.media_reserve_mb, UINT64_MAX >> 20) << 20,
          .srt_address = p.config.srt_address,
          .srt_port_base = p.config.srt_port_base,
          .session_grace = milliseconds(p.config.stream_grace_seconds),
          .tick = milliseconds(p.config.stream_tick_seconds),
          .playback_token_ttl = p.config.playback_token_ttl_seconds},
      *p.database, *p.publisher, &p.agenda_cache, p.workers->get_executor());
  p.streaming->start();
  p.services = http::Services{p.database.get(), p.auth.get(), &p.metrics,        p.static_files.get(),
                              &p.agenda_cache,  &p.hub,       p.publisher.get(), p.streaming.get()};
  p.pipeline = std::make_unique<http::Pipeline>(
      p.router, &p.services, [auth = p.auth.get()](std::string_view token) { return auth->authenticate(token); },
      &p.metrics, &ops::logger());

  const net::ServerLimits limits{
      .max_body_bytes = p.config.max_body_bytes,
      .max_header_bytes = p.config.max_header_bytes,
      .max_connections = fit_connection_limit(p.config.max_connections),
      .request_timeout = milliseconds(p.config.request_timeout_seconds),
      .trusted_proxies = p.config.trusted_proxies,
      .live_idle_timeout = milliseconds(p.config.live_idle_timeout_seconds),
      .live_max_per_address = p.config.live_max_per_address,
      .live_max_queued = p.config.live_max_queued,
  };
  p.server =
      std::make_unique<net::HttpServer>(p.io, p.workers->get_executor(), *p.pipeline, limits, &p.metrics, p.live.get());
  p.server->listen(p.config.address, p.config.port);
  p.metrics.add_gauge("plenary_http_open_connections", "Open HTTP connections.",
                      [server = p.server.get()] { return static_cast<double>(server->open_connections()); });
  if (p.config.handle_signals) {
    // Installed before "listening" is logged: a signal sent as soon as the
    // port is known waits in Asio's queue until run() instead of killing us.
    p.signals = std::make_unique<asio::signal_set>(p.io, SIGINT, SIGTERM);
    p.signals->async_wait([&p](boost::system::error_code error, int signal) {
      if (error) return;
      ops::logger().info("signal received", {{"signal", signal == SIGINT ? "SIGINT" : "SIGTERM"}});
      p.begin_shutdown();
    });
  }
  p.started = true;
  ops::logger().info("listening", {{"address", p.config.address}, {"port", port()}, {"url", url()}});
}

unsigned short Application::port() const {
  return parts_->server ? parts_->server->port() : 0;
}

std::string Application::url() const {
  const std::string& address = parts_->config.address;
  std::string host = address == "0.0.0.0" ? "127.0.0.1" : address == "::" ? "[::1]" : address;
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port()) + "/";
}

int Application::run() {
  Parts& p = *parts_;
  if (!p.started) throw std::logic_error("Application::run before start");
  auto work = asio::make_work_guard(p.io);
  p.server->start();
  std::vector<std::thread> threads;
  for (unsigned i = 1, count = io_threads(p.config); i < count; ++i) threads.emplace_back([&p] { p.io.run(); });
  p.io.run();
  for (auto& thread : threads) thread.join();
  // The relays end their playlists and free their ports (on the pool).
  p.streaming->stop();
  // Handlers still on the pool finish before the database closes.
  p.workers->join();
  p.database->close();
  p.finished = true;
  ops::logger().info("stopped", {{"exit_code", 0}});
  return 0;
}

void Application::request_stop() {
  asio::post(parts_->io, [&p = *parts_] { p.begin_shutdown(); });
}

void Application::Parts::begin_shutdown() {
  if (stopping) return;
  stopping = true;
  ops::logger().info("shutting down", {{"open_connections", server->open_connections()},
                                       {"grace_seconds", config.shutdown_grace_seconds}});
  if (signals) signals->cancel();
  grace_timer = std::make_unique<asio::steady_timer>(io, milliseconds(config.shutdown_grace_seconds));
  grace_timer->async_wait([this](boost::system::error_code error) {
    if (error) return;
    ops::logger().warn("grace period over, closing connections", {{"open_connections", server->open_connections()}});
    server->force_close();
    finish();
  });
  server->shutdown([this] { asio::post(io, [this] { finish(); }); });
}

void Application::Parts::finish() {
  if (grace_timer) grace_timer->cancel();
  // Connections destroyed with the io_context must not post to it.
  server->forget_drain_callback();
  io.stop();
}

}  // namespace plenary::app
