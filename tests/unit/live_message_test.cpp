#include "live/live_message.hpp"

#include <string>

#include <doctest/doctest.h>

using namespace plenary::live;

namespace {

LiveMessage moved_session() {
  return {{ChannelKey::Kind::event, 1},
          "event:somri-21",
          42,
          "session.updated",
          false,
          "2024-12-17T08:55:00+07:00",
          std::make_shared<const nlohmann::json>(nlohmann::json{
              {"changes", {"room"}},
              {"session", {{"id", 7}, {"title", {{"en", "Opening"}, {"vi", "Khai mạc"}, {"ms", "Pembukaan"}}}}}})};
}

}  // namespace

TEST_CASE("a channel message puts its envelope first and data last, so a phone can read seq before the texts") {
  const ChannelLanguages languages{{"en", "vi", "ms"}, "en"};
  const std::string text = render(moved_session(), "*", languages);
  CHECK(text.rfind(R"({"type":"session.updated","channel":"event:somri-21","seq":42,)"
                   R"("at":"2024-12-17T08:55:00+07:00","data":{)",
                   0) == 0);
  const auto parsed = nlohmann::json::parse(text);
  CHECK(parsed["data"]["session"]["title"]["vi"] == "Khai mạc");
}

TEST_CASE("a phone that asked for one language gets each text in it, or in the event's default") {
  const ChannelLanguages languages{{"en", "vi", "ms"}, "en"};
  CHECK(nlohmann::json::parse(render(moved_session(), "vi", languages))["data"]["session"]["title"] == "Khai mạc");
  CHECK(nlohmann::json::parse(render(moved_session(), "th", languages))["data"]["session"]["title"] == "Opening");
}
