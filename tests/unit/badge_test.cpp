#include "badge/badge.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "badge/badge_png.hpp"
#include "badge/badge_svg.hpp"
#include "badge/country_names.hpp"
#include "badge/qr_code.hpp"
#include "badge/text_fit.hpp"
#include "badge/xml_text.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

using namespace plenary::badge;
using plenary::domain::Category;

namespace {

// 4 + 43 base64url characters, the shape of the codes the server issues.
constexpr std::string_view kCode = "plb_Qm9vdHN0cmFwLWJhZGdlLWNvZGUtZm9yLXRlc3RzLTA";

Badge sample_badge() {
  return Badge{.code = std::string(kCode),
               .name = "Nguyễn Thị Hồng Ngọc",
               .position = "Deputy Director-General",
               .organisation = "Ministry of Information and Communications",
               .delegation = "VN",
               .category = Category::head_of_delegation,
               .event_title = "SOMRI-21: Senior Officials Meeting Responsible for Information",
               .event_dates = "12–16 May 2025 · Hạ Long, Quảng Ninh"};
}

// An 8-bit RGB, non-interlaced PNG (what svg_to_png writes), decoded with zlib.
struct Image {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::optional<std::uint32_t> pixels_per_metre;
  std::vector<std::uint8_t> rgb;

  bool is_white(std::uint32_t x, std::uint32_t y) const {
    const std::size_t at = (static_cast<std::size_t>(y) * width + x) * 3;
    return rgb[at] == 255 && rgb[at + 1] == 255 && rgb[at + 2] == 255;
  }
  // Non-white pixels in [x0, x1) x [y0, y1).
  std::size_t ink(std::uint32_t x0, std::uint32_t y0, std::uint32_t x1, std::uint32_t y1) const {
    std::size_t count = 0;
    for (std::uint32_t y = y0; y < y1; ++y) {
      for (std::uint32_t x = x0; x < x1; ++x) count += is_white(x, y) ? 0 : 1;
    }
    return count;
  }
};

std::uint32_t be32(std::string_view bytes, std::size_t at) {
  return (std::uint32_t{static_cast<unsigned char>(bytes[at])} << 24) |
         (std::uint32_t{static_cast<unsigned char>(bytes[at + 1])} << 16) |
         (std::uint32_t{static_cast<unsigned char>(bytes[at + 2])} << 8) |
         std::uint32_t{static_cast<unsigned char>(bytes[at + 3])};
}

std::uint8_t paeth(int a, int b, int c) {
  const int p = a + b - c;
  const int pa = std::abs(p - a);
  const int pb = std::abs(p - b);
  const int pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return static_cast<std::uint8_t>(a);
  return static_cast<std::uint8_t>(pb <= pc ? b : c);
}

Image decode_png(std::string_view png) {
  Image image;
  REQUIRE(png.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8));
  std::string compressed;
  bool ended = false;
  for (std::size_t at = 8; at + 12 <= png.size() && !ended;) {
    const std::uint32_t length = be32(png, at);
    const std::string_view type = png.substr(at + 4, 4);
    const std::string_view data = png.substr(at + 8, length);
    REQUIRE(data.size() == length);
    const auto crc = crc32(0, reinterpret_cast<const Bytef*>(png.data() + at + 4), length + 4);
    CHECK(crc == be32(png, at + 8 + length));
    if (type == "IHDR") {
      image.width = be32(data, 0);
      image.height = be32(data, 4);
      REQUIRE(data[8] == 8);   // bit depth
      REQUIRE(data[9] == 2);   // RGB
      REQUIRE(data[12] == 0);  // not interlaced
    } else if (type == "pHYs") {
      if (data[8] == 1) image.pixels_per_metre = be32(data, 0);
    } else if (type == "IDAT") {
      compressed += data;
    } else if (type == "IEND") {
      ended = true;
    }
    at += 12 + length;
  }
  REQUIRE(ended);
  const std::size_t stride = std::size_t{image.width} * 3;
  std::vector<std::uint8_t> raw((stride + 1) * image.height);
  uLongf raw_size = static_cast<uLongf>(raw.size());
  REQUIRE(uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(compressed.data()),
                     static_cast<uLong>(compressed.size())) == Z_OK);
  REQUIRE(raw_size == raw.size());
  image.rgb.resize(stride * image.height);
  for (std::size_t y = 0; y < image.height; ++y) {
    const std::uint8_t filter = raw[y * (stride + 1)];
    const std::uint8_t* in = &raw[y * (stride + 1) + 1];
    std::uint8_t* out = &image.rgb[y * stride];
    const std::uint8_t* up = y > 0 ? &image.rgb[(y - 1) * stride] : nullptr;
    for (std::size_t i = 0; i < stride; ++i) {
      const int a = i >= 3 ? out[i - 3] : 0;
      const int b = up ? up[i] : 0;
      const int c = (up && i >= 3) ? up[i - 3] : 0;
      int value = in[i];
      switch (filter) {
        case 0: break;
        case 1: value += a; break;
        case 2: value += b; break;
        case 3: value += (a + b) / 2; break;
        case 4: value += paeth(a, b, c); break;
        default: FAIL("unknown PNG filter " << int{filter});
      }
      out[i] = static_cast<std::uint8_t>(value);
    }
  }
  return image;
}

