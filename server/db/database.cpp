#include "db/database.hpp"

#include <stdexcept>

#include <sqlite3.h>

namespace plenary::db {

Database::Database(DatabaseOptions options) : options_(std::move(options)) {
  if (options_.migrations.empty()) options_.migrations = builtin_migrations();
  if (options_.readers == 0) options_.readers = 1;
  const std::string path = options_.path.string();
  writer_connection_ = std::make_unique<Connection>(path, ConnectionOptions{.busy_timeout = options_.busy_timeout});
  migration_report_ = migrate(*writer_connection_, options_.migrations);
  schema_version_ = migration_report_.to_version;
  // After each COMMIT, the log's size goes to the checkpointer instead of
  // SQLite's own automatic checkpoint, which this hook replaces.
  checkpointer_ = std::make_unique<Checkpointer>(path, options_.checkpoint_frames, options_.busy_timeout,
                                                 options_.on_checkpoint);
  sqlite3_wal_hook(
      writer_connection_->handle(),
      [](void* checkpointer, sqlite3* writer, const char*, int log_frames) {
        static_cast<Checkpointer*>(checkpointer)->committed(writer, log_frames);
        return SQLITE_OK;
      },
      checkpointer_.get());
  for (std::size_t i = 0; i < options_.readers; ++i) {
    idle_readers_.push_back(std::make_unique<Connection>(
        path,
        ConnectionOptions{
            .access = ConnectionOptions::Access::read_only, .busy_timeout = options_.busy_timeout, .create = false}));
  }
  writer_ = std::thread([this] { writer_loop(); });
  writer_id_ = writer_.get_id();
}

Database::~Database() {
  close();
}

void Database::submit(WriteJob job) {
  if (std::this_thread::get_id() == writer_id_) {
    throw std::logic_error("Database::write called from inside a write job");
  }
  {
    std::lock_guard lock(jobs_mutex_);
    if (stopping_) throw std::runtime_error("database is closed");
    jobs_.push_back(std::move(job));
  }
  jobs_ready_.notify_one();
}

void Database::writer_loop() {
  std::vector<WriteJob> batch;
  for (;;) {
    {
      std::unique_lock lock(jobs_mutex_);
      jobs_ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and every queued job is done
      while (!jobs_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(jobs_.front()));
        jobs_.pop_front();
      }
    }
    run_batch(batch);
    batch.clear();
  }
}

void Database::run_batch(std::vector<WriteJob>& batch) {
  Connection& connection = *writer_connection_;
  std::vector<std::exception_ptr> errors(batch.size());
  try {
    Transaction transaction(connection, Transaction::Mode::immediate);
    // A job alone needs no savepoint: if it throws, the transaction is its.
    const bool alone = batch.size() == 1;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (!alone) connection.exec("SAVEPOINT job");
      job_actions_.clear();
      try {
        batch[i].run(connection);
        if (!alone) connection.exec("RELEASE job");
        for (auto& action : job_actions_) batch_actions_.push_back(std::move(action));
      } catch (...) {
        errors[i] = std::current_exception();
        // Some errors (SQLITE_FULL, I/O) make SQLite roll back the whole
        // transaction: then the jobs before this one are undone too.
        if (!connection.in_transaction()) throw;
        if (!alone) {
          connection.exec("ROLLBACK TO job");
          connection.exec("RELEASE job");
        }
      }
    }
    if (!(alone && errors[0])) transaction.commit();
    run_actions();
  } catch (...) {
    // BEGIN, a savepoint or COMMIT failed: nothing of this batch is saved.
    const std::exception_ptr failure = std::current_exception();
    for (auto& error : errors) {
      if (!error) error = failure;
    }
  }
  job_actions_.clear();
  batch_actions_.clear();
  // Only now, after COMMIT, do callers learn their work is saved.
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].finish(errors[i]);
}

void Database::run_actions() noexcept {
  // The batch is durable whatever an action does: one that throws (against
  // its contract) is skipped, never turned into the jobs' failure.
  for (auto& action : batch_actions_) {
    try {
      action();
    } catch (...) {
    }
  }
}

void Database::after_commit(std::function<void()> action) {
  if (std::this_thread::get_id() != writer_id_) {
    throw std::logic_error("Database::after_commit called outside a write job");
  }
  job_actions_.push_back(std::move(action));
}

Database::ReaderLease::ReaderLease(Database& database) : db(database) {
  std::unique_lock lock(db.readers_mutex_);
  db.reader_returned_.wait(lock, [this] { return db.closed_ || !db.idle_readers_.empty(); });
  if (db.closed_) throw std::runtime_error("database is closed");
  connection = std::move(db.idle_readers_.back());
  db.idle_readers_.pop_back();
  ++db.readers_out_;
}

Database::ReaderLease::~ReaderLease() {
  {
    std::lock_guard lock(db.readers_mutex_);
    db.idle_readers_.push_back(std::move(connection));
    --db.readers_out_;
  }
  db.reader_returned_.notify_all();
}

void Database::record(const char* kind, std::chrono::steady_clock::time_point started) const {
  if (options_.on_timing) options_.on_timing(kind, std::chrono::steady_clock::now() - started);
}

bool Database::ping() noexcept {
  try {
    return read([](Connection& connection) {
      auto statement = connection.prepare("SELECT 1");
      return statement->step() && statement->int64(0) == 1;
    });
  } catch (...) {
    return false;
  }
}

void Database::close() {
  {
    std::lock_guard lock(jobs_mutex_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
  }
  jobs_ready_.notify_all();
  if (writer_.joinable()) writer_.join();
  {
    std::unique_lock lock(readers_mutex_);
    closed_ = true;
    reader_returned_.notify_all();
    // Readers still leased finish their read first.
    reader_returned_.wait(lock, [this] { return readers_out_ == 0; });
    idle_readers_.clear();
  }
  if (writer_connection_) sqlite3_wal_hook(writer_connection_->handle(), nullptr, nullptr);
  checkpointer_.reset();
  // Closing the writer last: the last connection checkpoints and removes the WAL.
  writer_connection_.reset();
}

}  // namespace plenary::db
