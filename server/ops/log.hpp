#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace plenary::ops {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

std::optional<LogLevel> parse_log_level(std::string_view text) noexcept;

// Structured logging: one JSON object per line, {"ts","level","msg",...fields}.
// Owns its sink (stderr by default). Thread-safety: log() may be called from
// any thread; each line is written whole, never interleaved.
class Logger {
 public:
  using Sink = std::function<void(std::string_view line)>;

  void log(LogLevel level, std::string_view message, nlohmann::json fields = nlohmann::json::object());
  void debug(std::string_view message, nlohmann::json fields = nlohmann::json::object()) {
    log(LogLevel::debug, message, std::move(fields));
  }
  void info(std::string_view message, nlohmann::json fields = nlohmann::json::object()) {
    log(LogLevel::info, message, std::move(fields));
  }
  void warn(std::string_view message, nlohmann::json fields = nlohmann::json::object()) {
    log(LogLevel::warn, message, std::move(fields));
  }
  void error(std::string_view message, nlohmann::json fields = nlohmann::json::object()) {
    log(LogLevel::error, message, std::move(fields));
  }

  // For the hot path (one line per request): `fields` is already JSON object
  // members ("\"a\":1,\"b\":\"x\""), written after ts, level and msg.
  void log_preformatted(LogLevel level, std::string_view message, std::string_view fields);

  void set_level(LogLevel level);
  bool enabled(LogLevel level) const;
  // Replaces the sink (tests capture lines); an empty sink restores stderr.
  void set_sink(Sink sink);

 private:
  mutable std::mutex mutex_;  // guards the sink and keeps lines whole
  std::atomic<LogLevel> level_{LogLevel::info};  // read on every request: no lock
  Sink sink_;
};

// The process-wide logger.
Logger& logger();

// "2024-11-19T07:00:00.123Z"
std::string utc_timestamp_now();

// Appends `text` to `out` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);

}  // namespace plenary::ops
