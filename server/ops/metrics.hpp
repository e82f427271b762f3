#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace plenary::ops {

// Latency buckets in seconds, shared by every histogram here.
inline constexpr std::array<double, 12> kLatencyBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                        0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

// A Prometheus histogram with fixed buckets. Thread-safety: observe() is
// lock-free (relaxed atomics); a render may see a sum and count a moment apart.
class Histogram {
 public:
  void observe(double seconds) noexcept;
  void render(std::string& out, std::string_view name, std::string_view labels) const;

 private:
  std::array<std::atomic<std::uint64_t>, kLatencyBuckets.size()> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_nanos_{0};
};

// The server's metrics, rendered in the Prometheus text format (0.0.4).
// Owns every series; series are created on first use and never removed (their
// labels are route patterns and statuses, a bounded set). Thread-safety: all
// members may be called from any thread.
class Metrics {
 public:
  void observe_request(std::string_view method, std::string_view route, unsigned status, std::chrono::nanoseconds took);
  void observe_db(std::string_view kind, std::chrono::nanoseconds took);
  void count_event(std::string_view name);  // e.g. "login_failed"
  // Gauges read at render time (open connections, queue depths, ...).
  void add_gauge(std::string name, std::string help, std::function<double()> read);

  std::string render() const;

 private:
  mutable std::mutex mutex_;
  // Transparent comparators: a lookup by string_view allocates nothing.
  std::map<std::tuple<std::string, std::string, unsigned>, std::uint64_t, std::less<>> requests_;
  std::map<std::string, std::unique_ptr<Histogram>, std::less<>> request_latency_;  // by route
  std::map<std::string, std::unique_ptr<Histogram>, std::less<>> db_latency_;       // by kind
  std::map<std::string, std::uint64_t> events_;
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
  };
  std::vector<Gauge> gauges_;
};

}  // namespace plenary::ops
