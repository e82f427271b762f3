#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace plenary::db {

// One prepared statement (owns the sqlite3_stmt, finalised on destruction).
// Parameters are bound, never spliced: this is the only way SQL meets input.
// Thread-safety: none; used only on the thread that owns its Connection.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql, bool persistent = false);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;

  // Parameters are 1-based, as in SQLite.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value ? 1 : 0)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, std::nullptr_t);
  Statement& bind_blob(int index, std::span<const unsigned char> bytes);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, nullptr);
  }
  // Binds each argument to parameters 1..N in order.
  template <class... Args>
  Statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // Advances to the next row; false once the statement is done.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  void reset() noexcept;

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::optional<std::int64_t> optional_int64(int column) const;
  std::vector<unsigned char> blob(int column) const;

  sqlite3_stmt* handle() const noexcept { return stmt_; }

 private:
  void check_bind(int rc, int index);
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace plenary::db
