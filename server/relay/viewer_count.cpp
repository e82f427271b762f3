#include "relay/viewer_count.hpp"

#include <iterator>

namespace plenary::relay {

void ViewerCount::note(const std::string& who, std::chrono::steady_clock::time_point now) {
  // Bounded by the viewers of one window; pruned at most once a window.
  if (now - last_pruned_ > window_) count(now);
  last_seen_[who] = now;
}

std::size_t ViewerCount::count(std::chrono::steady_clock::time_point now) {
  for (auto it = last_seen_.begin(); it != last_seen_.end();) {
    it = now - it->second > window_ ? last_seen_.erase(it) : std::next(it);
  }
  last_pruned_ = now;
  return last_seen_.size();
}

}  // namespace plenary::relay
