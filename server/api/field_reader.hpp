#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/agenda.hpp"
#include "domain/zoned_time.hpp"
#include "http/api_error.hpp"

namespace plenary::api {

// Reads the fields of one JSON object of a request body, adding a field
// error to `validation` for each missing, mistyped or out-of-range value (and
// each unknown field) and returning a harmless default, so one response names
// every problem. Text is checked to be valid UTF-8 and stored as NFC.
class FieldReader {
 public:
  FieldReader(const nlohmann::json& object, http::Validation& validation, std::string prefix = {});

  bool has(std::string_view name) const;
  std::string text(std::string_view name, std::size_t max_chars);
  std::optional<std::string> optional_text(std::string_view name, std::size_t max_chars);
  // A {"tag": "text"} map whose tags are among `languages`; when `required`
  // is set it must hold a text in that language.
  domain::LocalizedText localized(std::string_view name, const std::vector<std::string>& languages,
                                  std::size_t max_chars, const std::string* required);
  std::optional<std::int64_t> optional_integer(std::string_view name, std::int64_t min, std::int64_t max);
  std::int64_t integer(std::string_view name, std::int64_t min, std::int64_t max);
  bool boolean(std::string_view name, bool fallback);
  template <class Enum, std::size_t N>
  Enum choice(std::string_view name, const std::array<std::string_view, N>& names, std::optional<Enum> fallback) {
    const nlohmann::json* value = find(name);
    if (value == nullptr) {
      if (!fallback) fail(name, "is required");
      return fallback.value_or(static_cast<Enum>(0));
    }
    if (value->is_string()) {
      if (auto parsed = domain::parse_name<Enum>(value->get<std::string>(), names)) return *parsed;
    }
    std::string allowed;
    for (auto option : names) allowed += (allowed.empty() ? "" : ", ") + std::string(option);
    fail(name, "must be one of " + allowed);
    return fallback.value_or(static_cast<Enum>(0));
  }
  // A list of distinct language tags; when `allowed` is given, each must be in it.
  std::vector<std::string> language_list(std::string_view name, const std::vector<std::string>* allowed);
  std::optional<domain::LocalDate> date(std::string_view name);
  // RFC 3339 with an offset, or a local time read in `zone`.
  std::optional<std::int64_t> instant(std::string_view name, const domain::TimeZone& zone);
  // The value itself when present and not null.
  const nlohmann::json* find(std::string_view name) const;
  // Flags every field not in `known`.
  void only(std::initializer_list<std::string_view> known);

  void fail(std::string_view name, std::string detail);
  std::string path(std::string_view name) const;

 private:
  const nlohmann::json& object_;
  http::Validation& validation_;
  std::string prefix_;
};

}  // namespace plenary::api
