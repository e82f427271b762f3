#include "http/json_body.hpp"

#include <doctest/doctest.h>

#include "http/api_error.hpp"

using namespace plenary::http;

namespace {

Request json_request(std::string body, std::string content_type = "application/json") {
  Request request;
  request.method = Method::post;
  request.method_text = "POST";
  request.target = "/api/v1/x";
  if (!content_type.empty()) request.headers.add("Content-Type", content_type);
  request.body = std::move(body);
  return request;
}

ApiError error_of(const Request& request, std::size_t depth = kDefaultJsonDepth) {
  try {
    parse_json_body(request, depth);
  } catch (const ApiError& error) {
    return error;
  }
  FAIL("expected an ApiError");
  return bad_request("");
}

}  // namespace

TEST_CASE("a JSON body parses and keeps Vietnamese text byte for byte") {
  const auto body = parse_json_body(json_request(R"({"title":{"vi":"Phiên khai mạc"}})"));
  CHECK(body["title"]["vi"] == "Phiên khai mạc");
  CHECK(parse_json_body(json_request("[1]", "application/merge-patch+json; charset=UTF-8")).is_array());
}

TEST_CASE("a body without a JSON content type is 415") {
  CHECK(error_of(json_request("{}", "")).status() == 415);
  CHECK(error_of(json_request("{}", "text/plain")).status() == 415);
  CHECK(error_of(json_request("{}", "application/json; charset=latin1")).status() == 415);
}

TEST_CASE("malformed JSON is 400 and says on which line and column") {
  const ApiError error = error_of(json_request("{\n  \"email\": \"a@b.c\",\n  \"password\" 5\n}"));
  CHECK(error.status() == 400);
  CHECK(error.extensions()["line"] == 3);
  CHECK(error.extensions()["column"] == 14);
  CHECK(error.detail().find("line 3, column 14") != std::string::npos);
}

TEST_CASE("an empty body is 400, and invalid UTF-8 inside a string is 422 naming the field") {
  CHECK(error_of(json_request("  \n")).status() == 400);
  const ApiError error = error_of(json_request("{\"title\":{\"en\":\"ok\",\"vi\":\"Vi\xE1\xBB\"},\"n\":1}"));
  CHECK(error.status() == 422);
  REQUIRE(error.extensions()["errors"].size() == 1);
  CHECK(error.extensions()["errors"][0]["field"] == "title.vi");
  CHECK(error.extensions()["errors"][0]["detail"] == "is not valid UTF-8");
  CHECK(error_of(json_request("{\"a\":1}\xFF")).status() == 400);  // outside any string
}

TEST_CASE("nesting deeper than the limit is 400, within it is fine") {
  CHECK(parse_json_body(json_request("[[[[1]]]]"), 4).is_array());
  const ApiError error = error_of(json_request("[[[[[1]]]]]"), 4);
  CHECK(error.status() == 400);
  CHECK(error.detail().find("nested") != std::string::npos);
  CHECK(error_of(json_request(std::string(100000, '[') + std::string(100000, ']'))).status() == 400);
}
