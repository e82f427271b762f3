#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace plenary::badge {

// Line height as a multiple of the font size; the scripts we print (Thai,
// Myanmar) stack marks well above and below the Latin cap height.
inline constexpr double kLineHeight = 1.3;

// Where a piece of text must fit, in the badge's user units (mm).
struct TextBox {
  double width = 0;
  double height = 0;
  double max_font = 0;
  double min_font = 0;
  int max_lines = 1;  // 1 or 2
};

// The font size and lines chosen for one piece of text.
struct FittedText {
  double font_size = 0;
  std::vector<std::string> lines;  // empty for empty text
};

// A generous estimate of the advance width of `text` in em, without font
// metrics: per code point by script and width class, marks and subjoined
// consonants counted as zero. Errs wide so that text shrinks rather than overflows.
double estimate_width_em(std::string_view text) noexcept;

// The largest font size (up to max_font) at which `text` fits the box on one
// line, or on two lines split at the space that balances them best (at a
// grapheme boundary when there is no space) when that gives a clearly larger
// font. Below min_font, a line too long is cut at a grapheme boundary and ends in "…".
FittedText fit_text(std::string_view text, const TextBox& box);

}  // namespace plenary::badge