std::optional<std::filesystem::path> find_program(std::string_view name) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/bin:/bin";
  while (!dirs.empty()) {
    const auto colon = dirs.find(':');
    const auto candidate = std::filesystem::path(dirs.substr(0, colon)) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    dirs = colon == std::string_view::npos ? std::string_view{} : dirs.substr(colon + 1);
  }
  return std::nullopt;
}

// What a desk scanner reads from the printed badge: zbarimg, QR codes only.
std::string scan_qr(const std::string& png) {
  const auto zbarimg = find_program("zbarimg");
  REQUIRE_MESSAGE(zbarimg.has_value(), "zbarimg not found: install zbar-tools (deploy/lib.sh test packages)");
  const plenary::test::TempDir dir;
  const auto file = dir.path() / "badge.png";
  plenary::test::write_file(file, png);
  const auto scan =
      plenary::test::run_to_end({zbarimg->string(), "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", file});
  INFO("zbarimg stderr: " << scan.err);
  CHECK(scan.exit_code == 0);
  std::string text = scan.out;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

// True when `text` begins with a Thai vowel or tone mark written above or below, which cannot start a line.
bool starts_with_thai_mark(std::string_view text) {
  if (text.size() < 3 || static_cast<unsigned char>(text[0]) != 0xE0) return false;
  const int code_point =
      ((static_cast<unsigned char>(text[1]) & 0x3F) << 6) | (static_cast<unsigned char>(text[2]) & 0x3F);
  return code_point == 0x0E31 || (code_point >= 0x0E34 && code_point <= 0x0E3A) ||
         (code_point >= 0x0E47 && code_point <= 0x0E4E);
}

// Rows of the name's band, in pixels (mm 29 to 57 at 8 px/mm).
constexpr std::uint32_t kNameTopPx = 29 * kBadgePixelsPerMm;
constexpr std::uint32_t kNameBottomPx = 57 * kBadgePixelsPerMm;

}  // namespace

TEST_CASE("a badge PNG is an A6 image at 8 px per mm whose QR code scans as the badge code") {
  const std::string png = badge_png(sample_badge());
  const Image image = decode_png(png);
  CHECK(image.width == kBadgeWidthPx);
  CHECK(image.height == kBadgeHeightPx);
  CHECK(image.width == 840);
  CHECK(image.height == 1184);
  CHECK(image.pixels_per_metre == 8000u);
  CHECK(scan_qr(png) == kCode);
}

TEST_CASE("every category's badge scans, with names in Thai, Lao, Khmer, Myanmar, Chinese and Cyrillic") {
  const std::vector<std::pair<Category, std::string>> cases{
      {Category::delegate, "สมชาย ใจดี"}, {Category::observer, "ສົມພອນ ແກ້ວມະນີ"},
      {Category::speaker, "សុខ សុវណ្ណារ៉ា"}, {Category::press, "အောင်ကျော်ဝင်း"},
      {Category::staff, "王伟"},         {Category::organiser, "Анна Кузнецова"}};
  int index = 0;
  for (const auto& [category, name] : cases) {
    Badge badge = sample_badge();
    badge.category = category;
    badge.name = name;
    badge.code = "plb_" + std::string(39, static_cast<char>('a' + index++)) + "-_09";
    CAPTURE(name);
    CHECK(scan_qr(badge_png(badge)) == badge.code);
  }
}

