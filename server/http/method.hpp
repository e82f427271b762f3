#pragma once

#include <string_view>

namespace plenary::http {

enum class Method { get, head, post, put, patch, delete_, options, other };

Method parse_method(std::string_view text) noexcept;
std::string_view to_string(Method method) noexcept;

}  // namespace plenary::http
