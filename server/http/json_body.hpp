#pragma once

#include <cstddef>

#include <nlohmann/json.hpp>

#include "http/message.hpp"

namespace plenary::http {

inline constexpr std::size_t kDefaultJsonDepth = 32;

// The request body as JSON. Throws ApiError: 415 unless the Content-Type is
// application/json (or +json) in UTF-8; 400 for an empty body, malformed JSON
// (naming line and column) or nesting deeper than `max_depth`.
nlohmann::json parse_json_body(const Request& request, std::size_t max_depth = kDefaultJsonDepth);

}  // namespace plenary::http
