#include <fstream>
#include <set>

#include <doctest/doctest.h>

#include "auth/auth_service.hpp"
#include "auth/login_throttle.hpp"
#include "auth/password.hpp"
#include "auth/token.hpp"
#include "db/database.hpp"
#include "db/user_store.hpp"
#include "http/api_error.hpp"
#include "support/temp_dir.hpp"

using namespace plenary;
using namespace plenary::auth;

namespace {

constexpr const char* kPassword = "correct horse battery staple";

// An AuthService over a real database whose clock the test moves.
struct Accounts {
  test::TempDir dir;
  db::Database database{{.path = dir.path() / "plenary.db", .readers = 2}};
  LoginThrottle throttle;
  std::int64_t clock = 1'732'000'000;  // 2024-11-19
  AuthService auth{database, throttle, {.token_ttl = std::chrono::hours(12), .now = [this] { return clock; }}};
};

unsigned status_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const http::ApiError& error) {
    return error.status();
  }
  return 0;
}

}  // namespace

TEST_CASE("passwords are stored as argon2id hashes that verify only the right password") {
  const std::string hash = hash_password(kPassword);
  CHECK(hash.starts_with("$argon2id$"));
  CHECK(hash.find(kPassword) == std::string::npos);
  CHECK(verify_password(hash, kPassword));
  CHECK_FALSE(verify_password(hash, "correct horse battery stapler"));
  CHECK(hash_password(kPassword) != hash);  // salted
  CHECK_FALSE(verify_password("not a hash", kPassword));
}

TEST_CASE("tokens carry 256 random bits behind their prefix and are stored only as a hash") {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string token = new_token(kHostTokenPrefix);
    CHECK(token.starts_with("plh_"));
    CHECK(token.size() == 4 + 43);
    seen.insert(token);
  }
  CHECK(seen.size() == 100);
  const std::string token = *seen.begin();
  CHECK(hash_token(token) == hash_token(token));
  CHECK(hash_token(token) != hash_token(*seen.rbegin()));
}

TEST_CASE("signing in returns a token that authenticates its host until it expires") {
  Accounts accounts;
  accounts.auth.create_host("Host@SOMRI.example", Role::admin, kPassword);
  const LoginResult login = accounts.auth.login("host@somri.example", kPassword, "10.0.0.1", "phone");
  CHECK(login.account.email == "host@somri.example");
  CHECK(login.expires_at == accounts.clock + 12 * 3600);

  auto principal = accounts.auth.authenticate(login.token);
  REQUIRE(principal.has_value());
  CHECK(principal->role == Role::admin);
  CHECK(principal->email == "host@somri.example");

  accounts.clock += 12 * 3600 - 1;
  CHECK(accounts.auth.authenticate(login.token).has_value());
  accounts.clock += 1;
  CHECK_FALSE(accounts.auth.authenticate(login.token).has_value());
}

TEST_CASE("the database never holds a token or a password in the clear") {
  Accounts accounts;
  accounts.auth.create_host("host@somri.example", Role::admin, kPassword);
  const LoginResult login = accounts.auth.login("host@somri.example", kPassword, "10.0.0.1", "phone");
  accounts.database.close();
  std::ifstream file(accounts.dir.path() / "plenary.db", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  CHECK(bytes.find(login.token.substr(4)) == std::string::npos);
  CHECK(bytes.find(kPassword) == std::string::npos);
}

TEST_CASE("logging out revokes exactly that token") {
  Accounts accounts;
  accounts.auth.create_host("host@somri.example", Role::admin, kPassword);
  const auto first = accounts.auth.login("host@somri.example", kPassword, "10.0.0.1", "phone");
  const auto second = accounts.auth.login("host@somri.example", kPassword, "10.0.0.1", "laptop");
  CHECK(accounts.auth.logout(first.token));
  CHECK_FALSE(accounts.auth.authenticate(first.token).has_value());
  CHECK(accounts.auth.authenticate(second.token).has_value());
  CHECK_FALSE(accounts.auth.logout(first.token));
}

TEST_CASE("a wrong password and an unknown account get the same 401") {
  Accounts accounts;
  accounts.auth.create_host("host@somri.example", Role::registrar, kPassword);
  std::string wrong_password;
  std::string unknown_account;
  try {
    accounts.auth.login("host@somri.example", "wrong password!", "10.0.0.1", "");
  } catch (const http::ApiError& error) {
    CHECK(error.status() == 401);
    wrong_password = error.detail();
  }
  try {
    accounts.auth.login("nobody@somri.example", "wrong password!", "10.0.0.1", "");
  } catch (const http::ApiError& error) {
    CHECK(error.status() == 401);
    unknown_account = error.detail();
  }
  CHECK(wrong_password == unknown_account);
}

TEST_CASE(
    "repeated failed sign-ins for one account are refused with 429 and Retry-After, even with the right password") {
  Accounts accounts;
  accounts.auth.create_host("host@somri.example", Role::admin, kPassword);
  for (int i = 0; i < 5; ++i) {
    CHECK(status_of([&] { accounts.auth.login("host@somri.example", "wrong password!", "10.0.0.1", ""); }) == 401);
  }
  try {
    accounts.auth.login("host@somri.example", kPassword, "10.0.0.2", "");
    FAIL("expected 429");
  } catch (const http::ApiError& error) {
    CHECK(error.status() == 429);
    CHECK(std::stol(std::string(*error.headers().get("Retry-After"))) > 0);
  }
}

TEST_CASE(
    "the throttle limits per account and per address, forgets after the window, and a success clears the account") {
  LoginThrottle throttle({.per_account = 3, .per_address = 5, .window = std::chrono::seconds(60)});
  const auto start = LoginThrottle::Clock::now();
  for (int i = 0; i < 3; ++i) throttle.record_failure("a@x", "1.1.1.1", start);
  CHECK(throttle.retry_after("a@x", "2.2.2.2", start) > 0);
  CHECK(throttle.retry_after("b@x", "1.1.1.1", start) == 0);
  for (int i = 0; i < 2; ++i) throttle.record_failure("c@x", "1.1.1.1", start);
  CHECK(throttle.retry_after("d@x", "1.1.1.1", start) > 0);
  CHECK(throttle.retry_after("a@x", "2.2.2.2", start + std::chrono::seconds(60)) == 0);
  throttle.record_success("a@x");
  CHECK(throttle.retry_after("a@x", "2.2.2.2", start) == 0);
}

TEST_CASE("host accounts need a real e-mail and a long enough password, and each e-mail once") {
  Accounts accounts;
  CHECK(status_of([&] { accounts.auth.create_host("not-an-email", Role::admin, kPassword); }) == 422);
  CHECK(status_of([&] { accounts.auth.create_host("a@b.example", Role::admin, "short"); }) == 422);
  accounts.auth.create_host("desk@somri.example", Role::registrar, kPassword);
  CHECK(status_of([&] { accounts.auth.create_host("DESK@somri.example", Role::admin, kPassword); }) == 409);
}

TEST_CASE("e-mail addresses are trimmed and lower-cased") {
  CHECK(normalize_email("  Nguyen.Van.A@Example.VN ") == "nguyen.van.a@example.vn");
  CHECK_FALSE(normalize_email("a@@b").has_value());
  CHECK_FALSE(normalize_email("@b.c").has_value());
  CHECK_FALSE(normalize_email("a b@c.d").has_value());
}
