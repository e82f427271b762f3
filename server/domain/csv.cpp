#include "domain/csv.hpp"

#include <algorithm>

#include "domain/text.hpp"

namespace plenary::domain {
namespace {

constexpr std::string_view kFormulaStarts = "=+-@\t\r";

// True for a value a spreadsheet could run as a formula once one leading
// apostrophe is taken off: apostrophes, then a formula character.
bool starts_like_formula(std::string_view value) {
  const auto first = value.find_first_not_of('\'');
  return first != std::string_view::npos && kFormulaStarts.find(value[first]) != std::string_view::npos;
}

bool needs_quotes(std::string_view field) {
  return field.find_first_of(",\"\r\n") != std::string_view::npos ||
         (!field.empty() && (field.front() == ' ' || field.back() == ' '));
}

void append_field(std::string& out, std::string_view field) {
  if (!needs_quotes(field)) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// One pass over one file, for one parse_csv call on the caller's thread. It
// owns the result it builds; `bytes_` is the caller's.
class CsvParser {
 public:
  CsvParser(std::string_view bytes, const CsvReadOptions& options) : bytes_(bytes), options_(options) {}

  CsvReadResult run() && {
    if (bytes_.starts_with("\xFF\xFE") || bytes_.starts_with("\xFE\xFF")) {
      // Excel's "Unicode text" export; every byte pair would be reported as invalid UTF-8.
      stop(1, "the file is UTF-16 text; save it as \"CSV UTF-8\" instead");
      return std::move(result_);
    }
    if (bytes_.starts_with(kUtf8Bom)) bytes_.remove_prefix(kUtf8Bom.size());
    // Empty lines at the end are not records. Cutting them off first keeps the
    // parse linear however many there are.
    const auto last = bytes_.find_last_not_of("\r\n");
    bytes_ = last == std::string_view::npos ? std::string_view{} : bytes_.substr(0, last + 1);
    while (pos_ < bytes_.size() && !stopped_) read_record();
    return std::move(result_);
  }

 private:
  enum class After { next_field, end_of_record, bad_record, stop };

  void read_record() {
    if (records_seen_ == options_.max_records) {
      stop(line_, "the file has more than " + std::to_string(options_.max_records) + " records");
      return;
    }
    ++records_seen_;
    CsvRecord record{line_, {}};
    record_bad_ = false;
    bool too_many_fields = false;
    while (true) {
      std::string value;
      const std::size_t field_line = line_;
      const After after = pos_ < bytes_.size() && bytes_[pos_] == '"' ? read_quoted(value) : read_unquoted(value);
      if (after == After::stop) return;
      if (after == After::bad_record) {
        skip_line();
        return;
      }
      check_utf8(value, field_line);
      if (record.fields.size() < options_.max_fields_per_record) {
        record.fields.push_back(std::move(value));
      } else if (!too_many_fields) {
        too_many_fields = true;
        bad(field_line, "a record has more than " + std::to_string(options_.max_fields_per_record) + " fields");
      }
      if (after == After::end_of_record) break;
    }
    if (record_bad_) return;
    if (options_.unguard_formulas) {
      for (auto& field : record.fields) field = unguard_formula(field);
    }
    result_.records.push_back(std::move(record));
  }

  After read_unquoted(std::string& value) {
    const std::size_t start = pos_;
    const auto end = bytes_.find_first_of(",\"\r\n", pos_);
    pos_ = end == std::string_view::npos ? bytes_.size() : end;
    if (!fits(pos_ - start)) {
      bad(line_, "a field is longer than " + std::to_string(options_.max_field_bytes) + " bytes");
    } else {
      value.assign(bytes_.substr(start, pos_ - start));
    }
    if (pos_ == bytes_.size()) return After::end_of_record;
    switch (bytes_[pos_]) {
      case ',': ++pos_; return After::next_field;
      case '"':
        bad(line_,
            "a quote (\") inside a field that does not start with one; put the whole field in quotes and double "
            "each quote inside it");
        return After::bad_record;
      case '\r':
        if (pos_ + 1 == bytes_.size() || bytes_[pos_ + 1] != '\n') {
          bad(line_, "a carriage return that does not end the line; put the field in quotes");
          return After::bad_record;
        }
        ++pos_;
        [[fallthrough]];
      default:  // '\n'
        ++pos_;
        ++line_;
        return After::end_of_record;
    }
  }

  After read_quoted(std::string& value) {
    const std::size_t field_line = line_;
    bool too_long = false;
    ++pos_;  // the opening quote
    while (true) {
      const auto quote = bytes_.find('"', pos_);
      if (quote == std::string_view::npos) {
        stop(field_line, "a quoted field starts on this line and has no closing quote");
        return After::stop;
      }
      const std::string_view chunk = bytes_.substr(pos_, quote - pos_);
      line_ += static_cast<std::size_t>(std::count(chunk.begin(), chunk.end(), '\n'));
      const bool doubled = quote + 1 < bytes_.size() && bytes_[quote + 1] == '"';
      const std::size_t adds = chunk.size() + (doubled ? 1 : 0);
      if (!too_long && !fits(value.size() + adds)) too_long = true;
      // Past the limit the field is still scanned to its end, so the records after it are read right.
      if (!too_long) {
        value += chunk;
        if (doubled) value += '"';
      }
      pos_ = quote + (doubled ? 2 : 1);
      if (!doubled) break;
    }
    if (too_long) bad(field_line, "a field is longer than " + std::to_string(options_.max_field_bytes) + " bytes");
    if (pos_ == bytes_.size()) return After::end_of_record;
    if (bytes_[pos_] == ',') {
      ++pos_;
      return After::next_field;
    }
    if (bytes_[pos_] == '\n' || bytes_.substr(pos_).starts_with("\r\n")) {
      pos_ += bytes_[pos_] == '\n' ? 1 : 2;
      ++line_;
      return After::end_of_record;
    }
    bad(line_, "text after the closing quote of a field; a quote inside a quoted field must be doubled (\"\")");
    return After::bad_record;
  }

  bool fits(std::size_t size) const { return size <= options_.max_field_bytes; }

  void check_utf8(const std::string& value, std::size_t field_line) {
    const std::size_t valid = valid_utf8_prefix(value);
    if (valid == value.size()) return;
    // The line of the bad byte itself, which may be below the field's first line.
    const auto breaks = std::count(value.begin(), value.begin() + static_cast<std::ptrdiff_t>(valid), '\n');
    bad(field_line + static_cast<std::size_t>(breaks),
        "text that is not UTF-8; save the file as \"CSV UTF-8\" (the byte at offset " + std::to_string(valid) +
            " of a field is not valid)");
  }

  // After a syntax error the next record is taken to start on the next line:
  // right for the usual one-line record, and line numbers stay true.
  void skip_line() {
    const auto newline = bytes_.find('\n', pos_);
    if (newline == std::string_view::npos) {
      pos_ = bytes_.size();
      return;
    }
    pos_ = newline + 1;
    ++line_;
  }

  void bad(std::size_t line, std::string reason) {
    record_bad_ = true;
    result_.errors.push_back({line, std::move(reason)});
  }

  void stop(std::size_t line, std::string reason) {
    stopped_ = true;
    result_.errors.push_back({line, std::move(reason)});
  }

  std::string_view bytes_;
  const CsvReadOptions& options_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t records_seen_ = 0;
  bool record_bad_ = false;
  bool stopped_ = false;
  CsvReadResult result_;
};

}  // namespace

CsvReadResult parse_csv(std::string_view bytes, const CsvReadOptions& options) {
  return CsvParser(bytes, options).run();
}

std::string guard_formula(std::string_view value) {
  return starts_like_formula(value) ? "'" + std::string(value) : std::string(value);
}

std::string unguard_formula(std::string_view cell) {
  if (cell.starts_with('\'') && starts_like_formula(cell)) cell.remove_prefix(1);
  return std::string(cell);
}

void append_csv_record(std::string& out, const std::vector<std::string>& fields, bool guard_formulas) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    append_field(out, guard_formulas ? guard_formula(fields[i]) : fields[i]);
  }
  // A lone empty field would make an empty line, which a reader may skip.
  if (fields.size() == 1 && fields[0].empty()) out += "\"\"";
  out += "\r\n";
}

std::string write_csv(const std::vector<std::vector<std::string>>& records, const CsvWriteOptions& options) {
  std::string out;
  if (options.byte_order_mark) out += kUtf8Bom;
  for (const auto& record : records) append_csv_record(out, record, options.guard_formulas);
  return out;
}

}  // namespace plenary::domain
