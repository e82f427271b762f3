#include "http/response_gzip.hpp"

#include <random>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "http/pipeline.hpp"
#include "http/static_files.hpp"
#include "support/gunzip.hpp"

using namespace plenary;
using namespace plenary::http;

namespace {

Request get(std::string target, std::string accept_encoding = "gzip, deflate, br") {
  Request request;
  request.target = std::move(target);
  if (!accept_encoding.empty()) request.headers.add("Accept-Encoding", std::move(accept_encoding));
  return request;
}

// A JSON list well over kGzipMinBytes, as a speakers page is.
nlohmann::json long_list() {
  nlohmann::json items = nlohmann::json::array();
  for (int i = 0; i < 60; ++i) items.push_back({{"id", i}, {"name", "Speaker " + std::to_string(i)}});
  return {{"items", items}, {"next_cursor", nullptr}};
}

Response long_json() {
  return json_response(200, long_list());
}

}  // namespace

TEST_CASE("a JSON body over 1 KiB is gzipped for a client that takes it, and unpacks to the same bytes") {
  Response response = long_json();
  const std::string identity = response.body;
  REQUIRE(identity.size() > kGzipMinBytes);
  CHECK(gzip_response(get("/api/v1/events/somri-21/speakers"), response));
  CHECK(response.headers.get("Content-Encoding") == "gzip");
  CHECK(response.headers.get("Vary") == "Accept-Encoding");
  CHECK(response.body.size() < identity.size());
  CHECK(test::gunzip(response.body) == identity);
}

TEST_CASE("problem+json, CSV, plain text and SVG are compressed; PNG, HTML and a missing type are not") {
  const std::string text(3000, 'a');
  for (const char* type : {"application/problem+json", "text/csv; charset=utf-8", "text/plain; version=0.0.4",
                           "image/svg+xml", "Application/JSON"}) {
    CAPTURE(type);
    Response response = text_response(422, text, type);
    CHECK(gzip_response(get("/x"), response));
    CHECK(test::gunzip(response.body) == text);
  }
  for (const char* type : {"image/png", "text/html; charset=utf-8", "application/vnd.apple.mpegurl", ""}) {
    CAPTURE(type);
    Response response = text_response(200, text, type);
    if (*type == '\0') response.headers.remove("Content-Type");
    CHECK_FALSE(gzip_response(get("/x"), response));
    CHECK(response.body == text);
    CHECK_FALSE(response.headers.contains("Vary"));
  }
}

TEST_CASE("a client that refuses gzip gets the bytes as they are, with Vary so caches keep both") {
  for (const char* accept_encoding : {"", "identity", "br", "gzip;q=0, br", "*;q=0"}) {
    CAPTURE(accept_encoding);
    Response response = long_json();
    const std::string identity = response.body;
    CHECK_FALSE(gzip_response(get("/x", accept_encoding), response));
    CHECK(response.body == identity);
    CHECK_FALSE(response.headers.contains("Content-Encoding"));
    CHECK(response.headers.get("Vary") == "Accept-Encoding");
  }
}

TEST_CASE("small bodies, HEAD, 204, 304, encoded and shared bodies are left alone") {
  SUBCASE("under 1 KiB") {
    Response response = json_response(200, {{"status", "ok"}});
    CHECK_FALSE(gzip_response(get("/healthz"), response));
    CHECK(response.body == R"({"status":"ok"})");
    CHECK_FALSE(response.headers.contains("Vary"));
  }
  SUBCASE("HEAD") {
    Request head = get("/x");
    head.method = Method::head;
    head.method_text = "HEAD";
    Response response = long_json();
    CHECK_FALSE(gzip_response(head, response));
    CHECK_FALSE(response.headers.contains("Content-Encoding"));
  }
  SUBCASE("204 and 304") {
    for (unsigned status : {204u, 304u}) {
      Response response = long_json();
      response.status = status;
      CHECK_FALSE(gzip_response(get("/x"), response));
    }
  }
  SUBCASE("already encoded") {
    Response response = long_json();
    response.headers.set("Content-Encoding", "br");
    const std::string bytes = response.body;
    CHECK_FALSE(gzip_response(get("/x"), response));
    CHECK(response.body == bytes);
    CHECK(response.headers.get("Content-Encoding") == "br");
  }
  SUBCASE("bytes shared with a cache bring their own gzip form") {
    Response response = long_json();
    response.shared_body = std::make_shared<const std::string>(std::move(response.body));
    response.body.clear();
    CHECK_FALSE(gzip_response(get("/x"), response));
    CHECK_FALSE(response.headers.contains("Content-Encoding"));
  }
  SUBCASE("bytes that do not shrink") {
    std::mt19937 random(21);
    std::string noise(4096, '\0');
    for (char& c : noise) c = static_cast<char>(random());
    Response response = text_response(200, noise, "text/plain");
    CHECK_FALSE(gzip_response(get("/x"), response));
    CHECK(response.body == noise);
    CHECK_FALSE(response.headers.contains("Content-Encoding"));
  }
}

