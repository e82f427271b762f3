#include "domain/csv.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

using namespace plenary::domain;

namespace {

using Rows = std::vector<std::vector<std::string>>;

Rows fields_of(const CsvReadResult& result) {
  Rows rows;
  for (const auto& record : result.records) rows.push_back(record.fields);
  return rows;
}

std::vector<std::size_t> lines_of(const CsvReadResult& result) {
  std::vector<std::size_t> lines;
  for (const auto& record : result.records) lines.push_back(record.line);
  return lines;
}

std::vector<std::size_t> error_lines(const CsvReadResult& result) {
  std::vector<std::size_t> lines;
  for (const auto& error : result.errors) lines.push_back(error.line);
  return lines;
}

}  // namespace

TEST_CASE("CSV: quoted fields hold commas, doubled quotes and line breaks, and records know their first line") {
  const std::string file =
      "name,notes\r\n"
      "\"Lê, Văn\",\"said \"\"hello\"\"\"\r\n"
      "Somchai,\"line one\r\nline two\nline three\"\n"
      "\"\",plain\n";
  const auto result = parse_csv(file);
  REQUIRE(result.ok());
  CHECK(fields_of(result) == Rows{{"name", "notes"},
                                  {"Lê, Văn", "said \"hello\""},
                                  {"Somchai", "line one\r\nline two\nline three"},
                                  {"", "plain"}});
  CHECK(lines_of(result) == std::vector<std::size_t>{1, 2, 3, 6});
}

TEST_CASE("CSV: a UTF-8 byte order mark is dropped and bare LF line ends read like CRLF") {
  const auto with_bom = parse_csv("\xEF\xBB\xBFname,delegation\r\nNguyễn,VN\r\n");
  const auto without = parse_csv("name,delegation\nNguyễn,VN\n");
  REQUIRE(with_bom.ok());
  REQUIRE(without.ok());
  CHECK(fields_of(with_bom) == Rows{{"name", "delegation"}, {"Nguyễn", "VN"}});
  CHECK(fields_of(without) == fields_of(with_bom));
}

TEST_CASE("CSV: empty lines at the end are skipped, an empty line in the middle is a record") {
  const auto result = parse_csv("a,b\r\n\r\nc,d\r\n\r\n\n\r\n");
  REQUIRE(result.ok());
  CHECK(fields_of(result) == Rows{{"a", "b"}, {""}, {"c", "d"}});
  CHECK(lines_of(result) == std::vector<std::size_t>{1, 2, 3});
  CHECK(parse_csv("").records.empty());
  CHECK(parse_csv("\xEF\xBB\xBF\r\n\n").records.empty());
  CHECK(fields_of(parse_csv("last,line")) == Rows{{"last", "line"}});
  CHECK(fields_of(parse_csv("a,")) == Rows{{"a", ""}});
}

TEST_CASE("CSV: a quoted field that never ends stops reading, on the line where it starts") {
  const auto result = parse_csv("name\nfine\n\"broken\nstill inside\nand more\n");
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].line == 3);
  CHECK(result.errors[0].reason.find("no closing quote") != std::string::npos);
  CHECK(fields_of(result) == Rows{{"name"}, {"fine"}});  // what came before is still read
}

TEST_CASE("CSV: a stray quote or text after a closing quote spoils only its own record") {
  const std::string file =
      "a,b\n"
      "1,x\"y\n"                     // line 2: quote inside an unquoted field
      "\"multi\nline\",ok\n"         // lines 3-4
      "\"closed\"junk,2\n"           // line 5: text after the closing quote
      "3,\"fine \"\"quoted\"\"\"\n"  // line 6
      "4,lone\rreturn\n"             // line 7: a carriage return inside an unquoted field
      "5,end\n";                     // line 8
  const auto result = parse_csv(file);
  CHECK(error_lines(result) == std::vector<std::size_t>{2, 5, 7});
  CHECK(fields_of(result) == Rows{{"a", "b"}, {"multi\nline", "ok"}, {"3", "fine \"quoted\""}, {"5", "end"}});
  CHECK(lines_of(result) == std::vector<std::size_t>{1, 3, 6, 8});
}

