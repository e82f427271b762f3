#pragma once

#include <string>
#include <string_view>

#include "badge/badge.hpp"

namespace plenary::badge {

// 8 px/mm = 203.2 dpi, the resolution of thermal card and label printers. The
// badge's QR code sits on a 1/8 mm grid, so its modules land on whole pixels.
inline constexpr int kBadgePixelsPerMm = 8;
// A6 at 8 px/mm.
inline constexpr int kBadgeWidthPx = 840;
inline constexpr int kBadgeHeightPx = 1184;

// `svg` rasterised by librsvg onto a white width_px x height_px canvas (the
// document scaled to fit, aspect ratio kept) and encoded as an 8-bit RGB PNG.
// When pixels_per_mm > 0, a pHYs chunk records it so that printing keeps the
// physical size. Throws std::invalid_argument when librsvg cannot read the SVG,
// std::runtime_error when cairo fails. Safe from any thread: each call has its
// own handle and surface, and the rendering step itself is serialised (see .cpp).
std::string svg_to_png(std::string_view svg, int width_px, int height_px, int pixels_per_mm = 0);

// badge_svg(badge) as a kBadgeWidthPx x kBadgeHeightPx PNG at 8 px/mm.
// Throws what badge_svg and svg_to_png throw.
std::string badge_png(const Badge& badge);

}  // namespace plenary::badge
