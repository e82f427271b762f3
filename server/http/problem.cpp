#include "http/problem.hpp"

namespace plenary::http {

Response to_problem(const ApiError& error, std::string_view instance, std::string_view request_id) {
  nlohmann::json body = {
      {"type", std::string(kProblemTypeBase) + error.kind()},
      {"title", error.title()},
      {"status", error.status()},
      {"detail", error.detail()},
  };
  if (!instance.empty()) body["instance"] = std::string(instance);
  if (!request_id.empty()) body["request_id"] = std::string(request_id);
  for (const auto& [key, value] : error.extensions().items()) body[key] = value;

  Response response;
  response.status = error.status();
  response.headers = error.headers();
  response.headers.set("Content-Type", "application/problem+json");
  response.headers.set("Content-Language", "en");
  response.headers.set("Cache-Control", "no-store");
  // `replace` keeps a response even if a detail came from invalid UTF-8 input.
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

ApiError internal_error() {
  return {500, "internal-error", "Internal Server Error",
          "Something went wrong on our side. Quote the request_id if you report it."};
}

}  // namespace plenary::http