TEST_CASE("the SVG is well-formed and a name with markup in it stays text") {
  Badge badge = sample_badge();
  badge.name = "</text><script>alert(\"x\")</script> & 'Co' \x01\x7f\xff";
  badge.organisation = "R&D <Lab>";
  const std::string svg = badge_svg(badge);
  CHECK(svg.find("<script") == std::string::npos);
  CHECK(svg.find("&lt;/text&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;Co&apos;") !=
        std::string::npos);
  CHECK(svg.find("R&amp;D &lt;Lab&gt;") != std::string::npos);
  CHECK(svg.find('\x01') == std::string::npos);
  CHECK(svg.find("\xEF\xBF\xBD") != std::string::npos);  // the bad byte shows as U+FFFD
  // librsvg parses with libxml2 and refuses documents that are not well-formed: prove that, then parse ours.
  CHECK_THROWS_AS(svg_to_png("<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&</text></svg>", 10, 10),
                  std::invalid_argument);
  CHECK_NOTHROW(svg_to_png(svg, 105, 148));
}

TEST_CASE("the SVG shows event, name, position, organisation, delegation, country and category, and one QR path") {
  const std::string svg = badge_svg(sample_badge());
  CHECK(svg.find("width=\"105mm\" height=\"148mm\" viewBox=\"0 0 105 148\"") != std::string::npos);
  for (const std::string_view text :
       {"SOMRI-21", "Nguyễn Thị Hồng Ngọc", "Deputy Director-General", "Ministry of Information", ">VN<", ">Viet Nam<",
        ">Head of delegation<", "Hạ Long"}) {
    CAPTURE(text);
    CHECK(svg.find(text) != std::string::npos);
  }
  std::size_t paths = 0;
  for (auto at = svg.find("<path"); at != std::string::npos; at = svg.find("<path", at + 1)) ++paths;
  CHECK(paths == 1);
  CHECK(svg.find("shape-rendering=\"crispEdges\"") != std::string::npos);
  CHECK(svg.find("Noto Sans Thai") != std::string::npos);
  CHECK(svg.find("Noto Sans Myanmar") != std::string::npos);
}

TEST_CASE("the QR code keeps its 4-module quiet zone white and its modules on whole pixels") {
  const Image image = decode_png(badge_png(sample_badge()));
  const QrCode code(kCode);
  CHECK(code.size() == 37);  // version 5: at level Q, 47 bytes are one too many for version 4
  // 7 px (0.875 mm) modules: the largest whole number of pixels that fits 45 modules in the 42 mm band.
  // The symbol is right-aligned 6 mm from the edge and centred in the band from 84 mm.
  const std::uint32_t module = 7;
  const std::uint32_t side = (37 + 8) * module;
  const std::uint32_t left = kBadgeWidthPx - 6 * 8 - side;
  const std::uint32_t top = 84 * 8 + (42 * 8 - side) / 2;
  CHECK(image.ink(left, top, left + side, top + 4 * module) == 0);
  CHECK(image.ink(left, top + side - 4 * module, left + side, top + side) == 0);
  CHECK(image.ink(left, top, left + 4 * module, top + side) == 0);
  CHECK(image.ink(left + side - 4 * module, top, left + side, top + side) == 0);
  // Every module is one flat colour: crisp edges, no grey.
  for (int y = 0; y < code.size(); ++y) {
    for (int x = 0; x < code.size(); ++x) {
      const std::uint32_t x0 = left + (4 + static_cast<std::uint32_t>(x)) * module;
      const std::uint32_t y0 = top + (4 + static_cast<std::uint32_t>(y)) * module;
      const std::size_t dark = image.ink(x0, y0, x0 + module, y0 + module);
      CHECK(dark == (code.is_dark(x, y) ? module * module : 0));
    }
  }
}

