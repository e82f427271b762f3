#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace plenary::domain {

bool is_valid_utf8(std::string_view text) noexcept;
// How many leading bytes of `text` are valid UTF-8.
std::size_t valid_utf8_prefix(std::string_view text) noexcept;
// The NFC form of valid UTF-8 text (Vietnamese typed on some systems arrives
// decomposed); nullopt when `text` is not valid UTF-8.
std::optional<std::string> to_nfc(std::string_view text);
// Code points, not bytes: what a length limit means to a person.
std::size_t count_code_points(std::string_view text) noexcept;
// A BCP 47 language tag of the common shape: a 2–3 letter language, then
// optional subtags of 2–8 letters or digits ("en", "vi", "ms", "zh-Hant-TW").
bool is_language_tag(std::string_view tag) noexcept;
// Lower-case primary subtag ("en-GB" -> "en").
std::string primary_subtag(std::string_view tag);
std::string ascii_lower(std::string_view text);
// Strips spaces and tabs at both ends.
std::string_view trim_blanks(std::string_view text) noexcept;

}  // namespace plenary::domain
