#include "http/pipeline.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "auth/auth_service.hpp"
#include "db/database.hpp"
#include "http/api_error.hpp"
#include "http/services.hpp"
#include "ops/log.hpp"
#include "ops/metrics.hpp"
#include "support/temp_dir.hpp"

using namespace plenary;
using namespace plenary::http;

namespace {

Request make_request(std::string method, std::string target, std::string body = {}) {
  Request request;
  request.method_text = std::move(method);
  request.method = parse_method(request.method_text);
  request.target = std::move(target);
  request.body = std::move(body);
  request.remote_address = "127.0.0.1";
  return request;
}

// Captures the process logger's lines for the life of the object.
struct CapturedLog {
  std::vector<std::string> lines;
  CapturedLog() {
    ops::logger().set_level(ops::LogLevel::info);
    ops::logger().set_sink([this](std::string_view line) { lines.emplace_back(line); });
  }
  ~CapturedLog() {
    ops::logger().set_sink({});
    ops::logger().set_level(ops::LogLevel::warn);
  }
  bool contains(std::string_view text) const {
    for (const auto& line : lines) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }
};

// A pipeline over a real database and auth service, with a few routes.
struct Fixture {
  test::TempDir dir;
  db::Database database{{.path = dir.path() / "plenary.db", .readers = 2}};
  auth::LoginThrottle throttle;
  auth::AuthService auth{database, throttle, {}};
  ops::Metrics metrics;
  Services services{&database, &auth, &metrics, nullptr};
  Router router;
  Pipeline pipeline{router, &services, [this](std::string_view token) { return auth.authenticate(token); }, &metrics,
                    &ops::logger()};

  Fixture() {
    router.add(Method::get, "/api/v1/things", [](RequestContext&) { return json_response(200, {{"things", 3}}); });
    router.add(Method::post, "/api/v1/things", [](RequestContext& context) {
      const auto body = context.json_body();
      Validation validation;
      if (!body.contains("name")) validation.add("name", "is required");
      if (!body.contains("capacity")) validation.add("capacity", "is required");
      validation.throw_if_invalid();
      return json_response(201, body);
    });
    router.add(Method::get, "/api/v1/broken", [](RequestContext&) -> Response {
      throw std::runtime_error("SQLITE_CORRUPT in /srv/secret/plenary.db");
    });
    router.add(Method::get, "/api/v1/admin-only",
               [](RequestContext& context) {
                 return json_response(200, {{"hello", context.require_principal().email}});
               },
               {.access = Access::only({auth::Role::admin})});
  }

  std::string token_for(const std::string& email, auth::Role role) {
    auth.create_host(email, role, "correct horse battery staple");
    return auth.login(email, "correct horse battery staple", "127.0.0.1", "test").token;
  }

  Response get(const std::string& target, const std::string& token = {}) {
    Request request = make_request("GET", target);
    if (!token.empty()) request.headers.add("Authorization", "Bearer " + token);
    return pipeline.handle(request);
  }
};

nlohmann::json body_of(const Response& response) {
  return nlohmann::json::parse(response.body);
}

}  // namespace

TEST_CASE("an unknown route answers 404 problem+json with type, title, status, detail and request id") {
  Fixture fixture;
  const Response response = fixture.get("/api/v1/nowhere");
  CHECK(response.status == 404);
  CHECK(response.headers.get("Content-Type") == "application/problem+json");
  const auto body = body_of(response);
  CHECK(body["type"] == "https://plenary.dev/problems/not-found");
  CHECK(body["title"] == "Not Found");
  CHECK(body["status"] == 404);
  CHECK(body["instance"] == "/api/v1/nowhere");
  CHECK(body["request_id"] == std::string(*response.headers.get("X-Request-Id")));
}

TEST_CASE("a wrong method answers 405 with an Allow header") {
  Fixture fixture;
  const Response response = fixture.pipeline.handle(make_request("DELETE", "/api/v1/things"));
  CHECK(response.status == 405);
  CHECK(response.headers.get("Allow") == "GET, HEAD, POST, OPTIONS");
  CHECK(body_of(response)["type"] == "https://plenary.dev/problems/method-not-allowed");
}

TEST_CASE("an unsupported method answers 501") {
  Fixture fixture;
  CHECK(fixture.pipeline.handle(make_request("BREW", "/api/v1/things")).status == 501);
}

TEST_CASE("a validation failure answers 422 naming every invalid field") {
  Fixture fixture;
  Request request = make_request("POST", "/api/v1/things", "{}");
  request.headers.add("Content-Type", "application/json");
  const Response response = fixture.pipeline.handle(request);
  CHECK(response.status == 422);
  const auto errors = body_of(response)["errors"];
  REQUIRE(errors.size() == 2);
  CHECK(errors[0]["field"] == "name");
  CHECK(errors[0]["pointer"] == "#/name");
  CHECK(errors[1]["field"] == "capacity");
}

