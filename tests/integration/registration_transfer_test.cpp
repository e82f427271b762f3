#include <algorithm>
#include <set>

#include <doctest/doctest.h>

#include "domain/csv.hpp"
#include "support/desk.hpp"

using namespace plenary;
using namespace plenary::test;
using nlohmann::json;

namespace {

const std::string kImport = "/api/v1/events/somri-21/registrations/import";
const std::string kExport = "/api/v1/events/somri-21/registrations.csv";

HttpResult upload(Desk& desk, const std::string& csv, const std::string& token,
                  const std::string& content_type = "text/csv; charset=utf-8") {
  return http_request(desk.server.port(), "POST", kImport, csv,
                      {{"Content-Type", content_type}, {"Authorization", "Bearer " + token}});
}

HttpResult download(Desk& desk, const std::string& query = {}) {
  return http_request(desk.server.port(), "GET", kExport + query, {}, {{"Authorization", "Bearer " + desk.registrar}});
}

std::size_t registration_count(Desk& desk) {
  return desk.call("GET", "/api/v1/events/somri-21/registrations?limit=200", nullptr, desk.registrar)
      .json()["items"]
      .size();
}

// A delegation list as it arrives from a spreadsheet: BOM, CRLF, names in
// their own scripts, and cells with commas, quotes and line breaks.
const std::string kDelegationList =
    "\xEF\xBB\xBF"
    "name,delegation,category,email,position,organisation,notes,status\r\n"
    "Nguyễn Thị Hồng Ngọc,VN,head_of_delegation,ngoc@mic.example,Vụ trưởng,\"Bộ Thông tin và Truyền thông, Việt "
    "Nam\",,approved\r\n"
    "สมชาย ใจดี,TH,delegate,somchai@mdes.example,,\"Ministry of Digital Economy and Society\",\"Halal meals, "
    "please\",\r\n"
    "ສົມພອນ ແກ້ວມະນີ,LA,delegate,somphone@mtc.example,,,\"Wheelchair access\r\nand a \"\"quiet\"\" room\",approved\r\n";

}  // namespace

