#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "domain/registration.hpp"

namespace plenary::badge {

// What one delegate's badge shows. Plain data, no invariants: the renderers
// clean every string (invalid UTF-8, characters XML forbids, stray blanks).
struct Badge {
  std::string code;  // what the QR code encodes and the desk's scanner reads: "plb_" + base64url
  std::string name;  // as written, in any script
  std::optional<std::string> position;
  std::optional<std::string> organisation;
  std::string delegation;  // ISO 3166-1 alpha-2, e.g. "VN"
  domain::Category category = domain::Category::delegate;
  std::string event_title;
  std::string event_dates;  // already formatted for people, e.g. "12–16 May 2025 · Hạ Long"
};

// The longest badge code accepted: the QR code must still print with modules a scanner resolves.
inline constexpr std::size_t kMaxBadgeCodeBytes = 128;

// "Head of delegation" for head_of_delegation: what the category band says.
std::string_view category_label(domain::Category category) noexcept;

}  // namespace plenary::badge
