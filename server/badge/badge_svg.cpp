#include "badge/badge_svg.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string_view>

#include "badge/country_names.hpp"
#include "badge/qr_code.hpp"
#include "badge/text_fit.hpp"
#include "badge/xml_text.hpp"

namespace plenary::badge {

namespace {

constexpr double kWidth = kBadgeWidthMm;
constexpr double kHeight = kBadgeHeightMm;
constexpr double kMargin = 6;
constexpr double kCentre = kWidth / 2;

// Vertical bands, top to bottom (mm).
constexpr double kHeaderHeight = 26;
constexpr double kNameTop = 29;
constexpr double kNameHeight = 28;
constexpr double kAffiliationTop = 58;
constexpr double kAffiliationHeight = 24;
constexpr double kLowerTop = 84;
constexpr double kLowerHeight = 42;
constexpr double kBandTop = 128;

// The QR code: at most 1 mm modules and kLowerHeight on a side, quiet zone
// included, on a 1/8 mm grid (one pixel at the 8 px/mm of the PNG).
constexpr double kGrid = 0.125;
constexpr double kMaxModule = 1.0;
// Below this a phone or desk scanner at arm's length starts to miss modules.
constexpr double kMinModule = 0.5;

constexpr std::string_view kInk = "#111111";
constexpr std::string_view kNavy = "#1b2a4a";

// Pango picks, for each character, the first family in this list with a glyph
// for it, so the CJK family that matches the delegation goes first among the CJK ones.
std::string font_family(std::string_view delegation) {
  std::string_view cjk = "'Noto Sans CJK SC', 'Noto Sans CJK TC', 'Noto Sans CJK JP', 'Noto Sans CJK KR'";
  if (delegation == "JP") cjk = "'Noto Sans CJK JP', 'Noto Sans CJK SC', 'Noto Sans CJK TC', 'Noto Sans CJK KR'";
  if (delegation == "KR" || delegation == "KP") {
    cjk = "'Noto Sans CJK KR', 'Noto Sans CJK SC', 'Noto Sans CJK TC', 'Noto Sans CJK JP'";
  }
  if (delegation == "TW") cjk = "'Noto Sans CJK TC', 'Noto Sans CJK SC', 'Noto Sans CJK JP', 'Noto Sans CJK KR'";
  if (delegation == "HK" || delegation == "MO") {
    cjk = "'Noto Sans CJK HK', 'Noto Sans CJK TC', 'Noto Sans CJK SC', 'Noto Sans CJK JP', 'Noto Sans CJK KR'";
  }
  return "'Noto Sans', 'Noto Sans Thai', 'Noto Sans Lao', 'Noto Sans Khmer', 'Noto Sans Myanmar', " + std::string(cjk) +
         ", 'DejaVu Sans', sans-serif";
}

std::string_view band_colour(domain::Category category) noexcept {
  switch (category) {
    case domain::Category::head_of_delegation: return "#b71c1c";
    case domain::Category::delegate: return "#1565c0";
    case domain::Category::observer: return "#2e7d32";
    case domain::Category::speaker: return "#6a1b9a";
    case domain::Category::press: return "#c43e00";
    case domain::Category::staff: return "#455a64";
    case domain::Category::organiser: return "#00695c";
  }
  return "#1565c0";
}

// Locale-independent, at most three decimals, no trailing zeros.
std::string number(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, 3);
  std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
  if (text.find('.') != std::string_view::npos) {
    while (text.back() == '0') text.remove_suffix(1);
    if (text.back() == '.') text.remove_suffix(1);
  }
  if (text == "-0") text = "0";
  return std::string(text);
}

double floor_to_grid(double value) noexcept {
  return std::floor(value / kGrid + 1e-9) * kGrid;
}

void check_code(std::string_view code) {
  if (code.empty()) throw std::invalid_argument("the badge code is empty");
  if (code.size() > kMaxBadgeCodeBytes) throw std::invalid_argument("the badge code is too long for a badge");
  for (const char c : code) {
    if (c < '!' || c > '~') throw std::invalid_argument("the badge code is not printable ASCII");
  }
}

struct TextStyle {
  std::string_view fill = kInk;
  bool bold = false;
};

// Appends elements to a document it does not own; text goes through
// xml_escape here, having gone through clean_text on the way in. One thread.
class SvgWriter {
 public:
  explicit SvgWriter(std::string& out) : out_(out) {}