TEST_CASE("Vary gains Accept-Encoding once, beside what the handler listed") {
  Response response = long_json();
  response.headers.set("Vary", "Accept-Language, Authorization");
  gzip_response(get("/x"), response);
  CHECK(response.headers.get("Vary") == "Accept-Language, Authorization, Accept-Encoding");
  Response again = long_json();
  again.headers.set("Vary", "accept-encoding");
  gzip_response(get("/x"), again);
  CHECK(again.headers.get("Vary") == "accept-encoding");
}

TEST_CASE("the gzip form has its own ETag, and a client holding it gets 304 without a compression") {
  // A handler that knows only its identity ETag, as any handler does.
  Router router;
  router.add(Method::get, "/api/v1/list", [](RequestContext& context) {
    const std::string etag = "\"v7\"";
    const auto if_none_match = context.request().headers.get("If-None-Match");
    Response response = if_none_match && etag_matches(*if_none_match, etag) ? empty_response(304) : long_json();
    response.headers.set("ETag", etag);
    return response;
  });
  router.add(Method::get, "/api/v1/raw", [](RequestContext&) { return long_json(); }, {.compress = false});
  const Pipeline pipeline(router, nullptr, {}, nullptr, nullptr);

  const Response compressed = pipeline.handle(get("/api/v1/list"));
  CHECK(compressed.status == 200);
  CHECK(compressed.headers.get("Content-Encoding") == "gzip");
  CHECK(compressed.headers.get("ETag") == "\"v7-gz\"");
  CHECK(nlohmann::json::parse(test::gunzip(compressed.body)) == long_list());

  Request revalidate = get("/api/v1/list");
  revalidate.headers.add("If-None-Match", "\"v7-gz\"");
  const Response unchanged = pipeline.handle(revalidate);
  CHECK(unchanged.status == 304);
  CHECK(unchanged.headers.get("ETag") == "\"v7-gz\"");
  CHECK(unchanged.body.empty());
  CHECK(unchanged.headers.get("X-Request-Id").has_value());

  // A weak comparison, as If-None-Match is: W/"v7-gz" names it too.
  Request weak = get("/api/v1/list");
  weak.headers.add("If-None-Match", "W/\"v7-gz\"");
  CHECK(pipeline.handle(weak).status == 304);

  // Without gzip the identity ETag is the one that matches, not the gzip one.
  Request identity = get("/api/v1/list", "identity");
  identity.headers.add("If-None-Match", "\"v7\"");
  CHECK(pipeline.handle(identity).status == 304);
  Request other = get("/api/v1/list", "identity");
  other.headers.add("If-None-Match", "\"v7-gz\"");
  const Response full = pipeline.handle(other);
  CHECK(full.status == 200);
  CHECK(full.headers.get("ETag") == "\"v7\"");
  CHECK(full.body == long_list().dump());
  // A gzip client holding the identity form may keep using it: the handler's own 304 stands.
  Request stale = get("/api/v1/list");
  stale.headers.add("If-None-Match", "\"v7\"");
  const Response kept = pipeline.handle(stale);
  CHECK(kept.status == 304);
  CHECK(kept.headers.get("ETag") == "\"v7\"");

  // A route that opts out is never compressed.
  const Response raw = pipeline.handle(get("/api/v1/raw"));
  CHECK_FALSE(raw.headers.contains("Content-Encoding"));
  CHECK(raw.body == long_list().dump());
}
