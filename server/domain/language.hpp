#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plenary::domain {

// The language a response is served in: one tag, or every language (`lang=*`).
struct LanguageChoice {
  bool all = false;
  std::string tag;  // one of the offered tags when !all
};

// Picks the response language from `?lang=` (exact tag, its primary subtag,
// or "*"), else from Accept-Language by q-value (RFC 9110 §12.5.4, lookup by
// exact tag then primary subtag), else the default. Returns nullopt when an
// explicit `?lang=` names a language the event does not offer.
std::optional<LanguageChoice> choose_language(std::optional<std::string_view> query_lang,
                                              std::optional<std::string_view> accept_language,
                                              const std::vector<std::string>& offered,
                                              const std::string& default_language);

}  // namespace plenary::domain
