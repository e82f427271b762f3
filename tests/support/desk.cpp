#include "support/desk.hpp"

#include <doctest/doctest.h>

namespace plenary::test {

using nlohmann::json;

Desk::Desk(TestServer::Tweak tweak) : server(std::move(tweak)) {
  const json event = {{"slug", "somri-21"},        {"title", {{"en", "SOMRI-21"}}}, {"time_zone", "Asia/Ho_Chi_Minh"},
                      {"first_day", "2024-11-19"}, {"last_day", "2024-11-22"},      {"languages", {"en", "vi", "ms"}},
                      {"default_language", "en"}};
  REQUIRE(call("POST", "/api/v1/events", event, admin).status == 201);
  side_event = call("POST", "/api/v1/events/somri-21/sessions",
                    {{"kind", "side_event"},
                     {"title", {{"en", "AI in newsrooms"}}},
                     {"starts_at", "2024-11-20T14:00"},
                     {"ends_at", "2024-11-20T15:30"},
                     {"capacity", 5},
                     {"rsvp_required", true}},
                    admin)
                   .json()["id"];
}

HttpResult Desk::call(std::string_view method, const std::string& target, const json& body, const std::string& token,
                      HeaderList extra) {
  HeaderList headers = json_headers(token);
  headers.insert(headers.end(), extra.begin(), extra.end());
  return http_request(server.port(), method, target, body.is_null() ? "" : body.dump(), headers);
}

std::int64_t Desk::register_delegate(const std::string& name, const std::string& delegation, const std::string& email) {
  const auto created = call("POST", "/api/v1/events/somri-21/registrations",
                            {{"name", name}, {"delegation", delegation}, {"email", email}});
  REQUIRE(created.status == 201);
  return created.json()["id"];
}

json Desk::approve(std::int64_t id) {
  const auto approved =
      call("POST", "/api/v1/events/somri-21/registrations/" + std::to_string(id) + "/approve", nullptr, registrar);
  REQUIRE(approved.status == 200);
  return approved.json();
}

std::string Desk::approve_and_sign_in(std::int64_t id) {
  const json approved = approve(id);
  const auto signed_in = call("POST", "/api/v1/auth/code", {{"code", approved["access_code"]}});
  REQUIRE(signed_in.status == 200);
  return signed_in.json()["token"];
}

std::vector<std::string> Desk::signed_in_delegates(int count, const std::string& delegation) {
  std::vector<std::string> tokens;
  for (int i = 0; i < count; ++i) {
    const std::string email = "delegate" + std::to_string(delegates_signed_in++) + "@signed-in.example";
    tokens.push_back(approve_and_sign_in(register_delegate("Delegate " + std::to_string(i), delegation, email)));
  }
  return tokens;
}

std::string Desk::badge_code(std::int64_t id) {
  const auto badge =
      call("GET", "/api/v1/events/somri-21/delegates/" + std::to_string(id) + "/badge", nullptr, registrar);
  REQUIRE(badge.status == 200);
  return badge.json()["code"];
}

}  // namespace plenary::test
