#include "db/database.hpp"

#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "db/error.hpp"
#include "support/temp_dir.hpp"

using namespace plenary;
using namespace plenary::db;

namespace {

const std::vector<Migration> kCounter{
    {1, "0001_counter.sql",
     "CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL);"
     "INSERT INTO counter VALUES (1, 0);"
     "CREATE TABLE seats (session INTEGER NOT NULL, delegate INTEGER NOT NULL, UNIQUE (session, delegate));"},
};

std::int64_t counter_value(Connection& connection) {
  auto statement = connection.prepare("SELECT value FROM counter WHERE id = 1");
  statement->step();
  return statement->int64(0);
}

}  // namespace

TEST_CASE("a committed write is visible to the next read") {
  test::TempDir dir;
  Database database({.path = dir.path() / "p.db", .migrations = kCounter});
  database.write([](Connection& c) { c.exec("UPDATE counter SET value = 41 WHERE id = 1"); });
  CHECK(database.read(counter_value) == 41);
}

TEST_CASE("read-check-write jobs from many threads never lose an update") {
  test::TempDir dir;
  Database database({.path = dir.path() / "p.db", .readers = 4, .migrations = kCounter});
  constexpr int kThreads = 8;
  constexpr int kEach = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        database.write([](Connection& c) {
          const std::int64_t seen = counter_value(c);
          auto update = c.prepare("UPDATE counter SET value = ?1 WHERE id = 1");
          update->bind(1, seen + 1);
          update->run();
        });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(database.read(counter_value) == kThreads * kEach);
}

TEST_CASE("a write job that throws rolls back all it did and the error reaches the caller") {
  test::TempDir dir;
  Database database({.path = dir.path() / "p.db", .migrations = kCounter});
  CHECK_THROWS_AS(database.write([](Connection& c) {
    c.exec("UPDATE counter SET value = 7 WHERE id = 1");
    c.exec("INSERT INTO seats VALUES (1, 1)");
    c.exec("INSERT INTO seats VALUES (1, 1)");  // unique constraint
  }),
                  ConstraintError);
  CHECK(database.read(counter_value) == 0);
  CHECK(database.read([](Connection& c) {
    auto statement = c.prepare("SELECT count(*) FROM seats");
    statement->step();
    return statement->int64(0);
  }) == 0);
}

TEST_CASE("a read connection cannot write") {
  test::TempDir dir;
  Database database({.path = dir.path() / "p.db", .migrations = kCounter});
  CHECK_THROWS_AS(database.read([](Connection& c) { c.exec("UPDATE counter SET value = 1"); }), Error);
}

TEST_CASE("calling write from inside a write job is refused instead of deadlocking") {
  test::TempDir dir;
  Database database({.path = dir.path() / "p.db", .migrations = kCounter});
  CHECK_THROWS_AS(database.write([&](Connection&) { database.write([](Connection&) {}); }), std::logic_error);
}

TEST_CASE("the database runs in WAL mode with foreign keys enforced") {
  test::TempDir dir;
  Database database({.path = dir.path() / "p.db"});
  database.read([](Connection& c) {
    auto mode = c.prepare("PRAGMA journal_mode");
    mode->step();
    CHECK(mode->text(0) == "wal");
    auto keys = c.prepare("PRAGMA foreign_keys");
    keys->step();
    CHECK(keys->int64(0) == 1);
  });
  CHECK_THROWS_AS(database.write([](Connection& c) {
    c.exec(
        "INSERT INTO auth_tokens (token_hash, user_id, created_at, expires_at) "
        "VALUES (zeroblob(32), 12345, 0, 1)");
  }),
                  ConstraintError);
}

TEST_CASE("closing the database finishes queued writes and checkpoints the WAL away") {
  test::TempDir dir;
  const auto path = dir.path() / "p.db";
  {
    Database database({.path = path, .migrations = kCounter});
    database.write([](Connection& c) { c.exec("UPDATE counter SET value = 5 WHERE id = 1"); });
    CHECK(std::filesystem::exists(path.string() + "-wal"));
    database.close();
    CHECK_FALSE(std::filesystem::exists(path.string() + "-wal"));
    CHECK_THROWS(database.write([](Connection&) {}));
  }
  Database reopened({.path = path, .migrations = kCounter});
  CHECK(reopened.read(counter_value) == 5);
}

TEST_CASE("the WAL is copied back beside the writer, not inside its commits, and stays small") {
  test::TempDir dir;
  const auto path = dir.path() / "p.db";
  constexpr int kThreshold = 16;
  std::mutex mutex;
  std::vector<std::pair<CheckpointReport, std::thread::id>> reports;
  Database database({.path = path,
                     .migrations = kCounter,
                     .checkpoint_frames = kThreshold,
                     .on_checkpoint = [&](const CheckpointReport& report) {
                       std::lock_guard lock(mutex);
                       reports.emplace_back(report, std::this_thread::get_id());
                     }});
  database.write([](Connection& c) { c.exec("CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB NOT NULL)"); });
  // A page each, 1,000 pages in all: sixty times the threshold.
  constexpr int kWrites = 1000;
  std::thread::id writer;
  for (int i = 0; i < kWrites; ++i) {
    database.write([&](Connection& c) {
      writer = std::this_thread::get_id();
      c.exec("INSERT INTO blobs (body) VALUES (randomblob(4000))");
    });
  }
  CHECK(database.read([](Connection& c) {
    auto count = c.prepare("SELECT count(*) FROM blobs");
    count->step();
    return count->int64(0);
  }) == kWrites);
  // The log was started over again and again instead of growing to 1,000
  // pages and more: four times the threshold, where the writer steps in,
  // and what was written while a checkpoint of the thread kept it waiting.
  const auto log_frames = (std::filesystem::file_size(path.string() + "-wal") - 32) / (4096 + 24);
  CHECK(log_frames < kWrites / 4);
  std::lock_guard lock(mutex);
  int beside = 0;
  for (const auto& [report, thread] : reports) {
    // Busy: the other one was checkpointing at that moment.
    CHECK((report.result == SQLITE_OK || report.result == SQLITE_BUSY));
    CHECK(report.by_writer == (thread == writer));
    if (thread != writer && report.result == SQLITE_OK) ++beside;
  }
  CHECK(beside > 0);
}

TEST_CASE("statements bind values as parameters, so quotes in input stay data") {
  test::TempDir dir;
  Database database({.path = dir.path() / "p.db", .migrations = kCounter});
  const std::string hostile = "x'); DROP TABLE counter; --";
  database.write([&](Connection& c) {
    c.exec("CREATE TABLE notes (text TEXT)");
    auto insert = c.prepare("INSERT INTO notes VALUES (?1)");
    insert->bind(1, hostile);
    insert->run();
  });
  CHECK(database.read([](Connection& c) {
    auto statement = c.prepare("SELECT text FROM notes");
    statement->step();
    return statement->text(0);
  }) == hostile);
  CHECK(database.read(counter_value) == 0);
}
