#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "db/statement.hpp"

struct sqlite3;

namespace plenary::db {

class Connection;

// A cached statement borrowed from its Connection for one use; on scope exit
// it is reset and its bindings cleared so the next borrower starts clean.
class StatementLease {
 public:
  StatementLease(Statement* statement, std::unique_ptr<Statement> owned, bool* in_use) noexcept
      : statement_(statement), owned_(std::move(owned)), in_use_(in_use) {}
  ~StatementLease();
  StatementLease(const StatementLease&) = delete;
  StatementLease& operator=(const StatementLease&) = delete;
  StatementLease(StatementLease&& other) noexcept
      : statement_(other.statement_), owned_(std::move(other.owned_)), in_use_(other.in_use_) {
    other.statement_ = nullptr;
    other.in_use_ = nullptr;
  }
  StatementLease& operator=(StatementLease&&) = delete;

  Statement* operator->() const noexcept { return statement_; }
  Statement& operator*() const noexcept { return *statement_; }

 private:
  Statement* statement_;
  std::unique_ptr<Statement> owned_;  // set when the cached one was already borrowed
  bool* in_use_;
};

struct ConnectionOptions {
  enum class Access { read_write, read_only };
  Access access = Access::read_write;
  std::chrono::milliseconds busy_timeout{5000};
  bool create = true;
};

// One SQLite connection (owns the sqlite3 handle and its statement cache).
// Opened in WAL mode with foreign keys on; read-only connections are
// `query_only`. Thread-safety: none. A connection is used by one thread at a
// time (the writer thread, or whichever worker leased it from the pool).
class Connection {
 public:
  explicit Connection(const std::string& path, ConnectionOptions options = {});
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs trusted SQL text, possibly several statements (migrations, pragmas).
  // Never call with anything built from input.
  void exec(std::string_view sql);
  // A statement from this connection's cache, prepared on first use.
  StatementLease prepare(std::string_view sql);

  std::int64_t last_insert_rowid() const;
  int changes() const;
  bool in_transaction() const;
  int user_version();
  const std::string& path() const noexcept { return path_; }
  sqlite3* handle() const noexcept { return db_; }

 private:
  struct Cached {
    std::unique_ptr<Statement> statement;
    bool in_use = false;
  };
  sqlite3* db_ = nullptr;
  std::string path_;
  std::unordered_map<std::string, Cached> cache_;
};

}  // namespace plenary::db
