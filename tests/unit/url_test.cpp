#include "http/url.hpp"

#include <doctest/doctest.h>

#include "http/api_error.hpp"

using namespace plenary::http;

TEST_CASE("percent-decoding turns escapes into bytes and refuses broken ones") {
  CHECK(percent_decode("Ph%C3%A1t%20bi%E1%BB%83u").value() == "Phát biểu");
  CHECK(percent_decode("a+b").value() == "a+b");
  CHECK(percent_decode("a+b", true).value() == "a b");
  CHECK_FALSE(percent_decode("%").has_value());
  CHECK_FALSE(percent_decode("%4").has_value());
  CHECK_FALSE(percent_decode("%zz").has_value());
  CHECK_FALSE(percent_decode("a%00b").has_value());
}

TEST_CASE("a path splits at slashes before decoding, so an encoded slash stays inside its segment") {
  CHECK(split_path("/").value().empty());
  CHECK(split_path("/api/v1/events").value() == std::vector<std::string>{"api", "v1", "events"});
  CHECK(split_path("/a%2Fb/c").value() == std::vector<std::string>{"a/b", "c"});
  CHECK(split_path("/dir/").value() == std::vector<std::string>{"dir", ""});
  CHECK(split_path("/%E1%BA%A1").value() == std::vector<std::string>{"ạ"});
  CHECK_FALSE(split_path("/bad%zz").has_value());
  CHECK_FALSE(split_path("relative").has_value());
}

TEST_CASE("query strings decode keys and values, keep order and repeated keys") {
  const auto params = parse_query("day=2024-11-19&lang=vi&q=H%E1%BA%A1+Long&flag&lang=ms");
  REQUIRE(params.size() == 5);
  CHECK(params[0] == std::pair<std::string, std::string>{"day", "2024-11-19"});
  CHECK(params[2] == std::pair<std::string, std::string>{"q", "Hạ Long"});
  CHECK(params[3] == std::pair<std::string, std::string>{"flag", ""});
  CHECK(params[4].second == "ms");
  CHECK(parse_query("").empty());
  CHECK(parse_query("&&").empty());
}

TEST_CASE("a malformed query parameter is a 400 that names it") {
  try {
    parse_query("ok=1&bad%G1=2");
    FAIL("expected an ApiError");
  } catch (const ApiError& error) {
    CHECK(error.status() == 400);
    CHECK(error.detail().find("bad%G1") != std::string::npos);
  }
}

#include "http/client_address.hpp"

TEST_CASE("X-Forwarded-For names the client only when the peer is a trusted proxy") {
  const std::vector<std::string> trusted{"10.0.0.5", "10.0.0.6"};
  CHECK(client_address("203.0.113.9", "198.51.100.1", trusted) == "203.0.113.9");
  CHECK(client_address("10.0.0.5", std::nullopt, trusted) == "10.0.0.5");
  CHECK(client_address("10.0.0.5", "198.51.100.1", trusted) == "198.51.100.1");
  // A client cannot forge its way past the proxy: the rightmost untrusted hop wins.
  CHECK(client_address("10.0.0.5", "1.1.1.1, 198.51.100.1, 10.0.0.6", trusted) == "198.51.100.1");
  CHECK(client_address("10.0.0.5", "10.0.0.6", trusted) == "10.0.0.6");
  CHECK(client_address("10.0.0.5", "198.51.100.1", std::vector<std::string>{}) == "10.0.0.5");
}
