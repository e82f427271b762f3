#include "http/router.hpp"

#include <doctest/doctest.h>

using namespace plenary::http;

namespace {

Response named(std::string name) {
  return text_response(200, std::move(name), "text/plain");
}

Router sample_router() {
  Router router;
  router.add(Method::get, "/api/v1/events", [](RequestContext&) { return named("list"); });
  router.add(Method::post, "/api/v1/events", [](RequestContext&) { return named("create"); });
  router.add(Method::get, "/api/v1/events/{slug}", [](RequestContext&) { return named("one"); });
  router.add(Method::get, "/api/v1/events/{slug}/sessions/{id}", [](RequestContext&) { return named("session"); });
  router.add(Method::get, "/api/v1/events/featured", [](RequestContext&) { return named("featured"); });
  return router;
}

}  // namespace

TEST_CASE("the router picks the route for method and path and extracts decoded parameters") {
  const Router router = sample_router();
  auto match = router.match(Method::get, "/api/v1/events/somri-21/sessions/42");
  REQUIRE(match.outcome == Router::Match::Outcome::found);
  CHECK(match.route->pattern == "/api/v1/events/{slug}/sessions/{id}");
  REQUIRE(match.params.size() == 2);
  CHECK(match.params[0] == std::pair<std::string, std::string>{"slug", "somri-21"});
  CHECK(match.params[1] == std::pair<std::string, std::string>{"id", "42"});

  match = router.match(Method::get, "/api/v1/events/h%E1%BA%A1-long");
  REQUIRE(match.outcome == Router::Match::Outcome::found);
  CHECK(match.params[0].second == "hạ-long");
}

TEST_CASE("a literal segment wins over a parameter at the same place") {
  const Router router = sample_router();
  CHECK(router.match(Method::get, "/api/v1/events/featured").route->pattern == "/api/v1/events/featured");
  CHECK(router.match(Method::get, "/api/v1/events/other").route->pattern == "/api/v1/events/{slug}");
}

TEST_CASE("an unknown path is not found and a known path with the wrong method lists what is allowed") {
  const Router router = sample_router();
  CHECK(router.match(Method::get, "/api/v1/nothing").outcome == Router::Match::Outcome::not_found);
  CHECK(router.match(Method::get, "/api/v1/events/x/sessions").outcome == Router::Match::Outcome::not_found);
  const auto match = router.match(Method::delete_, "/api/v1/events");
  CHECK(match.outcome == Router::Match::Outcome::method_not_allowed);
  CHECK(match.allow == "GET, HEAD, POST, OPTIONS");
}

TEST_CASE("HEAD is answered by the GET route and OPTIONS by the router itself") {
  const Router router = sample_router();
  CHECK(router.match(Method::head, "/api/v1/events").route->method == Method::get);
  const auto options = router.match(Method::options, "/api/v1/events");
  CHECK(options.outcome == Router::Match::Outcome::found);
  CHECK(options.route == nullptr);
  CHECK(options.allow == "GET, HEAD, POST, OPTIONS");
}

TEST_CASE("an empty or badly encoded segment never matches a parameter") {
  const Router router = sample_router();
  CHECK(router.match(Method::get, "/api/v1/events/").outcome == Router::Match::Outcome::not_found);
  CHECK(router.match(Method::get, "/api/v1/events/%zz").outcome == Router::Match::Outcome::bad_path);
}

TEST_CASE("the fallback serves GET and HEAD outside /api only") {
  Router router = sample_router();
  router.set_fallback([](RequestContext&) { return named("static"); });
  CHECK(router.match(Method::get, "/index.html").route->pattern == "static");
  CHECK(router.match(Method::head, "/app/").route->pattern == "static");
  CHECK(router.match(Method::post, "/index.html").outcome == Router::Match::Outcome::not_found);
  CHECK(router.match(Method::get, "/api/v1/unknown").outcome == Router::Match::Outcome::not_found);
}

TEST_CASE("declaring a route twice or an authenticated route on the I/O thread is a programming error") {
  Router router = sample_router();
  CHECK_THROWS_AS(router.add(Method::get, "/api/v1/events", [](RequestContext&) { return named("again"); }),
                  std::invalid_argument);
  CHECK_THROWS_AS(router.add(Method::get, "/api/v1/x", [](RequestContext&) { return named("x"); },
                             {.access = Access::hosts(), .run_on = RunOn::io}),
                  std::invalid_argument);
}
