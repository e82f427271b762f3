#include "domain/language.hpp"

#include <doctest/doctest.h>

#include "domain/localized_text.hpp"
#include "domain/text.hpp"

using namespace plenary::domain;

namespace {

const std::vector<std::string> kOffered{"en", "vi", "ms"};

std::string chosen(std::optional<std::string_view> query, std::optional<std::string_view> header) {
  const auto choice = choose_language(query, header, kOffered, "en");
  if (!choice) return "refused";
  return choice->all ? "*" : choice->tag;
}

}  // namespace

TEST_CASE("?lang= wins, then Accept-Language by q-value, then the event's default") {
  CHECK(chosen("vi", "ms") == "vi");
  CHECK(chosen("*", std::nullopt) == "*");
  CHECK(chosen("vi-VN", std::nullopt) == "vi");
  CHECK(chosen("fr", std::nullopt) == "refused");
  CHECK(chosen("not a tag", std::nullopt) == "refused");
  CHECK(chosen(std::nullopt, "ms-MY,ms;q=0.9,en;q=0.8") == "ms");
  CHECK(chosen(std::nullopt, "fr;q=1, vi;q=0.4, ms;q=0.7") == "ms");
  CHECK(chosen(std::nullopt, "fr, de") == "en");
  CHECK(chosen(std::nullopt, "vi;q=0, ms;q=0.1") == "ms");
  CHECK(chosen(std::nullopt, "*") == "en");
  CHECK(chosen(std::nullopt, "") == "en");
  CHECK(chosen(std::nullopt, std::nullopt) == "en");
  CHECK(chosen(std::nullopt, "VI") == "vi");
}

TEST_CASE("a missing translation falls back to the default language, then to any") {
  const LocalizedText title{{"en", "Opening plenary"}, {"vi", "Phiên khai mạc"}};
  CHECK(pick(title, "vi", "en") == "Phiên khai mạc");
  CHECK(pick(title, "ms", "en") == "Opening plenary");
  CHECK(pick(LocalizedText{{"vi", "Giải lao"}}, "ms", "en") == "Giải lao");
  CHECK(pick(LocalizedText{}, "ms", "en").empty());
}

TEST_CASE("Vietnamese typed decomposed is stored composed (NFC), and NFC text is kept byte for byte") {
  const std::string composed = "Hội nghị Bộ trưởng phụ trách Thông tin ASEAN lần thứ 17 — Quảng Ninh";
  CHECK(to_nfc(composed) == composed);
  // "ệ" as e + U+0323 (dot below) + U+0302 (circumflex)
  CHECK(to_nfc("Vi\x65\xCC\xA3\xCC\x82t Nam") == "Việt Nam");
  CHECK_FALSE(to_nfc("bad \xC3\x28 byte").has_value());
  CHECK(count_code_points("Việt") == 4);
}

TEST_CASE("language tags have the common BCP 47 shape") {
  CHECK(is_language_tag("en"));
  CHECK(is_language_tag("ms-MY"));
  CHECK(is_language_tag("zh-Hant-TW"));
  CHECK_FALSE(is_language_tag("e"));
  CHECK_FALSE(is_language_tag("english"));
  CHECK_FALSE(is_language_tag("en_US"));
  CHECK_FALSE(is_language_tag(""));
}
