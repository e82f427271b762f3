#include "db/error.hpp"

#include <sqlite3.h>

namespace plenary::db {

bool ConstraintError::is_unique() const noexcept {
  return extended_code() == SQLITE_CONSTRAINT_UNIQUE || extended_code() == SQLITE_CONSTRAINT_PRIMARYKEY;
}

bool ConstraintError::is_foreign_key() const noexcept {
  return extended_code() == SQLITE_CONSTRAINT_FOREIGNKEY;
}

void throw_error(sqlite3* db, int rc, const std::string& context) {
  const int extended = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  std::string message = context + ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) throw ConstraintError(rc & 0xff, extended, message);
  throw Error(rc & 0xff, extended, message);
}

}  // namespace plenary::db
