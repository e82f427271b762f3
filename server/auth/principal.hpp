#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace plenary::auth {

// Host roles. Delegates arrive with their own principal kind later; a role
// is a bit in an access mask, so new roles extend Access without changing it.
enum class Role : std::uint8_t { admin = 0, registrar = 1 };

std::string_view to_string(Role role) noexcept;
std::optional<Role> parse_role(std::string_view text) noexcept;

// Who a request acts for, once its bearer token checked out.
struct Principal {
  std::int64_t user_id = 0;
  std::string email;
  Role role = Role::registrar;
  std::int64_t token_expires_at = 0;  // seconds since the Unix epoch
};

}  // namespace plenary::auth
