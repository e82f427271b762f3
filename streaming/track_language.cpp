#include "streaming/track_language.hpp"

#include <algorithm>
#include <cctype>

namespace plenary::streaming {

ResolvedLanguage resolve_track_language(std::string_view descriptor, bool descriptor_absent, std::size_t audio_index,
                                        const std::vector<std::string>& configured) {
  if (!descriptor.empty()) return {std::string{descriptor}, false};
  // Before the data starts the descriptor may still come: guessing from the
  // configuration now would show a language that is then taken back.
  if (!descriptor_absent || audio_index >= configured.size() || configured[audio_index].empty()) return {};
  return {configured[audio_index], true};
}

bool plausible_language_tag(std::string_view tag) {
  if (tag.empty()) return true;
  if (tag.size() > 35 || std::isalpha(static_cast<unsigned char>(tag.front())) == 0) return false;
  return std::all_of(tag.begin(), tag.end(), [](unsigned char c) { return std::isalnum(c) != 0 || c == '-'; });
}

}  // namespace plenary::streaming
