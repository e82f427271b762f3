#include "http/message.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "domain/text.hpp"
#include "http/body_file.hpp"

namespace plenary::http {

bool iequals(std::string_view a, std::string_view b) noexcept {
  // Header names are ASCII: no locale lookup per character.
  const auto lower = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; };
  return a.size() == b.size() &&
         std::ranges::equal(a, b, [&](unsigned char x, unsigned char y) { return lower(x) == lower(y); });
}

std::string_view trim_ows(std::string_view text) noexcept {
  return domain::trim_blanks(text);
}

void Headers::set(std::string_view name, std::string value) {
  remove(name);
  fields_.emplace_back(std::string(name), std::move(value));
}

void Headers::remove(std::string_view name) {
  std::erase_if(fields_, [name](const auto& field) { return iequals(field.first, name); });
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [key, value] : fields_) {
    if (iequals(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

Method parse_method(std::string_view text) noexcept {
  if (text == "GET") return Method::get;
  if (text == "HEAD") return Method::head;
  if (text == "POST") return Method::post;
  if (text == "PUT") return Method::put;
  if (text == "PATCH") return Method::patch;
  if (text == "DELETE") return Method::delete_;
  if (text == "OPTIONS") return Method::options;
  return Method::other;
}

std::string_view to_string(Method method) noexcept {
  switch (method) {
    case Method::get: return "GET";
    case Method::head: return "HEAD";
    case Method::post: return "POST";
    case Method::put: return "PUT";
    case Method::patch: return "PATCH";
    case Method::delete_: return "DELETE";
    case Method::options: return "OPTIONS";
    case Method::other: break;
  }
  return "OTHER";
}

std::string_view Request::path() const {
  const std::string_view whole(target);
  return whole.substr(0, whole.find('?'));
}

std::string_view Request::query_string() const {
  const std::string_view whole(target);
  const auto mark = whole.find('?');
  return mark == std::string_view::npos ? std::string_view() : whole.substr(mark + 1);
}

std::size_t Response::body_size() const noexcept {
  return body_file ? body_file->size() : body_view().size();
}

Response json_response(unsigned status, const nlohmann::json& body) {
  Response response;
  response.status = status;
  response.headers.set("Content-Type", "application/json");
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  return response;
}

Response text_response(unsigned status, std::string body, std::string content_type) {
  Response response;
  response.status = status;
  response.headers.set("Content-Type", std::move(content_type));
  response.body = std::move(body);
  return response;
}

Response empty_response(unsigned status) {
  Response response;
  response.status = status;
  return response;
}

}  // namespace plenary::http
