#include "db/migration.hpp"

#include <stdexcept>

#include "db/connection.hpp"
#include "db/error.hpp"
#include "db/transaction.hpp"

namespace plenary::db {
namespace {

struct ForeignKeysBackOn {
  Connection& connection;
  ~ForeignKeysBackOn() {
    try {
      connection.exec("PRAGMA foreign_keys=ON");
    } catch (...) {
    }
  }
};

}  // namespace

MigrationReport migrate(Connection& connection, std::span<const Migration> migrations) {
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      throw SchemaError("migration list is broken: " + migrations[i].name + " should be number " +
                        std::to_string(i + 1));
    }
  }
  const int latest = static_cast<int>(migrations.size());
  MigrationReport report;
  report.from_version = connection.user_version();
  report.to_version = report.from_version;
  if (report.from_version > latest) {
    throw SchemaError("the database " + connection.path() + " has schema version " +
                      std::to_string(report.from_version) + ", newer than this Plenary knows (" +
                      std::to_string(latest) + "); run a newer Plenary or restore a backup");
  }
  for (const Migration& migration : migrations) {
    if (migration.version <= report.to_version) continue;
    try {
      // Foreign keys are off while a migration runs (they cannot change inside a
      // transaction) so a table can be rebuilt the way SQLite documents; the
      // check below refuses any migration that leaves a dangling reference.
      connection.exec("PRAGMA foreign_keys=OFF");
      ForeignKeysBackOn restore{connection};
      Transaction transaction(connection, Transaction::Mode::immediate);
      connection.exec(migration.sql);
      {
        auto check = connection.prepare("PRAGMA foreign_key_check");
        if (check->step()) {
          throw MigrationError("migration " + migration.name + " leaves rows in " + check->text(0) +
                               " that break a foreign key; database left at version " +
                               std::to_string(report.to_version));
        }
      }
      // user_version lives in the database header, written by this same
      // transaction: the version and the schema change land together or not at all.
      connection.exec("PRAGMA user_version = " + std::to_string(migration.version));
      transaction.commit();
    } catch (const Error& error) {
      throw MigrationError("migration " + migration.name + " failed, database left at version " +
                           std::to_string(report.to_version) + ": " + error.what());
    }
    report.to_version = migration.version;
  }
  return report;
}

}  // namespace plenary::db
