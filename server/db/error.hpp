#pragma once

#include <stdexcept>
#include <string>

struct sqlite3;

namespace plenary::db {

// A failed SQLite call. `code` is the primary result code, `extended` the
// extended one (e.g. SQLITE_CONSTRAINT_UNIQUE). The message is for logs only:
// it may name tables and columns and is never sent to a client.
class Error : public std::runtime_error {
 public:
  Error(int code, int extended, const std::string& message)
      : std::runtime_error(message), code_(code), extended_(extended) {}
  int code() const noexcept { return code_; }
  int extended_code() const noexcept { return extended_; }

 private:
  int code_;
  int extended_;
};

// A UNIQUE, FOREIGN KEY, CHECK or NOT NULL constraint refused a write; stores
// catch it where it means a conflict the user can act on.
class ConstraintError : public Error {
 public:
  using Error::Error;
  bool is_unique() const noexcept;
  bool is_foreign_key() const noexcept;
};

// Throws the right Error for SQLite result `rc` on connection `db` (may be null).
[[noreturn]] void throw_error(sqlite3* db, int rc, const std::string& context);

}  // namespace plenary::db
