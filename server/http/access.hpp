#pragma once

#include <cstdint>
#include <initializer_list>

#include "auth/principal.hpp"

namespace plenary::http {

// Who may call a route, declared in one line where the route is added:
//   router.add(Method::post, "/api/v1/events", create_event, {.access = Access::only({Role::admin})});
class Access {
 public:
  static constexpr Access anyone() noexcept { return Access(false, 0); }
  // Any signed-in host (admin or registrar).
  static constexpr Access hosts() noexcept { return only({auth::Role::admin, auth::Role::registrar}); }
  static constexpr Access delegates() noexcept { return only({auth::Role::delegate}); }
  // Anyone with a live token: a host or a delegate.
  static constexpr Access signed_in() noexcept {
    return only({auth::Role::admin, auth::Role::registrar, auth::Role::delegate});
  }
  static constexpr Access only(std::initializer_list<auth::Role> roles) noexcept {
    std::uint32_t mask = 0;
    for (auth::Role role : roles) mask |= bit(role);
    return Access(true, mask);
  }

  constexpr bool needs_principal() const noexcept { return needs_principal_; }
  constexpr bool allows(auth::Role role) const noexcept { return (mask_ & bit(role)) != 0; }

 private:
  constexpr Access(bool needs_principal, std::uint32_t mask) noexcept
      : needs_principal_(needs_principal), mask_(mask) {}
  static constexpr std::uint32_t bit(auth::Role role) noexcept { return 1u << static_cast<unsigned>(role); }
  bool needs_principal_;
  std::uint32_t mask_;
};

}  // namespace plenary::http
