#include "api/registration_csv.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "api/registration_input.hpp"
#include "domain/csv.hpp"
#include "domain/text.hpp"
#include "http/api_error.hpp"

namespace plenary::api {
namespace {

// What an import does with each column it may find.
enum class ColumnRole {
  input,    // a field of read_registration()'s input
  status,   // the requested status
  ignored,  // read-only in an export
};

ColumnRole role_of(std::string_view column) {
  if (column == "status") return ColumnRole::status;
  if (column == "id" || column == "checked_in_at") return ColumnRole::ignored;
  return ColumnRole::input;
}

// Well above any notes field (2,000 characters of up to 4 bytes) so that an
// over-long cell is reported by read_registration with its column name.
constexpr std::size_t kMaxCellBytes = 16 * 1024;
constexpr std::size_t kMaxColumns = 64;

std::string optional_text(const std::optional<std::string>& value) {
  return value.value_or("");
}

bool is_blank_row(const std::vector<std::string>& cells) {
  return std::all_of(cells.begin(), cells.end(),
                     [](const std::string& cell) { return domain::trim_blanks(cell).empty(); });
}

std::string known_columns() {
  std::string list;
  for (auto column : kRegistrationCsvColumns) list += (list.empty() ? "" : ", ") + std::string(column);
  return list;
}

// The column name of each header cell, lower-cased, with every problem
// reported on the header's line.
std::vector<std::string> read_header(const domain::CsvRecord& header, std::vector<ImportError>& errors) {
  std::vector<std::string> columns;
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    std::string column = domain::ascii_lower(domain::trim_blanks(header.fields[i]));
    if (column.empty()) {
      errors.push_back({header.line, "", "column " + std::to_string(i + 1) + " has no name in the header row"});
    } else if (std::find(kRegistrationCsvColumns.begin(), kRegistrationCsvColumns.end(), column) ==
               kRegistrationCsvColumns.end()) {
      errors.push_back(
          {header.line, column, "is not a column of a registration import; the columns are " + known_columns()});
    } else if (std::find(columns.begin(), columns.end(), column) != columns.end()) {
      errors.push_back({header.line, column, "is a column twice in the header row"});
    }
    columns.push_back(std::move(column));
  }
  for (std::string_view required : {"name", "delegation"}) {
    if (std::find(columns.begin(), columns.end(), required) == columns.end()) {
      errors.push_back({header.line, std::string(required), "column is required in the header row"});
    }
  }
  return columns;
}

// Field errors read_registration() collected, as import errors on `line`.
// Validation keeps its list private; the 422 problem it throws carries it.
void collect(const http::Validation& validation, std::size_t line, std::vector<ImportError>& errors) {
  try {
    validation.throw_if_invalid();
  } catch (const http::ApiError& error) {
    for (const auto& item : error.extensions().value("errors", nlohmann::json::array())) {
      errors.push_back({line, item.value("field", ""), item.value("detail", "")});
    }
  }
}

// Checks the data rows of a file whose header is good: every problem goes to
// `errors`, every row to `rows`. Lives for one import, on the caller's
// thread; owns only the e-mail addresses seen so far (the rest is the caller's).
class RowReader {
 public:
  RowReader(const std::vector<std::string>& columns, const domain::Event& event, std::vector<ImportError>& errors)
      : columns_(columns), event_(event), errors_(errors) {}

  void read(const domain::CsvRecord& record, std::vector<ImportedRegistration>& rows) {
    const auto& cells = record.fields;
    const auto extra = cells.begin() + static_cast<std::ptrdiff_t>(std::min(cells.size(), columns_.size()));
    if (std::any_of(extra, cells.end(), [](const std::string& cell) { return !domain::trim_blanks(cell).empty(); })) {
      errors_.push_back({record.line, "",
                         "the row has " + std::to_string(cells.size()) + " cells but the header names only " +
                             std::to_string(columns_.size()) + " columns"});
    }
    nlohmann::json input = nlohmann::json::object();
    std::optional<domain::RegistrationStatus> status = domain::RegistrationStatus::pending;
    // A row shorter than the header has empty cells at its end, as some tools write it.
    for (std::size_t i = 0; i < columns_.size() && i < cells.size(); ++i) {
      if (cells[i].empty()) continue;
      switch (role_of(columns_[i])) {
        case ColumnRole::input: input[columns_[i]] = cells[i]; break;
        case ColumnRole::status: status = requested_status(cells[i]); break;
        case ColumnRole::ignored: break;
      }
    }
    if (!status) errors_.push_back({record.line, "status", "must be pending or approved (or empty for pending)"});

    http::Validation validation;
    domain::Registration registration = read_registration(input, event_, RegistrationEditor::host, validation);
    collect(validation, record.line, errors_);
    check_email_unique(registration, record.line);
    rows.push_back({record.line, std::move(registration), status.value_or(domain::RegistrationStatus::pending)});
  }

