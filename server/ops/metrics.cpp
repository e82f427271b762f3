#include "ops/metrics.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace plenary::ops {
namespace {

std::string escape_label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

double resident_memory_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0;
  long pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double open_fds() {
  std::error_code error;
  double count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end; it.increment(error)) {
    ++count;
  }
  return count;
}

}  // namespace

void Histogram::observe(double seconds) noexcept {
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) buckets_[i].fetch_add(1, std::memory_order_relaxed);
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_nanos_.fetch_add(static_cast<std::uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

void Histogram::render(std::string& out, std::string_view name, std::string_view labels) const {
  const std::string prefix = labels.empty() ? "" : std::string(labels) + ",";
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    out += std::string(name) + "_bucket{" + prefix + "le=\"" + number(kLatencyBuckets[i]) + "\"} " +
           std::to_string(buckets_[i].load(std::memory_order_relaxed)) + "\n";
  }
  const auto count = count_.load(std::memory_order_relaxed);
  out += std::string(name) + "_bucket{" + prefix + "le=\"+Inf\"} " + std::to_string(count) + "\n";
  const std::string braces = labels.empty() ? "" : "{" + std::string(labels) + "}";
  out += std::string(name) + "_sum" + braces + " " +
         number(static_cast<double>(sum_nanos_.load(std::memory_order_relaxed)) / 1e9) + "\n";
  out += std::string(name) + "_count" + braces + " " + std::to_string(count) + "\n";
}

void Metrics::observe_request(std::string_view method, std::string_view route, unsigned status,
                              std::chrono::nanoseconds took) {
  Histogram* histogram = nullptr;
  {
    std::lock_guard lock(mutex_);
    const auto key = std::tuple<std::string_view, std::string_view, unsigned>{method, route, status};
    if (auto it = requests_.find(key); it != requests_.end()) {
      ++it->second;
    } else {
      requests_.emplace(std::tuple<std::string, std::string, unsigned>{method, route, status}, 1);
    }
    auto it = request_latency_.find(route);
    if (it == request_latency_.end()) it = request_latency_.emplace(route, std::make_unique<Histogram>()).first;
    histogram = it->second.get();
  }
  histogram->observe(std::chrono::duration<double>(took).count());
}

void Metrics::observe_db(std::string_view kind, std::chrono::nanoseconds took) {
  Histogram* histogram = nullptr;
  {
    std::lock_guard lock(mutex_);
    auto it = db_latency_.find(kind);
    if (it == db_latency_.end()) it = db_latency_.emplace(kind, std::make_unique<Histogram>()).first;
    histogram = it->second.get();
  }
  histogram->observe(std::chrono::duration<double>(took).count());
}

void Metrics::count_event(std::string_view name) {
  std::lock_guard lock(mutex_);
  ++events_[std::string(name)];
}

void Metrics::add_gauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  out += "# HELP plenary_http_requests_total HTTP requests answered, by method, route pattern and status.\n";
  out += "# TYPE plenary_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out += "plenary_http_requests_total{method=\"" + escape_label(method) + "\",route=\"" + escape_label(route) +
           "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP plenary_http_request_duration_seconds Time from a request's arrival to its response, by route.\n";
  out += "# TYPE plenary_http_request_duration_seconds histogram\n";
  for (const auto& [route, histogram] : request_latency_) {
    histogram->render(out, "plenary_http_request_duration_seconds", "route=\"" + escape_label(route) + "\"");
  }
  out += "# HELP plenary_db_operation_duration_seconds Database reads and writes (queueing included), and WAL checkpoints.\n";
  out += "# TYPE plenary_db_operation_duration_seconds histogram\n";
  for (const auto& [kind, histogram] : db_latency_) {
    histogram->render(out, "plenary_db_operation_duration_seconds", "kind=\"" + escape_label(kind) + "\"");
  }
  out += "# HELP plenary_events_total Notable events (failed logins, refused connections, ...).\n";
  out += "# TYPE plenary_events_total counter\n";
  for (const auto& [name, count] : events_) {
    out += "plenary_events_total{event=\"" + escape_label(name) + "\"} " + std::to_string(count) + "\n";
  }
  for (const Gauge& gauge : gauges_) {
    out += "# HELP " + gauge.name + " " + gauge.help + "\n# TYPE " + gauge.name + " gauge\n";
    out += gauge.name + " " + number(gauge.read()) + "\n";
  }
  out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n";
  out += "# TYPE process_resident_memory_bytes gauge\n";
  out += "process_resident_memory_bytes " + number(resident_memory_bytes()) + "\n";
  out += "# HELP process_open_fds Number of open file descriptors.\n";
  out += "# TYPE process_open_fds gauge\n";
  out += "process_open_fds " + number(open_fds()) + "\n";
  return out;
}

}  // namespace plenary::ops
