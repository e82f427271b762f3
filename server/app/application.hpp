#pragma once

#include <memory>
#include <string>

#include "app/config.hpp"

namespace plenary::http {
class Router;
}
namespace plenary::db {
class Database;
}
namespace plenary::auth {
class AuthService;
}
namespace plenary::relay {
class StreamingService;
}

namespace plenary::app {

// The whole server in one object: owns the database, the auth service, the
// router, metrics, the io_context with its I/O threads, the worker pool, the
// video relay (its own GStreamer thread) and the HTTP server, and tears them down in the right order.
//
//   Application app(config);   // routes declared; add more via router()
//   app.start();               // database opened and migrated, port bound
//   app.run();                 // serves until request_stop() or SIGINT/SIGTERM
//
// Thread-safety: construct, start and run from one thread; request_stop()
// from any thread.
class Application {
 public:
  explicit Application(Config config);
  ~Application();
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  http::Router& router();
  // Throws on a database that cannot be opened or migrated, or an address
  // that cannot be bound.
  void start();
  unsigned short port() const;
  std::string url() const;
  // Blocks until the server has stopped; returns the process exit code.
  int run();
  // Begins a graceful shutdown (stop accepting, drain, close the database).
  void request_stop();

  db::Database& database();
  auth::AuthService& auth();
  // After start().
  relay::StreamingService& streaming();
  const Config& config() const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace plenary::app
