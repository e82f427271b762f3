#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include "db/connection.hpp"
#include "db/migration.hpp"
#include "db/transaction.hpp"

namespace plenary::db {

struct DatabaseOptions {
  std::filesystem::path path;
  std::size_t readers = 4;
  std::chrono::milliseconds busy_timeout{5000};
  // Defaults to builtin_migrations() when empty.
  std::span<const Migration> migrations;
  // Called after every read or write with its wall time (queueing included).
  std::function<void(const char* kind, std::chrono::nanoseconds)> on_timing;
};

// The SQLite database file and the threading model around it.
//
// Owns one write connection, used only by the writer thread it owns, and a
// pool of read-only connections. write() hands a job to the writer thread and
// runs it there inside BEGIN IMMEDIATE, so all writes are serialised and a
// read-check-write in one job (a seat claim) cannot race another. read() runs
// on the calling thread with a pooled connection inside one read transaction
// (a consistent snapshot; WAL lets it run beside the writer).
//
// Both block the calling thread: call them from worker threads, never from an
// I/O thread. Thread-safety: every member function may be called from any
// thread, except that write() must not be called from inside a write job.
class Database {
 public:
  explicit Database(DatabaseOptions options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  template <class F>
  auto write(F&& job) -> std::invoke_result_t<F&, Connection&> {
    using Result = std::invoke_result_t<F&, Connection&>;
    const auto started = std::chrono::steady_clock::now();
    // Shared with the queued job: the writer thread may still be inside the
    // task's operator() when this caller wakes up and returns.
    auto task = std::make_shared<std::packaged_task<Result(Connection&)>>([&job](Connection& connection) -> Result {
      Transaction transaction(connection, Transaction::Mode::immediate);
      if constexpr (std::is_void_v<Result>) {
        job(connection);
        transaction.commit();
      } else {
        Result result = job(connection);
        transaction.commit();
        return result;
      }
    });
    auto future = task->get_future();
    submit([task](Connection& connection) { (*task)(connection); });
    struct Timing {
      const Database& db;
      std::chrono::steady_clock::time_point started;
      ~Timing() { db.record("write", started); }
    } timing{*this, started};
    return future.get();
  }

  template <class F>
  auto read(F&& job) -> std::invoke_result_t<F&, Connection&> {
    using Result = std::invoke_result_t<F&, Connection&>;
    const auto started = std::chrono::steady_clock::now();
    ReaderLease lease(*this);
    struct Timing {
      const Database& db;
      std::chrono::steady_clock::time_point started;
      ~Timing() { db.record("read", started); }
    } timing{*this, started};
    Transaction transaction(*lease.connection);
    if constexpr (std::is_void_v<Result>) {
      job(*lease.connection);
      transaction.commit();
    } else {
      Result result = job(*lease.connection);
      transaction.commit();
      return result;
    }
  }

  // True when a read connection answers a trivial query.
  bool ping() noexcept;
  int schema_version() const noexcept { return schema_version_; }
  const MigrationReport& migration_report() const noexcept { return migration_report_; }
  // Finishes queued writes, then closes every connection (checkpointing the
  // WAL). Later calls to read() or write() throw. Idempotent.
  void close();

 private:
  using Job = std::function<void(Connection&)>;
  struct ReaderLease {
    explicit ReaderLease(Database& db);
    ~ReaderLease();
    ReaderLease(const ReaderLease&) = delete;
    ReaderLease& operator=(const ReaderLease&) = delete;
    Database& db;
    std::unique_ptr<Connection> connection;
  };

  void submit(Job job);
  void writer_loop();
  void record(const char* kind, std::chrono::steady_clock::time_point started) const;

  DatabaseOptions options_;
  std::unique_ptr<Connection> writer_connection_;
  MigrationReport migration_report_;
  int schema_version_ = 0;

  std::mutex jobs_mutex_;
  std::condition_variable jobs_ready_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::thread writer_;
  std::thread::id writer_id_;

  std::mutex readers_mutex_;
  std::condition_variable reader_returned_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;
  std::size_t readers_out_ = 0;
  bool closed_ = false;
};

}  // namespace plenary::db