TEST_CASE("a badge code that is empty, not ASCII or too long is refused") {
  Badge badge = sample_badge();
  badge.code = "";
  CHECK_THROWS_AS(badge_svg(badge), std::invalid_argument);
  badge.code = "plb_ with space";
  CHECK_THROWS_AS(badge_svg(badge), std::invalid_argument);
  badge.code = "plb_\xC3\xA9";
  CHECK_THROWS_AS(badge_svg(badge), std::invalid_argument);
  badge.code = std::string(kMaxBadgeCodeBytes + 1, 'a');
  CHECK_THROWS_AS(badge_svg(badge), std::invalid_argument);
  badge.code = std::string(kMaxBadgeCodeBytes, 'a');
  CHECK(scan_qr(badge_png(badge)) == badge.code);
  CHECK_THROWS_AS(QrCode(""), std::invalid_argument);
}

TEST_CASE("long names shrink, then wrap to two lines, then end in an ellipsis, and never leave the badge") {
  const TextBox box{.width = 93, .height = 28, .max_font = 11, .min_font = 4.5, .max_lines = 2};
  const auto short_name = fit_text("Lê Minh", box);
  CHECK(short_name.font_size == doctest::Approx(11));
  CHECK(short_name.lines.size() == 1);

  const auto long_name =
      fit_text("Pehin Orang Kaya Pekerma Dewa Dato Seri Setia Lailaralam Haji Awang Abdul Rahman", box);
  REQUIRE(long_name.lines.size() == 2);
  CHECK(long_name.font_size >= 4.5);
  for (const auto& line : long_name.lines) CHECK(estimate_width_em(line) * long_name.font_size <= 93.001);

  const std::string endless(300, 'W');
  const auto cut = fit_text(clean_text(endless), box);
  CHECK(cut.font_size == doctest::Approx(4.5));
  CHECK(cut.lines.back().ends_with("…"));

  // Thai without spaces splits between grapheme clusters, never inside one.
  const auto thai = fit_text("พระบาทสมเด็จพระปรเมนทรรามาธิบดีศรีสินทรมหาวชิราลงกรณ", box);
  REQUIRE(thai.lines.size() == 2);
  CHECK_FALSE(starts_with_thai_mark(thai.lines[1]));

  // In the PNG: the margins next to the name band stay white.
  for (const auto& name : {std::string("Pehin Orang Kaya Pekerma Dewa Dato Seri Setia Lailaralam Haji Awang Abdul"),
                           std::string(120, 'W'), std::string("អ្នកឧកញ៉ាវិបុលសេនាភក្តីសុខសុវណ្ណារ៉ាកែវបុប្ផាទេវី")}) {
    Badge badge = sample_badge();
    badge.name = name;
    const Image image = decode_png(badge_png(badge));
    CAPTURE(name);
    CHECK(image.ink(0, kNameTopPx, 3 * 8, kNameBottomPx) == 0);
    CHECK(image.ink(kBadgeWidthPx - 3 * 8, kNameTopPx, kBadgeWidthPx, kNameBottomPx) == 0);
    CHECK(image.ink(3 * 8, kNameTopPx, kBadgeWidthPx - 3 * 8, kNameBottomPx) > 0);
  }
}

TEST_CASE("fonts covering Vietnamese, Thai, Lao, Khmer, Myanmar, CJK and Cyrillic names are installed") {
  const auto fc_list = find_program("fc-list");
  if (!fc_list) {
    MESSAGE("skipped: fc-list not found (install fontconfig), cannot ask which fonts cover the names");
    return;
  }
  // fc-list with a charset lists only the fonts that hold every one of those code points.
  const std::vector<std::pair<std::string, std::string>> samples{
      {"Vietnamese", "1ec5 1ecb 1ed3 1ecd"},  // ễ ị ồ ọ
      {"Thai", "e2a e21 e0a e32 e22 e43 e08 e14 e35"},
      {"Lao", "eaa ebb ea1 e9e ead e99 ec1 e81 ec9 ea7 eb0 e99 eb5"},
      {"Khmer", "179f 17bb 1781 179c 178e 17d2 178e 17b6"},
      {"Myanmar", "1021 1031 102c 1004 103a 1000 103b 1031 102c 103a 101d 1004 103a 1038"},
      {"Chinese", "738b 4f1f"},
      {"Japanese", "3084 307e 3060 592a 90ce"},
      {"Korean", "ae40 bbfc c900"},
      {"Cyrillic", "410 43d 43d 430 41a"}};
  for (const auto& [script, charset] : samples) {
    CAPTURE(script);
    const auto listed = plenary::test::run_to_end({fc_list->string(), ":charset=" + charset, "family"});
    CHECK(listed.exit_code == 0);
    CHECK_MESSAGE(!listed.out.empty(), "no installed font covers these code points, see deploy/lib.sh");
  }
}

