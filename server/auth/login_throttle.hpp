#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace plenary::auth {

// Counts failed sign-ins per account and per client address in a sliding
// window and says when to refuse. In memory only: a restart forgives, which
// is acceptable for a rate limit. Bounded: at most `max_keys` keys are kept,
// expired ones pruned first. Thread-safety: all members lock internally.
class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  struct Limits {
    std::size_t per_account = 5;
    std::size_t per_address = 20;
    std::chrono::seconds window{15 * 60};
    std::size_t max_keys = 100'000;
  };

  LoginThrottle() : LoginThrottle(Limits{}) {}
  explicit LoginThrottle(Limits limits) : limits_(limits) {}

  // Seconds to wait before trying again, or 0 when an attempt may proceed.
  long retry_after(const std::string& account, const std::string& address, Clock::time_point now = Clock::now());
  void record_failure(const std::string& account, const std::string& address, Clock::time_point now = Clock::now());
  // A correct password clears the account's count (not the address's).
  void record_success(const std::string& account);

 private:
  long wait_for(const std::string& key, std::size_t limit, Clock::time_point now);
  void prune(Clock::time_point now);

  Limits limits_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<Clock::time_point>> failures_;
};

}  // namespace plenary::auth
