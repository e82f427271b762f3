#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace plenary::domain {

// CSV as RFC 4180 describes it, plus what spreadsheets need in practice: an
// optional UTF-8 byte order mark (Excel reads UTF-8 as a legacy code page
// without one) and a guard against formula injection (OWASP "CSV injection").
// Pure functions over bytes, no I/O; safe to call from any thread.

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// One record of a file: its fields, and the 1-based physical line it starts
// on (a quoted field with line breaks makes a record span several lines).
struct CsvRecord {
  std::size_t line = 0;
  std::vector<std::string> fields;
};

// A syntax or limit problem, on the physical line where it was found.
struct CsvError {
  std::size_t line = 0;
  std::string reason;  // in words a person editing the file understands
};

struct CsvReadOptions {
  // Limits: the file comes from a client, so nothing it holds may grow without bound.
  std::size_t max_field_bytes = 64 * 1024;
  std::size_t max_fields_per_record = 256;
  std::size_t max_records = 100'000;
  // Undo the writer's formula guard (see unguard_formula), so that
  // parse_csv(write_csv(x)) == x.
  bool unguard_formulas = true;
};

struct CsvReadResult {
  std::vector<CsvRecord> records;  // the well-formed records, in file order
  std::vector<CsvError> errors;    // in file order; empty when the whole file parsed
  bool ok() const noexcept { return errors.empty(); }
};

// Reads a whole file. Accepts CRLF and LF line ends, skips a leading UTF-8 BOM
// and completely empty lines at the end (an empty line elsewhere is a record
// with one empty field). Every field is valid UTF-8 (not normalized).
//
// Errors are returned, not thrown, so an import can show all of them at once:
// - a problem confined to one record (a quote inside an unquoted field, text
//   after a closing quote, a lone carriage return, invalid UTF-8, too many
//   fields) drops that record, and reading goes on at the next line;
// - a problem that leaves the rest of the file unreadable (a quoted field
//   that never ends, a field longer than the limit, too many records, a
//   UTF-16 file) ends reading; the records before it are still returned.
CsvReadResult parse_csv(std::string_view bytes, const CsvReadOptions& options = {});

struct CsvWriteOptions {
  bool byte_order_mark = false;  // set it for files meant for Excel
  bool guard_formulas = true;
};

// Appends one record, each field guarded (when asked) and quoted only when it
// must be, ended by CRLF.
void append_csv_record(std::string& out, const std::vector<std::string>& fields, bool guard_formulas = true);
// A whole file: optional BOM, then each record.
std::string write_csv(const std::vector<std::vector<std::string>>& records, const CsvWriteOptions& options = {});

// A spreadsheet runs a cell that starts with = + - @ TAB or CR as a formula
// (=HYPERLINK(...) can leak data), so such a cell is written with a leading
// apostrophe, which makes the spreadsheet treat it as text. So that the
// mapping is exactly reversible, a value that already starts with apostrophes
// followed by one of those characters gets one more.
std::string guard_formula(std::string_view value);
// The inverse: one apostrophe is removed from a cell of apostrophes followed
// by a formula character ("'=1+1" -> "=1+1", "''@x" -> "'@x"); any other
// cell is kept as it is ("'abc" stays "'abc").
std::string unguard_formula(std::string_view cell);

}  // namespace plenary::domain