 private:
  static std::optional<domain::RegistrationStatus> requested_status(std::string_view cell) {
    using domain::RegistrationStatus;
    if (cell == domain::to_string(RegistrationStatus::pending)) return RegistrationStatus::pending;
    if (cell == domain::to_string(RegistrationStatus::approved)) return RegistrationStatus::approved;
    return std::nullopt;
  }

  void check_email_unique(const domain::Registration& registration, std::size_t line) {
    // read_registration() sets only a valid address, lower-cased.
    if (!registration.email) return;
    const auto [it, inserted] = first_line_of_email_.emplace(*registration.email, line);
    if (!inserted) {
      errors_.push_back({line, "email", "is the same address as on line " + std::to_string(it->second)});
    }
  }

  const std::vector<std::string>& columns_;
  const domain::Event& event_;
  std::vector<ImportError>& errors_;
  std::map<std::string, std::size_t> first_line_of_email_;
};

}  // namespace

std::string registrations_to_csv(const std::vector<domain::Registration>& registrations,
                                 const std::vector<std::optional<std::string>>& checked_in_at,
                                 const RegistrationExportOptions& options) {
  if (!checked_in_at.empty() && checked_in_at.size() != registrations.size()) {
    throw std::invalid_argument("registrations_to_csv: checked_in_at must be empty or parallel to registrations");
  }
  std::string out;
  if (options.byte_order_mark) out += domain::kUtf8Bom;
  domain::append_csv_record(out, {kRegistrationCsvColumns.begin(), kRegistrationCsvColumns.end()});
  for (std::size_t i = 0; i < registrations.size(); ++i) {
    const domain::Registration& r = registrations[i];
    domain::append_csv_record(
        out, {std::to_string(r.id), r.name, optional_text(r.position), optional_text(r.organisation), r.delegation,
              std::string(domain::to_string(r.category)), optional_text(r.email), optional_text(r.phone),
              optional_text(r.preferred_language), std::string(domain::to_string(r.attendance)), optional_text(r.notes),
              std::string(domain::to_string(r.status)),
              checked_in_at.empty() ? std::string() : optional_text(checked_in_at[i])});
  }
  return out;
}

RegistrationImport registrations_from_csv(std::string_view bytes, const domain::Event& event, std::size_t max_rows) {
  // Room for blank rows besides the data rows, which are counted below.
  const domain::CsvReadResult csv = domain::parse_csv(
      bytes, {.max_field_bytes = kMaxCellBytes, .max_fields_per_record = kMaxColumns, .max_records = 2 * max_rows + 2});
  RegistrationImport result;
  for (const auto& error : csv.errors) result.errors.push_back({error.line, "", error.reason});

  auto record = csv.records.begin();
  while (record != csv.records.end() && is_blank_row(record->fields)) ++record;
  // A CSV error before the first record read means the header itself was malformed.
  const bool header_lost =
      record == csv.records.end() ||
      std::any_of(csv.errors.begin(), csv.errors.end(), [&](const auto& e) { return e.line < record->line; });
  if (header_lost) {
    if (result.errors.empty()) {
      result.errors.push_back({1, "", "the file is empty; it needs a header row such as name,delegation,email"});
    }
    return result;
  }
  std::vector<ImportError> header_errors;
  const std::vector<std::string> columns = read_header(*record, header_errors);
  if (!header_errors.empty()) {
    result.errors.insert(result.errors.end(), header_errors.begin(), header_errors.end());
    std::stable_sort(result.errors.begin(), result.errors.end(),
                     [](const ImportError& a, const ImportError& b) { return a.line < b.line; });
    return result;
  }

  RowReader reader(columns, event, result.errors);
  std::size_t data_rows = 0;
  for (++record; record != csv.records.end(); ++record) {
    if (is_blank_row(record->fields)) continue;
    if (++data_rows > max_rows) {
      result.errors.push_back(
          {record->line, "",
           "the file has more than " + std::to_string(max_rows) + " registrations; import it in parts"});
      break;
    }
    reader.read(*record, result.rows);
  }
  std::stable_sort(result.errors.begin(), result.errors.end(),
                   [](const ImportError& a, const ImportError& b) { return a.line < b.line; });
  if (!result.errors.empty()) result.rows.clear();
  return result;
}

}  // namespace plenary::api
