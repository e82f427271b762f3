#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace plenary::domain {

// A human-readable text in several languages: BCP 47 tag -> NFC UTF-8 text,
// e.g. {"en":"Opening plenary","vi":"Phiên khai mạc","ms":"Sesi pleno pembukaan"}.
using LocalizedText = std::map<std::string, std::string>;

// The text in `language`, else in `fallback` (the event's default), else in
// any language, else empty: a missing translation never blanks a field.
const std::string& pick(const LocalizedText& text, const std::string& language, const std::string& fallback);

nlohmann::json to_json(const LocalizedText& text);

}  // namespace plenary::domain
