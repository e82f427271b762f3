#include "http/url.hpp"

#include "http/api_error.hpp"

namespace plenary::http {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      const char decoded = static_cast<char>(high * 16 + low);
      if (decoded == '\0') return std::nullopt;
      out += decoded;
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '\0') {
      return std::nullopt;
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::vector<std::string>> split_path(std::string_view raw_path) {
  std::vector<std::string> segments;
  if (raw_path.empty() || raw_path.front() != '/') return std::nullopt;
  std::size_t start = 1;
  while (start <= raw_path.size()) {
    std::size_t end = raw_path.find('/', start);
    if (end == std::string_view::npos) end = raw_path.size();
    auto decoded = percent_decode(raw_path.substr(start, end - start));
    if (!decoded) return std::nullopt;
    segments.push_back(std::move(*decoded));
    start = end + 1;
  }
  // "/" alone is the root: no segments at all.
  if (segments.size() == 1 && segments.front().empty()) segments.clear();
  return segments;
}

QueryParams parse_query(std::string_view query_string) {
  QueryParams params;
  std::size_t start = 0;
  while (start < query_string.size()) {
    std::size_t end = query_string.find('&', start);
    if (end == std::string_view::npos) end = query_string.size();
    const std::string_view pair = query_string.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    const std::string_view raw_key = pair.substr(0, equals);
    const std::string_view raw_value = equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    auto key = percent_decode(raw_key, true);
    auto value = percent_decode(raw_value, true);
    if (!key || !value) {
      throw bad_request("The query parameter '" + std::string(raw_key) + "' is not correctly percent-encoded.");
    }
    params.emplace_back(std::move(*key), std::move(*value));
  }
  return params;
}

}  // namespace plenary::http
