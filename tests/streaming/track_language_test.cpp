#include "streaming/track_language.hpp"

#include <doctest/doctest.h>

using namespace plenary::streaming;

TEST_CASE("a track's language comes from its descriptor, else from the configured order once none can come") {
  const std::vector<std::string> configured = {"mul", "en", "", "vi"};

  SUBCASE("a descriptor wins over the configuration") {
    const auto resolved = resolve_track_language("fr", true, 1, configured);
    CHECK(resolved.language == "fr");
    CHECK_FALSE(resolved.from_config);
  }
  SUBCASE("no descriptor: the configured code at the track's audio index") {
    CHECK(resolve_track_language("", true, 0, configured).language == "mul");
    const auto resolved = resolve_track_language("", true, 3, configured);
    CHECK(resolved.language == "vi");
    CHECK(resolved.from_config);
  }
  SUBCASE("while a descriptor may still come, nothing is guessed") {
    const auto resolved = resolve_track_language("", false, 1, configured);
    CHECK(resolved.language.empty());
    CHECK_FALSE(resolved.from_config);
  }
  SUBCASE("a track beyond the configured list, or with an empty entry, stays unknown") {
    CHECK(resolve_track_language("", true, 2, configured).language.empty());
    CHECK(resolve_track_language("", true, 4, configured).language.empty());
    CHECK(resolve_track_language("", true, 0, {}).language.empty());
  }
}

TEST_CASE("configured track languages must look like BCP 47 tags") {
  CHECK(plausible_language_tag(""));
  CHECK(plausible_language_tag("en"));
  CHECK(plausible_language_tag("mul"));
  CHECK(plausible_language_tag("zh-Hant"));
  CHECK_FALSE(plausible_language_tag("-en"));
  CHECK_FALSE(plausible_language_tag("en\"x"));
  CHECK_FALSE(plausible_language_tag("en us"));
  CHECK_FALSE(plausible_language_tag(std::string(36, 'a')));
}