  // Lines of `fitted` centred on `x`, the block centred vertically in [top, top + height].
  void text_block(const FittedText& fitted, double x, double top, double height, const TextStyle& style) {
    const double line = fitted.font_size * kLineHeight;
    const double block = line * static_cast<double>(fitted.lines.size());
    double centre = top + (height - block) / 2 + line / 2;
    for (const auto& text : fitted.lines) {
      // Latin capitals are about 0.7 em tall: a baseline 0.35 em below the line's centre centres them.
      text_line(text, x, centre + 0.35 * fitted.font_size, fitted.font_size, style);
      centre += line;
    }
  }

  void text_line(std::string_view text, double x, double baseline, double font_size, const TextStyle& style) {
    out_ += "<text x=\"" + number(x) + "\" y=\"" + number(baseline) + "\" font-size=\"" + number(font_size) + "\"";
    if (style.bold) out_ += " font-weight=\"700\"";
    out_ += " fill=\"" + std::string(style.fill) + "\">" + xml_escape(text) + "</text>\n";
  }

  void rect(double x, double y, double width, double height, std::string_view fill) {
    out_ += "<rect x=\"" + number(x) + "\" y=\"" + number(y) + "\" width=\"" + number(width) + "\" height=\"" +
            number(height) + "\" fill=\"" + std::string(fill) + "\"/>\n";
  }

  // The QR code as one path of horizontal runs of dark modules, in module
  // units, over a white square that keeps the quiet zone clear. (x, y) and
  // `module` are on the pixel grid, so crisp edges cost no module any width.
  void qr(const QrCode& code, double x, double y, double module) {
    const int side = code.size() + 2 * QrCode::kQuietZone;
    rect(x, y, module * side, module * side, "#ffffff");
    out_ += "<path transform=\"translate(" + number(x) + " " + number(y) + ") scale(" + number(module) +
            ")\" shape-rendering=\"crispEdges\" fill=\"#000000\" d=\"";
    for (int row = 0; row < code.size(); ++row) {
      int column = 0;
      while (column < code.size()) {
        if (!code.is_dark(column, row)) {
          ++column;
          continue;
        }
        const int start = column;
        while (column < code.size() && code.is_dark(column, row)) ++column;
        const int run = column - start;
        out_ += "M" + std::to_string(start + QrCode::kQuietZone) + " " + std::to_string(row + QrCode::kQuietZone) +
                "h" + std::to_string(run) + "v1h-" + std::to_string(run) + "z";
      }
    }
    out_ += "\"/>\n";
  }

 private:
  std::string& out_;
};

}  // namespace

