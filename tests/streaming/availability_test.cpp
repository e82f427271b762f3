#include "streaming/availability.hpp"

#include <doctest/doctest.h>

using namespace plenary::streaming;

TEST_CASE("every element the relay and the synthetic encoder use is installed") {
  const Availability relay = check_availability(kRelayElements);
  INFO(relay.summary());
  CHECK(relay.ok());
  const Availability encoder = check_availability(kSyntheticEncoderElements);
  INFO(encoder.summary());
  CHECK(encoder.ok());
  CHECK(relay.summary().starts_with("streaming available: GStreamer 1."));
}

TEST_CASE("a missing element is named in one log line and streaming is reported unavailable") {
  constexpr std::string_view wanted[] = {"queue", "plenary-no-such-element"};
  const Availability result = check_availability(wanted);
  CHECK(result.initialised);
  CHECK_FALSE(result.ok());
  REQUIRE(result.missing.size() == 1);
  CHECK(result.missing.front() == "plenary-no-such-element");
  CHECK(result.summary().find("streaming unavailable") != std::string::npos);
  CHECK(result.summary().find("plenary-no-such-element") != std::string::npos);
  CHECK(result.summary().find('\n') == std::string::npos);
}
