#pragma once

#include <string_view>

#include "http/api_error.hpp"
#include "http/message.hpp"

namespace plenary::http {

// Base of every problem type URI; the kind is appended ("…/not-found").
inline constexpr std::string_view kProblemTypeBase = "https://plenary.dev/problems/";

// The one place an error becomes an application/problem+json response.
Response to_problem(const ApiError& error, std::string_view instance, std::string_view request_id);

// The response for an unexpected failure: a fixed text, no internal detail.
ApiError internal_error();

}  // namespace plenary::http
