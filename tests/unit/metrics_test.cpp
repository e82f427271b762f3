#include "ops/metrics.hpp"

#include <doctest/doctest.h>

using namespace plenary::ops;
using namespace std::chrono_literals;

TEST_CASE("metrics render requests by route and status, cumulative latency buckets and gauges") {
  Metrics metrics;
  metrics.observe_request("GET", "/api/v1/events/{slug}", 200, 3ms);
  metrics.observe_request("GET", "/api/v1/events/{slug}", 200, 300ms);
  metrics.observe_request("GET", "/api/v1/events/{slug}", 404, 1ms);
  metrics.observe_db("write", 2ms);
  metrics.add_gauge("plenary_http_open_connections", "Open HTTP connections.", [] { return 7.0; });
  const std::string text = metrics.render();

  CHECK(text.find("plenary_http_requests_total{method=\"GET\",route=\"/api/v1/events/{slug}\",status=\"200\"} 2") !=
        std::string::npos);
  CHECK(text.find("status=\"404\"} 1") != std::string::npos);
  CHECK(text.find("plenary_http_request_duration_seconds_bucket{route=\"/api/v1/events/{slug}\",le=\"0.005\"} 2") !=
        std::string::npos);
  CHECK(text.find("plenary_http_request_duration_seconds_bucket{route=\"/api/v1/events/{slug}\",le=\"+Inf\"} 3") !=
        std::string::npos);
  CHECK(text.find("plenary_http_request_duration_seconds_count{route=\"/api/v1/events/{slug}\"} 3") !=
        std::string::npos);
  CHECK(text.find("plenary_db_operation_duration_seconds_count{kind=\"write\"} 1") != std::string::npos);
  CHECK(text.find("# TYPE plenary_http_open_connections gauge\nplenary_http_open_connections 7") != std::string::npos);
  CHECK(text.find("process_resident_memory_bytes ") != std::string::npos);
}
