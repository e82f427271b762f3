#include "auth/login_throttle.hpp"

#include <algorithm>

namespace plenary::auth {

long LoginThrottle::wait_for(const std::string& key, std::size_t limit, Clock::time_point now) {
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  auto& times = it->second;
  while (!times.empty() && times.front() + limits_.window <= now) times.pop_front();
  if (times.size() < limit) return 0;
  // Free again when the oldest failure that keeps it at the limit leaves the window.
  const auto free_at = times[times.size() - limit] + limits_.window;
  return std::max<long>(1, std::chrono::ceil<std::chrono::seconds>(free_at - now).count());
}

long LoginThrottle::retry_after(const std::string& account, const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  return std::max(wait_for("account:" + account, limits_.per_account, now),
                  wait_for("address:" + address, limits_.per_address, now));
}

void LoginThrottle::record_failure(const std::string& account, const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (failures_.size() >= limits_.max_keys) prune(now);
  for (const std::string& key : {"account:" + account, "address:" + address}) {
    if (failures_.size() >= limits_.max_keys && !failures_.contains(key)) continue;  // full: fail open, not OOM
    auto& times = failures_[key];
    times.push_back(now);
    const std::size_t cap = std::max(limits_.per_account, limits_.per_address);
    while (times.size() > cap) times.pop_front();
  }
}

void LoginThrottle::record_success(const std::string& account) {
  std::lock_guard lock(mutex_);
  failures_.erase("account:" + account);
}

void LoginThrottle::prune(Clock::time_point now) {
  std::erase_if(failures_,
                [&](const auto& entry) { return entry.second.empty() || entry.second.back() + limits_.window <= now; });
}

}  // namespace plenary::auth
