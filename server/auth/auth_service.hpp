#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "auth/login_throttle.hpp"
#include "auth/principal.hpp"

namespace plenary::db {
class Database;
}

namespace plenary::auth {

struct AuthOptions {
  std::chrono::seconds token_ttl{std::chrono::hours(12)};
  // Delegates sign in once on a phone for the whole meeting.
  std::chrono::seconds delegate_token_ttl{std::chrono::hours(24 * 14)};
  // Seconds since the Unix epoch; replaceable so tests can move time.
  std::function<std::int64_t()> now;
};

struct HostAccount {
  std::int64_t id = 0;
  std::string email;
  Role role = Role::registrar;
};

struct LoginResult {
  std::string token;  // shown once; only its hash is stored
  std::int64_t expires_at = 0;
  HostAccount account;
};

// Host accounts, sign-in and bearer tokens. Owns no state but the throttle it
// is given; everything else is in the database. Blocking (argon2id, SQLite):
// call from worker threads. Thread-safety: all members may run concurrently.
class AuthService {
 public:
  AuthService(db::Database& database, LoginThrottle& throttle, AuthOptions options);

  // Throws ApiError: 401 for a wrong e-mail or password (the same answer for
  // both), 429 with Retry-After when the throttle says so.
  LoginResult login(std::string_view email, std::string_view password, const std::string& remote_address,
                    std::string_view user_agent);
  // A host token (plh_) or a delegate token (pld_).
  std::optional<Principal> authenticate(std::string_view token);
  // A delegate's personal access code for a delegate token. Throws ApiError
  // 401 for an unknown or revoked code (or a registration no longer
  // approved), 429 when an address guesses too often.
  struct DelegateSignIn {
    std::string token;
    std::int64_t expires_at = 0;
    std::int64_t registration_id = 0;
    std::int64_t event_id = 0;
  };
  DelegateSignIn exchange_access_code(std::string_view code, const std::string& remote_address);
  // Returns false when the token was not live.
  bool logout(std::string_view token);
  // Throws ApiError 422 (invalid e-mail or password) or 409 (e-mail taken).
  HostAccount create_host(std::string_view email, Role role, std::string_view password);

  std::int64_t now() const;

 private:
  db::Database& database_;
  LoginThrottle& throttle_;
  AuthOptions options_;
};

// Lower-cased, trimmed e-mail; nullopt when it cannot be an address.
std::optional<std::string> normalize_email(std::string_view email);

}  // namespace plenary::auth
