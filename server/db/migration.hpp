#pragma once

#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace plenary::db {

class Connection;

// One schema step from schema/NNNN_name.sql. `version` is NNNN.
struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// The migrations compiled into this binary (generated from schema/).
const std::vector<Migration>& builtin_migrations();

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
};

// Brings `connection` to the newest version in `migrations`. Each pending
// migration runs in its own IMMEDIATE transaction that also sets
// PRAGMA user_version, so a failure leaves the previous version intact.
// Throws SchemaError for a newer database or a broken migration list, and
// MigrationError (naming the file) when a migration fails.
MigrationReport migrate(Connection& connection, std::span<const Migration> migrations);

class SchemaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace plenary::db
