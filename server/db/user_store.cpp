#include "db/user_store.hpp"

#include "db/connection.hpp"

namespace plenary::db::user_store {
namespace {

constexpr std::string_view kUserColumns = "id, email, role, created_at, disabled_at, password_hash";

UserRow read_user(const Statement& row) {
  UserRow user;
  user.id = row.int64(0);
  user.email = row.text(1);
  user.role = auth::parse_role(row.text(2)).value_or(auth::Role::registrar);
  user.created_at = row.int64(3);
  user.disabled_at = row.optional_int64(4);
  user.password_hash = row.text(5);
  return user;
}

}  // namespace

std::optional<UserRow> find_by_email(Connection& connection, std::string_view email) {
  auto statement = connection.prepare("SELECT " + std::string(kUserColumns) + " FROM users WHERE email = ?1");
  statement->bind(1, email);
  if (!statement->step()) return std::nullopt;
  return read_user(*statement);
}

std::int64_t insert(Connection& connection, std::string_view email, auth::Role role, std::string_view password_hash,
                    std::int64_t now) {
  auto statement =
      connection.prepare("INSERT INTO users (email, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)");
  statement->bind_all(email, auth::to_string(role), password_hash, now);
  statement->run();
  return connection.last_insert_rowid();
}

void set_password(Connection& connection, std::int64_t user_id, std::string_view password_hash) {
  auto statement = connection.prepare("UPDATE users SET password_hash = ?2 WHERE id = ?1");
  statement->bind(1, user_id).bind(2, password_hash);
  statement->run();
}

void insert_token(Connection& connection, const NewToken& token) {
  auto statement = connection.prepare(
      "INSERT INTO auth_tokens (token_hash, user_id, created_at, expires_at, remote_address, user_agent) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  statement->bind_blob(1, token.hash);
  statement->bind(2, token.user_id).bind(3, token.created_at).bind(4, token.expires_at);
  statement->bind(5, token.remote_address).bind(6, token.user_agent);
  statement->run();
}

std::optional<auth::Principal> principal_for_token(Connection& connection, const auth::TokenHash& hash,
                                                   std::int64_t now) {
  auto statement = connection.prepare(
      "SELECT u.id, u.email, u.role, t.expires_at FROM auth_tokens t JOIN users u ON u.id = t.user_id "
      "WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND t.expires_at > ?2 AND u.disabled_at IS NULL");
  statement->bind_blob(1, hash);
  statement->bind(2, now);
  if (!statement->step()) return std::nullopt;
  const auto role = auth::parse_role(statement->text(2));
  if (!role) return std::nullopt;
  return auth::Principal{statement->int64(0), statement->text(1), *role, statement->int64(3)};
}

bool revoke_token(Connection& connection, const auth::TokenHash& hash, std::int64_t now) {
  auto statement =
      connection.prepare("UPDATE auth_tokens SET revoked_at = ?2 WHERE token_hash = ?1 AND revoked_at IS NULL");
  statement->bind_blob(1, hash);
  statement->bind(2, now);
  statement->run();
  return connection.changes() > 0;
}

int delete_tokens_expired_before(Connection& connection, std::int64_t cutoff) {
  auto statement = connection.prepare("DELETE FROM auth_tokens WHERE expires_at < ?1");
  statement->bind(1, cutoff);
  statement->run();
  return connection.changes();
}

}  // namespace plenary::db::user_store