TEST_CASE("a delegation list imports with every script and quoted cell intact, and exports back the same") {
  Desk desk;
  const auto imported = upload(desk, kDelegationList, desk.registrar);
  REQUIRE(imported.status == 201);
  CHECK(imported.json()["imported"] == 3);
  CHECK(imported.json()["approved"] == 2);
  const json rows = imported.json()["registrations"];
  CHECK(rows[0]["line"] == 2);
  CHECK(rows[0]["status"] == "approved");
  CHECK(rows[1]["status"] == "pending");
  CHECK_FALSE(rows[1].contains("access_code"));
  std::string code = rows[0]["access_code"];
  std::erase(code, '-');
  CHECK(rows[0]["access_link"] == "/e/somri-21/#code=" + code);
  // An approved import row signs in with the code it was given, once.
  const auto signed_in = desk.call("POST", "/api/v1/auth/code", {{"code", rows[0]["access_code"]}});
  REQUIRE(signed_in.status == 200);
  const json me = desk.call("GET", "/api/v1/me", nullptr, signed_in.json()["token"]).json();
  CHECK(me["name"] == "Nguyễn Thị Hồng Ngọc");
  CHECK(me["organisation"] == "Bộ Thông tin và Truyền thông, Việt Nam");

  const auto exported = download(desk);
  REQUIRE(exported.status == 200);
  CHECK(exported.header("Content-Type") == "text/csv; charset=utf-8");
  CHECK(exported.header("Content-Disposition").find("somri-21-registrations.csv") != std::string::npos);
  CHECK(exported.body.starts_with("\xEF\xBB\xBF"));
  const auto table = domain::parse_csv(exported.body);
  REQUIRE(table.ok());
  REQUIRE(table.records.size() == 4);
  const auto& header = table.records[0].fields;
  const auto column = [&](std::string_view name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  CHECK(table.records[1].fields[column("name")] == "Nguyễn Thị Hồng Ngọc");
  CHECK(table.records[2].fields[column("notes")] == "Halal meals, please");
  CHECK(table.records[3].fields[column("notes")] == "Wheelchair access\r\nand a \"quiet\" room");
  CHECK(table.records[3].fields[column("name")] == "ສົມພອນ ແກ້ວມະນີ");

  // The export imports into a fresh desk as the same people.
  Desk other;
  const auto again = upload(other, exported.body, other.admin);
  REQUIRE(again.status == 201);
  const auto round_trip = domain::parse_csv(download(other).body);
  REQUIRE(round_trip.records.size() == 4);
  for (std::size_t row = 1; row < 4; ++row) {
    for (const char* field : {"name", "delegation", "category", "email", "position", "organisation", "notes"}) {
      CAPTURE(field);
      CHECK(round_trip.records[row].fields[column(field)] == table.records[row].fields[column(field)]);
    }
  }
}

TEST_CASE("a bad import names every bad line and changes nothing") {
  Desk desk;
  desk.register_delegate("Already Here", "SG", "here@mddi.example");
  const std::string bad =
      "name,delegation,email,category\n"
      "Good Person,PH,good@dict.example,delegate\n"
      "\"Multi\nline name\",XX1,not-an-email,delegate\n"
      "Another,MY,here@mddi.example,chief\n"
      ",ID,,delegate\n";
  const auto refused = upload(desk, bad, desk.registrar);
  REQUIRE(refused.status == 422);
  CHECK(refused.header("Content-Type") == "application/problem+json");
  const json errors = refused.json()["errors"];
  std::set<std::pair<int, std::string>> found;
  for (const auto& error : errors) {
    found.emplace(error["line"].get<int>(),
                  error["field"].is_null() ? std::string() : error["field"].get<std::string>());
  }
  CHECK(found.count({3, "delegation"}) == 1);
  CHECK(found.count({3, "email"}) == 1);
  CHECK(found.count({5, "category"}) == 1);
  CHECK(found.count({6, "name"}) == 1);
  CHECK(registration_count(desk) == 1);

  // A file whose rows are fine but clash with the database is refused whole.
  const auto clash =
      upload(desk, "name,delegation,email\nNew One,PH,new@dict.example\nSame,SG,HERE@mddi.example\n", desk.registrar);
  REQUIRE(clash.status == 422);
  CHECK(clash.json()["errors"][0]["line"] == 3);
  CHECK(clash.json()["errors"][0]["field"] == "email");
  CHECK(registration_count(desk) == 1);

  CHECK(upload(desk, "name,delegation\nA,PH\n", desk.registrar, "application/json").status == 415);
  CHECK(upload(desk, "name,delegation\n\"never closed,PH\n", desk.registrar).json()["errors"][0]["line"] == 2);
}

TEST_CASE("an exported name cannot become a spreadsheet formula") {
  Desk desk;
  desk.register_delegate("=HYPERLINK(\"http://evil.example\",\"Click\")", "VN", "formula@evil.example");
  desk.register_delegate("@SUM(A1:A9)", "VN", "at@evil.example");
  const auto exported = download(desk, "?delegation=VN");
  REQUIRE(exported.status == 200);
  // No cell, quoted or not, starts with a formula character.
  for (const std::string_view start : {",=", ",@", "\n=", "\n@", ",\"=", ",\"@", "\n\"=", "\n\"@"}) {
    CAPTURE(start);
    CHECK(exported.body.find(start) == std::string::npos);
  }
  CHECK(exported.body.find("'=HYPERLINK") != std::string::npos);
  // Imported again, the names come back as they were typed.
  Desk other;
  REQUIRE(upload(other, exported.body, other.admin).status == 201);
  const json names = other.call("GET", "/api/v1/events/somri-21/registrations", nullptr, other.admin).json()["items"];
  CHECK(names[0]["name"] == "=HYPERLINK(\"http://evil.example\",\"Click\")");
  CHECK(names[1]["name"] == "@SUM(A1:A9)");
}
