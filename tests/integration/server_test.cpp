#include <unistd.h>

#include <future>

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "http/router.hpp"
#include "support/http_client.hpp"
#include "support/test_server.hpp"

using namespace plenary;
using namespace plenary::test;
using namespace std::chrono_literals;

namespace {

bool can_connect(unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

void check_problem(const HttpResult& result, unsigned status, std::string_view kind) {
  CAPTURE(result.body);
  CHECK(result.status == status);
  CHECK(result.header("Content-Type") == "application/problem+json");
  const auto body = result.json();
  CHECK(body["status"] == status);
  CHECK(body["type"] == "https://plenary.dev/problems/" + std::string(kind));
  CHECK(body["detail"].is_string());
}

}  // namespace

TEST_CASE("the server answers health and readiness checks") {
  TestServer server;
  const HttpResult health = http_request(server.port(), "GET", "/healthz");
  CHECK(health.status == 200);
  CHECK(health.json()["status"] == "ok");
  const HttpResult ready = http_request(server.port(), "GET", "/readyz");
  CHECK(ready.status == 200);
  CHECK(ready.json()["schema_version"].get<int>() >= 1);
  CHECK(ready.header("Date").ends_with("GMT"));
}

TEST_CASE("errors reach the client as problem+json over the wire") {
  TestServer server([](app::Config& config) { config.max_body_bytes = 1024; });
  const auto port = server.port();
  check_problem(http_request(port, "GET", "/api/v1/nothing"), 404, "not-found");

  const HttpResult wrong_method = http_request(port, "DELETE", "/healthz");
  check_problem(wrong_method, 405, "method-not-allowed");
  CHECK(wrong_method.header("Allow") == "GET, HEAD, OPTIONS");

  const HttpResult malformed = http_request(port, "POST", "/api/v1/auth/login", "{\"email\": ", json_headers());
  check_problem(malformed, 400, "bad-request");
  CHECK(malformed.json()["line"] == 1);

  check_problem(http_request(port, "POST", "/api/v1/auth/login", "email=a", {{"Content-Type", "text/plain"}}), 415,
                "unsupported-media-type");
  check_problem(http_request(port, "POST", "/api/v1/auth/login", "{}", json_headers()), 422, "validation-failed");
  check_problem(http_request(port, "POST", "/api/v1/auth/login", std::string(4096, ' '), json_headers()), 413,
                "payload-too-large");
}

TEST_CASE("a body that grows past the limit without announcing its length is refused with 413") {
  TestServer server([](app::Config& config) { config.max_body_bytes = 1024; });
  HttpClient client(server.port());
  std::string chunked =
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) chunked += "200\r\n" + std::string(512, ' ') + "\r\n";
  chunked += "0\r\n\r\n";
  client.send_raw(chunked);
  check_problem(client.read_response(), 413, "payload-too-large");
  CHECK(client.closed_within(5s));
}

TEST_CASE("an oversized header is refused with 431 and garbage with 400") {
  TestServer server;
  {
    HttpClient client(server.port());
    client.send_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
    check_problem(client.read_response(), 431, "header-fields-too-large");
  }
  {
    HttpClient client(server.port());
    client.send_raw("HELLO THERE\r\n\r\n");
    check_problem(client.read_response(), 400, "bad-request");
    CHECK(client.closed_within(5s));
  }
}

TEST_CASE("a host signs in, reaches a protected route, and loses access after logging out") {
  TestServer server;
  const auto port = server.port();
  check_problem(http_request(port, "GET", "/api/v1/auth/me"), 401, "unauthorized");

  const std::string token = server.sign_in_new_host("chair@somri.example", auth::Role::admin);
  const HttpResult me = http_request(port, "GET", "/api/v1/auth/me", {}, json_headers(token));
  CHECK(me.status == 200);
  CHECK(me.json()["email"] == "chair@somri.example");
  CHECK(me.json()["role"] == "admin");
  CHECK(me.header("Cache-Control") == "no-store");

  CHECK(http_request(port, "POST", "/api/v1/auth/logout", {}, json_headers(token)).status == 204);
  check_problem(http_request(port, "GET", "/api/v1/auth/me", {}, json_headers(token)), 401, "unauthorized");
}

