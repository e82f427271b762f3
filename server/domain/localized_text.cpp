#include "domain/localized_text.hpp"

#include <nlohmann/json.hpp>

namespace plenary::domain {

const std::string& pick(const LocalizedText& text, const std::string& language, const std::string& fallback) {
  static const std::string kEmpty;
  if (auto it = text.find(language); it != text.end()) return it->second;
  if (auto it = text.find(fallback); it != text.end()) return it->second;
  return text.empty() ? kEmpty : text.begin()->second;
}

nlohmann::json to_json(const LocalizedText& text) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [tag, value] : text) out[tag] = value;
  return out;
}

}  // namespace plenary::domain
