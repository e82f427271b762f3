#include "cache/agenda_cache.hpp"

#include <doctest/doctest.h>

using namespace plenary::cache;

namespace {

std::shared_ptr<const Rendered> rendered(std::string body) {
  auto entry = std::make_shared<Rendered>();
  entry->identity = std::make_shared<const std::string>(std::move(body));
  entry->etag = "\"x\"";
  return entry;
}

const EventFacts kFacts{1, {"en", "vi"}, "en", plenary::domain::Visibility::public_};

}  // namespace

TEST_CASE("a render that read the database before a change is not kept after it") {
  AgendaCache cache;
  const auto before = cache.generation("somri-21");
  cache.invalidate("somri-21");  // a write committed while the render was under way
  cache.put("somri-21", before, kFacts, "public|en", rendered("stale"));
  CHECK(cache.find("somri-21", "public|en") == nullptr);

  const auto now = cache.generation("somri-21");
  cache.put("somri-21", now, kFacts, "public|en", rendered("fresh"));
  REQUIRE(cache.find("somri-21", "public|en") != nullptr);
  CHECK(*cache.find("somri-21", "public|en")->identity == "fresh");
  CHECK(cache.facts("somri-21")->languages == std::vector<std::string>{"en", "vi"});
}

TEST_CASE("a change drops every cached agenda of that event and no other") {
  AgendaCache cache;
  cache.put("a", cache.generation("a"), kFacts, "public|en", rendered("a"));
  cache.put("b", cache.generation("b"), kFacts, "public|en", rendered("b"));
  cache.invalidate("a");
  CHECK(cache.find("a", "public|en") == nullptr);
  CHECK(cache.facts("a") == nullptr);
  CHECK(cache.find("b", "public|en") != nullptr);
  CHECK(cache.size() == 1);
}

TEST_CASE("the cache stays within its bound, so its open files stay within theirs") {
  AgendaCache cache(3);
  for (int i = 0; i < 10; ++i) {
    cache.put("a", cache.generation("a"), kFacts, "key" + std::to_string(i), rendered("x"));
    CHECK(cache.size() <= 3);
  }
}
