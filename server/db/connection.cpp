#include "db/connection.hpp"

#include <sqlite3.h>

#include "db/error.hpp"

namespace plenary::db {

StatementLease::~StatementLease() {
  if (statement_ != nullptr) statement_->reset();
  if (in_use_ != nullptr) *in_use_ = false;
}

Connection::Connection(const std::string& path, ConnectionOptions options) : path_(path) {
  // NOMUTEX: a connection never crosses threads concurrently (see class comment),
  // so SQLite's per-connection mutex is pure overhead.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  if (options.create) flags |= SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw Error(rc, rc, "open " + path + ": " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, static_cast<int>(options.busy_timeout.count()));
  try {
    // WAL lets readers run beside the one writer; FULL makes every commit
    // durable across power loss: a user told "saved" is never wrong.
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec("PRAGMA foreign_keys=ON");
    exec("PRAGMA trusted_schema=OFF");
    if (options.access == ConnectionOptions::Access::read_only) exec("PRAGMA query_only=ON");
  } catch (...) {
    sqlite3_close_v2(db_);
    throw;
  }
}

Connection::~Connection() {
  cache_.clear();  // finalize every statement before closing
  // The last connection to close checkpoints the WAL and removes it.
  sqlite3_close_v2(db_);
}

void Connection::exec(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    const std::string detail = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    const int extended = sqlite3_extended_errcode(db_);
    if ((rc & 0xff) == SQLITE_CONSTRAINT) throw ConstraintError(rc & 0xff, extended, "exec: " + detail);
    throw Error(rc & 0xff, extended, "exec: " + detail);
  }
}

StatementLease Connection::prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    auto statement = std::make_unique<Statement>(db_, sql, true);
    it = cache_.emplace(std::string(sql), Cached{std::move(statement), false}).first;
  }
  Cached& cached = it->second;
  if (cached.in_use) {
    // Same SQL borrowed twice at once (e.g. nested iteration): use a one-off.
    auto owned = std::make_unique<Statement>(db_, sql, false);
    Statement* raw = owned.get();
    return StatementLease(raw, std::move(owned), nullptr);
  }
  cached.in_use = true;
  return StatementLease(cached.statement.get(), nullptr, &cached.in_use);
}

std::int64_t Connection::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

int Connection::changes() const {
  return sqlite3_changes(db_);
}

bool Connection::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

int Connection::user_version() {
  auto statement = prepare("PRAGMA user_version");
  statement->step();
  return static_cast<int>(statement->int64(0));
}

}  // namespace plenary::db
