#include "badge/text_fit.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

#include <utf8proc.h>

namespace plenary::badge {

namespace {

constexpr std::string_view kEllipsis = "…";

// Below this share of max_font on one line, two lines are worth trying.
constexpr double kWrapBelow = 0.8;
// Two lines win only when their font is this much larger than one line's.
constexpr double kWrapGain = 1.12;

// The widest and narrowest Latin and Cyrillic letters in bold: a name of
// many Ms and Ws must still fit, one of many Is and ls need not shrink much.
constexpr std::u32string_view kWideCapitals = U"MWÆŒЖФШЩЫЮ";
constexpr std::u32string_view kWideSmall = U"mwæœжфшщыю";
constexpr std::u32string_view kNarrow = U"Ifijlrt.,'-()\u2019";

struct CodePoint {
  utf8proc_int32_t value = 0;
  std::size_t offset = 0;  // byte offset in the text
};

std::vector<CodePoint> code_points(std::string_view text) {
  std::vector<CodePoint> out;
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  std::size_t offset = 0;
  while (offset < text.size()) {
    utf8proc_int32_t value = 0;
    utf8proc_ssize_t used =
        utf8proc_iterate(bytes + offset, static_cast<utf8proc_ssize_t>(text.size() - offset), &value);
    if (used <= 0 || value < 0) {
      used = 1;
      value = 0xFFFD;
    }
    out.push_back({value, offset});
    offset += static_cast<std::size_t>(used);
  }
  return out;
}

// Byte offsets where a grapheme cluster starts (after the first), so a cut
// never separates a Thai vowel or a Khmer subscript from its consonant.
std::vector<std::size_t> grapheme_starts(std::string_view text) {
  std::vector<std::size_t> starts;
  const auto points = code_points(text);
  utf8proc_int32_t state = 0;
  for (std::size_t i = 1; i < points.size(); ++i) {
    if (utf8proc_grapheme_break_stateful(points[i - 1].value, points[i].value, &state)) {
      starts.push_back(points[i].offset);
    }
  }
  return starts;
}

double advance_em(utf8proc_int32_t c, utf8proc_int32_t previous) noexcept {
  // After a Khmer coeng or a Myanmar virama the consonant is written below.
  if (previous == 0x17D2 || previous == 0x1039) return 0;
  if (c == ' ') return 0.28;
  const auto code_point = static_cast<char32_t>(c);
  if (kWideCapitals.find(code_point) != std::u32string_view::npos) return 1.0;
  if (kWideSmall.find(code_point) != std::u32string_view::npos) return 0.95;
  if (kNarrow.find(code_point) != std::u32string_view::npos) return 0.42;
  switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF: return 0;
    case UTF8PROC_CATEGORY_MC: return 0.4;
    case UTF8PROC_CATEGORY_LU: return 0.74;
    default: break;
  }
  if (utf8proc_charwidth(c) >= 2) return 1.0;
  if (c >= 0x1000 && c <= 0x109F) return 1.1;   // Myanmar
  if (c >= 0x1780 && c <= 0x17FF) return 0.85;  // Khmer
  return 0.64;
}

// Drops spaces at the end.
std::string_view trim_end(std::string_view text) noexcept {
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

double font_for(const std::vector<std::string>& lines, const TextBox& box) {
  double widest = 0;
  for (const auto& line : lines) widest = std::max(widest, estimate_width_em(line));
  double font = box.max_font;
  if (widest > 0) font = std::min(font, box.width / widest);
  if (box.height > 0) font = std::min(font, box.height / (kLineHeight * static_cast<double>(lines.size())));
  return font;
}

// The two lines with the narrower wider line: split at a space, or, in text
// without spaces, at the grapheme boundary nearest the middle.
std::optional<std::vector<std::string>> split_in_two(std::string_view text) {
  std::optional<std::vector<std::string>> best;
  double best_width = 0;
  auto consider = [&](std::string_view first, std::string_view second) {
    first = trim_end(first);
    while (!second.empty() && second.front() == ' ') second.remove_prefix(1);
    if (first.empty() || second.empty()) return;
    const double width = std::max(estimate_width_em(first), estimate_width_em(second));
    if (!best || width < best_width) {
      best = std::vector<std::string>{std::string(first), std::string(second)};
      best_width = width;
    }
  };
  for (std::size_t space = text.find(' '); space != std::string_view::npos; space = text.find(' ', space + 1)) {
    consider(text.substr(0, space), text.substr(space + 1));
  }
  if (best) return best;
  for (const std::size_t cut : grapheme_starts(text)) consider(text.substr(0, cut), text.substr(cut));
  return best;
}

// The longest grapheme-boundary prefix of `line` that fits `width_em` with "…" after it.
std::string truncate_to(std::string_view line, double width_em) {
  if (estimate_width_em(line) <= width_em) return std::string(line);
  const double room = width_em - estimate_width_em(kEllipsis);
  std::string_view kept;
  for (const std::size_t cut : grapheme_starts(line)) {
    if (estimate_width_em(line.substr(0, cut)) > room) break;
    kept = line.substr(0, cut);
  }
  return std::string(trim_end(kept)) + std::string(kEllipsis);
}

}  // namespace

double estimate_width_em(std::string_view text) noexcept {
  double width = 0;
  utf8proc_int32_t previous = 0;
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  std::size_t offset = 0;
  while (offset < text.size()) {
    utf8proc_int32_t c = 0;
    utf8proc_ssize_t used = utf8proc_iterate(bytes + offset, static_cast<utf8proc_ssize_t>(text.size() - offset), &c);
    if (used <= 0 || c < 0) {
      used = 1;
      c = 0xFFFD;
    }
    width += advance_em(c, previous);
    previous = c;
    offset += static_cast<std::size_t>(used);
  }
  return width;
}

FittedText fit_text(std::string_view text, const TextBox& box) {
  FittedText fitted;
  if (text.empty()) {
    fitted.font_size = box.max_font;
    return fitted;
  }
  fitted.lines = {std::string(text)};
  fitted.font_size = font_for(fitted.lines, box);
  if (box.max_lines >= 2 && fitted.font_size < box.max_font * kWrapBelow) {
    if (auto two = split_in_two(text)) {
      const double font = font_for(*two, box);
      if (font > fitted.font_size * kWrapGain) {
        fitted.lines = std::move(*two);
        fitted.font_size = font;
      }
    }
  }
  if (fitted.font_size < box.min_font) {
    fitted.font_size = box.min_font;
    for (auto& line : fitted.lines) line = truncate_to(line, box.width / box.min_font);
  }
  return fitted;
}

}  // namespace plenary::badge
