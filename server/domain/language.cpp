#include "domain/language.hpp"

#include <algorithm>
#include <cstdlib>

#include "domain/text.hpp"

namespace plenary::domain {
namespace {

std::optional<std::string> match_offered(std::string_view wanted, const std::vector<std::string>& offered) {
  const std::string lower = ascii_lower(wanted);
  for (const auto& tag : offered) {
    if (ascii_lower(tag) == lower) return tag;
  }
  const std::string primary = primary_subtag(wanted);
  for (const auto& tag : offered) {
    if (primary_subtag(tag) == primary) return tag;
  }
  return std::nullopt;
}

struct Range {
  std::string_view tag;
  double q;
  std::size_t order;
};

std::vector<Range> parse_accept_language(std::string_view header) {
  std::vector<Range> ranges;
  std::size_t start = 0;
  std::size_t order = 0;
  while (start < header.size() && ranges.size() < 32) {
    std::size_t end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    const std::string_view item = trim_blanks(header.substr(start, end - start));
    start = end + 1;
    if (item.empty()) continue;
    const auto semicolon = item.find(';');
    const std::string_view tag = trim_blanks(item.substr(0, semicolon));
    double q = 1.0;
    if (semicolon != std::string_view::npos) {
      const std::string_view parameter = trim_blanks(item.substr(semicolon + 1));
      if (parameter.size() > 2 && (parameter[0] == 'q' || parameter[0] == 'Q') && parameter[1] == '=') {
        const std::string value(parameter.substr(2));
        char* parsed_end = nullptr;
        q = std::strtod(value.c_str(), &parsed_end);
        if (parsed_end == value.c_str() || q < 0 || q > 1) q = 0;
      }
    }
    if (q > 0 && (tag == "*" || is_language_tag(tag))) ranges.push_back({tag, q, order++});
  }
  std::stable_sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.q > b.q; });
  return ranges;
}

}  // namespace

std::optional<LanguageChoice> choose_language(std::optional<std::string_view> query_lang,
                                              std::optional<std::string_view> accept_language,
                                              const std::vector<std::string>& offered,
                                              const std::string& default_language) {
  if (query_lang && !query_lang->empty()) {
    if (*query_lang == "*") return LanguageChoice{true, {}};
    if (!is_language_tag(*query_lang)) return std::nullopt;
    if (auto tag = match_offered(*query_lang, offered)) return LanguageChoice{false, *tag};
    return std::nullopt;
  }
  if (accept_language) {
    for (const Range& range : parse_accept_language(*accept_language)) {
      if (range.tag == "*") return LanguageChoice{false, default_language};
      if (auto tag = match_offered(range.tag, offered)) return LanguageChoice{false, *tag};
    }
  }
  return LanguageChoice{false, default_language};
}

}  // namespace plenary::domain