TEST_CASE("malformed JSON and a wrong content type reach the client as 400 and 415") {
  Fixture fixture;
  Request malformed = make_request("POST", "/api/v1/things", "{\"name\":");
  malformed.headers.add("Content-Type", "application/json");
  CHECK(fixture.pipeline.handle(malformed).status == 400);
  Request form = make_request("POST", "/api/v1/things", "name=x");
  form.headers.add("Content-Type", "application/x-www-form-urlencoded");
  CHECK(fixture.pipeline.handle(form).status == 415);
}

TEST_CASE("an unexpected exception is a 500 that leaks nothing, while the log keeps the detail") {
  Fixture fixture;
  CapturedLog log;
  const Response response = fixture.get("/api/v1/broken");
  CHECK(response.status == 500);
  CHECK(response.body.find("SQLITE") == std::string::npos);
  CHECK(response.body.find("/srv/secret") == std::string::npos);
  CHECK(body_of(response)["type"] == "https://plenary.dev/problems/internal-error");
  CHECK(log.contains("SQLITE_CORRUPT in /srv/secret/plenary.db"));
  CHECK(log.contains(std::string(*response.headers.get("X-Request-Id"))));
}

TEST_CASE("a route for admins refuses anonymous callers with 401 and registrars with 403") {
  Fixture fixture;
  const Response anonymous = fixture.get("/api/v1/admin-only");
  CHECK(anonymous.status == 401);
  CHECK(anonymous.headers.get("WWW-Authenticate").has_value());

  const std::string registrar = fixture.token_for("desk@somri.example", auth::Role::registrar);
  const Response refused = fixture.get("/api/v1/admin-only", registrar);
  CHECK(refused.status == 403);
  CHECK(body_of(refused)["detail"].get<std::string>().find("admin") != std::string::npos);

  const std::string admin = fixture.token_for("host@somri.example", auth::Role::admin);
  const Response allowed = fixture.get("/api/v1/admin-only", admin);
  CHECK(allowed.status == 200);
  CHECK(body_of(allowed)["hello"] == "host@somri.example");
}

TEST_CASE("a bad token is 401 even on a public route, so a phone knows to sign in again") {
  Fixture fixture;
  CHECK(fixture.get("/api/v1/things", "plh_not-a-real-token").status == 401);
  CHECK(fixture.get("/api/v1/things").status == 200);
  Request basic = make_request("GET", "/api/v1/things");
  basic.headers.add("Authorization", "Basic dXNlcjpwYXNz");
  CHECK(fixture.pipeline.handle(basic).status == 401);
}

TEST_CASE("HEAD answers with the GET's length and no body, and OPTIONS lists the methods") {
  Fixture fixture;
  const Response get = fixture.get("/api/v1/things");
  const Response head = fixture.pipeline.handle(make_request("HEAD", "/api/v1/things"));
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.head_content_length == get.body.size());
  const Response options = fixture.pipeline.handle(make_request("OPTIONS", "/api/v1/things"));
  CHECK(options.status == 204);
  CHECK(options.headers.get("Allow") == "GET, HEAD, POST, OPTIONS");
}

TEST_CASE("a sane X-Request-Id is kept and a hostile one replaced") {
  Fixture fixture;
  Request request = make_request("GET", "/api/v1/things");
  request.headers.add("X-Request-Id", "abc-123");
  CHECK(fixture.pipeline.handle(request).headers.get("X-Request-Id") == "abc-123");
  Request hostile = make_request("GET", "/api/v1/things");
  hostile.headers.add("X-Request-Id", "x\"}\n{\"level\":\"error\"");
  CHECK(fixture.pipeline.handle(hostile).headers.get("X-Request-Id") != "x\"}\n{\"level\":\"error\"");
}

TEST_CASE("every request writes one JSON log line with method, route, status, duration and request id") {
  Fixture fixture;
  CapturedLog log;
  const Response response = fixture.get("/api/v1/things?x=1");
  REQUIRE(log.lines.size() == 1);
  const auto line = nlohmann::json::parse(log.lines.front());
  CHECK(line["msg"] == "request");
  CHECK(line["method"] == "GET");
  CHECK(line["route"] == "/api/v1/things");
  CHECK(line["status"] == 200);
  CHECK(line["duration_ms"].is_number());
  CHECK(line["request_id"] == std::string(*response.headers.get("X-Request-Id")));
}

TEST_CASE("API responses are not stored by shared caches unless the handler says so") {
  Fixture fixture;
  CHECK(fixture.get("/api/v1/things").headers.get("Cache-Control") == "no-store");
  CHECK(fixture.get("/api/v1/things").headers.get("X-Content-Type-Options") == "nosniff");
}