TEST_CASE("Thai and Lao names are drawn with real glyphs, not boxes, so their marks take no width") {
  // A missing glyph is drawn as a box per code point, vowel and tone marks included. With the
  // font, marks stack on their consonant: the name is as wide as the name with its marks removed
  // (about 1.0, where boxes make 1.3 for the Lao name and 1.8 for the Thai one). Boxes are also
  // so wide that they run off the badge, which fails the test as well.
  auto name_width = [](const std::string& name) {
    Badge badge = sample_badge();
    badge.name = name;
    const Image image = decode_png(badge_png(badge));
    std::uint32_t left = image.width;
    std::uint32_t right = 0;
    for (std::uint32_t y = kNameTopPx; y < kNameBottomPx; ++y) {
      for (std::uint32_t x = 0; x < image.width; ++x) {
        if (image.is_white(x, y)) continue;
        left = std::min(left, x);
        right = std::max(right, x);
      }
    }
    REQUIRE(right > left);
    REQUIRE_MESSAGE(left > 0, "the name runs off the badge: are its glyphs missing?");
    REQUIRE_MESSAGE(right + 1 < image.width, "the name runs off the badge: are its glyphs missing?");
    return static_cast<double>(right - left);
  };
  // The marks also count as nothing in the font size estimate, so each pair is set at the same size.
  const double lao = name_width("ແກ້ວມະນີ") / name_width("ແກວມະນ");
  CHECK(lao < 1.1);
  const double thai = name_width("ศักดิ์ศรี") / name_width("ศกดศร");
  CHECK(thai < 1.1);
}

TEST_CASE("badges rendered on several threads at once are the same as one rendered alone") {
  std::vector<Badge> badges;
  for (const char* name : {"Nguyễn Thị Hồng Ngọc", "สมชาย ใจดี", "ສົມພອນ ແກ້ວມະນີ", "王伟"}) {
    Badge badge = sample_badge();
    badge.name = name;
    badges.push_back(badge);
  }
  std::vector<std::string> expected;
  for (const auto& badge : badges) expected.push_back(badge_png(badge));

  std::vector<std::vector<std::string>> results(badges.size());
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < badges.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 2; ++round)
        results[t].push_back(badge_png(badges[(t + static_cast<std::size_t>(round)) % badges.size()]));
    });
  }
  for (auto& thread : threads) thread.join();
  for (std::size_t t = 0; t < badges.size(); ++t) {
    for (std::size_t round = 0; round < results[t].size(); ++round) {
      CHECK(results[t][round] == expected[(t + round) % badges.size()]);
    }
  }
}

TEST_CASE("delegation codes show the country's short English name") {
  CHECK(country_name("VN") == "Viet Nam");
  CHECK(country_name("la") == "Lao PDR");
  CHECK(country_name("MM") == "Myanmar");
  CHECK(country_name("KR") == "Republic of Korea");
  CHECK_FALSE(country_name("XX").has_value());
  CHECK_FALSE(country_name("VNM").has_value());
  CHECK(category_label(Category::head_of_delegation) == "Head of delegation");
  CHECK(category_label(Category::press) == "Press");
}

TEST_CASE("badge text is cleaned to one line of NFC with nothing XML forbids") {
  CHECK(clean_text("  Nguyễn\tThị \n Hồng  ") == "Nguyễn Thị Hồng");
  CHECK(clean_text("Vi\x65\xCC\xA3\xCC\x82t") == "Việt");
  CHECK(clean_text("a\x01\x1f\xEF\xBF\xBF"
                   "b") == "ab");
  CHECK(clean_text("bad \xC3\x28") == "bad \xEF\xBF\xBD(");
  CHECK(clean_text(std::string(500, 'x')).size() == 200);
  CHECK(xml_escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
}
