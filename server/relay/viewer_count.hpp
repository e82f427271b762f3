#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>

namespace plenary::relay {

// An estimate of how many watch a stream: the distinct viewers (a playback
// token's delegate, or an address and browser) that fetched a playlist within
// the last `window`. Players refetch a live playlist every segment, so an
// open player counts and a closed one drops out after the window. Behind an
// edge cache this counts edges, not people.
// Plain data; the caller serialises access.
class ViewerCount {
 public:
  explicit ViewerCount(std::chrono::seconds window = std::chrono::seconds(30)) : window_(window) {}
  void note(const std::string& who, std::chrono::steady_clock::time_point now);
  std::size_t count(std::chrono::steady_clock::time_point now);

 private:
  std::chrono::seconds window_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> last_seen_;
  std::chrono::steady_clock::time_point last_pruned_{};
};

}  // namespace plenary::relay
