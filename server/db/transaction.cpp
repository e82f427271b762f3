#include "db/transaction.hpp"

#include "db/connection.hpp"

namespace plenary::db {

Transaction::Transaction(Connection& connection, Mode mode) : connection_(connection) {
  connection_.exec(mode == Mode::immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    // SQLite may already have rolled back on some errors (e.g. SQLITE_FULL).
    if (connection_.in_transaction()) connection_.exec("ROLLBACK");
  } catch (...) {
    // Nothing useful to do: the connection will roll back when closed.
  }
}

void Transaction::commit() {
  connection_.exec("COMMIT");
  open_ = false;
}

}  // namespace plenary::db
