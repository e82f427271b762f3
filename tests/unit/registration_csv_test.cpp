#include "api/registration_csv.hpp"

#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "domain/csv.hpp"

using namespace plenary;
using namespace plenary::api;
using domain::Registration;
using domain::RegistrationStatus;

namespace {

domain::Event test_event() {
  domain::Event event;
  event.id = 7;
  event.slug = "somri-21";
  event.time_zone = "Asia/Ho_Chi_Minh";
  event.languages = {"en", "vi"};
  event.default_language = "en";
  return event;
}

Registration delegate(std::int64_t id, std::string name, std::string delegation) {
  Registration r;
  r.id = id;
  r.event_id = 7;
  r.name = std::move(name);
  r.delegation = std::move(delegation);
  return r;
}

// The fields an import carries, as one comparable value; status is the one the file asked for.
std::vector<std::string> comparable(const Registration& r, RegistrationStatus status) {
  auto text = [](const std::optional<std::string>& v) { return v ? "[" + *v + "]" : std::string("(none)"); };
  return {std::to_string(r.event_id),
          r.name,
          text(r.position),
          text(r.organisation),
          r.delegation,
          std::string(domain::to_string(r.category)),
          text(r.email),
          text(r.phone),
          text(r.preferred_language),
          std::string(domain::to_string(r.attendance)),
          text(r.notes),
          std::string(domain::to_string(status))};
}

using LineAndField = std::vector<std::pair<std::size_t, std::string>>;

LineAndField errors_of(const RegistrationImport& result) {
  LineAndField errors;
  for (const auto& error : result.errors) errors.emplace_back(error.line, error.field);
  return errors;
}

// Every error as "line field: reason", for the failure message.
std::string describe(const RegistrationImport& result) {
  std::string text;
  for (const auto& error : result.errors) {
    text += std::to_string(error.line) + " " + error.field + ": " + error.reason + "\n";
  }
  return text;
}

}  // namespace

TEST_CASE("CSV registrations: an export in four scripts with commas, quotes and line breaks imports as it was") {
  Registration vietnamese = delegate(11, "Nguyễn Thị Hồng Ngọc", "VN");
  vietnamese.position = "Vụ trưởng, Vụ Hợp tác Quốc tế";
  vietnamese.organisation = "Bộ Khoa học và Công nghệ";
  vietnamese.category = domain::Category::head_of_delegation;
  vietnamese.email = "ngoc.nth@example.vn";
  vietnamese.phone = "+84 24 3943 9999";  // starts with a formula character
  vietnamese.preferred_language = "vi";
  vietnamese.notes = "Ăn chay\r\nCần xe lăn";  // CRLF inside a cell
  vietnamese.status = RegistrationStatus::approved;

  Registration thai = delegate(12, "สมชาย ใจดี", "TH");
  thai.organisation = "กระทรวงการต่างประเทศ";
  thai.notes = "said \"sawasdee\",\nthen left";  // quotes, a comma and an LF
  thai.attendance = domain::Attendance::remote;

  Registration lao = delegate(13, "ສົມພອນ ແກ້ວມະນີ", "LA");
  lao.position = " Deputy Director ";  // spaces at both ends are kept
  lao.category = domain::Category::observer;
  lao.email = "somphone@example.la";

  Registration khmer = delegate(14, "សុខ វណ្ណា", "KH");
  khmer.organisation = "ក្រសួងការបរទេស";
  khmer.category = domain::Category::press;
  khmer.preferred_language = "km";

  const std::vector<Registration> registrations{vietnamese, thai, lao, khmer};
  const std::string file =
      registrations_to_csv(registrations, {"2024-11-19T08:05:00+07:00", std::nullopt, std::nullopt, std::nullopt});
  CHECK(file.starts_with(domain::kUtf8Bom));

  const auto imported = registrations_from_csv(file, test_event());
  INFO(describe(imported));
  REQUIRE(imported.ok());
  REQUIRE(imported.rows.size() == registrations.size());
  for (std::size_t i = 0; i < registrations.size(); ++i) {
    CAPTURE(registrations[i].name);
    const auto& row = imported.rows[i];
    CHECK(comparable(row.registration, row.status) == comparable(registrations[i], registrations[i].status));
    CHECK(row.registration.id == 0);  // the id column is not an input
    CHECK(row.registration.status == RegistrationStatus::pending);
  }
  // The Vietnamese row spans lines 2-3 (CRLF in notes), Thai 4-5 (LF in notes).
  CHECK(imported.rows[0].line == 2);
  CHECK(imported.rows[1].line == 4);
  CHECK(imported.rows[2].line == 6);
  CHECK(imported.rows[3].line == 7);
}

TEST_CASE("CSV registrations: the export has the documented header and the check-in time") {
  Registration r = delegate(5, "Lim Wei Ling", "MY");
  const std::string file = registrations_to_csv({r}, {"2024-11-19T08:05:00+08:00"}, {.byte_order_mark = false});
  CHECK(file ==
        "id,name,position,organisation,delegation,category,email,phone,preferred_language,attendance,notes,status,"
        "checked_in_at\r\n"
        "5,Lim Wei Ling,,,MY,delegate,,,,in_person,,pending,2024-11-19T08:05:00+08:00\r\n");
  CHECK(registrations_to_csv({r}, {}, {.byte_order_mark = false}).ends_with(",pending,\r\n"));
  CHECK_THROWS_AS(registrations_to_csv({r, r}, {std::nullopt}), std::invalid_argument);
}

