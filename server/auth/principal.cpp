#include "auth/principal.hpp"

namespace plenary::auth {

std::string_view to_string(Role role) noexcept {
  switch (role) {
    case Role::admin: return "admin";
    case Role::registrar: return "registrar";
    case Role::delegate: return "delegate";
  }
  return "registrar";
}

std::optional<Role> parse_role(std::string_view text) noexcept {
  if (text == "admin") return Role::admin;
  if (text == "registrar") return Role::registrar;
  if (text == "delegate") return Role::delegate;
  return std::nullopt;
}

}  // namespace plenary::auth
