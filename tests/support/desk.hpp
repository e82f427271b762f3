#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/test_server.hpp"

namespace plenary::test {

// A registration desk over real HTTP: a TestServer with the event somri-21
// (Asia/Ho_Chi_Minh, en/vi/ms), one side event with five seats, and an admin
// and a registrar signed in. Thread-safety: call() may be used from several
// threads at once (each call opens its own connection); the rest, one thread.
struct Desk {
  TestServer server;  // first: the members below use it
  std::string admin = server.sign_in_new_host("secretariat@somri.example", auth::Role::admin);
  std::string registrar = server.sign_in_new_host("desk@somri.example", auth::Role::registrar);
  std::int64_t side_event = 0;
  int delegates_signed_in = 0;  // for signed_in_delegates()' e-mail addresses

  explicit Desk(TestServer::Tweak tweak = {});

  HttpResult call(std::string_view method, const std::string& target, const nlohmann::json& body = nullptr,
                  const std::string& token = {}, HeaderList extra = {});
  std::int64_t register_delegate(const std::string& name, const std::string& delegation, const std::string& email);
  // Approves a registration as the registrar; returns the approval's answer.
  nlohmann::json approve(std::int64_t id);
  // Approves a registration and signs its delegate in; returns the delegate's token.
  std::string approve_and_sign_in(std::int64_t id);
  // `count` new delegates of `delegation`, registered, approved and signed
  // in; their tokens, in order ("Delegate 0", "Delegate 1", ...).
  std::vector<std::string> signed_in_delegates(int count, const std::string& delegation);
  // The code on the delegate's badge, as the registrar reads it.
  std::string badge_code(std::int64_t id);

  std::string rsvp_path() const { return "/api/v1/events/somri-21/sessions/" + std::to_string(side_event) + "/rsvp"; }
};

}  // namespace plenary::test