TEST_CASE("CSV registrations: files with and without a byte order mark import alike") {
  const std::string body = "Name,Delegation,EMAIL\r\nNguyễn Văn An,VN,An@Example.vn\r\n";
  const auto with_bom = registrations_from_csv(std::string(domain::kUtf8Bom) + body, test_event());
  const auto without = registrations_from_csv(body, test_event());
  REQUIRE(with_bom.ok());
  REQUIRE(without.ok());
  REQUIRE(with_bom.rows.size() == 1);
  CHECK(with_bom.rows[0].registration.name == "Nguyễn Văn An");
  CHECK(with_bom.rows[0].registration.email == "an@example.vn");
  CHECK(comparable(with_bom.rows[0].registration, with_bom.rows[0].status) ==
        comparable(without.rows[0].registration, without.rows[0].status));
}

TEST_CASE(
    "CSV registrations: a name crafted as a formula cannot start with a formula character and re-imports as it was") {
  const std::vector<std::string> names{"=HYPERLINK(\"http://x\",\"y\")", "+1+1", "@SUM(A1)", "-1", "'=quoted"};
  std::vector<Registration> registrations;
  for (const auto& name : names) registrations.push_back(delegate(1, name, "VN"));
  const std::string file = registrations_to_csv(registrations, {});

  const auto raw = domain::parse_csv(file, {.unguard_formulas = false});
  REQUIRE(raw.ok());
  REQUIRE(raw.records.size() == names.size() + 1);
  for (std::size_t i = 1; i < raw.records.size(); ++i) {
    const std::string& cell = raw.records[i].fields[1];
    CAPTURE(cell);
    CHECK(cell.starts_with('\''));
  }

  const auto imported = registrations_from_csv(file, test_event());
  INFO(describe(imported));
  REQUIRE(imported.ok());
  REQUIRE(imported.rows.size() == names.size());
  for (std::size_t i = 0; i < names.size(); ++i) CHECK(imported.rows[i].registration.name == names[i]);
}

TEST_CASE("CSV registrations: a bad file reports every bad row on its own line and imports nothing") {
  const std::string file =
      "name,delegation,email,category,status,notes\n"  // 1
      "Trần Minh,VN,minh@example.vn,delegate,,\n"      // 2 fine
      ",VN,,,,\n"                                      // 3 no name
      "Somchai,th,,,,\n"                               // 4 delegation not a code
      "Ana,PH,ana.example.ph,,,\"a note\n"             // 5 bad e-mail; notes run to line 7
      "on three\n"                                     // 6
      "lines\"\n"                                      // 7
      "Budi,ID,,minister,approved,\n"                  // 8 unknown category
      "Siti,MY,MINH@example.vn,,maybe,\n"              // 9 duplicate e-mail, bad status
      ",,,,,\n"                                        // 10 blank: skipped
      "Kim,KH,,,,x\"y\n"                               // 11 CSV syntax error
      "Lan,VN,lan@example.vn,,pending,ok\n";           // 12 fine
  const auto result = registrations_from_csv(file, test_event());
  INFO(describe(result));
  CHECK_FALSE(result.ok());
  CHECK(result.rows.empty());
  CHECK(errors_of(result) ==
        LineAndField{
            {3, "name"}, {4, "delegation"}, {5, "email"}, {8, "category"}, {9, "status"}, {9, "email"}, {11, ""}});
  CHECK(result.errors[5].reason.find("line 2") != std::string::npos);
}

TEST_CASE("CSV registrations: an unterminated quote is reported where it starts") {
  const std::string file = "name,delegation,notes\nA,VN,ok\nB,VN,\"never closed\nC,VN,\n";
  const auto result = registrations_from_csv(file, test_event());
  CHECK(errors_of(result) == LineAndField{{3, ""}});
  CHECK(result.rows.empty());
}

TEST_CASE("CSV registrations: an unknown column is an error on line 1 naming it") {
  const auto result = registrations_from_csv("name,delegation,Favourite_Colour\nA,VN,blue\n", test_event());
  CHECK(errors_of(result) == LineAndField{{1, "favourite_colour"}});
  CHECK(result.rows.empty());
}

TEST_CASE("CSV registrations: the name and delegation columns are required") {
  const auto result = registrations_from_csv("email,position\na@example.org,Director\n", test_event());
  CHECK(errors_of(result) == LineAndField{{1, "name"}, {1, "delegation"}});
}

TEST_CASE("CSV registrations: columns come in any order and case, and read-only export columns are ignored") {
  const auto result = registrations_from_csv(
      " Delegation ,CHECKED_IN_AT,Name,ID,Status\nSG,2024-11-19T08:00:00+08:00,Tan Ah Kow,99,approved\n", test_event());
  INFO(describe(result));
  REQUIRE(result.ok());
  REQUIRE(result.rows.size() == 1);
  CHECK(result.rows[0].registration.name == "Tan Ah Kow");
  CHECK(result.rows[0].registration.delegation == "SG");
  CHECK(result.rows[0].registration.id == 0);
  CHECK(result.rows[0].status == RegistrationStatus::approved);
}

TEST_CASE("CSV registrations: an empty file, a malformed header and too many rows are errors") {
  CHECK(errors_of(registrations_from_csv("", test_event())) == LineAndField{{1, ""}});
  CHECK(errors_of(registrations_from_csv("name,\"deleg\"ation\nA,VN\n", test_event())) == LineAndField{{1, ""}});
  const auto big = registrations_from_csv("name,delegation\nA,VN\nB,VN\nC,VN\nD,VN\n", test_event(), 3);
  CHECK(errors_of(big) == LineAndField{{5, ""}});
  CHECK(big.rows.empty());
}

TEST_CASE("CSV registrations: a row with more cells than the header is an error, fewer cells are empty") {
  const auto result = registrations_from_csv("name,delegation,notes\nA,VN\nB,VN,x,extra\nC,VN,,,\n", test_event());
  CHECK(errors_of(result) == LineAndField{{3, ""}});
}
