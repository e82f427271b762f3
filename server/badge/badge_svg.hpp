#pragma once

#include <string>

#include "badge/badge.hpp"

namespace plenary::badge {

// A6 portrait. The SVG's user unit is the millimetre.
inline constexpr int kBadgeWidthMm = 105;
inline constexpr int kBadgeHeightMm = 148;

// The badge as a standalone SVG document (UTF-8, no external references),
// sized in mm for printing: event title and dates, the name large, position
// and organisation, the delegation code and country, the QR code of
// `badge.code`, and a band coloured by category. The QR code sits on a grid
// of 1/8 mm so that it lands on whole pixels at 8 px/mm (see badge_png).
// Throws std::invalid_argument when the code is empty, longer than
// kMaxBadgeCodeBytes or not printable ASCII. Pure; safe from any thread.
std::string badge_svg(const Badge& badge);

}  // namespace plenary::badge
