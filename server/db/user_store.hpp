#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/principal.hpp"
#include "auth/token.hpp"

namespace plenary::db {

class Connection;

struct UserRow {
  std::int64_t id = 0;
  std::string email;
  auth::Role role = auth::Role::registrar;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> disabled_at;
  std::string password_hash;
};

struct NewToken {
  auth::TokenHash hash;
  std::int64_t user_id;
  std::int64_t created_at;
  std::int64_t expires_at;
  std::string remote_address;
  std::string user_agent;
};

// SQL for host accounts and their tokens. Stateless: every function runs on
// the Connection it is given, inside the caller's read or write transaction.
namespace user_store {

std::optional<UserRow> find_by_email(Connection& connection, std::string_view email);
// Throws ConstraintError (unique) when the e-mail is taken.
std::int64_t insert(Connection& connection, std::string_view email, auth::Role role, std::string_view password_hash,
                    std::int64_t now);
void set_password(Connection& connection, std::int64_t user_id, std::string_view password_hash);
void insert_token(Connection& connection, const NewToken& token);
// The principal for a live token, joined with its (enabled) user.
std::optional<auth::Principal> principal_for_token(Connection& connection, const auth::TokenHash& hash,
                                                   std::int64_t now);
// Returns false when no live token had that hash.
bool revoke_token(Connection& connection, const auth::TokenHash& hash, std::int64_t now);
// Forgets tokens that expired before `cutoff`.
int delete_tokens_expired_before(Connection& connection, std::int64_t cutoff);

}  // namespace user_store
}  // namespace plenary::db
