#pragma once

namespace plenary::db {

class Connection;

// A transaction on one Connection that rolls back unless commit() is called.
// `immediate` takes the write lock at BEGIN, so a read-check-write inside it
// cannot race another writer. The destructor never throws.
// Thread-safety: that of its Connection.
class Transaction {
 public:
  enum class Mode { deferred, immediate };
  explicit Transaction(Connection& connection, Mode mode = Mode::deferred);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  Connection& connection_;
  bool open_ = true;
};

}  // namespace plenary::db