std::string badge_svg(const Badge& badge) {
  check_code(badge.code);
  const QrCode code(badge.code, QrErrorCorrection::quartile);

  std::string delegation = clean_text(badge.delegation, 16);
  for (char& c : delegation) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  const auto country = country_name(delegation);

  // The QR code, bottom right, as large as the lower band allows up to 1 mm modules.
  const int modules = code.size() + 2 * QrCode::kQuietZone;
  const double module = floor_to_grid(std::min(kMaxModule, kLowerHeight / modules));
  if (module < kMinModule) throw std::invalid_argument("the badge code needs too large a QR code");
  const double qr_side = module * modules;
  const double qr_x = kWidth - kMargin - qr_side;
  const double qr_y = floor_to_grid(kLowerTop + (kLowerHeight - qr_side) / 2);

  std::string out;
  out.reserve(16 * 1024);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + std::to_string(kBadgeWidthMm) +
         "mm\" height=\"" + std::to_string(kBadgeHeightMm) + "mm\" viewBox=\"0 0 " + std::to_string(kBadgeWidthMm) +
         " " + std::to_string(kBadgeHeightMm) + "\">\n";
  const std::string name = clean_text(badge.name);
  out += "<title>" + xml_escape(name) + "</title>\n";
  SvgWriter svg(out);
  svg.rect(0, 0, kWidth, kHeight, "#ffffff");
  out += "<g font-family=\"" + xml_escape(font_family(delegation)) + "\" text-anchor=\"middle\">\n";

  // Header: event title and dates, white on navy.
  svg.rect(0, 0, kWidth, kHeaderHeight, kNavy);
  const double text_width = kWidth - 2 * kMargin;
  const auto title = fit_text(clean_text(badge.event_title),
                              {.width = text_width, .height = 15, .max_font = 5, .min_font = 3, .max_lines = 2});
  svg.text_block(title, kCentre, 2, 15, {.fill = "#ffffff", .bold = true});
  const auto dates = fit_text(clean_text(badge.event_dates),
                              {.width = text_width, .height = 6, .max_font = 3.6, .min_font = 2.6, .max_lines = 1});
  svg.text_block(dates, kCentre, 17.5, 6, {.fill = "#d6deeb"});

  // The name, as large as fits, on one or two lines.
  const auto fitted_name =
      fit_text(name, {.width = text_width, .height = kNameHeight, .max_font = 11, .min_font = 4.5, .max_lines = 2});
  svg.text_block(fitted_name, kCentre, kNameTop, kNameHeight, {.bold = true});

  // Position over organisation, each up to two lines, the pair centred in its band.
  const std::string position = clean_text(badge.position.value_or(""));
  const std::string organisation = clean_text(badge.organisation.value_or(""));
  const int parts = (position.empty() ? 0 : 1) + (organisation.empty() ? 0 : 1);
  if (parts > 0) {
    const TextBox box{
        .width = text_width, .height = kAffiliationHeight / parts, .max_font = 4.6, .min_font = 3, .max_lines = 2};
    const auto fitted_position = fit_text(position, box);
    const auto fitted_organisation = fit_text(organisation, box);
    const auto block_height = [](const FittedText& f) {
      return f.font_size * kLineHeight * static_cast<double>(f.lines.size());
    };
    double top =
        kAffiliationTop + (kAffiliationHeight - block_height(fitted_position) - block_height(fitted_organisation)) / 2;
    svg.text_block(fitted_position, kCentre, top, block_height(fitted_position), {.fill = "#333333"});
    top += block_height(fitted_position);
    svg.text_block(fitted_organisation, kCentre, top, block_height(fitted_organisation), {.fill = "#333333"});
  }

  // Delegation code large, country name under it, left of the QR code.
  const double left_width = qr_x - 3 - kMargin;
  const double left_centre = kMargin + left_width / 2;
  const auto fitted_code =
      fit_text(delegation, {.width = left_width, .height = 26, .max_font = 20, .min_font = 4, .max_lines = 1});
  svg.text_block(fitted_code, left_centre, kLowerTop + 1, 26, {.fill = kNavy, .bold = true});
  if (country) {
    const auto fitted_country =
        fit_text(*country, {.width = left_width, .height = 12, .max_font = 4.4, .min_font = 2.8, .max_lines = 2});
    svg.text_block(fitted_country, left_centre, kLowerTop + 27, 12, {.fill = "#333333"});
  }
  svg.qr(code, qr_x, qr_y, module);

  // Category band at the foot, colour-coded for the door staff.
  svg.rect(0, kBandTop, kWidth, kHeight - kBandTop, band_colour(badge.category));
  const auto label = fit_text(category_label(badge.category),
                              {.width = text_width, .height = 14, .max_font = 7, .min_font = 4, .max_lines = 1});
  svg.text_block(label, kCentre, kBandTop, kHeight - kBandTop, {.fill = "#ffffff", .bold = true});

  out += "</g>\n</svg>\n";
  return out;
}

}  // namespace plenary::badge
