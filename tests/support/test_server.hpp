#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "app/application.hpp"
#include "auth/auth_service.hpp"
#include "support/temp_dir.hpp"

namespace plenary::test {

// The real Application on 127.0.0.1, port 0, with a temporary data directory
// and static directory, serving from a background thread. The constructor
// returns once the port is bound. Thread-safety: one test thread.
class TestServer {
 public:
  using Tweak = std::function<void(app::Config&)>;
  using BeforeStart = std::function<void(app::Application&)>;

  explicit TestServer(Tweak tweak = {}, BeforeStart before_start = {});
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  unsigned short port() const { return app_->port(); }
  app::Application& app() { return *app_; }
  const std::filesystem::path& data_dir() const { return data_.path(); }
  const std::filesystem::path& static_dir() const { return static_.path(); }
  // Graceful stop; returns run()'s exit code. Idempotent.
  int stop();

  // Creates a host account and signs it in over HTTP; returns the token.
  std::string sign_in_new_host(const std::string& email, auth::Role role);

 private:
  TempDir data_;
  TempDir static_;
  std::unique_ptr<app::Application> app_;
  std::thread thread_;
  int exit_code_ = -1;
};

inline constexpr const char* kTestPassword = "correct horse battery staple";

}  // namespace plenary::test
