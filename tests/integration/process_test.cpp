#include <signal.h>

#include <filesystem>
#include <regex>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "db/connection.hpp"
#include "support/http_client.hpp"
#include "support/live_client.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

using namespace plenary;
using namespace plenary::test;
using namespace std::chrono_literals;

namespace {

const std::string kBinary = PLENARY_BINARY;
const std::string kStatic = std::string(PLENARY_SOURCE_DIR) + "/static";

// Starts `plenary serve` and waits for its "listening" log line.
struct RunningServer {
  Subprocess process;
  unsigned short port = 0;

  RunningServer(std::vector<std::string> args, std::vector<std::string> env = {})
      : process(std::move(args), std::move(env)) {
    const auto line = process.wait_for_stderr_line(
        [](const std::string& text) { return text.find("\"msg\":\"listening\"") != std::string::npos; }, 30s);
    if (!line) FAIL("no listening line; stderr was:\n" << process.stderr_text());
    port = static_cast<unsigned short>(nlohmann::json::parse(*line)["port"].get<int>());
  }
};

std::vector<std::string> serve_args(const TempDir& data, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{kBinary,        "serve",   "--port",          "0", "--data-dir", data.path().string(),
                                "--static-dir", kStatic, "--srt-port-base", "0"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::string login_body(const std::string& email, const std::string& password) {
  return nlohmann::json{{"email", email}, {"password", password}}.dump();
}

}  // namespace

TEST_CASE("plenary --help lists the subcommands and each subcommand lists its options and variables") {
  const Completed help = run_to_end({kBinary, "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("serve") != std::string::npos);
  CHECK(help.out.find("user") != std::string::npos);

  const Completed serve = run_to_end({kBinary, "serve", "--help"});
  CHECK(serve.exit_code == 0);
  for (const std::string& expected : std::vector<std::string>{
           "--address", "PLENARY_ADDRESS", "--port", "PLENARY_PORT", "--data-dir", "PLENARY_DATA_DIR", "--static-dir",
           "PLENARY_STATIC_DIR", "--demo", "PLENARY_DEMO", "--max-body-bytes", "PLENARY_MAX_BODY_BYTES",
           "--max-connections", "--request-timeout", "--shutdown-grace", "--log-level"}) {
    CAPTURE(expected);
    CHECK(serve.out.find(expected) != std::string::npos);
  }
  const Completed add = run_to_end({kBinary, "user", "add", "--help"});
  CHECK(add.exit_code == 0);
  for (const std::string& expected :
       std::vector<std::string>{"--email", "--role", "--password-stdin", "--data-dir", "PLENARY_DATA_DIR"}) {
    CAPTURE(expected);
    CHECK(add.out.find(expected) != std::string::npos);
  }
  CHECK(run_to_end({kBinary, "serve", "--no-such-option"}).exit_code != 0);
}

TEST_CASE("the binary serves on the port it logs and exits 0 on SIGTERM with the database closed cleanly") {
  TempDir data;
  RunningServer server(serve_args(data));
  CHECK(http_request(server.port, "GET", "/healthz").status == 200);
  const HttpResult index = http_request(server.port, "GET", "/");
  CHECK(index.status == 200);
  CHECK(index.body.find("Plenary") != std::string::npos);

  server.process.send_signal(SIGTERM);
  CHECK(server.process.wait(20s) == 0);
  CHECK(server.process.stderr_text().find("\"msg\":\"stopped\"") != std::string::npos);
  CHECK(std::filesystem::exists(data.path() / "plenary.db"));
  CHECK_FALSE(std::filesystem::exists(data.path() / "plenary.db-wal"));
}

TEST_CASE("SIGINT stops the server as gracefully as SIGTERM") {
  TempDir data;
  RunningServer server(serve_args(data));
  server.process.send_signal(SIGINT);
  CHECK(server.process.wait(20s) == 0);
}

TEST_CASE("every option can come from a PLENARY_ environment variable") {
  TempDir data;
  RunningServer server({kBinary, "serve"},
                       {"PLENARY_PORT=0", "PLENARY_ADDRESS=127.0.0.1", "PLENARY_DATA_DIR=" + data.path().string(),
                        "PLENARY_STATIC_DIR=" + kStatic, "PLENARY_MAX_BODY_BYTES=100"});
  CHECK(std::filesystem::exists(data.path() / "plenary.db"));
  CHECK(http_request(server.port, "POST", "/api/v1/auth/login", std::string(200, ' '), json_headers()).status == 413);
  server.process.send_signal(SIGTERM);
  CHECK(server.process.wait(20s) == 0);
}

TEST_CASE("plenary user add creates an account that can sign in to the server") {
  TempDir data;
  const Completed added = run_to_end({kBinary, "user", "add", "--email", "Desk@SOMRI.example", "--role", "registrar",
                                      "--password-stdin", "--data-dir", data.path().string()},
                                     {}, "a long registrar password\n");
  CHECK(added.exit_code == 0);
  CHECK(added.out.find("desk@somri.example") != std::string::npos);

  const Completed generated = run_to_end({kBinary, "user", "add", "--email", "chair@somri.example", "--role", "admin",
                                          "--data-dir", data.path().string()});
  CHECK(generated.exit_code == 0);
  std::smatch match;
  REQUIRE(std::regex_search(generated.out, match, std::regex("Password: (\\S+)")));
  const std::string generated_password = match[1];

  const Completed duplicate = run_to_end({kBinary, "user", "add", "--email", "desk@somri.example", "--role", "admin",
                                          "--password-stdin", "--data-dir", data.path().string()},
                                         {}, "another long password\n");
  CHECK(duplicate.exit_code == 1);
  CHECK(duplicate.err.find("already") != std::string::npos);
  const Completed weak = run_to_end({kBinary, "user", "add", "--email", "x@somri.example", "--role", "admin",
                                     "--password-stdin", "--data-dir", data.path().string()},
                                    {}, "short\n");
  CHECK(weak.exit_code == 1);
  CHECK(weak.err.find("password") != std::string::npos);
  CHECK(run_to_end({kBinary, "user", "add", "--email", "x@somri.example", "--role", "delegate"}).exit_code != 0);

  RunningServer server(serve_args(data));
  const HttpResult registrar =
      http_request(server.port, "POST", "/api/v1/auth/login",
                   login_body("desk@somri.example", "a long registrar password"), json_headers());
  CHECK(registrar.status == 200);
  CHECK(registrar.json()["user"]["role"] == "registrar");
  CHECK(http_request(server.port, "POST", "/api/v1/auth/login", login_body("chair@somri.example", generated_password),
                     json_headers())
            .status == 200);
}

TEST_CASE("--demo prints the URL and admin credentials, which work, and the same ones on the next run") {
  TempDir data;
  std::string password;
  for (int run = 0; run < 2; ++run) {
    RunningServer server(serve_args(data, {"--demo"}));
    const auto health = http_request(server.port, "GET", "/healthz");
    CHECK(health.status == 200);
    server.process.send_signal(SIGTERM);
    REQUIRE(server.process.wait(20s) == 0);
    const std::string& out = server.process.stdout_text();
    CHECK(out.find("http://127.0.0.1:" + std::to_string(server.port) + "/") != std::string::npos);
    std::smatch match;
    REQUIRE(std::regex_search(out, match, std::regex("Password:\\s+(\\S+)")));
    CHECK(out.find("admin@plenary.example") != std::string::npos);
    if (run == 0) {
      password = match[1];
    } else {
      CHECK(match[1] == password);
    }
  }
  RunningServer server(serve_args(data));
  CHECK(http_request(server.port, "POST", "/api/v1/auth/login", login_body("admin@plenary.example", password),
                     json_headers())
            .status == 200);
}

TEST_CASE("--demo prints a demo delegate's access code and sign-in link, which sign the delegate in") {
  TempDir data;
  RunningServer server(serve_args(data, {"--demo"}));
  const auto agenda = http_request(server.port, "GET", "/api/v1/events/somri-21/agenda");
  CHECK(agenda.status == 200);
  server.process.send_signal(SIGTERM);
  REQUIRE(server.process.wait(20s) == 0);
  std::smatch match;
  const std::string out = server.process.stdout_text();
  REQUIRE(std::regex_search(out, match, std::regex("access code ([A-Z0-9-]+)")));
  const std::string code = match[1];
  std::string normalized = code;
  std::erase(normalized, '-');
  const std::string app = "http://127.0.0.1:" + std::to_string(server.port) + "/e/somri-21/";
  CHECK(out.find("Delegate app: " + app + "\n") != std::string::npos);
  CHECK(out.find("Sign-in link: " + app + "#code=" + normalized + " ") != std::string::npos);

  RunningServer again(serve_args(data));
  const auto signed_in =
      http_request(again.port, "POST", "/api/v1/auth/code", nlohmann::json{{"code", code}}.dump(), json_headers());
  REQUIRE(signed_in.status == 200);
  const auto me =
      http_request(again.port, "GET", "/api/v1/me", {}, json_headers(signed_in.json()["token"].get<std::string>()));
  CHECK(me.json()["name"] == "Nguyễn Minh Anh");
  CHECK(me.json()["event"] == "somri-21");
  // The link's page is the app, which signs in with the fragment's code.
  const auto page = http_request(again.port, "GET", "/e/somri-21/");
  CHECK(page.status == 200);
  CHECK(page.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(
      http_request(again.port, "POST", "/api/v1/auth/code", nlohmann::json{{"code", normalized}}.dump(), json_headers())
          .status == 200);
}

TEST_CASE("--demo puts a session on air from the synthetic venue encoder, with floor, English and Vietnamese") {
  TempDir data;
  RunningServer server(serve_args(data, {"--demo"}));
  const auto rooms = http_request(server.port, "GET", "/api/v1/events/somri-21/rooms?limit=200").json();
  std::int64_t room = 0;
  for (const auto& entry : rooms["items"]) {
    if (entry["streamed"] == true) {
      room = entry["id"];
      break;
    }
  }
  REQUIRE(room > 0);
  const std::string stream = "/api/v1/events/somri-21/rooms/" + std::to_string(room) + "/stream";
  // The phone's view: from the start of the channel's history, until the session goes on air.
  LiveClient phone(server.port);
  phone.subscribe({{"channel", "event:somri-21"}, {"since", 0}});
  const nlohmann::json on_air = phone.receive("session.live", 30);
  CHECK(on_air["data"]["room_id"] == room);
  const nlohmann::json status = http_request(server.port, "GET", stream).json();
  INFO(status.dump());
  REQUIRE(status["state"] == "live");
  CHECK(status["languages"].size() == 3);
  const auto master = http_request(server.port, "GET", status["playback"]["hls"].get<std::string>());
  CHECK(master.status == 200);
  CHECK(master.body.find("LANGUAGE=\"vi\"") != std::string::npos);
  const auto session = http_request(server.port, "GET", status["session"]["href"].get<std::string>()).json();
  CHECK(session["status"] == "live");
  server.process.send_signal(SIGTERM);
  REQUIRE(server.process.wait(20s) == 0);
  CHECK(server.process.stdout_text().find("Live demo:") != std::string::npos);
}

TEST_CASE("without the GStreamer plugins it needs the server starts, says so in one line, and serves the rest") {
  TempDir data;
  TempDir no_plugins;
  RunningServer server(serve_args(data, {"--demo", "--no-demo-encoder"}),
                       {"GST_PLUGIN_SYSTEM_PATH_1_0=" + no_plugins.path().string(),
                        "GST_PLUGIN_PATH_1_0=" + no_plugins.path().string(),
                        "GST_REGISTRY_1_0=" + (no_plugins.path() / "registry.bin").string()});
  CHECK(http_request(server.port, "GET", "/api/v1/events/somri-21/agenda").status == 200);
  const auto stream = http_request(server.port, "GET", "/api/v1/events/somri-21/rooms/1/stream");
  CHECK(stream.status == 200);
  CHECK(stream.json()["state"] == "unavailable");
  CHECK(stream.json()["detail"].get<std::string>().find("srtsrc") != std::string::npos);
  CHECK(http_request(server.port, "GET", "/live/somri-21/1/master.m3u8").status == 404);
  server.process.send_signal(SIGTERM);
  REQUIRE(server.process.wait(20s) == 0);
  const std::string log = server.process.stderr_text();
  const auto first = log.find("streaming unavailable");
  CHECK(first != std::string::npos);
  CHECK(log.find("streaming unavailable", first + 1) == std::string::npos);  // one line
}

TEST_CASE("a database from a newer Plenary stops the server at start with a clear message") {
  TempDir data;
  {
    db::Connection connection((data.path() / "plenary.db").string());
    connection.exec("PRAGMA user_version = 9999");
  }
  const Completed refused = run_to_end(serve_args(data));
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("newer than this Plenary knows") != std::string::npos);
}
