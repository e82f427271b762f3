#include "api/field_reader.hpp"

#include <algorithm>

#include "domain/text.hpp"

namespace plenary::api {

FieldReader::FieldReader(const nlohmann::json& object, http::Validation& validation, std::string prefix)
    : object_(object), validation_(validation), prefix_(std::move(prefix)) {
  if (!object_.is_object()) validation_.add(prefix_.empty() ? "" : prefix_, "must be a JSON object");
}

std::string FieldReader::path(std::string_view name) const {
  return prefix_.empty() ? std::string(name) : prefix_ + "." + std::string(name);
}

void FieldReader::fail(std::string_view name, std::string detail) {
  validation_.add(path(name), std::move(detail));
}

bool FieldReader::has(std::string_view name) const {
  return object_.is_object() && object_.contains(name);
}

const nlohmann::json* FieldReader::find(std::string_view name) const {
  if (!object_.is_object()) return nullptr;
  const auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::string> FieldReader::optional_text(std::string_view name, std::size_t max_chars) {
  const nlohmann::json* value = find(name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    fail(name, "must be a string");
    return std::nullopt;
  }
  auto normalized = domain::to_nfc(value->get_ref<const std::string&>());
  if (!normalized) {
    fail(name, "is not valid UTF-8");
    return std::nullopt;
  }
  if (domain::count_code_points(*normalized) > max_chars) {
    fail(name, "must be at most " + std::to_string(max_chars) + " characters");
  }
  return normalized;
}

std::string FieldReader::text(std::string_view name, std::size_t max_chars) {
  auto value = optional_text(name, max_chars);
  if (!find(name)) fail(name, "is required");
  if (value && value->empty()) fail(name, "must not be empty");
  return value.value_or("");
}

domain::LocalizedText FieldReader::localized(std::string_view name, const std::vector<std::string>& languages,
                                             std::size_t max_chars, const std::string* required) {
  domain::LocalizedText text;
  const nlohmann::json* value = find(name);
  if (value == nullptr) {
    if (required != nullptr) fail(name, "is required, with a text in " + *required);
    return text;
  }
  if (!value->is_object()) {
    fail(name, "must be an object mapping a language tag to its text, e.g. {\"en\": \"…\", \"vi\": \"…\"}");
    return text;
  }
  FieldReader inner(*value, validation_, path(name));
  for (const auto& [tag, translation] : value->items()) {
    if (std::find(languages.begin(), languages.end(), tag) == languages.end()) {
      inner.fail(tag, "is not one of this event's languages");
      continue;
    }
    if (translation.is_null()) continue;
    auto normalized = inner.optional_text(tag, max_chars);
    if (normalized && !normalized->empty()) text[tag] = std::move(*normalized);
  }
  if (required != nullptr && !text.contains(*required)) fail(name, "needs a text in " + *required);
  return text;
}

std::optional<std::int64_t> FieldReader::optional_integer(std::string_view name, std::int64_t min, std::int64_t max) {
  const nlohmann::json* value = find(name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number_integer()) {
    fail(name, "must be a whole number");
    return std::nullopt;
  }
  const auto number = value->get<std::int64_t>();
  if (number < min || number > max) {
    fail(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return number;
}

std::int64_t FieldReader::integer(std::string_view name, std::int64_t min, std::int64_t max) {
  if (find(name) == nullptr) {
    fail(name, "is required");
    return min;
  }
  return optional_integer(name, min, max).value_or(min);
}

bool FieldReader::boolean(std::string_view name, bool fallback) {
  const nlohmann::json* value = find(name);
  if (value == nullptr) return fallback;
  if (!value->is_boolean()) {
    fail(name, "must be true or false");
    return fallback;
  }
  return value->get<bool>();
}

std::vector<std::string> FieldReader::language_list(std::string_view name, const std::vector<std::string>* allowed) {
  std::vector<std::string> tags;
  const nlohmann::json* value = find(name);
  if (value == nullptr) return tags;
  if (!value->is_array()) {
    fail(name, "must be a list of language tags such as [\"en\", \"vi\"]");
    return tags;
  }
  for (const auto& item : *value) {
    if (!item.is_string() || !domain::is_language_tag(item.get<std::string>())) {
      fail(name, "must hold BCP 47 language tags such as \"en\" or \"vi\"");
      continue;
    }
    const std::string tag = item.get<std::string>();
    if (allowed != nullptr && std::find(allowed->begin(), allowed->end(), tag) == allowed->end()) {
      fail(name, tag + " is not one of this event's languages");
      continue;
    }
    if (std::find(tags.begin(), tags.end(), tag) != tags.end()) {
      fail(name, tag + " is listed twice");
      continue;
    }
    tags.push_back(tag);
  }
  return tags;
}

std::optional<domain::LocalDate> FieldReader::date(std::string_view name) {
  const nlohmann::json* value = find(name);
  if (value == nullptr) {
    fail(name, "is required");
    return std::nullopt;
  }
  if (value->is_string()) {
    if (auto parsed = domain::parse_date(value->get<std::string>())) return parsed;
  }
  fail(name, "must be a date such as 2024-11-19");
  return std::nullopt;
}

std::optional<std::int64_t> FieldReader::instant(std::string_view name, const domain::TimeZone& zone) {
  const nlohmann::json* value = find(name);
  if (value == nullptr) {
    fail(name, "is required");
    return std::nullopt;
  }
  if (value->is_string()) {
    if (auto parsed = domain::parse_instant(value->get<std::string>(), zone)) return parsed;
  }
  fail(name, "must be a time such as 2024-11-19T14:00:00+07:00, or a local time such as 2024-11-19T14:00 in " +
                 zone.name() + " (a local time a clock change skips or repeats needs its offset)");
  return std::nullopt;
}

void FieldReader::only(std::initializer_list<std::string_view> known) {
  if (!object_.is_object()) return;
  for (const auto& [key, value] : object_.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) fail(key, "is not a field of this resource");
  }
}

}  // namespace plenary::api
