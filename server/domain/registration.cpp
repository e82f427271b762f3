#include "domain/registration.hpp"

#include <cstdlib>
#include <memory>

#include <utf8proc.h>

namespace plenary::domain {

std::string search_fold(std::string_view text) {
  utf8proc_uint8_t* out = nullptr;
  const auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                                                      UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
  const utf8proc_ssize_t size = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                             static_cast<utf8proc_ssize_t>(text.size()), &out, options);
  if (size < 0) return {};
  const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(out, &std::free);
  std::string folded(reinterpret_cast<const char*>(out), static_cast<std::size_t>(size));
  // Letters that are distinct, not marked, in Unicode but that people type without: đ, ø, ł...
  std::string result;
  result.reserve(folded.size());
  for (std::size_t i = 0; i < folded.size(); ++i) {
    if (folded.compare(i, 2, "\xC4\x91") == 0) {  // đ
      result += 'd';
      ++i;
    } else {
      result += folded[i];
    }
  }
  return result;
}

}  // namespace plenary::domain
