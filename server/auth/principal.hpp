#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace plenary::auth {

// Who a principal is: a host (admin, registrar) or a delegate of one event.
// A role is a bit in an access mask (see http::Access).
enum class Role : std::uint8_t { admin = 0, registrar = 1, delegate = 2 };

std::string_view to_string(Role role) noexcept;
std::optional<Role> parse_role(std::string_view text) noexcept;

// Who a request acts for, once its bearer token checked out.
struct Principal {
  std::int64_t user_id = 0;  // a host's account id; 0 for delegates
  std::string email;
  Role role = Role::registrar;
  std::int64_t token_expires_at = 0;  // seconds since the Unix epoch
  // For delegates: their registration and its event.
  std::int64_t registration_id = 0;
  std::int64_t event_id = 0;

  bool is_host() const noexcept { return role == Role::admin || role == Role::registrar; }
  bool is_delegate() const noexcept { return role == Role::delegate; }
};

}  // namespace plenary::auth
