#include "streaming/language_names.hpp"

#include <algorithm>
#include <cctype>

namespace plenary::streaming {

namespace {

struct LanguageName {
  std::string_view code;      // ISO 639-1, or 639-3 where there is no 639-1 code
  std::string_view code_639_2;  // bibliographic and terminology forms differ for a few: both listed
  std::string_view code_639_2_t;
  std::string_view autonym;
};

// The one table of audio track names. Interpretation at our conferences is
// mostly into these; add a row rather than special-casing a name elsewhere.
constexpr LanguageName kLanguages[] = {
    {"ar", "ara", "ara", "العربية"},
    {"de", "ger", "deu", "Deutsch"},
    {"en", "eng", "eng", "English"},
    {"es", "spa", "spa", "Español"},
    {"fil", "fil", "fil", "Filipino"},
    {"fr", "fre", "fra", "Français"},
    {"hi", "hin", "hin", "हिन्दी"},
    {"id", "ind", "ind", "Bahasa Indonesia"},
    {"it", "ita", "ita", "Italiano"},
    {"ja", "jpn", "jpn", "日本語"},
    {"km", "khm", "khm", "ខ្មែរ"},
    {"ko", "kor", "kor", "한국어"},
    {"lo", "lao", "lao", "ລາວ"},
    {"ms", "may", "msa", "Bahasa Melayu"},
    {"my", "bur", "mya", "မြန်မာ"},
    {"nl", "dut", "nld", "Nederlands"},
    {"pt", "por", "por", "Português"},
    {"ru", "rus", "rus", "Русский"},
    {"ta", "tam", "tam", "தமிழ்"},
    {"th", "tha", "tha", "ไทย"},
    {"tl", "tgl", "tgl", "Tagalog"},
    {"vi", "vie", "vie", "Tiếng Việt"},
    {"zh", "chi", "zho", "中文"},
};

std::string lower_primary_subtag(std::string_view tag) {
  const auto end = tag.find_first_of("-_");
  std::string primary{tag.substr(0, end)};
  std::transform(primary.begin(), primary.end(), primary.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return primary;
}

const LanguageName* find_language(std::string_view primary) {
  for (const auto& language : kLanguages) {
    if (language.code == primary || language.code_639_2 == primary || language.code_639_2_t == primary) {
      return &language;
    }
  }
  return nullptr;
}

}  // namespace

std::string_view language_autonym(std::string_view tag) {
  const LanguageName* language = find_language(lower_primary_subtag(tag));
  return language ? language->autonym : std::string_view{};
}

std::string bcp47_language(std::string_view code) {
  const std::string primary = lower_primary_subtag(code);
  const bool plain = primary.size() >= 2 && primary.size() <= 3 &&
                     std::all_of(primary.begin(), primary.end(), [](unsigned char c) { return std::isalpha(c) != 0; });
  if (!plain) return "und";
  const LanguageName* language = find_language(primary);
  return language ? std::string{language->code} : primary;
}

std::string iso639_2b_language(std::string_view code) {
  const std::string primary = lower_primary_subtag(code);
  const bool plain = primary.size() >= 2 && primary.size() <= 3 &&
                     std::all_of(primary.begin(), primary.end(), [](unsigned char c) { return std::isalpha(c) != 0; });
  if (!plain) return {};
  if (const LanguageName* language = find_language(primary); language && language->code_639_2.size() == 3) {
    return std::string{language->code_639_2};
  }
  return primary.size() == 3 ? primary : std::string{};
}

}  // namespace plenary::streaming
