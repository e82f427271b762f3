#include "relay/hls_path.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <chrono>
#include <vector>

namespace plenary::relay {
namespace {

bool name_chars(std::string_view text) {
  return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
         });
}

bool rendition_name(std::string_view text) {
  return name_chars(text) && text.front() != '-';
}

bool run_name(std::string_view text) {
  return text.size() > 1 && text.size() <= 24 && text.front() == 'r' &&
         std::all_of(text.begin() + 1, text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool segment_name(std::string_view text) {
  return text.ends_with(".ts") && name_chars(text.substr(0, text.size() - 3));
}

bool token_like(std::string_view text) {
  return text.starts_with("plp_") && text.size() <= 256 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                  c == '.';
         });
}

std::vector<std::string_view> split(std::string_view tail) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = tail.find('/', start);
    parts.push_back(tail.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

}  // namespace

std::optional<HlsTarget> parse_hls_tail(std::string_view tail, bool with_run) {
  std::vector<std::string_view> parts = split(tail);
  HlsTarget target;
  if (!parts.empty() && token_like(parts.front())) {
    target.token = std::string(parts.front());
    parts.erase(parts.begin());
  }
  if (parts.size() == 1) {
    if (parts[0] != "master.m3u8") return std::nullopt;
    target.file = "master.m3u8";
    return target;
  }
  const std::size_t expected = with_run ? 3 : 2;
  if (parts.size() != expected) return std::nullopt;
  if (with_run) {
    if (!run_name(parts[0])) return std::nullopt;
    target.run = std::string(parts[0]);
  }
  const std::string_view rendition = parts[expected - 2];
  const std::string_view file = parts[expected - 1];
  if (!rendition_name(rendition)) return std::nullopt;
  if (file != "index.m3u8" && !segment_name(file)) return std::nullopt;
  target.rendition = std::string(rendition);
  target.file = std::string(file);
  return target;
}

std::string_view hls_content_type(const HlsTarget& target) noexcept {
  return target.playlist() ? "application/vnd.apple.mpegurl" : "video/mp2t";
}

std::string prefix_playlist_uris(std::string_view master, std::string_view prefix) {
  std::string out;
  out.reserve(master.size() + 256);
  std::size_t start = 0;
  while (start < master.size()) {
    std::size_t end = master.find('\n', start);
    if (end == std::string_view::npos) end = master.size();
    const std::string_view line = master.substr(start, end - start);
    if (line.empty()) {
      // kept as is
    } else if (line.front() != '#') {
      out += prefix;
      out += line;
    } else if (const std::size_t uri = line.find("URI=\""); uri != std::string_view::npos) {
      out += line.substr(0, uri + 5);
      out += prefix;
      out += line.substr(uri + 5);
    } else {
      out += line;
    }
    if (end < master.size()) out += '\n';
    start = end + 1;
  }
  return out;
}

std::string new_run_name() {
  // Never the same name twice in one process, even within a millisecond.
  static std::atomic<std::int64_t> last{0};
  std::int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  std::int64_t seen = last.load();
  while (true) {
    if (ms <= seen) ms = seen + 1;
    if (last.compare_exchange_weak(seen, ms)) break;
  }
  return "r" + std::to_string(ms);
}

}  // namespace plenary::relay
