#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "db/connection.hpp"

struct sqlite3;

namespace plenary::db {

// What one checkpoint did: WAL frames in the log, frames copied into the
// database file (when that is all of them, the next write starts the log
// over), how long it took, SQLite's answer (SQLITE_OK, or why it could not run), and whether
// the writer had to do it itself.
struct CheckpointReport {
  int log_frames = 0;
  int backfilled_frames = 0;
  std::chrono::nanoseconds took{};
  int result = 0;
  bool by_writer = false;
};

// Copies the write-ahead log back into the database file on its own thread
// and connection, so that no COMMIT waits for that copy (and its fsyncs).
// SQLite's own automatic checkpoint runs inside the COMMIT that crosses its
// threshold: every thousandth page or so, one write (and the live updates
// published after it) waited for the whole copy.
//
// Owns one read-write connection and the thread that uses it. After each
// COMMIT the writer calls committed() with the log's size. From
// `threshold_frames` on, the thread runs a PASSIVE checkpoint: it copies
// every frame no reader still needs, blocking no reader and not the writer.
// When it has copied them all before the next write begins, that write
// starts the log over. Under writes that never pause it seldom has, and the
// log grows; from four times the threshold the writer checkpoints itself
// after its COMMIT, as SQLite would have, but with most of the log already
// copied: it finishes the log, and the next write starts it over.
// Thread-safety: committed() is for the writer thread only; the destructor
// waits for a checkpoint in progress.
class Checkpointer {
 public:
  Checkpointer(const std::string& path, int threshold_frames, std::chrono::milliseconds busy_timeout,
               std::function<void(const CheckpointReport&)> on_checkpoint);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // `writer`: the connection that committed; the log now holds `log_frames`.
  void committed(sqlite3* writer, int log_frames);

 private:
  void loop();
  void checkpoint(sqlite3* connection, bool by_writer);

  Connection connection_;
  int threshold_frames_;
  std::function<void(const CheckpointReport&)> on_checkpoint_;
  std::mutex mutex_;
  std::condition_variable due_changed_;
  bool due_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace plenary::db