TEST_CASE("a wrong password is a 401 that does not say whether the account exists") {
  TestServer server;
  server.app().auth().create_host("desk@somri.example", auth::Role::registrar, kTestPassword);
  const nlohmann::json wrong = {{"email", "desk@somri.example"}, {"password", "not the password"}};
  const nlohmann::json unknown = {{"email", "nobody@somri.example"}, {"password", "not the password"}};
  const HttpResult a = http_request(server.port(), "POST", "/api/v1/auth/login", wrong.dump(), json_headers());
  const HttpResult b = http_request(server.port(), "POST", "/api/v1/auth/login", unknown.dump(), json_headers());
  check_problem(a, 401, "unauthorized");
  CHECK(a.json()["detail"] == b.json()["detail"]);
}

TEST_CASE("one connection carries many requests, and pipelined ones are answered in order") {
  TestServer server;
  HttpClient client(server.port());
  for (int i = 0; i < 5; ++i) CHECK(client.request("GET", "/healthz").status == 200);

  client.send_raw(
      "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /api/v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const HttpResult first = client.read_response();
  const HttpResult second = client.read_response();
  const HttpResult third = client.read_response();
  CHECK(first.status == 200);
  CHECK(first.json().contains("schema_version"));  // the slow one (worker pool) still comes first
  CHECK(second.status == 404);
  CHECK(third.status == 200);
  CHECK(third.json()["status"] == "ok");
}

TEST_CASE("HEAD gets the length of the GET without a body, and Expect: 100-continue is honoured") {
  TestServer server;
  HttpClient client(server.port());
  const HttpResult head = client.request("HEAD", "/healthz");
  CHECK(head.status == 200);
  CHECK(head.header("Content-Length") == "15");
  CHECK(client.request("GET", "/healthz").body == "{\"status\":\"ok\"}");

  client.send_raw(
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 2\r\nExpect: 100-continue\r\n\r\n");
  CHECK(client.read_response().status == 100);
  client.send_raw("{}");
  CHECK(client.read_response().status == 422);
}

TEST_CASE("static files are served with ETags and no request escapes the static root") {
  TestServer server;
  write_file(server.data_dir() / "secret.txt", "secret");
  const HttpResult index = http_request(server.port(), "GET", "/");
  CHECK(index.status == 200);
  CHECK(index.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(index.body.find("Plenary") != std::string::npos);
  CHECK(http_request(server.port(), "GET", "/", {}, {{"If-None-Match", index.header("ETag")}}).status == 304);
  const std::string escape = "/%2e%2e/" + server.data_dir().filename().string() + "/secret.txt";
  check_problem(http_request(server.port(), "GET", escape), 404, "not-found");
  check_problem(http_request(server.port(), "GET", "/../../etc/passwd"), 404, "not-found");
}

TEST_CASE("a link into the web app opens the app, while unknown API paths stay problem+json") {
  TestServer server;
  const HttpResult index = http_request(server.port(), "GET", "/");
  for (const char* route : {"/e/somri-21/", "/e/somri-21/sessions/12", "/host", "/host/registrations"}) {
    CAPTURE(route);
    const HttpResult app = http_request(server.port(), "GET", route);
    CHECK(app.status == 200);
    CHECK(app.body == index.body);
    CHECK(app.header("ETag") == index.header("ETag"));
    CHECK(app.header("Cache-Control") == "no-cache");
    HttpClient client(server.port());
    const HttpResult head = client.request("HEAD", route);
    CHECK(head.status == 200);
    CHECK(head.header("Content-Length") == std::to_string(index.body.size()));
  }
  check_problem(http_request(server.port(), "GET", "/api/v1/e/somri-21"), 404, "not-found");
  check_problem(http_request(server.port(), "GET", "/api/v1/host"), 404, "not-found");
  check_problem(http_request(server.port(), "GET", "/elsewhere/page"), 404, "not-found");
}

TEST_CASE("a browser that takes Brotli gets the precompressed file over the wire") {
  TestServer server;
  write_file(server.static_dir() / "assets" / "app-5e1f.js", "console.log('plenary')");
  write_file(server.static_dir() / "assets" / "app-5e1f.js.br", "pretend brotli");
  write_file(server.static_dir() / "assets" / "app-5e1f.js.gz", "pretend gzip");
  const HttpResult br =
      http_request(server.port(), "GET", "/assets/app-5e1f.js", {}, {{"Accept-Encoding", "gzip, deflate, br"}});
  CHECK(br.status == 200);
  CHECK(br.body == "pretend brotli");
  CHECK(br.header("Content-Encoding") == "br");
  CHECK(br.header("Content-Type") == "text/javascript; charset=utf-8");
  CHECK(br.header("Vary") == "Accept-Encoding");
  CHECK(br.header("Cache-Control") == "public, max-age=31536000, immutable");
  CHECK(http_request(server.port(), "GET", "/assets/app-5e1f.js", {},
                     {{"Accept-Encoding", "gzip, deflate, br"}, {"If-None-Match", br.header("ETag")}})
            .status == 304);
  const HttpResult gz = http_request(server.port(), "GET", "/assets/app-5e1f.js", {}, {{"Accept-Encoding", "gzip"}});
  CHECK(gz.body == "pretend gzip");
  CHECK(gz.header("Content-Encoding") == "gzip");
  CHECK(http_request(server.port(), "GET", "/assets/app-5e1f.js").body == "console.log('plenary')");
}

TEST_CASE("past the connection limit a client is told 503 at once") {
  TestServer server([](app::Config& config) { config.max_connections = 2; });
  HttpClient first(server.port());
  HttpClient second(server.port());
  CHECK(first.request("GET", "/healthz").status == 200);
  CHECK(second.request("GET", "/healthz").status == 200);
  HttpClient third(server.port());
  const HttpResult refused = third.read_response();
  CHECK(refused.status == 503);
  CHECK(refused.header("Retry-After") == "5");
  CHECK(refused.json()["status"] == 503);
}

TEST_CASE("a client that stalls is cut off by the request time-out, so it cannot hold the server") {
  TestServer server([](app::Config& config) { config.request_timeout_seconds = 0.3; });
  HttpClient idle(server.port());
  HttpClient partial(server.port());
  partial.send_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow");
  CHECK(idle.closed_within(5s));
  CHECK(partial.closed_within(5s));
  CHECK(http_request(server.port(), "GET", "/healthz").status == 200);
}

TEST_CASE("shutting down stops accepting, closes idle connections and lets in-flight requests finish") {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  TestServer server({}, [&](app::Application& application) {
    application.router().add(http::Method::get, "/test/slow", [&entered, released](http::RequestContext&) {
      entered.set_value();
      released.wait();
      return http::json_response(200, {{"finished", true}});
    });
  });
  const auto port = server.port();
  HttpClient idle(port);
  CHECK(idle.request("GET", "/healthz").status == 200);

  HttpClient busy(port);
  busy.send_raw("GET /test/slow HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(entered.get_future().wait_for(10s) == std::future_status::ready);

  server.app().request_stop();
  CHECK(idle.closed_within(5s));
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (can_connect(port) && std::chrono::steady_clock::now() < deadline) {
  }
  CHECK_FALSE(can_connect(port));

  release.set_value();
  const HttpResult finished = busy.read_response();
  CHECK(finished.status == 200);
  CHECK(finished.json()["finished"] == true);
  CHECK(finished.header("Connection") == "close");
  CHECK(server.stop() == 0);
}

TEST_CASE("metrics count requests by route and report open connections") {
  TestServer server;
  HttpClient client(server.port());
  client.request("GET", "/healthz");
  client.request("GET", "/api/v1/nothing");
  client.request("GET", "/readyz");
  const HttpResult metrics = client.request("GET", "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.header("Content-Type").starts_with("text/plain; version=0.0.4"));
  CHECK(metrics.body.find("plenary_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1") !=
        std::string::npos);
  CHECK(metrics.body.find("route=\"unmatched\",status=\"404\"} 1") != std::string::npos);
  CHECK(metrics.body.find("plenary_http_open_connections 1") != std::string::npos);
  CHECK(metrics.body.find("plenary_db_operation_duration_seconds_bucket{kind=\"read\"") != std::string::npos);
}
