#include "auth/auth_service.hpp"

#include <algorithm>

#include "auth/password.hpp"
#include "auth/token.hpp"
#include "db/database.hpp"
#include "db/error.hpp"
#include "db/registration_store.hpp"
#include "db/user_store.hpp"
#include "domain/instant.hpp"
#include "http/api_error.hpp"

namespace plenary::auth {
namespace {

constexpr std::int64_t kKeepExpiredTokensSeconds = 7 * 24 * 3600;

}  // namespace

std::optional<std::string> normalize_email(std::string_view email) {
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.front()))) email.remove_prefix(1);
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.back()))) email.remove_suffix(1);
  if (email.size() < 3 || email.size() > 254) return std::nullopt;
  const auto at = email.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == email.size() || email.find('@', at + 1) != email.npos) {
    return std::nullopt;
  }
  std::string normalized;
  for (char c : email) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) return std::nullopt;
    normalized += static_cast<char>(std::tolower(byte));
  }
  return normalized;
}

AuthService::AuthService(db::Database& database, LoginThrottle& throttle, AuthOptions options)
    : database_(database), throttle_(throttle), options_(std::move(options)) {
  if (!options_.now) options_.now = domain::unix_now;
}

std::int64_t AuthService::now() const {
  return options_.now();
}

LoginResult AuthService::login(std::string_view email, std::string_view password, const std::string& remote_address,
                               std::string_view user_agent) {
  const std::string account = normalize_email(email).value_or(std::string(email));
  if (const long wait = throttle_.retry_after(account, remote_address); wait > 0) {
    throw http::too_many_requests("Too many failed sign-ins; try again in " + std::to_string(wait) + " seconds.", wait);
  }
  const auto user = database_.read([&](db::Connection& c) { return db::user_store::find_by_email(c, account); });
  const bool password_ok = user ? verify_password(user->password_hash, password) : (burn_verify_time(password), false);
  if (!user || !password_ok || user->disabled_at) {
    throttle_.record_failure(account, remote_address);
    throw http::unauthorized("The e-mail address or password is not right.");
  }
  throttle_.record_success(account);

  LoginResult result;
  result.token = new_token(kHostTokenPrefix);
  const std::int64_t issued = now();
  result.expires_at = issued + options_.token_ttl.count();
  result.account = {user->id, user->email, user->role};
  db::NewToken row{hash_token(result.token), user->id,       issued,
                   result.expires_at,        remote_address, std::string(user_agent.substr(0, 256))};
  database_.write([&](db::Connection& c) {
    db::user_store::insert_token(c, row);
    db::user_store::delete_tokens_expired_before(c, issued - kKeepExpiredTokensSeconds);
  });
  return result;
}

std::optional<Principal> AuthService::authenticate(std::string_view token) {
  if (token.size() > 128) return std::nullopt;
  const TokenHash hash = hash_token(token);
  const std::int64_t at = now();
  if (token.starts_with(kHostTokenPrefix)) {
    return database_.read([&](db::Connection& c) { return db::user_store::principal_for_token(c, hash, at); });
  }
  if (token.starts_with(kDelegateTokenPrefix)) {
    return database_.read(
        [&](db::Connection& c) { return db::registration_store::principal_for_delegate_token(c, hash, at); });
  }
  return std::nullopt;
}

bool AuthService::logout(std::string_view token) {
  const TokenHash hash = hash_token(token);
  const std::int64_t at = now();
  if (token.starts_with(kHostTokenPrefix)) {
    return database_.write([&](db::Connection& c) { return db::user_store::revoke_token(c, hash, at); });
  }
  if (token.starts_with(kDelegateTokenPrefix)) {
    return database_.write(
        [&](db::Connection& c) { return db::registration_store::revoke_delegate_token(c, hash, at); });
  }
  return false;
}

AuthService::DelegateSignIn AuthService::exchange_access_code(std::string_view code,
                                                              const std::string& remote_address) {
  // Codes are guessed per address, never per account: one bucket for all codes.
  static const std::string kAccount = "access-code";
  if (const long wait = throttle_.retry_after(kAccount + ":" + remote_address, remote_address); wait > 0) {
    throw http::too_many_requests("Too many wrong codes; try again in " + std::to_string(wait) + " seconds.", wait);
  }
  const TokenHash code_hash = hash_token(normalize_access_code(code));
  DelegateSignIn result;
  result.token = new_token(kDelegateTokenPrefix);
  const std::int64_t issued = now();
  result.expires_at = issued + options_.delegate_token_ttl.count();
  const bool ok = database_.write([&](db::Connection& c) {
    const auto registration = db::registration_store::registration_for_code(c, code_hash);
    if (!registration) return false;
    db::registration_store::insert_delegate_token(c, hash_token(result.token), registration->id, issued,
                                                  result.expires_at);
    result.registration_id = registration->id;
    result.event_id = registration->event_id;
    return true;
  });
  if (!ok) {
    throttle_.record_failure(kAccount + ":" + remote_address, remote_address);
    throw http::unauthorized("This access code is not valid; ask the registration desk for a new one.");
  }
  return result;
}

HostAccount AuthService::create_host(std::string_view email, Role role, std::string_view password) {
  http::Validation validation;
  const auto normalized = normalize_email(email);
  if (!normalized) validation.add("email", "must be an e-mail address such as name@example.org");
  if (password.size() < kMinPasswordLength) {
    validation.add("password", "must be at least " + std::to_string(kMinPasswordLength) + " characters long");
  } else if (password.size() > kMaxPasswordLength) {
    validation.add("password", "must be at most " + std::to_string(kMaxPasswordLength) + " characters long");
  }
  validation.throw_if_invalid();
  const std::string hash = hash_password(password);
  try {
    const std::int64_t id =
        database_.write([&](db::Connection& c) { return db::user_store::insert(c, *normalized, role, hash, now()); });
    return {id, *normalized, role};
  } catch (const db::ConstraintError& error) {
    if (!error.is_unique()) throw;
    throw http::conflict("There is already an account for " + *normalized + ".");
  }
}

}  // namespace plenary::auth
