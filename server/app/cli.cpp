#include "app/cli.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/application.hpp"
#include "app/demo.hpp"
#include "app/demo_meeting.hpp"
#include "app/demo_stream.hpp"
#include "auth/auth_service.hpp"
#include "auth/login_throttle.hpp"
#include "auth/password.hpp"
#include "auth/token.hpp"
#include "db/database.hpp"
#include "domain/instant.hpp"
#include "http/api_error.hpp"
#include "http/app_routes.hpp"
#include "ops/log.hpp"
#include "relay/streaming_service.hpp"

#ifndef PLENARY_VERSION
#define PLENARY_VERSION "0.0.0"
#endif

namespace plenary::app {
namespace {

int serve(Config config) {
  Application application(std::move(config));
  application.start();
  std::string banner = "\nPlenary is running at " + application.url() + "\n";
  if (application.config().demo) {
    const DemoCredentials demo =
        seed_demo(application.database(), application.auth(), application.config().data_dir, domain::unix_now());
    // url() ends with '/', and the app's paths start with one.
    const std::string app = application.url() + http::delegate_app_path(kDemoEventSlug).substr(1);
    const std::string sign_in =
        application.url() +
        http::sign_in_link(kDemoEventSlug, auth::normalize_access_code(demo.delegate_code)).substr(1);
    banner += "  Demo meeting: " + application.url() + "api/v1/events/" + kDemoEventSlug + "/agenda\n";
    banner += "  Delegate app: " + app + "\n";
    banner += "  Demo admin:   " + demo.email + "\n  Password:     " + demo.password + "\n";
    banner += "  Demo delegate: " + demo.delegate_name + ", access code " + demo.delegate_code +
              " (POST /api/v1/auth/code)\n";
    banner += "  Sign-in link: " + sign_in + " (opens the app signed in as " + demo.delegate_name + ")\n";
    relay::StreamingService& streaming = application.streaming();
    if (application.config().demo_encoder && streaming.available()) {
      if (const auto stream = seed_demo_stream(application.database(), domain::unix_now())) {
        streaming.reconcile();
        streaming.start_demo_encoder(stream->room_id);
        banner += "  Live demo:    " + application.url() + "live/" + kDemoEventSlug + "/" +
                  std::to_string(stream->room_id) + "/master.m3u8 (session " + std::to_string(stream->session_id) +
                  ", on air in a few seconds)\n";
      }
    } else if (!streaming.available()) {
      banner += "  Streaming:    " + streaming.availability() + "\n";
    }
  }
  banner += "  Data:         " + std::filesystem::absolute(application.config().data_dir).string() +
            "\nStop with Ctrl+C.\n\n";
  std::cout << banner << std::flush;
  return application.run();
}

struct UserAddOptions {
  std::string email;
  std::string role;
  bool password_stdin = false;
  std::filesystem::path data_dir = "data";
};

int user_add(const UserAddOptions& options) {
  std::string password;
  bool generated = false;
  if (options.password_stdin) {
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
  } else {
    password = auth::random_password();
    generated = true;
  }
  ops::logger().set_level(ops::LogLevel::warn);
  std::filesystem::create_directories(options.data_dir);
  db::Database database(db::DatabaseOptions{.path = options.data_dir / "plenary.db", .readers = 1});
  auth::LoginThrottle throttle;
  auth::AuthService auth(database, throttle, {});
  try {
    const auto account = auth.create_host(options.email, *auth::parse_role(options.role), password);
    std::cout << "Created " << auth::to_string(account.role) << " " << account.email << " (id " << account.id << ")\n";
    if (generated) std::cout << "Password: " << password << "\n";
  } catch (const http::ApiError& error) {
    std::cerr << "plenary: " << error.detail() << "\n";
    if (error.extensions().contains("errors")) {
      for (const auto& field : error.extensions()["errors"]) {
        std::cerr << "  " << field["field"].get<std::string>() << ": " << field["detail"].get<std::string>() << "\n";
      }
    }
    return 1;
  }
  return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App cli{"Plenary: the backend for multi-day meetings (agenda, registrations, live updates, video relay)."};
  cli.name("plenary");
  cli.set_version_flag("--version", PLENARY_VERSION);
  cli.require_subcommand(1);
  cli.footer("Every option can also be set by the environment variable shown next to it.");

  Config config;
  CLI::App* serve_command = cli.add_subcommand("serve", "Run the HTTP server");
  serve_command->add_option("--address", config.address, "Address to listen on")
      ->envname("PLENARY_ADDRESS")
      ->capture_default_str();
  serve_command->add_option("--port", config.port, "TCP port; 0 picks a free one (the bound port is logged)")
      ->envname("PLENARY_PORT")
      ->capture_default_str();
  serve_command->add_option("--data-dir", config.data_dir, "Directory for the SQLite database and other state")
      ->envname("PLENARY_DATA_DIR")
      ->capture_default_str();
  serve_command->add_option("--static-dir", config.static_dir, "Directory of files served to browsers")
      ->envname("PLENARY_STATIC_DIR")
      ->capture_default_str();
  serve_command->add_flag("--demo", config.demo, "Seed and print the demo meeting and its admin")
      ->envname("PLENARY_DEMO");
  serve_command->add_option("--max-body-bytes", config.max_body_bytes, "Largest request body accepted")
      ->envname("PLENARY_MAX_BODY_BYTES")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve_command->add_option("--max-header-bytes", config.max_header_bytes, "Largest request header accepted")
      ->envname("PLENARY_MAX_HEADER_BYTES")
      ->check(CLI::Range(1024, 1 << 20))
      ->capture_default_str();
  serve_command->add_option("--max-connections", config.max_connections, "Open connections allowed at once")
      ->envname("PLENARY_MAX_CONNECTIONS")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve_command
      ->add_option("--request-timeout", config.request_timeout_seconds,
                   "Seconds to receive a whole request or send a response")
      ->envname("PLENARY_REQUEST_TIMEOUT")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve_command
      ->add_option("--shutdown-grace", config.shutdown_grace_seconds,
                   "Seconds in-flight requests get to finish on SIGINT/SIGTERM")
      ->envname("PLENARY_SHUTDOWN_GRACE")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  serve_command->add_option("--io-threads", config.io_threads, "Network threads (0: one per core)")
      ->envname("PLENARY_IO_THREADS")
      ->capture_default_str();
  serve_command->add_option("--worker-threads", config.worker_threads, "Handler threads (0: eight per core, at least 32)")
      ->envname("PLENARY_WORKER_THREADS")
      ->capture_default_str();
  serve_command
      ->add_option("--live-idle-timeout", config.live_idle_timeout_seconds,
                   "Seconds a live connection may stay silent (it is pinged at half) before it is dropped")
      ->envname("PLENARY_LIVE_IDLE_TIMEOUT")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve_command
      ->add_option("--live-max-per-address", config.live_max_per_address,
                   "Live connections allowed from one client address (a venue's Wi-Fi shares one)")
      ->envname("PLENARY_LIVE_MAX_PER_ADDRESS")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve_command
      ->add_option("--live-max-queued", config.live_max_queued,
                   "Messages queued for a slow live client before it is closed (4008) to catch up later")
      ->envname("PLENARY_LIVE_MAX_QUEUED")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve_command
      ->add_flag("--live-io-uring,!--no-live-io-uring", config.live_io_uring,
                 "Send each turn of a live fan-out in one io_uring call (falls back to one send(2) each "
                 "where the kernel refuses io_uring)")
      ->envname("PLENARY_LIVE_IO_URING")
      ->capture_default_str();
  serve_command->add_option("--token-ttl", config.token_ttl_seconds, "Seconds a sign-in token lasts")
      ->envname("PLENARY_TOKEN_TTL")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve_command
      ->add_option("--trusted-proxy", config.trusted_proxies,
                   "Address of a reverse proxy whose X-Forwarded-For names the client (repeatable; "
                   "the variable takes a comma-separated list)")
      ->envname("PLENARY_TRUSTED_PROXIES")
      ->delimiter(',');
  serve_command
      ->add_flag("--streaming,!--no-streaming", config.streaming,
                 "Relay each streamed room's SRT feed to browsers as HLS (needs GStreamer)")
      ->envname("PLENARY_STREAMING")
      ->capture_default_str();
  serve_command
      ->add_option("--media-dir", config.media_dir,
                   "Directory for live segments and recordings (default: media in the data directory)")
      ->envname("PLENARY_MEDIA_DIR");
  serve_command
      ->add_option("--media-reserve", config.media_reserve_mb,
                   "MiB of free space to keep on the media directory's disk: below it recordings pause "
                   "(live streams go on) until space is freed")
      ->envname("PLENARY_MEDIA_RESERVE")
      ->capture_default_str();
  serve_command->add_option("--srt-address", config.srt_address, "Address the rooms' SRT listeners bind to")
      ->envname("PLENARY_SRT_ADDRESS")
      ->capture_default_str();
  serve_command
      ->add_option("--srt-port-base", config.srt_port_base,
                   "First UDP port given to a newly streamed room (0: any free port)")
      ->envname("PLENARY_SRT_PORT_BASE")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve_command
      ->add_option("--stream-grace", config.stream_grace_seconds,
                   "Seconds a room's stream may be gone before its session ends")
      ->envname("PLENARY_STREAM_GRACE")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve_command
      ->add_option("--playback-token-ttl", config.playback_token_ttl_seconds,
                   "Seconds a delegate's playback token for a delegates-only stream lasts")
      ->envname("PLENARY_PLAYBACK_TOKEN_TTL")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve_command
      ->add_flag("!--no-demo-encoder", config.demo_encoder,
                 "With --demo, do not start the synthetic venue encoder into the demo's streamed room")
      ->envname("PLENARY_DEMO_ENCODER");
  serve_command->add_option("--log-level", config.log_level, "debug, info, warn or error")
      ->envname("PLENARY_LOG_LEVEL")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->capture_default_str();

  UserAddOptions user_options;
  CLI::App* user_command = cli.add_subcommand("user", "Manage host accounts");
  user_command->require_subcommand(1);
  CLI::App* add_command = user_command->add_subcommand("add", "Create a host account (admin or registrar)");
  add_command->add_option("--email", user_options.email, "The account's e-mail address")
      ->required()
      ->envname("PLENARY_USER_EMAIL");
  add_command->add_option("--role", user_options.role, "admin or registrar")
      ->required()
      ->envname("PLENARY_USER_ROLE")
      ->check(CLI::IsMember({"admin", "registrar"}));
  add_command
      ->add_flag("--password-stdin", user_options.password_stdin,
                 "Read the password from the first line of standard input (otherwise one is generated and printed)")
      ->envname("PLENARY_PASSWORD_STDIN");
  add_command->add_option("--data-dir", user_options.data_dir, "Directory holding the database")
      ->envname("PLENARY_DATA_DIR")
      ->capture_default_str();

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return cli.exit(error);
  }

  try {
    if (*serve_command) return serve(std::move(config));
    if (*add_command) return user_add(user_options);
  } catch (const std::exception& error) {
    ops::logger().error("fatal", {{"error", error.what()}});
    std::cerr << "plenary: " << error.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace plenary::app
