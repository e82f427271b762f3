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
#include <optional>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

#include "db/checkpointer.hpp"
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
  // The write-ahead log is copied back into the database file once it holds
  // this many frames (pages), by the checkpointer's thread (see Checkpointer).
  int checkpoint_frames = 1000;
  // Called after each checkpoint, on the thread that ran it.
  std::function<void(const CheckpointReport&)> on_checkpoint;
};

// The SQLite database file and the threading model around it.
//
// Owns one write connection, used only by the writer thread it owns, and a
// pool of read-only connections. write() hands a job to the writer thread and
// runs it there inside BEGIN IMMEDIATE, so all writes are serialised and a
// read-check-write in one job (a seat claim) cannot race another.
//
// Group commit: the writer takes every job queued while it was busy (up to
// kMaxBatch) into one transaction, each job in its own SAVEPOINT (a job that
// throws is rolled back alone), and commits once: one fsync for the batch
// instead of one per job. write() returns only after that COMMIT, so nothing
// a caller reports as saved can be lost; if the COMMIT fails, every job of
// the batch gets the error. Jobs in one batch see each other's writes in
// queue order, exactly as if they had run one after another. read() runs
// on the calling thread with a pooled connection inside one read transaction
// (a consistent snapshot; WAL lets it run beside the writer).
//
// Both block the calling thread: call them from worker threads, never from an
// I/O thread. Thread-safety: every member function may be called from any
// thread, except that write() must not be called from inside a write job.
//
// Also owns the Checkpointer: the WAL is copied back beside the writer, and a
// COMMIT waits for that only if the log has grown to four times its threshold.
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
    struct Timing {
      const Database& db;
      std::chrono::steady_clock::time_point started;
      ~Timing() { db.record("write", started); }
    } timing{*this, started};
    // The caller waits below until the batch holding this job has committed
    // (or failed), so the writer may use `job` and `result` by reference.
    std::promise<void> done;
    auto finished = done.get_future();
    using Stored = std::conditional_t<std::is_void_v<Result>, std::monostate, Result>;
    std::optional<Stored> result;
    submit(WriteJob{[&](Connection& connection) {
                      if constexpr (std::is_void_v<Result>) {
                        job(connection);
                        result.emplace();
                      } else {
                        result.emplace(job(connection));
                      }
                    },
                    [&](std::exception_ptr error) {
                      if (error) {
                        done.set_exception(error);
                      } else {
                        done.set_value();
                      }
                    }});
    finished.get();  // rethrows the job's error, or the batch's COMMIT error
    if constexpr (!std::is_void_v<Result>) return std::move(*result);
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

  // From inside a write job only: runs `action` on the writer thread once the
  // job's batch has committed, in commit order (dropped if the job fails or
  // the COMMIT does). For telling others about a change that is now durable
  // (live updates), never for more database work. `action` must not throw.
  void after_commit(std::function<void()> action);

  // True when a read connection answers a trivial query.
  bool ping() noexcept;
  int schema_version() const noexcept { return schema_version_; }
  const MigrationReport& migration_report() const noexcept { return migration_report_; }
  // Finishes queued writes, then closes every connection (checkpointing the
  // WAL). Later calls to read() or write() throw. Idempotent.
  void close();

  // The most jobs one transaction takes; bounds how long a batch holds the
  // write lock and how much one failed COMMIT can take down with it.
  static constexpr std::size_t kMaxBatch = 256;

 private:
  // One write() call, as the writer thread runs it: `run` does the caller's
  // work inside the batch's transaction (and may throw); `finish` tells the
  // caller once that work is durable, or why it is not.
  struct WriteJob {
    std::function<void(Connection&)> run;
    std::function<void(std::exception_ptr)> finish;
  };
  struct ReaderLease {
    explicit ReaderLease(Database& db);
    ~ReaderLease();
    ReaderLease(const ReaderLease&) = delete;
    ReaderLease& operator=(const ReaderLease&) = delete;
    Database& db;
    std::unique_ptr<Connection> connection;
  };

  void submit(WriteJob job);
  void run_batch(std::vector<WriteJob>& batch);
  void run_actions() noexcept;
  void writer_loop();
  void record(const char* kind, std::chrono::steady_clock::time_point started) const;

  DatabaseOptions options_;
  std::unique_ptr<Connection> writer_connection_;
  std::unique_ptr<Checkpointer> checkpointer_;
  MigrationReport migration_report_;
  int schema_version_ = 0;

  std::mutex jobs_mutex_;
  std::condition_variable jobs_ready_;
  std::deque<WriteJob> jobs_;
  // Writer thread only: after_commit actions of the running job, then of the batch.
  std::vector<std::function<void()>> job_actions_;
  std::vector<std::function<void()>> batch_actions_;
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
