#include <doctest/doctest.h>

#include "app/demo.hpp"
#include "domain/instant.hpp"
#include "support/gunzip.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"

using namespace plenary;
using namespace plenary::test;
using nlohmann::json;

namespace {

// The demo meeting, with an admin of the test's own signed in.
struct DemoServer {
  TestServer server;
  std::string admin = server.sign_in_new_host("secretariat@somri.example", auth::Role::admin);

  DemoServer() { app::seed_demo(server.app().database(), server.app().auth(), server.data_dir(), domain::unix_now()); }

  HttpResult get(const std::string& target, HeaderList headers = {}) {
    return http_request(server.port(), "GET", target, {}, headers);
  }
};

bool varies_on_encoding(const HttpResult& result) {
  return result.header("Vary").find("Accept-Encoding") != std::string::npos;
}

}  // namespace

TEST_CASE("a phone that takes gzip gets the speakers list compressed, and it unpacks to the same JSON") {
  DemoServer demo;
  const std::string speakers = "/api/v1/events/somri-21/speakers";
  const HttpResult plain = demo.get(speakers);
  REQUIRE(plain.status == 200);
  REQUIRE(plain.body.size() > 1024);
  CHECK(plain.header("Content-Encoding").empty());
  // A cache in between keeps one answer per encoding.
  CHECK(varies_on_encoding(plain));

  const HttpResult compressed = demo.get(speakers, {{"Accept-Encoding", "gzip, deflate, br"}});
  REQUIRE(compressed.status == 200);
  CHECK(compressed.header("Content-Encoding") == "gzip");
  CHECK(compressed.header("Content-Type") == plain.header("Content-Type"));
  CHECK(compressed.header("Content-Language") == plain.header("Content-Language"));
  CHECK(compressed.header("Vary").find("Accept-Language") != std::string::npos);
  CHECK(varies_on_encoding(compressed));
  CHECK(compressed.body.size() * 2 < plain.body.size());
  CHECK(gunzip(compressed.body) == plain.body);
  CHECK(json::parse(gunzip(compressed.body)) == plain.json());

  // gzip refused by its q-value, or HEAD: the bytes (or their length) as they are.
  CHECK(demo.get(speakers, {{"Accept-Encoding", "br, gzip;q=0"}}).body == plain.body);
  const HttpResult head = HttpClient(demo.server.port()).request("HEAD", speakers, {}, {{"Accept-Encoding", "gzip"}});
  CHECK(head.header("Content-Encoding").empty());
  CHECK(head.header("Content-Length") == std::to_string(plain.body.size()));
}

TEST_CASE("a host's CSV export and the metrics are compressed too, each keeping its type") {
  DemoServer demo;
  const std::string export_path = "/api/v1/events/somri-21/registrations.csv";
  const HttpResult plain = demo.get(export_path, json_headers(demo.admin));
  REQUIRE(plain.status == 200);
  HeaderList gzip_headers = json_headers(demo.admin);
  gzip_headers.emplace_back("Accept-Encoding", "gzip");
  const HttpResult csv = demo.get(export_path, gzip_headers);
  REQUIRE(csv.status == 200);
  CHECK(csv.header("Content-Type").starts_with("text/csv"));
  CHECK(csv.header("Content-Encoding") == "gzip");
  CHECK(csv.header("Content-Disposition") == plain.header("Content-Disposition"));
  CHECK(gunzip(csv.body) == plain.body);

  const HttpResult metrics = demo.get("/metrics", {{"Accept-Encoding", "gzip"}});
  CHECK(metrics.header("Content-Type").starts_with("text/plain"));
  CHECK(metrics.header("Content-Encoding") == "gzip");
  CHECK(gunzip(metrics.body).find("plenary_http_requests_total") != std::string::npos);
}

TEST_CASE("a small answer, a 204 and a problem go out uncompressed even to a client that takes gzip") {
  TestServer server;
  const HeaderList takes_gzip{{"Accept-Encoding", "gzip"}};
  const HttpResult health = http_request(server.port(), "GET", "/healthz", {}, takes_gzip);
  CHECK(health.status == 200);
  CHECK(health.header("Content-Encoding").empty());
  CHECK(health.json()["status"] == "ok");
  const HttpResult missing = http_request(server.port(), "GET", "/api/v1/events/nowhere", {}, takes_gzip);
  CHECK(missing.status == 404);
  CHECK(missing.header("Content-Encoding").empty());
  CHECK(missing.json()["status"] == 404);
  const std::string token = server.sign_in_new_host("chair@somri.example", auth::Role::admin);
  HeaderList signed_in = json_headers(token);
  signed_in.emplace_back("Accept-Encoding", "gzip");
  const HttpResult logout = http_request(server.port(), "POST", "/api/v1/auth/logout", {}, signed_in);
  CHECK(logout.status == 204);
  CHECK(logout.header("Content-Encoding").empty());
}

TEST_CASE("static files and the cached agenda keep their own encodings and are never compressed twice") {
  DemoServer demo;
  // A JSON file with no precompressed sibling goes out as the build left it.
  std::string manifest = R"({"name":"Plenary","padding":")" + std::string(4096, 'x') + R"("})";
  write_file(demo.server.static_dir() / "big.json", manifest);
  const HttpResult file = demo.get("/big.json", {{"Accept-Encoding", "gzip"}});
  REQUIRE(file.status == 200);
  CHECK(file.header("Content-Type").starts_with("application/json"));
  CHECK(file.header("Content-Encoding").empty());
  CHECK(file.body == manifest);

  // The agenda brings its own gzip form: one layer, the agenda's own ETag.
  const std::string agenda = "/api/v1/events/somri-21/agenda";
  const HttpResult plain = demo.get(agenda);
  for (int i = 0; i < 2; ++i) {  // rendered, then from the cache on the I/O thread
    const HttpResult compressed = demo.get(agenda, {{"Accept-Encoding", "gzip"}});
    REQUIRE(compressed.status == 200);
    CHECK(compressed.header("Content-Encoding") == "gzip");
    CHECK(gunzip(compressed.body) == plain.body);
    CHECK(compressed.header("ETag").ends_with("-gz\""));
    CHECK(demo.get(agenda, {{"Accept-Encoding", "gzip"}, {"If-None-Match", compressed.header("ETag")}}).status == 304);
  }
}
