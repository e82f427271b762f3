#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/agenda.hpp"
#include "domain/registration.hpp"

namespace plenary::api {

// Registrations as a spreadsheet: the host's export, and a bulk import that
// is all or nothing. Pure functions (no HTTP, no database), safe on any thread.
// An import row is read by read_registration() exactly as a JSON body is, so
// the rules live in one place.

// The columns of an export, in order. `id` and `checked_in_at` are for
// reading only: an import accepts and ignores them, so an export can be
// edited and imported again.
inline constexpr std::array<std::string_view, 13> kRegistrationCsvColumns{
    "id",         "name",  "position", "organisation", "delegation", "category", "email", "phone", "preferred_language",
    "attendance", "notes", "status",   "checked_in_at"};

// A file no person checks by eye is a mistake or an attack.
inline constexpr std::size_t kMaxImportRows = 10'000;

struct RegistrationExportOptions {
  bool byte_order_mark = true;  // without it Excel reads UTF-8 as a legacy code page
};

// A header row, then one row per registration. `checked_in_at` holds the
// RFC 3339 time each registration was checked in (nullopt: not yet), parallel
// to `registrations`; it may be empty when nobody is. Any other size is a
// programming error: std::invalid_argument.
std::string registrations_to_csv(const std::vector<domain::Registration>& registrations,
                                 const std::vector<std::optional<std::string>>& checked_in_at,
                                 const RegistrationExportOptions& options = {});

// One valid row of an import.
struct ImportedRegistration {
  std::size_t line = 0;  // where the row starts in the file
  // As read_registration() gives it: event_id set, id 0, status pending.
  domain::Registration registration;
  // The status the row asks for: pending or approved. Kept apart because
  // approving has consequences (an access code) that the caller carries out.
  domain::RegistrationStatus status = domain::RegistrationStatus::pending;
};

// One problem with an import, on the line where its row starts.
struct ImportError {
  std::size_t line = 0;
  std::string field;   // the column, as the export names it; empty for the row or the file as a whole
  std::string reason;  // what is wrong, in words a person understands
};

struct RegistrationImport {
  std::vector<ImportedRegistration> rows;  // every row of the file, or none when there is any error
  std::vector<ImportError> errors;         // every problem found, by line
  bool ok() const noexcept { return errors.empty(); }
};

// Reads an import file (UTF-8, optional BOM). The first row names the
// columns, in any order and any case; `name` and `delegation` must be there.
// An empty cell is an absent field. `status` is pending (when empty) or
// approved. Rows whose cells are all blank are skipped. An e-mail address
// used twice in the file is an error on the later row; addresses already in
// the database are the caller's to check.
//
// Errors in the header row are reported alone, since the rows cannot be read
// without it. Otherwise every row is checked and every problem reported,
// together with CSV syntax errors.
RegistrationImport registrations_from_csv(std::string_view bytes, const domain::Event& event,
                                          std::size_t max_rows = kMaxImportRows);

}  // namespace plenary::api
