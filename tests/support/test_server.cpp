#include "support/test_server.hpp"

#include <random>
#include <stdexcept>

#include "auth/auth_service.hpp"
#include "support/http_client.hpp"

namespace plenary::test {

namespace {

// Where a test server's streamed rooms look for UDP ports: a random base
// below the kernel's ephemeral ports (32768 up; the server tries up to 1,000
// from the base). A port found free by binding to 0 could be taken by any
// parallel test's outgoing SRT socket before the relay binds it, and
// GStreamer's SRT source cannot bind to 0 itself and say which port it got.
int srt_port_base() {
  thread_local std::minstd_rand random{std::random_device{}()};
  return std::uniform_int_distribution<int>(20000, 31000)(random);
}

}  // namespace

TestServer::TestServer(Tweak tweak, BeforeStart before_start) {
  write_file(static_.path() / "index.html", "<!doctype html><title>Plenary</title><h1>Plenary</h1>\n");
  app::Config config;
  config.address = "127.0.0.1";
  config.port = 0;
  config.data_dir = data_.path();
  config.static_dir = static_.path();
  config.io_threads = 2;
  config.worker_threads = 2;
  config.handle_signals = false;
  config.srt_port_base = srt_port_base();
  config.media_reserve_mb = 0;  // recordings never pause for the test machine's free space
  config.log_level = "warn";
  if (tweak) tweak(config);
  app_ = std::make_unique<app::Application>(config);
  if (before_start) before_start(*app_);
  app_->start();
  thread_ = std::thread([this] { exit_code_ = app_->run(); });
}

TestServer::~TestServer() {
  stop();
}

int TestServer::stop() {
  if (thread_.joinable()) {
    app_->request_stop();
    thread_.join();
  }
  return exit_code_;
}

std::string TestServer::sign_in_new_host(const std::string& email, auth::Role role) {
  app_->auth().create_host(email, role, kTestPassword);
  const nlohmann::json body = {{"email", email}, {"password", kTestPassword}};
  const HttpResult result = http_request(port(), "POST", "/api/v1/auth/login", body.dump(), json_headers());
  if (result.status != 200) throw std::runtime_error("sign-in failed: " + result.body);
  return result.json()["token"].get<std::string>();
}

}  // namespace plenary::test
