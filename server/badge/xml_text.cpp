#include "badge/xml_text.hpp"

#include <utf8proc.h>

#include "domain/text.hpp"

namespace plenary::badge {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

// XML 1.0, production [2] Char.
bool allowed_in_xml(char32_t c) noexcept {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

void append_utf8(std::string& out, char32_t c) {
  utf8proc_uint8_t bytes[4];
  const auto size = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), bytes);
  out.append(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size));
}

}  // namespace

std::string clean_text(std::string_view text, std::size_t max_code_points) {
  std::string out;
  out.reserve(text.size());
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  std::size_t kept = 0;
  bool pending_space = false;
  while (left > 0 && kept < max_code_points) {
    utf8proc_int32_t decoded = 0;
    utf8proc_ssize_t used = utf8proc_iterate(bytes, left, &decoded);
    char32_t c = static_cast<char32_t>(decoded);
    if (used <= 0 || decoded < 0) {
      used = 1;  // skip one bad byte and mark the spot
      c = kReplacement;
    }
    bytes += used;
    left -= used;
    // DEL and the C1 controls are legal XML but print as nothing or as boxes.
    if (!allowed_in_xml(c) || (c >= 0x7F && c <= 0x9F)) continue;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      if (kept + 1 >= max_code_points) break;
      out += ' ';
      ++kept;
      pending_space = false;
    }
    append_utf8(out, c);
    ++kept;
  }
  // Valid by construction, so to_nfc cannot refuse it.
  return domain::to_nfc(out).value_or(out);
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace plenary::badge
