/* sqlite_tx: the baseline for the RSVP benchmark. Single-row INSERT
 * transactions, one after the other on one connection, for a given time:
 * each BEGIN IMMEDIATE; INSERT one row shaped like an RSVP; COMMIT, with the
 * pragmas Plenary's connections use (server/db/connection.cpp): WAL,
 * synchronous=FULL, so every commit waits for its fsync.
 *
 *   sqlite_tx DATABASE SECONDS
 *
 * Prints one JSON line: transactions, seconds, per_second. Built by
 * bench/rsvp/run with cc against libsqlite3; not part of the CMake build. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sqlite3.h>

static sqlite3* db;

static void check(int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    fprintf(stderr, "sqlite_tx: %s: %s\n", what, sqlite3_errmsg(db));
    exit(2);
  }
}

static void exec(const char* sql) {
  char* message = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &message) != SQLITE_OK) {
    fprintf(stderr, "sqlite_tx: %s: %s\n", sql, message ? message : "?");
    exit(2);
  }
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static sqlite3_stmt* prepare(const char* sql) {
  sqlite3_stmt* statement = NULL;
  check(sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, NULL), sql);
  return statement;
}

static void run(sqlite3_stmt* statement, const char* what) {
  check(sqlite3_step(statement), what);
  check(sqlite3_reset(statement), what);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: sqlite_tx DATABASE SECONDS\n");
    return 2;
  }
  const double seconds = atof(argv[2]);
  check(sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL), "open");
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=FULL");
  exec("PRAGMA foreign_keys=ON");
  exec("PRAGMA trusted_schema=OFF");
  exec(
      "CREATE TABLE IF NOT EXISTS rsvps (id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL, "
      "registration_id INTEGER NOT NULL, status TEXT NOT NULL, position INTEGER NOT NULL, "
      "created_at INTEGER NOT NULL, UNIQUE (session_id, registration_id)) STRICT");

  sqlite3_stmt* begin = prepare("BEGIN IMMEDIATE");
  sqlite3_stmt* insert = prepare(
      "INSERT INTO rsvps (session_id, registration_id, status, position, created_at) "
      "VALUES (?1, ?2, 'confirmed', ?2, ?3)");
  sqlite3_stmt* commit = prepare("COMMIT");
  sqlite3_stmt* last = prepare("SELECT coalesce(max(id), 0) FROM rsvps");
  check(sqlite3_step(last), "SELECT");
  const sqlite3_int64 first = sqlite3_column_int64(last, 0) + 1; /* the file may be reused */
  sqlite3_finalize(last);

  long transactions = 0;
  const double started = now();
  double elapsed = 0;
  while (elapsed < seconds) {
    run(begin, "BEGIN");
    sqlite3_bind_int64(insert, 1, 1 + transactions % 97);
    sqlite3_bind_int64(insert, 2, first + transactions);
    sqlite3_bind_int64(insert, 3, (sqlite3_int64)time(NULL));
    run(insert, "INSERT");
    run(commit, "COMMIT");
    ++transactions;
    elapsed = now() - started;
  }
  printf("{\"transactions\":%ld,\"seconds\":%.4f,\"per_second\":%.1f}\n", transactions, elapsed,
         (double)transactions / elapsed);
  sqlite3_finalize(begin);
  sqlite3_finalize(insert);
  sqlite3_finalize(commit);
  sqlite3_close(db);
  return 0;
}
