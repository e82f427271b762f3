#pragma once

#include <optional>
#include <string_view>

namespace plenary::badge {

// The short English name under which a delegation sits ("VN" -> "Viet Nam",
// "LA" -> "Lao PDR", as ASEAN documents write them); nullopt for a code that is
// not an ISO 3166-1 alpha-2 country. Case-insensitive.
std::optional<std::string_view> country_name(std::string_view alpha2) noexcept;

}  // namespace plenary::badge
