#include "db/checkpointer.hpp"

#include <sqlite3.h>

namespace plenary::db {

Checkpointer::Checkpointer(const std::string& path, int threshold_frames, std::chrono::milliseconds busy_timeout,
                           std::function<void(const CheckpointReport&)> on_checkpoint)
    : connection_(path, ConnectionOptions{.busy_timeout = busy_timeout, .create = false}),
      threshold_frames_(threshold_frames < 1 ? 1 : threshold_frames),
      on_checkpoint_(std::move(on_checkpoint)) {
  thread_ = std::thread([this] { loop(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  due_changed_.notify_all();
  thread_.join();
}

void Checkpointer::committed(sqlite3* writer, int log_frames) {
  if (log_frames < threshold_frames_) return;
  if (log_frames >= 4 * threshold_frames_) return checkpoint(writer, true);
  {
    std::lock_guard lock(mutex_);
    if (due_) return;
    due_ = true;
  }
  due_changed_.notify_one();
}

void Checkpointer::loop() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      due_changed_.wait(lock, [this] { return due_ || stopping_; });
      if (stopping_) return;
      due_ = false;
    }
    checkpoint(connection_.handle(), false);
  }
}

void Checkpointer::checkpoint(sqlite3* connection, bool by_writer) {
  // PASSIVE: copies every frame no reader still needs, waits for no lock and
  // blocks nobody; SQLITE_BUSY when the other one is checkpointing at the
  // moment. What is left is copied next time. The writer's own usually has
  // little to copy (the thread copied most of the log already), but as
  // nothing is written meanwhile it finishes the log, and the next write
  // starts it over.
  CheckpointReport report{.by_writer = by_writer};
  const auto started = std::chrono::steady_clock::now();
  report.result = sqlite3_wal_checkpoint_v2(connection, nullptr, SQLITE_CHECKPOINT_PASSIVE, &report.log_frames,
                                            &report.backfilled_frames);
  report.took = std::chrono::steady_clock::now() - started;
  if (on_checkpoint_) on_checkpoint_(report);
}

}  // namespace plenary::db
