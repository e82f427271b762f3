#include "ops/log.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace plenary::ops {

std::optional<LogLevel> parse_log_level(std::string_view text) noexcept {
  if (text == "debug") return LogLevel::debug;
  if (text == "info") return LogLevel::info;
  if (text == "warn" || text == "warning") return LogLevel::warn;
  if (text == "error") return LogLevel::error;
  return std::nullopt;
}

std::string utc_timestamp_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  // The date and time part changes once a second: format it once per thread.
  thread_local std::time_t cached_second = -1;
  thread_local char cached[32];
  if (seconds != cached_second) {
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &parts);
    cached_second = seconds;
  }
  std::string text(cached);
  text += '.';
  text += static_cast<char>('0' + millis / 100);
  text += static_cast<char>('0' + millis / 10 % 10);
  text += static_cast<char>('0' + millis % 10);
  text += 'Z';
  return text;
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    } else {
      out += c;  // UTF-8 passes through; callers pass text that is UTF-8 or ASCII
    }
  }
  out += '"';
}

namespace {

constexpr const char* kLevelNames[] = {"debug", "info", "warn", "error"};

void write_all(const std::string& text) {
  // One write(2) per line: lines from several threads never interleave.
  const char* data = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t written = ::write(STDERR_FILENO, data, left);
    if (written <= 0) break;
    data += written;
    left -= static_cast<std::size_t>(written);
  }
}

}  // namespace

void Logger::log_preformatted(LogLevel level, std::string_view message, std::string_view fields) {
  if (!enabled(level)) return;
  std::string text;
  text.reserve(64 + message.size() + fields.size());
  text += "{\"ts\":\"";
  text += utc_timestamp_now();
  text += "\",\"level\":\"";
  text += kLevelNames[static_cast<int>(level)];
  text += "\",\"msg\":";
  append_json_string(text, message);
  if (!fields.empty()) {
    text += ',';
    text += fields;
  }
  text += "}\n";
  std::lock_guard lock(mutex_);
  if (sink_) {
    sink_(std::string_view(text).substr(0, text.size() - 1));
    return;
  }
  write_all(text);
}

void Logger::log(LogLevel level, std::string_view message, nlohmann::json fields) {
  if (!enabled(level)) return;
  if (!fields.is_object() || fields.empty()) return log_preformatted(level, message, {});
  // The object's members, without its braces.
  const std::string members = fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  log_preformatted(level, message, std::string_view(members).substr(1, members.size() - 2));
}

void Logger::set_level(LogLevel level) { level_.store(level, std::memory_order_relaxed); }

bool Logger::enabled(LogLevel level) const { return level >= level_.load(std::memory_order_relaxed); }

void Logger::set_sink(Sink sink) {
  std::lock_guard lock(mutex_);
  sink_ = std::move(sink);
}

Logger& logger() {
  static Logger instance;
  return instance;
}

}  // namespace plenary::ops
