#include "db/migration.hpp"

#include <doctest/doctest.h>

#include "db/connection.hpp"
#include "db/database.hpp"
#include "db/error.hpp"
#include "support/temp_dir.hpp"

using namespace plenary;
using namespace plenary::db;

namespace {

const std::vector<Migration> kTwoSteps{
    {1, "0001_rooms.sql", "CREATE TABLE rooms (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;"},
    {2, "0002_capacity.sql", "ALTER TABLE rooms ADD COLUMN capacity INTEGER NOT NULL DEFAULT 0;"},
};

bool has_table(Connection& connection, const std::string& name) {
  auto statement = connection.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1");
  statement->bind(1, name);
  return statement->step();
}

}  // namespace

TEST_CASE("a fresh database gets every migration and their version") {
  test::TempDir dir;
  Connection connection((dir.path() / "a.db").string());
  const auto report = migrate(connection, kTwoSteps);
  CHECK(report.from_version == 0);
  CHECK(report.to_version == 2);
  CHECK(connection.user_version() == 2);
  connection.exec("INSERT INTO rooms (name, capacity) VALUES ('Hall A', 600)");
}

TEST_CASE("an older database gets only the migrations it lacks, and keeps its rows") {
  test::TempDir dir;
  Connection connection((dir.path() / "a.db").string());
  migrate(connection, std::span(kTwoSteps).first(1));
  connection.exec("INSERT INTO rooms (name) VALUES ('Ha Long Ballroom')");
  const auto report = migrate(connection, kTwoSteps);
  CHECK(report.from_version == 1);
  CHECK(report.to_version == 2);
  auto statement = connection.prepare("SELECT name, capacity FROM rooms");
  REQUIRE(statement->step());
  CHECK(statement->text(0) == "Ha Long Ballroom");
  CHECK(statement->int64(1) == 0);
  CHECK(migrate(connection, kTwoSteps).from_version == 2);  // idempotent
}

TEST_CASE("a failing migration rolls back whole and leaves the previous version") {
  test::TempDir dir;
  Connection connection((dir.path() / "a.db").string());
  const std::vector<Migration> broken{
      kTwoSteps[0],
      {2, "0002_half.sql", "CREATE TABLE tracks (id INTEGER PRIMARY KEY); INSERT INTO nowhere VALUES (1);"},
  };
  CHECK_THROWS_WITH_AS(migrate(connection, broken), doctest::Contains("0002_half.sql"), MigrationError);
  CHECK(connection.user_version() == 1);
  CHECK(has_table(connection, "rooms"));
  CHECK_FALSE(has_table(connection, "tracks"));
}

TEST_CASE("a migration that leaves a broken foreign key is refused") {
  test::TempDir dir;
  Connection connection((dir.path() / "a.db").string());
  const std::vector<Migration> dangling{
      kTwoSteps[0],
      {2, "0002_sessions.sql",
       "CREATE TABLE sessions (id INTEGER PRIMARY KEY, room_id INTEGER REFERENCES rooms (id));"
       "INSERT INTO sessions (room_id) VALUES (99);"},
  };
  CHECK_THROWS_AS(migrate(connection, dangling), MigrationError);
  CHECK(connection.user_version() == 1);
  CHECK_FALSE(has_table(connection, "sessions"));
}

TEST_CASE("a database from a newer Plenary is refused with a clear message") {
  test::TempDir dir;
  Connection connection((dir.path() / "a.db").string());
  migrate(connection, kTwoSteps);
  CHECK_THROWS_WITH_AS(migrate(connection, std::span(kTwoSteps).first(1)),
                       doctest::Contains("newer than this Plenary knows"), SchemaError);
  CHECK(connection.user_version() == 2);
}

TEST_CASE("a gap in the migration numbers is refused before anything runs") {
  test::TempDir dir;
  Connection connection((dir.path() / "a.db").string());
  const std::vector<Migration> gap{kTwoSteps[0], {3, "0003_x.sql", "CREATE TABLE x (id INTEGER);"}};
  CHECK_THROWS_AS(migrate(connection, gap), SchemaError);
  CHECK(connection.user_version() == 0);
}

TEST_CASE("the migrations shipped in schema/ apply to a fresh database in order") {
  test::TempDir dir;
  Connection connection((dir.path() / "a.db").string());
  const auto& shipped = builtin_migrations();
  REQUIRE_FALSE(shipped.empty());
  CHECK(migrate(connection, shipped).to_version == static_cast<int>(shipped.size()));
  CHECK(has_table(connection, "users"));
  CHECK(has_table(connection, "auth_tokens"));
}

TEST_CASE("0007 keeps the live history of a version 6 database, seq order and uniqueness included") {
  test::TempDir dir;
  Connection connection((dir.path() / "a.db").string());
  const auto& shipped = builtin_migrations();
  REQUIRE(shipped.size() >= 7);
  migrate(connection, std::span(shipped).first(6));
  connection.exec(
      "INSERT INTO events (id, slug, title, time_zone, first_day, last_day, languages, default_language, visibility,"
      " created_at, updated_at) VALUES (1, 'somri-21', '{}', 'Asia/Ho_Chi_Minh', '2024-10-21', '2024-10-23',"
      " '[\"en\"]', 'en', 'public', 0, 0);"
      "INSERT INTO registrations (id, event_id, name, delegation, category, search_key, created_at, updated_at)"
      " VALUES (7, 1, 'Lan', 'VN', 'delegate', 'lan', 0, 0);"
      "INSERT INTO live_messages VALUES (1, 2, 'session.updated', 'public', '{\"b\":2}', 20),"
      " (1, 1, 'announcement', 'delegates', '{\"a\":1}', 10);"
      "INSERT INTO personal_messages VALUES (7, 1, 'rsvp.promoted', '{\"c\":3}', 30);");
  CHECK(migrate(connection, std::span(shipped).first(7)).to_version == 7);
  {
    auto rows = connection.prepare("SELECT seq, type, audience, data, created_at FROM live_messages WHERE event_id = 1"
                                   " ORDER BY seq");
    REQUIRE(rows->step());
    CHECK(rows->int64(0) == 1);
    CHECK(rows->text(1) == "announcement");
    CHECK(rows->text(2) == "delegates");
    CHECK(rows->text(3) == R"({"a":1})");
    CHECK(rows->int64(4) == 10);
    REQUIRE(rows->step());
    CHECK(rows->int64(0) == 2);
    CHECK_FALSE(rows->step());
  }
  {
    auto rows = connection.prepare("SELECT seq, type, data FROM personal_messages WHERE registration_id = 7");
    REQUIRE(rows->step());
    CHECK(rows->int64(0) == 1);
    CHECK(rows->text(2) == R"({"c":3})");
  }
  // A channel's seq is still one message's, and a deleted registration takes its messages along.
  CHECK_THROWS_AS(connection.exec("INSERT INTO live_messages VALUES (1, 2, 'x', 'public', '{}', 0)"), ConstraintError);
  CHECK_THROWS_AS(connection.exec("INSERT INTO personal_messages VALUES (7, 1, 'x', '{}', 0)"), ConstraintError);
  connection.exec("DELETE FROM registrations WHERE id = 7");
  auto left = connection.prepare("SELECT count(*) FROM personal_messages");
  left->step();
  CHECK(left->int64(0) == 0);
}

TEST_CASE("the Database refuses to open a file from a newer Plenary") {
  test::TempDir dir;
  {
    Connection connection((dir.path() / "plenary.db").string());
    connection.exec("PRAGMA user_version = 999");
  }
  CHECK_THROWS_AS(Database({.path = dir.path() / "plenary.db"}), SchemaError);
}