TEST_CASE("CSV: invalid UTF-8 is reported on the line of the bad byte and the rest is still read") {
  const std::string file = "a,b\n\"ok\nbad \xC3(\",x\nnext,row\n";
  const auto result = parse_csv(file);
  CHECK(error_lines(result) == std::vector<std::size_t>{3});
  CHECK(fields_of(result) == Rows{{"a", "b"}, {"next", "row"}});
  CHECK(lines_of(result) == std::vector<std::size_t>{1, 4});
}

TEST_CASE("CSV: a UTF-16 file is refused with a hint to save it as UTF-8") {
  const auto result = parse_csv(std::string("\xFF\xFEn\0a\0", 6));
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].line == 1);
  CHECK(result.errors[0].reason.find("UTF-8") != std::string::npos);
}

TEST_CASE("CSV: limits on field size, fields per record and records are errors, never a crash") {
  const CsvReadOptions small{.max_field_bytes = 8, .max_fields_per_record = 3, .max_records = 4};
  SUBCASE("a long field spoils its record only") {
    const auto result = parse_csv("a\n123456789\n\"1234\n56789\"\nok\n", small);
    CHECK(error_lines(result) == std::vector<std::size_t>{2, 3});
    CHECK(fields_of(result) == Rows{{"a"}, {"ok"}});
  }
  SUBCASE("a record with too many fields") {
    const auto result = parse_csv("a,b,c,d\nx\n", small);
    CHECK(error_lines(result) == std::vector<std::size_t>{1});
    CHECK(fields_of(result) == Rows{{"x"}});
  }
  SUBCASE("too many records stops reading") {
    const auto result = parse_csv("1\n2\n3\n4\n5\n6\n", small);
    CHECK(error_lines(result) == std::vector<std::size_t>{5});
    CHECK(result.records.size() == 4);
  }
  SUBCASE("a million empty lines at the end are still nothing") {
    const auto result = parse_csv("a\n" + std::string(1'000'000, '\n'), small);
    CHECK(result.ok());
    CHECK(result.records.size() == 1);
  }
}

TEST_CASE("CSV: the writer quotes only when it must and ends records with CRLF") {
  const Rows rows{{"plain", "a,b", "say \"hi\"", "two\nlines", "cr\r\nlf", " lead", "trail ", "in side"}, {""}};
  const std::string file = write_csv(rows);
  CHECK(file ==
        "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\nlf\",\" lead\",\"trail \",in side\r\n"
        "\"\"\r\n");
  CHECK(write_csv(rows, {.byte_order_mark = true}).starts_with(kUtf8Bom));
  const auto back = parse_csv(file);
  REQUIRE(back.ok());
  CHECK(fields_of(back) == rows);
}

TEST_CASE("CSV: a cell that a spreadsheet would run as a formula is written as text and read back as it was") {
  const std::vector<std::string> values{"=HYPERLINK(\"http://x\",\"y\")",
                                        "+1+1",
                                        "-2",
                                        "@SUM(A1)",
                                        "\tTAB",
                                        "\rCR",
                                        "'=already guarded",
                                        "''+two apostrophes",
                                        "'plain apostrophe",
                                        "'",
                                        "a=b",
                                        ""};
  const std::string file = write_csv({values});
  const auto back = parse_csv(file, {.unguard_formulas = false});
  REQUIRE(back.ok());
  REQUIRE(back.records.size() == 1);
  for (const auto& cell : back.records[0].fields) {
    CAPTURE(cell);
    CHECK((cell.empty() || std::string_view("=+-@\t\r").find(cell.front()) == std::string_view::npos));
  }
  CHECK(back.records[0].fields[0] == "'=HYPERLINK(\"http://x\",\"y\")");
  CHECK(back.records[0].fields[8] == "'plain apostrophe");  // not a formula, so not touched
  const auto unguarded = parse_csv(file);
  REQUIRE(unguarded.ok());
  CHECK(unguarded.records[0].fields == values);
}

TEST_CASE("CSV: unguard_formula removes one apostrophe only before a formula character") {
  CHECK(unguard_formula("'=1+1") == "=1+1");
  CHECK(unguard_formula("''@x") == "'@x");
  CHECK(unguard_formula("'abc") == "'abc");
  CHECK(unguard_formula("'") == "'");
  CHECK(unguard_formula("=1+1") == "=1+1");
  CHECK(guard_formula("-5") == "'-5");
  CHECK(guard_formula("'-5") == "''-5");
  CHECK(guard_formula("5") == "5");
}
